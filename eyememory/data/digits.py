"""Handwritten digits as tensors, a fixed split, and shifts of a pixel or two.

The data are scikit-learn's bundled digits: 1,797 images of 8×8 pixels, grey levels
0 to 16, ten classes. They ship with scikit-learn, so nothing is downloaded. Pixels are
scaled to $[0, 1]$ and images get a channel dimension, ``(N, 1, 8, 8)``, ready for a
convolution.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from .._optional import require
from .._validation import (
    check_instance,
    check_int,
    check_number,
    check_rank,
    check_seed,
    check_tensor,
    fail,
)

CLASSES = 10
SIZE = 8


@dataclass(frozen=True)
class DigitsSplit:
    """A train/test split of the digits.

    Attributes:
        train_images: Shape ``(N_train, 1, 8, 8)``, float32 in $[0, 1]$.
        train_labels: Shape ``(N_train,)``, int64 in ``0..9``.
        test_images: Shape ``(N_test, 1, 8, 8)``.
        test_labels: Shape ``(N_test,)``.
    """

    train_images: torch.Tensor
    train_labels: torch.Tensor
    test_images: torch.Tensor
    test_labels: torch.Tensor


@lru_cache(maxsize=1)
def _arrays() -> tuple[np.ndarray, np.ndarray]:
    datasets = require("sklearn.datasets", "load_digits")
    bunch = datasets.load_digits()
    return bunch.images.astype(np.float32) / 16.0, bunch.target.astype(np.int64)


def load_digits(test_fraction: float = 0.2, seed: int = 0) -> DigitsSplit:
    """Load the digits with a stratified split: each class keeps its share in both parts.

    The same ``seed`` always gives the same split; the default (0.2, seed 0) is the one
    every page of the site uses: 1,437 training and 360 test images.

    Args:
        test_fraction: Share of the images held out for testing, in $(0, 1)$.
        seed: Seeds the shuffle before splitting.

    Returns:
        A [`DigitsSplit`][eyememory.data.digits.DigitsSplit] of fresh tensors.

    Examples:
        >>> digits = load_digits()
        >>> digits.train_images.shape, digits.test_images.shape
        (torch.Size([1437, 1, 8, 8]), torch.Size([360, 1, 8, 8]))
        >>> torch.bincount(digits.test_labels).tolist()  # 36 of each, within one
        [36, 36, 35, 37, 36, 37, 36, 36, 35, 36]
    """
    if not 0.0 < check_number("test_fraction", test_fraction) < 1.0:
        raise fail("test_fraction", "a number in (0, 1)", test_fraction)
    check_seed("seed", seed)
    images, labels = _arrays()
    model_selection = require("sklearn.model_selection", "load_digits")
    train_x, test_x, train_y, test_y = model_selection.train_test_split(
        images, labels, test_size=test_fraction, stratify=labels, random_state=seed
    )
    return DigitsSplit(
        torch.from_numpy(train_x.copy()).unsqueeze(1),  # (N_train, 1, 8, 8)
        torch.from_numpy(train_y.copy()),
        torch.from_numpy(test_x.copy()).unsqueeze(1),  # (N_test, 1, 8, 8)
        torch.from_numpy(test_y.copy()),
    )


def shift(images: torch.Tensor, dx: int, dy: int) -> torch.Tensor:
    """Move every image ``dx`` pixels right and ``dy`` pixels down, filling with zeros.

    Negative values move left and up. What moves past the border is lost, exactly as a
    digit written off-centre would be cut by the 8×8 frame.

    Args:
        images: Shape ``(..., H, W)``.
        dx: Pixels to the right (negative: left).
        dy: Pixels down (negative: up).

    Returns:
        Same shape as ``images``.

    Examples:
        >>> x = torch.arange(1.0, 10.0).reshape(3, 3)
        >>> shift(x, 1, 0).tolist()
        [[0.0, 1.0, 2.0], [0.0, 4.0, 5.0], [0.0, 7.0, 8.0]]
        >>> shift(x, 0, -1).tolist()
        [[4.0, 5.0, 6.0], [7.0, 8.0, 9.0], [0.0, 0.0, 0.0]]
    """
    check_tensor("images", images)
    if images.dim() < 2:
        raise fail("images", "at least 2-D with shape (..., H, W)", f"shape {tuple(images.shape)}")
    check_int("dx", dx, least=None)
    check_int("dy", dy, least=None)
    H, W = images.shape[-2:]
    out = torch.zeros_like(images)
    if abs(dx) >= W or abs(dy) >= H:
        return out
    out[..., max(dy, 0) : H + min(dy, 0), max(dx, 0) : W + min(dx, 0)] = images[
        ..., max(-dy, 0) : H + min(-dy, 0), max(-dx, 0) : W + min(-dx, 0)
    ]
    return out


# One pixel in each of the four directions: (dx, dy).
ONE_PIXEL_SHIFTS = {"right": (1, 0), "left": (-1, 0), "down": (0, 1), "up": (0, -1)}


@dataclass(frozen=True)
class RandomShift:
    """Augmentation: shift each image by its own random ``dx, dy`` in ``-max_shift..max_shift``.

    Pass it to [`fit`][eyememory.training.fit] as ``augment=RandomShift(2)``; it is
    called as ``augment(batch, generator)`` on each training batch, so the seed of
    ``fit`` fixes the shifts too.

    Attributes:
        max_shift: The largest shift, in pixels, along each axis.

    Examples:
        >>> batch = torch.rand(32, 1, 8, 8)
        >>> moved = RandomShift(2)(batch, torch.Generator().manual_seed(0))
        >>> moved.shape
        torch.Size([32, 1, 8, 8])
        >>> # nothing appears
        >>> bool((moved.sum(dim=(1, 2, 3)) <= batch.sum(dim=(1, 2, 3)) + 1e-5).all())
        True
    """

    max_shift: int = 2

    def __post_init__(self) -> None:
        check_int("max_shift", self.max_shift, least=0)

    def __call__(
        self, images: torch.Tensor, generator: torch.Generator | None = None
    ) -> torch.Tensor:
        """Shift a batch of shape ``(N, C, H, W)``; returns the same shape."""
        check_rank("images", images, (4,), "(N, C, H, W)")
        if generator is not None:
            check_instance("generator", generator, torch.Generator, "a torch.Generator or None")
        N, C, H, W = images.shape
        k = self.max_shift
        if k == 0 or N == 0:
            return images
        dx, dy = torch.randint(-k, k + 1, (2, N), generator=generator).to(images.device)
        # Pad by k zeros, then read each image's window at its own offset.
        padded = images.new_zeros(N, C, H + 2 * k, W + 2 * k)  # (N, C, H + 2k, W + 2k)
        padded[:, :, k : k + H, k : k + W] = images
        rows = (torch.arange(H, device=images.device) + k).reshape(1, H) - dy.reshape(
            N, 1
        )  # (N, H)
        cols = (torch.arange(W, device=images.device) + k).reshape(1, W) - dx.reshape(
            N, 1
        )  # (N, W)
        n = torch.arange(N, device=images.device).reshape(N, 1, 1, 1)
        c = torch.arange(C, device=images.device).reshape(1, C, 1, 1)
        return padded[n, c, rows.reshape(N, 1, H, 1), cols.reshape(N, 1, 1, W)]  # (N, C, H, W)
