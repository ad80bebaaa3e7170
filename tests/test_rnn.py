"""eyememory's RNN, LSTM and GRU are drop-ins for torch's: names, init, outputs, gradients."""

from __future__ import annotations

import itertools
import warnings

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import eyememory
from eyememory.nn.rnn import GRU, LSTM, RNN

F64 = torch.float64
PAIRS = {"RNN": (RNN, torch.nn.RNN), "LSTM": (LSTM, torch.nn.LSTM), "GRU": (GRU, torch.nn.GRU)}


def make_pair(mode: str, *args, seed: int = 0, **kwargs):
    """The same layer twice, ours and torch's, created from the same seed."""
    mine_cls, torch_cls = PAIRS[mode]
    torch.manual_seed(seed)
    theirs = torch_cls(*args, dtype=F64, **kwargs)
    torch.manual_seed(seed)
    mine = mine_cls(*args, dtype=F64, **kwargs)
    return mine, theirs


def flatten(result) -> list[torch.Tensor]:
    """(output, h_n) or (output, (h_n, c_n)) as a flat list."""
    output, state = result
    return [output, *(state if isinstance(state, tuple) else (state,))]


def assert_same_outputs_and_gradients(mine, theirs, x: torch.Tensor, hx=None) -> None:
    """Equal outputs and final states, and equal gradients of input, h_0 (c_0) and weights."""
    ours, reference = flatten(mine(x, hx)), flatten(theirs(x, hx))
    for a, b in zip(ours, reference, strict=True):
        torch.testing.assert_close(a, b)
    g = torch.Generator().manual_seed(1)
    weights = [torch.randn(b.shape, generator=g, dtype=F64) for b in reference]
    states = [] if hx is None else list(hx) if isinstance(hx, tuple) else [hx]
    wrt_mine = [x, *states, *mine.parameters()]
    wrt_theirs = [x, *states, *theirs.parameters()]
    grads_mine = torch.autograd.grad(
        sum((w * a).sum() for w, a in zip(weights, ours, strict=True)), wrt_mine
    )
    grads_theirs = torch.autograd.grad(
        sum((w * b).sum() for w, b in zip(weights, reference, strict=True)), wrt_theirs
    )
    for a, b in zip(grads_mine, grads_theirs, strict=True):
        torch.testing.assert_close(a, b)


def inputs(mode: str, layer, L: int, N: int, batched: bool, with_state: bool, seed: int = 2):
    """A random input and (optionally) initial state with the layer's layout."""
    g = torch.Generator().manual_seed(seed)
    I, H = layer.input_size, layer.hidden_size
    P = getattr(layer, "proj_size", 0) or H
    layers = layer.num_layers * (2 if layer.bidirectional else 1)
    if batched:
        shape = (N, L, I) if layer.batch_first else (L, N, I)
    else:
        shape = (L, I)
    x = torch.randn(shape, generator=g, dtype=F64, requires_grad=True)
    if not with_state:
        return x, None
    batch = (N,) if batched else ()
    h = torch.randn((layers, *batch, P), generator=g, dtype=F64, requires_grad=True)
    if mode != "LSTM":
        return x, h
    c = torch.randn((layers, *batch, H), generator=g, dtype=F64, requires_grad=True)
    return x, (h, c)


CONFIGS = [
    pytest.param(
        mode,
        layers,
        bidirectional,
        batch_first,
        bias,
        batched,
        with_state,
        id="-".join(
            [
                f"{mode}-l{layers}",
                "bi" if bidirectional else "uni",
                "bf" if batch_first else "tf",
                "bias" if bias else "nobias",
                "batched" if batched else "unbatched",
                "h0" if with_state else "zeros",
            ]
        ),
    )
    for mode, layers, bidirectional, batch_first, bias, batched, with_state in itertools.product(
        ["RNN", "LSTM", "GRU"],
        [1, 2, 3],
        [False, True],
        [False, True],
        [True, False],
        [True, False],
        [False, True],
    )
]


