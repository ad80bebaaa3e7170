r"""Convolution from the sliding window up: the Eye's one operation, in 2-D and in 1-D.

A kernel $W$ of $k_h \times k_w$ weights slides over the image $X$; at every stop it
multiplies the patch under it by its weights and sums. With $C_{\mathrm{in}}$ input
channels, $C_{\mathrm{out}}$ kernels, stride $s$, dilation $d$ and a zero-padded input
$X_{\mathrm{pad}}$, the output is

$$Y[n, o, i, j] = b[o] + \sum_{c, m, l} W[o, c, m, l]\;
X_{\mathrm{pad}}[n, c,\, s_h i + d_h m,\, s_w j + d_w l]$$

summed over the input channels $c$ and the kernel's rows $m < k_h$ and columns $l < k_w$
(with `groups` $g > 1$, kernel $o$ sees only the $C_{\mathrm{in}}/g$ channels of its group).
Like PyTorch, this is a cross-correlation: the kernel is not flipped.

Two forms compute it, with exactly the signature and semantics of
`torch.nn.functional.conv2d`:

- `conv2d_sliding` is the literal sliding window: a
  Python loop over output positions. It is for reading and for tests.
- `conv2d` lays every patch out as a column of a matrix
  (*im2col*, a strided view and one copy) and does a single matrix multiplication; its
  backward pass is the same idea in reverse (*col2im*). This is the one the package uses.

`conv1d` is the same computation on a grid one row high.
`Conv2d` and `Conv1d` are the
modules, drop-ins for torch's, built on one base as torch's are.

Padding is always given as ``torch.nn.functional.pad`` takes it, **last dimension first**:
``(left, right, top, bottom)`` for an image, ``(start, end)`` for a sequence.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache

import torch
from torch import nn
from torch._functorch.utils import unwrap_dead_wrappers

from .._validation import (
    check_bool,
    check_choice,
    check_float_dtype,
    check_floating,
    check_int,
    check_ints,
    check_like,
    check_nonempty,
    check_rank,
    check_tensor,
    fail,
    ints,
    shown,
    under_transform,
)

Ints = int | tuple[int, ...]
Padding = int | tuple[int, ...] | str
PADDING_MODES = ("zeros", "reflect", "replicate", "circular")
# Per number of spatial dimensions: the input's layout, the weight's, and the axes' names.
_LAYOUTS = {
    1: ("(N, C_in, L) or (C_in, L)", "(C_out, C_in / groups, k)", ("length",)),
    2: ("(N, C_in, H, W) or (C_in, H, W)", "(C_out, C_in / groups, kH, kW)", ("height", "width")),
}


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
        $H_{\mathrm{out}}$, at least 1.

    Raises:
        ValueError: When the kernel, spanning $d(k-1)+1$ pixels, does not fit in the padded
            input $H + 2p$ (where ``conv2d`` would refuse the input too).

    Examples:
        >>> conv_output_size(32, 3)  # 30 positions for a 3-wide kernel
        30
        >>> conv_output_size(32, 3, padding=1)  # padding 1 keeps the size
        32
        >>> conv_output_size(32, 3, stride=2, padding=1)
        16
    """
    check_int("size", size, least=0)
    check_int("kernel_size", kernel_size)
    check_int("stride", stride)
    check_int("padding", padding, least=0)
    check_int("dilation", dilation)
    span = dilation * (kernel_size - 1) + 1
    if size + 2 * padding < span:
        raise fail("size", f"at least {span - 2 * padding} for a kernel spanning {span}", size)
    return (size + 2 * padding - span) // stride + 1


def parse_padding(padding: object, dims: int) -> tuple[int, ...] | str:
    """Padding as torch's convolutions take it: ``dims`` ints (one int for all), or a word.

    The one place where convolution padding is read and checked, for the functions and the
    modules alike. ``'valid'`` means none; ``'same'`` means as much as keeps the size.

    Examples:
        >>> parse_padding(1, 2), parse_padding([2], 1), parse_padding("same", 2)
        ((1, 1), (2,), 'same')
    """
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            several = "an int" if dims == 1 else "an int, a pair of ints"
            raise fail("padding", f"{several}, 'valid' or 'same'", shown(padding))
        return padding
    return ints("padding", padding, dims, least=0)


