"""`RNN`, `LSTM` and `GRU` from scratch: drop-in replacements for torch's, in plain PyTorch.

Each layer takes the same constructor arguments as its torch twin, names its parameters
the same way (``weight_ih_l0``, ``weight_hh_l1_reverse``, ...) with the same shapes and
initialisation, and keeps the same forward contract, so

```text
mine = eyememory.RNN(16, 64, num_layers=2, bidirectional=True)
mine.load_state_dict(torch.nn.RNN(16, 64, num_layers=2, bidirectional=True).state_dict())
```

works and both give the same outputs and gradients (the tests check it in float64).

The loop over time is the one idea: for each layer and each direction, compute the input
part of every step at once (`project_input`), then
walk through time applying the cell's step (`rnn_step`,
`lstm_step`, `gru_step`).
A bidirectional layer reads the sequence a second time from the end and concatenates the
two readings at every step. Stacked layers read the outputs of the layer below.

Shapes use torch's letters: ``L`` steps, ``N`` sequences, ``I`` input features, ``H``
hidden size, ``P`` LSTM projection size, ``D`` directions (1 or 2).
"""

from __future__ import annotations

import math
import warnings

import torch
from torch import nn
from torch.nn import functional as F
from torch.nn import init

from .._validation import (
    check_bool,
    check_choice,
    check_float_dtype,
    check_int,
    check_like,
    check_number,
    check_rank,
    check_tensor,
    fail,
)
from .recurrence import NONLINEARITIES, gru_step, lstm_step, project_input, rnn_step

# A layer's state for one layer and direction, always a tuple: (h,) or the LSTM's (h, c).
State = tuple[torch.Tensor, ...]


