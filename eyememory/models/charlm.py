"""A character-level language model: the Memory writing text, one character at a time.

The model reads characters and, after each one, scores every character that could come
next. Trained on text, it learns spelling, spacing and which words follow which, all kept
in its hidden state. The whole path takes five calls:

1. ``char_vocabulary(text)``: one index per character of the text;
2. ``text_windows(text, vocab, length)``: windows of ``length`` characters, each paired
   with the same window shifted by one, the character to predict at every position;
3. ``CharLM(len(vocab))``: embedding, recurrent layer, linear read-out;
4. ``fit(model, inputs, targets, loss_fn=sequence_cross_entropy)``: training;
5. ``sample(model, vocab, prompt, length)``: the model writes.

Training and writing feed the model differently. In training the input at every step is
the true character of the text, whatever the model predicted the step before (this is
called teacher forcing): one pass over a window scores all its positions at once. In
writing there is no text to copy, so the character the model drew at one step is its
input at the next: its own mistakes then become its input, something it never saw in
training.

After reading characters $c_1 \\dots c_t$ the model holds a state $h_t$ and draws the
next character from a softmax of its scores divided by the temperature $\\tau$:

$$
h_t = \\operatorname{cell}(E[c_t],\\ h_{t-1}), \\qquad
P(c_{t+1} = k \\mid c_{\\le t}) = \\operatorname{softmax}\\big((W_o h_t + b_o) / \\tau\\big)_k
$$

where ``E`` is the embedding and ``cell`` the recurrent layer's update. Dividing the scores
by $\\tau$ raises each probability to the power $1 / \\tau$ and renormalises them. At
$\\tau = 1$ the draw follows the model's own probabilities; below 1 it favours the likeliest
characters (it always takes the top one as $\\tau \\to 0$), above 1 it flattens them
towards uniform, taking more risks. Training never uses $\\tau$: it changes how the
trained model is read, not what it learned.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from .._validation import (
    check_floating,
    check_indices,
    check_instance,
    check_int,
    check_nonempty,
    check_number,
    check_rank,
    check_seed,
    check_size,
    fail,
    shown,
)
from ..data.text import Vocabulary
from ._building import Model, recurrent_layer, seeded

State = torch.Tensor | tuple[torch.Tensor, torch.Tensor] | None


def char_vocabulary(text: str) -> Vocabulary:
    """A ``Vocabulary`` with one token per character of ``text``, for ``CharLM``.

    Characters are kept as they are (capitals, spaces, newlines and punctuation each are
    tokens; nothing is lower-cased), in order of first appearance after ``<pad>`` (0) and
    ``<unk>`` (1). A character the text does not hold is encoded as ``<unk>``. It decodes
    without spaces between the characters.

    Args:
        text: The training text, at least one character.

    Examples:
        >>> vocab = char_vocabulary("abba")
        >>> vocab.tokens
        ['<pad>', '<unk>', 'a', 'b']
        >>> vocab.encode("abc"), vocab.decode([2, 3, 3])
        ([2, 3, 1], 'abb')
    """
    if not check_instance("text", text, str, "a str"):
        raise fail("text", "a str of at least one character", repr(text))
    return Vocabulary.build([text], tokenizer=list, separator="")


def text_windows(
    text: str, vocab: Vocabulary, length: int, stride: int | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Cut ``text`` into training pairs: ``length`` characters, and the same shifted by one.

    The target at every position is the character that comes next in the text, so one
    window teaches ``length`` predictions. Window ``i`` starts at character ``i * stride``;
    the characters after the last whole window are left out.

    Args:
        text: The training text.
        vocab: Its character vocabulary, from ``char_vocabulary`` (a word vocabulary is
            refused: the windows are counted in characters).
        length: Characters per window ``T``, fewer than the text holds.
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
    longer = next((t for t in vocab.tokens[2:] if len(t) != 1), None)
    if longer is not None:
        raise fail(
            "vocab",
            "a character vocabulary, from char_vocabulary(text)",
            f"one holding the token {shown(longer)}",
        )
    ids = torch.tensor(vocab.encode(text), dtype=torch.long)  # (len(text),)
    if check_int("length", length) >= len(ids):
        raise fail("length", f"below the text's {len(ids)} characters", length)
    stride = length if stride is None else check_int("stride", stride)
    windows = ids.unfold(0, length + 1, stride)  # (M, T + 1)
    return windows[:, :-1], windows[:, 1:]


def sequence_cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position of every sequence: the loss ``CharLM`` trains on.

    Each position's scores are judged against the character that really came next, and
    the ``N * T`` losses are averaged:

    $$\\ell = -\\frac{1}{NT} \\sum_{n,t} \\log \\operatorname{softmax}(z_{nt})_{y_{nt}}$$

    Args:
        logits: Scores, shape ``(N, T, V)``, as ``CharLM`` gives them.
        targets: The true next characters' indices, shape ``(N, T)``, in ``[0, V)``.

    Returns:
        The mean loss, a 0-D tensor.

    Examples:
        >>> logits = torch.zeros(2, 3, 4)  # no opinion: each of the 4 characters at 1/4
        >>> round(float(sequence_cross_entropy(logits, torch.ones(2, 3, dtype=torch.long))), 4)
        1.3863
    """
    check_rank("logits", logits, (3,), "(N, T, V)")
    check_floating("logits", logits)
    check_nonempty("logits", logits, "at least one position")
    N, T, V = logits.shape
    check_rank("targets", targets, (2,), "(N, T)")
    if tuple(targets.shape) != (N, T):
        raise fail("targets", f"shaped ({N}, {T}) like logits", f"shape {tuple(targets.shape)}")
    check_indices("targets", targets, V)
    targets = targets.to(logits.device)
    return F.cross_entropy(logits.reshape(N * T, V), targets.reshape(N * T))


