r"""Pooling: summarise each neighbourhood by its strongest (or average) response.

Max pooling slides a $k_h \times k_w$ window like a convolution, but instead of matching
a pattern it keeps the largest value under the window:

$$Y[n, c, i, j] = \max_{0 \le m < k_h,\ 0 \le l < k_w}
X_{\mathrm{pad}}[n, c, s_h i + d_h m,\; s_w j + d_w l]$$

where the padding is $-\infty$, so it never wins. Average pooling keeps the mean under
the window instead (the padding is zeros there, counted or not in the mean). A feature
found one pixel to the side
often lands in the same window, which is how pooling buys a little tolerance to shifts.
*Global* pooling takes the window as large as the whole map: one number per channel,
wherever in the image the feature was.

Everything here has torch's signature, rules and gradients: the gradient of a maximum
goes to the one input that won, the first in reading order when several tie.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import torch
from torch import nn

from .._validation import (
    check_bool,
    check_floating,
    check_int,
    check_rank,
    fail,
    pair,
    values_hidden,
)

IntPair = int | tuple[int, int]


def pool_output_size(
    size: int,
    kernel_size: int,
    stride: int,
    padding: int = 0,
    dilation: int = 1,
    ceil_mode: bool = False,
) -> int:
    r"""Number of window positions along one axis, with torch's rounding rule.

    $$H_{\mathrm{out}} = \left\lfloor \frac{H + 2p - d(k-1) - 1}{s} \right\rfloor + 1$$

    With ``ceil_mode`` the division rounds up instead, so that a last, partial window
    covers leftover pixels; but a window must start inside the input or its left
    padding, so one that would start in the right padding is dropped. A window wider than
    the padded input leaves no window, and is refused, as ``max_pool2d`` refuses it.

    Examples:
        >>> pool_output_size(5, 2, 2)  # the fifth pixel is left out
        2
        >>> pool_output_size(5, 2, 2, ceil_mode=True)  # a partial third window covers it
        3
        >>> pool_output_size(4, 2, 2, padding=1, ceil_mode=True)  # a 4th would start in padding
        3
    """
    check_int("size", size, least=0)
    check_int("kernel_size", kernel_size)
    check_int("stride", stride)
    check_int("padding", padding, least=0)
    check_int("dilation", dilation)
    check_bool("ceil_mode", ceil_mode)
    out = _positions(size, kernel_size, stride, padding, dilation, ceil_mode)
    if out < 1:
        raise fail("size", "large enough for one window of the padded input", size)
    return out


def _positions(
    size: int, kernel_size: int, stride: int, padding: int, dilation: int, ceil_mode: bool
) -> int:
    """The formula alone: zero or less when no window fits (the callers say why)."""
    span = dilation * (kernel_size - 1) + 1
    out = (size + 2 * padding - span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1
    return out


def _window(
    kernel_size: IntPair, stride: IntPair | None, padding: IntPair, dilation: IntPair = 1
) -> tuple[tuple[int, int], ...]:
    """Kernel, stride, padding and dilation as pairs; the stride defaults to the kernel.

    The modules call it too, so that bad arguments fail when the layer is built.
    """
    kernel = pair("kernel_size", kernel_size)
    no_stride = stride is None or (isinstance(stride, Sequence) and len(stride) == 0)
    stride = kernel if no_stride else pair("stride", stride)
    padding, dilation = pair("padding", padding, least=0), pair("dilation", dilation)
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        half = (kernel[0] // 2, kernel[1] // 2)
        raise fail("padding", f"between 0 and half the kernel size {half}", padding)
    return kernel, stride, padding, dilation


@dataclass(frozen=True)
class PoolGeometry:
    """Sizes and steps of one pooling call: kernel, stride, padding, dilation and output size."""

    batched: bool
    kernel: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int]
    dilation: tuple[int, int]
    out_size: tuple[int, int]


def pool_geometry(
    input: torch.Tensor,
    kernel_size: IntPair,
    stride: IntPair | None,
    padding: IntPair,
    dilation: IntPair,
    ceil_mode: bool,
) -> PoolGeometry:
    """Check pooling arguments as torch does, raising ``ValueError`` with expected vs got.

    Rules: a 3-D or 4-D floating-point input with non-empty planes; positive kernel, stride
    and dilation; padding at most half the kernel (``p <= k // 2``); at least one window.
    """
    rank = _check_maps(input)
    H, W = input.shape[-2:]
    kernel, stride, padding, dilation = _window(kernel_size, stride, padding, dilation)
    check_bool("ceil_mode", ceil_mode)
    out_size = (
        _positions(H, kernel[0], stride[0], padding[0], dilation[0], ceil_mode),
        _positions(W, kernel[1], stride[1], padding[1], dilation[1], ceil_mode),
    )
    if min(out_size) < 1:
        span = (dilation[0] * (kernel[0] - 1) + 1, dilation[1] * (kernel[1] - 1) + 1)
        raise ValueError(
            f"the pooling window (spanning {span[0]}×{span[1]}) must fit in the padded input, "
            f"got input {H}×{W} with padding {padding}, "
            f"which leaves an output of {out_size[0]}×{out_size[1]}"
        )
    return PoolGeometry(rank == 4, kernel, stride, padding, dilation, out_size)


def max_pool2d(  # torch's signature, as MaxPool2d's: a mirror on purpose
    input: torch.Tensor,
    kernel_size: IntPair,
    stride: IntPair | None = None,
    padding: IntPair = 0,
    dilation: IntPair = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
    """2-D max pooling, a drop-in for ``torch.nn.functional.max_pool2d``.

    Args:
        input: Shape ``(N, C, H, W)`` or ``(C, H, W)``.
        kernel_size: Window size, an int or ``(kH, kW)``.
        stride: Step between windows; defaults to ``kernel_size``.
        padding: Implicit $-\\infty$ on each side, at most half the kernel.
        dilation: Spacing between the window's taps.
        ceil_mode: Round the number of windows up (see
            `pool_output_size`).
        return_indices: Also return where each maximum came from, as a flat index into
            the $H \\times W$ input plane (what ``torch.nn.MaxUnpool2d`` expects).
            A window that covers no input pixel at all (possible only with dilation)
            gives $-\\infty$ as in torch, but its index is not torch's (torch's points at
            an unrelated pixel).

    Returns:
        Shape ``(N, C, H_out, W_out)`` or ``(C, H_out, W_out)``; with ``return_indices``,
        the pair ``(values, indices)``.

    Examples:
        >>> x = torch.randn(2, 3, 8, 8)
        >>> max_pool2d(x, 2).shape
        torch.Size([2, 3, 4, 4])
        >>> torch.equal(max_pool2d(x, 3, 2, 1), torch.nn.functional.max_pool2d(x, 3, 2, 1))
        True
    """
    check_bool("return_indices", return_indices)
    g = pool_geometry(input, kernel_size, stride, padding, dilation, ceil_mode)
    x = input if g.batched else input.unsqueeze(0)  # (N, C, H, W)
    N, C, H, W = x.shape
    (kH, kW), (ph, pw), (H_out, W_out) = g.kernel, g.padding, g.out_size
    padded = _pad_windows(x, g, float("-inf"))  # (N, C, H_pad, W_pad): -inf never wins
    W_pad = padded.shape[-1]
    index = _window_index(g, W_pad, x.device)  # (H_out * W_out, kH * kW): each tap's flat index
    with torch.no_grad():  # which tap wins, visiting the taps in reading order
        for t, value in enumerate(_taps(padded, g)):  # each (N, C, H_out, W_out)
            if t == 0:
                best = value.clone()
                tap = torch.zeros_like(value, dtype=torch.long)  # batched as value is, under vmap
                continue
            # torch's rule: a strictly larger value (or a NaN) wins, so a tie keeps the first
            better = (value > best) | value.isnan()
            best = torch.maximum(best, value)
            tap.masked_fill_(better, t)
        best, tap = best.reshape(N, C, H_out * W_out), tap.reshape(N, C, H_out * W_out)
        nothing = best == float("-inf")
        if values_hidden(nothing) or bool(nothing.any()):  # all -inf: first pixel, as torch
            tap = torch.where(nothing, _first_inside(g, H, W, x.device), tap)
        first_tap = torch.arange(H_out * W_out, device=x.device) * (kH * kW)  # each window's row
        winner = index.reshape(-1)[first_tap + tap]  # (N, C, H_out * W_out): flat index of each
    # Gather the winners: the gradient flows back to exactly those pixels.
    out = padded.flatten(2).gather(2, winner).reshape(N, C, H_out, W_out)  # (N, C, H_out, W_out)
    if not g.batched:
        out = out.squeeze(0)
    if return_indices:
        rows, cols = winner // W_pad - ph, winner % W_pad - pw
        indices = (rows * W + cols).reshape(N, C, H_out, W_out)  # into the unpadded H x W plane
        return out, indices if g.batched else indices.squeeze(0)
    return out


def _taps(padded: torch.Tensor, g: PoolGeometry) -> Iterator[torch.Tensor]:
    """Tap $(m, l)$ of every window at once, in reading order: ``(N, C, H_out, W_out)`` views.

    Strided slices, not ``unfold``: their gradients batch under ``torch.func.vmap``.
    """
    (kH, kW), (sh, sw), (dh, dw), (H_out, W_out) = g.kernel, g.stride, g.dilation, g.out_size
    for m in range(kH):
        rows = slice(m * dh, m * dh + sh * (H_out - 1) + 1, sh)
        for l in range(kW):  # noqa: E741 (the equation's letter)
            cols = slice(l * dw, l * dw + sw * (W_out - 1) + 1, sw)
            yield padded[:, :, rows, cols]


def _pad_windows(x: torch.Tensor, g: PoolGeometry, value: float) -> torch.Tensor:
    """``x`` padded with ``value`` as far as the last window reaches (ceil mode: maybe past
    the padding); ``x`` itself (made contiguous) when no window leaves it."""
    N, C, H, W = x.shape
    (kH, kW), (ph, pw), (H_out, W_out) = g.kernel, g.padding, g.out_size
    H_pad = max((H_out - 1) * g.stride[0] + g.dilation[0] * (kH - 1) + 1, H + ph)
    W_pad = max((W_out - 1) * g.stride[1] + g.dilation[1] * (kW - 1) + 1, W + pw)
    if (H_pad, W_pad) == (H, W):
        return x.contiguous()
    padded = x.new_full((N, C, H_pad, W_pad), value)  # (N, C, H_pad, W_pad)
    padded[:, :, ph : ph + H, pw : pw + W] = x
    return padded


@lru_cache(maxsize=64)
def _window_index(g: PoolGeometry, W_pad: int, device: torch.device) -> torch.Tensor:
    """Flat index ``row * W_pad + col`` of tap ``(m, l)`` of window ``(i, j)``.

    Shape ``(H_out * W_out, kH * kW)``.
    """
    (kH, kW), (sh, sw), (dh, dw), (H_out, W_out) = g.kernel, g.stride, g.dilation, g.out_size
    window = (
        torch.arange(H_out).reshape(H_out, 1) * sh * W_pad
        + torch.arange(W_out).reshape(1, W_out) * sw
    )
    tap = torch.arange(kH).reshape(kH, 1) * dh * W_pad + torch.arange(kW).reshape(1, kW) * dw
    return (window.reshape(-1, 1) + tap.reshape(1, -1)).to(device)


def _first_inside(g: PoolGeometry, H: int, W: int, device: torch.device) -> torch.Tensor:
    """For each window, its first tap that lands on the input (0 when none does).

    Shape ``(H_out * W_out,)``.
    """
    (kH, kW), (ph, pw), (H_out, W_out) = g.kernel, g.padding, g.out_size
    rows = (
        torch.arange(H_out).reshape(H_out, 1) * g.stride[0]
        - ph
        + torch.arange(kH).reshape(1, kH) * g.dilation[0]
    )
    cols = (
        torch.arange(W_out).reshape(W_out, 1) * g.stride[1]
        - pw
        + torch.arange(kW).reshape(1, kW) * g.dilation[1]
    )
    inside = ((rows >= 0) & (rows < H)).reshape(H_out, 1, kH, 1) & (
        (cols >= 0) & (cols < W)
    ).reshape(1, W_out, 1, kW)
    return inside.reshape(H_out * W_out, kH * kW).to(torch.uint8).argmax(dim=-1).to(device)


class MaxPool2d(nn.Module):
    """A drop-in for `torch.nn.MaxPool2d`, computed by `max_pool2d`.

    The arguments are checked here and kept as given, so that the ``repr`` is torch's.

    Args:
        kernel_size: Window size.
        stride: Step; defaults to ``kernel_size``.
        padding: Implicit $-\\infty$ padding, at most half the kernel.
        dilation: Spacing between taps.
        return_indices: Also return the argmax indices.
        ceil_mode: Round the number of windows up.

    Examples:
        >>> pool = MaxPool2d(2)
        >>> pool(torch.randn(1, 16, 8, 8)).shape
        torch.Size([1, 16, 4, 4])
    """

    def __init__(  # torch's signature, as max_pool2d's: a mirror on purpose
        self,
        kernel_size: IntPair,
        stride: IntPair | None = None,
        padding: IntPair = 0,
        dilation: IntPair = 1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        _window(kernel_size, stride, padding, dilation)
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices = check_bool("return_indices", return_indices)
        self.ceil_mode = check_bool("ceil_mode", ceil_mode)

    def forward(self, input: torch.Tensor) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        """Pool ``input`` of shape ``(N, C, H, W)`` or ``(C, H, W)``."""
        return max_pool2d(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            self.ceil_mode,
            self.return_indices,
        )

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


def avg_pool2d(  # torch's signature, as AvgPool2d's: a mirror on purpose
    input: torch.Tensor,
    kernel_size: IntPair,
    stride: IntPair | None = None,
    padding: IntPair = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> torch.Tensor:
    r"""2-D average pooling, a drop-in for ``torch.nn.functional.avg_pool2d``.

    $$Y[n, c, i, j] = \frac{1}{D_{ij}} \sum_{0 \le m < k_h,\ 0 \le l < k_w}
    X_{\mathrm{pad}}[n, c, s_h i + m,\; s_w j + l]$$

    with zeros as padding. The divisor $D_{ij}$ is the window's size, counting the padding
    it covers (``count_include_pad=True``, torch's default) or only the input pixels it
    covers; a ceil-mode window that runs past the padding counts only up to its edge.

    Args:
        input: Shape ``(N, C, H, W)`` or ``(C, H, W)``.
        kernel_size: Window size, an int or ``(kH, kW)``.
        stride: Step between windows; defaults to ``kernel_size``.
        padding: Zeros on each side, at most half the kernel.
        ceil_mode: Round the number of windows up (see
            `pool_output_size`).
        count_include_pad: Whether the padding counts in each window's divisor.
        divisor_override: A positive int to divide every window's sum by instead.

    Returns:
        Shape ``(N, C, H_out, W_out)`` or ``(C, H_out, W_out)``.

    Examples:
        >>> x = torch.randn(2, 3, 8, 8)
        >>> avg_pool2d(x, 2).shape
        torch.Size([2, 3, 4, 4])
        >>> theirs = torch.nn.functional.avg_pool2d(x, 3, 2, 1, count_include_pad=False)
        >>> torch.allclose(avg_pool2d(x, 3, 2, 1, count_include_pad=False), theirs)
        True
    """
    check_bool("count_include_pad", count_include_pad)
    if divisor_override is not None:
        check_int("divisor_override", divisor_override)
    g = pool_geometry(input, kernel_size, stride, padding, 1, ceil_mode)
    x = input if g.batched else input.unsqueeze(0)  # (N, C, H, W)
    (kH, kW), (sh, sw), (H_out, W_out) = g.kernel, g.stride, g.out_size
    padded = _pad_windows(x, g, 0.0)  # (N, C, H_pad, W_pad)
    sums = sum(_taps(padded, g))  # (N, C, H_out, W_out): every window's sum
    if divisor_override is not None:
        out = sums / divisor_override
    else:
        H, W = x.shape[-2:]
        rows = _window_sizes(H, kH, sh, g.padding[0], H_out, count_include_pad)  # (H_out,)
        cols = _window_sizes(W, kW, sw, g.padding[1], W_out, count_include_pad)  # (W_out,)
        out = sums / torch.outer(rows, cols).to(sums)  # (N, C, H_out, W_out)
    return out if g.batched else out.squeeze(0)


def _window_sizes(
    size: int, k: int, s: int, p: int, out: int, count_include_pad: bool
) -> torch.Tensor:
    """How many taps of each window along one axis count in its mean, as torch counts them."""
    start = torch.arange(out) * s - p  # where each window starts, in input coordinates
    end = torch.clamp(start + k, max=size + p)  # a ceil-mode window stops at the padding's end
    if not count_include_pad:
        start, end = start.clamp(min=0), end.clamp(max=size)
    return end - start


class AvgPool2d(nn.Module):
    """A drop-in for `torch.nn.AvgPool2d`, computed by `avg_pool2d`.

    Args:
        kernel_size: Window size.
        stride: Step; defaults to ``kernel_size``.
        padding: Zeros on each side, at most half the kernel.
        ceil_mode: Round the number of windows up.
        count_include_pad: Whether the padding counts in each window's divisor.
        divisor_override: Divide every window's sum by this instead.

    Examples:
        >>> pool = AvgPool2d(2)
        >>> pool  # torch's repr
        AvgPool2d(kernel_size=2, stride=2, padding=0)
        >>> pool(torch.ones(1, 5, 5)).tolist()  # the fifth row and column are left out
        [[[1.0, 1.0], [1.0, 1.0]]]
    """

    def __init__(  # torch's signature, as avg_pool2d's: a mirror on purpose
        self,
        kernel_size: IntPair,
        stride: IntPair | None = None,
        padding: IntPair = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None:
        super().__init__()
        _window(kernel_size, stride, padding)
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = check_bool("ceil_mode", ceil_mode)
        self.count_include_pad = check_bool("count_include_pad", count_include_pad)
        if divisor_override is not None:
            check_int("divisor_override", divisor_override)
        self.divisor_override = divisor_override

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Pool ``input`` of shape ``(N, C, H, W)`` or ``(C, H, W)``."""
        return avg_pool2d(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            self.ceil_mode,
            self.count_include_pad,
            self.divisor_override,
        )

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


def _check_maps(input: object) -> int:
    """Feature maps to pool, ``(N, C, H, W)`` or ``(C, H, W)``, floating, not empty: the rank."""
    rank = check_rank("input", input, (3, 4), "(N, C, H, W) or (C, H, W)")
    check_floating("input", input)
    if 0 in input.shape[-3:]:
        raise fail(
            "input", "non-empty in channels, height and width", f"shape {tuple(input.shape)}"
        )
    return rank


def global_max_pool2d(input: torch.Tensor) -> torch.Tensor:
    r"""The strongest response of each channel, wherever it is in the map.

    $Y[n, c] = \max_{i, j} X[n, c, i, j]$.

    Same result and gradient as ``torch.nn.functional.adaptive_max_pool2d(input, 1)``.

    Args:
        input: Shape ``(N, C, H, W)`` or ``(C, H, W)``.

    Returns:
        Shape ``(N, C, 1, 1)`` or ``(C, 1, 1)``.

    Examples:
        >>> x = torch.randn(2, 32, 4, 4)
        >>> global_max_pool2d(x).shape
        torch.Size([2, 32, 1, 1])
        >>> torch.equal(global_max_pool2d(x), torch.nn.functional.adaptive_max_pool2d(x, 1))
        True
    """
    _check_maps(input)
    # max with indices: the gradient goes to the first winner only, as in torch.
    return input.flatten(-2).max(dim=-1, keepdim=True).values.unsqueeze(-1)  # (N, C, 1, 1)


def global_avg_pool2d(input: torch.Tensor) -> torch.Tensor:
    r"""The mean response of each channel, over the whole map.

    $Y[n, c] = \frac{1}{HW}\sum_{i, j} X[n, c, i, j]$.

    Same result and gradient as ``torch.nn.functional.adaptive_avg_pool2d(input, 1)``, and
    the same shapes as `global_max_pool2d`: maps
    ``(N, C, H, W)`` or ``(C, H, W)`` in, ``(N, C, 1, 1)`` or ``(C, 1, 1)`` out.

    Examples:
        >>> x = torch.randn(2, 32, 4, 4)
        >>> torch.allclose(global_avg_pool2d(x), torch.nn.functional.adaptive_avg_pool2d(x, 1))
        True
    """
    _check_maps(input)
    return input.mean(dim=(-2, -1), keepdim=True)  # (N, C, 1, 1)


class _GlobalPool2d(nn.Module):
    """A module that applies its global pooling ``function`` to the whole map."""

    function: Callable[[torch.Tensor], torch.Tensor]

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Shape ``(N, C, H, W)`` to ``(N, C, 1, 1)``, or ``(C, H, W)`` to ``(C, 1, 1)``."""
        return self.function(input)


class GlobalMaxPool2d(_GlobalPool2d):
    """A drop-in for `torch.nn.AdaptiveMaxPool2d(1)`: one maximum per channel.

    Examples:
        >>> GlobalMaxPool2d()(torch.randn(2, 32, 4, 4)).shape
        torch.Size([2, 32, 1, 1])
    """

    function = staticmethod(global_max_pool2d)


class GlobalAvgPool2d(_GlobalPool2d):
    """A drop-in for `torch.nn.AdaptiveAvgPool2d(1)`: one mean per channel.

    Examples:
        >>> GlobalAvgPool2d()(torch.randn(3, 4, 5)).shape  # one map, no batch
        torch.Size([3, 1, 1])
    """

    function = staticmethod(global_avg_pool2d)
