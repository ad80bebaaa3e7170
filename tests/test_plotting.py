"""The teacher's figures, and plotting that leaves the reader's matplotlib backend alone.

``eyememory.plotting`` once switched matplotlib to Agg on import, so ``plt.show()`` in a
Jupyter kernel or a script showed nothing, silently. These tests run imports in fresh
interpreters (a backend, once chosen, stays for the process) and the figures in a real kernel.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import pytest
import torch

from eyememory import Eye, Memory
from eyememory.data.sentences import ARTICLE_SENTENCE
from eyememory.nn import Conv2d
from eyememory.plotting import (
    ACTIVATIONS,
    DIVERGING,
    MAX_PANELS,
    MAX_WIDTH_IN,
    SmallTextWarning,
    save_figure,
    show_feature_maps,
    show_kernels,
    show_trace,
)
from tools.notebooks import execute

ROOT = Path(__file__).resolve().parent.parent
INLINE = "module://matplotlib_inline.backend_inline"  # what a Jupyter kernel uses


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def run_python(code: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter, without the suite's ``MPLBACKEND=Agg``."""
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# Built in the child process: an Eye, a Memory and their traces, for all three figures.
EXAMPLES = """
import torch
from eyememory import Eye, Memory
from eyememory.data.sentences import ARTICLE_SENTENCE
from eyememory.plotting import show_feature_maps, show_kernels, show_trace

eye, digits = Eye(seed=0), torch.rand(2, 1, 8, 8)
memory = Memory(vocab_size=10, hidden_size=8, seed=0)
trace = memory.trace(torch.tensor([2, 3, 4]))
"""
CALLS = [
    "show_kernels(eye.conv1)",
    "show_feature_maps(eye.features(digits), digits)",
    "show_trace(trace, ['the', 'food', 'was'])",
]