def _check_same_needs_stride_one(padding: tuple[int, ...] | str, stride: tuple[int, ...]) -> None:
    if padding == "same" and any(s != 1 for s in stride):
        shown_stride = stride[0] if len(stride) == 1 else stride
        raise ValueError(f"padding='same' needs stride 1, got stride={shown_stride}")


def edge_padding(
    padding: tuple[int, ...] | str, kernel: tuple[int, ...], dilation: tuple[int, ...]
) -> tuple[int, ...]:
    """The zeros (or edge copies) to add on each side, in F.pad's order: last axis first.

    ``'same'`` pads $d(k-1)$ in all per axis; an odd total puts the extra one after (at the
    bottom or right), as torch does.

    Examples:
        >>> edge_padding("same", (4, 3), (1, 1))  # (left, right, top, bottom)
        (1, 1, 1, 2)
        >>> edge_padding((2, 0), (3, 3), (1, 1))
        (0, 0, 2, 2)
    """
    pads: list[int] = []
    for axis in reversed(range(len(kernel))):
        if padding == "valid":
            before = after = 0
        elif padding == "same":
            total = dilation[axis] * (kernel[axis] - 1)
            before, after = total // 2, total - total // 2
        else:
            before = after = padding[axis]
        pads += [before, after]
    return tuple(pads)


@dataclass(frozen=True)
class ConvGeometry:
    """Everything about one convolution call except the numbers: sizes, steps and padding.

    Attributes:
        batched: Whether the input had a batch dimension.
        kernel: $(k_h, k_w)$ (one entry per spatial axis).
        stride: $(s_h, s_w)$.
        dilation: $(d_h, d_w)$.
        padding: Zeros added, in F.pad's order ``(left, right, top, bottom)``; ``'same'``
            may be uneven.
        groups: Number of channel groups $g$.
        out_size: $(H_{\\mathrm{out}}, W_{\\mathrm{out}})$.
    """

    batched: bool
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    dilation: tuple[int, ...]
    padding: tuple[int, ...]
    groups: int
    out_size: tuple[int, ...]

    def as_image(self) -> ConvGeometry:
        """A 1-D geometry as the 2-D one of a grid one row high (2-D: unchanged)."""
        if len(self.kernel) == 2:
            return self
        return ConvGeometry(
            self.batched,
            (1, *self.kernel),
            (1, *self.stride),
            (1, *self.dilation),
            (*self.padding, 0, 0),
            self.groups,
            (1, *self.out_size),
        )


def _extent(sizes: tuple[int, ...] | list[int]) -> str:
    """``5×5`` for an image, ``3 steps`` for a sequence."""
    return f"{sizes[0]} steps" if len(sizes) == 1 else "×".join(map(str, sizes))


