"""Turn the TeX that pymdownx.arithmatex leaves in pages into native MathML at build time.

Browsers render MathML Core without any script, so the site ships no MathJax/KaTeX
(about 1 MB saved per page) and makes no request for math. Notebook pages come from
nbconvert, which leaves ``$...$`` in the HTML; those are converted too.
"""

from __future__ import annotations

import html
import re

from latex2mathml.converter import convert

# arithmatex (generic mode) wraps math as <span class="arithmatex">\(...\)</span>
# and <div class="arithmatex">\[...\]</div>.
INLINE = re.compile(r'<span class="arithmatex">\\\((.+?)\\\)</span>', re.S)
BLOCK = re.compile(r'<div class="arithmatex">\\\[(.+?)\\\]</div>', re.S)
# nbconvert keeps $$...$$ and $...$ in markdown cells.
NB_BLOCK = re.compile(r"(?<!\\)\$\$(.+?)\$\$", re.S)
NB_INLINE = re.compile(r"(?<![\\$\w])\$(?!\s)([^$\n]+?)(?<!\s)\$(?![\w$])")
# Don't touch code: notebook math lives only in markdown cells.
CODE = re.compile(r"(<pre\b.*?</pre>|<code\b.*?</code>|<script\b.*?</script>)", re.S)


def to_mathml(tex: str, display: bool) -> str:
    """Convert one TeX formula to a MathML element."""
    return convert(html.unescape(tex).strip(), display="block" if display else "inline")


def _convert_text(text: str, notebook: bool) -> str:
    text = BLOCK.sub(lambda m: f'<div class="arithmatex">{to_mathml(m[1], True)}</div>', text)
    text = INLINE.sub(lambda m: f'<span class="arithmatex">{to_mathml(m[1], False)}</span>', text)
    if notebook:
        text = NB_BLOCK.sub(lambda m: f'<div class="arithmatex">{to_mathml(m[1], True)}</div>', text)
        text = NB_INLINE.sub(lambda m: f'<span class="arithmatex">{to_mathml(m[1], False)}</span>', text)
    return text


def convert_page(content: str, notebook: bool = False) -> str:
    """Replace every formula in a page's HTML, leaving code blocks alone."""
    parts = CODE.split(content)
    return "".join(part if i % 2 else _convert_text(part, notebook) for i, part in enumerate(parts))


def on_page_content(html_content, page, config, files):  # noqa: ARG001 (MkDocs hook signature)
    return convert_page(html_content, notebook=page.file.src_uri.endswith(".ipynb"))
