"""Words to numbers and back: a tiny tokenizer and vocabulary, with padding for batches, and
class labels as the targets a classifier trains on.

A network reads numbers, so each word gets an index. Two indices are reserved: ``0`` for
padding (sentences in a batch must have the same length, so short ones are filled up with
``<pad>``) and ``1`` for any word the vocabulary never saw (``<unk>``).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from numbers import Integral

import torch

from .._validation import (
    check_instance,
    check_int,
    check_rank,
    fail,
    is_int,
    shown,
)

PAD = "<pad>"
UNK = "<unk>"
_APOSTROPHES = "'\u2019"  # ' and ’: inside a word, both become '
_SKIN_TONES = range(0x1F3FB, 0x1F400)  # emoji modifiers Fitzpatrick 1-2 … 6
_FLAG_LETTERS = range(0x1F1E6, 0x1F200)  # regional indicators: two make a flag


def _kind(char: str) -> str:
    """The first letter of the character's Unicode category: L, M, N, P, S, Z or C."""
    return unicodedata.category(char)[0]


def _separates(char: str) -> bool:
    return _kind(char) == "Z" or unicodedata.category(char) == "Cc"


def tokenize(text: str) -> list[str]:
    """Split text into lower-case words and single signs, as the Memory explorer does.

    The explorer's JavaScript (``docs/assets/explorer/nn.js``) does the same, step for step,
    and ``tests/data/tokens.json`` holds the cases both are tested on:

    1. Format characters (Unicode category Cf: zero-width spaces and joiners U+200B–U+200D,
       the word joiner U+2060, the BOM U+FEFF, soft hyphens, direction marks) are dropped,
       then the text is NFC-normalised (``e`` + a combining accent becomes ``é``) and
       lower-cased.
    2. A word is a run of letters, combining marks and digits, in any script: ``café``,
       ``привет``, ``東京タワー`` (text without spaces, as in Chinese or Japanese, is not
       split further). An apostrophe between two letters stays in the word, and a curly one (’)
       becomes ``'``, so ``don’t`` and ``don't`` are the same token.
    3. Every other character is a token alone: punctuation, curly quotes, an apostrophe
       not inside a word, symbols, an emoji. The combining marks and the skin tone that
       follow it stay with it (``👍🏽``, ``❤️``), and two regional letters make one flag
       (``🇫🇷``). An emoji sequence joined by U+200D falls apart into its emoji, since the
       joiner is dropped in step 1: ``👩‍💻`` gives ``👩`` and ``💻``.
    4. Spaces of every kind and control characters (tabs, newlines, NUL) separate tokens.

    Categories come from Python's Unicode tables (version 14.0 in Python 3.11); characters
    assigned after that may be classified differently by a browser.

    Examples:
        >>> tokenize("The food was very bad, but the service was GOOD.")
        ['the', 'food', 'was', 'very', 'bad', ',', 'but', 'the', 'service', 'was', 'good', '.']
        >>> tokenize("Café: I don’t like it 👍🏽")
        ['café', ':', 'i', "don't", 'like', 'it', '👍🏽']
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a str, got {type(text).__name__}")
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    chars = unicodedata.normalize("NFC", text).lower()
    tokens = []
    i = 0
    while i < len(chars):
        j = i + 1
        if _separates(chars[i]):
            i = j
            continue
        if _kind(chars[i]) in "LN":
            while j < len(chars):
                if _kind(chars[j]) in "LMN":
                    j += 1
                elif chars[j] in _APOSTROPHES and _kind(chars[j + 1 : j + 2] or " ") in "LN":
                    j += 2  # an apostrophe followed by a letter or digit: don't
                else:
                    break
            tokens.append(chars[i:j].replace("\u2019", "'"))
        else:
            if ord(chars[i]) in _FLAG_LETTERS and j < len(chars) and ord(chars[j]) in _FLAG_LETTERS:
                j += 1
            while j < len(chars) and (_kind(chars[j]) == "M" or ord(chars[j]) in _SKIN_TONES):
                j += 1
            tokens.append(chars[i:j])
        i = j
    return tokens


def _is_index_list(sequence: object) -> bool:
    """A non-empty list (or tuple) of non-negative ints, not bools."""
    return (
        isinstance(sequence, Sequence)
        and not isinstance(sequence, str)
        and len(sequence) > 0
        and all(is_int(i) and i >= 0 for i in sequence)
    )


def pad(
    sequences: Sequence[Sequence[int]], length: int | None = None, value: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-pad lists of indices into one tensor.

    Args:
        sequences: ``N`` lists of indices, each non-empty.
        length: Pad to this many steps ``T``; the longest sequence's length when ``None``.
        value: The padding index.

    Returns:
        ``(ids, lengths)``: shape ``(N, T)`` (``torch.long``) and the real lengths, shape ``(N,)``.

    Examples:
        >>> ids, lengths = pad([[5, 6, 7], [8]])
        >>> ids.tolist(), lengths.tolist()
        ([[5, 6, 7], [8, 0, 0]], [3, 1])
    """
    if (
        isinstance(sequences, (str, torch.Tensor))
        or not isinstance(sequences, Sequence)
        or not sequences
        or not all(_is_index_list(s) for s in sequences)
    ):
        raise fail(
            "sequences",
            "a non-empty list of non-empty lists of non-negative ints",
            shown(sequences),
        )
    lengths = [len(s) for s in sequences]
    T = max(lengths) if length is None else check_int("length", length)
    if max(lengths) > T:
        raise fail("length", f"at least the longest sequence's {max(lengths)}", T)
    check_int("value", value, least=0)
    ids = torch.full((len(sequences), T), value, dtype=torch.long)  # (N, T)
    for row, sequence in enumerate(sequences):
        ids[row, : len(sequence)] = torch.as_tensor(sequence, dtype=torch.long)
    return ids, torch.tensor(lengths, dtype=torch.long)


