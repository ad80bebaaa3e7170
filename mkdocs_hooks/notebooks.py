"""Remove what nbconvert's template adds to notebook pages that this site does not use.

The template carries a MathJax config with an empty ``<script src="">`` (math is MathML
here, see ``mathml.py``) and a module that imports Mermaid from a CDN when a notebook holds a
diagram. The site makes no request to another host, so both go. Code and output areas
that scroll sideways get ``tabindex="0"`` so keyboard users can scroll them too.
"""

from __future__ import annotations

import re

EMPTY_SCRIPT = re.compile(r'<script src="">\s*</script>')
MATHJAX_CONFIG = re.compile(r'<script type="text/x-mathjax-config">.*?</script>', re.S)
CDN_MODULE = re.compile(r'<script type="module">(?:(?!</script>).)*?https://cdn(?:(?!</script>).)*</script>', re.S)


SCROLLER = re.compile(r'<div class="(highlight-ipynb[^"]*|jp-RenderedText[^"]*)"')


def clean_notebook_html(output: str) -> str:
    for pattern in (EMPTY_SCRIPT, MATHJAX_CONFIG, CDN_MODULE):
        output = pattern.sub("", output)
    return SCROLLER.sub(r'<div tabindex="0" class="\1"', output)


def on_post_page(output, page, config):  # noqa: ARG001 (MkDocs hook signature)
    if page.file.src_uri.endswith(".ipynb"):
        return clean_notebook_html(output)
    return output
