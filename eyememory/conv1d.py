r"""The Eye on a sequence: 1-D convolution, a kernel that slides along time instead of across a grid.

A sequence of $L$ steps with $C_{\mathrm{in}}$ numbers per step (a sentence's word vectors,
a window of a series) is a grid one row high. A kernel of $k$ steps slides along it and, at
every stop, matches the $k$ steps under it:

$$Y[n, o, t] = b[o] + \sum_{c=0}^{C_{\mathrm{in}}-1} \sum_{m=0}^{k-1} W[o, c, m]\; X_{\mathrm{pad}}[n, c,\, s\,t + d\,m]$$

with stride $s$, dilation $d$ and a zero-padded input $X_{\mathrm{pad}}$. That is the
Eye's 2-D convolution with a kernel of height 1, and that is how it is computed here: the
sequence is viewed as an image of height 1 and passed to [`conv2d`][eyememory.conv.conv2d],
so the sliding window, the im2col product and the hand-written backward pass are the ones
the Eye chapter proved equal to PyTorch.

[`conv1d`][eyememory.conv1d.conv1d] has the signature of `torch.nn.functional.conv1d`,
and [`Conv1d`][eyememory.conv1d.Conv1d] is a drop-in for `torch.nn.Conv1d` (same
arguments, parameter names, shapes and initialisation).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from ._validation import check_rank, check_tensor
from .conv import _check_layer_arguments, conv2d, pad2d

Padding = int | tuple[int] | str


def _single(name: str, value: int | Sequence[int]) -> int:
    """Like torch's ``_single``: an int, or a one-element sequence holding one."""
    if isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 1:
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an int or a one-element tuple of ints, got {value!r}")
    return value


def _padding(padding: Padding) -> int | str:
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise ValueError(f"padding must be an int, 'valid' or 'same', got {padding!r}")
        return padding
    p = _single("padding", padding)
    if p < 0:
        raise ValueError(f"padding must be non-negative, got {p}")
    return p


def conv1d(
    input: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: int | tuple[int] = 1,
    padding: Padding = 0,
    dilation: int | tuple[int] = 1,
    groups: int = 1,
) -> torch.Tensor:
    r"""1-D convolution (cross-correlation) along the last axis, computed by the Eye's ``conv2d``.

    $$Y[n, o, t] = b[o] + \sum_{c, m} W[o, c, m]\; X_{\mathrm{pad}}[n, c,\, s\,t + d\,m], \qquad L_{\mathrm{out}} = \left\lfloor \frac{L + 2p - d\,(k - 1) - 1}{s} \right\rfloor + 1$$

    Args:
        input: Shape ``(N, C_in, L)``, or ``(C_in, L)`` for one sequence.
        weight: Shape ``(C_out, C_in / groups, k)``.
        bias: Shape ``(C_out,)``, or ``None``.
        stride: Step between positions $s$, an int.
        padding: Zeros on each end $p$, an int; or ``'valid'`` (none) or ``'same'``
            (output as long as the input, stride 1; an odd total puts the extra zero at
            the end, as torch does).
        dilation: Spacing between kernel taps $d$.
        groups: Split the channels into this many groups, each with its own kernels.

    Returns:
        Shape ``(N, C_out, L_out)``, or ``(C_out, L_out)`` for one sequence.

    Examples:
        >>> x, w, b = torch.randn(4, 16, 12), torch.randn(8, 16, 3), torch.randn(8)
        >>> conv1d(x, w, b).shape  # 12 - 3 + 1 = 10 positions
        torch.Size([4, 8, 10])
        >>> torch.allclose(conv1d(x, w, b, padding="same"), torch.nn.functional.conv1d(x, w, b, padding="same"), atol=1e-5)
        True
        >>> conv1d(torch.randn(16, 12), w, dilation=2).shape  # one sequence, taps 2 apart
        torch.Size([8, 8])
    """
    check_tensor("input", input)
    check_rank("input", input, (2, 3), "(N, C_in, L) or (C_in, L)")
    check_rank("weight", weight, (3,), "(C_out, C_in / groups, k)")
    C_out, C_in_g, k = weight.shape
    C_in, L = input.shape[-2:]
    if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1:
        raise ValueError(f"groups must be a positive int, got {groups!r}")
    if C_in != C_in_g * groups:
        raise ValueError(
            f"input must have {C_in_g * groups} channels (weight dim 1 = {C_in_g} times groups={groups}), "
            f"got {C_in} channels in input of shape {tuple(input.shape)}"
        )
    s, d, p = _single("stride", stride), _single("dilation", dilation), _padding(padding)
    if s < 1 or d < 1:
        raise ValueError(f"stride and dilation must be positive, got stride={s}, dilation={d}")
    span = d * (k - 1) + 1
    padded = L + (d * (k - 1) if p == "same" else 0 if p == "valid" else 2 * p)
    if padded < span:
        raise ValueError(
            f"kernel must fit in the padded input: kernel spans {span} steps "
            f"(size {k}, dilation {d}), got a padded input of {padded} steps"
        )
    x = input.unsqueeze(-2)  # (N, C_in, 1, L): a grid one row high
    w = weight.unsqueeze(-2)  # (C_out, C_in / groups, 1, k)
    pad2 = p if isinstance(p, str) else (0, p)
    out = conv2d(x, w, bias, (1, s), pad2, (1, d), groups)  # (N, C_out, 1, L_out)
    return out.squeeze(-2)  # (N, C_out, L_out), or (C_out, L_out) for one sequence