# Python's order of a set of strings changes from one run to the next: indices would too.
_UNORDERED = "its order changes from run to run: pass a list, such as sorted(...)"


def _strings(
    name: str, texts: object, *, allow_empty: bool = False, one: str = "for one text, pass [text]"
) -> list[str]:
    """A list of strings (one ``str`` is refused: it would be read as a list of characters).

    ``one`` says what to do instead of passing one string. A generator is read once, so a
    second pass over it finds nothing: an empty one is named as such, since that is nearly
    always what happened.
    """
    if isinstance(texts, (str, bytes)):
        raise fail(name, "a list of strings", f"{shown(texts)} ({one})")
    if isinstance(texts, torch.Tensor) or not isinstance(texts, Iterable):
        raise fail(name, "a list of strings", shown(texts))
    if isinstance(texts, AbstractSet):
        raise fail(name, "a list of strings", f"a set ({_UNORDERED})")
    one_pass = iter(texts) is texts  # a generator or iterator: empty once read
    texts = list(texts)
    if not texts and not allow_empty and one_pass:
        raise fail(
            name,
            "a non-empty list of strings",
            "an empty iterator (a generator can be read only once: keep the texts in a list)",
        )
    if (not texts and not allow_empty) or not all(isinstance(t, str) for t in texts):
        raise fail(
            name,
            "a non-empty list of strings" if not allow_empty else "a list of strings",
            shown(texts),
        )
    return texts


def _check_tokenizer(tokenizer: object) -> Callable[[str], list[str]]:
    """A callable; what it returns is checked on each use, by ``_tokens_of``."""
    if not callable(tokenizer):
        raise fail("tokenizer", "a function from a str to a list of tokens", shown(tokenizer))
    return tokenizer


_FROM_SENTENCES = "to build a vocabulary from sentences, use Vocabulary.build(sentences)"


def _tokens_of(tokenizer: Callable[[str], list[str]], text: str) -> list[str]:
    """``tokenizer(text)``, checked to be a list of strings."""
    tokens = tokenizer(text)
    if not isinstance(tokens, (list, tuple)) or not all(isinstance(t, str) for t in tokens):
        raise fail(
            "tokenizer",
            "a function from a str to a list of str tokens",
            f"one giving {shown(tokens)} for {shown(text)}",
        )
    return list(tokens)


