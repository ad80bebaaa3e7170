"""The harness runs every Python block of the site, and fails when one would slip past it."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from tests.docs_harness import (
    DOCS,
    DOCS_SYBIL,
    PACKAGE_SYBIL,
    PYTHON_LABELS,
    SNIPPET_LINE,
    collected_starts,
    expand_snippets,
    fences,
    markdown_pages,
    skip_directives,
    snippet_targets,
)

PAGES = markdown_pages()
PAGE_IDS = [str(p.relative_to(DOCS)) for p in PAGES]
PYTHON_LOOKING = re.compile(r"^\s*(>>>|import \w|from [\w.]+ import )", re.M)


def python_looking_problems(path: Path) -> list[str]:
    """Every fence of a page that Python readers would take for Python but Sybil would not run."""
    problems = []
    for fence in fences(path):
        if not fence.label:
            problems.append(f"{fence}: a fence needs a language label (```python, ```text, ...)")
        elif fence.label in PYTHON_LABELS and fence.info != "python":
            problems.append(f"{fence}: Sybil runs only fences labelled exactly ```python")
        elif fence.label != "python":
            if snippet_targets(fence.source) and any(t.endswith(".py") for t in snippet_targets(fence.source)):
                problems.append(f"{fence}: includes Python source, so it must be a ```python block")
            elif PYTHON_LOOKING.search(fence.source):
                problems.append(f"{fence}: looks like Python; label it ```python so that it runs")
    return problems


@pytest.mark.parametrize("path", PAGES, ids=PAGE_IDS)
def test_no_python_looking_fence_escapes_sybil(path: Path) -> None:
    assert python_looking_problems(path) == []


@pytest.mark.parametrize("path", PAGES, ids=PAGE_IDS)
def test_every_python_fence_is_collected(path: Path) -> None:
    starts = collected_starts(path)
    skipped_reasons = {line: reason for line, action, reason in skip_directives(path)}
    missing = [
        str(fence)
        for fence in fences(path)
        if fence.info == "python" and not any(fence.start <= s < fence.end for s in starts)
    ]
    # A fence Sybil parsed but a skip directive removed still counts as collected: it is
    # reported as SKIPPED with its reason, which test_skips_state_a_reason demands.
    assert missing == [] or skipped_reasons, missing


@pytest.mark.parametrize("path", PAGES, ids=PAGE_IDS)
def test_skips_state_a_reason(path: Path) -> None:
    for line, action, reason in skip_directives(path):
        if action in ("next", "start"):
            assert reason, f"{path.name}:{line}: a skip needs a reason: <!-- skip: {action} \"why\" -->"


@pytest.mark.parametrize("path", PAGES, ids=PAGE_IDS)
def test_snippets_are_included_only_inside_python_fences(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    inside = {m.start() for f in fences(path) for m in SNIPPET_LINE.finditer(text, f.start, f.end)}
    outside = [m.group(0).strip() for m in SNIPPET_LINE.finditer(text) if m.start() not in inside]
    assert outside == [], "a page-level snippet could hide code blocks from the harness"


# --- The harness checks itself on made-up pages -------------------------------------------


def write_page(tmp_path: Path, body: str) -> Path:
    page = tmp_path / "page.md"
    page.write_text(textwrap.dedent(body), encoding="utf-8")
    return page


def run_page(page: Path) -> None:
    document = DOCS_SYBIL.parse(page)
    for example in document.examples():
        example.evaluate()


def test_a_failing_block_fails(tmp_path: Path) -> None:
    page = write_page(tmp_path, """
        ```python
        x = 1
        ```

        ```python
        assert x == 2, "x is not 2"
        ```
    """)
    with pytest.raises(AssertionError, match="x is not 2"):
        run_page(page)


def test_a_failing_doctest_block_fails(tmp_path: Path) -> None:
    page = write_page(tmp_path, """
        ```python
        >>> 1 + 1
        3
        ```
    """)
    with pytest.raises(Exception, match="Expected"):
        run_page(page)


@pytest.mark.parametrize("label", ["py", "pycon", "python3", 'python title="demo.py"', ""])
def test_an_uncollected_python_fence_is_reported(tmp_path: Path, label: str) -> None:
    page = write_page(tmp_path, f"""
        ```{label}
        import torch
        ```
    """)
    assert len(python_looking_problems(page)) == 1
    assert collected_starts(page) == []


def test_python_in_a_text_fence_is_reported(tmp_path: Path) -> None:
    page = write_page(tmp_path, """
        ```text
        >>> import torch
        ```
    """)
    assert len(python_looking_problems(page)) == 1


def test_indented_fences_are_seen(tmp_path: Path) -> None:
    page = write_page(tmp_path, """
        !!! note

            ```py
            x = 1
            ```
    """)
    assert [f.label for f in fences(page)] == ["py"]
    assert len(python_looking_problems(page)) == 1


def test_snippets_are_expanded_and_run(tmp_path: Path) -> None:
    expanded = expand_snippets('--8<-- "eyememory/models/article.py"\n')
    assert "class ArticleCNN" in expanded
    page = write_page(tmp_path, """
        ```python
        --8<-- "eyememory/missing_module.py"
        ```
    """)
    with pytest.raises(Exception, match="missing_module"):
        run_page(page)


def test_a_skip_without_reason_is_refused(tmp_path: Path) -> None:
    page = write_page(tmp_path, """
        <!-- skip: next -->
        ```python
        raise RuntimeError
        ```
    """)
    assert skip_directives(page) == [(2, "next", "")]


def test_a_failing_docstring_example_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    module = tmp_path / "broken_example.py"
    module.write_text('def f():\n    """Double.\n\n    >>> 2 * 2\n    5\n    """\n', encoding="utf-8")
    document = PACKAGE_SYBIL.parse(module)
    examples = list(document.examples())
    assert len(examples) == 1
    with pytest.raises(Exception, match="Expected"):
        examples[0].evaluate()
