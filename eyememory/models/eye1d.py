r"""The Eye on a sequence: 1-D convolutional models for sentences and for series.

``WordEye`` reads a sentence the way the Eye reads a digit: each
word becomes a vector, kernels of $k$ words slide along the sentence, and a global max over
the positions keeps *whether* each pattern appeared, not *where*:

$$
e_t = E[w_t], \qquad
a_{o,t} = \operatorname{ReLU}\Big(b_o +
\sum_{c, m} W[o, c, m]\; e_{t + m - \lfloor k/2 \rfloor, c}\Big),
\qquad \text{scores} = W_{\mathrm{out}} \max_{t < T} a_{:, t} + b_{\mathrm{out}}
$$

Positions past a sentence's end are set to zero after every layer, exactly as the
convolution's own zero padding is, so the answer does not depend on how much padding a
batch adds. With several layers (``dilations``), layer $\ell$ spreads its taps $d_\ell$ words
apart and the model sees a window of $1 + (k - 1)\sum_\ell d_\ell$ words, its
``WordEye.reach``: a pattern longer than that is invisible to it,
however the weights are trained.

``SeriesEye`` reads a window of a series with one layer of
kernels and keeps their whole output map (a *flatten* head, as in the Eye chapter), because
for a forecast *where* in the window a pattern sits matters: the newest values count most.

Both are built on ``Conv1d``, the package's own 1-D convolution.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from .._validation import check_int, check_ints, check_size, fail
from ..nn import Conv1d
from ._building import Model, seeded, sentence_lengths, step_windows, word_embedding


class WordEye(Model):
    """A sentence classifier: embedding, 1-D convolutions over the words, global max, linear.

    Args:
        vocab_size: Number of word indices ``V`` (index 0 is padding).
        embedding_dim: Size of each word vector ``E``.
        channels: Kernels per layer ``C``.
        kernel_size: Words each kernel spans ``k`` (odd, so that position ``t`` is its centre).
        dilations: One entry per layer: the spacing of that layer's taps.
        num_classes: Number of classes.
        padding_idx: The id that fills a short sentence out to the batch's length, after
            its words.
        seed: Seeds the initial weights alone; torch's global generator is left untouched.

    Examples:
        >>> model = WordEye(vocab_size=10, channels=8, seed=0)
        >>> ids = torch.tensor([[2, 3, 4], [5, 6, 0], [7, 0, 0]])  # 3, 2 and 1 real words
        >>> model(ids).shape  # two class scores per sentence
        torch.Size([3, 2])
        >>> model.reach  # one layer of 3-word kernels sees 3 words at a time
        3
        >>> WordEye(vocab_size=10, channels=8, dilations=(1, 2, 4)).reach  # 1 + 2 * (1 + 2 + 4)
        15
        >>> longer = torch.tensor([[5, 6, 0, 0, 0, 0]])  # more padding changes nothing
        >>> torch.allclose(model(longer), model(ids[1:2]))
        True
    """

    def __init__(
        self,
        vocab_size: int,
        embedding_dim: int = 16,
        channels: int = 32,
        kernel_size: int = 3,
        dilations: Sequence[int] = (1,),
        num_classes: int = 2,
        padding_idx: int = 0,
        seed: int | None = None,
    ) -> None:
        super().__init__()
        check_int("channels", channels)
        self.num_classes = check_int("num_classes", num_classes)
        if check_int("kernel_size", kernel_size) % 2 == 0:
            raise fail("kernel_size", "an odd positive int", kernel_size)
        dilations = check_ints("dilations", dilations)
        self.padding_idx, self.kernel_size, self.dilations = padding_idx, kernel_size, dilations
        with seeded(seed):
            self.embedding = word_embedding(vocab_size, embedding_dim, padding_idx)
            sizes = [embedding_dim] + [channels] * len(dilations)
            self.convs = nn.ModuleList(
                Conv1d(c_in, c_out, kernel_size, padding="same", dilation=d)
                for c_in, c_out, d in zip(sizes[:-1], sizes[1:], dilations, strict=True)
            )
            self.head = nn.Linear(channels, num_classes)

    @property
    def reach(self) -> int:
        """How many neighbouring words one output position sees.

        That is $1 + (k - 1)\\sum_\\ell d_\\ell$.
        """
        return 1 + (self.kernel_size - 1) * sum(self.dilations)

    def lengths(self, ids: torch.Tensor) -> torch.Tensor:
        """Real length of each sentence, ``(N,)``; padding may only follow the words."""
        return sentence_lengths(ids, self.embedding.num_embeddings, self.padding_idx)

    def features(self, ids: torch.Tensor) -> torch.Tensor:
        """The last layer's map after the ReLU, zero past each sentence's end: ``(N, C, T)``."""
        lengths = self.lengths(ids)  # (N,)
        ids, lengths = (
            ids.to(self.embedding.weight.device),
            lengths.to(self.embedding.weight.device),
        )
        N, T = ids.shape
        steps = torch.arange(T, device=ids.device).reshape(1, 1, T)  # (1, 1, T)
        real = steps < lengths.reshape(N, 1, 1)  # (N, 1, T)
        x = self.embedding(ids).transpose(1, 2)  # (N, E, T): words along the last axis
        for conv in self.convs:
            # Zero past the end after every layer, as the convolution's own padding is:
            # then extra padding in a batch changes nothing.
            x = torch.relu(conv(x)) * real  # (N, C, T)
        return x  # after a ReLU, 0 never beats a real position in the max

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """Class scores ``(N, num_classes)`` from word indices ``(N, T)``.

        The sentences are right-padded with ``padding_idx``.
        """
        return self.head(self.features(ids).amax(dim=2))  # (N, C) -> (N, num_classes)


class SeriesEye(Model):
    """Next-value forecaster: one layer of 1-D kernels over a window, ReLU, then a linear
    read-out of the whole map.

    The read-out weighs every position of the map, so every window must have the length
    ``window`` it was built for. With ``in_channels`` above 1, each step holds that many
    numbers (the series and others beside it), and the kernels span all of them.

    $$
    a_{o,t} = \\operatorname{ReLU}\\Big(b_o + \\sum_{m=0}^{k-1} w_{o,m}\\, x_{t+m}\\Big),
    \\qquad \\hat x_{T+1} = \\sum_{o,t} v_{o,t}\\, a_{o,t} + c
    $$

    Args:
        window: Past values per example ``T``.
        channels: Kernels ``C``.
        kernel_size: Steps each kernel spans ``k``.
        seed: If given, the initial weights come from this seed.
        in_channels: Numbers per step ``I``: 1 for a plain series.

    Examples:
        >>> model = SeriesEye(window=20, channels=136, kernel_size=5, seed=0)
        >>> model(torch.randn(7, 20)).shape  # 7 windows of 20 past values
        torch.Size([7])
        >>> model.num_parameters()  # kernels 136 * (5 + 1), read-out 136 * 16 + 1
        2993
        >>> two = SeriesEye(window=48, channels=8, kernel_size=3, in_channels=2, seed=0)
        >>> two(torch.randn(7, 48, 2)).shape  # 7 windows of 48 steps, 2 numbers each
        torch.Size([7])
    """

    def __init__(
        self,
        window: int = 20,
        channels: int = 136,
        kernel_size: int = 5,
        seed: int | None = None,
        *,
        in_channels: int = 1,
    ) -> None:
        super().__init__()
        check_int("window", window)
        check_int("channels", channels)
        if check_int("kernel_size", kernel_size) > window:
            raise fail("kernel_size", f"at most the window = {window}", kernel_size)
        self.window = window
        self.in_channels = check_int("in_channels", in_channels)
        with seeded(seed):
            self.conv = Conv1d(in_channels, channels, kernel_size)
            self.head = nn.Linear(channels * (window - kernel_size + 1), 1)

    def forward(self, windows: torch.Tensor) -> torch.Tensor:
        """Predict the value after each window; returns ``(N,)``.

        The windows have shape ``(N, T, I)``, or ``(N, T)`` when ``in_channels`` is 1.
        """
        windows = step_windows(windows, self.in_channels)  # (N, T, I)
        check_size("windows", windows.shape[1], self.window, "steps per window (dim 1)")
        x = windows.to(self.head.weight.device).transpose(1, 2)  # (N, I, T): steps last
        maps = torch.relu(self.conv(x))  # (N, C, T - k + 1)
        return self.head(maps.flatten(start_dim=1)).squeeze(-1)  # (N,)
