"""Figure helpers: one look for every chart, and SVG files that are the same bytes run after run."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import matplotlib.figure

from ._validation import fail, shown

matplotlib.use("Agg")  # no screen needed; the figures are files
import matplotlib.pyplot as plt  # noqa: E402

STYLE = {
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "font.size": 10,
    "svg.fonttype": "none",  # keep text as text: smaller files, selectable labels
    "svg.hashsalt": "eyememory",  # fixed ids, so the same figure gives the same bytes
    "image.cmap": "viridis",
}


def figures_dir() -> Path:
    """Where [`save_figure`][eyememory.plotting.save_figure] writes.

    ``$EYEMEMORY_FIGURES`` when set (the docs tests point it at ``docs/assets/figures``),
    else ``./figures``.
    """
    return Path(os.environ.get("EYEMEMORY_FIGURES", "figures"))


def save_figure(fig: plt.Figure, name: str) -> Path:
    """Save ``fig`` as ``<figures_dir>/<name>.svg`` with no timestamp, and close it.

    Args:
        fig: A matplotlib figure.
        name: File name without extension, such as ``"eye-kernels"``.

    Returns:
        The path written.
    """
    if not isinstance(fig, matplotlib.figure.Figure):
        raise fail("fig", "a matplotlib Figure", shown(fig))
    if not isinstance(name, str) or not name or "/" in name or "\\" in name:
        raise fail(
            "name", "a file name without folders or extension, such as 'eye-kernels'", shown(name)
        )
    path = figures_dir() / f"{name}.svg"
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    with matplotlib.rc_context(STYLE):
        fig.savefig(partial, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    os.replace(partial, path)  # whole or not at all, for a site being built meanwhile
    return path


def style() -> matplotlib.rc_context:
    """A context manager applying the house style: ``with style(): fig, ax = plt.subplots()``."""
    return matplotlib.rc_context(STYLE)
