"""What the models share: a seed that stays local, a recurrent layer by name, word lengths.

Nothing here is a model; every model module may import it, and no model imports another.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch
from torch import nn

from .._validation import (
    check_choice,
    check_indices,
    check_int,
    check_rank,
    check_seed,
    check_size,
    check_tensor,
    check_values,
    fail,
    pair,
)
from ..nn import GRU, LSTM, RNN

CELLS = {"rnn": RNN, "lstm": LSTM, "gru": GRU}


class Model(nn.Module):
    """An ``nn.Module`` that can count its own parameters."""

    def num_parameters(self) -> int:
        """How many numbers training adjusts: every element of every parameter."""
        return sum(p.numel() for p in self.parameters())


def recurrent_layer(cell: str, input_size: int, hidden_size: int) -> nn.Module:
    """A one-layer, ``batch_first`` eyememory ``RNN``, ``LSTM`` or ``GRU``, by name."""
    check_choice("cell", cell, CELLS)
    check_int("hidden_size", hidden_size)
    return CELLS[cell](input_size, hidden_size, batch_first=True)


def receptive_field(*layers: nn.Module) -> tuple[int, int]:
    """Height and width of the input patch that one output of the last of ``layers`` sees.

    The layers are 2-D convolutions or poolings, applied in order; each reads a window of
    ``kernel_size`` taps, ``dilation`` apart, and steps ``stride``. One more layer widens the
    field by its extra taps, each as many input pixels apart as one step of its own input
    (the product of the strides before it):

    $$r = 1 + \\sum_\\ell (k_\\ell - 1)\\, d_\\ell \\prod_{m < \\ell} s_m$$

    Padding does not widen it: it only moves the field, partly off the image, at the border.

    Examples:
        >>> receptive_field(nn.Conv2d(1, 1, 3), nn.MaxPool2d(2), nn.Conv2d(1, 1, 3))
        (8, 8)
        >>> receptive_field(nn.Conv2d(1, 1, (3, 5), dilation=2))
        (5, 9)
    """
    field, jump = [1, 1], [1, 1]
    for layer in layers:
        kernel = pair("kernel_size", layer.kernel_size)
        stride = pair("stride", getattr(layer, "stride", 1))
        dilation = pair("dilation", getattr(layer, "dilation", 1))
        for axis in range(2):
            field[axis] += (kernel[axis] - 1) * dilation[axis] * jump[axis]
            jump[axis] *= stride[axis]
    return field[0], field[1]


def word_embedding(vocab_size: int, embedding_dim: int, padding_idx: int) -> nn.Embedding:
    """An ``nn.Embedding`` for word ids.

    Its sizes are checked first, and that ``padding_idx`` is a word id.
    """
    check_int("vocab_size", vocab_size)
    check_int("embedding_dim", embedding_dim)
    if not 0 <= check_int("padding_idx", padding_idx, least=0) < vocab_size:
        raise fail("padding_idx", f"an index below vocab_size = {vocab_size}", padding_idx)
    return nn.Embedding(vocab_size, embedding_dim, padding_idx=padding_idx)


@contextmanager
def seeded(seed: int | None) -> Iterator[None]:
    """Within this context torch's global generator is seeded with ``seed``.

    Afterwards it is as it was.

    ``None`` leaves the global generator alone: the weights then come from its current state.
    """
    if check_seed("seed", seed, optional=True) is None:
        yield
        return
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


def sentence_lengths(ids: object, vocab_size: int, padding_idx: int) -> torch.Tensor:
    """Each sentence's real length, ``(N,)``, after checking that ``ids`` are word indices.

    Padding may only follow the words: a padding index at the start or in the middle would
    make a model read the wrong position, so it is refused.
    """
    ids = check_tensor("ids", ids)
    check_rank("ids", ids, (2,), "(N, T)")
    check_indices("ids", ids, vocab_size)
    real = ids != padding_idx  # (N, T)
    lengths = real.sum(dim=1)  # (N,)
    if (lengths == 0).any():
        empty = int((lengths == 0).nonzero()[0])
        raise fail(
            "ids", "sentences of at least one real word each", f"only padding in row {empty}"
        )
    T = ids.shape[1]
    words_first = torch.arange(T, device=ids.device).reshape(1, T) < lengths.reshape(
        -1, 1
    )  # (N, T)
    if not torch.equal(real, words_first):
        row = int((real != words_first).any(dim=1).nonzero()[0])
        raise fail(
            "ids",
            f"words first, then padding ({padding_idx}) only at the end",
            f"padding inside row {row}",
        )
    return lengths


def step_windows(windows: object, input_size: int) -> torch.Tensor:
    """Windows of a series as ``(N, T, input_size)``, after checking them.

    A plain series (``input_size`` 1) may also come as ``(N, T)``, one value per step.
    """
    layouts = "(N, T) or (N, T, 1)" if input_size == 1 else f"(N, T, {input_size})"
    rank = check_values("windows", windows, (2, 3) if input_size == 1 else (3,), layouts).dim()
    x = windows if rank == 3 else windows.unsqueeze(-1)  # (N, T, I)
    check_size("windows", x.shape[2], input_size, "features per step (dim 2)")
    return x