class Conv1d(nn.Module):
    r"""A drop-in for `torch.nn.Conv1d`, computed by [`conv1d`][eyememory.conv1d.conv1d].

    Same constructor arguments, same parameters (``weight`` of shape
    ``(out_channels, in_channels / groups, k)`` and ``bias`` of shape ``(out_channels,)``),
    same initialisation: uniform in $[-1/\sqrt{f}, 1/\sqrt{f}]$ with fan-in
    $f = \frac{C_{\mathrm{in}}}{g}\, k$, drawn in torch's order, so that the same seed gives
    the same parameters and ``load_state_dict`` works both ways. Its parameter count,
    $C_{\mathrm{out}}(C_{\mathrm{in}} k / g + 1)$, does not depend on the sequence length.

    Args:
        in_channels: $C_{\mathrm{in}}$, numbers per step.
        out_channels: $C_{\mathrm{out}}$, the number of kernels.
        kernel_size: $k$, steps each kernel spans.
        stride: Step between positions.
        padding: An int, ``'valid'`` or ``'same'``.
        dilation: Spacing between kernel taps.
        groups: Channel groups; must divide both channel counts.
        bias: Whether to learn a bias per kernel.
        padding_mode: ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``.
        device: Where to create the parameters.
        dtype: Their dtype.

    Examples:
        >>> _ = torch.manual_seed(0)
        >>> theirs = torch.nn.Conv1d(16, 8, 3, padding=1)
        >>> _ = torch.manual_seed(0)
        >>> ours = Conv1d(16, 8, 3, padding=1)
        >>> torch.equal(ours.weight, theirs.weight)  # same seed, same numbers
        True
        >>> x = torch.randn(4, 16, 20)  # (N, C_in, L)
        >>> torch.allclose(ours(x), theirs(x), atol=1e-5)
        True
        >>> sum(p.numel() for p in ours.parameters())  # 8 * (16 * 3 + 1), for any length
        392
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int],
        stride: int | tuple[int] = 1,
        padding: Padding = 0,
        dilation: int | tuple[int] = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__()
        _check_layer_arguments(in_channels, out_channels, groups, padding_mode)
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = _single("kernel_size", kernel_size)
        self.stride, self.dilation = _single("stride", stride), _single("dilation", dilation)
        if min(self.kernel_size, self.stride, self.dilation) < 1:
            raise ValueError(
                f"kernel_size, stride and dilation must be positive, got {self.kernel_size}, {self.stride} and {self.dilation}"
            )
        self.padding = _padding(padding)
        if self.padding == "same" and self.stride != 1:
            raise ValueError(f"padding='same' needs stride 1, got stride={self.stride}")
        self.padding_mode = padding_mode
        factory = {"device": device, "dtype": dtype}
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels // groups, self.kernel_size, **factory))
        if bias:
            self.bias = nn.Parameter(torch.empty(out_channels, **factory))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw fresh parameters exactly as `torch.nn.Conv1d` does (same numbers, same seed)."""
        fan_in = self.weight.shape[1] * self.weight.shape[2]
        with torch.no_grad():
            # torch's kaiming_uniform_(a=sqrt(5)), in its order of operations: about 1/sqrt(fan_in).
            gain = math.sqrt(2.0 / (1 + math.sqrt(5) ** 2))
            bound = math.sqrt(3.0) * (gain / math.sqrt(fan_in))
            self.weight.uniform_(-bound, bound)
            if self.bias is not None:
                bound = 1 / math.sqrt(fan_in)
                self.bias.uniform_(-bound, bound)

    def _edge_padding(self) -> tuple[int, int]:
        """``(start, end)`` for the non-zero padding modes."""
        if self.padding == "valid":
            return (0, 0)
        if self.padding == "same":
            total = self.dilation * (self.kernel_size - 1)
            return (total // 2, total - total // 2)
        return (self.padding, self.padding)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Convolve ``input`` of shape ``(N, C_in, L)`` or ``(C_in, L)``.

        Returns:
            Shape ``(N, C_out, L_out)``, or ``(C_out, L_out)``.
        """
        if self.padding_mode == "zeros":
            return conv1d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)
        check_rank("input", input, (2, 3), "(N, C_in, L) or (C_in, L)")
        start, end = self._edge_padding()
        padded = pad2d(input.unsqueeze(-2), (start, end, 0, 0), self.padding_mode).squeeze(-2)  # (N, C_in, L_pad)
        return conv1d(padded, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)

    def extra_repr(self) -> str:
        text = f"{self.in_channels}, {self.out_channels}, kernel_size=({self.kernel_size},), stride=({self.stride},)"
        if self.padding != 0:
            text += f", padding={self.padding if isinstance(self.padding, str) else (self.padding,)}"
        if self.dilation != 1:
            text += f", dilation=({self.dilation},)"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text