class CharLM(Model):
    """Embedding, one recurrent layer, and a linear layer scoring the next character.

    From text to writing: ``char_vocabulary`` gives each character an index,
    ``text_windows`` cuts the text into inputs and the same shifted by one, ``fit`` with
    ``loss_fn=sequence_cross_entropy`` trains the model to score the true next character
    at every position, and ``sample`` lets it write. Training feeds the true previous
    character at every step (teacher forcing); ``sample`` feeds the model its own draw,
    and its ``temperature`` divides the scores before the softmax: below 1 safer, above 1
    bolder.

    Args:
        vocab_size: Number of characters ``V`` (with ``<pad>`` and ``<unk>``): ``len(vocab)``.
        embedding_dim: Size of each character vector ``E``.
        hidden_size: Size of the hidden state ``H``.
        cell: ``"rnn"``, ``"lstm"`` or ``"gru"``.
        seed: If given, the initial weights come from this seed.

    Examples:
        >>> from eyememory import fit
        >>> text = "the cat sat on the mat. " * 10
        >>> vocab = char_vocabulary(text)  # 11 characters, <pad> and <unk>
        >>> inputs, targets = text_windows(text, vocab, length=24, stride=4)
        >>> inputs.shape, targets.shape  # (M, T): targets are inputs shifted by one
        (torch.Size([54, 24]), torch.Size([54, 24]))
        >>> model = CharLM(len(vocab), hidden_size=32, seed=0)
        >>> model(inputs).shape  # a score for every character at every position: (M, T, V)
        torch.Size([54, 24, 13])
        >>> history = fit(
        ...     model, inputs, targets, epochs=20, lr=0.03, loss_fn=sequence_cross_entropy,
        ...     progress=False,
        ... )
        >>> history.loss[-1] < history.loss[0] / 10  # from guessing to knowing the text
        True
        >>> sample(model, vocab, "the c", length=6, temperature=0.1)  # nearly always the top
        'the cat sat'
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

    The model first reads the prompt, then draws a character from the softmax of its
    scores divided by ``temperature``, reads that character as its next input, and so on:
    unlike training, where the input is always the true text (teacher forcing), it reads
    its own choices. Neither ``<pad>`` nor ``<unk>`` is ever drawn: each added character is
    one of the vocabulary's.

    Args:
        model: A trained ``CharLM``.
        vocab: The vocabulary it was trained with.
        prompt: The text to start from (at least one character).
        length: How many characters to add.
        temperature: Divides the scores before the softmax, which raises each probability
            to the power ``1 / temperature``: 1 draws from the model's own probabilities,
            below 1 sharpens them (towards always the likeliest character), above 1
            flattens them (towards uniform).
        seed: Seeds the draws: same seed, same text.

    Returns:
        ``prompt`` followed by the generated characters.

    Examples:
        >>> vocab = char_vocabulary("abc")
        >>> text = sample(CharLM(len(vocab), seed=0), vocab, "ab", length=5, seed=0)
        >>> len(text), text.startswith("ab")  # an untrained model writes noise
        (7, True)
    """
    check_instance("model", model, CharLM, "a CharLM")
    check_instance("vocab", vocab, Vocabulary, "a Vocabulary")
    check_size(
        "vocab",
        len(vocab),
        model.embedding.num_embeddings,
        "as many tokens as the model's vocab_size",
    )
    if len(vocab) <= 2:
        raise fail("vocab", "a vocabulary of at least one character", "only <pad> and <unk>")
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
        scores = logits[0, -1].double().cpu()  # (V,); double: temperatures down to 1e-300
        scores[[vocab.pad_index, vocab.unk_index]] = -torch.inf  # neither is a character
        # The top score becomes 0 before dividing: a tiny temperature then cannot overflow.
        probabilities = F.softmax((scores - scores.max()) / temperature, dim=-1)  # (V,)
        token = int(torch.multinomial(probabilities, 1, generator=generator))
        chosen.append(token)
        logits, state = model.step(torch.tensor([[token]], device=device), state)
    return prompt + vocab.decode(chosen)
