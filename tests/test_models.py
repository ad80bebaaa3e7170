"""Models of any size (issue 16): every size the digits, sentences or series used to fix is an
argument now, with the old value as default and the old initial weights for the defaults."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from eyememory.export import probe
from eyememory.models._building import receptive_field
from eyememory.models.article import ArticleCNN, ArticleRNN
from eyememory.models.bag_of_words import BagOfNgrams
from eyememory.models.eye import Eye
from eyememory.models.eye1d import SeriesEye, WordEye
from eyememory.models.feedforward import MLP, LogisticRegression
from eyememory.models.linear_ar import LinearAR
from eyememory.models.memory import Memory, NextStep
from eyememory.models.rows import RowMemory, pixel_order, shuffle_pixels
from eyememory.models.video import EyeMemory

# --- the defaults start where they started ---------------------------------------------

DEFAULTS = {  # today's calls, each with seed 0
    "Eye()": lambda: Eye(seed=0),
    "Eye(head='flatten')": lambda: Eye(head="flatten", seed=0),
    "Eye(layers='torch')": lambda: Eye(layers="torch", seed=0),
    "Eye(channels=(12, 24))": lambda: Eye(channels=(12, 24), seed=0),
    "MLP()": lambda: MLP(seed=0),
    "MLP(64, hidden=(160,))": lambda: MLP(64, hidden=(160,), seed=0),
    "LogisticRegression()": lambda: LogisticRegression(seed=0),
    "ArticleCNN()": lambda: ArticleCNN(seed=0),
    "ArticleRNN(8, 16)": lambda: ArticleRNN(8, 16, seed=0),
    "RowMemory()": lambda: RowMemory(seed=0),
    "EyeMemory()": lambda: EyeMemory(seed=0),
    "Memory(10)": lambda: Memory(10, seed=0),
    "NextStep()": lambda: NextStep(seed=0),
    "WordEye(10)": lambda: WordEye(10, seed=0),
    "SeriesEye()": lambda: SeriesEye(seed=0),
}

# Recorded with the code before issue 16: (name, shape, sum, sum of squares) of every tensor of
# the state_dict. The sums tolerate the last-bit differences between processors' random
# kernels (about 1e-7 here) and change with any other initialisation, order or shape.
BEFORE = {
    "Eye()": [
        ("conv1.weight", (24, 1, 3, 3), -3.4497498, 7.8454155),
        ("conv1.bias", (24,), -0.13556901, 0.9189165),
        ("conv2.weight", (48, 24, 3, 3), -0.15515385, 15.969561),
        ("conv2.bias", (48,), 0.41017652, 0.05936519),
        ("fc.weight", (10, 48), 1.9397554, 3.3477533),
        ("fc.bias", (10,), 0.12154313, 0.084191787),
    ],
    "Eye(head='flatten')": [
        ("conv1.weight", (24, 1, 3, 3), -3.4497498, 7.8454155),
        ("conv1.bias", (24,), -0.13556901, 0.9189165),
        ("conv2.weight", (48, 24, 3, 3), -0.15515385, 15.969561),
        ("conv2.bias", (48,), 0.41017652, 0.05936519),
        ("fc.weight", (10, 192), 3.1095279, 3.3814915),
        ("fc.bias", (10,), -0.048768785, 0.009381064),
    ],
    "Eye(channels=(12, 24))": [
        ("conv1.weight", (12, 1, 3, 3), -1.2947421, 4.2295888),
        ("conv1.bias", (12,), 0.19968478, 0.3401458),
        ("conv2.weight", (24, 12, 3, 3), -0.86982386, 7.9882093),
        ("conv2.bias", (24,), -0.65404851, 0.10113312),
        ("fc.weight", (10, 24), 0.22149482, 2.8970537),
        ("fc.bias", (10,), 0.17084487, 0.14643064),
    ],
    "MLP()": [
        ("layers.0.weight", (64, 64), -4.8547972, 21.133541),
        ("layers.0.bias", (64,), 0.1229209, 0.32471094),
        ("layers.2.weight", (10, 64), -0.99492766, 3.1551201),
        ("layers.2.bias", (10,), -0.014466912, 0.055701943),
    ],
    "MLP(64, hidden=(160,))": [
        ("layers.0.weight", (160, 64), -1.0795758, 53.126986),
        ("layers.0.bias", (160,), -0.12498005, 0.79451409),
        ("layers.2.weight", (10, 160), 2.4454279, 3.3361449),
        ("layers.2.bias", (10,), 0.2941952, 0.036537854),
    ],
    "LogisticRegression()": [
        ("layers.0.weight", (10, 64), -0.72898942, 3.4429061),
        ("layers.0.bias", (10,), -0.068216071, 0.054974132),
    ],
    "ArticleCNN()": [
        ("conv.weight", (16, 3, 3, 3), -0.59131922, 5.3154668),
        ("conv.bias", (16,), -0.52947529, 0.26634008),
    ],
    "ArticleRNN(8, 16)": [
        ("rnn.weight_ih_l0", (16, 8), -1.2842454, 2.7074115),
        ("rnn.weight_hh_l0", (16, 16), -0.15190753, 5.3015468),
        ("rnn.bias_ih_l0", (16,), 0.511273, 0.33207878),
        ("rnn.bias_hh_l0", (16,), 0.46217924, 0.36556509),
    ],
    "RowMemory()": [
        ("rnn.weight_ih_l0", (46, 8), -1.0705871, 2.6170277),
        ("rnn.weight_hh_l0", (46, 46), -0.2875027, 15.41703),
        ("rnn.bias_ih_l0", (46,), -0.40777203, 0.35799911),
        ("rnn.bias_hh_l0", (46,), -0.61031085, 0.29494005),
        ("head.weight", (10, 46), 0.43982672, 3.1187384),
        ("head.bias", (10,), -0.45869562, 0.043981106),
    ],
    "EyeMemory()": [
        ("conv.weight", (4, 1, 3, 3), -1.4337925, 1.305528),
        ("conv.bias", (4,), 0.40224952, 0.16818669),
        ("rnn.weight_ih_l0", (16, 64), 1.3244309, 21.860173),
        ("rnn.weight_hh_l0", (16, 16), -3.8648807, 5.9464493),
        ("rnn.bias_ih_l0", (16,), -0.78718129, 0.26822686),
        ("rnn.bias_hh_l0", (16,), 0.53627959, 0.33557247),
        ("head.weight", (2, 16), 1.0949302, 0.64388746),
        ("head.bias", (2,), 0.43336737, 0.093917937),
    ],
    "Memory(10)": [
        ("embedding.weight", (10, 16), 5.4705352, 142.53162),
        ("rnn.weight_ih_l0", (32, 16), 0.33526396, 5.5501698),
        ("rnn.weight_hh_l0", (32, 32), -0.93128755, 10.929652),
        ("rnn.bias_ih_l0", (32,), 0.13473854, 0.32378963),
        ("rnn.bias_hh_l0", (32,), 0.20990064, 0.29040083),
        ("head.weight", (2, 32), 0.61865614, 0.55996716),
        ("head.bias", (2,), -0.22121802, 0.032824437),
    ],
    "NextStep()": [
        ("rnn.weight_ih_l0", (16, 1), -0.67241704, 0.25541439),
        ("rnn.weight_hh_l0", (16, 16), -2.2595054, 5.2846388),
        ("rnn.bias_ih_l0", (16,), -0.37061667, 0.3745338),
        ("rnn.bias_hh_l0", (16,), -0.41528192, 0.1857376),
        ("head.weight", (1, 16), 0.087472767, 0.18490914),
        ("head.bias", (1,), 0.020882875, 0.00043609446),
    ],
    "WordEye(10)": [
        ("embedding.weight", (10, 16), 5.4705352, 142.53162),
        ("convs.0.weight", (32, 16, 3), -0.48665146, 10.986548),
        ("convs.0.bias", (32,), 0.11001357, 0.21585976),
        ("head.weight", (2, 32), 0.20278727, 0.6023395),
        ("head.bias", (2,), 0.2334308, 0.028392296),
    ],
    "SeriesEye()": [
        ("conv.weight", (136, 1, 5), -1.9320962, 46.711564),
        ("conv.bias", (136,), 0.15544178, 9.4189392),
        ("head.weight", (1, 2176), -0.25915331, 0.32579781),
        ("head.bias", (1,), 0.0028967191, 8.3909818e-06),
    ],
}
BEFORE["Eye(layers='torch')"] = BEFORE["Eye()"]  # torch's layers, initialised alike


@pytest.mark.parametrize("call", DEFAULTS)
def test_defaults_keep_their_initial_weights(call: str) -> None:
    state = DEFAULTS[call]().state_dict()
    assert [(name, tuple(t.shape)) for name, t in state.items()] == [
        (name, shape) for name, shape, *_ in BEFORE[call]
    ]
    recorded = torch.tensor([sums for _name, _shape, *sums in BEFORE[call]], dtype=torch.float64)
    ours = torch.tensor(probe(*state.values()), dtype=torch.float64)
    torch.testing.assert_close(ours, recorded, rtol=1e-6, atol=1e-6)


# --- the Eye: any channels, any image its field fits ------------------------------------


@pytest.mark.parametrize("layers", ["eyememory", "torch"])
@pytest.mark.parametrize("size", [(16, 16), (9, 13), (8, 8), (8, 30)])
def test_the_global_max_eye_reads_any_image_its_field_fits(layers: str, size) -> None:
    H, W = size
    eye = Eye(num_classes=2, layers=layers, seed=0, in_channels=3)
    maps = eye.features(torch.rand(4, 3, H, W))
    assert maps["conv1"].shape == (4, 24, H, W)
    assert maps["pool1"].shape == (4, 24, H // 2, W // 2)  # the halvings round down
    assert maps["conv2"].shape == (4, 48, H // 2, W // 2)
    assert maps["pool2"].shape == (4, 48, 1, 1) and maps["logits"].shape == (4, 2)
    assert eye.conv1.weight.shape == (24, 3, 3, 3)


@pytest.mark.parametrize("size", [(7, 8), (8, 7), (2, 2), (7, 100)])
def test_the_eye_refuses_images_smaller_than_its_field(size) -> None:
    H, W = size
    with pytest.raises(
        ValueError, match=rf"images must be at least 8×8, the Eye's receptive field, got {H}×{W}"
    ):
        Eye(in_channels=3)(torch.rand(2, 3, H, W))


def test_the_eye_checks_channels_and_image_size() -> None:
    colour = Eye(in_channels=3)
    with pytest.raises(ValueError, match=r"images must have channels \(dim 1\) = 3, got 1"):
        colour(torch.rand(2, 1, 8, 8))
    with pytest.raises(ValueError, match=r"images must be 4-D with shape \(N, 3, H, W\)"):
        colour(torch.rand(3, 8, 8))
    with pytest.raises(ValueError, match=r"in_channels must be a positive int, got 0"):
        Eye(in_channels=0)
    with pytest.raises(ValueError, match=r"in_channels must be a positive int, got 3.0"):
        Eye(in_channels=3.0)
    with pytest.raises(
        ValueError,
        match=r"image_size must be at least 8×8, the Eye's receptive field, got \(8, 6\)",
    ):
        Eye("flatten", image_size=(8, 6))
    with pytest.raises(ValueError, match=r"image_size must be a positive int or a pair"):
        Eye("flatten", image_size=(8, 8, 8))
    fixed = Eye(image_size=(9, 13))  # the global-max head, held to one size on request
    assert fixed(torch.rand(2, 1, 9, 13)).shape == (2, 10)
    with pytest.raises(ValueError, match=r"images must be of image_size 9×13, got 16×16"):
        fixed(torch.rand(2, 1, 16, 16))


@pytest.mark.parametrize("size, pooled", [(8, (2, 2)), ((9, 13), (2, 3)), (16, (4, 4))])
def test_the_flatten_head_is_built_for_its_image_size(size, pooled) -> None:
    eye = Eye("flatten", channels=(4, 6), num_classes=3, seed=0, image_size=size)
    H, W = (size, size) if isinstance(size, int) else size
    assert eye.image_size == (H, W) and eye.fc.in_features == 6 * pooled[0] * pooled[1]
    assert eye.features(torch.rand(2, 1, H, W))["pool2"].shape == (2, 6, *pooled)
    with pytest.raises(ValueError, match=rf"images must be of image_size {H}×{W}, got 8×10"):
        eye(torch.rand(2, 1, 8, 10))
    assert Eye("flatten").image_size == (8, 8) and Eye().image_size is None


@pytest.mark.parametrize(
    "head, kwargs",
    [("max", {"in_channels": 3}), ("flatten", {"in_channels": 3, "image_size": (12, 16)})],
)
def test_state_dicts_move_between_torch_layers_and_ours_at_any_size(head, kwargs) -> None:
    ours = Eye(head, channels=(5, 7), num_classes=4, seed=0, **kwargs).double()
    theirs = Eye(head, channels=(5, 7), num_classes=4, layers="torch", **kwargs).double()
    assert theirs.load_state_dict(ours.state_dict()).missing_keys == []
    assert isinstance(theirs.conv1, nn.Conv2d) and not isinstance(ours.conv1, nn.Conv2d)
    x = torch.rand(3, 3, 12, 16, dtype=torch.float64)
    torch.testing.assert_close(ours(x), theirs(x))
    ours(x).square().sum().backward()
    theirs(x).square().sum().backward()
    for (name, a), b in zip(ours.named_parameters(), theirs.parameters(), strict=True):
        torch.testing.assert_close(a.grad, b.grad, msg=name)


# --- the receptive field, computed and then poked --------------------------------------


def test_receptive_field_is_computed_from_the_layers() -> None:
    assert Eye().receptive_field == Eye(layers="torch").receptive_field == (8, 8)
    assert receptive_field(nn.Conv2d(1, 1, 3)) == (3, 3)
    assert receptive_field(nn.Conv2d(1, 1, 3), nn.MaxPool2d(2)) == (4, 4)
    assert receptive_field(nn.Conv2d(1, 1, 3, stride=2), nn.Conv2d(1, 1, 3)) == (7, 7)
    assert receptive_field(nn.Conv2d(1, 1, (1, 5), dilation=(1, 3))) == (1, 13)


def field(index: int, layers: list[tuple[int, int, int]]) -> range:
    """The input positions that output ``index`` of the last layer depends on, along one axis.

    Followed back one layer at a time, ``(kernel, stride, padding)`` each: a window starts
    ``stride`` positions per output step, ``padding`` before the first input position.
    """
    first = last = index
    for kernel, stride, padding in reversed(layers):
        first, last = first * stride - padding, last * stride - padding + kernel - 1
    return range(first, last + 1)


EYE_LAYERS = [(3, 1, 1), (2, 2, 0), (3, 1, 1)]  # conv1, pool1, conv2: kernel, stride, padding


def poke(eye: Eye, images: torch.Tensor, row: int, col: int, by: float) -> torch.Tensor:
    """Which outputs of ``conv2`` change, ``(H2, W2)`` booleans, when one pixel grows."""
    poked = images.clone()
    poked[0, :, row, col] += by
    with torch.no_grad():
        before, after = (eye.features(x)["conv2"][0] for x in (images, poked))  # (C2, H2, W2)
    return (before != after).any(dim=0)  # (H2, W2)


@pytest.mark.parametrize("layers", ["eyememory", "torch"])
@pytest.mark.parametrize("size", [(16, 16), (9, 13)])
def test_one_pixel_changes_exactly_the_conv2_outputs_whose_field_holds_it(layers, size) -> None:
    H, W = size
    eye = Eye(channels=(3, 4), layers=layers, seed=0, in_channels=2).double()
    images = torch.rand(1, 2, H, W, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    H2, W2 = eye.features(images)["conv2"].shape[2:]
    assert all(len(field(0, EYE_LAYERS)) == n for n in eye.receptive_field)

    def inside(row: int, col: int) -> torch.Tensor:  # (H2, W2): outputs whose field holds it
        rows = torch.tensor([row in field(i, EYE_LAYERS) for i in range(H2)])
        cols = torch.tensor([col in field(j, EYE_LAYERS) for j in range(W2)])
        return rows.reshape(H2, 1) & cols.reshape(1, W2)

    pixels = [(0, 0), (H - 1, W - 1), (H // 2, 1), (3, W - 2), (H - 1, 0)]
    for row, col in pixels:  # random weights: nothing outside the field can change
        changed = poke(eye, images, row, col, by=1.0)
        assert not (changed & ~inside(row, col)).any()
    with torch.no_grad():  # positive weights: every step passes a large change on
        for conv in (eye.conv1, eye.conv2):
            conv.weight.abs_().add_(0.01)
            conv.bias.fill_(0.1)
    for row, col in pixels:
        assert torch.equal(poke(eye, images, row, col, by=1e4), inside(row, col))


# --- every other model at a size of its own --------------------------------------------


def test_mlp_takes_one_int_as_one_hidden_layer() -> None:
    mlp = MLP(256, hidden=64, num_classes=2, seed=0)
    assert mlp.hidden == (64,) and mlp(torch.rand(3, 1, 16, 16)).shape == (3, 2)
    as_tuple = MLP(256, hidden=(64,), num_classes=2, seed=0)
    for a, b in zip(mlp.state_dict().values(), as_tuple.state_dict().values(), strict=True):
        assert torch.equal(a, b)
    assert MLP(12, hidden=[5, 4], num_classes=3)(torch.rand(2, 3, 2, 2)).shape == (2, 3)
    with pytest.raises(ValueError, match=r"hidden must be a positive int or .*, got 0"):
        MLP(256, hidden=0)
    with pytest.raises(ValueError, match=r"hidden must be a positive int or .*, got True"):
        MLP(256, hidden=True)
    with pytest.raises(ValueError, match=r"x must be .* 256 numbers per example, got shape"):
        mlp(torch.rand(3, 1, 8, 8))


def test_logistic_regression_reads_any_flat_size() -> None:
    model = LogisticRegression(3 * 32 * 32, num_classes=2, seed=0)
    assert model(torch.rand(4, 3, 32, 32)).shape == (4, 2) and model.hidden == ()
    assert model.num_parameters() == 3 * 32 * 32 * 2 + 2
    with pytest.raises(ValueError, match=r"x must be .* 3072 numbers per example"):
        model(torch.rand(4, 1, 8, 8))


def test_row_memory_reads_every_channel_of_a_row_per_step() -> None:
    model = RowMemory(width=13, hidden_size=5, num_classes=3, seed=0, in_channels=3).double()
    images = torch.rand(2, 3, 9, 13, dtype=torch.float64)
    rows = images.permute(0, 2, 1, 3).reshape(2, 9, 39)  # (N, H, C·W): row r's channels in turn
    out, _ = model.rnn(rows)
    torch.testing.assert_close(model(images), model.head(out[:, -1]))
    assert model.rnn.input_size == 39
    with pytest.raises(ValueError, match=r"images must have channels \(dim 1\) = 3, got 1"):
        model(images[:, :1])
    with pytest.raises(ValueError, match=r"images must be 4-D with shape \(N, 3, H, W\), got 3-D"):
        model(images[:, 0])
    with pytest.raises(ValueError, match=r"images must have pixels per row \(last dim\) = 13"):
        model(images[..., :8])
    with pytest.raises(ValueError, match=r"in_channels must be a positive int, got 0"):
        RowMemory(in_channels=0)


def test_article_cnn_sizes_are_arguments() -> None:
    model = ArticleCNN(seed=0, in_channels=1, out_channels=4, kernel_size=(3, 5))
    assert model(torch.rand(2, 1, 9, 13)).shape == (2, 4, 7, 9)
    assert model.conv.weight.shape == (4, 1, 3, 5)
    with pytest.raises(ValueError, match=r"images must be at least 3×5 to fit a 3×5 kernel"):
        model(torch.rand(2, 1, 9, 4))
    with pytest.raises(ValueError, match=r"images must have channels \(dim 1\) = 1, got 3"):
        model(torch.rand(2, 3, 9, 13))
    with pytest.raises(ValueError, match=r"kernel_size must be a positive int or a pair"):
        ArticleCNN(kernel_size=0)
    with pytest.raises(ValueError, match=r"out_channels must be a positive int, got -1"):
        ArticleCNN(out_channels=-1)


def test_article_rnn_at_any_size() -> None:
    out, hidden = ArticleRNN(5, 7, seed=0)(torch.randn(3, 11, 5))
    assert out.shape == (3, 11, 7) and hidden.shape == (1, 3, 7)


def test_series_models_read_several_numbers_per_step() -> None:
    windows = torch.randn(4, 30, 2, dtype=torch.float64)
    recurrent = NextStep(hidden_size=6, seed=0, input_size=2).double()
    out, _ = recurrent.rnn(windows)
    torch.testing.assert_close(recurrent(windows), recurrent.head(out[:, -1]).squeeze(-1))
    kernels = SeriesEye(window=30, channels=3, kernel_size=4, seed=0, in_channels=2).double()
    maps = torch.relu(nn.functional.conv1d(windows.transpose(1, 2), *kernels.conv.parameters()))
    torch.testing.assert_close(kernels(windows), kernels.head(maps.flatten(1)).squeeze(-1))
    for model in (recurrent, kernels):
        with pytest.raises(ValueError, match=r"windows must have features per step \(dim 2\) = 2"):
            model(torch.randn(4, 30, 3, dtype=torch.float64))
        with pytest.raises(
            ValueError, match=r"windows must be 3-D with shape \(N, T, 2\), got 2-D"
        ):
            model(torch.randn(4, 30, dtype=torch.float64))
    with pytest.raises(ValueError, match=r"windows must have steps per window \(dim 1\) = 30"):
        kernels(torch.randn(4, 20, 2, dtype=torch.float64))
    assert NextStep(4, seed=0)(torch.randn(3, 50)).shape == (3,)  # any window length
    with pytest.raises(ValueError, match=r"input_size must be a positive int, got 0"):
        NextStep(input_size=0)
    with pytest.raises(ValueError, match=r"in_channels must be a positive int, got 0"):
        SeriesEye(in_channels=0)


def test_sentence_models_at_other_vocabularies_and_classes() -> None:
    ids = torch.randint(1, 50, (3, 12), generator=torch.Generator().manual_seed(0))
    for model in (
        Memory(50, embedding_dim=6, hidden_size=7, num_classes=4, seed=0),
        WordEye(50, embedding_dim=6, channels=5, num_classes=4, seed=0),
    ):
        assert model(ids).shape == (3, 4)
        with pytest.raises(ValueError, match=r"ids must be in \[0, 50\), got values from 0 to 50"):
            model(torch.tensor([[0, 50]]))


def test_eye_memory_at_another_frame_size() -> None:
    model = EyeMemory(in_channels=3, frame_size=(6, 10), channels=2, hidden_size=4, num_classes=5)
    assert model(torch.rand(2, 7, 3, 6, 10)).shape == (2, 5)
    with pytest.raises(ValueError, match=r"clips must be frames of 6×10, got 8×8"):
        model(torch.rand(2, 7, 3, 8, 8))


def test_bag_of_ngrams_with_three_classes() -> None:
    train = ["the food was good", "the food was bad", "the food was cold"] * 2
    bag = BagOfNgrams().fit(train, [0, 1, 2] * 2)
    assert bag.predict(train).tolist() == [0, 1, 2] * 2
    for label, word in enumerate(["good", "bad", "cold"]):
        assert bag.strongest(1, label=label)[0][0] == word
    with pytest.raises(ValueError, match=r"label must be one of the classes \[0, 1, 2\], got None"):
        bag.strongest(1)
    binary = BagOfNgrams().fit(train[:2], [1, 0])
    assert binary.strongest(1) == binary.strongest(1, label=1)
    assert binary.strongest(1, label=0) == [(w, -v) for w, v in binary.strongest(1)[::-1]]


def test_linear_ar_at_any_order() -> None:
    X = torch.randn(40, 7, generator=torch.Generator().manual_seed(0))
    ar = LinearAR().fit(X, X @ torch.arange(7.0))
    assert ar.coefficients.shape == (7,)
    with pytest.raises(ValueError, match=r"X must be windows of p = 7 values"):
        ar.predict(X[:, :5])


def test_pixel_order_for_images_that_are_not_square() -> None:
    order = pixel_order((9, 13), seed=0)
    assert sorted(order.tolist()) == list(range(117))
    assert torch.equal(pixel_order(8), pixel_order((8, 8)))
    images = torch.rand(2, 3, 9, 13)
    shuffled = shuffle_pixels(images, order)
    assert not torch.equal(shuffled, images)
    assert torch.equal(shuffle_pixels(shuffled, order.argsort()), images)
    with pytest.raises(ValueError, match=r"size must be a positive int or a pair .*, got \(9, 0\)"):
        pixel_order((9, 0))
