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

Three figures a teacher wants are one call each, and return a matplotlib ``Figure`` in the
house style: [`show_kernels`][eyememory.plotting.show_kernels] (a convolution's learned
kernels), [`show_feature_maps`][eyememory.plotting.show_feature_maps] (an input beside what
each kernel found in it) and [`show_trace`][eyememory.plotting.show_trace] (a Memory's
state and reading after every word)::

    import matplotlib.pyplot as plt
    from eyememory.plotting import show_kernels

    show_kernels(eye.conv1)
    plt.show()  # in a script: a window

In a notebook the figure shows below the cell by itself, as every pyplot figure does; a
call left as the cell's last line shows it twice (once more as the cell's value), so end
that line with ``;`` or assign the figure: ``fig = show_kernels(eye.conv1)``.

The module never chooses matplotlib's backend: a notebook keeps its inline one, a script
its window. Whoever writes files without a screen picks Agg for itself (the test suite and
``python -m tools.figures`` do). matplotlib is an optional dependency, the extra ``plot``
(``pip install 'eyememory[plot]'``); without it, importing this module raises
``eyememory._optional.MissingExtraError``, which says so.
"""

from __future__ import annotations

import colorsys
import math
import os
import re
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path

import torch

from ._optional import require
from ._validation import (
    check_choice,
    check_finite,
    check_floating,
    check_int,
    check_nonempty,
    check_rank,
    check_tensor,
    fail,
    shown,
)

# matplotlib is the extra ``plot``. Importing pyplot leaves the backend alone: a Jupyter
# kernel keeps its inline backend, a script its window; whoever saves files without a
# screen (the docs harness, ``tools.figures``) chooses Agg for itself.
_FEATURE = "eyememory.plotting"
matplotlib = require("matplotlib", _FEATURE)
plt = require("matplotlib.pyplot", _FEATURE)
_colors = require("matplotlib.colors", _FEATURE)
getp = require("matplotlib.artist", _FEATURE).getp
Collection = require("matplotlib.collections", _FEATURE).Collection
Figure = require("matplotlib.figure", _FEATURE).Figure
AxesImage = require("matplotlib.image", _FEATURE).AxesImage
Line2D = require("matplotlib.lines", _FEATURE).Line2D
Patch = require("matplotlib.patches", _FEATURE).Patch
Text = require("matplotlib.text", _FEATURE).Text
to_rgba, to_rgba_array = _colors.to_rgba, _colors.to_rgba_array

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


def _darken(fig: Figure) -> None:
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


def save_figure(fig: Figure, name: str) -> Path:
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
    if not isinstance(fig, Figure):
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


def _write(fig: Figure, path: Path) -> None:
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    with matplotlib.rc_context(STYLE):
        fig.savefig(partial, format="svg", bbox_inches="tight", metadata={"Date": None})
    os.replace(partial, path)  # whole or not at all, for a site being built meanwhile


# ---------------------------------------------------------------------------------------------
# A teacher's figures: each one call, returning the figure (shown by the reader's own backend).

DIVERGING = "RdBu_r"
"""Colour map for signed values centred on 0: red positive, blue negative, white zero."""
ACTIVATIONS = "magma"
"""Colour map for non-negative values such as feature maps after a ReLU: bright is strong."""
MAX_PANELS = 256
"""The most small pictures one figure draws; more would take long and show nothing readable."""
_SCALES = ("shared", "each")
_WIDTH_IN = MAX_WIDTH_IN - 0.2  # drawn this wide, a figure saved with its tight box still fits


def _weight(kernels: object) -> torch.Tensor:
    """The ``(C_out, C_in, kH, kW)`` weight of a convolution, or the tensor itself."""
    weight = getattr(kernels, "weight", None)
    if isinstance(kernels, torch.nn.Module) and isinstance(weight, torch.Tensor):
        kernels = weight
    elif not isinstance(kernels, torch.Tensor):
        raise fail(
            "kernels", "a Conv2d (eyememory's or torch's) or a weight tensor", shown(kernels)
        )
    check_rank("kernels", kernels, (4,), "(C_out, C_in, kH, kW)")
    return _drawable("kernels", kernels)


def _drawable(name: str, values: torch.Tensor) -> torch.Tensor:
    """Finite floating values with at least one number, detached on the CPU for drawing."""
    check_nonempty(name, values, "at least one value to draw")
    check_finite(name, check_floating(name, values))
    return values.detach().to("cpu", torch.float32)


def _check_panels(name: str, count: int, hint: str) -> None:
    if count > MAX_PANELS:
        raise fail(name, f"at most {MAX_PANELS} pictures to draw ({hint})", f"{count}")


def _limit(values: torch.Tensor) -> float:
    """The largest magnitude, for a colour range centred on 0 (1 for all zeros)."""
    return float(values.abs().max()) or 1.0


def _frame(ax) -> None:
    """No ticks on a picture, but a thin frame: its pale squares reach its edge."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.spines[:].set_visible(True)


