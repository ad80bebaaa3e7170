"""The article's two first sketches, written anew: one Eye layer and one Memory layer.

These are the smallest honest versions of each idea, built on PyTorch's own layers.
The chapters take them apart and rebuild them from scratch.
"""

from __future__ import annotations

import torch
from torch import nn

from .._validation import check_int, check_size, check_values, fail, pair
from ._building import Model, seeded


class ArticleCNN(Model):
    """One convolution that looks at 3×3 squares of a colour image.

    Sixteen kernels, each a 3×3×3 pattern matcher (3 rows, 3 columns, 3 colours), slide
    over the image; with no padding and stride 1, an image of ``H × W`` pixels gives
    feature maps of ``(H - 2) × (W - 2)``. Every size is an argument, today's the default:
    ``C`` channels, ``K`` kernels of ``k_h × k_w`` give ``K`` maps of
    $(H - k_h + 1) \\times (W - k_w + 1)$.

    Args:
        seed: If given, the initial weights come from this seed (the global generator is
            left as it was).
        in_channels: Channels of every image ``C``: 3 for colour, 1 for grey.
        out_channels: Kernels ``K``, one feature map each.
        kernel_size: Rows and columns each kernel spans: one int for a square, or
            ``(k_h, k_w)``.

    Examples:
        >>> eye = ArticleCNN(seed=0)
        >>> eye(torch.randn(1, 3, 32, 32)).shape
        torch.Size([1, 16, 30, 30])
        >>> sum(p.numel() for p in eye.parameters())  # 16 * 3 * 3 * 3 weights + 16 biases
        448
        >>> grey = ArticleCNN(in_channels=1, out_channels=4, kernel_size=5, seed=0)
        >>> grey(torch.randn(2, 1, 8, 8)).shape
        torch.Size([2, 4, 4, 4])
    """

    def __init__(
        self,
        seed: int | None = None,
        *,
        in_channels: int = 3,
        out_channels: int = 16,
        kernel_size: int | tuple[int, int] = 3,
    ) -> None:
        super().__init__()
        check_int("in_channels", in_channels)
        check_int("out_channels", out_channels)
        kernel = pair("kernel_size", kernel_size)
        with seeded(seed):
            self.conv = nn.Conv2d(in_channels, out_channels, kernel)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Slide the sixteen kernels over the images.

        Args:
            images: Shape ``(N, C, H, W)``, with ``H >= k_h`` and ``W >= k_w``.

        Returns:
            Feature maps, shape ``(N, K, H - k_h + 1, W - k_w + 1)``.
        """
        check_values("images", images, (4,), f"(N, {self.conv.in_channels}, H, W)")
        _N, C, H, W = images.shape
        check_size("images", C, self.conv.in_channels, "channels (dim 1)")
        kernel = self.conv.kernel_size
        if kernel[0] > H or kernel[1] > W:
            fits = f"{kernel[0]}×{kernel[1]}"
            raise fail("images", f"at least {fits} to fit a {fits} kernel", f"{H}×{W}")
        return self.conv(images)  # (N, K, H - k_h + 1, W - k_w + 1)


class ArticleRNN(Model):
    """One recurrent layer that reads a batch of sequences and keeps a hidden state.

    At every step $t$ the new state mixes the current input with the previous state:
    $h_t = \\tanh(W_{\\mathrm{ih}} x_t + b_{\\mathrm{ih}} +
    W_{\\mathrm{hh}} h_{t-1} + b_{\\mathrm{hh}})$.

    Args:
        input_size: Features per step, ``I``.
        hidden_size: Size of the hidden state, ``H``.
        seed: If given, the initial weights come from this seed.

    Examples:
        >>> memory = ArticleRNN(input_size=8, hidden_size=16, seed=0)
        >>> out, hidden = memory(torch.randn(4, 10, 8))  # 4 sequences of 10 steps
        >>> out.shape, hidden.shape
        (torch.Size([4, 10, 16]), torch.Size([1, 4, 16]))
        >>> torch.allclose(out[:, -1], hidden[0])  # the last output is the final state
        True
        >>> sum(p.numel() for p in memory.parameters())  # 16*8 + 16*16 + 16 + 16
        416
    """

    def __init__(self, input_size: int, hidden_size: int, seed: int | None = None) -> None:
        super().__init__()
        check_int("input_size", input_size)
        check_int("hidden_size", hidden_size)
        with seeded(seed):
            self.rnn = nn.RNN(input_size, hidden_size, batch_first=True)

    def forward(self, sequences: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Read the sequences step by step.

        Args:
            sequences: Shape ``(N, T, I)``: batch, time steps, features per step.

        Returns:
            ``(out, hidden)``: every step's state, shape ``(N, T, H)``, and the final
            state, shape ``(1, N, H)`` (one layer).
        """
        check_values("sequences", sequences, (3,), "(N, T, I)")
        _N, T, I = sequences.shape
        check_size("sequences", I, self.rnn.input_size, "features per step (dim 2)")
        if T == 0:
            raise fail("sequences", "at least one time step", "0 steps")
        out, hidden = self.rnn(sequences)  # (N, T, H), (1, N, H)
        return out, hidden
