"""Page Markdown at build time: measured numbers come from the benchmark results, and the
suite's hidden checks leave the page.

**Measured numbers.** A timing or a trained score belongs to the machine that measured it, so
pages do not type it: they name it, and the build reads it from ``benchmarks/results/FILE.json``
(or from ``$EYEMEMORY_RESULTS/FILE.json``, to build the site for another machine's results).
In prose and tables, never inside code:

- ``{{ results:FILE.dotted.path }}``: the value at that path (list items by number,
  ``cases.0.ratio``), as Python prints it;
- ``{{ results:FILE.dotted.path:.2f }}``: the same through a format spec (``.2f``, ``,``,
  ``.0%``...);
- ``{{ results:FILE.dotted.path:duration }}``: seconds as ``15.0 s`` or ``2 min 41 s``;
- ``{{ machine:FILE }}``: the machine that wrote FILE, such as "2 cores of an AMD EPYC, one
  torch thread, torch 2.13.0+cpu, Python 3.11.7".

An unknown file or path, a bad format, or a placeholder this hook cannot read is a warning
naming page, placeholder and what is missing, so ``mkdocs build --strict`` fails.

**Hidden checks.** A page may hide a check from the reader in an HTML comment
(``<!-- invisible-code-block: python`` ... ``-->``) that the test suite runs
(tests/docs_harness.py). Python-Markdown would copy the comment into the page's HTML; this
hook removes it first.
"""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path
from typing import Any

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

ROOT = Path(__file__).resolve().parent.parent
RESULTS_VARIABLE = "EYEMEMORY_RESULTS"

PLACEHOLDER = re.compile(
    # a reference may hold spaces, commas and brackets (keys like "Memory, row by row")
    r"\{\{\s*(?P<kind>results|machine):(?P<reference>[^\s:{}][^:{}\n]*?)(?::(?P<spec>[^}]*?))?\s*\}\}"
)
# Anything that starts like a placeholder; whatever PLACEHOLDER did not replace is an error.
LEFT_OVER = re.compile(r"\{\{\s*\w+\s*:[^}\n]*\}?\}?")
HIDDEN_BLOCK = re.compile(
    r"^[ \t]*<!--+\s*(?:invisible-)?code(?:-block)?:?[ \t]*[^\n]*\n.*?--+>[ \t]*(?:\n|\Z)",
    re.MULTILINE | re.DOTALL,
)
FENCE_OPEN = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})")
INLINE_CODE = re.compile(r"(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)")


class ResultError(LookupError):
    """A placeholder that names no value, or a value its format cannot show."""


def results_dir() -> Path:
    """``$EYEMEMORY_RESULTS`` when set, else the committed ``benchmarks/results``."""
    return Path(os.environ.get(RESULTS_VARIABLE) or ROOT / "benchmarks" / "results")


def load(name: str, folder: Path | None = None) -> dict:
    path = (folder or results_dir()) / f"{name}.json"
    if not path.is_file():
        raise ResultError(f"no results file {path}")
    return json.loads(path.read_text(encoding="utf-8"))


def lookup(data: Any, parts: list[str]) -> Any:
    """The value at ``parts``; a key holding dots (``"index.md"``) is found whole."""
    value, at = data, 0
    while at < len(parts):
        if isinstance(value, list):
            index = parts[at]
            if not index.isdigit() or int(index) >= len(value):
                where = ".".join(parts[:at]) or "the top"
                raise ResultError(f"no item {index!r} in a list of {len(value)} at {where}")
            value, at = value[int(index)], at + 1
        elif isinstance(value, dict):
            for end in range(len(parts), at, -1):
                key = ".".join(parts[at:end])
                if key in value:
                    value, at = value[key], end
                    break
            else:
                known = ", ".join(sorted(map(str, value))[:12])
                where = ".".join(parts[:at]) or "the top"
                raise ResultError(f"no key {parts[at]!r} at {where} (it has: {known})")
        else:
            raise ResultError(f"{'.'.join(parts[:at])} is {value!r}, which has no {parts[at]!r}")
    return value


def duration(seconds: float) -> str:
    """``15.0 s``, ``2 min 41 s``, ``1 h 05 min``.

    Examples:
        >>> duration(14.96), duration(161.3), duration(3900)
        ('15.0 s', '2 min 41 s', '1 h 05 min')
    """
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {rest} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def format_value(value: Any, spec: str | None) -> str:
    if isinstance(value, (dict, list)):
        raise ResultError(f"the value is a {type(value).__name__}, not a number or a text")
    if not spec:
        return str(value)
    if spec == "duration":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ResultError(f"duration needs a number of seconds, got {value!r}")
        return duration(value)
    try:
        return format(value, spec)
    except (TypeError, ValueError) as error:
        raise ResultError(f"cannot format {value!r} with {spec!r}: {error}") from None