def _grid(count: int, columns: int | None, most: int = 8) -> tuple[int, int]:
    """Rows and columns for ``count`` panels, ``columns`` per row (by default at most ``most``)."""
    columns = min(count, most) if columns is None else min(count, columns)
    return math.ceil(count / columns), columns


def _finish(fig: Figure) -> Figure:
    """Ready to show anywhere: on white, so that the dark text reads in a dark notebook too
    ([`save_figure`][eyememory.plotting.save_figure] still writes it transparent), and with
    its ticks made now, inside the house style, which they keep when shown outside it."""
    fig.set_facecolor(LIGHT_BACKGROUND)
    fig.draw_without_rendering()
    return fig


def show_kernels(
    kernels: object,
    *,
    channels: str = "mean",
    scale: str = "shared",
    columns: int | None = None,
) -> Figure:
    """The kernels of a convolution as a grid of small pictures, red positive, blue negative.

    Each kernel is drawn as its ``kH × kW`` weights with a diverging colour map centred on 0
    (white), so that a kernel's pattern reads at a glance: a red stripe beside a blue one is
    an edge detector.

    Args:
        kernels: A ``Conv2d`` (eyememory's or torch's), or its weight ``(C_out, C_in, kH, kW)``.
        channels: ``"mean"``: one picture per kernel (per output channel), its weights
            averaged over the input channels (exact for one input channel, as the Eye's first
            layer); ``"each"``: one row per kernel, one column per input channel.
        scale: ``"shared"``: one colour range for all pictures, shown by a colour bar, so
            that strong kernels look strong; ``"each"``: every picture uses its own range,
            to see the pattern of weak kernels too.
        columns: Pictures per row with ``channels="mean"`` (at most 8 by default).

    Returns:
        A matplotlib ``Figure`` in the house style, managed by pyplot: ``plt.show()`` shows
        it (a notebook shows it by itself), and
        [`save_figure`][eyememory.plotting.save_figure] writes it for the site.

    Examples:
        >>> conv = torch.nn.Conv2d(3, 12, kernel_size=3)
        >>> fig = show_kernels(conv)  # 12 kernels in 2 rows of 8, and a colour bar
        >>> len(fig.axes)
        13
        >>> fig = show_kernels(conv.weight[:4], channels="each", scale="each")
        >>> len(fig.axes)  # 4 kernels × 3 input channels, no colour bar
        12
        >>> plt.close("all")
    """
    weight = _weight(kernels)
    check_choice("channels", channels, ("mean", "each"))
    check_choice("scale", scale, _SCALES)
    C_out, C_in, _kH, _kW = weight.shape
    if channels == "mean":
        if columns is not None:
            check_int("columns", columns)
        pictures = weight.mean(dim=1, keepdim=True)  # (C_out, 1, kH, kW)
        _check_panels("kernels", C_out, "pass a slice such as conv.weight[:64]")
        rows, cols = _grid(C_out, columns)
        title = f"{C_out} kernels" + (f", mean of {C_in} input channels" if C_in > 1 else "")
    else:
        if columns is not None:
            raise fail(
                "columns", "None with channels='each' (one per input channel)", shown(columns)
            )
        pictures = weight
        _check_panels("kernels", C_out * C_in, "pass a slice such as conv.weight[:8, :8]")
        rows, cols = C_out, C_in
        title = f"{C_out} kernels (rows) × {C_in} input channels (columns)"
    limit = _limit(pictures)
    colour_bar = scale == "shared"
    panel = min(0.6, (_WIDTH_IN - (0.9 if colour_bar else 0.2)) / cols)
    width = panel * cols + (0.9 if colour_bar else 0.2)
    with style():
        fig = plt.figure(figsize=(width, panel * rows + 0.5), layout="constrained")
        axes = fig.subplots(rows, cols, squeeze=False)
        for ax in axes.flat[len(pictures) * pictures.shape[1] :]:
            ax.remove()  # the last row's empty places
        drawn = axes.flat[: len(pictures) * pictures.shape[1]]
        for k, ax in enumerate(drawn):
            out, into = divmod(k, pictures.shape[1])
            values = pictures[out, into]  # (kH, kW)
            own = limit if colour_bar else _limit(values)
            image = ax.imshow(values.numpy(), cmap=DIVERGING, vmin=-own, vmax=own)
            _frame(ax)
        if channels == "each":
            for out in range(rows):
                axes[out, 0].set_ylabel(str(out), rotation=0, ha="right", va="center")
            for into in range(cols):
                axes[0, into].set_title(str(into), fontsize=MIN_FONT_PT)
        if colour_bar:
            fig.colorbar(image, ax=list(drawn), label="weight")
        fig.suptitle(title)
        return _finish(fig)