class _RecurrentLayer(nn.Module):
    """What RNN, LSTM and GRU share: parameters, checks, the loop over layers and directions."""

    mode: str = ""
    gates: int = 1

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__()
        self.input_size = check_int("input_size", input_size)
        self.hidden_size = check_int("hidden_size", hidden_size)
        self.num_layers = check_int("num_layers", num_layers)
        self.proj_size = check_int("proj_size", proj_size, least=0)
        # A string such as "False" is true: only real bools are taken.
        self.bias = check_bool("bias", bias)
        self.batch_first = check_bool("batch_first", batch_first)
        self.bidirectional = check_bool("bidirectional", bidirectional)
        self.dropout = check_number("dropout", dropout, 0, 1)
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                f"dropout={dropout} acts between stacked layers, "
                "so with num_layers=1 it does nothing",
                stacklevel=2,
            )
        if proj_size and self.mode != "LSTM":
            raise ValueError(
                f"proj_size is only supported by LSTM, got proj_size={proj_size} for {self.mode}"
            )
        if proj_size >= hidden_size:
            raise fail("proj_size", f"smaller than hidden_size ({hidden_size})", proj_size)
        factory = {"device": device, "dtype": check_float_dtype("dtype", dtype)}
        directions = 2 if bidirectional else 1
        out_size = proj_size or hidden_size  # what one direction outputs per step
        # Same names, shapes and registration order as torch, so state dicts and seeds match.
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else out_size * directions
            for direction in range(directions):
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                shapes = {
                    "weight_ih": (self.gates * hidden_size, layer_input),
                    "weight_hh": (self.gates * hidden_size, out_size),
                }
                if bias:
                    shapes["bias_ih"] = (self.gates * hidden_size,)
                    shapes["bias_hh"] = (self.gates * hidden_size,)
                if proj_size:
                    shapes["weight_hr"] = (proj_size, hidden_size)
                for name, shape in shapes.items():
                    parameter = nn.Parameter(torch.empty(shape, **factory))
                    self.register_parameter(name + suffix, parameter)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw every weight and bias from $U(-1/\\sqrt{H}, 1/\\sqrt{H})$, as torch does."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    def _weights(self, layer: int, direction: int) -> dict[str, torch.Tensor | None]:
        suffix = f"_l{layer}" + ("_reverse" if direction else "")
        names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")
        return {name: getattr(self, name + suffix, None) for name in names}

    @property
    def all_weights(self) -> list[list[nn.Parameter]]:
        """The parameters of each layer and direction, in torch's order."""
        return [
            [w for w in self._weights(layer, direction).values() if w is not None]
            for layer in range(self.num_layers)
            for direction in range(self.num_directions)
        ]

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        defaults = {
            "proj_size": 0,
            "num_layers": 1,
            "bias": True,
            "batch_first": False,
            "dropout": 0.0,
            "bidirectional": False,
        }
        for name, default in defaults.items():
            if getattr(self, name) != default:
                text += f", {name}={getattr(self, name)}"
        return text

    # The loop over time, one layer, one direction; each cell provides its own.
    def _scan(
        self, x: torch.Tensor, state: State, weights: dict, reverse: bool
    ) -> tuple[torch.Tensor, State]:
        raise NotImplementedError

    def _state_sizes(self) -> dict[str, int]:
        """The state's tensors by their names in torch's messages, and their sizes."""
        return {"h_0": self.proj_size or self.hidden_size}

    def _check_state(
        self, name: str, state: object, batched: bool, N: int, size: int, input: torch.Tensor
    ) -> torch.Tensor:
        layers = self.num_layers * self.num_directions
        expected = (layers, N, size) if batched else (layers, size)
        layout = "(D·num_layers, N, H)" if batched else "(D·num_layers, H) for unbatched input"
        check_rank(name, state, (len(expected),), layout)
        if tuple(state.shape) != expected:
            raise ValueError(f"{name} must have shape {expected}, got {tuple(state.shape)}")
        check_like(name, state, "input", input)
        return state if batched else state.unsqueeze(1)  # (D·num_layers, N, size)

    def _time_major(self, input: object) -> tuple[torch.Tensor, bool]:
        """Check the input; return it as ``(L, N, I)`` and whether it had a batch axis."""
        if isinstance(input, nn.utils.rnn.PackedSequence):
            raise ValueError(
                "PackedSequence input is not supported; pass a padded tensor and read each "
                "sequence's output at its last real step (see eyememory.models.memory.Memory)"
            )
        check_tensor("input", input)
        layout = "(N, L, I)" if self.batch_first else "(L, N, I)"
        rank = check_rank("input", input, (2, 3), f"{layout} or (L, I) for one sequence")
        I = input.shape[-1]
        if self.input_size != I:
            raise ValueError(
                f"input must have {self.input_size} features per step "
                f"(last dim, input_size), got {I}"
            )
        check_like("input", input, "layer", self.weight_ih_l0)
        if input.shape[0 if rank == 2 or not self.batch_first else 1] == 0:
            raise fail("input", "non-empty (at least one time step)", f"shape {tuple(input.shape)}")
        if rank == 2:
            return input.unsqueeze(1), False  # (L, 1, I)
        return (input.transpose(0, 1) if self.batch_first else input), True  # (L, N, I)

    def _run(self, input: torch.Tensor, hx: State | None) -> tuple[torch.Tensor, State]:
        """Validate, then run every layer and direction; return output and final states.

        ``hx`` and the final states are tuples: ``(h,)``, or ``(h, c)`` for the LSTM.
        """
        x, batched = self._time_major(input)  # (L, N, I)
        L, N, _ = x.shape
        sizes = self._state_sizes()
        if hx is None:
            layers = self.num_layers * self.num_directions
            states = tuple(x.new_zeros(layers, N, size) for size in sizes.values())
        else:
            states = tuple(
                self._check_state(name, s, batched, N, size, input)
                for (name, size), s in zip(sizes.items(), hx, strict=True)
            )  # each (D·num_layers, N, size)
        finals: list[State] = []
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(self.num_directions):
                index = layer * self.num_directions + direction
                state = tuple(s[index] for s in states)  # each (N, size)
                weights = self._weights(layer, direction)
                out, last = self._scan(x, state, weights, reverse=direction == 1)
                outputs.append(out)  # (L, N, H_out)
                finals.append(last)
            x = torch.cat(outputs, dim=2) if len(outputs) > 1 else outputs[0]  # (L, N, D·H_out)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, training=True)
        output = x.transpose(0, 1) if batched and self.batch_first else x  # (N, L, D·H_out)
        stacked = tuple(
            torch.stack(kept) for kept in zip(*finals, strict=True)
        )  # each (D·layers, N, size)
        if not batched:
            output = output.squeeze(1)  # (L, D·H_out)
            stacked = tuple(s.squeeze(1) for s in stacked)  # each (D·num_layers, size)
        return output, stacked


def _walk(steps: tuple[torch.Tensor, ...], reverse: bool) -> tuple[torch.Tensor, ...]:
    return steps[::-1] if reverse else steps


