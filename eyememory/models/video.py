r"""Both at once: an Eye on every frame, a Memory over the frames.

A video is a grid at every step of a sequence, shape ``(N, T, C, H, W)``. The classic
recipe gives each shape its network: the same small CNN looks at every frame and turns it
into a vector of features, and an RNN reads those vectors in order:

$$
f_t = \operatorname{flatten}\big(\operatorname{MaxPool}(\operatorname{ReLU}(K \star x_t + b))\big)
$$

$$
h_t = \tanh(W_{ih}\, f_t + b_{ih} + W_{hh}\, h_{t-1} + b_{hh}), \qquad
\text{scores} = W_o\, h_T + b_o
$$

where $x_t$ is frame $t$, $K \star$ the convolution with kernels $K$, $f_t$ the frame's
features and $h_t$ the Memory's state after it.

The Eye's weights are shared across positions *and* across frames; the Memory's across
frames. ``moving_digits`` makes clips in which only the
order of the frames carries the answer: a digit sliding left or right. Every single frame,
and the set of frames, is the same for a clip and its reverse; only the Memory can tell
them apart.
"""

from __future__ import annotations

import torch
from torch import nn

from .._validation import check_int, check_rank, check_seed, check_size, check_values, fail, pair
from ..data.digits import shift
from ..nn import Conv2d, MaxPool2d
from ._building import Model, recurrent_layer, seeded


class EyeMemory(Model):
    """A CNN per frame, then an RNN over the frames, then a linear read-out.

    Per frame: a 3×3 convolution (padding 1), ReLU, 2×2 max pooling, flatten. The pooled
    map is flattened rather than globally pooled, so that *where* the frame's features are
    survives, and the Memory can compare positions from frame to frame.

    Args:
        in_channels: Channels per frame ``C``.
        frame_size: ``(H, W)`` of every frame, both even.
        channels: Kernels of the per-frame convolution ``K``.
        hidden_size: Size of the Memory's state.
        num_classes: Number of outputs.
        cell: ``"rnn"``, ``"lstm"`` or ``"gru"``.
        seed: If given, the initial weights come from this seed.

    Examples:
        >>> model = EyeMemory(frame_size=(8, 8), channels=4, hidden_size=16, seed=0)
        >>> clips = torch.rand(2, 5, 1, 8, 8)  # (N, T, C, H, W): 2 clips, 5 frames
        >>> model.frame_features(clips).shape  # (N, T, K·H/2·W/2): one per frame
        torch.Size([2, 5, 64])
        >>> model(clips).shape
        torch.Size([2, 2])
        >>> model.num_parameters()  # Eye 4*9 + 4, Memory 64*16 + 16*16 + 2*16, read-out 16*2 + 2
        1386
    """

    def __init__(
        self,
        in_channels: int = 1,
        frame_size: tuple[int, int] = (8, 8),
        channels: int = 4,
        hidden_size: int = 16,
        num_classes: int = 2,
        cell: str = "rnn",
        seed: int | None = None,
    ) -> None:
        super().__init__()
        self.in_channels = check_int("in_channels", in_channels)
        check_int("channels", channels)
        self.num_classes = check_int("num_classes", num_classes)
        H, W = pair("frame_size", frame_size)
        if H < 2 or W < 2 or H % 2 or W % 2:
            raise fail("frame_size", "two even ints >= 2", (H, W))
        self.frame_size = (H, W)
        with seeded(seed):
            self.conv = Conv2d(in_channels, channels, kernel_size=3, padding=1)
            self.pool = MaxPool2d(2)
            self.rnn = recurrent_layer(cell, channels * (H // 2) * (W // 2), hidden_size)
            self.head = nn.Linear(hidden_size, num_classes)

    def _check(self, clips: torch.Tensor) -> None:
        check_values("clips", clips, (5,), "(N, T, C, H, W)")
        check_size("clips", clips.shape[2], self.in_channels, "channels (dim 2)")
        if tuple(clips.shape[3:]) != self.frame_size:
            H, W = self.frame_size
            raise fail("clips", f"frames of {H}×{W}", f"{clips.shape[3]}×{clips.shape[4]}")
        if clips.shape[1] == 0:
            raise fail("clips", "at least one frame", "0 frames")

    # --8<-- [start:frames]
    def frame_features(self, clips: torch.Tensor) -> torch.Tensor:
        """The Eye on every frame: ``(N, T, F)`` from ``(N, T, C, H, W)``."""
        self._check(clips)
        N, T, C, H, W = clips.shape
        clips = clips.to(self.head.weight.device)
        frames = clips.reshape(N * T, C, H, W)  # (N·T, C, H, W): all frames
        maps = self.pool(torch.relu(self.conv(frames)))  # (N·T, K, H/2, W/2)
        return maps.reshape(N, T, -1)  # (N, T, F) with F = K·H/2·W/2

    def forward(self, clips: torch.Tensor) -> torch.Tensor:
        """Scores ``(N, num_classes)``, read from the state after the last frame."""
        out, _ = self.rnn(self.frame_features(clips))  # (N, T, hidden)
        return self.head(out[:, -1])  # (N, num_classes)

    # --8<-- [end:frames]


def moving_digits(
    images: torch.Tensor, frames: int = 3, step: int = 1, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Clips of each image sliding ``step`` pixels per frame, to the right (label 1) or left
    (label 0).

    Frame $t$ shows the image moved by $\\pm\\,\\text{step}\\,(t - \\lfloor T/2 \\rfloor)$
    pixels, so the middle frame is the image itself. A clip played backwards is a clip of the
    other direction: the same frames, in the opposite order, with the opposite label.

    Args:
        images: Shape ``(N, C, H, W)``.
        frames: Frames per clip ``T``.
        step: Pixels moved per frame.
        seed: Seeds the directions (a private generator: the global one is untouched).

    Returns:
        ``(clips, labels)``: shapes ``(N, T, C, H, W)`` and ``(N,)``.

    Examples:
        >>> images = torch.rand(6, 1, 8, 8)
        >>> clips, labels = moving_digits(images, frames=3, seed=0)
        >>> clips.shape, labels.tolist()
        (torch.Size([6, 3, 1, 8, 8]), [0, 1, 1, 0, 1, 1])
        >>> torch.equal(clips[:, 1], images)  # the middle frame is the image itself
        True
        >>> torch.equal(clips[1, 0], shift(images[1], -1, 0))  # moving right: starts 1 px left
        True
    """
    check_rank("images", images, (4,), "(N, C, H, W)")
    check_int("frames", frames)
    check_int("step", step)
    check_seed("seed", seed)
    labels = torch.randint(0, 2, (len(images),), generator=torch.Generator().manual_seed(seed))
    direction = 2 * labels - 1  # +1 right, -1 left
    clips = []
    for t in range(frames):
        offset = step * (t - frames // 2)
        right, left = shift(images, offset, 0), shift(images, -offset, 0)  # (N, C, H, W) each
        clips.append(torch.where(direction.reshape(-1, 1, 1, 1) > 0, right, left))
    return torch.stack(clips, dim=1), labels  # (N, T, C, H, W), (N,)
