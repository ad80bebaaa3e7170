"""The Choosing chapter's building blocks and its benchmark file.

The blocks: 1-D convolution, the Eye on sequences, rows, shuffled pixels, video.
"""

from __future__ import annotations

import json

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.nn import functional as F

from eyememory.data.digits import shift
from eyememory.models.eye1d import SeriesEye, WordEye
from eyememory.models.rows import RowMemory, pixel_order, shuffle_pixels
from eyememory.models.video import EyeMemory, moving_digits
from eyememory.nn.conv import Conv1d, conv1d

from .equality import assert_same_as

DOUBLE = torch.float64


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


# --- conv1d equals torch's --------------------------------------------------------------


def same_as_torch(x_shape, w_shape, bias=True, seed=0, **kwargs) -> None:
    """Outputs and the gradients of input, weight and bias equal F.conv1d's, in float64."""
    assert_same_as(conv1d, F.conv1d, x_shape, w_shape, bias=bias, seed=seed, **kwargs)


CASES = {  # (input shape, weight shape, keyword arguments)
    "plain": ((2, 3, 11), (4, 3, 3), {}),
    "padding": ((2, 3, 11), (4, 3, 3), {"padding": 2}),
    "padding-one-tuple": ((2, 3, 11), (4, 3, 3), {"padding": (1,)}),
    "stride": ((2, 3, 12), (4, 3, 3), {"stride": 3}),
    "dilation": ((2, 3, 12), (4, 3, 3), {"dilation": 4}),
    "groups": ((2, 4, 9), (6, 2, 3), {"groups": 2}),
    "depthwise": ((2, 3, 9), (3, 1, 5), {"groups": 3, "padding": "same"}),
    "same-odd": ((2, 3, 9), (4, 3, 5), {"padding": "same"}),
    "same-even": ((2, 3, 9), (4, 3, 4), {"padding": "same"}),
    "same-dilated": ((2, 3, 9), (4, 3, 3), {"padding": "same", "dilation": 3}),
    "valid": ((2, 3, 9), (4, 3, 3), {"padding": "valid", "stride": 2}),
    "kernel-as-long-as-input": ((2, 3, 5), (2, 3, 5), {}),
    "unbatched": ((3, 10), (4, 3, 3), {"padding": 1}),
    "everything": ((2, 4, 20), (6, 2, 3), {"stride": 2, "padding": 3, "dilation": 2, "groups": 2}),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_conv1d_equals_torch_with_gradients(case) -> None:
    x_shape, w_shape, kwargs = case
    same_as_torch(x_shape, w_shape, **kwargs)


def test_conv1d_without_bias() -> None:
    same_as_torch((2, 3, 10), (4, 3, 3), bias=False, padding=1)


@settings(max_examples=30, deadline=None)
@given(
    N=st.integers(1, 3),
    C_in=st.integers(1, 4),
    C_out=st.integers(1, 4),
    L=st.integers(1, 14),
    k=st.integers(1, 5),
    stride=st.integers(1, 3),
    padding=st.integers(0, 3),
    dilation=st.integers(1, 3),
)
def test_conv1d_equals_torch_on_random_shapes(
    N, C_in, C_out, L, k, stride, padding, dilation
) -> None:
    """Wherever torch computes a result we compute the same one; wherever it refuses, so do we."""
    x = torch.randn(N, C_in, L, dtype=DOUBLE)
    w = torch.randn(C_out, C_in, k, dtype=DOUBLE)
    kwargs = {"stride": stride, "padding": padding, "dilation": dilation}
    try:
        expected = F.conv1d(x, w, **kwargs)
    except RuntimeError:
        with pytest.raises(ValueError, match="kernel must fit"):
            conv1d(x, w, **kwargs)
        return
    torch.testing.assert_close(conv1d(x, w, **kwargs), expected)


@pytest.mark.parametrize("padding_mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("padding", [1, 2, "same"])
def test_conv1d_module_is_a_drop_in_for_torch(padding_mode, padding) -> None:
    torch.manual_seed(0)
    theirs = nn.Conv1d(3, 5, 3, padding=padding, padding_mode=padding_mode, dtype=DOUBLE)
    torch.manual_seed(0)
    ours = Conv1d(3, 5, 3, padding=padding, padding_mode=padding_mode, dtype=DOUBLE)
    for (name_a, a), (name_b, b) in zip(
        ours.named_parameters(), theirs.named_parameters(), strict=True
    ):
        assert name_a == name_b and torch.equal(a, b)  # same names, same seed, same numbers
    x = torch.randn(2, 3, 9, dtype=DOUBLE, requires_grad=True)
    out_ours, out_theirs = ours(x), theirs(x)
    torch.testing.assert_close(out_ours, out_theirs)
    grad = torch.randn_like(out_theirs)
    for a, b in zip(
        torch.autograd.grad(out_ours, [x, *ours.parameters()], grad),
        torch.autograd.grad(out_theirs, [x, *theirs.parameters()], grad),
        strict=True,
    ):
        torch.testing.assert_close(a, b)


def test_conv1d_module_loads_torch_state_and_repr_matches() -> None:
    theirs = nn.Conv1d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2, bias=False)
    ours = Conv1d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2, bias=False)
    ours.load_state_dict(theirs.state_dict())
    x = torch.randn(3, 4, 15)
    torch.testing.assert_close(ours(x), theirs(x))
    assert ours.extra_repr() == theirs.extra_repr()
    assert (
        Conv1d(16, 8, 3, padding="same").extra_repr()
        == nn.Conv1d(16, 8, 3, padding="same").extra_repr()
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: conv1d(torch.randn(2, 3, 4, 5), torch.randn(4, 3, 3)),
            r"input must be 2-D or 3-D with shape \(N, C_in, L\) or \(C_in, L\), got 4-D",
        ),
        (
            lambda: conv1d(torch.randn(2, 3, 8), torch.randn(4, 3, 3, 3)),
            r"weight must be 3-D with shape \(C_out, C_in / groups, k\), got 4-D",
        ),
        (
            lambda: conv1d(torch.randn(2, 4, 8), torch.randn(4, 3, 3)),
            r"input must have 3 channels .* got 4 channels",
        ),
        (
            lambda: conv1d(torch.randn(2, 3, 2), torch.randn(4, 3, 3)),
            r"kernel must fit in the padded input: kernel spans 3 steps .* "
            r"got a padded input of 2 steps",
        ),
        (
            lambda: conv1d(torch.randn(2, 3, 8), torch.randn(4, 3, 3), padding="full"),
            r"padding must be an int, 'valid' or 'same', got 'full'",
        ),
        (
            lambda: conv1d(torch.randn(2, 3, 8), torch.randn(4, 3, 3), stride=0),
            r"stride must be a positive int, got 0",
        ),
        (
            lambda: conv1d(torch.randn(2, 3, 8), torch.randn(4, 3, 3), stride=(1, 2)),
            r"stride must be a positive int, got \(1, 2\)",
        ),
        (
            lambda: conv1d(torch.randn(2, 3, 8), torch.randn(4, 3, 3), padding=-1),
            r"padding must be a non-negative int, got -1",
        ),
        (
            lambda: conv1d([1.0, 2.0], torch.randn(4, 3, 3)),
            r"input must be a torch.Tensor, got list",
        ),
        (
            lambda: Conv1d(3, 4, 3, groups=2),
            r"groups=2 must divide in_channels and out_channels, got 3 and 4",
        ),
        (
            lambda: Conv1d(3, 4, 3, padding="same", stride=2),
            r"padding='same' needs stride 1, got stride=2",
        ),
        (lambda: Conv1d(3, 4, 0), r"kernel_size must be a positive int, got 0"),
        (
            lambda: Conv1d(3, 4, 3, padding_mode="mirror"),
            r"padding_mode must be one of .*, got 'mirror'",
        ),
        (lambda: Conv1d(0, 4, 3), r"in_channels must be a positive int, got 0"),
    ],
)
def test_conv1d_bad_input(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


# --- the Eye on sequences ---------------------------------------------------------------


def test_word_eye_ignores_padding_and_sees_only_its_reach() -> None:
    model = WordEye(
        vocab_size=20, embedding_dim=4, channels=6, kernel_size=3, dilations=(1, 2), seed=0
    )
    assert model.reach == 7
    ids = torch.tensor([[2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]])  # (1, 12)
    padded = torch.cat([ids, torch.zeros(1, 5, dtype=torch.long)], dim=1)  # (1, 17)
    torch.testing.assert_close(model(padded), model(ids))
    # Output position 0 sees words 0..3 only (reach 7, centred): changing word 4 leaves it alone.
    changed = ids.clone()
    changed[0, 4] = 19
    with torch.no_grad():
        before, after = model.features(ids), model.features(changed)
    torch.testing.assert_close(before[:, :, 0], after[:, :, 0])
    assert not torch.allclose(before[:, :, 1], after[:, :, 1])


def test_word_eye_trains_and_its_gradients_reach_every_parameter() -> None:
    model = WordEye(vocab_size=12, embedding_dim=4, channels=5, seed=0)
    ids = torch.randint(1, 12, (6, 7), generator=torch.Generator().manual_seed(0))
    F.cross_entropy(model(ids), torch.tensor([0, 1, 0, 1, 0, 1])).backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in model.parameters())
    assert model.embedding.weight.grad[0].abs().sum() == 0  # padding's vector stays zero


