"""The Glossary: short forms and concepts, each defined once, explained where they are read.

**Short forms** are defined in ``includes/abbreviations.md`` (pymdownx abbr syntax). Every
page gets that file appended by pymdownx.snippets (``auto_append``), so *every* occurrence
of "CNN" carries its meaning in an ``<abbr title>``; the site's script shows it as a tooltip.
A short form is cheap to mark everywhere: it is rare and short, and its title is a line.

**Concepts** (kernel, stride, hidden state...) are defined in ``includes/concepts.md``.
They are ordinary words, used dozens of times on a chapter, so marking every occurrence
would underline half the prose and repeat the same definition in the HTML each time.
Instead this hook marks the **first plain mention of each concept on a page**, after the
page is rendered (``on_page_content``), where prose can be told from the rest for certain:

- only text that sits directly in a paragraph, a list item or a definition (``p``, ``li``,
  ``dd``); never in code, headings, links, tables, admonition titles, formulas, or inside
  other inline markup (``em``, ``strong``, an abbreviation...). A term a page sets in bold
  where it introduces it is left to the page; the next plain mention is marked. The same
  rule is the way to keep a mention unmarked: any inline markup around it;
- case-insensitively, with plurals (``kernels``) and the forms an entry lists (``unrolled``),
  but not in the phrases an entry lists as another sense (a processor's "compiled kernel");
- once per page, so a definition adds its text to a page once, however often the word
  recurs (a chapter gains a few KiB at most, before compression).

The mark is ``<a class="concept" href=".../glossary/#concept-kernel"><abbr title="...">``:
the ``abbr[title]`` gets the site's own tooltip on hover, exactly as a short form does (the
site's script shows ``abbr[title]``), and the link leads to the Glossary's entry, which is
what a reader on a phone (no hover) or with a keyboard (a link takes focus) gets. An
explicit Markdown marker was the alternative; it would have to be remembered on every page,
and a page written without it would explain nothing.

The Glossary page itself is built here too (``on_page_markdown``): its two placeholders
become the concepts, as a definition list with an anchor ``#concept-NAME`` each, and the
short forms' table, so the page and the tooltips can never disagree.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

INCLUDES = Path(__file__).resolve().parent.parent / "includes"
ABBREVIATIONS = INCLUDES / "abbreviations.md"
CONCEPTS = INCLUDES / "concepts.md"
GLOSSARY_PAGE = "glossary.md"
PLACEHOLDER = "<!-- glossary -->"  # the short forms' table
CONCEPTS_PLACEHOLDER = "<!-- concepts -->"

LINE = re.compile(r"^\*\[(?P<term>[^\]]+)\]:\s*(?P<expansion>[^—]+?)\s*(?:—\s*(?P<meaning>.+))?$")


def slug(text: str) -> str:
    """``"Feature map"`` -> ``"feature-map"``: lower case, runs of other characters as ``-``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --- Short forms ------------------------------------------------------------------------


def read_glossary(path: Path = ABBREVIATIONS) -> list[tuple[str, str, str]]:
    """Return ``(term, expansion, meaning)`` for each line of the abbreviations file."""
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        match = LINE.match(line)
        if match is None:
            raise ValueError(f"{path.name}: cannot read glossary line {line!r}")
        entries.append((match["term"], match["expansion"], match["meaning"] or ""))
    return entries


def glossary_table(entries: list[tuple[str, str, str]]) -> str:
    rows = ["| Short form | Stands for | What it means here |", "| --- | --- | --- |"]
    for term, expansion, meaning in sorted(entries, key=lambda e: e[0].lower()):
        rows.append(f'| <span id="{slug(term)}"></span>**{term}** | {expansion} | {meaning} |')
    return "\n".join(rows)


# --- Concepts ---------------------------------------------------------------------------


def plural(form: str) -> str:
    """The plural of a form's last word: kernel -> kernels, batch -> batches, logits -> logits."""
    if form.endswith("s"):
        return form
    if re.search(r"(x|z|ch|sh)$", form):
        return form + "es"
    if re.search(r"[^aeiou]y$", form):
        return form[:-1] + "ies"
    return form + "s"


