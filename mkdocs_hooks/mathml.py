"""Turn the TeX that pymdownx.arithmatex leaves in pages into native MathML at build time.

Browsers render MathML Core without any script, so the site ships no MathJax/KaTeX
(about 1 MB saved per page) and makes no request for math. Notebook pages come from
nbconvert, which leaves ``$...$`` in the HTML; those are converted too.

Chromium's MathML never breaks a line, so a display formula wider than the column would be
cut off. Two things prevent that: a formula made of several equations side by side (joined
by ``\\qquad``) that would be wide is stacked, one equation per row; and every display
formula's wrapper carries its estimated width in em (``--math-width``), from which the
stylesheet (``extra.css``) scales it down to fit the column, never below a readable size.

Converted pages are cached by their content's hash for the life of the process (``mkdocs
serve`` rebuilds every page after an edit; only the edited one is converted again).
"""

from __future__ import annotations

import hashlib
import html
import re
import sys
import types
from xml.etree import ElementTree

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


# Estimated widths, in em of the formula's own size, of what latex2mathml writes. Glyphs are
# about half an em wide (italic letters a little more), and MathML Core's operator dictionary
# puts thick space (5/18 em) either side of a relation, medium (4/18) of a binary operator.
SCRIPT_SCALE = 0.71  # MathML Core's scriptlevel factor
RELATIONS = set("=<>≤≥≠≈∼←→↦∈∉⊂⊆∣:")
BINARY = set("+−-±×⋅·⋆∗∘/")
LARGE = set("∑∏∫⋃⋂")
# Chromium lays this site's formulas out 1.12 to 1.29 times wider than the sums above
# (measured on every page at 1280 px, with the fonts of Debian's Chromium): the stylesheet
# is given the estimate times this factor, so that the widest still fits its column.
SAFETY = 1.33


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _em(length: str | None) -> float:
    match = re.fullmatch(r"([\d.]+)em", length or "")
    return float(match[1]) if match else 0.0


def estimate_width(element: ElementTree.Element) -> float:
    """An estimate of a MathML element's width in em (see ``SAFETY`` for how close it is)."""
    tag, text = _local(element.tag), (element.text or "").strip()
    children = list(element)
    widths = [estimate_width(child) for child in children]
    if tag in ("mi", "mn", "mtext"):
        per_glyph = 0.58 if tag == "mi" and len(text) == 1 else 0.5
        return per_glyph * len(text)
    if tag == "mo":
        if text in LARGE:
            return 1.45
        if text in RELATIONS:
            return 0.6 + 2 * 5 / 18
        if text in BINARY:
            return 0.6 + 2 * 4 / 18
        if text == ",":
            return 0.45
        if len(text) > 1:  # a named operator: ReLU, max, tanh
            return 0.5 * len(text) + 0.3
        return 0.4  # brackets and bars
    if tag == "mspace":
        return _em(element.get("width"))
    if tag in ("msub", "msup"):
        return widths[0] + SCRIPT_SCALE * widths[1]
    if tag == "msubsup":
        return widths[0] + SCRIPT_SCALE * max(widths[1:])
    if tag in ("munder", "mover", "munderover"):
        return max(widths[0], *(SCRIPT_SCALE * w for w in widths[1:]))
    if tag == "mfrac":
        return max(widths) + 0.3
    if tag in ("msqrt", "mroot"):
        return widths[0] + 1.0 if tag == "mroot" else sum(widths) + 1.0
    if tag == "mtable":
        return max(widths, default=0.0)
    if tag == "mtr":
        return sum(widths) + 0.8 * (len(widths) - 1)
    return sum(widths)


NAMED_ENTITY = re.compile(r"&(?!(?:#|amp;|lt;|gt;|quot;|apos;))\w+;")


def mathml_width(mathml: str) -> float:
    """``estimate_width`` of a MathML string (HTML's named entities allowed)."""
    return estimate_width(
        ElementTree.fromstring(NAMED_ENTITY.sub(lambda m: html.unescape(m[0]), mathml))
    )


