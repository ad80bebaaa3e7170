"""The harness runs every Python block of the site, and fails when one would slip past it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.docs_harness import (
    DOCS,
    DOCS_SYBIL,
    FIGURES,
    HIDDEN_HEADER,
    PACKAGE_SYBIL,
    PYTHON_LABELS,
    PYTHON_LOOKING,
    ROOT,
    SNIPPET_LINE,
    collected_starts,
    expand_snippets,
    fences,
    hidden_blocks,
    markdown_pages,
    skip_directives,
    snippet_targets,
)

PAGES = markdown_pages()
PAGE_IDS = [str(p.relative_to(DOCS)) for p in PAGES]


def hidden_block_problems(path: Path) -> list[str]:
    """Every hidden code block of a page that Sybil would not run, or not run as written."""
    problems = []
    blocks = hidden_blocks(path)
    for block in blocks:
        if not block.closed:
            problems.append(f"{block}: the comment is never closed with -->")
        elif block.header != HIDDEN_HEADER:
            problems.append(f"{block}: a hidden block opens exactly `<!-- {HIDDEN_HEADER}`")
    if problems:
        return problems  # Sybil cannot parse the page until they are fixed
    starts = collected_starts(path)
    return [
        f"{block}: Sybil does not collect this hidden block"
        for block in blocks
        if not any(block.start <= s < block.end for s in starts)
    ]


def python_looking_problems(path: Path) -> list[str]:
    """Every block of a page that Python readers would take for Python but Sybil would not run."""
    problems = hidden_block_problems(path)
    for fence in fences(path):
        if not fence.label:
            problems.append(f"{fence}: a fence needs a language label (```python, ```text, ...)")
        elif fence.label in PYTHON_LABELS and fence.info != "python":
            problems.append(f"{fence}: Sybil runs only fences labelled exactly ```python")
        elif fence.label != "python":
            if snippet_targets(fence.source) and any(
                t.endswith(".py") for t in snippet_targets(fence.source)
            ):
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
            assert reason, (
                f'{path.name}:{line}: a skip needs a reason: <!-- skip: {action} "why" -->'
            )


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


def run_page(page: Path) -> dict:
    """Run a page as the suite does (set-up, every block, tear-down); return its namespace."""
    document = DOCS_SYBIL.parse(page)
    DOCS_SYBIL.setup(document.namespace)
    try:
        for example in document.examples():
            example.evaluate()
    finally:
        DOCS_SYBIL.teardown(document.namespace)
    return document.namespace


def test_a_failing_block_fails(tmp_path: Path) -> None:
    page = write_page(
        tmp_path,
        """
        ```python
        x = 1
        ```

        ```python
        assert x == 2, "x is not 2"
        ```
    """,
    )
    with pytest.raises(AssertionError, match="x is not 2"):
        run_page(page)


def test_a_failing_doctest_block_fails(tmp_path: Path) -> None:
    page = write_page(
        tmp_path,
        """
        ```python
        >>> 1 + 1
        3
        ```
    """,
    )
    with pytest.raises(Exception, match="Expected"):
        run_page(page)


@pytest.mark.parametrize("label", ["py", "pycon", "python3", 'python title="demo.py"', ""])
def test_an_uncollected_python_fence_is_reported(tmp_path: Path, label: str) -> None:
    page = write_page(
        tmp_path,
        f"""
        ```{label}
        import torch
        ```
    """,
    )
    assert len(python_looking_problems(page)) == 1
    assert collected_starts(page) == []


def test_python_in_a_text_fence_is_reported(tmp_path: Path) -> None:
    page = write_page(
        tmp_path,
        """
        ```text
        >>> import torch
        ```
    """,
    )
    assert len(python_looking_problems(page)) == 1


def test_indented_fences_are_seen(tmp_path: Path) -> None:
    page = write_page(
        tmp_path,
        """
        !!! note

            ```py
            x = 1
            ```
    """,
    )
    assert [f.label for f in fences(page)] == ["py"]
    assert len(python_looking_problems(page)) == 1


def test_snippets_are_expanded_and_run(tmp_path: Path) -> None:
    expanded = expand_snippets('--8<-- "eyememory/models/article.py"\n')
    assert "class ArticleCNN" in expanded
    page = write_page(
        tmp_path,
        """
        ```python
        --8<-- "eyememory/missing_module.py"
        ```
    """,
    )
    with pytest.raises(Exception, match="missing_module"):
        run_page(page)


def test_a_skip_without_reason_is_refused(tmp_path: Path) -> None:
    page = write_page(
        tmp_path,
        """
        <!-- skip: next -->
        ```python
        raise RuntimeError
        ```
    """,
    )
    assert skip_directives(page) == [(2, "next", "")]


def test_a_failing_docstring_example_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    module = tmp_path / "broken_example.py"
    module.write_text(
        'def f():\n    """Double.\n\n    >>> 2 * 2\n    5\n    """\n', encoding="utf-8"
    )
    document = PACKAGE_SYBIL.parse(module)
    examples = list(document.examples())
    assert len(examples) == 1
    with pytest.raises(Exception, match="Expected"):
        examples[0].evaluate()


def test_hidden_blocks_run_in_order_in_the_page_namespace(tmp_path: Path) -> None:
    page = write_page(
        tmp_path,
        """
        ```python
        x = 1
        ```

        <!-- invisible-code-block: python
        assert x == 1
        x = 2
        -->

        !!! note

            <!-- invisible-code-block: python
            x += 1
            -->

        ```python
        y = x * 10
        ```
    """,
    )
    assert len(collected_starts(page)) == 4
    assert python_looking_problems(page) == []
    assert run_page(page)["y"] == 30


def test_a_failing_hidden_block_fails(tmp_path: Path) -> None:
    page = write_page(
        tmp_path,
        """
        <!-- invisible-code-block: python
        assert 1 + 1 == 3, "hidden check"
        -->
    """,
    )
    with pytest.raises(AssertionError, match="hidden check"):
        run_page(page)


def test_hidden_blocks_expand_snippets(tmp_path: Path) -> None:
    page = write_page(
        tmp_path,
        """
        <!-- invisible-code-block: python
        --8<-- "eyememory/models/article.py"
        -->
    """,
    )
    run_page(page)  # a snippet line left as it is would fail: a minus applied to a string
    page = write_page(
        tmp_path,
        """
        <!-- invisible-code-block: python
        --8<-- "eyememory/missing_module.py"
        -->
    """,
    )
    with pytest.raises(Exception, match="missing_module"):
        run_page(page)


@pytest.mark.parametrize(
    "opening",
    [
        "<!-- invisible-code-block: py",
        "<!-- invisible-code-block: python3",
        "<!-- invisible-code-block: Python",
        "<!-- invisible-code-block python",
        "<!-- invisible-code-block:python",
        "<!-- invisible-code-block: python  ",
        "<!-- invisible code block: python",
        "<!-- invisible-codeblock: python",
        "<!-- code-block: python",
        "<!-- hidden check",
    ],
)
def test_a_misspelt_hidden_block_is_reported(tmp_path: Path, opening: str) -> None:
    page = write_page(tmp_path, "Text.\n\n" + opening + "\nassert 1 + 1 == 2\n-->\n")
    assert len(python_looking_problems(page)) == 1, python_looking_problems(page)


def test_an_unclosed_hidden_block_is_reported(tmp_path: Path) -> None:
    page = write_page(tmp_path, "Text.\n\n<!-- invisible-code-block: python\nassert True\n")
    (problem,) = python_looking_problems(page)
    assert problem.endswith("the comment is never closed with -->")


def test_comments_that_are_not_code_are_left_alone(tmp_path: Path) -> None:
    page = write_page(
        tmp_path,
        """
        <!-- glossary -->

        <!-- skip: next "needs a GPU" -->

        ```markdown
        <!-- invisible-code-block: py
        shown as an example of the syntax, inside a fence
        -->
        ```
    """,
    )
    assert hidden_blocks(page) == []


def test_every_page_runs_on_one_thread_from_seed_zero(tmp_path: Path) -> None:
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        page = write_page(
            tmp_path,
            """
            ```python
            import os
            import torch

            threads = torch.get_num_threads()
            first = torch.rand(3)
            figures = os.environ["EYEMEMORY_FIGURES"]
            ```
        """,
        )
        namespace = run_page(page)
        assert torch.get_num_threads() == 2, "the page did not give back the threads it found"
    finally:
        torch.set_num_threads(threads)
    assert namespace["threads"] == 1
    torch.manual_seed(0)
    assert torch.equal(namespace["first"], torch.rand(3))
    assert not Path(namespace["figures"]).resolve().is_relative_to(ROOT)


def test_figures_saved_by_a_page_land_outside_the_repository(tmp_path: Path) -> None:
    page = write_page(
        tmp_path,
        """
        ```python
        import matplotlib.pyplot as plt
        from eyememory.plotting import save_figure, style

        with style():
            fig, ax = plt.subplots()
            ax.plot([0, 1], [1, 0])
            written = save_figure(fig, "harness-test-figure")
        ```
    """,
    )
    written = run_page(page)["written"]
    assert written.is_file()
    assert not written.resolve().is_relative_to(ROOT)
    assert not (FIGURES / "harness-test-figure.svg").exists()