def test_word_eye_equals_the_same_model_on_torch_layers() -> None:
    """The Eye on a sentence, rebuilt with nn.Conv1d from the same weights, scores the same."""
    model = WordEye(vocab_size=15, embedding_dim=4, channels=6, dilations=(1, 2), seed=0)
    twins = [
        nn.Conv1d(c.in_channels, c.out_channels, 3, padding="same", dilation=c.dilation)
        for c in model.convs
    ]
    for twin, conv in zip(twins, model.convs, strict=True):
        twin.load_state_dict(conv.state_dict())
    ids = torch.tensor([[3, 4, 5, 6, 7, 8], [9, 10, 11, 0, 0, 0]])
    x = model.embedding(ids).transpose(1, 2)  # (N, E, T)
    for twin in twins:
        x = torch.relu(twin(x)) * (ids != 0).unsqueeze(1)
    torch.testing.assert_close(model(ids), model.head(x.amax(dim=2)))


def test_series_eye_shapes_and_gradients() -> None:
    model = SeriesEye(window=10, channels=4, kernel_size=3, seed=0)
    assert model.num_parameters() == 4 * 4 + 4 * 8 + 1
    windows = torch.randn(5, 10)
    assert model(windows).shape == (5,) and model(windows.unsqueeze(-1)).shape == (5,)
    F.mse_loss(model(windows), torch.zeros(5)).backward()
    assert all(p.grad is not None for p in model.parameters())


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: WordEye(10, kernel_size=4), r"kernel_size must be an odd positive int, got 4"),
        (
            lambda: WordEye(10, dilations=()),
            r"dilations must be a non-empty sequence of positive ints, got \(\)",
        ),
        (lambda: WordEye(0), r"vocab_size must be a positive int, got 0"),
        (
            lambda: WordEye(10)(torch.tensor([1, 2])),
            r"ids must be 2-D with shape \(N, T\), got 1-D",
        ),
        (
            lambda: WordEye(10)(torch.tensor([[1, 12]])),
            r"ids must be in \[0, 10\), got values from 1 to 12",
        ),
        (
            lambda: WordEye(10)(torch.tensor([[0, 0]])),
            r"ids must be sentences of at least one real word each, got only padding in row 0",
        ),
        (
            lambda: WordEye(10)(torch.tensor([[1.0, 2.0]])),
            r"ids must be an integer tensor, got dtype torch.float32",
        ),
        (
            lambda: SeriesEye(window=4, kernel_size=5),
            r"kernel_size must be at most the window = 4, got 5",
        ),
        (
            lambda: SeriesEye(window=20)(torch.randn(3, 12)),
            r"windows must have steps per window \(dim 1\) = 20, got 12",
        ),
        (
            lambda: SeriesEye(window=20)(torch.randn(3)),
            r"windows must be 2-D or 3-D with shape \(N, T\) or \(N, T, 1\), got 1-D",
        ),
    ],
)
def test_eye1d_bad_input(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


# --- rows and shuffled pixels -----------------------------------------------------------


def test_row_memory_reads_rows_in_order_with_the_package_rnn() -> None:
    model = RowMemory(width=8, hidden_size=6, seed=0)
    images = torch.rand(3, 1, 8, 8)
    rnn = nn.RNN(8, 6, batch_first=True)
    rnn.load_state_dict(model.rnn.state_dict())
    out, _ = rnn(images[:, 0])  # (N, 8 rows, 6)
    torch.testing.assert_close(model(images), model.head(out[:, -1]))
    upside_down = images.flip(2)
    assert not torch.allclose(model(images), model(upside_down))  # the order of the rows matters


def test_row_memory_gradients_reach_every_parameter() -> None:
    model = RowMemory(width=8, hidden_size=6, seed=0)
    F.cross_entropy(model(torch.rand(4, 8, 8)), torch.tensor([1, 2, 3, 4])).backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in model.parameters())