@pytest.mark.parametrize(
    "mode, layers, bidirectional, batch_first, bias, batched, with_state", CONFIGS
)
def test_equals_torch(
    mode: str,
    layers: int,
    bidirectional: bool,
    batch_first: bool,
    bias: bool,
    batched: bool,
    with_state: bool,
) -> None:
    mine, theirs = make_pair(
        mode,
        3,
        4,
        num_layers=layers,
        bias=bias,
        batch_first=batch_first,
        bidirectional=bidirectional,
    )
    x, hx = inputs(mode, mine, L=5, N=2, batched=batched, with_state=with_state)
    assert_same_outputs_and_gradients(mine, theirs, x, hx)


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("with_state", [False, True])
def test_relu_rnn_equals_torch(bidirectional: bool, with_state: bool) -> None:
    mine, theirs = make_pair(
        "RNN", 3, 4, num_layers=2, nonlinearity="relu", bidirectional=bidirectional
    )
    x, hx = inputs("RNN", mine, L=6, N=3, batched=True, with_state=with_state)
    assert_same_outputs_and_gradients(mine, theirs, x, hx)


@pytest.mark.parametrize(
    "layers, bidirectional, batched", [(1, False, True), (2, True, True), (2, False, False)]
)
def test_lstm_with_projection_equals_torch(layers: int, bidirectional: bool, batched: bool) -> None:
    mine, theirs = make_pair(
        "LSTM", 3, 5, num_layers=layers, proj_size=2, bidirectional=bidirectional
    )
    for with_state in (False, True):
        x, hx = inputs("LSTM", mine, L=4, N=2, batched=batched, with_state=with_state)
        assert_same_outputs_and_gradients(mine, theirs, x, hx)


@pytest.mark.parametrize("mode", PAIRS)
def test_same_names_shapes_and_initialisation_as_torch(mode: str) -> None:
    kwargs = {
        "num_layers": 2,
        "bidirectional": True,
        **({"proj_size": 2} if mode == "LSTM" else {}),
    }
    mine, theirs = make_pair(mode, 3, 4, **kwargs)
    assert list(mine.state_dict()) == list(theirs.state_dict())
    for (name, a), b in zip(mine.state_dict().items(), theirs.state_dict().values(), strict=True):
        assert a.shape == b.shape, name
        assert torch.equal(a, b), f"{name}: same seed, different initial values"


@pytest.mark.parametrize("mode", PAIRS)
def test_state_dicts_load_both_ways(mode: str) -> None:
    mine, theirs = make_pair(mode, 3, 4, num_layers=2, seed=0)
    other_mine, other_theirs = make_pair(mode, 3, 4, num_layers=2, seed=1)
    other_mine.load_state_dict(theirs.state_dict())
    other_theirs.load_state_dict(mine.state_dict())
    x, _ = inputs(mode, mine, L=4, N=2, batched=True, with_state=False)
    torch.testing.assert_close(flatten(other_mine(x)), flatten(theirs(x)))
    torch.testing.assert_close(flatten(other_theirs(x)), flatten(mine(x)))


@pytest.mark.parametrize("mode", PAIRS)
def test_attributes_and_repr_match_torch(mode: str) -> None:
    mine, theirs = make_pair(mode, 3, 4, num_layers=2, batch_first=True, bidirectional=True)
    for name in (
        "input_size",
        "hidden_size",
        "num_layers",
        "bias",
        "batch_first",
        "dropout",
        "bidirectional",
        "proj_size",
        "mode",
    ):
        assert getattr(mine, name) == getattr(theirs, name), name
    assert repr(mine) == repr(theirs)
    assert [[p.shape for p in ws] for ws in mine.all_weights] == [
        [p.shape for p in ws] for ws in theirs.all_weights
    ]


def test_relu_rnn_has_torch_mode_and_repr() -> None:
    mine, theirs = make_pair("RNN", 3, 4, nonlinearity="relu")
    assert mine.mode == theirs.mode == "RNN_RELU"
    assert repr(mine) == repr(theirs)


def test_float32_by_default_and_device_argument() -> None:
    layer = LSTM(3, 4, device="cpu")
    assert all(p.dtype == torch.float32 and p.device.type == "cpu" for p in layer.parameters())
    out, (h, c) = layer(torch.randn(5, 2, 3))
    assert out.dtype == torch.float32


