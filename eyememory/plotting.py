"""Figure helpers: one look for every chart, readable on a phone and in the dark, and SVG files
that are the same bytes run after run.

[`save_figure`][eyememory.plotting.save_figure] writes two files, ``NAME.svg`` for a light
page and ``NAME-dark.svg`` for a dark one, both on a transparent background. A MkDocs
Material page shows the one that matches the reader's colour scheme with::

    ![What the figure shows](assets/figures/NAME.svg#only-light)
    ![What the figure shows](assets/figures/NAME-dark.svg#only-dark)

Sizes: a figure is at most [`MAX_WIDTH_IN`][eyememory.plotting.MAX_WIDTH_IN] inches wide
and its smallest text [`MIN_FONT_PT`][eyememory.plotting.MIN_FONT_PT] points, so that every
letter is at least 10 CSS pixels on a 390-pixel phone and 12 on a desktop.
[`text_sizes`][eyememory.plotting.text_sizes] measures a saved SVG.
"""

from __future__ import annotations

import colorsys
import os
import re
import warnings
from pathlib import Path

import matplotlib
import matplotlib.figure

from ._validation import fail, shown

matplotlib.use("Agg")  # no screen needed; the figures are files
import matplotlib.pyplot as plt
from matplotlib.artist import getp
from matplotlib.collections import Collection
from matplotlib.colors import to_rgba, to_rgba_array
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text

# Where the site shows figures: the text column of MkDocs Material is about 350 CSS pixels
# wide on a 390-pixel phone and at most 688 on a desktop (61rem grid less both sidebars
# and margins, 1rem = 20px). An SVG shows at its natural size (1pt = 96/72 px) or, when
# wider than the column, scaled down to it.
PHONE_COLUMN_PX = 350
DESKTOP_COLUMN_PX = 688
PHONE_MIN_TEXT_PX = 10
DESKTOP_MIN_TEXT_PX = 12
PX_PER_PT = 96 / 72

MIN_FONT_PT = 10
"""The smallest font the house style uses (ticks, legends)."""
MAX_WIDTH_IN = 4.8
"""The widest figure whose 10-point text still shows at 10 px on a phone."""

# The page backgrounds of MkDocs Material: default (light) and slate (dark).
LIGHT_BACKGROUND = "#ffffff"
DARK_BACKGROUND = "#1e2129"
TEXT = "#24292f"  # contrast 14:1 on white
AXES = "#57606a"  # contrast 6:1 on white
GRID = "#d0d7de"
CYCLE = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#6a5acd", "#8c6d1f"]  # 3:1 or more on white

STYLE = {
    "figure.dpi": 100,
    "figure.figsize": (MAX_WIDTH_IN, 3.0),
    "figure.facecolor": "none",  # transparent: the page's own background shows through
    "axes.facecolor": "none",
    "savefig.facecolor": "none",
    "savefig.transparent": True,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "axes.edgecolor": AXES,
    "axes.labelcolor": TEXT,
    "axes.titlecolor": TEXT,
    "axes.prop_cycle": matplotlib.cycler(color=CYCLE),
    "grid.color": GRID,
    "xtick.color": AXES,
    "ytick.color": AXES,
    "xtick.labelcolor": TEXT,
    "ytick.labelcolor": TEXT,
    "text.color": TEXT,
    "legend.frameon": False,
    "legend.labelcolor": TEXT,
    "font.size": 11,
    "axes.titlesize": 11,
    "axes.labelsize": 11,
    "xtick.labelsize": MIN_FONT_PT,
    "ytick.labelsize": MIN_FONT_PT,
    "legend.fontsize": MIN_FONT_PT,
    "figure.titlesize": 12,
    "mathtext.fontset": "dejavusans",  # math in the labels' own font: $\|\partial h_T\|$
    "svg.fonttype": "none",  # keep text as text: smaller files, selectable, measurable labels
    "svg.hashsalt": "eyememory",  # fixed ids, so the same figure gives the same bytes
    "image.cmap": "viridis",
}

