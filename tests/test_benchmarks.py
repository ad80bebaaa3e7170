"""The benchmark scripts' shared parts: the machine description, the runner, the suite timer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import __main__ as runner
from benchmarks._machine import describe, processor_name
from benchmarks.suite import summary_counts

RESULTS = Path(__file__).resolve().parent.parent / "benchmarks" / "results"
MACHINE_KEYS = {"processor", "architecture", "cores", "threads", "torch", "python", "platform"}


def test_processor_name_comes_from_cpuinfo(tmp_path: Path) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n")
    assert processor_name(cpuinfo) == "AMD EPYC 7B13"
    assert processor_name(tmp_path / "missing")  # falls back to what platform knows


def test_describe_records_the_thread_count_only_when_asked() -> None:
    import torch

    assert set(describe()) == MACHINE_KEYS
    assert describe()["threads"] == torch.get_num_threads()
    assert set(describe(torch_threads=False)) == MACHINE_KEYS - {"threads"}


@pytest.mark.parametrize("name", ["conv", "rnn", "training", "choosing", "site", "imports"])
def test_every_results_file_describes_its_machine_alike(name: str) -> None:
    machine = json.loads((RESULTS / f"{name}.json").read_text())["machine"]
    expected = MACHINE_KEYS - ({"threads"} if name in ("site", "imports") else set())
    assert set(machine) == expected
    assert isinstance(machine["cores"], int) and machine["cores"] >= 1


def test_the_suite_is_run_only_when_named() -> None:
    assert "suite" in runner.BENCHMARKS
    assert "suite" not in runner.DEFAULT
    assert set(runner.DEFAULT) == set(runner.BENCHMARKS) - {"suite"}


def test_summary_counts_reads_pytests_last_line() -> None:
    output = "....\nFAILED docs/x.md - AssertionError\n2 failed, 348 passed, 1 skipped in 43.49s\n"
    assert summary_counts(output) == {"failed": 2, "passed": 348, "skipped": 1}
    long_run = "= 412 passed, 3 warnings in 123.45s (0:02:03) ="
    assert summary_counts(long_run) == {"passed": 412, "warnings": 3}
    with pytest.raises(ValueError, match="summary line"):
        summary_counts("collected 0 items")


def test_lighthouse_keeps_the_median_run() -> None:
    from benchmarks.site import median_run

    runs = [
        {"performance": 0.7, "tbt": 1},
        {"performance": 0.9, "tbt": 2},
        {"performance": 0.8, "tbt": 3},
    ]
    assert median_run(runs) == {"performance": 0.8, "tbt": 3, "runs": 3}
    assert median_run(runs[:1])["performance"] == 0.7


def test_the_comparison_site_loads_material_script_as_material_does(tmp_path) -> None:
    """benchmarks.site measures the pages a second time with Material's bundle put back."""
    from benchmarks.site import MATERIAL_FEATURES, with_material_script

    site = tmp_path / "site"
    (site / "assets" / "javascripts").mkdir(parents=True)
    (site / "assets" / "javascripts" / "bundle.0123abcd.min.js").write_text("")
    (site / "eye").mkdir()
    (site / "eye" / "index.html").write_text(
        '<form class="md-header__option"></form><article>'
        '<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
        "<table><tr><td>1</td></tr></table></div></div></article>"
        '<script id="__config" type="application/json">{"base": "..", "features": []}</script>'
        '<script src="../assets/javascripts/site.js" defer></script>'
    )
    page = (with_material_script(site, tmp_path / "material") / "eye" / "index.html").read_text()
    assert (
        '<script src="../assets/javascripts/bundle.0123abcd.min.js"></script>\n'
        '<script src="../assets/javascripts/site.js" defer>'
    ) in page
    assert 'data-md-component="palette"' in page
    assert "<article><table><tr><td>1</td></tr></table></article>" in page  # Material wraps it
    assert (
        json.loads(page.split('type="application/json">')[1].split("</script>")[0])["features"]
        == MATERIAL_FEATURES
    )


def test_the_stock_arm_keeps_instant_navigation_and_the_palette_off(tmp_path) -> None:
    """The third arm: Material's bundle at its best stock setting."""
    from benchmarks.site import ARMS, STOCK_BEST_FEATURES, with_material_script

    site = tmp_path / "site"
    (site / "assets" / "javascripts").mkdir(parents=True)
    (site / "assets" / "javascripts" / "bundle.0123abcd.min.js").write_text("")
    (site / "index.html").write_text(
        '<form class="md-header__option"></form>'
        '<script id="__config" type="application/json">{"base": ".", "features": []}</script>'
        '<script src="assets/javascripts/site.js" defer></script>'
    )
    stock = with_material_script(site, tmp_path / "stock", STOCK_BEST_FEATURES, palette=False)
    page = (stock / "index.html").read_text()
    assert "bundle.0123abcd.min.js" in page and 'data-md-component="palette"' not in page
    config = page.split('type="application/json">')[1].split("</script>")[0]
    features = json.loads(config)["features"]
    assert "navigation.instant" not in features and "navigation.tracking" in features
    results = json.loads((RESULTS / "site.json").read_text())
    assert set(ARMS) <= set(results) and set(results["lighthouse_arms"]) == set(ARMS)
    assert len({frozenset(results[arm]) for arm in ARMS}) == 1  # the same pages in every arm