@pytest.mark.parametrize("request_", ["TkAgg", INLINE])
def test_importing_plotting_keeps_the_backend_matplotlibrc_asks_for(
    tmp_path: Path, request_: str
) -> None:
    # A matplotlibrc in the working folder asks for a window, as a desktop user's would;
    # MPLBACKEND is unset. Without a screen pyplot itself would drop a window backend for
    # a fallback, so the file turns that off: what is left to change it is eyememory alone.
    # Resolving the backend would need a screen, so only the request is read.
    (tmp_path / "matplotlibrc").write_text(f"backend: {request_}\nbackend_fallback: False\n")
    result = run_python(
        """
        import matplotlib
        requests = [matplotlib.rcParams._get_backend_or_none()]
        import eyememory.plotting
        requests.append(matplotlib.rcParams._get_backend_or_none())
        print(*requests)
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [request_, request_]


def test_plotting_keeps_a_notebooks_inline_backend_while_drawing(tmp_path: Path) -> None:
    calls = "\n".join(f"figures.append({call})" for call in CALLS)
    code = f"""
import matplotlib
matplotlib.use("{INLINE}")
before = matplotlib.get_backend()
{EXAMPLES}
figures = []
{calls}
import matplotlib.pyplot as plt
print(before == matplotlib.get_backend() == "{INLINE}", len(figures), len(plt.get_fignums()))
"""
    result = run_python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "3", "3"], "pyplot must manage each figure"


def test_plotting_without_matplotlib_names_the_extra(tmp_path: Path) -> None:
    result = run_python(
        """
        import sys

        class NoMatplotlib:
            '''A finder that says matplotlib is not installed, as on a bare install.'''

            def find_spec(self, name, path=None, target=None):
                if name.partition(".")[0] == "matplotlib":
                    raise ModuleNotFoundError(f"No module named {name!r}", name=name)
                return None

        sys.meta_path.insert(0, NoMatplotlib())
        import eyememory  # the core needs no matplotlib
        from eyememory._optional import MissingExtraError

        try:
            import eyememory.plotting
        except MissingExtraError as error:
            print(error)
        else:
            print("imported")
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "pip install 'eyememory[plot]'" in result.stdout
    assert "eyememory.plotting needs matplotlib" in result.stdout


# ---- show_kernels ---------------------------------------------------------------------------


def panels(fig) -> list:
    """The axes that hold a picture, the colour bar excepted."""
    return [ax for ax in fig.axes if ax.get_images() and ax.get_label() != "<colorbar>"]


def test_kernels_of_ours_and_torchs_conv2d_draw_the_same() -> None:
    ours = Conv2d(2, 5, kernel_size=3)
    theirs = torch.nn.Conv2d(2, 5, kernel_size=3)
    theirs.load_state_dict(ours.state_dict())
    drawn = [
        [ax.get_images()[0].get_array().tolist() for ax in panels(show_kernels(conv))]
        for conv in (ours, theirs, ours.weight)
    ]
    assert drawn[0] == drawn[1] == drawn[2]
    expected = ours.weight.detach().mean(dim=1)  # (5, 3, 3): averaged over the inputs
    assert torch.allclose(torch.tensor(drawn[0]), expected)


def test_kernels_share_a_colour_range_centred_on_zero() -> None:
    weight = torch.zeros(3, 1, 2, 2)
    weight[0, 0, 0, 0], weight[1, 0, 1, 1] = 2.0, -0.5
    fig = show_kernels(weight)
    limits = {ax.get_images()[0].get_clim() for ax in panels(fig)}
    assert limits == {(-2.0, 2.0)}
    assert all(ax.get_images()[0].get_cmap().name == DIVERGING for ax in panels(fig))
    assert len(fig.axes) == 4  # 3 kernels and the colour bar
    own = show_kernels(weight, scale="each")
    assert [ax.get_images()[0].get_clim() for ax in own.axes] == [(-2, 2), (-0.5, 0.5), (-1, 1)]


def test_kernels_per_input_channel_lay_out_kernels_by_inputs() -> None:
    weight = torch.arange(4 * 3 * 9, dtype=torch.float32).reshape(4, 3, 3, 3)  # (C_out, C_in, 3, 3)
    fig = show_kernels(weight, channels="each")
    assert len(panels(fig)) == 12
    third = panels(fig)[1 * 3 + 2]  # kernel 1, input channel 2: row 1, column 2
    assert third.get_images()[0].get_array().tolist() == weight[1, 2].tolist()
    assert "4 kernels (rows) × 3 input channels (columns)" in fig.texts[0].get_text()


def test_kernels_wrap_into_rows_of_the_given_width() -> None:
    fig = show_kernels(torch.randn(10, 1, 3, 3), columns=4)
    grid = {
        (ax.get_subplotspec().rowspan.start, ax.get_subplotspec().colspan.start)
        for ax in panels(fig)
    }
    assert len(grid) == 10 and max(r for r, _ in grid) == 2 and max(c for _, c in grid) == 3
    assert fig.get_figwidth() <= MAX_WIDTH_IN


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kernels": [[1.0]]}, "kernels must be a Conv2d .eyememory's or torch's. or a weight"),
        (
            {"kernels": torch.nn.Linear(2, 3)},
            "kernels must be 4-D with shape .C_out, C_in, kH, kW.",
        ),
        ({"kernels": torch.zeros(2, 3, 3)}, r"kernels must be 4-D .*, got 3-D"),
        ({"kernels": torch.zeros(0, 1, 3, 3)}, "kernels must be non-empty"),
        ({"kernels": torch.ones(2, 1, 3, 3, dtype=torch.long)}, "must be a floating-point"),
        ({"kernels": torch.full((2, 1, 3, 3), float("nan"))}, "kernels must be finite"),
        ({"channels": "all"}, "channels must be one of 'mean', 'each', got 'all'"),
        ({"scale": "own"}, "scale must be one of 'shared', 'each', got 'own'"),
        ({"columns": 0}, "columns must be a positive int, got 0"),
        ({"columns": 4, "channels": "each"}, "columns must be None with channels='each'"),
        ({"kernels": torch.zeros(300, 1, 3, 3)}, f"at most {MAX_PANELS} pictures .*, got 300"),
        ({"kernels": torch.zeros(20, 20, 3, 3), "channels": "each"}, "got 400"),
    ],
)
def test_show_kernels_refuses_bad_arguments(kwargs: dict, message: str) -> None:
    kwargs = {"kernels": torch.zeros(4, 2, 3, 3), **kwargs}
    with pytest.raises(ValueError, match=message):
        show_kernels(**kwargs)


