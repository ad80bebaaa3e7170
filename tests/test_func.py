"""Every layer and functional form of eyememory.nn works under torch.func, equal to torch's.

``vmap`` over a batch of inputs equals the batched call; ``grad`` (with ``functional_call``
for the modules' parameters) equals torch's twin's; ``vmap`` of ``grad`` gives per-example
gradients; ``vmap`` over stacked parameters (``stack_module_state``) runs an ensemble. All in
float64, so that equal means equal up to rounding.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
import torch
from torch import func
from torch.nn import functional as F

import eyememory.nn as ours_nn
from eyememory._validation import check_finite, check_indices, under_transform, values_hidden
from eyememory.nn import functional as ours_f

# torch's own warnings: its first jvp loads decompositions through torch.jit.script; its
# 'same' padding with an even kernel copies the input.
pytestmark = [
    pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated"),
    pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel"),
]
DOUBLE = torch.float64
B = 3  # examples (or ensemble members) that vmap maps over

# torch.nn under the names of eyememory.nn: the global pools are torch's adaptive pools.
TORCH_NN = SimpleNamespace(
    **vars(torch.nn),
    GlobalMaxPool2d=lambda: torch.nn.AdaptiveMaxPool2d(1),
    GlobalAvgPool2d=lambda: torch.nn.AdaptiveAvgPool2d(1),
)


def recurrent(kind: str, **kwargs) -> Callable:
    """A recurrent layer of 3 inputs and 4 hidden units, built from either namespace."""
    return lambda nn: getattr(nn, kind)(3, 4, **kwargs)


# id: (build the layer from a namespace of layers, batched input shape, its batch axis)
IMAGES, SEQUENCE = (B, 4, 7, 6), (5, B, 3)  # (N, C, H, W) and (L, N, I)
MODULES = {
    "Conv2d": (lambda nn: nn.Conv2d(4, 6, 3), IMAGES, 0),
    "Conv2d-stride-padding": (lambda nn: nn.Conv2d(4, 6, 3, stride=2, padding=1), IMAGES, 0),
    "Conv2d-groups-reflect": (
        lambda nn: nn.Conv2d(4, 6, (3, 2), padding=1, groups=2, padding_mode="reflect"),
        IMAGES,
        0,
    ),
    "Conv2d-same-dilated-circular": (
        lambda nn: nn.Conv2d(4, 2, 2, padding="same", dilation=2, padding_mode="circular"),
        IMAGES,
        0,
    ),
    "Conv2d-no-bias-replicate": (
        lambda nn: nn.Conv2d(4, 4, 3, padding=1, bias=False, padding_mode="replicate"),
        IMAGES,
        0,
    ),
    "Conv1d": (lambda nn: nn.Conv1d(4, 6, 3, stride=2), (B, 4, 9), 0),
    "Conv1d-same-groups": (lambda nn: nn.Conv1d(4, 6, 4, padding="same", groups=2), (B, 4, 9), 0),
    "MaxPool2d": (lambda nn: nn.MaxPool2d(3, 2, 1), IMAGES, 0),
    "MaxPool2d-indices-ceil": (
        lambda nn: nn.MaxPool2d(2, return_indices=True, ceil_mode=True),
        IMAGES,
        0,
    ),
    "MaxPool2d-dilated": (lambda nn: nn.MaxPool2d(3, 1, 1, dilation=2), IMAGES, 0),
    "AvgPool2d": (lambda nn: nn.AvgPool2d(3, 2, 1, count_include_pad=False), IMAGES, 0),
    "AvgPool2d-divisor-ceil": (
        lambda nn: nn.AvgPool2d(2, ceil_mode=True, divisor_override=3),
        IMAGES,
        0,
    ),
    "GlobalMaxPool2d": (lambda nn: nn.GlobalMaxPool2d(), IMAGES, 0),
    "GlobalAvgPool2d": (lambda nn: nn.GlobalAvgPool2d(), IMAGES, 0),
    "RNN-two-layers-bidirectional": (
        recurrent("RNN", num_layers=2, bidirectional=True),
        SEQUENCE,
        1,
    ),
    "RNN-relu-no-bias-batch-first": (
        recurrent("RNN", nonlinearity="relu", bias=False, batch_first=True),
        (B, 5, 3),
        0,
    ),
    "LSTM-two-layers": (recurrent("LSTM", num_layers=2), SEQUENCE, 1),
    "LSTM-projection-bidirectional": (
        recurrent("LSTM", proj_size=2, bidirectional=True),
        SEQUENCE,
        1,
    ),
    "GRU-bidirectional-batch-first": (
        recurrent("GRU", bidirectional=True, batch_first=True),
        (B, 5, 3),
        0,
    ),
}


def twins(build: Callable) -> tuple[torch.nn.Module, torch.nn.Module]:
    """Ours and torch's layer, in float64, with the same parameters."""
    ours, theirs = build(ours_nn).double(), build(TORCH_NN).double()
    theirs.load_state_dict(ours.state_dict())
    return ours, theirs


