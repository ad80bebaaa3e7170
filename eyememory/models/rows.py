r"""An image read as a sequence, and an image with its pixels shuffled: what each network relies on.

An 8×8 digit is a grid, but nothing stops the Memory from reading it as a sequence: one
row per step, top to bottom, eight numbers per step. ``RowMemory`` does that, for images
of any height and of ``width`` pixels per row, with the recurrence of the Memory chapter:

$$
h_r = \tanh(W_{ih}\, x_r + b_{ih} + W_{hh}\, h_{r-1} + b_{hh}), \qquad
\text{scores} = W_o\, h_H + b_o
$$

where $x_r$ is row $r$ of the image (its $W$ pixels in each of its $C$ channels) and $h_H$
the state after the last row.

``shuffle_pixels`` puts the pixels of every image in one fixed random order
(``pixel_order``), the same for all images.
Nothing is lost (the order can be undone), yet neighbours are no longer next to each other:
a network that relies on neighbourhoods (the Eye) or on order (the Memory) loses its
advantage, while a plain MLP, which never looked at either, cannot tell the difference.
"""

from __future__ import annotations

import torch
from torch import nn

from .._validation import (
    check_indices,
    check_int,
    check_rank,
    check_seed,
    check_size,
    check_tensor,
    check_values,
    fail,
    pair,
    shown,
)
from ._building import Model, recurrent_layer, seeded


class RowMemory(Model):
    """The Memory reading an image row by row: a recurrent layer over the rows, then a linear
    read-out.

    It reads images ``(N, C, H, W)`` of any height ``H``: one step per row, top row first,
    each step the ``C·W`` numbers of one row (every channel of it). Grey images may also
    come as ``(N, H, W)``.

    Args:
        width: Pixels per row $W$.
        hidden_size: Size of the hidden state.
        num_classes: Number of outputs.
        cell: ``"rnn"`` (tanh), ``"lstm"`` or ``"gru"``; eyememory's own layers.
        seed: If given, the initial weights come from this seed (the global generator is
            left as it was).
        in_channels: Channels of every image $C$: 1 for grey, 3 for colour.

    Examples:
        >>> model = RowMemory(width=8, hidden_size=46, seed=0)
        >>> model(torch.rand(5, 1, 8, 8)).shape  # (N, C=1, H, W): H steps of W pixels
        torch.Size([5, 10])
        >>> model.num_parameters()  # recurrence 8*46 + 46*46 + 2*46, read-out 46*10 + 10
        3046
        >>> model(torch.rand(5, 1, 20, 8)).shape  # taller images are just longer sequences
        torch.Size([5, 10])
        >>> colour = RowMemory(width=13, num_classes=2, in_channels=3)  # 3·13 numbers a step
        >>> colour(torch.rand(5, 3, 9, 13)).shape
        torch.Size([5, 2])
    """

    def __init__(
        self,
        width: int = 8,
        hidden_size: int = 46,
        num_classes: int = 10,
        cell: str = "rnn",
        seed: int | None = None,
        *,
        in_channels: int = 1,
    ) -> None:
        super().__init__()
        self.width = check_int("width", width)
        self.num_classes = check_int("num_classes", num_classes)
        self.in_channels = check_int("in_channels", in_channels)
        with seeded(seed):
            self.rnn = recurrent_layer(cell, in_channels * width, hidden_size)
            self.head = nn.Linear(hidden_size, num_classes)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Scores ``(N, num_classes)`` for images ``(N, C, H, W)``, or ``(N, H, W)`` when
        ``in_channels`` is 1.

        The images are read top row first.
        """
        C = self.in_channels
        layouts = f"(N, {C}, H, W)" + (" or (N, H, W)" if C == 1 else "")
        rank = check_values("images", images, (3, 4) if C == 1 else (4,), layouts).dim()
        if rank == 3:
            images = images.unsqueeze(1)  # (N, 1, H, W)
        N, C, H, W = images.shape
        check_size("images", C, self.in_channels, "channels (dim 1)")
        check_size("images", W, self.width, "pixels per row (last dim)")
        if H == 0:
            raise fail("images", "at least one row", "0 rows")
        rows = images.transpose(1, 2).reshape(N, H, C * W)  # (N, H, C·W): row r, every channel
        out, _ = self.rnn(rows.to(self.head.weight.device))  # (N, H, hidden): after each row
        return self.head(out[:, -1])  # (N, num_classes)


def pixel_order(size: int | tuple[int, int] = 8, seed: int = 0) -> torch.Tensor:
    """A fixed random order of the pixels of an ``H × W`` image, for ``shuffle_pixels``.

    It is a permutation of ``0 .. H·W - 1``; ``size`` is ``(H, W)``, or one int for a square.

    Examples:
        >>> order = pixel_order(8, seed=0)
        >>> order.shape, sorted(order.tolist()) == list(range(64))
        (torch.Size([64]), True)
        >>> pixel_order((9, 13)).shape  # for images of 9 rows of 13 pixels
        torch.Size([117])
    """
    H, W = pair("size", size)
    check_seed("seed", seed)
    return torch.randperm(H * W, generator=torch.Generator().manual_seed(seed))


def shuffle_pixels(images: torch.Tensor, order: torch.Tensor) -> torch.Tensor:
    """Put the pixels of every image in the same fixed ``order``; the shape stays ``(..., H, W)``.

    Pixel ``k`` of the result (counting row by row) is pixel ``order[k]`` of the input, so
    ``shuffle_pixels(x, order.argsort())`` undoes ``shuffle_pixels(x, order)``.

    Args:
        images: Shape ``(..., H, W)``.
        order: A permutation of ``0 .. H·W - 1``, shape ``(H·W,)``.

    Returns:
        Shape ``(..., H, W)``, the same numbers in new places.

    Examples:
        >>> x = torch.arange(4.0).reshape(1, 2, 2)
        >>> shuffle_pixels(x, torch.tensor([3, 2, 1, 0])).tolist()
        [[[3.0, 2.0], [1.0, 0.0]]]
        >>> order = pixel_order(8)
        >>> digits = torch.rand(5, 1, 8, 8)
        >>> torch.equal(shuffle_pixels(shuffle_pixels(digits, order), order.argsort()), digits)
        True
    """
    check_tensor("images", images)
    if images.dim() < 2:
        raise fail("images", "at least 2-D with shape (..., H, W)", f"shape {tuple(images.shape)}")
    check_rank("order", order, (1,), "(H·W,)")
    *lead, H, W = images.shape
    check_size("order", len(order), H * W, "length H·W")
    check_indices("order", order, H * W)
    if not torch.equal(order.sort().values.cpu(), torch.arange(H * W)):
        raise fail("order", f"a permutation of 0 .. {H * W - 1}", shown(order.tolist()))
    flat = images.reshape(*lead, H * W)  # (..., H·W), row by row
    return flat[..., order.to(images.device)].reshape(*lead, H, W)  # (..., H, W)
