"""Remove what nbconvert's template adds to notebook pages that this site does not use.

The template carries a MathJax config with an empty ``<script src="">`` (math is MathML
here, see ``mathml.py``) and a module that imports Mermaid from a CDN when a notebook holds a
diagram. The site makes no request to another host, so both go. Code and output areas
that scroll sideways get ``tabindex="0"`` so keyboard users can scroll them too.

Links from a notebook's markdown to the site's pages (``[the chapter](../memory.md#5-...)``,
which work in Jupyter) are left as ``.md`` links by mkdocs-jupyter; they are rewritten here
to the built pages' addresses.

Under ``mkdocs serve`` every page is rebuilt after an edit, and turning a notebook into HTML
(nbconvert) is the slowest part of a page. Notebooks are not executed by the build
(``execute: false``), so the HTML depends only on the notebook's bytes and the options:
mkdocs-jupyter's converters are wrapped here in a cache with exactly that key, held for the
life of the process (mkdocs-jupyter's own on-disk cache is off, see ``mkdocs.yml``).
"""

from __future__ import annotations

import functools
import hashlib
import posixpath
import re
from pathlib import Path

EMPTY_SCRIPT = re.compile(r'<script src="">\s*</script>')
MATHJAX_CONFIG = re.compile(r'<script type="text/x-mathjax-config">.*?</script>', re.S)
CDN_MODULE = re.compile(
    r'<script type="module">(?:(?!</script>).)*?https://cdn(?:(?!</script>).)*</script>', re.S
)


SCROLLER = re.compile(
    r'<div class="(highlight-ipynb[^"]*|jp-RenderedText[^"]*)"(?![^>]*\stabindex=)'
)


def clean_notebook_html(output: str) -> str:
    for pattern in (EMPTY_SCRIPT, MATHJAX_CONFIG, CDN_MODULE):
        output = pattern.sub("", output)
    return SCROLLER.sub(r'<div tabindex="0" class="\1"', output)


MD_LINK = re.compile(r'href="(?![a-z]+:|/|#)([^"#]+)\.md(#[^"]*)?"')


def page_url(src_uri: str, use_directory_urls: bool = True) -> str:
    """The address MkDocs gives the page built from ``src_uri`` (``api/rnn.md`` -> ``api/rnn/``)."""
    stem = src_uri.removesuffix(".md")
    if posixpath.basename(stem) in ("index", "README"):
        return posixpath.dirname(stem) + "/" if posixpath.dirname(stem) else ""
    return stem + "/" if use_directory_urls else stem + ".html"


def fix_markdown_links(output: str, notebook_src_uri: str, use_directory_urls: bool = True) -> str:
    """Point ``href="../x.md#a"`` in a notebook page at the built page of ``x.md``."""
    here = posixpath.dirname(notebook_src_uri)
    own_url = page_url(notebook_src_uri.removesuffix(".ipynb") + ".md", use_directory_urls)
    own_dir = own_url if own_url.endswith("/") else posixpath.dirname(own_url)

    def replace(match: re.Match) -> str:
        target = posixpath.normpath(posixpath.join(here, match[1] + ".md"))
        url = page_url(target, use_directory_urls)
        relative = posixpath.relpath(url or ".", own_dir or ".") + (
            "/" if url.endswith("/") or not url else ""
        )
        return f'href="{relative}{match[2] or ""}"'

    return MD_LINK.sub(replace, output)


def cached_by_content(convert, size: int = 32):
    """Wrap a notebook converter ``convert(path, **options)`` in a cache keyed on the file's
    bytes and the options; it keeps the last ``size`` results."""
    results: dict[tuple[str, str, str], str] = {}

    @functools.wraps(convert)
    def cached(path, **options):
        key = (
            str(path),
            hashlib.sha256(Path(path).read_bytes()).hexdigest(),
            repr(sorted(options.items())),
        )
        if key not in results:
            if len(results) >= size:
                results.pop(next(iter(results)))  # the oldest
            results[key] = convert(path, **options)
        return results[key]

    cached.cache_of = convert
    return cached


def on_startup(command, dirty):  # noqa: ARG001 (MkDocs hook signature)
    """Cache mkdocs-jupyter's conversions; its module outlives the hooks, so wrap it once."""
    from mkdocs_jupyter import convert

    for name in ("nb2html", "nb2md"):
        if not hasattr(getattr(convert, name), "cache_of"):
            setattr(convert, name, cached_by_content(getattr(convert, name)))


def on_post_page(output, page, config):
    if page.file.src_uri.endswith(".ipynb"):
        output = fix_markdown_links(
            output, page.file.src_uri, config.get("use_directory_urls", True)
        )
        return clean_notebook_html(output)
    return output