QQUAD = re.compile(r"\\qquad(?![a-zA-Z])")


def top_level_pieces(tex: str) -> list[str]:
    r"""Split a formula at the ``\qquad`` that separate whole equations (outside any braces
    or ``\left ... \right``), as in ``e_t = E[w_t], \qquad h_t = \tanh(...)``."""
    pieces, depth, start = [], 0, 0
    for match in re.finditer(
        r"\\left(?![a-zA-Z])|\\right(?![a-zA-Z])|\\qquad(?![a-zA-Z])|\\[{}]|[{}]", tex
    ):
        token = match[0]
        if token in ("{", r"\left"):
            depth += 1
        elif token in ("}", r"\right"):
            depth -= 1
        elif token == r"\qquad" and depth == 0:
            pieces.append(tex[start : match.start()])
            start = match.end()
    pieces.append(tex[start:])
    return [piece.strip() for piece in pieces if piece.strip()]


# A formula estimated wider than this (in em: about 650 px at the display size, the column
# being 688 px at 1280) that holds several equations is stacked: each reads better on its
# own row than all of them scaled down.
STACK_WIDTH = 28.0
MATH_ELEMENT = re.compile(r"^(<math\b[^>]*>)(.*)</math>$", re.S)


def display_math(tex: str) -> str:
    """A display formula as ``<div class="arithmatex">``: its MathML, stacked if it is a wide
    list of equations, and its estimated width (with ``SAFETY``) for the stylesheet."""
    mathml = to_mathml(tex, True)
    width = mathml_width(mathml)
    pieces = top_level_pieces(html.unescape(tex))
    if width > STACK_WIDTH and len(pieces) > 1:
        rows = [MATH_ELEMENT.match(to_mathml(piece, True)) for piece in pieces]
        cells = "".join(
            f'<mtr><mtd><mrow displaystyle="true">{row[2]}</mrow></mtd></mtr>' for row in rows
        )
        mathml = f'{rows[0][1]}<mtable class="math-rows">{cells}</mtable></math>'
        width = mathml_width(mathml)
    return f'<div class="arithmatex" style="--math-width: {width * SAFETY:.1f}">{mathml}</div>'


def _convert_text(text: str, notebook: bool) -> str:
    text = BLOCK.sub(lambda m: display_math(m[1]), text)
    text = INLINE.sub(lambda m: f'<span class="arithmatex">{to_mathml(m[1], False)}</span>', text)
    if notebook:
        text = NB_BLOCK.sub(lambda m: display_math(m[1]), text)
        text = NB_INLINE.sub(
            lambda m: f'<span class="arithmatex">{to_mathml(m[1], False)}</span>', text
        )
    return text


def convert_page(content: str, notebook: bool = False) -> str:
    """Replace every formula in a page's HTML, leaving code blocks alone."""
    parts = CODE.split(content)
    return "".join(part if i % 2 else _convert_text(part, notebook) for i, part in enumerate(parts))


# MkDocs loads hooks afresh for every rebuild under ``mkdocs serve``; the cache lives in a
# module of its own so that it outlasts them. A page's HTML is the whole key: the result
# depends on nothing else but this file and latex2mathml, which a rebuild does not reload.
_STORE = sys.modules.setdefault(
    "_eyememory_mathml_cache", types.ModuleType("_eyememory_mathml_cache")
)
CACHE: dict[str, str] = _STORE.__dict__.setdefault("pages", {})
CACHE_SIZE = 500


def on_page_content(html_content, page, config, files):  # noqa: ARG001 (MkDocs hook signature)
    notebook = page.file.src_uri.endswith(".ipynb")
    key = hashlib.sha256(f"{notebook}\0{html_content}".encode()).hexdigest()
    if key not in CACHE:
        if len(CACHE) >= CACHE_SIZE:
            CACHE.clear()
        CACHE[key] = convert_page(html_content, notebook=notebook)
    return CACHE[key]