# ---- show_feature_maps ----------------------------------------------------------------------


def test_feature_maps_draw_the_input_and_conv1_of_the_chosen_example() -> None:
    eye, digits = Eye(seed=0), torch.rand(3, 1, 8, 8)
    maps = eye.features(digits)
    fig = show_feature_maps(maps, digits, index=2)
    given, *drawn = panels(fig)
    assert given.get_title() == "input"
    assert given.get_images()[0].get_array().tolist() == digits[2, 0].tolist()
    assert len(drawn) == 24
    assert torch.allclose(torch.tensor(drawn[5].get_images()[0].get_array()), maps["conv1"][2, 5])
    assert {ax.get_images()[0].get_cmap().name for ax in drawn} == {ACTIVATIONS}  # after a ReLU
    assert len({ax.get_images()[0].get_clim() for ax in drawn}) == 1  # one shared range
    assert fig.texts[0].get_text() == "conv1: 24 feature maps of example 2"


def test_signed_maps_are_drawn_red_and_blue_around_zero() -> None:
    maps = torch.tensor([[[-1.0, 0.5]], [[0.25, 0.0]]])  # (C, H, W): before a ReLU
    fig = show_feature_maps(maps, scale="each")
    assert [ax.get_images()[0].get_clim() for ax in fig.axes] == [(-1, 1), (-0.25, 0.25)]
    assert {ax.get_images()[0].get_cmap().name for ax in fig.axes} == {DIVERGING}


