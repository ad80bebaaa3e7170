"""The single-step cells equal torch's, outputs and gradients, in float64."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from eyememory.nn.recurrence import gru_cell, lstm_cell, project_input, rnn_cell, rnn_step

F64 = torch.float64


def _tensors(*shapes: tuple[int, ...], seed: int = 0) -> list[torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(*s, generator=g, dtype=F64, requires_grad=True) for s in shapes]


def _assert_same(mine, theirs, inputs) -> None:
    """Same outputs, and same gradients of a random weighting of them w.r.t. every input."""
    mine = mine if isinstance(mine, tuple) else (mine,)
    theirs = theirs if isinstance(theirs, tuple) else (theirs,)
    for a, b in zip(mine, theirs, strict=True):
        torch.testing.assert_close(a, b)
    g = torch.Generator().manual_seed(1)
    weights = [torch.randn(b.shape, generator=g, dtype=F64) for b in theirs]
    used = [x for x in inputs if x is not None]
    grads_mine = torch.autograd.grad(
        sum((w * a).sum() for w, a in zip(weights, mine, strict=True)), used, allow_unused=True
    )
    grads_theirs = torch.autograd.grad(
        sum((w * b).sum() for w, b in zip(weights, theirs, strict=True)), used, allow_unused=True
    )
    for a, b in zip(grads_mine, grads_theirs, strict=True):
        torch.testing.assert_close(a, b)


@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_cell_equals_torch(batched: bool, bias: bool, nonlinearity: str) -> None:
    N, I, H = 3, 4, 5
    batch = (N,) if batched else ()
    x, h, w_ih, w_hh, b_ih, b_hh = _tensors(batch + (I,), batch + (H,), (H, I), (H, H), (H,), (H,))
    b_ih, b_hh = (b_ih, b_hh) if bias else (None, None)
    torch_cell = torch.rnn_tanh_cell if nonlinearity == "tanh" else torch.rnn_relu_cell
    theirs = torch_cell(
        x if batched else x[None], h if batched else h[None], w_ih, w_hh, b_ih, b_hh
    )
    theirs = theirs if batched else theirs[0]
    mine = rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh, nonlinearity)
    _assert_same(mine, theirs, [x, h, w_ih, w_hh, b_ih, b_hh])


@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("bias", [True, False])
def test_lstm_cell_equals_torch(batched: bool, bias: bool) -> None:
    N, I, H = 3, 4, 5
    batch = (N,) if batched else ()
    x, h, c, w_ih, w_hh, b_ih, b_hh = _tensors(
        batch + (I,), batch + (H,), batch + (H,), (4 * H, I), (4 * H, H), (4 * H,), (4 * H,)
    )
    b_ih, b_hh = (b_ih, b_hh) if bias else (None, None)
    unsq = (lambda t: t) if batched else (lambda t: t[None])
    theirs = torch.lstm_cell(unsq(x), (unsq(h), unsq(c)), w_ih, w_hh, b_ih, b_hh)
    theirs = theirs if batched else tuple(t[0] for t in theirs)
    mine = lstm_cell(x, (h, c), w_ih, w_hh, b_ih, b_hh)
    _assert_same(mine, theirs, [x, h, c, w_ih, w_hh, b_ih, b_hh])


def test_lstm_cell_with_projection_equals_one_step_of_torch_lstm() -> None:
    N, I, H, P = 3, 4, 6, 2
    torch.manual_seed(0)
    layer = torch.nn.LSTM(I, H, proj_size=P, dtype=F64)
    x, h, c = _tensors((1, N, I), (1, N, P), (1, N, H))
    out, (h_n, c_n) = layer(x, (h, c))
    mine = lstm_cell(
        x[0],
        (h[0], c[0]),
        layer.weight_ih_l0,
        layer.weight_hh_l0,
        layer.bias_ih_l0,
        layer.bias_hh_l0,
        layer.weight_hr_l0,
    )
    _assert_same(mine, (h_n[0], c_n[0]), [x, h, c, *layer.parameters()])


@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("bias", [True, False])
def test_gru_cell_equals_torch(batched: bool, bias: bool) -> None:
    N, I, H = 3, 4, 5
    batch = (N,) if batched else ()
    x, h, w_ih, w_hh, b_ih, b_hh = _tensors(
        batch + (I,), batch + (H,), (3 * H, I), (3 * H, H), (3 * H,), (3 * H,)
    )
    b_ih, b_hh = (b_ih, b_hh) if bias else (None, None)
    unsq = (lambda t: t) if batched else (lambda t: t[None])
    theirs = torch.gru_cell(unsq(x), unsq(h), w_ih, w_hh, b_ih, b_hh)
    theirs = theirs if batched else theirs[0]
    mine = gru_cell(x, h, w_ih, w_hh, b_ih, b_hh)
    _assert_same(mine, theirs, [x, h, w_ih, w_hh, b_ih, b_hh])


@pytest.mark.parametrize(
    "torch_cell, mine",
    [
        (
            torch.nn.RNNCell,
            lambda cell, x: rnn_cell(
                x, None, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh
            ),
        ),
        (
            torch.nn.GRUCell,
            lambda cell, x: gru_cell(
                x, None, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh
            ),
        ),
        (
            torch.nn.LSTMCell,
            lambda cell, x: lstm_cell(
                x, None, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh
            ),
        ),
    ],
)
def test_missing_state_means_zeros_as_in_torch_cells(torch_cell, mine) -> None:
    cell = torch_cell(4, 5, dtype=F64)
    (x,) = _tensors((3, 4))
    theirs = cell(x)
    ours = mine(cell, x)
    _assert_same(ours, theirs, [x, *cell.parameters()])


def test_project_input_folds_both_biases() -> None:
    x, w, b1, b2 = _tensors((7, 3, 4), (5, 4), (5,), (5,))
    torch.testing.assert_close(project_input(x, w, b1, b2), x @ w.T + b1 + b2)
    torch.testing.assert_close(project_input(x, w, None, b2), x @ w.T + b2)
    torch.testing.assert_close(project_input(x, w), x @ w.T)


@settings(max_examples=25, deadline=None)
@given(
    kind=st.sampled_from(["tanh", "relu", "lstm", "gru"]),
    N=st.integers(1, 5),
    I=st.integers(1, 6),
    H=st.integers(1, 6),
    bias=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_cells_equal_torch_on_random_shapes(
    kind: str, N: int, I: int, H: int, bias: bool, seed: int
) -> None:
    gates = {"tanh": 1, "relu": 1, "lstm": 4, "gru": 3}[kind]
    x, h, c, w_ih, w_hh, b_ih, b_hh = _tensors(
        (N, I),
        (N, H),
        (N, H),
        (gates * H, I),
        (gates * H, H),
        (gates * H,),
        (gates * H,),
        seed=seed,
    )
    b_ih, b_hh = (b_ih, b_hh) if bias else (None, None)
    if kind == "lstm":
        mine, theirs = (
            lstm_cell(x, (h, c), w_ih, w_hh, b_ih, b_hh),
            torch.lstm_cell(x, (h, c), w_ih, w_hh, b_ih, b_hh),
        )
    elif kind == "gru":
        mine, theirs = (
            gru_cell(x, h, w_ih, w_hh, b_ih, b_hh),
            torch.gru_cell(x, h, w_ih, w_hh, b_ih, b_hh),
        )
    else:
        torch_cell = torch.rnn_tanh_cell if kind == "tanh" else torch.rnn_relu_cell
        mine, theirs = (
            rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh, kind),
            torch_cell(x, h, w_ih, w_hh, b_ih, b_hh),
        )
    _assert_same(mine, theirs, [x, h, c if kind == "lstm" else None, w_ih, w_hh, b_ih, b_hh])


# --- Bad input --------------------------------------------------------------------------

W_IH, W_HH = torch.randn(5, 4), torch.randn(5, 5)


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: rnn_cell(torch.randn(3, 7), torch.randn(3, 5), W_IH, W_HH),
            r"input must have features = w_ih.shape\[1\] \(rnn_cell\) = 4, got 7",
        ),
        (
            lambda: rnn_cell(torch.randn(2, 3, 4), torch.randn(3, 5), W_IH, W_HH),
            r"input must be 1-D or 2-D with shape \(N, I\) or \(I,\), got 3-D",
        ),
        (
            lambda: rnn_cell(torch.randn(3, 4), torch.randn(3, 6), W_IH, W_HH),
            r"hx must have hidden size = 5, got 6",
        ),
        (
            lambda: rnn_cell(torch.randn(3, 4), torch.randn(2, 5), W_IH, W_HH),
            r"hx must have batch size 3 like input, got 2",
        ),
        (
            lambda: rnn_cell(torch.randn(3, 4), torch.randn(5), W_IH, W_HH),
            r"input and hx must be both batched, .* got input \(3, 4\) and hx \(5,\)",
        ),
        (
            lambda: rnn_cell(torch.randn(3, 4), None, W_IH, W_HH, nonlinearity="sigmoid"),
            r"nonlinearity must be one of 'tanh', 'relu', got 'sigmoid'",
        ),
        (lambda: rnn_cell([1.0, 2.0], None, W_IH, W_HH), r"input must be a torch.Tensor, got list"),
        (
            lambda: lstm_cell(
                torch.randn(3, 4), torch.randn(3, 5), torch.randn(20, 4), torch.randn(20, 5)
            ),
            r"hx must be a pair \(h, c\)",
        ),
        (
            lambda: lstm_cell(
                torch.randn(3, 4),
                (torch.randn(3, 5), torch.randn(3, 4)),
                torch.randn(20, 4),
                torch.randn(20, 5),
            ),
            r"c must have shape \(3, 5\), got \(3, 4\)",
        ),
        (
            lambda: gru_cell(torch.randn(3, 4), None, torch.randn(10, 4), torch.randn(10, 5)),
            r"w_ih must have 3·H rows for gru_cell, got 10",
        ),
        (
            lambda: rnn_step(torch.randn(3, 5), torch.randn(3, 5), W_HH, "sigmoid"),
            r"nonlinearity must be one of 'tanh', 'relu', got 'sigmoid'",
        ),
        (
            lambda: rnn_cell(torch.ones(3, 4, dtype=torch.long), None, W_IH.long(), W_HH.long()),
            r"input must be a floating-point tensor, got dtype torch.int64",
        ),
        (
            lambda: rnn_cell(torch.randn(3, 4, dtype=F64), None, W_IH, W_HH),
            r"w_ih must have the input's dtype and device \(torch.float64, cpu\), "
            r"got \(torch.float32, cpu\)",
        ),
        (
            lambda: rnn_cell(torch.randn(3, 4), None, W_IH, W_HH, torch.randn(3)),
            r"b_ih must have length = w_ih.shape\[0\] = 5, got 3",
        ),
        (
            lambda: gru_cell(
                torch.randn(3, 4),
                None,
                torch.randn(15, 4),
                torch.randn(15, 5),
                None,
                torch.randn(3),
            ),
            r"b_hh must have length = w_ih.shape\[0\] = 15, got 3",
        ),
        (
            lambda: rnn_cell(torch.randn(3, 4), None, W_IH, [[1.0]]),
            r"w_hh must be a torch.Tensor, got list",
        ),
        (
            lambda: lstm_cell(
                torch.randn(3, 4), None, torch.randn(20, 4), torch.randn(20, 2), w_hr=[1.0]
            ),
            r"w_hr must be a torch.Tensor, got list",
        ),
    ],
)
def test_bad_input_names_expected_and_got(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
