"""Make the built pages lighter for the browser without changing how they look.

Four things, all measured with Lighthouse (see ``benchmarks/site.py``):

- **Fewer elements in code blocks.** Pygments wraps every token in a ``<span>``, and on a
  chapter those spans are most of the page's elements: every one adds to the style work the
  browser does to draw the page, and redoes whenever a script touches it. Names (class ``n``)
  and whitespace (``w``) are drawn in the code's plain colour anyway; punctuation (``p``) and
  operators (``o``) are drawn in it here too (see ``extra.css``), as GitHub draws them, so
  all four lose their spans. On the Eye chapter
  that halves the number of elements; keywords, strings, numbers, comments and built-ins
  keep their colours.
- **Copy buttons in the HTML.** Material's ``content.code.copy`` adds a button to every code
  block from JavaScript, one block at a time, and the browser restyles the page between one
  and the next: on a chapter with thirty blocks that was the largest single cost Lighthouse
  found. The same buttons (Material's markup, styled by its CSS, served by the site's script
  ``assets/javascripts/site.js``) are written into the page here,
  each with a name for screen readers, and the feature is off in ``mkdocs.yml``.
- **Tables wrapped for small screens.** A table wider than a phone scrolls inside Material's
  wrapper (``md-typeset__scrollwrap``), which Material's script used to add as the page
  opened, one table at a time, each insertion restyling the rest of the page. The site does
  not load that script (``overrides/main.html``), so the wrapper is written here.
- **Images that reserve their space.** Every ``<img>`` gets the ``width`` and ``height`` of
  its file (read from an SVG's ``width``/``height``, or a PNG's header), so that nothing
  jumps when it arrives, and (after the first) ``loading="lazy"`` with ``decoding="async"``,
  so that figures far down a chapter do not compete with the text at the top.
"""

from __future__ import annotations

import base64
import re
import struct
from functools import lru_cache
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlparse

PLAIN_TOKEN = re.compile(r'<span class="[nwpo]">([^<]*)</span>')
IMAGE = re.compile(r"<img\b([^>]*?)\s*/?>")
ATTRIBUTE = re.compile(r'\s([a-z-]+)="([^"]*)"')
SVG_SIZE = re.compile(
    r'<svg\b[^>]*?\swidth="([\d.]+)(pt|px)?"[^>]*?\sheight="([\d.]+)(pt|px)?"', re.S
)
PX_PER_UNIT = {"pt": 4 / 3, "px": 1.0, None: 1.0, "": 1.0}


def unwrap_plain_tokens(html: str) -> str:
    """Drop the spans Pygments puts around names, whitespace, punctuation and operators."""
    return PLAIN_TOKEN.sub(r"\1", html)


CODE_BLOCK = re.compile(
    r"<pre(?P<attrs>[^>]*)>(?P<lead>(?:<span></span>)?)<code>(?P<first>(?:(?!</code>)[^\n])*)"
)
TAG = re.compile(r"<[^>]+>")


def add_copy_buttons(html: str) -> str:
    """Give every ``<pre><code>`` block Material's copy button, named "Code block N tools".

    The button names its ``<code>`` by an id, which the site's script copies from. The block
    also carries its first line's length in characters (``--first-line``), from which the
    stylesheet starts that line below the button when it would reach under it.
    """
    count = 0

    def replace(match: re.Match) -> str:
        nonlocal count
        count += 1
        target = f"__copy_{count}"
        button = (
            f'<nav class="md-code__nav" aria-label="Code block {count} tools">'
            f'<button class="md-code__button" title="Copy to clipboard" '
            f'data-clipboard-target="#{target}" data-md-type="copy"></button></nav>'
        )
        first_line = len(unescape(TAG.sub("", match["first"])).expandtabs(4))
        return (
            f'<pre{match["attrs"]} style="--first-line: {first_line}">{match["lead"]}{button}'
            f'<code id="{target}">{match["first"]}'
        )

    return CODE_BLOCK.sub(replace, html)


TABLE = re.compile(r"<table>(.*?)</table>", re.S)


def wrap_tables(html: str) -> str:
    """Put every plain ``<table>`` in Material's scrolling wrapper, as its script would."""
    return TABLE.sub(
        r'<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
        r"<table>\1</table></div></div>",
        html,
    )


def svg_size(text: str) -> tuple[int, int] | None:
    """The size in CSS pixels an SVG file declares on its root element."""
    match = SVG_SIZE.search(text[:4096])
    if not match:
        return None
    width = float(match[1]) * PX_PER_UNIT[match[2]]
    height = float(match[3]) * PX_PER_UNIT[match[4]]
    return round(width), round(height)


def png_size(data: bytes) -> tuple[int, int] | None:
    """The size of a PNG, from its header (``IHDR`` comes first, at byte 16)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or len(data) < 24:
        return None
    return struct.unpack(">II", data[16:24])


@lru_cache(maxsize=256)
def file_size(path: Path, modified: float) -> tuple[int, int] | None:  # noqa: ARG001 (cache key)
    if path.suffix == ".svg":
        return svg_size(path.read_text(encoding="utf-8", errors="replace"))
    if path.suffix == ".png":
        return png_size(path.read_bytes()[:32])
    return None


def image_size(src: str, page_url: str, site_dir: Path, docs_dir: Path) -> tuple[int, int] | None:
    if src.startswith("data:image/png;base64,"):
        head = src.removeprefix("data:image/png;base64,")[:44]  # 33 bytes
        return png_size(base64.b64decode(head + "=" * (-len(head) % 4)))
    if urlparse(src).scheme or src.startswith("//"):
        return None
    relative = urlparse(urljoin("/" + page_url, src)).path.lstrip("/")
    for root in (docs_dir, site_dir):
        path = root / relative
        if path.is_file():
            return file_size(path, path.stat().st_mtime)
    return None


def size_images(html: str, page_url: str, site_dir: Path, docs_dir: Path) -> str:
    """Give every image its intrinsic size, and let the browser load it lazily."""

    seen = 0

    def replace(match: re.Match) -> str:
        nonlocal seen
        seen += 1
        attributes = dict(ATTRIBUTE.findall(" " + match[1]))
        extra = []
        if "width" not in attributes and "height" not in attributes:
            size = image_size(attributes.get("src", ""), page_url, site_dir, docs_dir)
            if size:
                extra.append(f'width="{size[0]}" height="{size[1]}"')
        if "loading" not in attributes and seen > 1:  # the first may be in view at once
            extra.append('loading="lazy"')
        if "decoding" not in attributes:
            extra.append('decoding="async"')
        return f"<img{match[1]} {' '.join(extra)} />" if extra else match[0]

    return IMAGE.sub(replace, html)


def on_post_page(output, page, config):
    output = wrap_tables(add_copy_buttons(unwrap_plain_tokens(output)))
    return size_images(output, page.url, Path(config["site_dir"]), Path(config["docs_dir"]))