def test_shuffled_pixels_are_the_same_pixels_elsewhere() -> None:
    order = pixel_order(8, seed=0)
    assert torch.equal(order, pixel_order(8, seed=0)) and not torch.equal(
        order, pixel_order(8, seed=1)
    )
    images = torch.rand(4, 1, 8, 8)
    shuffled = shuffle_pixels(images, order)
    assert torch.equal(shuffled.flatten(1).sort(dim=1).values, images.flatten(1).sort(dim=1).values)
    assert torch.equal(shuffle_pixels(shuffled, order.argsort()), images)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: RowMemory(width=8)(torch.rand(2, 1, 8, 6)),
            r"images must have pixels per row \(last dim\) = 8, got 6",
        ),
        (
            lambda: RowMemory(width=8)(torch.rand(2, 3, 8, 8)),
            r"images must have channels \(dim 1\) = 1, got 3",
        ),
        (
            lambda: RowMemory(width=8)(torch.rand(8, 8)),
            r"images must be 3-D or 4-D with shape \(N, 1, H, W\) or \(N, H, W\), got 2-D",
        ),
        (lambda: RowMemory(width=0), r"width must be a positive int, got 0"),
        (
            lambda: RowMemory(cell="transformer"),
            r"cell must be one of 'rnn', 'lstm', 'gru', got 'transformer'",
        ),
        (
            lambda: shuffle_pixels(torch.rand(2, 8, 8), torch.arange(63)),
            r"order must have length H·W = 64, got 63",
        ),
        (
            lambda: shuffle_pixels(torch.rand(2, 2, 2), torch.tensor([0, 0, 1, 2])),
            r"order must be a permutation of 0 .. 3, got \[0, 0, 1, 2\]",
        ),
        (lambda: pixel_order(0), r"size must be a positive int or a pair of positive ints, got 0"),
    ],
)
def test_rows_bad_input(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


# --- video ------------------------------------------------------------------------------


def test_eye_memory_is_an_eye_per_frame_then_a_memory() -> None:
    model = EyeMemory(in_channels=1, frame_size=(8, 8), channels=3, hidden_size=5, seed=0)
    clips = torch.rand(2, 4, 1, 8, 8)
    features = model.frame_features(clips)  # (2, 4, 48)
    one_frame = model.pool(
        torch.relu(model.conv(clips[1, 2]))
    ).flatten()  # the Eye alone, on one frame
    torch.testing.assert_close(features[1, 2], one_frame)
    reverse = model(clips.flip(1))
    assert not torch.allclose(model(clips), reverse)  # the frames' order matters to the Memory
    torch.testing.assert_close(
        model.frame_features(clips.flip(1)).mean(1), features.mean(1)
    )  # not to an average


def test_eye_memory_equals_the_same_model_on_torch_layers_with_gradients() -> None:
    model = EyeMemory(in_channels=2, frame_size=(6, 4), channels=3, hidden_size=5, seed=0).double()
    conv, rnn = (
        nn.Conv2d(2, 3, 3, padding=1).double(),
        nn.RNN(3 * 3 * 2, 5, batch_first=True).double(),
    )
    conv.load_state_dict(model.conv.state_dict())
    rnn.load_state_dict(model.rnn.state_dict())
    clips = torch.randn(2, 4, 2, 6, 4, dtype=DOUBLE, requires_grad=True)  # (N, T, C, H, W)
    frames = F.max_pool2d(torch.relu(conv(clips.reshape(8, 2, 6, 4))), 2).reshape(
        2, 4, -1
    )  # (N, T, F)
    expected = model.head(rnn(frames)[0][:, -1])  # (N, classes)
    got = model(clips)
    torch.testing.assert_close(got, expected)
    grad = torch.randn_like(got)
    ours = torch.autograd.grad(got, [clips, model.conv.weight, model.rnn.weight_hh_l0], grad)
    theirs = torch.autograd.grad(expected, [clips, conv.weight, rnn.weight_hh_l0], grad)
    for a, b in zip(ours, theirs, strict=True):
        torch.testing.assert_close(a, b)


def test_moving_digits_reverse_is_the_other_direction() -> None:
    images = torch.rand(10, 1, 8, 8)
    clips, labels = moving_digits(images, frames=5, step=1, seed=3)
    for n in range(10):
        sign = 1 if labels[n] == 1 else -1
        for t in range(5):
            assert torch.equal(clips[n, t], shift(images[n], sign * (t - 2), 0))
    backwards, _ = moving_digits(images, frames=5, step=1, seed=3)
    assert torch.equal(backwards, clips)  # seeded


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: EyeMemory(frame_size=(7, 8)),
            r"frame_size must be two even ints >= 2, got \(7, 8\)",
        ),
        (
            lambda: EyeMemory()(torch.rand(2, 3, 8, 8)),
            r"clips must be 5-D with shape \(N, T, C, H, W\), got 4-D",
        ),
        (
            lambda: EyeMemory()(torch.rand(2, 3, 2, 8, 8)),
            r"clips must have channels \(dim 2\) = 1, got 2",
        ),
        (lambda: EyeMemory()(torch.rand(2, 3, 1, 6, 6)), r"clips must be frames of 8×8, got 6×6"),
        (
            lambda: moving_digits(torch.rand(2, 8, 8)),
            r"images must be 4-D with shape \(N, C, H, W\), got 3-D",
        ),
        (
            lambda: moving_digits(torch.rand(2, 1, 8, 8), frames=0),
            r"frames must be a positive int, got 0",
        ),
    ],
)
def test_video_bad_input(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


# --- the benchmark file -----------------------------------------------------------------


def test_benchmark_results_are_current_with_the_configuration() -> None:
    from benchmarks.choosing import RESULTS, SEEDS, config, summarise

    saved = json.loads(RESULTS.read_text())
    assert saved["config"] == config()
    assert sorted(saved["results"]) == ["digits", "sentences", "series"]
    for task, by_seed in saved["results"].items():
        assert sorted(by_seed) == [str(s) for s in SEEDS], task
    assert saved["machine"]["threads"] == 1 and saved["machine"]["cores"]
    assert saved["summary"] == summarise(saved["results"])  # what the page's tables render


def test_every_network_is_within_the_budget() -> None:
    from benchmarks.choosing import (
        BUDGET,
        DIGIT_NETWORKS,
        SENTENCE_NETWORKS,
        SERIES_NETWORKS,
        TOLERANCE,
        parameters,
        sentence_data,
    )

    V = len(sentence_data()["vocab"])
    networks = [make() for make in DIGIT_NETWORKS.values()]
    networks += [make(V) for make in SENTENCE_NETWORKS.values()]
    networks += [make() for make in SERIES_NETWORKS.values()]
    for network in networks:
        assert abs(parameters(network) / BUDGET - 1) <= TOLERANCE, network


def within_the_seeds(value: float, summary: dict) -> bool:
    """Whether a retrained score is one more draw from the five seeds' distribution.

    Another processor rounds differently, and a few roundings send training down another
    path: the same seed is then in effect a new seed. So the band is the five seeds' range
    widened by their spread on each side, and by at least 0.01 (under four of the 360 test
    digits), where the seeds happened to agree.
    """
    margin = max(summary["spread"], 0.01)
    return summary["lowest"] - margin <= value <= summary["highest"] + margin


def test_the_digits_results_match_the_benchmark_file() -> None:
    """The page reads the digits results from the file (training them all is too slow there).

    Retrain seed 0 and check what the experiment shows, not one machine's digits: every score
    within the band of the five seeds, and the orderings the page draws from the file.
    """
    from benchmarks.choosing import RESULTS, run_digits

    saved = json.loads(RESULTS.read_text())
    summary, seed_0 = saved["summary"]["digits"], saved["results"]["digits"]["0"]
    measured = run_digits(seed=0)
    for name, scores in measured.items():
        for key in ("grid", "shifted", "shuffled"):
            assert within_the_seeds(scores[key], summary[name][key]), (name, key, scores[key])
        assert scores["parameters"] == seed_0[name]["parameters"]
        assert scores["grid"] > 0.9, name  # all three read digits
    # Only the Eye survives a move: its margin over the best of the others is wider than
    # any of their spreads across seeds (at most 0.078 in the file, the gap there 0.195).
    others = max(measured[name]["shifted"] for name in ("MLP", "Memory, row by row"))
    widest = max(summary[name]["shifted"]["spread"] for name in measured)
    assert measured["Eye"]["shifted"] - others > widest