def test_a_colour_image_is_shown_in_colour() -> None:
    image = torch.rand(3, 5, 5) * 10
    fig = show_feature_maps(torch.rand(1, 4, 5, 5), image)
    shown = panels(fig)[0].get_images()[0].get_array()
    assert shown.shape == (5, 5, 3) and shown.min() == 0 and shown.max() == 1


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((torch.rand(4, 8, 8),), {"layer": "conv1"}, "layer must be None when maps is one tensor"),
        (({"conv1": torch.rand(1, 2, 8, 8)},), {"layer": "conv9"}, "layer must be one of 'conv1'"),
        (({"logits": torch.rand(1, 10)},), {}, r"maps must be a dict holding maps \(N, C, H, W\)"),
        (({"conv1": torch.rand(2, 8, 8)},), {"layer": "conv1"}, r"maps\['conv1'\] must be 4-D"),
        ((torch.rand(8, 8),), {}, r"maps must be 3-D or 4-D"),
        (([[1.0]],), {}, "maps must be a torch.Tensor, got list"),
        ((torch.rand(2, 4, 8, 8),), {"index": 2}, r"index must be an example of maps .*\[0, 2\)"),
        ((torch.rand(4, 8, 8),), {"index": 1}, r"index must be 0 for maps of one example"),
        ((torch.rand(1, 4, 8, 8),), {"index": -1}, "index must be a non-negative int, got -1"),
        ((torch.rand(1, 4, 8, 8), torch.rand(1, 2, 8, 8)), {}, "image must be 1 .grey. or 3"),
        ((torch.rand(1, 4, 8, 8), torch.rand(8)), {}, "image must be 2-D or 3-D or 4-D"),
        ((torch.rand(1, 300, 2, 2),), {}, f"at most {MAX_PANELS} pictures"),
        ((torch.rand(1, 4, 8, 8),), {"scale": 1}, "scale must be one of 'shared', 'each', got 1"),
        ((torch.rand(1, 4, 8, 8),), {"columns": 2.0}, "columns must be a positive int, got 2.0"),
    ],
)
def test_show_feature_maps_refuses_bad_arguments(args: tuple, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        show_feature_maps(*args, **kwargs)


# ---- show_trace -----------------------------------------------------------------------------


@pytest.fixture
def trace():
    memory = Memory(vocab_size=10, hidden_size=6, num_classes=3, seed=0)
    return memory.trace(torch.tensor([[2, 3, 4, 5], [6, 7, 0, 0]]))  # 4 words, then 2


def test_trace_draws_the_state_and_the_reading_of_each_real_word(trace) -> None:
    fig = show_trace(trace, ["the", "food", "was", "bad"], reading=2, label="P(bad)")
    reading, state, colour_bar = fig.axes
    assert state.get_images()[0].get_array().tolist() == trace.states[0].T.tolist()  # (H, T)
    assert torch.allclose(
        torch.tensor(reading.get_lines()[0].get_ydata()), trace.probabilities[0, :, 2].detach()
    )
    assert reading.get_lines()[1].get_ydata()[0] == pytest.approx(1 / 3)  # chance
    assert reading.get_ylabel() == "P(bad)" and state.get_ylabel() == "hidden unit"
    assert [t.get_text() for t in state.get_xticklabels()] == ["the", "food", "was", "bad"]
    assert colour_bar.get_label() == "<colorbar>"
    short = show_trace(trace, ["good", "service"], index=1)
    assert short.axes[1].get_images()[0].get_array().shape == (6, 2)  # the padding left out
    assert short.axes[0].get_ylabel() == "P(class 1)"


@pytest.mark.parametrize(
    ("words", "kwargs", "message"),
    [
        ("the food was bad", {}, "words must be a list of words, such as text.split()"),
        (["the", "food"], {}, "words must be 4 words, one per real word of sentence 0, got 2"),
        (["the", "food", "was", 4], {}, r"words must be words \(str\)"),
        (["a", "b"], {"index": 2}, r"index must be a sentence of the trace, in \[0, 2\), got 2"),
        (["a", "b", "c", "d"], {"index": True}, "index must be a non-negative int, got True"),
        (
            ["a", "b", "c", "d"],
            {"reading": 3},
            r"reading must be a class of the trace, in \[0, 3\)",
        ),
        (["a", "b", "c", "d"], {"label": 1}, "label must be a str or None, got 1"),
    ],
)
def test_show_trace_refuses_bad_arguments(trace, words, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        show_trace(trace, words, **kwargs)


def test_show_trace_refuses_what_is_not_a_trace() -> None:
    with pytest.raises(ValueError, match=r"trace must be a MemoryTrace, from Memory.trace\(ids\)"):
        show_trace(torch.zeros(1, 3, 4), ["a", "b", "c"])


# ---- on the site and in a notebook ----------------------------------------------------------


def test_the_three_figures_read_on_a_phone_when_saved(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("EYEMEMORY_FIGURES", str(tmp_path))
    eye, digits = Eye(seed=0), torch.rand(2, 1, 8, 8)
    memory = Memory(vocab_size=20, hidden_size=32, seed=0)
    sentence = ARTICLE_SENTENCE.split()
    trace = memory.trace(torch.arange(2, 2 + len(sentence)))
    figures = {
        "kernels": show_kernels(eye.conv1),
        "kernels-each": show_kernels(eye.conv2.weight[:4, :3], channels="each"),
        "maps": show_feature_maps(eye.features(digits), digits),
        "trace": show_trace(trace, sentence),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("error", SmallTextWarning)
        for name, fig in figures.items():
            assert fig.get_figwidth() <= MAX_WIDTH_IN, name
            light = save_figure(fig, name)
            for path in (light, light.with_name(f"{name}-dark.svg")):
                assert "#ffffff" not in path.read_text().lower(), "a background was drawn"


def test_the_figures_show_in_a_jupyter_kernel(tmp_path: Path) -> None:
    """With the inline backend each figure shows as a picture, after ``plt.show()``, by
    itself at the cell's end, and (once more) as the cell's value."""
    cells = [f"%matplotlib inline\nimport matplotlib.pyplot as plt\n{EXAMPLES}"]
    expected = []  # pictures per cell: (least, most)
    for call in CALLS:  # every figure after plt.show()
        cells.append(f"fig = {call}\nplt.show()")
        expected.append((1, 1))
    cells += [f"{CALLS[0]};", CALLS[0]]  # the other two forms behave alike for all three
    expected += [(1, 1), (1, 2)]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    path = tmp_path / "figures.ipynb"
    nbformat.write(notebook, path)
    executed = execute(path)
    for cell, (least, most) in zip(executed.cells[1:], expected, strict=True):
        pictures = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        assert least <= len(pictures) <= most, f"{len(pictures)} pictures from:\n{cell.source}"