class RNN(_RecurrentLayer):
    """The Elman RNN, a drop-in for `torch.nn.RNN`.

    For every layer, direction and step $t$:

    $$
    h_t = \\tanh\\left(W_{\\mathrm{ih}}\\, x_t + b_{\\mathrm{ih}}
        + W_{\\mathrm{hh}}\\, h_{t-1} + b_{\\mathrm{hh}}\\right)
    $$

    Args:
        input_size: Features per input step, ``I``.
        hidden_size: Size of the hidden state, ``H``.
        num_layers: Stacked layers; each reads the outputs of the one below.
        nonlinearity: ``"tanh"`` or ``"relu"``.
        bias: Use $b_{ih}$ and $b_{hh}$.
        batch_first: Input and output as ``(N, L, ·)`` instead of ``(L, N, ·)`` (the states
            ``h_0``, ``h_n`` are ``(D·num_layers, N, H)`` either way, as in torch).
        dropout: Dropout on the outputs of every layer but the last, in training mode.
        bidirectional: Also read each sequence backwards; outputs are concatenated.
        device: Where to create the parameters.
        dtype: Their dtype.

    Examples:
        >>> theirs = torch.nn.RNN(3, 5, num_layers=2, batch_first=True)
        >>> mine = RNN(3, 5, num_layers=2, batch_first=True)
        >>> mine.load_state_dict(theirs.state_dict())
        <All keys matched successfully>
        >>> x = torch.randn(4, 7, 3)  # (N, L, I)
        >>> out, h_n = mine(x)
        >>> out.shape, h_n.shape
        (torch.Size([4, 7, 5]), torch.Size([2, 4, 5]))
        >>> torch.allclose(out, theirs(x)[0], atol=1e-6)
        True
    """

    mode = "RNN_TANH"
    gates = 1

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        self.nonlinearity = check_choice("nonlinearity", nonlinearity, NONLINEARITIES)
        self.mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(
            input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
            device=device, dtype=dtype,
        )  # fmt: skip

    # --8<-- [start:rnn_scan]
    def _scan(self, x, state, weights, reverse):
        """One layer, one direction: x (L, N, I) and (h_0,) -> (L, N, H) and (h_n,)."""
        (h,) = state  # the RNN's whole state is its hidden state h, (N, H)
        w_ih, w_hh = weights["weight_ih"], weights["weight_hh"]
        b_ih, b_hh = weights["bias_ih"], weights["bias_hh"]
        # What I see, for every step at once: one matrix product, not L small ones.
        seen = project_input(x, w_ih, b_ih, b_hh)  # (L, N, H)
        w_hh_t = w_hh.t()  # transposed once, not once per step
        outputs = []
        for seen_t in _walk(seen.unbind(0), reverse):  # each (N, H)
            h = rnn_step(seen_t, h, w_hh_t, self.nonlinearity)  # + what I thought
            outputs.append(h)
        return torch.stack(_walk(tuple(outputs), reverse)), (h,)

    # --8<-- [end:rnn_scan]

    def forward(
        self, input: torch.Tensor, hx: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Read the sequences.

        Args:
            input: ``(L, N, I)``, or ``(N, L, I)`` with ``batch_first``, or ``(L, I)`` for
                one unbatched sequence.
            hx: ``h_0``, shape ``(D·num_layers, N, H)`` (``(D·num_layers, H)`` unbatched);
                zeros when ``None``.

        Returns:
            ``(output, h_n)``: the last layer's state at every step, shape
            ``(L, N, D·H)`` (``(N, L, D·H)`` with ``batch_first``), and every layer's
            final state, shape ``(D·num_layers, N, H)``.
        """
        output, (h_n,) = self._run(input, None if hx is None else (hx,))
        return output, h_n


class LSTM(_RecurrentLayer):
    """The long short-term memory, a drop-in for `torch.nn.LSTM`.

    Besides the output $h_t$ it carries a cell state $c_t$ that gates write to and erase
    (`lstm_step` has the equations): because $c_t$ is
    updated by addition, gradients flow back through many steps without vanishing as fast.

    Args:
        input_size: Features per input step, ``I``.
        hidden_size: Size of the cell state, ``H``.
        num_layers: Stacked layers.
        bias: Use $b_{ih}$ and $b_{hh}$.
        batch_first: Input and output as ``(N, L, ·)``.
        dropout: Dropout between stacked layers, in training mode.
        bidirectional: Also read each sequence backwards.
        proj_size: If positive, project $h_t$ to this size with ``weight_hr`` (``P``).
        device: Where to create the parameters.
        dtype: Their dtype.

    Examples:
        >>> theirs = torch.nn.LSTM(3, 5, bidirectional=True)
        >>> mine = LSTM(3, 5, bidirectional=True)
        >>> mine.load_state_dict(theirs.state_dict())
        <All keys matched successfully>
        >>> x = torch.randn(7, 4, 3)  # (L, N, I)
        >>> out, (h_n, c_n) = mine(x)
        >>> out.shape, h_n.shape, c_n.shape
        (torch.Size([7, 4, 10]), torch.Size([2, 4, 5]), torch.Size([2, 4, 5]))
        >>> torch.allclose(out, theirs(x)[0], atol=1e-6)
        True
    """

    mode = "LSTM"
    gates = 4

    def _state_sizes(self) -> dict[str, int]:
        return {"h_0": self.proj_size or self.hidden_size, "c_0": self.hidden_size}

    def _scan(
        self, x: torch.Tensor, state: State, weights: dict, reverse: bool
    ) -> tuple[torch.Tensor, State]:
        w_ih, b_ih, b_hh = weights["weight_ih"], weights["bias_ih"], weights["bias_hh"]
        seen = project_input(x, w_ih, b_ih, b_hh)  # (L, N, 4H)
        w_hh_t = weights["weight_hh"].t()
        w_hr_t = None if weights["weight_hr"] is None else weights["weight_hr"].t()
        outputs = []
        for seen_t in _walk(seen.unbind(0), reverse):  # each (N, 4H)
            state = lstm_step(seen_t, state, w_hh_t, w_hr_t)
            outputs.append(state[0])
        return torch.stack(_walk(tuple(outputs), reverse)), state  # (L, N, P), ((N, P), (N, H))

    def forward(
        self, input: torch.Tensor, hx: tuple[torch.Tensor, torch.Tensor] | None = None
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """Read the sequences.

        Args:
            input: ``(L, N, I)``, ``(N, L, I)`` with ``batch_first``, or ``(L, I)``.
            hx: ``(h_0, c_0)``, shapes ``(D·num_layers, N, P)`` and ``(D·num_layers, N, H)``
                (without ``N`` for unbatched input); zeros when ``None``.

        Returns:
            ``(output, (h_n, c_n))``: output shape ``(L, N, D·P)`` (``P = H`` without
            projection), ``h_n`` shape ``(D·num_layers, N, P)``, ``c_n`` shape
            ``(D·num_layers, N, H)``.
        """
        if hx is not None and not (isinstance(hx, (tuple, list)) and len(hx) == 2):
            raise fail("hx", "a pair (h_0, c_0) of tensors for LSTM", type(hx).__name__)
        output, (h_n, c_n) = self._run(input, None if hx is None else tuple(hx))
        return output, (h_n, c_n)


class GRU(_RecurrentLayer):
    """The gated recurrent unit, a drop-in for `torch.nn.GRU`.

    Two gates decide how much of the old state to consult ($r_t$) and how much of it to
    keep ($z_t$); `gru_step` has the equations.

    Its constructor takes torch's arguments, those of `LSTM`; as
    in torch, a ``proj_size`` other than 0 is refused with a ``ValueError``.

    Examples:
        >>> theirs = torch.nn.GRU(3, 5, batch_first=True)
        >>> mine = GRU(3, 5, batch_first=True)
        >>> mine.load_state_dict(theirs.state_dict())
        <All keys matched successfully>
        >>> x = torch.randn(4, 7, 3)
        >>> torch.allclose(mine(x)[0], theirs(x)[0], atol=1e-6)
        True
    """

    mode = "GRU"
    gates = 3

    def _scan(
        self, x: torch.Tensor, state: State, weights: dict, reverse: bool
    ) -> tuple[torch.Tensor, State]:
        (h,) = state  # (N, H)
        seen = project_input(x, weights["weight_ih"], weights["bias_ih"])  # (L, N, 3H)
        w_hh_t = weights["weight_hh"].t()
        outputs = []
        for seen_t in _walk(seen.unbind(0), reverse):  # each (N, 3H)
            h = gru_step(seen_t, h, w_hh_t, weights["bias_hh"])
            outputs.append(h)
        return torch.stack(_walk(tuple(outputs), reverse)), (h,)  # (L, N, H), ((N, H),)

    def forward(
        self, input: torch.Tensor, hx: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Read the sequences; same contract as `RNN.forward`."""
        output, (h_n,) = self._run(input, None if hx is None else (hx,))
        return output, h_n