_SVG_WIDTH = re.compile(r'<svg\b[^>]*?\swidth="(?P<width>[\d.]+)(?P<unit>pt|px)?"', re.DOTALL)
_FONT_SIZE = re.compile(r"font-size:\s*(?P<size>[\d.]+)px")
_TEXT_ELEMENT = re.compile(r"<(?:text|tspan)\b[^>]*>")


class SmallTextWarning(UserWarning):
    """A saved figure has text too small to read on a phone or a desktop."""


def figures_dir() -> Path:
    """Where [`save_figure`][eyememory.plotting.save_figure] writes.

    ``$EYEMEMORY_FIGURES`` when set, else ``./figures``. The site's test harness points it
    at a temporary folder; ``python -m tools.figures`` at ``docs/assets/figures``.
    """
    return Path(os.environ.get("EYEMEMORY_FIGURES", "figures"))


def style() -> matplotlib.rc_context:
    """A context manager applying the house style: ``with style(): fig, ax = plt.subplots()``."""
    return matplotlib.rc_context(STYLE)


def contrast(first: str | tuple, second: str | tuple) -> float:
    """The WCAG contrast ratio of two colours, from 1 (same) to 21 (black on white).

    Examples:
        >>> round(contrast("black", "white"), 1)
        21.0
        >>> contrast(TEXT, LIGHT_BACKGROUND) >= 4.5 and contrast(TEXT, DARK_BACKGROUND) < 4.5
        True
    """

    def luminance(colour: str | tuple) -> float:
        red, green, blue = (
            c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgba(colour)[:3]
        )
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def dark_colour(colour: str | tuple) -> tuple[float, float, float, float]:
    """The colour to draw on a dark page in place of ``colour`` drawn on a white one.

    Greys keep their distance from the background (dark text turns light, a faint band
    stays faint); other colours keep their hue and get lighter until they stand 3:1
    against the dark background.

    Examples:
        >>> contrast(dark_colour(TEXT), DARK_BACKGROUND) >= 4.5
        True
        >>> all(contrast(dark_colour(c), DARK_BACKGROUND) >= 3 for c in CYCLE)
        True
    """
    red, green, blue, alpha = to_rgba(colour)
    if alpha == 0:
        return red, green, blue, alpha
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    if saturation < 0.15:
        background = colorsys.rgb_to_hls(*to_rgba(DARK_BACKGROUND)[:3])[1]
        lightness = background + (1 - lightness) * (1 - background)

    def shade(lightness: float) -> tuple[float, float, float]:
        return colorsys.hls_to_rgb(hue, lightness, saturation)

    while lightness < 0.95 and contrast(shade(lightness), DARK_BACKGROUND) < 3:
        lightness = min(lightness + 0.02, 0.95)
    return (*shade(lightness), alpha)


def _darken(fig: plt.Figure) -> None:
    """Recolour a drawn figure for a dark page; pictures, and the text written on them, stay."""
    fig.canvas.draw()  # create every tick, so that none is left in light colours
    on_pictures = {id(t) for ax in fig.axes if ax.images for t in ax.texts}
    for artist in fig.findobj():
        if isinstance(artist, AxesImage) or id(artist) in on_pictures:
            continue
        if isinstance(artist, Text):
            artist.set_color(dark_colour(artist.get_color()))
        elif isinstance(artist, Line2D):
            artist.set_color(dark_colour(artist.get_color()))
            for part in ("markerfacecolor", "markeredgecolor"):
                value = getp(artist, part)
                if not (isinstance(value, str) and value == "none"):
                    artist.set(**{part: dark_colour(value)})
        elif isinstance(artist, Patch):
            artist.set_facecolor(dark_colour(artist.get_facecolor()))
            artist.set_edgecolor(dark_colour(artist.get_edgecolor()))
        elif isinstance(artist, Collection) and artist.get_array() is None:  # not colour-mapped
            for part in ("facecolor", "edgecolor"):
                colours = to_rgba_array(getp(artist, part))
                if len(colours):
                    artist.set(**{part: [dark_colour(tuple(c)) for c in colours]})


