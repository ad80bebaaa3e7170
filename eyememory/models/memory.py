"""The Memory at work: a sentence classifier and a next-step predictor, on the recurrent layers.

``Memory`` reads a sentence word by word: each word's index
becomes a vector (an embedding), the recurrent layer updates its hidden state with it,
and after the last real word a linear layer turns the state into class scores:

$$
e_t = E[w_t], \\qquad h_t = \\tanh(W_{ih}\\, e_t + b_{ih} + W_{hh}\\, h_{t-1} + b_{hh}), \\qquad
\\text{scores} = W_{o}\\, h_{T} + b_{o}
$$

where $T$ is the sentence's own length (padding after it is ignored). The default is
deliberately plain (embedding, tanh RNN, linear), small enough to rewrite in a few lines of
any language; ``cell="lstm"`` or ``"gru"`` swaps in the gated layers.

``NextStep`` does the same for numbers: it reads a window of a
series and predicts the value that comes next.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .._validation import (
    check_indices,
    check_instance,
    check_int,
    check_nonempty,
    check_rank,
    check_size,
    fail,
    shown,
)
from ._building import (
    Model,
    recurrent_layer,
    seeded,
    sentence_lengths,
    step_windows,
    word_embedding,
)


@dataclass
class MemoryTrace:
    """What a ``Memory`` thought after every word.

    Attributes:
        states: The hidden state after each word, shape ``(N, T, H)``.
        logits: The class scores it would give if the sentence ended there, ``(N, T, C)``.
        lengths: The real length of each sentence, ``(N,)``.
    """

    states: torch.Tensor
    logits: torch.Tensor
    lengths: torch.Tensor

    def __post_init__(self) -> None:
        check_rank("states", self.states, (3,), "(N, T, H)")
        check_rank("logits", self.logits, (3,), "(N, T, C)")
        check_rank("lengths", self.lengths, (1,), "(N,)")
        N, T, _H = self.states.shape
        if tuple(self.logits.shape[:2]) != (N, T):
            raise fail(
                "logits", f"shaped ({N}, {T}, C) like states", f"shape {tuple(self.logits.shape)}"
            )
        check_size("lengths", len(self.lengths), N, "length N")
        check_indices("lengths", self.lengths, T + 1, low=1)

    @property
    def probabilities(self) -> torch.Tensor:
        """Softmax of the scores after each word, ``(N, T, C)``."""
        return self.logits.softmax(dim=-1)


class Memory(Model):
    """A sentence classifier: embedding, then a recurrent layer, then a linear read-out.

    Args:
        vocab_size: Number of word indices ``V`` (index 0 is padding).
        embedding_dim: Size of each word vector ``E``.
        hidden_size: Size of the hidden state ``H``.
        num_classes: Number of classes ``C``.
        cell: ``"rnn"`` (tanh Elman RNN), ``"lstm"`` or ``"gru"``; eyememory's own layers.
        padding_idx: The index that pads short sentences; it must come after the real words.
        seed: If given, the initial weights come from this seed (the global generator is
            left as it was).

    Examples:
        >>> model = Memory(vocab_size=10, hidden_size=8, seed=0)
        >>> ids = torch.tensor([[2, 3, 4, 5], [6, 7, 0, 0]])  # the second sentence has 2 words
        >>> model(ids).shape
        torch.Size([2, 2])
        >>> trace = model.trace(ids)
        >>> trace.states.shape, trace.logits.shape
        (torch.Size([2, 4, 8]), torch.Size([2, 4, 2]))
        >>> torch.allclose(model(ids)[1], trace.logits[1, 1])  # read after its last real word
        True
    """

    def __init__(
        self,
        vocab_size: int,
        embedding_dim: int = 16,
        hidden_size: int = 32,
        num_classes: int = 2,
        cell: str = "rnn",
        padding_idx: int = 0,
        seed: int | None = None,
    ) -> None:
        super().__init__()
        self.num_classes = check_int("num_classes", num_classes)
        self.cell = cell
        self.padding_idx = padding_idx
        with seeded(seed):
            self.embedding = word_embedding(vocab_size, embedding_dim, padding_idx)
            self.rnn = recurrent_layer(cell, embedding_dim, hidden_size)
            self.head = nn.Linear(hidden_size, num_classes)

    def lengths(self, ids: torch.Tensor) -> torch.Tensor:
        """Real length of each sentence, ``(N,)``; padding may only follow the words."""
        return sentence_lengths(ids, self.embedding.num_embeddings, self.padding_idx)

    def states(self, ids: torch.Tensor) -> torch.Tensor:
        """The hidden state after every word, ``(N, T, H)`` (meaningless after the padding)."""
        out, _ = self.rnn(self.embedding(ids))  # (N, T, E) -> (N, T, H)
        return out

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """Class scores read from the state after each sentence's last real word.

        Args:
            ids: Word indices, shape ``(N, T)``, right-padded with ``padding_idx``.

        Returns:
            Scores (logits), shape ``(N, C)``.
        """
        lengths = self.lengths(ids)  # (N,)
        ids, lengths = (
            ids.to(self.embedding.weight.device),
            lengths.to(self.embedding.weight.device),
        )
        states = self.states(ids)  # (N, T, H)
        last = states[torch.arange(len(ids), device=ids.device), lengths - 1]  # (N, H)
        return self.head(last)  # (N, C)

    def trace(self, ids: torch.Tensor) -> MemoryTrace:
        """The state and the class scores after every word, to watch the Memory change its mind.

        Args:
            ids: Word indices, shape ``(N, T)`` or ``(T,)`` for one sentence.

        Returns:
            A ``MemoryTrace`` with a batch dimension.
        """
        check_rank("ids", ids, (1, 2), "(N, T) or (T,)")
        ids = ids if ids.dim() != 1 else ids.unsqueeze(0)  # (N, T)
        lengths = self.lengths(ids)
        ids = ids.to(self.embedding.weight.device)
        states = self.states(ids)  # (N, T, H)
        return MemoryTrace(states, self.head(states), lengths)  # logits (N, T, C)


class EveryWord(Model):
    """A ``Memory`` read after every word, to train on every prefix.

    Its forward pass returns the scores of ``memory.trace(ids)``, one row per word; it owns
    no weights of its own, so training it trains ``memory`` itself, whose parameter names
    stay as they were. Pair it with ``every_word_loss``.

    Examples:
        >>> memory = Memory(vocab_size=10, hidden_size=8, seed=0)
        >>> EveryWord(memory)(torch.tensor([[2, 3, 4], [5, 0, 0]])).shape
        torch.Size([2, 3, 2])
    """

    def __init__(self, memory: Memory) -> None:
        super().__init__()
        self.memory = check_instance("memory", memory, Memory, "a Memory")

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """Scores after every word, ``(N, T, C)``; the rows after a sentence's end mean nothing."""
        return self.memory.trace(ids).logits