def _geometry(
    input: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None,
    stride: Ints,
    padding: Padding,
    dilation: Ints,
    groups: int,
    dims: int,
) -> ConvGeometry:
    """`conv_geometry` for ``dims`` spatial axes."""
    input_layout, weight_layout, _ = _LAYOUTS[dims]
    check_rank("weight", weight, (dims + 2,), weight_layout)
    check_nonempty("weight", weight, "at least one kernel, input channel and tap")
    rank = check_rank("input", input, (dims + 1, dims + 2), input_layout)
    check_floating("input", input)
    check_like("weight", weight, "input", input)
    C_out, C_in_g, *kernel = weight.shape
    check_int("groups", groups)
    if C_out % groups:
        raise ValueError(
            f"groups={groups} must divide the number of kernels (weight dim 0), got {C_out} kernels"
        )
    C_in, *size = input.shape[-dims - 1 :]
    if C_in != C_in_g * groups:
        raise ValueError(
            f"input must have {C_in_g * groups} channels (weight dim 1 = {C_in_g} times "
            f"groups={groups}), got {C_in} channels in input of shape {tuple(input.shape)}"
        )
    if bias is not None:
        check_rank("bias", bias, (1,), "(C_out,)")
        if bias.shape != (C_out,):
            raise ValueError(
                f"bias must have shape ({C_out},), one per kernel, got {tuple(bias.shape)}"
            )
        check_like("bias", bias, "input", input)
    stride, dilation = ints("stride", stride, dims), ints("dilation", dilation, dims)
    padding = parse_padding(padding, dims)
    _check_same_needs_stride_one(padding, stride)
    pads = edge_padding(padding, tuple(kernel), dilation)
    # pads runs last axis first: axis a has its two numbers at 2 * (dims - 1 - a).
    padded = [
        size[a] + pads[2 * (dims - 1 - a)] + pads[2 * (dims - 1 - a) + 1] for a in range(dims)
    ]
    span = [d * (k - 1) + 1 for d, k in zip(dilation, kernel, strict=True)]
    if any(p < s for p, s in zip(padded, span, strict=True)):
        raise ValueError(
            f"kernel must fit in the padded input: kernel spans {_extent(span)} (size "
            f"{'×'.join(map(str, kernel))}, dilation {dilation[0] if dims == 1 else dilation}), "
            f"got a padded input of {_extent(padded)}"
        )
    out_size = tuple((p - k) // s + 1 for p, k, s in zip(padded, span, stride, strict=True))
    return ConvGeometry(rank == dims + 2, tuple(kernel), stride, dilation, pads, groups, out_size)


def conv_geometry(
    input: torch.Tensor,
    weight: torch.Tensor,
    stride: Ints = 1,
    padding: Padding = 0,
    dilation: Ints = 1,
    groups: int = 1,
    bias: torch.Tensor | None = None,
) -> ConvGeometry:
    """Check the arguments of a 2-D convolution as torch does, with clear messages.

    The arguments are ``conv2d``'s, with ``bias`` last: it takes no part in the geometry,
    only its shape, dtype and device are checked.

    Raises ``ValueError`` naming what was expected and what was got for: a wrong rank,
    a non-floating input, a channel count that does not match the weight, groups that do
    not divide the channels, a bias of the wrong shape, dtypes or devices that differ, a
    bad padding, ``padding='same'`` with a stride, and a kernel larger than the padded input.

    Returns:
        The `ConvGeometry` both forms use.

    Examples:
        >>> x = torch.zeros(2, 3, 32, 32)
        >>> g = conv_geometry(x, torch.zeros(16, 3, 3, 3), padding="same")
        >>> g.out_size, g.padding
        ((32, 32), (1, 1, 1, 1))
    """
    return _geometry(input, weight, bias, stride, padding, dilation, groups, dims=2)


def zero_pad2d(input: torch.Tensor, padding: tuple[int, int, int, int]) -> torch.Tensor:
    """Surround the last two dimensions with zeros: ``padding = (left, right, top, bottom)``.

    Examples:
        >>> zero_pad2d(torch.ones(1, 1, 2, 2), (0, 2, 1, 0)).shape
        torch.Size([1, 1, 3, 4])
    """
    left, right, top, bottom = padding
    if not any(padding):
        return input
    *lead, H, W = input.shape
    out = input.new_zeros(*lead, H + top + bottom, W + left + right)
    out[..., top : top + H, left : left + W] = input
    return out


# --8<-- [start:sliding]
def conv2d_sliding(  # the signature of F.conv2d, as conv2d's: a mirror on purpose
    input: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: Ints = 1,
    padding: Padding = 0,
    dilation: Ints = 1,
    groups: int = 1,
) -> torch.Tensor:
    """The literal sliding window: visit every output position, take the patch, match.

    Same arguments, result and gradients as ``torch.nn.functional.conv2d``; slow on
    purpose, for reading and for checking `conv2d`.

    Examples:
        >>> x, w = torch.randn(2, 3, 6, 6), torch.randn(4, 3, 3, 3)
        >>> conv2d_sliding(x, w).shape
        torch.Size([2, 4, 4, 4])
        >>> torch.allclose(conv2d_sliding(x, w), torch.nn.functional.conv2d(x, w), atol=1e-5)
        True
    """
    g = conv_geometry(input, weight, stride, padding, dilation, groups, bias)
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
        g: The geometry from `conv_geometry`.

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
    """The patches as columns, one copy: shape ``(N * G, C_in/G * kH * kW, H_out * W_out)``.

    Laid out as (image, tap, position), a kernel's row times an image's columns is already
    one channel of the output in (N, C, H, W) order: no transpose after the product.
    """
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
    C_out, K = weight.shape[0], weight[0].numel()  # (C_out, C_in/G * kH * kW)
    kernels = weight.reshape(1, G, C_out // G, K).expand(N, -1, -1, -1)  # (N, G, C_out/G, K)
    kernels = kernels.reshape(N * G, C_out // G, K)  # (N*G, C_out/G, K); a view when G = 1
    if bias is None:
        return torch.bmm(kernels, columns)  # (N*G, C_out/G, L)
    if G == 1:  # one bias for every image: broadcast, much faster than an expanded copy
        return torch.baddbmm(bias.reshape(1, C_out, 1), kernels, columns)  # (N, C_out, L)
    start = bias.reshape(1, G, C_out // G, 1).expand(N, -1, -1, -1)  # (N, G, C_out/G, 1)
    start = start.reshape(N * G, C_out // G, 1)  # (N*G, C_out/G, 1)
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


def _gathered_columns(input: torch.Tensor, g: ConvGeometry) -> torch.Tensor:
    """The im2col columns by indexing instead of a strided view: ``(N * G, K, L)``.

    Slower, but differentiable and fine under every ``torch.func`` transform, where
    ``as_strided`` and copies into fresh tensors are not: what a second derivative needs.
    """
    padded = zero_pad2d(input, g.padding)  # (N, C_in, H_pad, W_pad)
    N, C, _, W_pad = padded.shape
    index = _patch_index(g, W_pad, padded.device)
    columns = padded.flatten(2).index_select(2, index)  # (N, C_in, kH * kW * L)
    return columns.reshape(N * g.groups, C // g.groups * math.prod(g.kernel), -1)  # (N*G, K, L)


def _col2im(
    grad_columns: torch.Tensor, g: ConvGeometry, padded_shape: tuple[int, ...]
) -> torch.Tensor:
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


def _unpad(padded: torch.Tensor, padding: tuple[int, ...]) -> torch.Tensor:
    left, right, top, bottom = padding
    H, W = padded.shape[-2:]
    return padded[..., top : H - bottom, left : W - right]


def _forward(
    input: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, g: ConvGeometry
) -> tuple[torch.Tensor, torch.Tensor]:
    """Pad, lay the patches out as columns, multiply: the output, and the columns for backward.

    The columns come back as ``(N, G, K, L)``: one axis per image, so that a batch of
    batches (under ``vmap``) splits them without a copy.
    """
    padded = zero_pad2d(input, g.padding)  # (N, C_in, H_pad, W_pad)
    N = padded.shape[0]
    columns = _im2col(padded, g)  # (N*G, K, L)
    out = _matmul(columns, weight, bias, N, g.groups)  # (N*G, C_out/G, L)
    out = out.view(N, weight.shape[0], *g.out_size)  # (N, C_out, H_out, W_out)
    return out, columns.view(N, g.groups, *columns.shape[1:])  # (N, G, K, L)


class _Im2colConv2d(torch.autograd.Function):
    """im2col forward, col2im backward: two matrix products and a few strided adds.

    Written in the form ``torch.func`` needs: ``forward`` without ``ctx``, what backward
    needs saved in ``setup_context`` (so the columns are a second, non-differentiable
    output), and a ``vmap`` rule that turns a batch of convolutions into one larger
    convolution. The input is always 4-D here.
    """

    @staticmethod
    def forward(input, weight, bias, g):  # noqa: ANN001, ANN205
        return _forward(input, weight, bias, g)  # (N, C_out, H_out, W_out), (N, G, K, L)

    @staticmethod
    def setup_context(ctx, inputs, output):  # noqa: ANN001, ANN205
        input, weight, bias, g = inputs
        columns = output[1]
        ctx.mark_non_differentiable(columns)
        ctx.set_materialize_grads(False)  # no gradient ever arrives for the columns
        ctx.save_for_backward(input, weight, columns)
        ctx.g, ctx.has_bias = g, bias is not None

    @staticmethod
    def backward(ctx, grad_out, _grad_columns):  # noqa: ANN001, ANN205
        input, weight, columns = ctx.saved_tensors
        g, G = ctx.g, ctx.g.groups
        grad_input = grad_weight = grad_bias = None
        if grad_out is None:
            return grad_input, grad_weight, grad_bias, None
        N, C_out, H_out, W_out = grad_out.shape
        if torch.is_grad_enabled():  # create_graph: columns that track the input
            columns = _gathered_columns(input, g)  # (N*G, K, L)
        else:
            columns = columns.reshape(N * G, *columns.shape[2:])  # (N*G, K, L), a view
        grad_out = grad_out.reshape(N * G, C_out // G, H_out * W_out)  # (N*G, C_out/G, L)
        if ctx.needs_input_grad[0]:
            K = weight[0].numel()
            kernels = weight.reshape(1, G, C_out // G, K).transpose(2, 3)  # (1, G, K, C_out/G)
            kernels = kernels.expand(N, -1, -1, -1)  # (N, G, K, C_out/G)
            kernels = kernels.reshape(N * G, K, C_out // G)  # (N*G, K, C_out/G)
            grad_columns = torch.bmm(kernels, grad_out)  # (N*G, K, L)
            left, right, top, bottom = g.padding
            _, C_in, H, W = input.shape
            padded_shape = (N, C_in, H + top + bottom, W + left + right)
            grad_padded = _col2im(grad_columns, g, padded_shape)  # (N, C_in, H_pad, W_pad)
            grad_input = _unpad(grad_padded, g.padding)  # (N, C_in, H, W)
        if ctx.needs_input_grad[1]:
            per_image = torch.bmm(grad_out, columns.transpose(1, 2))  # (N*G, C_out/G, K)
            grad_weight = per_image.reshape(N, *weight.shape).sum(0)  # (C_out, C_in/G, kH, kW)
        if ctx.has_bias and ctx.needs_input_grad[2]:
            grad_bias = grad_out.reshape(N, C_out, H_out * W_out).sum(dim=(0, 2))  # (C_out,)
        return grad_input, grad_weight, grad_bias, None

    @staticmethod
    def vmap(info, in_dims, input, weight, bias, g):  # noqa: ANN001, ANN205
        """B convolutions as one: more images, more kernels, or more groups.

        Each of ``input``, ``weight`` and ``bias`` may carry the batch axis (at
        ``in_dims``) or not. Only the images batched: the batch is more images. Only the
        layer's parameters batched (an ensemble on one input): the B layers' kernels are
        stacked as more kernels. Both batched: each example and its layer form a group
        of their own, B times the groups.
        """
        input_dim, weight_dim, bias_dim, _ = in_dims
        B, G, C_out = info.batch_size, g.groups, weight.shape[-4]
        if weight_dim is None and bias_dim is None:  # B times the images, same layer
            x = input.movedim(input_dim, 0)  # (B, N, C_in, H, W)
            N = x.shape[1]
            out, columns = _TransformedConv2d.apply(x.flatten(0, 1), weight, bias, g)
            return (out.unflatten(0, (B, N)), columns.unflatten(0, (B, N))), (0, 0)
        weight = _batch_first(weight, weight_dim, B)  # (B, C_out, C_in/G, kH, kW)
        bias = None if bias is None else _batch_first(bias, bias_dim, B)  # (B, C_out)
        if input_dim is None:  # one input, B layers: B times the kernels, in each group
            N = input.shape[0]
            kernels = _group_major(weight, G)  # (G*B*C_out/G, C_in/G, kH, kW)
            bias = None if bias is None else _group_major(bias, G)  # (G*B*C_out/G,)
            out, columns = _TransformedConv2d.apply(input, kernels, bias, g)  # out: G*B*C_out/G
            out = out.unflatten(1, (G, B, C_out // G)).transpose(1, 2)  # (N, B, G, C_out/G, ...)
            return (out.flatten(2, 3), columns), (1, None)  # (N, B, C_out, ...), (N, G, K, L)
        x = input.movedim(input_dim, 1)  # (N, B, C_in, H, W)
        N = x.shape[0]
        wide = replace(g, groups=B * G)  # example b and its layer: groups b*G .. (b+1)*G - 1
        bias = None if bias is None else bias.flatten()  # (B*C_out,)
        out, columns = _TransformedConv2d.apply(x.flatten(1, 2), weight.flatten(0, 1), bias, wide)
        out = out.unflatten(1, (B, C_out))  # (N, B, C_out, H_out, W_out)
        return (out, columns.unflatten(1, (B, G))), (1, 1)  # columns (N, B, G, K, L)


class _TransformedConv2d(_Im2colConv2d):
    """The same Function with a ``jvp``, for forward-mode derivatives: used under transforms.

    ``torch.compile`` cannot trace a Function that defines a ``jvp`` (it breaks the graph
    there), so the plain ``_Im2colConv2d`` serves every call outside ``torch.func``.
    """

    @staticmethod
    def setup_context(ctx, inputs, output):  # noqa: ANN001, ANN205
        _Im2colConv2d.setup_context(ctx, inputs, output)
        ctx.save_for_forward(*inputs[:2])  # the input and the weight

    @staticmethod
    def jvp(ctx, input_t, weight_t, bias_t, _g):  # noqa: ANN001, ANN205
        """The convolution is linear in each argument: d(W * X + b) = dW * X + W * dX + db."""
        input, weight = ctx.saved_tensors
        g, tangent = ctx.g, None
        if input_t is not None:
            tangent = _convolve4d(input_t, weight, None, g)
        if weight_t is not None:
            part = _convolve4d(input, weight_t, None, g)
            tangent = part if tangent is None else tangent + part
        if bias_t is not None:
            part = bias_t.reshape(1, -1, 1, 1)  # (1, C_out, 1, 1): the same at every position
            shape = (input.shape[0], weight.shape[0], *g.out_size)  # (N, C_out, H_out, W_out)
            tangent = part.expand(shape).clone() if tangent is None else tangent + part
        return tangent, None


def _batch_first(tensor: torch.Tensor, dim: int | None, size: int) -> torch.Tensor:
    """``tensor`` with its vmap batch axis first; one without it, expanded ``size`` times."""
    if dim is None:
        return tensor.expand(size, *tensor.shape)
    return tensor.movedim(dim, 0)


def _group_major(per_layer: torch.Tensor, G: int) -> torch.Tensor:
    """B layers' kernels ``(B, C_out, ...)`` as one layer's, grouped: ``(G*B*C_out/G, ...)``.

    Group k of the one layer holds group k of every layer, so the input channels each
    kernel sees stay the same.
    """
    B, C_out, *rest = per_layer.shape
    grouped = per_layer.reshape(B, G, C_out // G, *rest).transpose(0, 1)  # (G, B, C_out/G, ...)
    return grouped.flatten(0, 2)  # (G*B*C_out/G, ...)


def _convolve4d(
    input: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, g: ConvGeometry
) -> torch.Tensor:
    """The checked convolution of a 4-D input: through the Function when it must be.

    The Function when a gradient is wanted or a ``torch.func`` transform is on (its vmap
    rule batches); otherwise the forward alone, without the Function's bookkeeping.
    """
    tensors = [t for t in (input, weight, bias) if t is not None]
    if (torch.is_grad_enabled() and any(t.requires_grad for t in tensors)) or any(
        under_transform(t) for t in tensors
    ):
        return _apply(input, weight, bias, g)[0]  # (N, C_out, H_out, W_out)
    return _forward(input, weight, bias, g)[0]


def _apply(
    input: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, g: ConvGeometry
) -> tuple[torch.Tensor, torch.Tensor]:
    """``_Im2colConv2d.apply``, without the cost torch's adds for ``setup_context``.

    torch's ``apply`` then binds the arguments to ``forward``'s signature on every call,
    for default values this ``forward`` has none of: about 20 µs, a tenth of a small
    convolution's forward and backward. Outside transforms and ``torch.compile``, which
    need torch's ``apply`` (transforms also the ``jvp``), the autograd engine's own is
    called directly.
    """
    if torch.compiler.is_compiling():
        return _Im2colConv2d.apply(input, weight, bias, g)
    if torch._C._are_functorch_transforms_active():
        return _TransformedConv2d.apply(input, weight, bias, g)
    args = unwrap_dead_wrappers((input, weight, bias, g))  # as torch's apply does first
    return super(torch.autograd.Function, _Im2colConv2d).apply(*args)


def _convolve(
    input: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, g: ConvGeometry
) -> torch.Tensor:
    """The checked 2-D convolution, batched or not, through im2col (and col2im backward)."""
    x = input if g.batched else input.unsqueeze(0)  # (N, C_in, H, W)
    out = _convolve4d(x, weight, bias, g)  # (N, C_out, H_out, W_out)
    return out if g.batched else out.squeeze(0)


def conv2d(  # the signature of F.conv2d, as conv2d_sliding's: a mirror on purpose
    input: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: Ints = 1,
    padding: Padding = 0,
    dilation: Ints = 1,
    groups: int = 1,
) -> torch.Tensor:
    r"""2-D convolution (cross-correlation) by im2col and one matrix product.

    $$Y[n, o, i, j] = b[o] + \sum_{c, m, l} W[o, c, m, l]\;
    X_{\mathrm{pad}}[n, c, s_h i + d_h m,\; s_w j + d_w l]$$

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
        $H_{\mathrm{out}}$ from `conv_output_size`.

    Examples:
        >>> x, w, b = torch.randn(8, 3, 32, 32), torch.randn(16, 3, 3, 3), torch.randn(16)
        >>> conv2d(x, w, b, padding=1).shape
        torch.Size([8, 16, 32, 32])
        >>> theirs = torch.nn.functional.conv2d(x, w, b, stride=2)
        >>> torch.allclose(conv2d(x, w, b, stride=2), theirs, atol=1e-4)
        True
        >>> conv2d(torch.randn(3, 10, 10), w, dilation=2).shape  # one image, no batch dimension
        torch.Size([16, 6, 6])
    """
    g = conv_geometry(input, weight, stride, padding, dilation, groups, bias)
    return _convolve(input, weight, bias, g)


def conv1d(
    input: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: int | tuple[int] = 1,
    padding: int | tuple[int] | str = 0,
    dilation: int | tuple[int] = 1,
    groups: int = 1,
) -> torch.Tensor:
    r"""1-D convolution (cross-correlation) along the last axis, by the Eye's ``conv2d``.

    $$Y[n, o, t] = b[o] + \sum_{c, m} W[o, c, m]\; X_{\mathrm{pad}}[n, c,\, s\,t + d\,m],
    \qquad L_{\mathrm{out}} = \left\lfloor \frac{L + 2p - d\,(k - 1) - 1}{s} \right\rfloor + 1$$

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
        >>> theirs = torch.nn.functional.conv1d(x, w, b, padding="same")
        >>> torch.allclose(conv1d(x, w, b, padding="same"), theirs, atol=1e-5)
        True
        >>> conv1d(torch.randn(16, 12), w, dilation=2).shape  # one sequence, taps 2 apart
        torch.Size([8, 8])
    """
    g = _geometry(input, weight, bias, stride, padding, dilation, groups, dims=1)
    # A sequence is an image one row high: (N, C_in, 1, L) and kernels (C_out, C_in/G, 1, k).
    out = _convolve(input.unsqueeze(-2), weight.unsqueeze(-2), bias, g.as_image())
    return out.squeeze(-2)  # (N, C_out, L_out), or (C_out, L_out) for one sequence


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


def _edge_pad(input: torch.Tensor, padding: tuple[int, ...], mode: str) -> torch.Tensor:
    """Pad the last ``len(padding) // 2`` axes by copying input values (F.pad's order)."""
    dims = len(padding) // 2
    for axis, name in enumerate(reversed(_LAYOUTS[dims][2])):  # last axis first
        size, pads = input.shape[-1 - axis], padding[2 * axis : 2 * axis + 2]
        if size == 0:
            raise ValueError(f"{mode} padding needs a non-empty input, got {name} 0")
        if mode == "reflect" and max(pads) >= size:
            raise ValueError(
                f"reflect padding must be smaller than the input {name} {size}, got {pads}"
            )
        if mode == "circular" and max(pads) > size:
            raise ValueError(
                f"circular padding must be at most the input {name} {size}, got {pads}"
            )
        input = input.index_select(-1 - axis, _edge_indices(size, *pads, mode, input.device))
    return input


def pad2d(
    input: torch.Tensor, padding: tuple[int, int, int, int], mode: str = "zeros"
) -> torch.Tensor:
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
        raise fail("input", "at least 2-D with shape (..., H, W)", f"shape {tuple(input.shape)}")
    check_choice("mode", mode, PADDING_MODES)
    padding = check_ints("padding", padding, 0, length=4, spelled="(left, right, top, bottom)")
    if mode == "zeros":
        return zero_pad2d(input, padding)
    return _edge_pad(input, padding, mode)  # (..., H_pad, W_pad)


class _ConvNd(nn.Module):
    """What `Conv1d` and `Conv2d` share, as in torch's ``_ConvNd``: everything but the axes.

    The constructor's checks, the parameters, their initialisation, the ``repr`` and the
    padding modes are written here once; a subclass states its number of spatial axes
    (``dims``) and its functional form (``functional``).
    """

    dims: int
    functional: Callable[..., torch.Tensor]

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Ints,
        stride: Ints = 1,
        padding: Padding = 0,
        dilation: Ints = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__()
        dims = self.dims
        self.in_channels = check_int("in_channels", in_channels)
        self.out_channels = check_int("out_channels", out_channels)
        self.groups = check_int("groups", groups)
        if in_channels % groups or out_channels % groups:
            raise ValueError(
                f"groups={groups} must divide in_channels and out_channels, "
                f"got {in_channels} and {out_channels}"
            )
        self.kernel_size = ints("kernel_size", kernel_size, dims, one_for_all=dims == 1)
        self.stride = ints("stride", stride, dims)
        self.padding = parse_padding(padding, dims)
        self.dilation = ints("dilation", dilation, dims)
        _check_same_needs_stride_one(self.padding, self.stride)
        self.padding_mode = check_choice("padding_mode", padding_mode, PADDING_MODES)
        # What the non-zero padding modes add, in F.pad's order (torch keeps the same).
        self._reversed_padding_repeated_twice = edge_padding(
            self.padding, self.kernel_size, self.dilation
        )
        factory = {"device": device, "dtype": check_float_dtype("dtype", dtype)}
        shape = (out_channels, in_channels // groups, *self.kernel_size)
        self.weight = nn.Parameter(torch.empty(shape, **factory))
        if check_bool("bias", bias):
            self.bias = nn.Parameter(torch.empty(out_channels, **factory))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw fresh parameters exactly as torch does (same numbers from the same seed)."""
        fan_in = self.weight[0].numel()  # C_in / groups times the kernel's taps
        with torch.no_grad():
            # torch's kaiming_uniform_(a=sqrt(5)) written out, in its order of operations,
            # so that the bounds are the same floats: about 1/sqrt(fan_in).
            gain = math.sqrt(2.0 / (1 + math.sqrt(5) ** 2))
            bound = math.sqrt(3.0) * (gain / math.sqrt(fan_in))
            self.weight.uniform_(-bound, bound)
            if self.bias is not None:
                bound = 1 / math.sqrt(fan_in)
                self.bias.uniform_(-bound, bound)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Convolve ``input``, batched ``(N, C_in, ...)`` or one example ``(C_in, ...)``."""
        padding = self.padding
        if self.padding_mode != "zeros":
            check_rank("input", input, (self.dims + 1, self.dims + 2), _LAYOUTS[self.dims][0])
            input = _edge_pad(input, self._reversed_padding_repeated_twice, self.padding_mode)
            padding = 0
        return self.functional(
            input, self.weight, self.bias, self.stride, padding, self.dilation, self.groups
        )

    def extra_repr(self) -> str:
        """torch's text, word for word: the arguments that differ from their defaults."""
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}"
        text += f", stride={self.stride}"
        if self.padding != (0,) * len(self.padding):
            text += f", padding={self.padding}"
        if self.dilation != (1,) * len(self.dilation):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text


class Conv2d(_ConvNd):
    r"""A drop-in for `torch.nn.Conv2d`, computed by `conv2d`.

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

    dims = 2
    functional = staticmethod(conv2d)


class Conv1d(_ConvNd):
    r"""A drop-in for `torch.nn.Conv1d`, computed by `conv1d`.

    Same constructor arguments, same parameters (``weight`` of shape
    ``(out_channels, in_channels / groups, k)`` and ``bias`` of shape ``(out_channels,)``),
    same initialisation: uniform in $[-1/\sqrt{f}, 1/\sqrt{f}]$ with fan-in
    $f = \frac{C_{\mathrm{in}}}{g}\, k$, drawn in torch's order, so that the same seed gives
    the same parameters and ``load_state_dict`` works both ways. Its parameter count,
    $C_{\mathrm{out}}(C_{\mathrm{in}} k / g + 1)$, does not depend on the sequence length.

    The arguments are those of `Conv2d` with one int per axis
    instead of a pair: ``in_channels`` numbers per step, ``kernel_size`` $k$ the steps each
    kernel spans, ``padding`` an int, ``'valid'`` or ``'same'``.

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

    dims = 1
    functional = staticmethod(conv1d)
