"""The digits helpers, the Eye and the feed-forward baselines."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from eyememory.data.digits import ONE_PIXEL_SHIFTS, RandomShift, load_digits, shift
from eyememory.models._building import Model
from eyememory.models.article import ArticleCNN, ArticleRNN
from eyememory.models.charlm import CharLM
from eyememory.models.eye import Eye
from eyememory.models.eye1d import SeriesEye, WordEye
from eyememory.models.feedforward import MLP, LogisticRegression
from eyememory.models.memory import Memory, NextStep
from eyememory.models.rows import RowMemory
from eyememory.models.video import EyeMemory
from eyememory.training import accuracy, fit

# --- Digits -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def digits():
    return load_digits()


def test_digits_shapes_and_values(digits) -> None:
    assert digits.train_images.shape == (1437, 1, 8, 8) and digits.test_images.shape == (
        360,
        1,
        8,
        8,
    )
    assert digits.train_images.dtype == torch.float32 and digits.train_labels.dtype == torch.int64
    assert digits.train_images.min() == 0 and digits.train_images.max() == 1
    assert set(digits.train_labels.tolist()) == set(range(10))


def test_split_is_stratified_fixed_and_seeded(digits) -> None:
    train, test = torch.bincount(digits.train_labels), torch.bincount(digits.test_labels)
    assert ((test - 0.2 * (train + test)).abs() <= 1).all()  # every class keeps its 20 %
    again = load_digits()
    assert torch.equal(again.test_images, digits.test_images) and torch.equal(
        again.test_labels, digits.test_labels
    )
    other = load_digits(seed=1)
    assert not torch.equal(other.test_images, digits.test_images)
    # Train and test are disjoint and together the whole set (compare images as rows of bytes).
    rows = {tuple(x.flatten().tolist()) for x in digits.test_images}
    overlap = sum(tuple(x.flatten().tolist()) in rows for x in digits.train_images)
    assert overlap <= 5  # the raw set itself holds a handful of duplicate images
    assert len(digits.train_images) + len(digits.test_images) == 1797


def test_split_refuses_bad_fraction() -> None:
    with pytest.raises(ValueError, match=r"test_fraction must be a number in \(0, 1\), got 1.5"):
        load_digits(test_fraction=1.5)


@pytest.mark.parametrize(
    "dx, dy", [(1, 0), (-1, 0), (0, 1), (0, -1), (2, -3), (0, 0), (-7, 7), (8, 0), (0, -9)]
)
def test_shift_moves_pixels_and_fills_zeros(dx, dy) -> None:
    x = torch.rand(3, 1, 8, 8) + 1  # no zeros of its own
    moved = shift(x, dx, dy)
    for i in range(8):
        for j in range(8):
            src_i, src_j = i - dy, j - dx
            inside = 0 <= src_i < 8 and 0 <= src_j < 8
            expected = x[..., src_i, src_j] if inside else torch.zeros(3, 1)
            assert torch.equal(moved[..., i, j], expected)


def test_shift_keeps_gradients_and_refuses_bad_input() -> None:
    x = torch.rand(2, 8, 8, requires_grad=True)
    shift(x, 1, 1).sum().backward()
    assert x.grad[:, :7, :7].eq(1).all() and x.grad[:, 7].eq(0).all()
    with pytest.raises(ValueError, match=r"images must be at least 2-D.*got shape \(8,\)"):
        shift(torch.rand(8), 1, 0)
    with pytest.raises(ValueError, match=r"dx must be an int, got 0.5"):
        shift(torch.rand(8, 8), 0.5, 0)


def test_one_pixel_shifts_cover_four_directions() -> None:
    assert sorted(ONE_PIXEL_SHIFTS.values()) == [(-1, 0), (0, -1), (0, 1), (1, 0)]


def test_random_shift_is_a_seeded_shift_of_each_image() -> None:
    x = torch.rand(64, 1, 8, 8) + 1
    moved = RandomShift(2)(x, torch.Generator().manual_seed(0))
    again = RandomShift(2)(x, torch.Generator().manual_seed(0))
    assert torch.equal(moved, again)
    seen = set()
    for image, result in zip(x, moved, strict=True):
        matches = [
            (dx, dy)
            for dx in range(-2, 3)
            for dy in range(-2, 3)
            if torch.equal(shift(image, dx, dy), result)
        ]
        assert len(matches) == 1
        seen.add(matches[0])
    assert len(seen) > 15  # most of the 25 offsets occur in 64 draws
    assert RandomShift(0)(x) is x


def test_random_shift_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match=r"non-negative int, got -1"):
        RandomShift(-1)
    with pytest.raises(ValueError, match=r"4-D.*got 3-D"):
        RandomShift(1)(torch.rand(1, 8, 8))


# --- The Eye ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "head, parameters", [("max", 240 + 10_416 + 490), ("flatten", 240 + 10_416 + 1930)]
)
def test_eye_shapes_and_size(head, parameters) -> None:
    eye = Eye(head)
    assert eye(torch.rand(5, 1, 8, 8)).shape == (5, 10)
    assert eye.num_parameters() == parameters
    maps = eye.features(torch.rand(5, 1, 8, 8))
    assert maps["conv1"].shape == (5, 24, 8, 8) and maps["pool1"].shape == (5, 24, 4, 4)
    assert maps["conv2"].shape == (5, 48, 4, 4)
    assert maps["pool2"].shape == ((5, 48, 1, 1) if head == "max" else (5, 48, 2, 2))
    assert (maps["conv1"] >= 0).all()  # after ReLU


@pytest.mark.parametrize("head", ["max", "flatten"])
def test_eye_on_torch_layers_is_the_same_network(head) -> None:
    torch.manual_seed(0)
    ours = Eye(head).double()
    torch.manual_seed(0)
    theirs = Eye(head, layers="torch").double()
    pairs = zip(ours.named_parameters(), theirs.named_parameters(), strict=True)
    for (name, a), (other, b) in pairs:
        assert name == other and torch.equal(a, b)  # same names, same initial numbers
    assert isinstance(theirs.conv1, nn.Conv2d) and not isinstance(ours.conv1, nn.Conv2d)
    x = torch.rand(6, 1, 8, 8, dtype=torch.float64)
    torch.testing.assert_close(ours(x), theirs(x))
    ours(x).square().sum().backward()
    theirs(x).square().sum().backward()
    for a, b in zip(ours.parameters(), theirs.parameters(), strict=True):
        torch.testing.assert_close(a.grad, b.grad)


def test_eye_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match=r"head must be one of 'max', 'flatten', got 'mean'"):
        Eye("mean")
    with pytest.raises(ValueError, match=r"layers must be"):
        Eye(layers="keras")
    with pytest.raises(ValueError, match=r"channels \(dim 1\) = 1, got 3"):
        Eye()(torch.rand(2, 3, 8, 8))
    with pytest.raises(ValueError, match=r"images must be of image_size 8×8, got 28×28"):
        Eye("flatten")(torch.rand(2, 1, 28, 28))
    with pytest.raises(ValueError, match=r"at least 8×8, the Eye's receptive field, got 7×9"):
        Eye()(torch.rand(2, 1, 7, 9))
    with pytest.raises(ValueError, match=r"4-D.*got 3-D"):
        Eye()(torch.rand(1, 8, 8))


def test_eye_learns_digits_quickly(digits, one_thread) -> None:
    eye = Eye()
    fit(eye, digits.train_images[:512], digits.train_labels[:512], epochs=4, seed=0, progress=False)
    assert accuracy(eye, digits.test_images, digits.test_labels) > 0.8


# --- Feed-forward baselines ---------------------------------------------------------------


def test_mlp_layers_and_sizes() -> None:
    mlp = MLP(64, hidden=(32, 16), num_classes=10)
    assert [type(m) for m in mlp.layers] == [nn.Linear, nn.ReLU, nn.Linear, nn.ReLU, nn.Linear]
    assert mlp.num_parameters() == 64 * 32 + 32 + 32 * 16 + 16 + 16 * 10 + 10
    assert mlp(torch.rand(4, 1, 8, 8)).shape == (4, 10)
    assert mlp(torch.rand(4, 64)).shape == (4, 10)


def test_logistic_regression_is_an_mlp_without_hidden_layer() -> None:
    model = LogisticRegression(64, 10)
    assert isinstance(model, MLP) and len(model.layers) == 1
    x = torch.rand(4, 1, 8, 8)
    linear = model.layers[0]
    torch.testing.assert_close(model(x), x.flatten(1) @ linear.weight.T + linear.bias)


def test_mlp_refuses_bad_input() -> None:
    with pytest.raises(
        ValueError,
        match=r"hidden must be a positive int or a \(possibly empty\) sequence of positive ints, "
        r"got \(0,\)",
    ):
        MLP(64, hidden=(0,))
    with pytest.raises(ValueError, match=r"64 numbers per example, got shape \(4, 1, 7, 7\)"):
        MLP()(torch.rand(4, 1, 7, 7))


def test_baselines_learn_digits(digits, one_thread) -> None:
    for model in (MLP(), LogisticRegression()):
        fit(model, digits.train_images, digits.train_labels, epochs=3, seed=0, progress=False)
        assert accuracy(model, digits.test_images, digits.test_labels) > 0.85


# --- one vocabulary across the models (issue 12) -----------------------------------------

MODELS = {  # each model with num_classes = 3, where it has classes, built from seed 0
    "Eye": lambda seed: Eye(channels=(2, 3), num_classes=3, seed=seed),
    "MLP": lambda seed: MLP(4, (3,), num_classes=3, seed=seed),
    "LogisticRegression": lambda seed: LogisticRegression(4, num_classes=3, seed=seed),
    "RowMemory": lambda seed: RowMemory(8, 4, num_classes=3, seed=seed),
    "EyeMemory": lambda seed: EyeMemory(channels=2, hidden_size=3, num_classes=3, seed=seed),
    "Memory": lambda seed: Memory(10, 4, 5, num_classes=3, seed=seed),
    "WordEye": lambda seed: WordEye(10, 4, 3, num_classes=3, seed=seed),
    "NextStep": lambda seed: NextStep(4, seed=seed),
    "SeriesEye": lambda seed: SeriesEye(6, 2, 3, seed=seed),
    "CharLM": lambda seed: CharLM(6, 4, 5, seed=seed),
    "ArticleCNN": lambda seed: ArticleCNN(seed=seed),
    "ArticleRNN": lambda seed: ArticleRNN(3, 4, seed=seed),
}


@pytest.mark.parametrize("name", MODELS)
def test_every_model_counts_its_parameters_and_takes_a_local_seed(name: str) -> None:
    make = MODELS[name]
    model = make(0)
    assert isinstance(model, Model)
    assert model.num_parameters() == sum(p.numel() for p in model.parameters())
    before = torch.random.get_rng_state()
    again = make(0)
    assert torch.equal(torch.random.get_rng_state(), before)  # the global generator is untouched
    for (key, a), b in zip(model.state_dict().items(), again.state_dict().values(), strict=True):
        assert torch.equal(a, b), key
    if hasattr(model, "num_classes"):
        assert model.num_classes == 3 and model.head.out_features == 3
    if hasattr(model, "head"):
        assert isinstance(model.head, nn.Module)


def test_every_model_refuses_a_seed_that_is_not_an_int() -> None:
    for make in MODELS.values():
        with pytest.raises(ValueError, match=r"seed must be a non-negative int or None, got 'a'"):
            make("a")


def test_eye_names_its_head_kind_and_backend() -> None:
    eye = Eye(head="flatten", layers="torch", seed=0)
    assert (eye.head_kind, eye.backend) == ("flatten", "torch")
    assert eye.head is eye.fc and eye.head.in_features == 4 * 48


def test_accuracy_refuses_targets_of_the_wrong_shape_and_fit_refuses_no_examples() -> None:
    model = MLP(4, (), 2, seed=0)
    inputs, targets = torch.randn(6, 4), torch.zeros(6, dtype=torch.long)
    with pytest.raises(
        ValueError, match=r"targets must be 1-D with shape \(N,\) class labels, got 2-D"
    ):
        accuracy(model, inputs, targets.reshape(6, 1))  # would broadcast to (6, 6)
    with pytest.raises(ValueError, match=r"targets must be in \[0, 2\), got values from 0 to 2"):
        accuracy(model, inputs, torch.tensor([0, 1, 2, 0, 1, 0]))
    with pytest.raises(
        ValueError, match=r"inputs must be non-empty \(at least one example\), got shape \(0, 4\)"
    ):
        fit(model, inputs[:0], targets[:0], progress=False)
    with pytest.raises(ValueError, match=r"targets must be in \[0, 2\), got values from 0 to 5"):
        fit(model, inputs, torch.arange(6), progress=False)
    with pytest.raises(ValueError, match=r"lr must be a number in \(0.0, inf\], got nan"):
        fit(model, inputs, targets, lr=float("nan"), progress=False)
    with pytest.raises(ValueError, match=r"progress must be a bool \(True or False\), got 'no'"):
        fit(model, inputs, targets, progress="no")