def every_word_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Cross-entropy against a target distribution after every word, averaged over the real words.

    $$\\ell = -\\frac{1}{\\sum_{n,t,c} y_{ntc}}
    \\sum_{n,t,c} y_{ntc} \\log \\operatorname{softmax}(z_{nt})_c$$

    A target row is a distribution over the classes (a soft one, such as ``[0.5, 0.5]`` for
    "unsure", is allowed), or all zeros for padding, which then adds nothing.

    Args:
        logits: Scores after every word, ``(N, T, C)``, as ``EveryWord`` gives them.
        targets: Target probabilities, ``(N, T, C)``; each row sums to 1, or is 0 (padding).

    Returns:
        The mean loss per real word, a 0-D tensor.

    Examples:
        >>> logits = torch.zeros(1, 3, 2)  # unsure after every word
        >>> targets = torch.tensor([[[0.5, 0.5], [0.0, 1.0], [0.0, 0.0]]])  # the last is padding
        >>> round(float(every_word_loss(logits, targets)), 4)  # log 2
        0.6931
    """
    check_rank("logits", logits, (3,), "(N, T, C)")
    check_rank("targets", targets, (3,), "(N, T, C)")
    if targets.shape != logits.shape:
        raise fail(
            "targets", f"shaped like logits {tuple(logits.shape)}", f"shape {tuple(targets.shape)}"
        )
    targets = targets.to(logits.device)
    sums = targets.sum(dim=-1)  # (N, T)
    if (targets < 0).any() or not bool(((sums - 1).abs() < 1e-5).logical_or(sums == 0).all()):
        raise fail("targets", "rows of probabilities summing to 1, or all 0 for padding", "others")
    if not bool((sums > 0).any()):
        raise fail("targets", "at least one word with a target", "padding only")
    return -(targets * logits.log_softmax(dim=-1)).sum() / sums.sum()


def gradient_norms(model: Memory, ids: torch.Tensor) -> torch.Tensor:
    """How strongly the last state still depends on each word: the size of its gradient.

    For every word $t$:

    $$\\lVert \\partial h_T / \\partial x_t \\rVert_F$$

    $x_t$ is the embedding of word $t$ and $h_T$ the state after the last word. Training
    moves the weights along these gradients, so where they are tiny the model cannot learn
    from that word, however much it matters. For one sentence without padding.

    Args:
        model: A ``Memory``.
        ids: One sentence's word indices, shape ``(T,)``.

    Returns:
        The Frobenius norm of the ``(H, E)`` Jacobian for each word, shape ``(T,)``, on the
        model's device.

    Examples:
        >>> model = Memory(vocab_size=10, hidden_size=8, seed=0)
        >>> norms = gradient_norms(model, torch.tensor([2, 3, 4, 5, 6, 7]))
        >>> norms.shape, bool(norms[0] < norms[-1])  # the newest word weighs most
        (torch.Size([6]), True)
    """
    check_instance("model", model, Memory, "a Memory")
    check_rank("ids", ids, (1,), "(T,)")
    check_indices("ids", ids, model.embedding.num_embeddings)
    if len(ids) == 0 or (ids == model.padding_idx).any():
        raise fail("ids", "one non-empty sentence without padding", shown(ids.tolist()))
    ids = ids.to(model.embedding.weight.device)
    x = model.embedding(ids.unsqueeze(0)).detach().requires_grad_(True)  # (1, T, E)
    out, _ = model.rnn(x)  # (1, T, H)
    last = out[0, -1]  # (H,)
    squares = torch.zeros(len(ids), dtype=x.dtype, device=x.device)
    for unit in range(len(last)):  # one row of the Jacobian at a time
        (grad,) = torch.autograd.grad(last[unit], x, retain_graph=True)  # (1, T, E)
        squares += grad[0].pow(2).sum(dim=-1)
    return squares.sqrt().detach()


class NextStep(Model):
    """Reads a window of a series and predicts the next value: recurrence, then a linear read-out.

    A window may have any length ``T``, one step per past value; with ``input_size`` above
    1, each step reads that many numbers (the series and others beside it, such as the hour
    of the day), and the model still predicts one value.

    $$h_t = \\tanh(W_{ih}\\, x_t + b_{ih} + W_{hh}\\, h_{t-1} + b_{hh}), \\qquad
    \\hat x_{T+1} = w^\\top h_T + b$$

    Args:
        hidden_size: Size of the hidden state ``H``.
        cell: ``"rnn"``, ``"lstm"`` or ``"gru"``.
        seed: If given, the initial weights come from this seed.
        input_size: Numbers read at each step ``I``.

    Examples:
        >>> model = NextStep(hidden_size=8, seed=0)
        >>> windows = torch.randn(5, 20)  # 5 windows of 20 past values
        >>> model(windows).shape
        torch.Size([5])
        >>> with_hour = NextStep(hidden_size=8, input_size=2, seed=0)  # value and hour each step
        >>> with_hour(torch.randn(5, 24, 2)).shape
        torch.Size([5])
    """

    def __init__(
        self,
        hidden_size: int = 16,
        cell: str = "rnn",
        seed: int | None = None,
        *,
        input_size: int = 1,
    ) -> None:
        super().__init__()
        self.input_size = check_int("input_size", input_size)
        with seeded(seed):
            self.rnn = recurrent_layer(cell, input_size, hidden_size)
            self.head = nn.Linear(hidden_size, 1)

    def forward(self, windows: torch.Tensor) -> torch.Tensor:
        """Predict the value after each window.

        Args:
            windows: Past values, shape ``(N, T, I)``, or ``(N, T)`` when ``input_size`` is 1.

        Returns:
            Predictions, shape ``(N,)``.
        """
        x = step_windows(windows, self.input_size)  # (N, T, I)
        check_nonempty("windows", x, "at least one past value")
        x = x.to(self.head.weight.device)
        out, _ = self.rnn(x)  # (N, T, H)
        return self.head(out[:, -1]).squeeze(-1)  # (N,)
