"""Build the Glossary page from ``includes/abbreviations.md``, the one place abbreviations are defined.

Every page gets the same file appended by pymdownx.snippets (``auto_append``), so each
abbreviation shows its meaning on hover everywhere; this hook turns the same lines into
the Glossary's table, so the two can never disagree.
"""

from __future__ import annotations

import re
from pathlib import Path

ABBREVIATIONS = Path(__file__).resolve().parent.parent / "includes" / "abbreviations.md"
LINE = re.compile(r"^\*\[(?P<term>[^\]]+)\]:\s*(?P<expansion>[^—]+?)\s*(?:—\s*(?P<meaning>.+))?$")
PLACEHOLDER = "<!-- glossary -->"


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
        anchor = re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")
        rows.append(f'| <span id="{anchor}"></span>**{term}** | {expansion} | {meaning} |')
    return "\n".join(rows)


def on_page_markdown(markdown, page, config, files):  # noqa: ARG001 (MkDocs hook signature)
    if PLACEHOLDER in markdown:
        markdown = markdown.replace(PLACEHOLDER, glossary_table(read_glossary()))
    return markdown
