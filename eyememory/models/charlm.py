"""A character-level language model: the Memory writing text, one character at a time.

The model reads characters and, after each one, scores every character that could come
next. Trained on text, it learns spelling, spacing and which words follow which, all kept
in its hidden state. Generation feeds its own choices back in:

$$
h_t = \\operatorname{cell}(E[c_t],\\ h_{t-1}), \\qquad
P(c_{t+1} = k \\mid c_{\\le t}) = \\operatorname{softmax}\\big((W_o h_t + b_o) / \\tau\\big)_k
$$

where $\\tau$ is the sampling temperature: below 1 the model plays safe, above 1 it takes
risks.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from .._validation import (
    check_indices,
    check_instance,
    check_int,
    check_number,
    check_rank,
    check_seed,
    check_size,
    fail,
)
from ..data.text import Vocabulary
from ._building import Model, recurrent_layer, seeded

State = torch.Tensor | tuple[torch.Tensor, torch.Tensor] | None


def char_vocabulary(text: str) -> Vocabulary:
    """A [`Vocabulary`][eyememory.data.text.Vocabulary] of the characters of ``text``.

    It decodes without spaces.

    Examples:
        >>> vocab = char_vocabulary("abba")
        >>> vocab.encode("ab"), vocab.decode([2, 3, 3])
        ([2, 3], 'abb')
    """
    return Vocabulary.build([text], tokenizer=list, separator="")


def text_windows(
    text: str, vocab: Vocabulary, length: int, stride: int | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Cut ``text`` into training pairs: ``length`` characters, and the same shifted by one.

    Args:
        text: The training text.
        vocab: Its character vocabulary.
        length: Characters per window ``T``.
        stride: Characters between window starts; ``length`` (no overlap) by default.

    Returns:
        ``(inputs, targets)``, both ``(M, T)``; ``targets[i, t]`` is the character after
        ``inputs[i, t]``.

    Examples:
        >>> vocab = char_vocabulary("abcdefg")
        >>> inputs, targets = text_windows("abcdefg", vocab, length=3)
        >>> vocab.decode(inputs[0]), vocab.decode(targets[0]), inputs.shape
        ('abc', 'bcd', torch.Size([2, 3]))
    """
    check_instance("text", text, str, "a str")
    check_instance("vocab", vocab, Vocabulary, "a Vocabulary")
    ids = torch.tensor(vocab.encode(text), dtype=torch.long)  # (len(text),)
    if check_int("length", length) >= len(ids):
        raise fail("length", f"below the text's {len(ids)} characters", length)
    stride = length if stride is None else check_int("stride", stride)
    windows = ids.unfold(0, length + 1, stride)  # (M, T + 1)
    return windows[:, :-1], windows[:, 1:]


def sequence_cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: ``logits (N, T, V)``, ``targets (N, T)``."""
    check_rank("logits", logits, (3,), "(N, T, V)")
    N, T, V = logits.shape
    check_rank("targets", targets, (2,), "(N, T)")
    if tuple(targets.shape) != (N, T):
        raise fail("targets", f"shaped ({N}, {T}) like logits", f"shape {tuple(targets.shape)}")
    check_indices("targets", targets, V)
    return F.cross_entropy(logits.reshape(N * T, V), targets.reshape(N * T))


class CharLM(Model):
    """Embedding, one recurrent layer, and a linear layer scoring the next character.

    Args:
        vocab_size: Number of characters ``V`` (with ``<pad>`` and ``<unk>``).
        embedding_dim: Size of each character vector ``E``.
        hidden_size: Size of the hidden state ``H``.
        cell: ``"rnn"``, ``"lstm"`` or ``"gru"``.
        seed: If given, the initial weights come from this seed.

    Examples:
        >>> model = CharLM(vocab_size=30, hidden_size=16, seed=0)
        >>> model(torch.randint(2, 30, (4, 10))).shape  # (N, T, V)
        torch.Size([4, 10, 30])
    """

    def __init__(
        self,
        vocab_size: int,
        embedding_dim: int = 16,
        hidden_size: int = 64,
        cell: str = "rnn",
        seed: int | None = None,
    ) -> None:
        super().__init__()
        check_int("vocab_size", vocab_size)
        check_int("embedding_dim", embedding_dim)
        with seeded(seed):
            self.embedding = nn.Embedding(vocab_size, embedding_dim)
            self.rnn = recurrent_layer(cell, embedding_dim, hidden_size)
            self.head = nn.Linear(hidden_size, vocab_size)

    def step(self, ids: torch.Tensor, state: State = None) -> tuple[torch.Tensor, State]:
        """Read ``ids`` ``(N, T)`` from ``state``.

        Returns the scores ``(N, T, V)`` and the new state.
        """
        check_rank("ids", ids, (2,), "(N, T)")
        check_indices("ids", ids, self.embedding.num_embeddings)
        out, state = self.rnn(self.embedding(ids), state)  # (N, T, H)
        return self.head(out), state  # (N, T, V)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """Scores for the character after each position, ``(N, T, V)``."""
        return self.step(ids)[0]


@torch.no_grad()
def sample(
    model: CharLM,
    vocab: Vocabulary,
    prompt: str,
    length: int,
    temperature: float = 1.0,
    seed: int = 0,
) -> str:
    """Continue ``prompt`` by ``length`` characters, each drawn from the model's prediction.

    Args:
        model: A trained [`CharLM`][eyememory.models.charlm.CharLM].
        vocab: The vocabulary it was trained with.
        prompt: The text to start from (at least one character).
        length: How many characters to add.
        temperature: Divides the scores before the softmax.
        seed: Seeds the draws: same seed, same text.

    Returns:
        ``prompt`` followed by the generated characters.
    """
    check_instance("model", model, CharLM, "a CharLM")
    check_instance("vocab", vocab, Vocabulary, "a Vocabulary")
    check_size(
        "vocab",
        len(vocab),
        model.embedding.num_embeddings,
        "as many tokens as the model's vocab_size",
    )
    if not check_instance("prompt", prompt, str, "a str") or not vocab.encode(prompt):
        raise fail("prompt", "a str of at least one character", repr(prompt))
    check_int("length", length, least=0)
    check_number("temperature", temperature, 0.0, open_low=True)
    check_seed("seed", seed)
    model.eval()
    device = next(model.parameters()).device
    generator = torch.Generator(device="cpu").manual_seed(seed)
    ids = torch.tensor([vocab.encode(prompt)], device=device)  # (1, len(prompt))
    logits, state = model.step(ids)
    chosen = []
    for _ in range(length):
        probabilities = F.softmax(logits[0, -1].float().cpu() / temperature, dim=-1)  # (V,)
        probabilities[vocab.pad_index] = 0.0  # never emit padding
        token = int(torch.multinomial(probabilities, 1, generator=generator))
        chosen.append(token)
        logits, state = model.step(torch.tensor([[token]], device=device), state)
    return prompt + vocab.decode(chosen)