def describe_machine(machine: dict) -> str:
    """One line on the machine of a results file.

    Examples:
        >>> describe_machine({"processor": "AMD EPYC", "cores": 2, "threads": 1,
        ...                   "torch": "2.13.0+cpu", "python": "3.11.7"})
        '2 cores of an AMD EPYC, one torch thread, torch 2.13.0+cpu, Python 3.11.7'
    """
    try:
        processor, cores = machine["processor"], machine["cores"]
        article = "an" if processor[:1].lower() in "aeiou" else "a"
        parts = [f"{cores} core{'s' if cores != 1 else ''} of {article} {processor}"]
        if "threads" in machine:
            threads = machine["threads"]
            parts.append("one torch thread" if threads == 1 else f"{threads} torch threads")
        parts += [f"torch {machine['torch']}", f"Python {machine['python']}"]
    except (KeyError, TypeError) as error:
        raise ResultError(f"its machine block lacks {error}") from None
    return ", ".join(parts)


def render(
    reference: str, kind: str = "results", spec: str | None = None, folder: Path | None = None
) -> str:
    """The text for one placeholder: ``render("site.build_seconds", spec="duration")``."""
    if kind == "machine":
        data = load(reference, folder)
        if not isinstance(data.get("machine"), dict):
            raise ResultError(f"{reference}.json has no machine block")
        return describe_machine(data["machine"])
    name, *parts = reference.split(".")
    if not parts:
        raise ResultError("a results placeholder names a value inside the file: FILE.path.to.value")
    return format_value(lookup(load(name, folder), parts), spec)


def closes(line: str, marker: re.Match) -> bool:
    return not line[marker.end() :].strip()  # a closing fence has no info string


def code_spans(markdown: str) -> list[tuple[int, int]]:
    """Where the fenced blocks and inline code of a page are: placeholders there are examples."""
    spans, offset, fence, start = [], 0, None, 0
    for line in markdown.splitlines(keepends=True):
        marker = FENCE_OPEN.match(line)
        if fence is None and marker:
            fence, start = marker["fence"], offset
        elif fence and marker and marker["fence"].startswith(fence) and closes(line, marker):
            spans.append((start, offset + len(line)))
            fence = None
        offset += len(line)
    if fence is not None:
        spans.append((start, len(markdown)))
    outside = _outside(markdown, spans)
    spans += [(m.start(), m.end()) for m in INLINE_CODE.finditer(markdown) if outside(m.start())]
    return spans


def _outside(markdown: str, spans: list[tuple[int, int]]):
    return lambda at: not any(start <= at < end for start, end in spans)


def remove_hidden_blocks(markdown: str) -> str:
    """The page without its hidden code blocks (those inside code fences are shown, as examples)."""
    outside = _outside(markdown, code_spans(markdown))
    return HIDDEN_BLOCK.sub(lambda m: "" if outside(m.start()) else m[0], markdown)


def fill_placeholders(markdown: str, where: str, folder: Path | None = None) -> str:
    """Replace every placeholder outside code; log a warning for each one that fails."""
    outside = _outside(markdown, code_spans(markdown))

    def replace(match: re.Match) -> str:
        if not outside(match.start()):
            return match[0]
        try:
            spec = match["spec"].strip() if match["spec"] is not None else None
            return render(match["reference"].strip(), match["kind"], spec, folder)
        except (ResultError, json.JSONDecodeError) as error:
            log.warning(f"{where}: {match[0]}: {error}")
            return match[0]

    filled = PLACEHOLDER.sub(replace, markdown)
    outside = _outside(filled, code_spans(filled))
    for match in LEFT_OVER.finditer(filled):
        if outside(match.start()) and not PLACEHOLDER.fullmatch(match[0]):
            log.warning(
                f"{where}: {match[0]}: not a placeholder this build can read; write "
                "{{ results:FILE.path }}, {{ results:FILE.path:SPEC }} or {{ machine:FILE }}"
            )
    return filled


def on_page_markdown(markdown, page, config, files):  # noqa: ARG001 (MkDocs hook signature)
    return fill_placeholders(remove_hidden_blocks(markdown), page.file.src_uri)