def example(shape: tuple[int, ...], seed: int = 0) -> torch.Tensor:
    return torch.randn(shape, dtype=DOUBLE, generator=torch.Generator().manual_seed(seed))


def out_dims(batch_axis: int, layer: torch.nn.Module) -> int | tuple[int, int]:
    """Where vmap puts the batch in the outputs, as the layer does: the states' at axis 1."""
    if isinstance(layer, (ours_nn.RNN, ours_nn.LSTM, ours_nn.GRU, torch.nn.RNNBase)):
        return (batch_axis, 1)  # output, then h_n (and c_n): (D·num_layers, N, H)
    return batch_axis


def score(outputs: object) -> torch.Tensor:
    """A scalar of every floating output, curved so that its gradient depends on the values."""
    leaves = torch.utils._pytree.tree_leaves(outputs)
    return sum(t.sin().sum() for t in leaves if t.is_floating_point())


@pytest.mark.parametrize("build, shape, axis", MODULES.values(), ids=MODULES.keys())
def test_vmap_equals_the_batched_call(build, shape, axis) -> None:
    ours, theirs = twins(build)
    x = example(shape)
    mapped = func.vmap(ours, in_dims=axis, out_dims=out_dims(axis, ours))(x)
    torch.testing.assert_close(mapped, ours(x), rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(mapped, theirs(x))


@pytest.mark.parametrize("build, shape, axis", MODULES.values(), ids=MODULES.keys())
def test_grad_with_functional_call_equals_torchs(build, shape, axis) -> None:
    ours, theirs = twins(build)
    x = example(shape)

    def gradients(layer: torch.nn.Module) -> tuple[dict, torch.Tensor]:
        params = {k: v.detach() for k, v in layer.named_parameters()}
        loss = lambda p, x: score(func.functional_call(layer, p, (x,)))  # noqa: E731
        return func.grad(loss, argnums=(0, 1))(params, x)

    torch.testing.assert_close(gradients(ours), gradients(theirs))


@pytest.mark.parametrize("build, shape, axis", MODULES.values(), ids=MODULES.keys())
def test_per_example_gradients_equal_torchs_one_by_one(build, shape, axis) -> None:
    """vmap of grad: each example's own gradients, in one call (torch's RNNs cannot)."""
    ours, theirs = twins(build)
    x = example(shape)

    def loss(layer: torch.nn.Module) -> Callable:
        return lambda p, x: score(func.functional_call(layer, p, (x,)))

    params = {k: v.detach() for k, v in ours.named_parameters()}
    mapped = func.vmap(func.grad(loss(ours), argnums=(0, 1)), in_dims=(None, axis))(params, x)
    one_by_one = [
        func.grad(loss(theirs), argnums=(0, 1))(params, x.select(axis, i)) for i in range(B)
    ]
    stacked = torch.utils._pytree.tree_map(lambda *ts: torch.stack(ts), *one_by_one)
    expected_params, expected_x = stacked
    torch.testing.assert_close(mapped[0], expected_params)
    torch.testing.assert_close(mapped[1], expected_x)  # vmap stacks on axis 0


ENSEMBLES = {name: MODULES[name] for name in MODULES if not name.startswith(("Max", "Avg", "Gl"))}


@pytest.mark.parametrize("build, shape, axis", ENSEMBLES.values(), ids=ENSEMBLES.keys())
def test_vmap_over_stacked_parameters_runs_an_ensemble(build, shape, axis) -> None:
    """B layers, their parameters stacked: on one input, and each on its own input."""
    torch.manual_seed(0)
    members = [build(ours_nn).double() for _ in range(B)]
    params, buffers = func.stack_module_state(members)
    template = members[0]
    call = lambda p, b, x: func.functional_call(template, (p, b), (x,))  # noqa: E731
    x = example(shape)
    on_one = func.vmap(call, in_dims=(0, 0, None))(params, buffers, x)  # members on axis 0
    expected = torch.utils._pytree.tree_map(
        lambda *ts: torch.stack(ts), *[member(x) for member in members]
    )
    torch.testing.assert_close(on_one, expected)
    inputs = example((B, *shape), seed=1)  # member i reads inputs[i]
    on_each = func.vmap(call)(params, buffers, inputs)
    expected = torch.utils._pytree.tree_map(
        lambda *ts: torch.stack(ts), *[member(x) for member, x in zip(members, inputs, strict=True)]
    )
    torch.testing.assert_close(on_each, expected)


@pytest.mark.parametrize(
    "kind",
    ["Conv2d-groups-reflect", "RNN-two-layers-bidirectional", "LSTM-projection-bidirectional"],
)
def test_ensemble_gradients_equal_each_members(kind) -> None:
    """vmap of grad over stacked parameters: each member's gradients, as torch's twin's."""
    build, shape, _ = MODULES[kind]
    torch.manual_seed(0)
    members = [build(ours_nn).double() for _ in range(B)]
    params, _ = func.stack_module_state(members)
    x = example(shape)
    loss = lambda p, x: score(func.functional_call(members[0], p, (x,)))  # noqa: E731
    mapped = func.vmap(func.grad(loss), in_dims=(0, None))(params, x)
    for i, member in enumerate(members):
        twin = build(TORCH_NN).double()
        twin.load_state_dict(member.state_dict())
        twin_params = {k: v.detach() for k, v in twin.named_parameters()}
        loss = lambda p, x, twin=twin: score(func.functional_call(twin, p, (x,)))  # noqa: E731
        theirs = func.grad(loss)(twin_params, x)
        torch.testing.assert_close({k: v[i] for k, v in mapped.items()}, theirs)


def _image_args(weight_shape: tuple[int, ...], input_shape: tuple[int, ...]) -> Callable:
    return lambda g: (
        torch.randn(input_shape, dtype=DOUBLE, generator=g),
        torch.randn(weight_shape, dtype=DOUBLE, generator=g),
        torch.randn(weight_shape[0], dtype=DOUBLE, generator=g),
    )


def _cell_args(gates: int, lstm: bool = False) -> Callable:
    """input (N, I), state (N, H) (LSTM: h and c), w_ih, w_hh, b_ih, b_hh; I = 3, H = 4."""

    def make(g: torch.Generator) -> tuple:
        n = lambda *shape: torch.randn(shape, dtype=DOUBLE, generator=g)  # noqa: E731
        state = (n(2, 4), n(2, 4)) if lstm else n(2, 4)
        return n(2, 3), state, n(gates * 4, 3), n(gates * 4, 4), n(gates * 4), n(gates * 4)

    return make


def _maps(g: torch.Generator) -> tuple[torch.Tensor]:
    return (torch.randn(2, 3, 7, 6, dtype=DOUBLE, generator=g),)


# Every tensor function of eyememory.nn.functional (conv_output_size and pool_output_size
# take ints): (ours, torch's, the arguments from a generator, how many leading arguments
# hold the batch: the input, and a cell's state).
FUNCTIONS = {
    "conv2d": (
        lambda x, w, b: ours_f.conv2d(x, w, b, stride=2, padding=1, groups=2),
        lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1, groups=2),
        _image_args((6, 2, 3, 3), (2, 4, 7, 6)),
    ),
    "conv2d-same-dilated": (
        lambda x, w, b: ours_f.conv2d(x, w, b, padding="same", dilation=(2, 1)),
        lambda x, w, b: F.conv2d(x, w, b, padding="same", dilation=(2, 1)),
        _image_args((3, 4, 2, 3), (2, 4, 7, 6)),
    ),
    "conv2d_sliding": (
        lambda x, w, b: ours_f.conv2d_sliding(x, w, b, stride=(2, 1), groups=2),
        lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), groups=2),
        _image_args((4, 2, 2, 2), (2, 4, 5, 4)),
    ),
    "conv1d": (
        lambda x, w, b: ours_f.conv1d(x, w, b, padding="same", dilation=2),
        lambda x, w, b: F.conv1d(x, w, b, padding="same", dilation=2),
        _image_args((5, 4, 3), (2, 4, 9)),
    ),
    "pad2d": (
        lambda x: ours_f.pad2d(x, (1, 2, 0, 1), "reflect"),
        lambda x: F.pad(x, (1, 2, 0, 1), mode="reflect"),
        _maps,
    ),
    "max_pool2d": (
        lambda x: ours_f.max_pool2d(x, 3, 2, 1, return_indices=True),
        lambda x: F.max_pool2d(x, 3, 2, 1, return_indices=True),
        _maps,
    ),
    "avg_pool2d": (
        lambda x: ours_f.avg_pool2d(x, 3, 2, 1, ceil_mode=True),
        lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True),
        _maps,
    ),
    "global_max_pool2d": (
        ours_f.global_max_pool2d,
        lambda x: F.adaptive_max_pool2d(x, 1),
        _maps,
    ),
    "global_avg_pool2d": (
        ours_f.global_avg_pool2d,
        lambda x: F.adaptive_avg_pool2d(x, 1),
        _maps,
    ),
    "rnn_cell": (ours_f.rnn_cell, torch.rnn_tanh_cell, _cell_args(1)),
    "lstm_cell": (ours_f.lstm_cell, torch.lstm_cell, _cell_args(4, lstm=True)),
    "gru_cell": (ours_f.gru_cell, torch.gru_cell, _cell_args(3)),
}


