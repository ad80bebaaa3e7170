"""The results hook: measured numbers rendered from benchmarks/results, hidden checks removed."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from mkdocs_hooks.results import (
    describe_machine,
    fill_placeholders,
    remove_hidden_blocks,
    render,
    results_dir,
)

from .conftest import _build

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"


@pytest.fixture
def results(tmp_path: Path) -> Path:
    folder = tmp_path / "results"
    folder.mkdir()
    (folder / "demo.json").write_text(
        json.dumps(
            {
                "machine": {
                    "processor": "Intel Xeon",
                    "cores": 4,
                    "threads": 2,
                    "torch": "2.13.0+cpu",
                    "python": "3.12.1",
                },
                "results": {"forward": {"ratio": 1.23456}, "index.md": {"bytes": 54917}},
                "cases": [{"ratio": 2.5}, {"ratio": 0.75}],
                "seconds": 161.3,
            }
        )
    )
    return folder


@pytest.mark.parametrize(
    ("placeholder", "text"),
    [
        ("{{ results:demo.results.forward.ratio }}", "1.23456"),
        ("{{ results:demo.results.forward.ratio:.2f }}", "1.23"),
        ("{{results:demo.results.forward.ratio:.0%}}", "123%"),
        ("{{ results:demo.results.index.md.bytes:, }}", "54,917"),
        ("{{ results:demo.cases.1.ratio }}", "0.75"),
        ("{{ results:demo.seconds:duration }}", "2 min 41 s"),
        (
            "{{ machine:demo }}",
            "4 cores of an Intel Xeon, 2 torch threads, torch 2.13.0+cpu, Python 3.12.1",
        ),
    ],
)
def test_placeholders_render(results: Path, placeholder: str, text: str) -> None:
    assert (
        fill_placeholders(f"Measured: {placeholder}.", "page.md", results) == f"Measured: {text}."
    )


def test_durations_and_machines_read_well() -> None:
    seconds = round(json.loads((RESULTS / "suite.json").read_text())["seconds"])
    expected = f"{seconds // 60} min {seconds % 60} s"  # whatever the last run measured
    assert render("suite.seconds", spec="duration", folder=RESULTS) == expected
    assert render("site.build_seconds", spec="duration", folder=RESULTS).endswith(" s")
    one = {"processor": "AMD EPYC", "cores": 1, "torch": "2", "python": "3"}
    assert describe_machine(one) == "1 core of an AMD EPYC, torch 2, Python 3"


@pytest.mark.parametrize(
    ("placeholder", "missing"),
    [
        ("{{ results:nowhere.value }}", "no results file"),
        ("{{ results:demo.results.backward.ratio }}", "no key 'backward' at results"),
        ("{{ results:demo.cases.2.ratio }}", "no item '2' in a list of 2"),
        ("{{ results:demo.results.forward.ratio.more }}", "which has no 'more'"),
        ("{{ results:demo.results }}", "the value is a dict"),
        ("{{ results:demo }}", "names a value inside the file"),
        ("{{ results:demo.machine.processor:.2f }}", "cannot format 'Intel Xeon'"),
        ("{{ results:demo.machine.processor:duration }}", "duration needs a number"),
        ("{{ machine:nowhere }}", "no results file"),
        ("{{ result:demo.seconds }}", "not a placeholder this build can read"),
        ("{{ results: demo.seconds }}", "not a placeholder this build can read"),
    ],
)
def test_a_placeholder_that_names_nothing_is_a_warning(
    results: Path, placeholder: str, missing: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        fill_placeholders(f"Text {placeholder} here.\n", "eye.md", results)
    (record,) = caplog.records
    assert record.name.startswith("mkdocs."), "strict builds count warnings of mkdocs' loggers"
    assert record.getMessage().startswith(f"eye.md: {placeholder}: ")
    assert missing in record.getMessage()


def test_placeholders_inside_code_are_left_as_examples(
    results: Path, caplog: pytest.LogCaptureFixture
) -> None:
    page = "Write `{{ results:x.y }}` in prose.\n\n```markdown\n{{ results:demo.seconds }}\n```\n"
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        assert fill_placeholders(page, "page.md", results) == page
    assert caplog.records == []


def test_hidden_blocks_leave_the_page_but_shown_examples_stay() -> None:
    page = (
        "Before.\n\n<!-- invisible-code-block: python\nassert secret_check()\n-->\n\n"
        "!!! note\n\n"
        "    <!-- invisible-code-block: python\n    assert indented_check()\n    -->\n\n"
        "```markdown\n<!-- invisible-code-block: python\nshown_example()\n-->\n```\n\n"
        "<!-- glossary -->\nAfter.\n"
    )
    kept = remove_hidden_blocks(page)
    assert "secret_check" not in kept and "indented_check" not in kept
    assert "shown_example()" in kept and "<!-- glossary -->" in kept
    assert kept.startswith("Before.") and kept.endswith("After.\n")


def test_results_folder_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, results: Path
) -> None:
    monkeypatch.delenv("EYEMEMORY_RESULTS", raising=False)
    assert results_dir() == RESULTS
    monkeypatch.setenv("EYEMEMORY_RESULTS", str(results))
    assert results_dir() == results


# --- The whole site, built for another machine's results ------------------------------------


def rewrite(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, indent=2))


def test_the_site_builds_for_another_machine(tmp_path: Path) -> None:
    """Another processor's numbers and name appear on the pages, and the build stays strict."""
    other = tmp_path / "results"
    shutil.copytree(RESULTS, other)
    marks = {
        "processor": "Imaginary Zen 99 Processor",
        "build_seconds": 98.76,
        "suite_seconds": 3723,
    }

    def machine(data: dict) -> None:
        data["machine"]["processor"] = marks["processor"]

    for path in other.glob("*.json"):
        rewrite(path, machine)
    rewrite(other / "site.json", lambda d: d.update(build_seconds=marks["build_seconds"]))
    rewrite(other / "suite.json", lambda d: d.update(seconds=marks["suite_seconds"]))
    site = tmp_path / "site"
    build = _build(site, EYEMEMORY_RESULTS=str(other))
    seconds = build.seconds
    assert build.returncode == 0, build.log
    assert "WARNING" not in build.log
    pages = {p: p.read_text(encoding="utf-8") for p in site.rglob("*.html")}
    every = "\n".join(pages.values())
    assert "{{ results:" not in every and "{{ machine:" not in every
    assert "<!-- invisible-code-block" not in every, "a hidden check reached the reader"
    sources = [(ROOT / "docs" / p.relative_to(site).parent).with_suffix(".md") for p in pages]
    used = "\n".join(s.read_text(encoding="utf-8") for s in sources if s.is_file())
    if "{{ machine:" in used:
        assert marks["processor"] in every
    if "{{ results:site.build_seconds" in used:
        assert "98.8" in every
    if "{{ results:suite.seconds:duration" in used:
        assert "1 h 02 min" in every
    print(f"strict build for another machine: {seconds:.1f} s")