@dataclass(frozen=True)
class Concept:
    """One entry of ``includes/concepts.md``: its name, its definition, the other forms that
    mean it, and phrases where its word means something else ("a compiled kernel")."""

    name: str
    definition: str
    also: tuple[str, ...] = ()
    unlike: tuple[str, ...] = ()

    @property
    def anchor(self) -> str:
        """The id of its entry on the Glossary page: ``concept-feature-map``."""
        return "concept-" + slug(self.name)

    @property
    def forms(self) -> tuple[str, ...]:
        """Every lower-case form that names it, plurals included, without repeats."""
        return with_plurals((self.name, *self.also))

    @property
    def other_senses(self) -> tuple[str, ...]:
        """The phrases, plurals included, in which its word is another concept's."""
        return with_plurals(self.unlike)


def with_plurals(forms: tuple[str, ...]) -> tuple[str, ...]:
    found = []
    for form in forms:
        for word in (form.lower(), plural(form.lower())):
            if word not in found:
                found.append(word)
    return tuple(found)


ENTRY = re.compile(
    r"^(?P<name>[^\n:(][^\n(]*?)"
    r"(?:\s*\(also:\s*(?P<also>[^)\n]+)\))?"
    r"(?:\s*\(unlike:\s*(?P<unlike>[^)\n]+)\))?"
    r"\n:   (?P<definition>.+)$",
    re.DOTALL,
)


def _listed(text: str | None) -> tuple[str, ...]:
    """``"a, b"`` -> ``("a", "b")``; ``None`` -> ``()``."""
    return tuple(item.strip() for item in (text or "").split(",") if item.strip())