def text_sizes(svg: str) -> tuple[float, list[float]]:
    """The natural width (CSS px) of an SVG written by matplotlib, and each text's font size (px).

    Matplotlib's SVG units are points, so a 10-point label is ``font-size: 10px`` in an image
    ``width="...pt"`` wide; both come back in CSS pixels at the image's natural size.

    Examples:
        >>> text_sizes('<svg width="72pt"><text style="font-size: 9px">a</text></svg>')
        (96.0, [12.0])
    """
    width = _SVG_WIDTH.search(svg)
    if width is None:
        raise ValueError("svg must have a width, got an <svg> element without one")
    scale = PX_PER_PT if width["unit"] in (None, "pt") else 1.0
    tags = _TEXT_ELEMENT.findall(svg)
    sizes = [float(m["size"]) * scale for tag in tags for m in _FONT_SIZE.finditer(tag)]
    return float(width["width"]) * scale, sizes


def shown_text_px(svg: str, column_px: float) -> float:
    """The smallest text of an SVG, in CSS px, shown in a text column ``column_px`` wide.

    Examples:
        >>> svg = '<svg width="540pt"><text style="font-size: 10px">a</text></svg>'
        >>> round(shown_text_px(svg, 350), 2)  # 720 px wide, shown at 350 px
        6.48
    """
    width, sizes = text_sizes(svg)
    return min(sizes, default=float("inf")) * min(1.0, column_px / width)


def _warn_if_small(path: Path) -> None:
    svg = path.read_text(encoding="utf-8")
    for column, least, where in (
        (PHONE_COLUMN_PX, PHONE_MIN_TEXT_PX, "a 390-pixel phone"),
        (DESKTOP_COLUMN_PX, DESKTOP_MIN_TEXT_PX, "a desktop"),
    ):
        smallest = shown_text_px(svg, column)
        if smallest < least:
            width, sizes = text_sizes(svg)
            warnings.warn(
                f"{path.name}: its smallest text shows at {smallest:.1f} px on {where} (at least "
                f"{least} px needed): the figure is {width / 96:.2f} in wide with text of "
                f"{min(sizes) / PX_PER_PT:.1f} pt; draw it at most {MAX_WIDTH_IN} in wide "
                f"with text of {MIN_FONT_PT} pt or more",
                SmallTextWarning,
                stacklevel=3,
            )


def save_figure(fig: plt.Figure, name: str) -> Path:
    """Save ``fig`` as ``<figures_dir>/<name>.svg`` and ``<name>-dark.svg``, and close it.

    Both files are transparent, have no timestamp and keep text as text. The dark one is
    the same figure recoloured for a dark page (see
    [`dark_colour`][eyememory.plotting.dark_colour]); pictures drawn with ``imshow`` keep
    their colours. A [`SmallTextWarning`][eyememory.plotting.SmallTextWarning] says when
    some text would be too small to read on a phone or a desktop.

    Args:
        fig: A matplotlib figure, best drawn inside [`style`][eyememory.plotting.style].
        name: File name without extension, such as ``"eye-kernels"``.

    Returns:
        The path of the light figure; the dark one lies next to it.

    Examples:
        >>> with style():
        ...     fig, ax = plt.subplots()
        ...     _ = ax.plot([0, 1, 4])
        >>> light = save_figure(fig, "demo")
        >>> light.name, light.with_name("demo-dark.svg").is_file()
        ('demo.svg', True)
    """
    if not isinstance(fig, matplotlib.figure.Figure):
        raise fail("fig", "a matplotlib Figure", shown(fig))
    if not isinstance(name, str) or not name or "/" in name or "\\" in name:
        raise fail(
            "name", "a file name without folders or extension, like 'eye-kernels'", shown(name)
        )
    light = figures_dir() / f"{name}.svg"
    light.parent.mkdir(parents=True, exist_ok=True)
    try:
        _write(fig, light)
        _darken(fig)
        _write(fig, light.with_name(f"{name}-dark.svg"))
    finally:
        plt.close(fig)
    _warn_if_small(light)
    return light


def _write(fig: plt.Figure, path: Path) -> None:
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    with matplotlib.rc_context(STYLE):
        fig.savefig(partial, format="svg", bbox_inches="tight", metadata={"Date": None})
    os.replace(partial, path)  # whole or not at all, for a site being built meanwhile
