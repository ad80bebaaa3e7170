r"""Convolution from the sliding window up: the Eye's one operation, written twice.

A kernel $W$ of $k_h \times k_w$ weights slides over the image $X$; at every stop it
multiplies the patch under it by its weights and sums. With $C_{\mathrm{in}}$ input
channels, $C_{\mathrm{out}}$ kernels, stride $s$, dilation $d$ and a zero-padded input
$X_{\mathrm{pad}}$, the output is

$$Y[n, o, i, j] = b[o] + \sum_{c, m, l} W[o, c, m, l]\; X_{\mathrm{pad}}[n, c,\, s_h i + d_h m,\, s_w j + d_w l]$$

summed over the input channels $c$ and the kernel's rows $m < k_h$ and columns $l < k_w$
(with `groups` $g > 1$, kernel $o$ sees only the $C_{\mathrm{in}}/g$ channels of its group).
Like PyTorch, this is a cross-correlation: the kernel is not flipped.

Two forms compute it, with exactly the signature and semantics of
`torch.nn.functional.conv2d`:

- [`conv2d_sliding`][eyememory.nn.conv.conv2d_sliding] is the literal sliding window: a
  Python loop over output positions. It is for reading and for tests.
- [`conv2d`][eyememory.nn.conv.conv2d] lays every patch out as a column of a matrix
  (*im2col*, a strided view and one copy) and does a single matrix multiplication; its
  backward pass is the same idea in reverse (*col2im*). This is the one the package uses.

[`Conv2d`][eyememory.nn.conv.Conv2d] is the module, a drop-in for `torch.nn.Conv2d`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import torch
from torch import nn

from .._validation import check_rank, check_tensor, pair, single

IntPair = int | tuple[int, int]
Padding = int | tuple[int, int] | str
PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def conv_output_size(
    size: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1
) -> int:
    r"""How many positions a kernel fits in along one axis.

    $$H_{\mathrm{out}} = \left\lfloor \frac{H + 2p - d\,(k - 1) - 1}{s} \right\rfloor + 1$$

    Args:
        size: Input length along the axis, $H$.
        kernel_size: Kernel length $k$.
        stride: Step between positions, $s$.
        padding: Zeros added on each side, $p$.
        dilation: Spacing between kernel taps, $d$ (the kernel spans $d(k-1)+1$ pixels).

    Returns:
        $H_{\mathrm{out}}$; zero or less means the kernel does not fit.

    Examples:
        >>> conv_output_size(32, 3)  # 30 positions for a 3-wide kernel
        30
        >>> conv_output_size(32, 3, padding=1)  # padding 1 keeps the size
        32
        >>> conv_output_size(32, 3, stride=2, padding=1)
        16
    """
    return (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1


def _check_layer_arguments(in_channels: int, out_channels: int, groups: int, padding_mode: str) -> None:
    """Refuse, with a clear message, what a convolution layer (1-D or 2-D) cannot be built from."""
    for name, value in (("in_channels", in_channels), ("out_channels", out_channels), ("groups", groups)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    if in_channels % groups or out_channels % groups:
        raise ValueError(
            f"groups={groups} must divide in_channels and out_channels, got {in_channels} and {out_channels}"
        )
    if padding_mode not in PADDING_MODES:
        raise ValueError(f"padding_mode must be one of {PADDING_MODES}, got {padding_mode!r}")




@dataclass(frozen=True)
class ConvGeometry:
    """Everything about one convolution call except the numbers: sizes, steps and padding.

    Attributes:
        batched: Whether the input had a batch dimension.
        kernel: $(k_h, k_w)$.
        stride: $(s_h, s_w)$.
        dilation: $(d_h, d_w)$.
        padding: Zeros added as ``(top, bottom, left, right)``; ``'same'`` may be uneven.
        groups: Number of channel groups $g$.
        out_size: $(H_{\\mathrm{out}}, W_{\\mathrm{out}})$.
    """

    batched: bool
    kernel: tuple[int, int]
    stride: tuple[int, int]
    dilation: tuple[int, int]
    padding: tuple[int, int, int, int]
    groups: int
    out_size: tuple[int, int]


def conv_geometry(
    input: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: IntPair = 1,
    padding: Padding = 0,
    dilation: IntPair = 1,
    groups: int = 1,
) -> ConvGeometry:
    """Check the arguments of a convolution as torch does, with clear messages.

    Raises ``ValueError`` naming what was expected and what was got for: a wrong rank,
    a channel count that does not match the weight, groups that do not divide the
    channels, a bias of the wrong shape, dtypes or devices that differ, a bad padding
    string, ``padding='same'`` with a stride, and a kernel larger than the padded input.

    Returns:
        The [`ConvGeometry`][eyememory.nn.conv.ConvGeometry] both forms use.

    Examples:
        >>> g = conv_geometry(torch.zeros(2, 3, 32, 32), torch.zeros(16, 3, 3, 3), padding="same")
        >>> g.out_size, g.padding
        ((32, 32), (1, 1, 1, 1))
    """
    check_tensor("weight", weight)
    check_rank("weight", weight, (4,), "(C_out, C_in / groups, kH, kW)")
    rank = check_rank("input", input, (3, 4), "(N, C_in, H, W) or (C_in, H, W)")
    if not (input.dtype.is_floating_point or input.dtype.is_complex):
        raise ValueError(f"input must hold floating-point numbers, got dtype {input.dtype}")
    if weight.dtype != input.dtype:
        raise ValueError(f"weight must have the input's dtype {input.dtype}, got {weight.dtype}")
    if weight.device != input.device:
        raise ValueError(
            f"weight must be on the input's device {input.device}, got {weight.device}"
        )
    C_out, C_in_g, kH, kW = weight.shape
    if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1:
        raise ValueError(f"groups must be a positive int, got {groups!r}")
    if C_out % groups:
        raise ValueError(
            f"groups={groups} must divide the number of kernels (weight dim 0), got {C_out} kernels"
        )
    C_in, H, W = input.shape[-3:]
    if C_in != C_in_g * groups:
        raise ValueError(
            f"input must have {C_in_g * groups} channels (weight dim 1 = {C_in_g} times groups={groups}), "
            f"got {C_in} channels in input of shape {tuple(input.shape)}"
        )
    if bias is not None:
        check_tensor("bias", bias)
        if bias.shape != (C_out,):
            raise ValueError(
                f"bias must have shape ({C_out},), one per kernel, got {tuple(bias.shape)}"
            )
        if bias.dtype != input.dtype or bias.device != input.device:
            raise ValueError(
                f"bias must have the input's dtype {input.dtype} and device {input.device}, "
                f"got {bias.dtype} on {bias.device}"
            )
    stride, dilation = pair("stride", stride), pair("dilation", dilation)
    if min(stride) < 1:
        raise ValueError(f"stride must be positive, got {stride}")
    if min(dilation) < 1:
        raise ValueError(f"dilation must be positive, got {dilation}")
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise ValueError(
                f"padding must be an int, a pair of ints, 'valid' or 'same', got {padding!r}"
            )
        if padding == "same" and stride != (1, 1):
            raise ValueError(f"padding='same' needs stride 1, got stride={stride}")
        if padding == "valid":
            pads = (0, 0, 0, 0)
        else:  # total d(k-1) per axis; an odd total puts the extra zero at the bottom/right, like torch
            total_h, total_w = dilation[0] * (kH - 1), dilation[1] * (kW - 1)
            pads = (total_h // 2, total_h - total_h // 2, total_w // 2, total_w - total_w // 2)
    else:
        ph, pw = pair("padding", padding, least=0)
        if min(ph, pw) < 0:
            raise ValueError(f"padding must be non-negative, got {(ph, pw)}")
        pads = (ph, ph, pw, pw)
    top, bottom, left, right = pads
    span_h, span_w = dilation[0] * (kH - 1) + 1, dilation[1] * (kW - 1) + 1
    if H + top + bottom < span_h or W + left + right < span_w:
        raise ValueError(
            f"kernel must fit in the padded input: kernel spans {span_h}×{span_w} "
            f"(size {kH}×{kW}, dilation {dilation}), got a padded input of "
            f"{H + top + bottom}×{W + left + right}"
        )
    out_size = (
        (H + top + bottom - span_h) // stride[0] + 1,
        (W + left + right - span_w) // stride[1] + 1,
    )
    return ConvGeometry(rank == 4, (kH, kW), stride, dilation, pads, groups, out_size)


def zero_pad2d(input: torch.Tensor, padding: tuple[int, int, int, int]) -> torch.Tensor:
    """Surround the last two dimensions with zeros: ``padding = (top, bottom, left, right)``.

    Examples:
        >>> zero_pad2d(torch.ones(1, 1, 2, 2), (1, 0, 0, 2)).shape
        torch.Size([1, 1, 3, 4])
    """
    top, bottom, left, right = padding
    if not any(padding):
        return input
    *lead, H, W = input.shape
    out = input.new_zeros(*lead, H + top + bottom, W + left + right)
    out[..., top : top + H, left : left + W] = input
    return out


# --8<-- [start:sliding]
def conv2d_sliding(
    input: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: IntPair = 1,
    padding: Padding = 0,
    dilation: IntPair = 1,
    groups: int = 1,
) -> torch.Tensor:
    """The literal sliding window: visit every output position, take the patch, match.

    Same arguments, result and gradients as ``torch.nn.functional.conv2d``; slow on
    purpose, for reading and for checking [`conv2d`][eyememory.nn.conv.conv2d].

    Examples:
        >>> x, w = torch.randn(2, 3, 6, 6), torch.randn(4, 3, 3, 3)
        >>> conv2d_sliding(x, w).shape
        torch.Size([2, 4, 4, 4])
        >>> torch.allclose(conv2d_sliding(x, w), torch.nn.functional.conv2d(x, w), atol=1e-5)
        True
    """
    g = conv_geometry(input, weight, bias, stride, padding, dilation, groups)
    x = input if g.batched else input.unsqueeze(0)
    x = zero_pad2d(x, g.padding)  # (N, C_in, H_pad, W_pad)
    N, G = x.shape[0], g.groups
    C_out, C_in_g, kH, kW = weight.shape
    (sh, sw), (dh, dw), (H_out, W_out) = g.stride, g.dilation, g.out_size
    # Kernels of group k see only input channels k*C_in_g .. (k+1)*C_in_g - 1.
    kernels = weight.reshape(G, C_out // G, C_in_g, kH, kW)  # (G, C_out/G, C_in/G, kH, kW)
    out_rows = []
    for i in range(H_out):
        out_row = []
        for j in range(W_out):
            top, left = i * sh, j * sw  # where the kernel's top-left tap lands
            under_rows = slice(top, top + dh * (kH - 1) + 1, dh)  # the kH rows it covers
            under_cols = slice(left, left + dw * (kW - 1) + 1, dw)  # the kW columns
            patch = x[:, :, under_rows, under_cols]  # (N, C_in, kH, kW)
            patch = patch.reshape(N, G, 1, C_in_g, kH, kW)  # (N, G, 1, C_in/G, kH, kW)
            match = (patch * kernels).sum(dim=(3, 4, 5))  # (N, G, C_out/G): how well each fits
            out_row.append(match.reshape(N, C_out))  # (N, C_out)
        out_rows.append(torch.stack(out_row, dim=-1))  # (N, C_out, W_out)
    out = torch.stack(out_rows, dim=-2)  # (N, C_out, H_out, W_out)
    if bias is not None:
        out = out + bias.reshape(1, C_out, 1, 1)
    return out if g.batched else out.squeeze(0)
# --8<-- [end:sliding]


# --8<-- [start:im2col]
def patches(padded: torch.Tensor, g: ConvGeometry) -> torch.Tensor:
    """Every patch the kernel visits, as a strided view of ``padded``: nothing is copied.

    Element ``[n, c, m, l, i, j]`` is the tap $(m, l)$ of the kernel when it sits at
    output position $(i, j)$: ``padded[n, c, s_h i + d_h m, s_w j + d_w l]``.

    Args:
        padded: The padded input, shape ``(N, C, H_pad, W_pad)``, any strides.
        g: The geometry from [`conv_geometry`][eyememory.nn.conv.conv_geometry].

    Returns:
        A view of shape ``(N, C, kH, kW, H_out, W_out)``.
    """
    N, C, _, _ = padded.shape
    sN, sC, sH, sW = padded.stride()
    (kH, kW), (sh, sw), (dh, dw), (H_out, W_out) = g.kernel, g.stride, g.dilation, g.out_size
    return padded.as_strided(
        (N, C, kH, kW, H_out, W_out),
        (sN, sC, dh * sH, dw * sW, sh * sH, sw * sW),
        padded.storage_offset(),
    )  # (N, C, kH, kW, H_out, W_out)


def _im2col(padded: torch.Tensor, g: ConvGeometry) -> torch.Tensor:
    """The patches as columns, one copy: shape ``(N * G, C_in/G * kH * kW, H_out * W_out)``."""
    N, C, _, _ = padded.shape
    (kH, kW), (H_out, W_out) = g.kernel, g.out_size
    view = patches(padded, g)  # (N, C, kH, kW, H_out, W_out)
    # copy_ into a fresh tensor: much faster than reshape's clone of an overlapping view
    columns = torch.empty(view.shape, dtype=padded.dtype, device=padded.device).copy_(view)
    return columns.view(N * g.groups, C // g.groups * kH * kW, H_out * W_out)  # (N*G, K, L)


def _matmul(
    columns: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, N: int, G: int
) -> torch.Tensor:
    """All kernels times all columns, batched over images and groups: ``(N*G, C_out/G, L)``."""
    C_out, K = weight.shape[0], weight[0].numel()
    kernels = weight.reshape(1, G, C_out // G, K).expand(N, -1, -1, -1)  # (N, G, C_out/G, K)
    kernels = kernels.reshape(N * G, C_out // G, K)  # (N*G, C_out/G, K); a view when G = 1
    if bias is None:
        return torch.bmm(kernels, columns)  # (N*G, C_out/G, L)
    if G == 1:  # the bias broadcasts over images and positions
        return torch.baddbmm(bias.reshape(1, C_out, 1), kernels, columns)  # (N, C_out, L)
    start = bias.reshape(1, G, C_out // G, 1).expand(N, -1, -1, -1).reshape(N * G, C_out // G, 1)
    return torch.baddbmm(start, kernels, columns)  # (N*G, C_out/G, L)
# --8<-- [end:im2col]


@lru_cache(maxsize=64)
def _patch_index(g: ConvGeometry, W_pad: int, device: torch.device) -> torch.Tensor:
    """For each (tap, output position), the flat index ``row * W_pad + col`` it reads."""
    (kH, kW), (sh, sw), (dh, dw), (H_out, W_out) = g.kernel, g.stride, g.dilation, g.out_size
    tap = (
        torch.arange(kH).reshape(kH, 1, 1, 1) * dh * W_pad
        + torch.arange(kW).reshape(1, kW, 1, 1) * dw
    )
    position = (
        torch.arange(H_out).reshape(H_out, 1) * sh * W_pad
        + torch.arange(W_out).reshape(1, W_out) * sw
    )
    return (tap + position).reshape(-1).to(device)  # (kH * kW * H_out * W_out,)


def _col2im(grad_columns: torch.Tensor, g: ConvGeometry, padded_shape: torch.Size) -> torch.Tensor:
    """The reverse of im2col: add every column's gradient back to the pixel it came from.

    Patches overlap, so a pixel collects the gradients of every patch it was part of:
    one ``index_add_`` over the flattened planes does all the sums.
    """
    N, C, H_pad, W_pad = padded_shape
    index = _patch_index(g, W_pad, grad_columns.device)
    grad = grad_columns.new_zeros(N, C, H_pad * W_pad)  # (N, C, H_pad * W_pad)
    sources = grad_columns.reshape(N, C, len(index))  # (N, C, kH * kW * L)
    grad.index_add_(2, index, sources)  # each entry added to the pixel it was read from
    return grad.view(N, C, H_pad, W_pad)  # (N, C, H_pad, W_pad)


def _unpad(padded: torch.Tensor, padding: tuple[int, int, int, int]) -> torch.Tensor:
    top, bottom, left, right = padding
    H, W = padded.shape[-2:]
    return padded[..., top : H - bottom, left : W - right]


def _forward(
    input: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, g: ConvGeometry
) -> tuple[torch.Tensor, torch.Tensor, torch.Size]:
    """Pad, lay the patches out as columns, multiply: the output, and the columns for backward."""
    padded = zero_pad2d(input, g.padding)  # (N, C_in, H_pad, W_pad)
    N = padded.shape[0]
    columns = _im2col(padded, g)  # (N*G, K, L)
    out = _matmul(columns, weight, bias, N, g.groups)  # (N*G, C_out/G, L)
    out = out.view(N, weight.shape[0], *g.out_size)  # (N, C_out, H_out, W_out)
    return out, columns, padded.shape


class _Im2colConv2d(torch.autograd.Function):
    """im2col forward, col2im backward: two matrix products and a few strided adds."""

    @staticmethod
    def forward(ctx, input, weight, bias, g):  # noqa: ANN001, ANN205
        out, columns, padded_shape = _forward(input, weight, bias, g)
        ctx.save_for_backward(input, weight)
        ctx.columns, ctx.g, ctx.padded_shape = columns, g, padded_shape
        ctx.has_bias = bias is not None
        return out

    @staticmethod
    def backward(ctx, grad_out):  # noqa: ANN001, ANN205
        input, weight = ctx.saved_tensors
        g, G = ctx.g, ctx.g.groups
        N, C_out, H_out, W_out = grad_out.shape
        if torch.is_grad_enabled():  # create_graph: recompute the columns so they track the input
            columns = _im2col(zero_pad2d(input, g.padding), g)
        else:
            columns = ctx.columns
        grad_out = grad_out.reshape(N * G, C_out // G, H_out * W_out)  # (N*G, C_out/G, L)
        grad_input = grad_weight = grad_bias = None
        if ctx.needs_input_grad[0]:
            K = weight[0].numel()
            kernels = weight.reshape(1, G, C_out // G, K).transpose(2, 3)  # (1, G, K, C_out/G)
            kernels = kernels.expand(N, -1, -1, -1).reshape(N * G, K, C_out // G)  # (N*G, K, C_out/G)
            grad_columns = torch.bmm(kernels, grad_out)  # (N*G, K, L)
            grad_padded = _col2im(grad_columns, g, ctx.padded_shape)  # (N, C_in, H_pad, W_pad)
            grad_input = _unpad(grad_padded, g.padding)  # (N, C_in, H, W)
        if ctx.needs_input_grad[1]:
            per_image = torch.bmm(grad_out, columns.transpose(1, 2))  # (N*G, C_out/G, K)
            grad_weight = per_image.reshape(N, *weight.shape).sum(0)  # (C_out, C_in/G, kH, kW)
        if ctx.has_bias and ctx.needs_input_grad[2]:
            grad_bias = grad_out.reshape(N, C_out, H_out * W_out).sum(dim=(0, 2))  # (C_out,)
        return grad_input, grad_weight, grad_bias, None


def conv2d(
    input: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: IntPair = 1,
    padding: Padding = 0,
    dilation: IntPair = 1,
    groups: int = 1,
) -> torch.Tensor:
    r"""2-D convolution (cross-correlation) by im2col and one matrix product.

    $$Y[n, o, i, j] = b[o] + \sum_{c, m, l} W[o, c, m, l]\; X_{\mathrm{pad}}[n, c, s_h i + d_h m,\; s_w j + d_w l]$$

    The patches are gathered as columns of a matrix $P$ of shape
    $(C_{\mathrm{in}} k_h k_w) \times (H_{\mathrm{out}} W_{\mathrm{out}})$ through a strided
    view (one copy), so that $Y = W_{\mathrm{flat}}\,P + b$. The backward pass uses
    $\partial W = \partial Y\, P^\top$ and $\partial P = W_{\mathrm{flat}}^\top\, \partial Y$,
    whose columns are added back to the pixels they came from (col2im).

    Args:
        input: Shape ``(N, C_in, H, W)``, or ``(C_in, H, W)`` for one image.
        weight: Shape ``(C_out, C_in / groups, kH, kW)``.
        bias: Shape ``(C_out,)``, or ``None``.
        stride: Step between positions, an int or ``(s_h, s_w)``.
        padding: Zeros on each side, an int or ``(p_h, p_w)``; or ``'valid'`` (none) or
            ``'same'`` (output as large as the input; stride must be 1; an odd total
            puts the extra zero at the bottom and right, as torch does).
        dilation: Spacing between kernel taps, an int or ``(d_h, d_w)``.
        groups: Split the channels into this many groups, each with its own kernels.

    Returns:
        Shape ``(N, C_out, H_out, W_out)``, or ``(C_out, H_out, W_out)`` for one image, with
        $H_{\mathrm{out}}$ from [`conv_output_size`][eyememory.nn.conv.conv_output_size].

    Examples:
        >>> x, w, b = torch.randn(8, 3, 32, 32), torch.randn(16, 3, 3, 3), torch.randn(16)
        >>> conv2d(x, w, b, padding=1).shape
        torch.Size([8, 16, 32, 32])
        >>> torch.allclose(conv2d(x, w, b, stride=2), torch.nn.functional.conv2d(x, w, b, stride=2), atol=1e-4)
        True
        >>> conv2d(torch.randn(3, 10, 10), w, dilation=2).shape  # one image, no batch dimension
        torch.Size([16, 6, 6])
    """
    g = conv_geometry(input, weight, bias, stride, padding, dilation, groups)
    x = input if g.batched else input.unsqueeze(0)  # (N, C_in, H, W)
    if torch.is_grad_enabled() and any(
        t is not None and t.requires_grad for t in (x, weight, bias)
    ):
        out = _Im2colConv2d.apply(x, weight, bias, g)  # (N, C_out, H_out, W_out)
    else:  # no gradient wanted: skip the bookkeeping
        out = _forward(x, weight, bias, g)[0]
    return out if g.batched else out.squeeze(0)


def _edge_indices(
    size: int, before: int, after: int, mode: str, device: torch.device
) -> torch.Tensor:
    """Which input index each padded position copies, for one axis."""
    index = torch.arange(-before, size + after, device=device)
    if mode == "reflect":  # mirror without repeating the edge: -1 -> 1, size -> size - 2
        index = index.abs()
        return torch.where(index > size - 1, 2 * (size - 1) - index, index)
    if mode == "replicate":
        return index.clamp(0, size - 1)
    return index % size  # circular: wrap around


def pad2d(input: torch.Tensor, padding: Sequence[int], mode: str = "zeros") -> torch.Tensor:
    """Pad the last two dimensions, like ``torch.nn.functional.pad`` with four numbers.

    Args:
        input: Shape ``(..., H, W)``.
        padding: ``(left, right, top, bottom)``, in ``F.pad``'s order (last dimension first).
        mode: ``'zeros'``, ``'reflect'`` (mirror, edge not repeated; each pad smaller than
            the size), ``'replicate'`` (repeat the edge) or ``'circular'`` (wrap around; each
            pad at most the size).

    Returns:
        Shape ``(..., H + top + bottom, W + left + right)``.

    Examples:
        >>> row = torch.tensor([[[1.0, 2.0, 3.0]]])
        >>> pad2d(row, (2, 2, 0, 0), "reflect").tolist()
        [[[3.0, 2.0, 1.0, 2.0, 3.0, 2.0, 1.0]]]
        >>> pad2d(row, (2, 2, 0, 0), "circular").tolist()
        [[[2.0, 3.0, 1.0, 2.0, 3.0, 1.0, 2.0]]]
    """
    check_tensor("input", input)
    if input.dim() < 2:
        raise ValueError(
            f"input must have at least 2 dimensions (..., H, W), got shape {tuple(input.shape)}"
        )
    if mode not in PADDING_MODES:
        raise ValueError(f"mode must be one of {PADDING_MODES}, got {mode!r}")
    if len(padding) != 4 or any(
        isinstance(p, bool) or not isinstance(p, int) or p < 0 for p in padding
    ):
        raise ValueError(
            f"padding must be four non-negative ints (left, right, top, bottom), got {padding!r}"
        )
    left, right, top, bottom = padding
    if mode == "zeros":
        return zero_pad2d(input, (top, bottom, left, right))
    H, W = input.shape[-2:]
    for size, pads, axis in ((H, (top, bottom), "height"), (W, (left, right), "width")):
        if size == 0:
            raise ValueError(f"{mode} padding needs a non-empty input, got {axis} 0")
        if mode == "reflect" and max(pads) >= size:
            raise ValueError(
                f"reflect padding must be smaller than the input {axis} {size}, got {pads}"
            )
        if mode == "circular" and max(pads) > size:
            raise ValueError(
                f"circular padding must be at most the input {axis} {size}, got {pads}"
            )
    rows = _edge_indices(H, top, bottom, mode, input.device)
    cols = _edge_indices(W, left, right, mode, input.device)
    return input.index_select(-2, rows).index_select(-1, cols)  # (..., H_pad, W_pad)


class Conv2d(nn.Module):
    r"""A drop-in for `torch.nn.Conv2d`, computed by [`conv2d`][eyememory.nn.conv.conv2d].

    Same constructor arguments, same parameters (``weight`` of shape
    ``(out_channels, in_channels / groups, kH, kW)`` and ``bias`` of shape
    ``(out_channels,)``), same initialisation: weights and biases uniform in
    $[-1/\sqrt{f}, 1/\sqrt{f}]$ with fan-in $f = \frac{C_{\mathrm{in}}}{g} k_h k_w$,
    drawn in torch's order, so that the same seed gives the same parameters and
    ``load_state_dict(torch_conv.state_dict())`` works both ways.

    Args:
        in_channels: $C_{\mathrm{in}}$.
        out_channels: $C_{\mathrm{out}}$, the number of kernels.
        kernel_size: An int or ``(kH, kW)``.
        stride: An int or a pair.
        padding: An int, a pair, ``'valid'`` or ``'same'``.
        dilation: An int or a pair.
        groups: Channel groups; must divide both channel counts.
        bias: Whether to learn a bias per kernel.
        padding_mode: ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``.
        device: Where to create the parameters.
        dtype: Their dtype.

    Examples:
        >>> torch_conv = torch.nn.Conv2d(3, 16, 3, padding=1, padding_mode="reflect")
        >>> conv = Conv2d(3, 16, 3, padding=1, padding_mode="reflect")
        >>> conv.load_state_dict(torch_conv.state_dict())
        <All keys matched successfully>
        >>> x = torch.randn(2, 3, 8, 8)
        >>> torch.allclose(conv(x), torch_conv(x), atol=1e-5)
        True
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: IntPair,
        stride: IntPair = 1,
        padding: Padding = 0,
        dilation: IntPair = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__()
        _check_layer_arguments(in_channels, out_channels, groups, padding_mode)
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = pair("kernel_size", kernel_size)
        if min(self.kernel_size) < 1:
            raise ValueError(f"kernel_size must be positive, got {self.kernel_size}")
        self.stride = pair("stride", stride)
        self.dilation = pair("dilation", dilation)
        if min(self.stride) < 1 or min(self.dilation) < 1:
            raise ValueError(
                f"stride and dilation must be positive, got {self.stride} and {self.dilation}"
            )
        if isinstance(padding, str):
            if padding not in ("valid", "same"):
                raise ValueError(
                    f"padding must be an int, a pair of ints, 'valid' or 'same', got {padding!r}"
                )
            if padding == "same" and self.stride != (1, 1):
                raise ValueError(f"padding='same' needs stride 1, got stride={self.stride}")
            self.padding: tuple[int, int] | str = padding
        else:
            self.padding = pair("padding", padding, least=0)
            if min(self.padding) < 0:
                raise ValueError(f"padding must be non-negative, got {self.padding}")
        self.padding_mode = padding_mode
        factory = {"device": device, "dtype": dtype}
        self.weight = nn.Parameter(
            torch.empty(out_channels, in_channels // groups, *self.kernel_size, **factory)
        )
        if bias:
            self.bias = nn.Parameter(torch.empty(out_channels, **factory))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw fresh parameters exactly as `torch.nn.Conv2d` does (same numbers, same seed)."""
        fan_in = self.weight.shape[1] * self.weight.shape[2] * self.weight.shape[3]
        with torch.no_grad():
            # torch's kaiming_uniform_(a=sqrt(5)) written out, in its order of operations,
            # so that the bounds are the same floats: about 1/sqrt(fan_in).
            gain = math.sqrt(2.0 / (1 + math.sqrt(5) ** 2))
            bound = math.sqrt(3.0) * (gain / math.sqrt(fan_in))
            self.weight.uniform_(-bound, bound)
            if self.bias is not None:
                bound = 1 / math.sqrt(fan_in)
                self.bias.uniform_(-bound, bound)

    def _edge_padding(self) -> tuple[int, int, int, int]:
        """``(left, right, top, bottom)`` for the non-zero padding modes."""
        if self.padding == "valid":
            return (0, 0, 0, 0)
        if self.padding == "same":
            (kH, kW), (dh, dw) = self.kernel_size, self.dilation
            th, tw = dh * (kH - 1), dw * (kW - 1)
            return (tw // 2, tw - tw // 2, th // 2, th - th // 2)
        ph, pw = self.padding
        return (pw, pw, ph, ph)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Convolve ``input`` of shape ``(N, C_in, H, W)`` or ``(C_in, H, W)``.

        Returns:
            Shape ``(N, C_out, H_out, W_out)``, or ``(C_out, H_out, W_out)``.
        """
        if self.padding_mode == "zeros":
            return conv2d(
                input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups
            )
        check_rank("input", input, (3, 4), "(N, C_in, H, W) or (C_in, H, W)")
        padded = pad2d(input, self._edge_padding(), self.padding_mode)  # (N, C_in, H_pad, W_pad)
        return conv2d(padded, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)

    def extra_repr(self) -> str:
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text


Padding1d = int | tuple[int] | str




def _padding1d(padding: Padding1d) -> int | str:
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise ValueError(f"padding must be an int, 'valid' or 'same', got {padding!r}")
        return padding
    p = single("padding", padding, least=0)
    if p < 0:
        raise ValueError(f"padding must be non-negative, got {p}")
    return p


def conv1d(
    input: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: int | tuple[int] = 1,
    padding: Padding1d = 0,
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
    s, d, p = single("stride", stride), single("dilation", dilation), _padding1d(padding)
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
    r"""A drop-in for `torch.nn.Conv1d`, computed by [`conv1d`][eyememory.nn.conv.conv1d].

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
        padding: Padding1d = 0,
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
        self.kernel_size = single("kernel_size", kernel_size)
        self.stride, self.dilation = single("stride", stride), single("dilation", dilation)
        if min(self.kernel_size, self.stride, self.dilation) < 1:
            raise ValueError(
                f"kernel_size, stride and dilation must be positive, got {self.kernel_size}, {self.stride} and {self.dilation}"
            )
        self.padding = _padding1d(padding)
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