class Vocabulary:
    """A fixed list of tokens, each with an index; ``<pad>`` is 0 and ``<unk>`` is 1.

    Build one from sentences with ``Vocabulary.build(sentences)``, which splits them with
    the tokenizer and keeps every token seen; the constructor takes tokens that are already
    split, one token per string. For characters, ``char_vocabulary(text)`` builds it in one
    call. The default tokenizer, ``tokenize``, lower-cases and splits punctuation off words,
    so "Good." and "good" share the token ``good``; any token the vocabulary never saw
    (a word that is only in the test sentences) becomes ``<unk>``.

    Args:
        tokens: The known tokens, in index order (after the two reserved ones). Each must be
            one token that the tokenizer gives back unchanged: a sentence such as
            ``"the food was bad"`` (4 tokens) or ``"Good"`` (read as ``good``) is refused,
            since no text would ever be encoded to it.
        tokenizer: Turns a text into tokens; ``tokenize`` by default, ``list`` for characters.
        separator: Joins tokens back into text in ``decode``.

    Examples:
        >>> vocab = Vocabulary.build(["the food was bad", "the service was good"])
        >>> len(vocab)  # 6 words + <pad> + <unk>
        8
        >>> vocab.encode("The food was AWFUL.")  # lower case; 'awful' and '.' are unknown
        [2, 3, 4, 1, 1]
        >>> vocab.decode([2, 3, 4, 1, 0, 0])
        'the food was <unk>'
        >>> ids, lengths = vocab.encode_batch(["the food was good", "the service"])
        >>> ids.tolist(), lengths.tolist()  # padding (0) only at the end
        ([[2, 3, 4, 7], [2, 6, 0, 0]], [4, 2])
        >>> try:
        ...     Vocabulary(["the food was bad", "the service was good"])  # sentences, not tokens
        ... except ValueError as error:
        ...     print(str(error).split("; ")[-1])
        to build a vocabulary from sentences, use Vocabulary.build(sentences)
    """

    pad_index = 0
    unk_index = 1

    def __init__(
        self,
        tokens: Iterable[str],
        tokenizer: Callable[[str], list[str]] = tokenize,
        separator: str = " ",
    ) -> None:
        tokens = _strings("tokens", tokens, allow_empty=True, one=_FROM_SENTENCES)
        _check_tokenizer(tokenizer)
        check_instance("separator", separator, str, "a str")
        self._index = {PAD: self.pad_index, UNK: self.unk_index}
        for token in tokens:
            if token in self._index:
                continue
            read = _tokens_of(tokenizer, token)
            if token not in read:  # no text would ever be encoded to this token
                several = len(read) > 1
                raise fail(
                    "tokens",
                    "single tokens, each one the tokenizer gives back unchanged",
                    f"{shown(token)}, which the tokenizer reads as "
                    + (
                        f"{len(read)} tokens {shown(read)}; {_FROM_SENTENCES}"
                        if several
                        else f"{shown(read)}, so no text would ever be encoded to it"
                    ),
                )
            self._index[token] = len(self._index)
        self.tokens = list(self._index)  # in index order: dicts keep insertion order
        self.tokenizer = tokenizer
        self.separator = separator

    @classmethod
    def build(
        cls,
        texts: Iterable[str],
        tokenizer: Callable[[str], list[str]] = tokenize,
        separator: str = " ",
        min_count: int = 1,
    ) -> Vocabulary:
        """Collect every token seen at least ``min_count`` times, in order of first appearance.

        Args:
            texts: The sentences (a list of strings; a generator is read once, so keep
                the sentences in a list to encode them afterwards).
            tokenizer: Turns a text into tokens; ``tokenize`` by default.
            separator: Joins tokens back into text in ``decode``.
            min_count: Tokens seen fewer times are left out (and encoded as ``<unk>``).

        Examples:
            >>> vocab = Vocabulary.build(["a a b", "a c"], min_count=2)
            >>> vocab.tokens
            ['<pad>', '<unk>', 'a']
        """
        texts = _strings("texts", texts)
        check_int("min_count", min_count)
        _check_tokenizer(tokenizer)
        counts: Counter[str] = Counter()
        order: dict[str, None] = {}
        for text in texts:
            for token in _tokens_of(tokenizer, text):
                counts[token] += 1
                order.setdefault(token, None)
        if not counts:
            raise fail("texts", "texts holding at least one token", shown(texts))
        most = max(counts.values())
        if min_count > most:  # the vocabulary would be <pad> and <unk> alone
            raise fail("min_count", f"at most {most}, the most frequent token's count", min_count)
        return cls([t for t in order if counts[t] >= min_count], tokenizer, separator)

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token: str) -> bool:
        return token in self._index

    def __getitem__(self, token: str) -> int:
        """The index of ``token``, or of ``<unk>`` when unknown."""
        return self._index.get(token, self.unk_index)

    def __repr__(self) -> str:
        return f"Vocabulary({len(self)} tokens)"

    def encode(self, text: str) -> list[int]:
        """Indices of the tokens of ``text``; unknown ones become ``1``."""
        check_instance("text", text, str, "a str")
        return [self[token] for token in _tokens_of(self.tokenizer, text)]

    def decode(self, ids: Iterable[int] | torch.Tensor) -> str:
        """Text back from indices, padding dropped."""
        if isinstance(ids, torch.Tensor):
            check_rank("ids", ids, (1,), "(T,)")
            ids = ids.tolist()
        elif isinstance(ids, (str, bytes)) or not isinstance(ids, Iterable):
            raise fail("ids", "a list or 1-D tensor of ints", shown(ids))
        words = []
        for i in ids:
            if not is_int(i) or not 0 <= i < len(self):
                raise fail("ids", f"ints in [0, {len(self)})", shown(i))
            if i != self.pad_index:
                words.append(self.tokens[i])
        return self.separator.join(words)

    def encode_batch(
        self, texts: Sequence[str], length: int | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Encode several texts and ``pad`` them on the right into one tensor.

        Padding comes only after the words, as ``Memory`` requires. A text without any
        token (an empty line) is refused: remove it, and its label, first.

        Args:
            texts: ``N`` texts (a list; for one text, pass ``[text]``).
            length: Pad to this many steps ``T``; the longest text's number of tokens when
                ``None``.

        Returns:
            ``(ids, lengths)``: shape ``(N, T)`` (``torch.long``) and the real lengths ``(N,)``.
        """
        texts = _strings("texts", texts)
        encoded = [self.encode(t) for t in texts]
        empty = [i for i, ids in enumerate(encoded) if not ids]
        if empty:
            raise fail(
                "texts",
                "texts of at least one token each",
                f"{shown(texts[empty[0]])} at index {empty[0]}, which has no tokens",
            )
        return pad(encoded, length, self.pad_index)


def encode_labels(
    labels: Sequence[str] | Sequence[int], classes: Sequence[str] | Sequence[int] | None = None
) -> tuple[torch.Tensor, list]:
    """Class labels as a tensor of class indices, the targets ``fit`` and ``accuracy`` take.

    Labels may be words (``"rainy"``, ``"sunny"``) or ints. The classes are sorted, so the
    same labels in any order get the same indices; encode test labels with the training
    labels' ``classes`` so that both use one numbering. A model for these labels has
    ``num_classes=len(classes)``, and its prediction ``k`` means ``classes[k]``.

    Args:
        labels: ``N`` labels, all strings or all ints (a list, or a 1-D integer tensor).
        classes: The classes in index order; the sorted distinct labels when ``None``.

    Returns:
        ``(targets, classes)``: shape ``(N,)`` (``torch.long``, values in
        ``[0, len(classes))``), and the classes as a list.

    Examples:
        >>> targets, classes = encode_labels(["sunny", "rainy", "sunny"])
        >>> targets.tolist(), classes
        ([1, 0, 1], ['rainy', 'sunny'])
        >>> encode_labels(["rainy"], classes)[0].tolist()  # the same numbering
        [0]
    """
    labels = _labels("labels", labels)
    if classes is None:
        classes = sorted(set(labels))
    else:
        classes = _labels("classes", classes)
        if len(set(classes)) != len(classes):
            raise fail("classes", "distinct labels", shown(classes))
    index = {label: i for i, label in enumerate(classes)}
    unknown = [label for label in labels if label not in index]
    if unknown:
        raise fail("labels", f"labels among the classes {shown(classes)}", shown(unknown[0]))
    return torch.tensor([index[label] for label in labels], dtype=torch.long), list(classes)


def _labels(name: str, labels: object) -> list:
    """A non-empty list of labels of one kind: all strings, or all ints (not bools).

    Any iterable will do (a list, a tuple, a pandas column, a 1-D integer tensor); NumPy's
    strings and integers become Python's.
    """
    if isinstance(labels, torch.Tensor):
        check_rank(name, labels, (1,), "(N,)")
        labels = labels.tolist()  # floats and bools are then refused below
    if isinstance(labels, (str, bytes, Mapping)) or not isinstance(labels, Iterable):
        raise fail(name, "a non-empty list of labels, all strings or all ints", shown(labels))
    if isinstance(labels, AbstractSet):
        raise fail(
            name, "a non-empty list of labels, all strings or all ints", f"a set ({_UNORDERED})"
        )
    labels = list(labels)
    integral = [isinstance(x, Integral) and not isinstance(x, bool) for x in labels]
    if not labels or not (all(isinstance(x, str) for x in labels) or all(integral)):
        raise fail(name, "a non-empty list of labels, all strings or all ints", shown(labels))
    return [int(x) for x in labels] if all(integral) else [str(x) for x in labels]
