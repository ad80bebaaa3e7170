"""What the chapters show a reader is code to learn from.

Checks hide, set-up lives in the harness.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.docs_harness import DOCS, fences

CHAPTERS = [
    "index.md",
    "introduction.md",
    "eye.md",
    "memory.md",
    "memory-limits.md",
    "choosing.md",
    "performance.md",
    "package.md",
]
MAX_ASSERT_SHARE = 0.05
ASSERT = re.compile(r"^\s*assert\b")
CHECK_ONLY = re.compile(r"^\s*(assert\b.*|#.*|)$")


def visible_python_blocks(path: Path) -> list[list[str]]:
    """The code lines of every visible ```python fence (hidden blocks are comments, not fences)."""
    return [fence.source.splitlines() for fence in fences(path) if fence.info == "python"]


def only_checks(block: list[str]) -> bool:
    """A block of asserts, comments and blank lines only."""
    return any(ASSERT.match(line) for line in block) and all(
        CHECK_ONLY.match(line) for line in block
    )


def measure(path: Path) -> dict:
    blocks = visible_python_blocks(path)
    lines = [line for block in blocks for line in block if line.strip()]
    asserts = [line for line in lines if ASSERT.match(line)]
    return {
        "lines": len(lines),
        "asserts": len(asserts),
        "share": len(asserts) / len(lines) if lines else 0.0,
        "check_only_blocks": sum(only_checks(block) for block in blocks),
        "thread_lines": sum("set_num_threads" in line for line in lines),
    }


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_code_teaches_rather_than_checks(name: str) -> None:
    counts = measure(DOCS / name)
    print(
        f"{name}: {counts['lines']} visible lines, {counts['asserts']} asserts "
        f"({counts['share']:.1%}), {counts['check_only_blocks']} check-only blocks, "
        f"{counts['thread_lines']} set_num_threads lines"
    )
    assert counts["share"] <= MAX_ASSERT_SHARE, "move checks into <!-- invisible-code-block: python"
    assert counts["check_only_blocks"] == 0, "a block of checks alone belongs in a hidden block"
    assert counts["thread_lines"] == 0, "the harness sets torch's threads for every page"


def test_the_measure_counts_what_a_reader_sees(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```python\nx = 1\nassert x == 1\n```\n\n```python\n# check\nassert x\n\n```\n\n"
        "<!-- invisible-code-block: python\nassert x\n-->\n\n"
        "```python\ntorch.set_num_threads(1)\n```\n"
    )
    counts = {"lines": 5, "asserts": 2, "share": 0.4, "check_only_blocks": 1, "thread_lines": 1}
    assert measure(page) == counts