@pytest.mark.parametrize("mode", PAIRS)
def test_dropout_between_layers_acts_only_in_training(mode: str) -> None:
    mine, theirs = make_pair(mode, 3, 8, num_layers=2, dropout=0.5)
    x, _ = inputs(mode, mine, L=6, N=4, batched=True, with_state=False)
    mine.eval(), theirs.eval()
    torch.testing.assert_close(flatten(mine(x)), flatten(theirs(x)))
    mine.train()
    torch.manual_seed(0)
    dropped = mine(x)[0]
    assert not torch.allclose(dropped, theirs(x)[0]), "dropout changed nothing in training mode"
    # The first layer's input is never dropped: with one layer, training equals eval.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        single = PAIRS[mode][0](3, 8, dropout=0.5, dtype=F64)
    torch.testing.assert_close(flatten(single.train()(x)), flatten(single.eval()(x)))


def test_dropout_with_one_layer_warns_like_torch() -> None:
    with pytest.warns(UserWarning, match="num_layers=1"):
        RNN(3, 4, dropout=0.2)


def test_exported_from_the_package() -> None:
    assert eyememory.RNN is RNN and eyememory.LSTM is LSTM and eyememory.GRU is GRU


@settings(max_examples=30, deadline=None)
@given(
    mode=st.sampled_from(list(PAIRS)),
    L=st.integers(1, 6),
    N=st.integers(1, 4),
    I=st.integers(1, 5),
    H=st.integers(1, 5),
    layers=st.integers(1, 3),
    bidirectional=st.booleans(),
    batch_first=st.booleans(),
    bias=st.booleans(),
    batched=st.booleans(),
    with_state=st.booleans(),
    relu=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_equals_torch_on_random_shapes_and_arguments(
    mode, L, N, I, H, layers, bidirectional, batch_first, bias, batched, with_state, relu, seed
) -> None:
    extra = {"nonlinearity": "relu"} if mode == "RNN" and relu else {}
    mine, theirs = make_pair(
        mode,
        I,
        H,
        num_layers=layers,
        bias=bias,
        batch_first=batch_first,
        bidirectional=bidirectional,
        seed=seed,
        **extra,
    )
    x, hx = inputs(mode, mine, L=L, N=N, batched=batched, with_state=with_state, seed=seed)
    assert_same_outputs_and_gradients(mine, theirs, x, hx)


@settings(max_examples=20, deadline=None)
@given(
    mode=st.sampled_from(list(PAIRS)),
    layers=st.integers(1, 3),
    bidirectional=st.booleans(),
    L=st.integers(1, 6),
    N=st.integers(1, 4),
)
def test_output_and_final_state_agree(mode, layers, bidirectional, L, N) -> None:
    """The last layer's forward output at the last step is its final state.

    And the backward direction's output at step 0 is its final state.
    """
    layer = PAIRS[mode][0](3, 4, num_layers=layers, bidirectional=bidirectional, batch_first=True)
    out, state = layer(torch.randn(N, L, 3))
    h_n = state[0] if isinstance(state, tuple) else state
    last = (layers - 1) * (2 if bidirectional else 1)
    torch.testing.assert_close(out[:, -1, :4], h_n[last])
    if bidirectional:
        torch.testing.assert_close(out[:, 0, 4:], h_n[last + 1])


# --- Bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: RNN(3, 4, dropout=1.5), r"dropout must be a number in \[0, 1\], got 1.5"),
        (lambda: RNN(3, 4, dropout=-0.1), r"dropout must be a number in \[0, 1\], got -0.1"),
        (lambda: RNN(3, 4, dropout="a"), r"dropout must be a number in \[0, 1\], got 'a'"),
        (
            lambda: RNN(3, 4, nonlinearity="sigmoid"),
            r"nonlinearity must be one of 'tanh', 'relu', got 'sigmoid'",
        ),
        (lambda: RNN(0, 4), r"input_size must be a positive int, got 0"),
        (lambda: GRU(3, 4.0), r"hidden_size must be a positive int, got 4.0"),
        (lambda: LSTM(3, 4, num_layers=0), r"num_layers must be a positive int, got 0"),
        (
            lambda: LSTM(3, 4, proj_size=4),
            r"proj_size must be smaller than hidden_size \(4\), got 4",
        ),
        (lambda: LSTM(3, 4, proj_size=-1), r"proj_size must be a non-negative int, got -1"),
        (
            lambda: RNN(3, 4, batch_first="False"),
            r"batch_first must be a bool \(True or False\), got 'False'",
        ),
        (lambda: GRU(3, 4, bias="False"), r"bias must be a bool \(True or False\), got 'False'"),
        (
            lambda: LSTM(3, 4, bidirectional=1),
            r"bidirectional must be a bool \(True or False\), got 1",
        ),
        (lambda: RNN(3, 4, dropout=float("nan")), r"dropout must be a number in \[0, 1\], got nan"),
        (
            lambda: RNN(3, 4, dtype=torch.long),
            r"dtype must be None or a floating-point torch.dtype, got torch.int64",
        ),
        (
            lambda: RNN(3, 4, nonlinearity=["tanh"]),
            r"nonlinearity must be one of 'tanh', 'relu', got \['tanh'\]",
        ),
    ],
)
def test_bad_constructor_arguments(build, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build()


def test_proj_size_only_for_lstm() -> None:
    from eyememory.nn.rnn import _RecurrentLayer

    class Plain(_RecurrentLayer):
        mode = "GRU"

    with pytest.raises(
        ValueError, match=r"proj_size is only supported by LSTM, got proj_size=2 for GRU"
    ):
        Plain(3, 4, proj_size=2)


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: RNN(3, 4)(torch.randn(5, 2, 7)),
            r"input must have 3 features per step \(last dim, input_size\), got 7",
        ),
        (
            lambda: RNN(3, 4, batch_first=True)(torch.randn(2, 5, 6, 3)),
            r"input must be 2-D or 3-D with shape \(N, L, I\) or \(L, I\) for one sequence, "
            r"got 4-D with shape \(2, 5, 6, 3\)",
        ),
        (lambda: RNN(3, 4)(torch.randn(3)), r"input must be 2-D or 3-D .* got 1-D"),
        (
            lambda: RNN(3, 4)(torch.randn(5, 2, 3), torch.randn(1, 3, 4)),
            r"h_0 must have shape \(1, 2, 4\), got \(1, 3, 4\)",
        ),
        (
            lambda: RNN(3, 4, num_layers=2)(torch.randn(5, 2, 3), torch.randn(1, 2, 4)),
            r"h_0 must have shape \(2, 2, 4\), got \(1, 2, 4\)",
        ),
        (
            lambda: RNN(3, 4)(torch.randn(5, 2, 3), torch.randn(2, 4)),
            r"h_0 must be 3-D with shape \(D·num_layers, N, H\), got 2-D",
        ),
        (
            lambda: RNN(3, 4)(torch.randn(5, 3), torch.randn(1, 1, 4)),
            r"h_0 must be 2-D .* for unbatched input, got 3-D",
        ),
        (
            lambda: GRU(3, 4, bidirectional=True)(torch.randn(5, 3), torch.randn(1, 4)),
            r"h_0 must have shape \(2, 4\), got \(1, 4\)",
        ),
        (
            lambda: LSTM(3, 4)(torch.randn(5, 2, 3), torch.randn(1, 2, 4)),
            r"hx must be a pair \(h_0, c_0\) of tensors for LSTM, got Tensor",
        ),
        (
            lambda: LSTM(3, 4)(torch.randn(5, 2, 3), (torch.randn(1, 2, 4), torch.randn(1, 2, 5))),
            r"c_0 must have shape \(1, 2, 4\), got \(1, 2, 5\)",
        ),
        (
            lambda: LSTM(3, 4, proj_size=2)(
                torch.randn(5, 2, 3), (torch.randn(1, 2, 4), torch.randn(1, 2, 4))
            ),
            r"h_0 must have shape \(1, 2, 2\), got \(1, 2, 4\)",
        ),
        (
            lambda: RNN(3, 4)(torch.randn(5, 2, 3, dtype=F64)),
            r"input must have the layer's dtype and device \(torch.float32, cpu\), "
            r"got \(torch.float64, cpu\)",
        ),
        (
            lambda: RNN(3, 4)(torch.randn(5, 2, 3), torch.randn(1, 2, 4, dtype=F64)),
            r"h_0 must have the input's dtype and device",
        ),
        (
            lambda: RNN(3, 4)(torch.randn(0, 2, 3)),
            r"input must be non-empty \(at least one time step\), got shape \(0, 2, 3\)",
        ),
        (lambda: RNN(3, 4)([[1.0, 2.0, 3.0]]), r"input must be a torch.Tensor, got list"),
        (
            lambda: RNN(3, 4)(
                torch.nn.utils.rnn.pack_padded_sequence(torch.randn(5, 2, 3), [5, 3])
            ),
            r"PackedSequence input is not supported",
        ),
    ],
)
def test_bad_forward_input_names_expected_and_got(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
