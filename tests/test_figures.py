"""Figures read on a phone and in the dark: every text big enough, colours that stand out."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from eyememory.plotting import (
    AXES,
    CYCLE,
    DARK_BACKGROUND,
    LIGHT_BACKGROUND,
    MAX_WIDTH_IN,
    TEXT,
    SmallTextWarning,
    contrast,
    dark_colour,
    save_figure,
    style,
)
from tests.docs_harness import FIGURES

SVG = "{http://www.w3.org/2000/svg}"
# (viewport, text column in CSS px, smallest text in CSS px)
SCREENS = [(390, 350, 10), (1280, 688, 12)]
COMMITTED = sorted(p for p in FIGURES.glob("*.svg") if not p.stem.endswith("-dark"))


def font_sizes(path: Path) -> tuple[float, list[float]]:
    """Natural width in CSS px, and the font size in CSS px of every <text> and <tspan>."""
    root = ET.parse(path).getroot()
    width = root.get("width", "")
    px_per_unit = 96 / 72 if width.endswith("pt") else 1.0
    sizes = []
    for element in root.iter():
        if element.tag in (f"{SVG}text", f"{SVG}tspan"):
            declarations = dict(
                part.split(":", 1)
                for part in (element.get("style") or "").split(";")
                if ":" in part
            )
            size = declarations.get("font-size", "").strip().removesuffix("px")
            if size:
                sizes.append(float(size) * px_per_unit)
    return float(width.removesuffix("pt").removesuffix("px")) * px_per_unit, sizes


def too_small(path: Path) -> list[str]:
    width, sizes = font_sizes(path)
    problems = []
    for viewport, column, least in SCREENS:
        shown = min(sizes, default=float("inf")) * min(1.0, column / width)
        if shown < least:
            problems.append(f"{path.name}: {shown:.1f} px at {viewport} px wide (needs {least})")
    return problems


def test_house_colours_read_on_light_and_dark_pages() -> None:
    assert contrast(TEXT, LIGHT_BACKGROUND) >= 4.5 and contrast(AXES, LIGHT_BACKGROUND) >= 4.5
    assert contrast(dark_colour(TEXT), DARK_BACKGROUND) >= 4.5
    assert contrast(dark_colour(AXES), DARK_BACKGROUND) >= 4.5
    for colour in CYCLE:
        assert contrast(colour, LIGHT_BACKGROUND) >= 3, colour
        assert contrast(dark_colour(colour), DARK_BACKGROUND) >= 3, colour


def test_a_house_figure_reads_on_a_phone_in_both_schemes(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("EYEMEMORY_FIGURES", str(tmp_path))
    with style():
        fig, ax = plt.subplots(figsize=(MAX_WIDTH_IN, 3))
        for k in range(3):
            ax.plot([0, 1, 2], [k, k + 1, k * 2], label=f"model {k}")
        ax.set_title("accuracy against steps")
        ax.set_xlabel("step")
        ax.set_ylabel(r"$\|\partial h / \partial x\|$")
        ax.legend()
        light = save_figure(fig, "house")
    dark = light.with_name("house-dark.svg")
    for path in (light, dark):
        assert too_small(path) == []
        text = path.read_text()
        assert "#ffffff" not in text.lower() and "fill: white" not in text, "a background was drawn"
    assert TEXT.lower() in light.read_text().lower()
    assert TEXT.lower() not in dark.read_text().lower(), "the dark twin kept the light text colour"


def test_a_figure_too_wide_for_its_text_is_flagged(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("EYEMEMORY_FIGURES", str(tmp_path))
    with style():
        fig, ax = plt.subplots(figsize=(9, 3))
        ax.plot([0, 1], [0, 1])
    with pytest.warns(SmallTextWarning, match="at most 4.8 in wide"):
        save_figure(fig, "too-wide")
    assert too_small(tmp_path / "too-wide.svg")


@pytest.mark.parametrize("path", COMMITTED, ids=[p.name for p in COMMITTED])
def test_committed_figures_read_on_a_phone_and_in_the_dark(path: Path) -> None:
    dark = path.with_name(f"{path.stem}-dark.svg")
    assert dark.is_file(), f"{dark.name} is missing: pages show it with #only-dark"
    problems = too_small(path) + too_small(dark)
    print(path.name, font_sizes(path)[0], problems)
    assert problems == []


def test_refreshing_figures_draws_headless_whatever_the_shell_asks(monkeypatch) -> None:
    """``python -m tools.figures`` writes files: Agg, even where the shell asks for windows."""
    from tools import figures

    ran = {}

    def run(command, cwd, env, check):
        ran.update(command=command, env=env)
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setenv("MPLBACKEND", "TkAgg")
    monkeypatch.setattr(figures.subprocess, "run", run)
    assert figures.main(["eye.md"]) == 0
    assert ran["env"]["MPLBACKEND"] == "Agg"
    assert ran["env"]["EYEMEMORY_REFRESH_FIGURES"] == "1"
    assert ran["command"][-1].endswith("eye.md")