def _pick(name: str, values: torch.Tensor, index: int, layout: str) -> torch.Tensor:
    """Example ``index`` of a batch ``(N, ...)``, with a message naming both when out of range."""
    N = len(values)
    if not 0 <= index < N:
        raise fail("index", f"an example of {name} {layout}, in [0, {N})", shown(index))
    return values[index]


def _picture(image: object, index: int) -> torch.Tensor:
    """The input picture as ``(H, W)`` (grey) or ``(H, W, 3)`` (colour) values in [0, 1]."""
    rank = check_rank("image", image, (2, 3, 4), "(H, W), (C, H, W) or (N, C, H, W)")
    image = _drawable("image", image)
    if rank == 4:
        image = _pick("image", image, index, "(N, C, H, W)")
    if rank >= 3:
        C = image.shape[0]
        if C not in (1, 3):
            raise fail("image", "1 (grey) or 3 (colour) channels", f"{C} channels")
        image = image[0] if C == 1 else image.permute(1, 2, 0)  # (H, W) or (H, W, 3)
    if image.dim() == 3:  # colours must lie in [0, 1]: stretch them there
        low, high = image.min(), image.max()
        image = (image - low) / (high - low) if high > low else torch.zeros_like(image)
    return image


def show_feature_maps(
    maps: Mapping[str, torch.Tensor] | torch.Tensor,
    image: torch.Tensor | None = None,
    *,
    layer: str | None = None,
    index: int = 0,
    scale: str = "shared",
    columns: int | None = None,
) -> Figure:
    """The input picture beside the feature maps of one layer: what each kernel found where.

    Args:
        maps: The maps by layer name, as [`Eye.features`][eyememory.models.eye.Eye.features]
            returns them, or one layer's maps ``(C, H, W)`` or ``(N, C, H, W)``.
        image: The input, ``(H, W)``, ``(C, H, W)`` or ``(N, C, H, W)`` with 1 or 3 channels,
            drawn first, up to twice a map's size; one channel is drawn as ink, dark where
            the value is high (as the digits store it). ``None`` draws the maps alone.
        layer: Which entry of ``maps`` to draw; by default the first with shape
            ``(N, C, H, W)`` (``"conv1"`` for the Eye). Only for a dict of maps.
        index: Which example of a batch to draw (of ``maps`` and ``image`` alike).
        scale: ``"shared"``: one colour range for all maps, shown by a colour bar, so that
            a weak response looks weak; ``"each"``: each map stretched to its own range.
        columns: Maps per row (at most 8 by default).

    Returns:
        A matplotlib ``Figure``, managed by pyplot like
        [`show_kernels`][eyememory.plotting.show_kernels]'s. Maps that are never negative
        (after a ReLU) are drawn dark to bright (``magma``: bright is a strong match);
        signed ones (before the ReLU) red positive, blue negative, centred on 0.

    Examples:
        >>> from eyememory import Eye
        >>> eye, digits = Eye(seed=0), torch.rand(2, 1, 8, 8)
        >>> fig = show_feature_maps(eye.features(digits), digits, index=1)
        >>> len(fig.axes)  # the input, 24 maps of conv1, and a colour bar
        26
        >>> fig = show_feature_maps(eye.features(digits), layer="conv2", scale="each")
        >>> len(fig.axes), fig.texts[0].get_text()
        (48, 'conv2: 48 feature maps of example 0')
        >>> plt.close("all")
    """
    if isinstance(maps, Mapping):
        four_d = [k for k, v in maps.items() if isinstance(v, torch.Tensor) and v.dim() == 4]
        if layer is None:
            if not four_d:
                raise fail("maps", "a dict holding maps (N, C, H, W)", f"keys {list(maps)}")
            layer = four_d[0]
        elif layer not in maps:
            raise fail("layer", f"one of {', '.join(map(repr, maps))}", shown(layer))
        name, values = f"maps[{layer!r}]", maps[layer]
        check_rank(name, values, (4,), "(N, C, H, W)")
    else:
        if layer is not None:
            raise fail("layer", "None when maps is one tensor", shown(layer))
        name, values = "maps", check_tensor("maps", maps)
        check_rank(name, values, (3, 4), "(C, H, W) or (N, C, H, W)")
        layer = "maps"
    check_int("index", index, least=0)
    check_choice("scale", scale, _SCALES)
    if columns is not None:
        check_int("columns", columns)
    values = _drawable(name, values)
    if values.dim() == 4:
        values = _pick(name, values, index, "(N, C, H, W)")
    elif index != 0:
        raise fail("index", "0 for maps of one example (C, H, W)", shown(index))
    C, _H, _W = values.shape
    _check_panels(name, C, "pass a slice such as maps[:, :64]")
    picture = None if image is None else _picture(image, index)

    signed = bool((values < 0).any())
    cmap = DIVERGING if signed else ACTIVATIONS
    rows, cols = _grid(C, columns)
    span = 0 if picture is None else min(2, rows)  # the input: a span × span block of cells
    colour_bar = scale == "shared"
    cell = min(0.6, (_WIDTH_IN - (0.9 if colour_bar else 0.2)) / (cols + span))
    width = cell * (cols + span) + (0.9 if colour_bar else 0.2)
    with style():
        fig = plt.figure(figsize=(width, cell * rows + 0.6), layout="constrained")
        grid = fig.add_gridspec(rows, span + cols)
        if picture is not None:
            given = fig.add_subplot(grid[0:span, 0:span])
            given.imshow(picture.numpy(), cmap="gray_r")
            given.set_title("input", fontsize=MIN_FONT_PT)
            _frame(given)
        shared = _limit(values)
        panels = []
        for k in range(C):
            ax = fig.add_subplot(grid[k // cols, span + k % cols])
            high = shared if colour_bar else _limit(values[k])
            image_k = ax.imshow(
                values[k].numpy(), cmap=cmap, vmin=-high if signed else 0.0, vmax=high
            )
            _frame(ax)
            panels.append(ax)
        if colour_bar:
            fig.colorbar(image_k, ax=panels, label="activation")
        fig.suptitle(f"{layer}: {C} feature maps of example {index}")
        return _finish(fig)


def show_trace(
    trace: object,
    words: Sequence[str],
    *,
    index: int = 0,
    reading: int = 1,
    label: str | None = None,
) -> Figure:
    """What a Memory thought after every word: its reading above, its hidden state below.

    The top panel is the probability of class ``reading`` after each word, as if the
    sentence ended there (the dotted line is chance, 1 / classes); the heatmap below has one
    column per word and one row per hidden unit, red positive, blue negative. Words run
    along the x axis, so a change of mind lines up with the word that caused it.

    Args:
        trace: A [`MemoryTrace`][eyememory.models.memory.MemoryTrace], from
            [`Memory.trace(ids)`][eyememory.models.memory.Memory.trace].
        words: The sentence's words, one per real word (``text.split()`` for the
            package's sentences); padding is left out.
        index: Which sentence of the trace's batch to draw.
        reading: The class whose probability is drawn (1: "positive" for the reviews).
        label: The top panel's axis label; ``"P(class 1)"`` by default.

    Returns:
        A matplotlib ``Figure`` with the reading on top and the state below it, managed by
        pyplot like [`show_kernels`][eyememory.plotting.show_kernels]'s.

    Examples:
        >>> from eyememory import Memory
        >>> memory = Memory(vocab_size=10, hidden_size=8, seed=0)
        >>> trace = memory.trace(torch.tensor([[2, 3, 4], [5, 6, 0]]))
        >>> fig = show_trace(trace, ["the", "food", "was"], label="P(positive)")
        >>> reading, state, colour_bar = fig.axes
        >>> [t.get_text() for t in state.get_xticklabels()]
        ['the', 'food', 'was']
        >>> state.get_images()[0].get_array().shape  # 8 hidden units × 3 words
        (8, 3)
        >>> _ = show_trace(trace, ["the", "food", "was"], index=1)
        Traceback (most recent call last):
        ...
        ValueError: words must be 2 words, one per real word of sentence 1, got 3
        >>> plt.close("all")
    """
    if not all(hasattr(trace, part) for part in ("states", "logits", "lengths")):
        raise fail("trace", "a MemoryTrace, from Memory.trace(ids)", shown(trace))
    N, T, H = trace.states.shape
    C = trace.logits.shape[-1]
    check_int("index", index, least=0)
    if index >= N:
        raise fail("index", f"a sentence of the trace, in [0, {N})", shown(index))
    check_int("reading", reading, least=0)
    if reading >= C:
        raise fail("reading", f"a class of the trace, in [0, {C})", shown(reading))
    length = int(trace.lengths[index])
    if isinstance(words, str) or not isinstance(words, Sequence):
        raise fail("words", "a list of words, such as text.split()", shown(words))
    if len(words) != length:
        raise fail("words", f"{length} words, one per real word of sentence {index}", len(words))
    if not all(isinstance(word, str) for word in words):
        raise fail("words", "words (str)", shown(list(words)))
    if label is not None and not isinstance(label, str):
        raise fail("label", "a str or None", shown(label))
    states = _drawable("trace.states", trace.states[index, :length])  # (T, H)
    readings = _drawable("trace.logits", trace.logits[index, :length]).softmax(dim=-1)  # (T, C)
    limit = max(1.0, _limit(states))  # tanh states lie in [-1, 1]: keep that scale
    width = max(_WIDTH_IN, 0.25 * length + 1.3)  # room for each word's label
    with style():
        fig, (top, bottom) = plt.subplots(
            2, 1, figsize=(width, 5.6), sharex=True, height_ratios=[1, 1.6], layout="constrained"
        )
        top.plot(readings[:, reading].numpy(), marker="o", color=CYCLE[0])
        top.axhline(1 / C, color=AXES, linestyle=":", linewidth=1)
        top.set_ylabel(label if label is not None else f"P(class {reading})")
        top.set_ylim(-0.05, 1.05)
        image = bottom.imshow(
            states.T.numpy(),
            aspect="auto",
            cmap=DIVERGING,
            vmin=-limit,
            vmax=limit,
            interpolation="nearest",
        )  # (H, T): one column per word
        bottom.set_xticks(
            range(length), list(words), rotation=45, ha="right", rotation_mode="anchor"
        )
        bottom.set_ylabel("hidden unit")
        fig.colorbar(image, ax=[top, bottom], shrink=0.6, label="state value")
        return _finish(fig)
