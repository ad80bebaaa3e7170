"""One step of the Memory: the recurrent cells of `nn.RNN`, `nn.LSTM` and `nn.GRU`, line by line.

A recurrent cell turns *what I see now* ($x_t$) and *what I thought a moment ago*
($h_{t-1}$) into a new thought $h_t$. Each cell here is written so that each line is one
line of its equation, with torch's argument order and weight layouts:
``cell(input, hx, w_ih, w_hh, b_ih, b_hh)``, where ``w_ih`` stacks the input weights of every
gate (LSTM gates in the order i, f, g, o; GRU gates r, z, n) as ``torch.lstm_cell`` and
``torch.gru_cell`` do. Loading a torch layer's weights therefore needs no reshuffling.

Every cell is split in two halves:

* the **input part** (`project_input`): $W_{ih} x_t + b$,
  which does not depend on the previous state, so a layer computes it for all time steps
  at once with one matrix product;
* the **step** (``rnn_step``, ``lstm_step``, ``gru_step``): the part that needs $h_{t-1}$
  and must run one time step after another.

The full cells (``rnn_cell``, ``lstm_cell``, ``gru_cell``) are the two halves back to back.
The layers in `eyememory.nn.rnn` call the halves.
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

from .._validation import (
    check_choice,
    check_floating,
    check_like,
    check_rank,
    check_size,
    check_tensor,
    fail,
    shown,
)

NONLINEARITIES = ("tanh", "relu")


def _add_biases(b_ih: torch.Tensor | None, b_hh: torch.Tensor | None) -> torch.Tensor | None:
    if b_ih is None:
        return b_hh
    if b_hh is None:
        return b_ih
    return b_ih + b_hh


# --8<-- [start:project_input]
def project_input(
    input: torch.Tensor,
    w_ih: torch.Tensor,
    b_ih: torch.Tensor | None = None,
    b_hh: torch.Tensor | None = None,
) -> torch.Tensor:
    """The input part of a cell, for any number of steps at once.

    It is $W_{ih}\\, x_t + b_{ih} + b_{hh}$.

    It does not depend on the previous state, so a layer computes it for a whole sequence
    ``(L, N, I)`` in one matrix product before its loop over time. Both biases are added
    here (they are always summed), so the step needs no bias of its own; pass ``b_hh=None``
    to keep the recurrent bias apart, as the GRU must.

    Args:
        input: Inputs, shape ``(..., I)``.
        w_ih: Input weights of every gate, shape ``(G·H, I)``.
        b_ih: Input bias, shape ``(G·H,)``, or ``None``.
        b_hh: Recurrent bias, shape ``(G·H,)``, or ``None``.

    Returns:
        Shape ``(..., G·H)``.

    Examples:
        >>> x, w, b = torch.randn(5, 3, 4), torch.randn(8, 4), torch.randn(8)
        >>> project_input(x, w, b).shape
        torch.Size([5, 3, 8])
        >>> torch.allclose(project_input(x, w, b)[2], x[2] @ w.T + b)
        True
    """
    return F.linear(input, w_ih, _add_biases(b_ih, b_hh))


# --8<-- [end:project_input]


# --8<-- [start:rnn_step]
def rnn_step(
    seen: torch.Tensor,
    hx: torch.Tensor,
    w_hh_t: torch.Tensor,
    nonlinearity: str = "tanh",
) -> torch.Tensor:
    r"""One step of the Elman RNN, given its input part.

    $$h_t = \tanh(\text{seen}_t + W_{hh} h_{t-1})$$

    Args:
        seen: The input part $W_{ih} x_t + b_{ih} + b_{hh}$, shape ``(N, H)``.
        hx: The previous state $h_{t-1}$, shape ``(N, H)``.
        w_hh_t: ``w_hh.t()``, shape ``(H, H)``: transposed once per sequence,
            not once per step.
        nonlinearity: ``"tanh"`` or ``"relu"``.

    Returns:
        The new state $h_t$, shape ``(N, H)``.
    """
    mixed = torch.addmm(seen, hx, w_hh_t)  # what I see + what I thought: (N, H)
    if nonlinearity == "tanh":
        return mixed.tanh_()  # squashed into (-1, 1), in place: no new tensor
    if nonlinearity == "relu":
        return mixed.relu_()
    raise fail("nonlinearity", "one of 'tanh', 'relu'", shown(nonlinearity))


# --8<-- [end:rnn_step]


# --8<-- [start:lstm_step]
def lstm_step(
    seen: torch.Tensor,
    hx: tuple[torch.Tensor, torch.Tensor],
    w_hh_t: torch.Tensor,
    w_hr_t: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """The step of the LSTM cell, given its input part (gates in torch's order i, f, g, o).

    $$
    \\begin{align*}
    i_t &= \\sigma(\\text{seen}^{(i)}_t + W_{hi} h_{t-1})
        &&\\text{input gate: how much to write}\\\\
    f_t &= \\sigma(\\text{seen}^{(f)}_t + W_{hf} h_{t-1})
        &&\\text{forget gate: how much to keep}\\\\
    g_t &= \\tanh(\\text{seen}^{(g)}_t + W_{hg} h_{t-1})
        &&\\text{candidate: what to write}\\\\
    o_t &= \\sigma(\\text{seen}^{(o)}_t + W_{ho} h_{t-1})
        &&\\text{output gate: how much to show}\\\\
    c_t &= f_t \\odot c_{t-1} + i_t \\odot g_t \\\\
    h_t &= o_t \\odot \\tanh(c_t)
    \\end{align*}
    $$

    With a projection $W_{hr}$ (torch's ``proj_size``), $h_t$ is then multiplied by it.

    Args:
        seen: Input part of all four gates, shape ``(N, 4H)``.
        hx: ``(h, c)``: previous output, shape ``(N, P)`` (``P = H`` without projection),
            and previous cell state, shape ``(N, H)``.
        w_hh_t: Recurrent weights of the four gates, transposed (``w_hh.t()``), shape ``(P, 4H)``.
        w_hr_t: Projection weights, transposed (``w_hr.t()``), shape ``(H, P)``, or ``None``.

    Returns:
        ``(h_t, c_t)``, shapes ``(N, P)`` and ``(N, H)``.
    """
    h, c = hx
    gates = torch.addmm(seen, h, w_hh_t)  # (N, 4H)
    i, f, g, o = gates.chunk(4, dim=1)  # each (N, H)
    i = torch.sigmoid(i)
    f = torch.sigmoid(f)
    g = torch.tanh(g)
    o = torch.sigmoid(o)
    c = f * c + i * g  # keep some of the old notes, write some new ones
    h = o * torch.tanh(c)
    if w_hr_t is not None:
        h = h.mm(w_hr_t)  # (N, P)
    return h, c


# --8<-- [end:lstm_step]


# --8<-- [start:gru_step]
def gru_step(
    seen: torch.Tensor, hx: torch.Tensor, w_hh_t: torch.Tensor, b_hh: torch.Tensor | None = None
) -> torch.Tensor:
    """The step of the GRU cell, given its input part (gates r, z, n) already computed.

    The input part is $W_{ih} x_t + b_{ih}$.

    $$
    \\begin{align*}
    r_t &= \\sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr}) &&\\text{reset gate}\\\\
    z_t &= \\sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz}) &&\\text{update gate}\\\\
    n_t &= \\tanh(W_{in} x_t + b_{in} + r_t \\odot (W_{hn} h_{t-1} + b_{hn}))
        &&\\text{candidate}\\\\
    h_t &= (1 - z_t) \\odot n_t + z_t \\odot h_{t-1}
    \\end{align*}
    $$

    The recurrent bias stays apart from the input part because $r_t$ multiplies
    $W_{hn} h_{t-1} + b_{hn}$ only.

    Args:
        seen: $W_{ih} x_t + b_{ih}$ of all three gates, shape ``(N, 3H)``.
        hx: Previous state, shape ``(N, H)``.
        w_hh_t: Recurrent weights, transposed (``w_hh.t()``), shape ``(H, 3H)``.
        b_hh: Recurrent bias, shape ``(3H,)``, or ``None``.

    Returns:
        The new state $h_t$, shape ``(N, H)``.
    """
    heard = hx.mm(w_hh_t) if b_hh is None else torch.addmm(b_hh, hx, w_hh_t)  # (N, 3H)
    seen_r, seen_z, seen_n = seen.chunk(3, dim=1)  # each (N, H)
    heard_r, heard_z, heard_n = heard.chunk(3, dim=1)  # each (N, H)
    r = torch.sigmoid(seen_r + heard_r)
    z = torch.sigmoid(seen_z + heard_z)
    n = torch.tanh(seen_n + r * heard_n)
    return n + z * (hx - n)  # = (1 - z) * n + z * h, one operation fewer


# --8<-- [end:gru_step]


def _check_cell_args(
    kind: str,
    input: torch.Tensor,
    hx: torch.Tensor | None,
    w_ih: torch.Tensor,
    w_hh: torch.Tensor,
    gates: int,
    biases: tuple[torch.Tensor | None, torch.Tensor | None] = (None, None),
    hidden_size_of_hx: int | None = None,
) -> tuple[torch.Tensor, torch.Tensor, bool]:
    """Validate one cell call; return input and hx as batches and whether input was batched."""
    check_rank("input", input, (1, 2), "(N, I) or (I,)")
    check_floating("input", input)
    check_rank("w_ih", w_ih, (2,), "(G·H, I)")
    check_rank("w_hh", w_hh, (2,), "(G·H, H)")
    check_like("w_ih", w_ih, "input", input)
    check_like("w_hh", w_hh, "input", input)
    for name, bias in zip(("b_ih", "b_hh"), biases, strict=True):
        if bias is not None:
            check_rank(name, bias, (1,), "(G·H,)")
            check_size(name, bias.shape[0], w_ih.shape[0], "length = w_ih.shape[0]")
            check_like(name, bias, "input", input)
    batched = input.dim() == 2
    I = input.shape[-1]
    check_size("input", I, w_ih.shape[1], f"features = w_ih.shape[1] ({kind})")
    GH = w_ih.shape[0]
    if GH % gates:
        raise ValueError(f"w_ih must have {gates}·H rows for {kind}, got {GH}")
    H = GH // gates
    check_size("w_hh", w_hh.shape[0], GH, "rows = w_ih.shape[0]")
    if hx is None:  # zeros, as torch's cells take a missing state
        hx = input.new_zeros(input.shape[:-1] + (w_hh.shape[1],))
    check_tensor("hx", hx)
    if hx.dim() != input.dim():
        raise fail(
            "input and hx",
            "both batched, (N, I) and (N, H), or both unbatched, (I,) and (H,)",
            f"input {tuple(input.shape)} and hx {tuple(hx.shape)}",
        )
    x = input if batched else input.unsqueeze(0)  # (N, I)
    h = hx if batched else hx.unsqueeze(0)  # (N, H)
    if h.shape[0] != x.shape[0]:
        raise ValueError(f"hx must have batch size {x.shape[0]} like input, got {h.shape[0]}")
    check_like("hx", hx, "input", input)
    hidden = hidden_size_of_hx if hidden_size_of_hx is not None else H
    check_size("hx", h.shape[1], hidden, "hidden size")
    check_size("w_hh", w_hh.shape[1], h.shape[1], "columns = hidden size of hx")
    return x, h, batched


# --8<-- [start:rnn_cell]
def rnn_cell(  # torch.rnn_tanh_cell's signature (and gru_cell's): a mirror on purpose
    input: torch.Tensor,
    hx: torch.Tensor | None,
    w_ih: torch.Tensor,
    w_hh: torch.Tensor,
    b_ih: torch.Tensor | None = None,
    b_hh: torch.Tensor | None = None,
    nonlinearity: str = "tanh",
) -> torch.Tensor:
    """One step of the Elman RNN, as `nn.RNNCell` computes it:

    $$
    h_t = \\tanh\\left(W_{\\mathrm{ih}}\\, x_t + b_{\\mathrm{ih}}
        + W_{\\mathrm{hh}}\\, h_{t-1} + b_{\\mathrm{hh}}\\right)
    $$

    (or $\\max(0, \\cdot)$ with ``nonlinearity="relu"``). Now = what I see + what I thought a
    moment ago, squashed.

    Args:
        input: $x_t$, shape ``(N, I)``, or ``(I,)`` for one sequence.
        hx: $h_{t-1}$, shape ``(N, H)`` or ``(H,)``; ``None`` for zeros.
        w_ih: Shape ``(H, I)``.
        w_hh: Shape ``(H, H)``.
        b_ih: Shape ``(H,)``, or ``None``.
        b_hh: Shape ``(H,)``, or ``None``.
        nonlinearity: ``"tanh"`` or ``"relu"``.

    Returns:
        $h_t$, shape ``(N, H)`` or ``(H,)``.

    Examples:
        >>> cell = torch.nn.RNNCell(4, 3)
        >>> x, h = torch.randn(2, 4), torch.randn(2, 3)
        >>> mine = rnn_cell(x, h, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
        >>> torch.allclose(mine, cell(x, h))
        True
    """
    check_choice("nonlinearity", nonlinearity, NONLINEARITIES)
    x, h, batched = _check_cell_args("rnn_cell", input, hx, w_ih, w_hh, 1, (b_ih, b_hh))
    seen = project_input(x, w_ih, b_ih, b_hh)  # W_ih x_t + b_ih + b_hh: (N, H)
    h = rnn_step(seen, h, w_hh.t(), nonlinearity)  # (N, H)
    return h if batched else h.squeeze(0)


# --8<-- [end:rnn_cell]


def lstm_cell(
    input: torch.Tensor,
    hx: tuple[torch.Tensor, torch.Tensor] | None,
    w_ih: torch.Tensor,
    w_hh: torch.Tensor,
    b_ih: torch.Tensor | None = None,
    b_hh: torch.Tensor | None = None,
    w_hr: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """One step of the LSTM, as `nn.LSTMCell` (and `torch.lstm_cell`) computes it.

    The equations are those of `lstm_step`, with
    $\\text{seen}_t = W_{ih} x_t + b_{ih} + b_{hh}$.

    Args:
        input: $x_t$, shape ``(N, I)`` or ``(I,)``.
        hx: ``(h, c)``, shapes ``(N, P)`` and ``(N, H)`` (or unbatched); ``None`` for zeros.
        w_ih: Shape ``(4H, I)``, gates i, f, g, o stacked.
        w_hh: Shape ``(4H, P)``.
        b_ih: Shape ``(4H,)``, or ``None``.
        b_hh: Shape ``(4H,)``, or ``None``.
        w_hr: Projection, shape ``(P, H)``, or ``None`` (then ``P = H``).

    Returns:
        ``(h_t, c_t)``.

    Examples:
        >>> cell = torch.nn.LSTMCell(4, 3)
        >>> x, h, c = torch.randn(2, 4), torch.randn(2, 3), torch.randn(2, 3)
        >>> mine = lstm_cell(x, (h, c), cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
        >>> theirs = cell(x, (h, c))
        >>> torch.allclose(mine[0], theirs[0]) and torch.allclose(mine[1], theirs[1])
        True
    """
    check_tensor("input", input)
    check_rank("w_ih", w_ih, (2,), "(4H, I)")
    if w_hr is not None:
        check_rank("w_hr", w_hr, (2,), "(P, H)")
    H = w_ih.shape[0] // 4
    P = w_hr.shape[0] if w_hr is not None else H
    if hx is None:
        hx = (input.new_zeros(input.shape[:-1] + (P,)), input.new_zeros(input.shape[:-1] + (H,)))
    if not (isinstance(hx, (tuple, list)) and len(hx) == 2):
        raise fail("hx", "a pair (h, c) of tensors for lstm_cell", type(hx).__name__)
    x, h, batched = _check_cell_args("lstm_cell", input, hx[0], w_ih, w_hh, 4, (b_ih, b_hh), P)
    check_rank("c", hx[1], (input.dim(),), "(N, H)" if batched else "(H,)")
    check_like("c", hx[1], "input", input)
    c = hx[1] if batched else hx[1].unsqueeze(0)  # (N, H)
    if c.shape != (x.shape[0], H):
        raise ValueError(f"c must have shape {(x.shape[0], H)}, got {tuple(c.shape)}")
    if w_hr is not None:
        check_like("w_hr", w_hr, "input", input)
        check_size("w_hr", w_hr.shape[1], H, "columns = hidden size H")
    seen = project_input(x, w_ih, b_ih, b_hh)  # (N, 4H)
    h, c = lstm_step(seen, (h, c), w_hh.t(), None if w_hr is None else w_hr.t())  # (N, P), (N, H)
    return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


def gru_cell(  # torch.gru_cell's signature, as rnn_cell's: a mirror on purpose
    input: torch.Tensor,
    hx: torch.Tensor | None,
    w_ih: torch.Tensor,
    w_hh: torch.Tensor,
    b_ih: torch.Tensor | None = None,
    b_hh: torch.Tensor | None = None,
) -> torch.Tensor:
    """One step of the GRU, as `nn.GRUCell` (and `torch.gru_cell`) computes it.

    The equations are those of `gru_step`.

    Args:
        input: $x_t$, shape ``(N, I)`` or ``(I,)``.
        hx: $h_{t-1}$, shape ``(N, H)`` or ``(H,)``; ``None`` for zeros.
        w_ih: Shape ``(3H, I)``, gates r, z, n stacked.
        w_hh: Shape ``(3H, H)``.
        b_ih: Shape ``(3H,)``, or ``None``.
        b_hh: Shape ``(3H,)``, or ``None``.

    Returns:
        $h_t$, shaped as ``hx``.

    Examples:
        >>> cell = torch.nn.GRUCell(4, 3)
        >>> x = torch.randn(4)  # one sequence's step, no batch; no state means zeros
        >>> mine = gru_cell(x, None, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
        >>> torch.allclose(mine, cell(x))
        True
    """
    x, h, batched = _check_cell_args("gru_cell", input, hx, w_ih, w_hh, 3, (b_ih, b_hh))
    seen = project_input(x, w_ih, b_ih)  # W_ih x_t + b_ih: (N, 3H)
    h = gru_step(seen, h, w_hh.t(), b_hh)  # (N, H)
    return h if batched else h.squeeze(0)