@pytest.mark.parametrize("ours, theirs, make", FUNCTIONS.values(), ids=FUNCTIONS.keys())
def test_functional_vmap_over_the_input_equals_the_batched_call(ours, theirs, make) -> None:
    args = make(torch.Generator().manual_seed(0))
    batched = 2 if ours in (ours_f.rnn_cell, ours_f.lstm_cell, ours_f.gru_cell) else 1
    in_dims = tuple(0 if i < batched else None for i in range(len(args)))  # weights shared
    mapped = func.vmap(ours, in_dims=in_dims)(*args)
    torch.testing.assert_close(mapped, ours(*args), rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(mapped, theirs(*args))


@pytest.mark.parametrize("ours, theirs, make", FUNCTIONS.values(), ids=FUNCTIONS.keys())
def test_functional_vmap_over_every_argument_equals_a_loop(ours, theirs, make) -> None:
    """Each example with its own weights (and state): B calls in one."""
    g = torch.Generator().manual_seed(0)
    calls = [make(g) for _ in range(B)]
    stacked = torch.utils._pytree.tree_map(lambda *ts: torch.stack(ts), *calls)
    expected = torch.utils._pytree.tree_map(
        lambda *ts: torch.stack(ts), *[theirs(*args) for args in calls]
    )
    torch.testing.assert_close(func.vmap(ours)(*stacked), expected)


@pytest.mark.parametrize("ours, theirs, make", FUNCTIONS.values(), ids=FUNCTIONS.keys())
def test_functional_grad_and_jvp_equal_torchs(ours, theirs, make) -> None:
    args = make(torch.Generator().manual_seed(0))
    argnums = tuple(range(len(args)))
    mine = func.grad(lambda *a: score(ours(*a)), argnums=argnums)(*args)
    torch.testing.assert_close(
        mine, func.grad(lambda *a: score(theirs(*a)), argnums=argnums)(*args)
    )
    tangents = torch.utils._pytree.tree_map(torch.ones_like, args)
    torch.testing.assert_close(func.jvp(ours, args, tangents), func.jvp(theirs, args, tangents))


def test_conv2d_hessian_equals_torchs() -> None:
    """Second derivatives through the hand-written backward (jacfwd of jacrev)."""
    x, w, b = _image_args((2, 2, 2, 2), (1, 2, 4, 4))(torch.Generator().manual_seed(0))
    hessian = lambda conv: func.hessian(lambda w: conv(x, w, b).pow(3).sum())(w)  # noqa: E731
    torch.testing.assert_close(hessian(ours_f.conv2d), hessian(F.conv2d))


@pytest.mark.parametrize("argument", [0, 1, 2], ids=["input", "weight", "bias"])
def test_conv2d_jvp_of_each_argument_alone_equals_torchs(argument) -> None:
    args = _image_args((4, 2, 3, 3), (2, 4, 6, 5))(torch.Generator().manual_seed(0))
    tangent = torch.ones_like(args[argument])

    def along(conv: Callable) -> Callable:
        def moved(t: torch.Tensor) -> torch.Tensor:
            return conv(*args[:argument], t, *args[argument + 1 :], padding=1, groups=2)

        return moved

    mine = func.jvp(along(ours_f.conv2d), (args[argument],), (tangent,))
    torch.testing.assert_close(mine, func.jvp(along(F.conv2d), (args[argument],), (tangent,)))


def test_value_checks_are_skipped_only_where_vmap_hides_the_values() -> None:
    """Shapes and dtypes are checked under every transform; values wherever they can be read."""
    bad = torch.tensor([[0.0, float("nan")], [1.0, 2.0]])
    with pytest.raises(ValueError, match="x must be finite"):
        check_finite("x", bad)
    with pytest.raises(ValueError, match="x must be finite"):  # grad alone: values readable
        func.grad(lambda t: check_finite("x", t).sum())(bad)
    unchecked = func.vmap(lambda t: check_finite("x", t))(bad)
    torch.testing.assert_close(unchecked, bad, equal_nan=True)
    ids = torch.tensor([[0, 7], [1, 2]])
    with pytest.raises(ValueError, match=r"ids must be in \[0, 5\)"):
        check_indices("ids", ids, 5)
    assert torch.equal(func.vmap(lambda t: check_indices("ids", t, 5))(ids), ids)
    with pytest.raises(ValueError, match="ids must be an integer tensor"):  # dtype: always
        func.vmap(lambda t: check_indices("ids", t, 5))(ids.double())
    nested = func.vmap(func.grad(lambda t: t.sum() * values_hidden(t)))(bad.clone())
    assert bool(nested.eq(1).all())  # under grad under vmap: still hidden
    assert not under_transform(bad)


def test_layers_check_shapes_under_vmap() -> None:
    """A wrong number of channels is refused by name inside vmap too."""
    conv = ours_nn.Conv2d(4, 2, 3)
    with pytest.raises(ValueError, match="input must have 4 channels"):
        func.vmap(conv)(torch.randn(B, 3, 5, 5))
    with pytest.raises(ValueError, match="input must have 3 features per step"):
        func.vmap(ours_nn.GRU(3, 2))(torch.randn(B, 5, 4))


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_vmap_with_initial_states_equals_torchs(kind) -> None:
    """Each sequence with its own h_0 (and c_0): unbatched ``(L, I)`` and ``(D·layers, H)``."""
    ours, theirs = twins(recurrent(kind, num_layers=2, bidirectional=True))
    x, h = example(SEQUENCE), example((4, B, 4), seed=1)  # h_0: (D·num_layers, N, H)
    hx = (h, h.cos()) if kind == "LSTM" else h
    mapped = func.vmap(ours, in_dims=(1, 1), out_dims=(1, 1))(x, hx)
    torch.testing.assert_close(mapped, theirs(x, hx))