def read_concepts(path: Path = CONCEPTS) -> list[Concept]:
    """The concepts of ``path``, in the file's order.

    Raises:
        ValueError: an entry the format does not describe, or a form given to two concepts.
    """
    text = re.sub(r"<!--.*?-->", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    concepts, owner = [], {}
    for block in re.split(r"\n\s*\n", text.strip()):
        match = ENTRY.match(block)
        if match is None:
            raise ValueError(f"{path.name}: cannot read concept entry {block!r}")
        definition = " ".join(match["definition"].split())
        also, unlike = _listed(match["also"]), _listed(match["unlike"])
        concept = Concept(match["name"], definition, also, unlike)
        for form in concept.forms + concept.other_senses:
            if form in owner:
                raise ValueError(
                    f"{path.name}: {form!r} names both {owner[form]!r} and {concept.name!r}"
                )
            owner[form] = concept.name
        concepts.append(concept)
    return concepts


@cache
def _concepts() -> tuple[tuple[Concept, ...], dict[str, Concept | None], re.Pattern]:
    """The concepts, each form's concept (``None`` for another sense), and one pattern that
    finds any of them in prose."""
    concepts = tuple(read_concepts())
    by_form = {form: concept for concept in concepts for form in concept.forms}
    by_form |= {phrase: None for concept in concepts for phrase in concept.other_senses}
    longest_first = sorted(by_form, key=len, reverse=True)  # "feature maps" before "feature map"
    alternatives = "|".join(r"\s+".join(map(re.escape, form.split())) for form in longest_first)
    return concepts, by_form, re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def concept_for(words: str) -> Concept | None:
    """The concept that ``words`` names, in any case and number: ``"Kernels"`` -> kernel."""
    return _concepts()[1].get(" ".join(words.lower().split()))


def concepts_section(concepts: list[Concept]) -> str:
    """The Glossary's concepts as a Markdown definition list, alphabetical, each term with
    its anchor (attr_list)."""
    entries = [
        f"**{c.name}** {{ #{c.anchor} }}\n:   {c.definition}"
        for c in sorted(concepts, key=lambda c: c.name.lower())
    ]
    return "\n\n".join(entries)


# Where prose can sit, and what is never prose (or is markup of its own).
PROSE = {"p", "li", "dd"}
NOT_PROSE = {
    "a", "abbr", "button", "code", "dt", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6",
    "kbd", "label", "math", "pre", "samp", "select", "summary", "svg", "table", "textarea",
}  # fmt: skip
NOT_PROSE_CLASSES = {"admonition-title", "arithmatex"}
VOID = {
    "area",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
TOKEN = re.compile(
    r"<(script|style)\b.*?</\1\s*>"  # opaque: their text is not HTML
    r"|<!--.*?-->"
    r"|<(?P<close>/)?(?P<tag>[a-zA-Z][\w-]*)(?P<attrs>[^>]*)>"
    r"|(?P<text>[^<]+)"
    r"|<",
    re.DOTALL,
)
CLASS = re.compile(r"""\bclass\s*=\s*["']([^"']*)["']""")


def concept_mark(text: str, concept: Concept, glossary_url: str | None) -> str:
    """``text`` explained by ``concept``: a tooltip, and a link to its Glossary entry."""
    title = html.escape(concept.definition, quote=True)
    mark = f'<abbr title="{title}">{text}</abbr>'
    if glossary_url is None:
        return mark
    return f'<a class="concept" href="{glossary_url}#{concept.anchor}">{mark}</a>'


def mark_concepts(page_html: str, glossary_url: str | None) -> str:
    """Mark the first plain mention of each concept in ``page_html`` (see the module's text).

    Examples:
        >>> page = "<h2>Kernels</h2><p>Two kernels, one kernel.</p>"
        >>> print(re.sub(r' title="[^"]*"', "", mark_concepts(page, None)))  # titles aside
        <h2>Kernels</h2><p>Two <abbr>kernels</abbr>, one kernel.</p>
        >>> mark_concepts(page, "../glossary/").count('href="../glossary/#concept-kernel"')
        1
    """
    _, by_form, pattern = _concepts()
    seen: set[str] = set()
    stack: list[tuple[str, bool]] = []  # open elements: (tag, never prose within)

    def mark_first(match: re.Match) -> str:
        concept = by_form[" ".join(match[0].lower().split())]
        if concept is None or concept.name in seen:  # another sense, or explained already
            return match[0]
        seen.add(concept.name)
        return concept_mark(match[0], concept, glossary_url)

    out = []
    for token in TOKEN.finditer(page_html):
        if token["text"] is not None:
            in_prose = (
                bool(stack) and stack[-1][0] in PROSE and not any(blocked for _, blocked in stack)
            )
            out.append(pattern.sub(mark_first, token[0]) if in_prose else token[0])
            continue
        out.append(token[0])
        tag = (token["tag"] or "").lower()
        if not tag or tag in VOID or token["attrs"].rstrip().endswith("/"):
            continue
        if token["close"]:
            names = [name for name, _ in stack]
            if tag in names:  # close it, and whatever was left open inside it
                del stack[len(names) - 1 - names[::-1].index(tag) :]
        else:
            classes = (
                set(CLASS.search(token["attrs"])[1].split())
                if CLASS.search(token["attrs"])
                else set()
            )
            stack.append((tag, tag in NOT_PROSE or bool(classes & NOT_PROSE_CLASSES)))
    return "".join(out)


# --- MkDocs events ----------------------------------------------------------------------


def on_page_markdown(markdown, page, config, files):  # noqa: ARG001 (MkDocs hook signature)
    if CONCEPTS_PLACEHOLDER in markdown:
        markdown = markdown.replace(CONCEPTS_PLACEHOLDER, concepts_section(read_concepts()))
    if PLACEHOLDER in markdown:
        markdown = markdown.replace(PLACEHOLDER, glossary_table(read_glossary()))
    return markdown


def on_page_content(html, page, config, files):  # noqa: ARG001 (MkDocs hook signature)
    if page.file.src_uri == GLOSSARY_PAGE:
        return html
    glossary = files.get_file_from_path(GLOSSARY_PAGE)
    return mark_concepts(html, glossary.url_relative_to(page.file) if glossary else None)


def on_config(config):
    _concepts.cache_clear()  # includes/ is watched: under `mkdocs serve` an edit shows on rebuild
    return config
