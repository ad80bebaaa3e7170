"""Labelled review sentences, generated, for experiments where word order decides the answer.

Three sets, each built so that one question has a clean answer:

* `but_reviews`: "the X was A but the Y was B", two
  clauses of
  opposite sentiment, labelled by the clause after *but*, as a reader would.
* `contrastive_pairs`: each review next to its mirror
  image, the two clauses swapped. Both hold exactly the same words, with opposite labels, so a
  model blind to word order must get exactly one of each pair wrong.
* `distant_reviews`: the same reviews with ``d`` neutral
  words after each clause ("the food was bad *as my friend said* but the service was good
  *on that rainy evening*"), asides and nested clauses that change nothing. The adjective
  that decides the label is then ``d`` words from the end of the sentence and from *but*,
  so any n-gram shorter than ``d + 2`` words cannot tell which clause an adjective belongs to.

Every generator takes a ``seed`` and uses its own ``random.Random``, so the same seed gives
the same sentences and leaves the global random state alone. Labels are ``1`` for positive
and ``0`` for negative.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import torch

from .._validation import (
    check_choice,
    check_instance,
    check_int,
    check_ints,
    check_number,
    check_seed,
    fail,
)
from .text import Vocabulary

POSITIVE = ("good", "great", "lovely", "nice", "pleasant", "delightful")
NEGATIVE = ("bad", "awful", "terrible", "poor", "horrible", "disappointing")
ASPECTS = (
    "food",
    "service",
    "taste of the food",
    "music",
    "staff",
    "room",
    "wine",
    "bread",
    "coffee",
    "dessert",
    "view from the table",
    "waiter",
)
INTENSIFIERS = ("very", "really")
# Neutral asides, one to five words: none holds a sentiment word, "but" or an aspect noun.
FILLERS = (
    "honestly",
    "again",
    "tonight",
    "frankly",
    "that evening",
    "as expected",
    "to be honest",
    "as my friend said",
    "on that rainy evening",
    "after a long day",
    "in the old town",
    "if i remember well",
    "which we had booked weeks ago",
    "when we went there last week",
)
ARTICLE_SENTENCE = "the taste of the food was very bad but the service was good"
# Control prefixes that differ only in what they claim, and the verdict a careful reader
# holds after each: "unsure", "positive", "negative", or "not positive" (negative or unsure).
VERDICT_CONTROLS = {
    "the service": "unsure",
    "the service was good": "positive",
    "the service was good to be honest": "positive",
    "the service was bad but the food": "not positive",
    "the service was bad but the food was good": "positive",
    "the room was horrible to be honest": "negative",
}


def clause(aspect: str, adjective: str, intensifier: str | None = None) -> str:
    """One clause: ``"the {aspect} was [intensifier] {adjective}"``.

    Examples:
        >>> clause("food", "bad", "very")
        'the food was very bad'
    """
    return f"the {aspect} was {intensifier + ' ' if intensifier else ''}{adjective}"


def filler(length: int, rng: random.Random) -> str:
    """Exactly ``length`` neutral words made of whole asides from ``FILLERS``.

    Examples:
        >>> len(filler(7, random.Random(0)).split())
        7
        >>> filler(0, random.Random(0))
        ''
    """
    check_int("length", length, least=0)
    check_instance("rng", rng, random.Random, "a random.Random")
    words: list[str] = []
    used: set[str] = set()
    while len(words) < length:
        fitting = [f for f in FILLERS if len(f.split()) <= length - len(words)]
        fresh = [f for f in fitting if f not in used] or fitting  # repeat an aside only when forced
        aside = rng.choice(fresh)
        used.add(aside)
        words += aside.split()
    return " ".join(words)


def _two_clauses(rng: random.Random, opinions: tuple[int, int], gaps: tuple[int, int]) -> str:
    """ "the X was A [aside] but the Y was B [aside]": two aspects, each clause of the given
    opinion (``1`` positive), each followed by an aside of ``gaps`` words."""
    parts = []
    for aspect, opinion, gap in zip(rng.sample(ASPECTS, 2), opinions, gaps, strict=True):
        adjective = rng.choice(POSITIVE if opinion else NEGATIVE)
        parts += [clause(aspect, adjective, rng.choice((None, *INTENSIFIERS))), filler(gap, rng)]
    parts.insert(2, "but")
    return " ".join(p for p in parts if p)


def _review(rng: random.Random, gap: int = 0) -> tuple[str, int]:
    """One "... but ..." review with ``gap`` filler words after each clause, and its label."""
    label = rng.randrange(2)
    return _two_clauses(rng, (1 - label, label), (gap, gap)), label


def but_reviews(n: int, seed: int = 0, one_clause: float = 0.0) -> tuple[list[str], torch.Tensor]:
    """``n`` reviews "the X was A but the Y was B", labelled by the clause after *but*.

    The two clauses always disagree (that is what *but* announces), positive and negative
    labels are equally likely, and the two aspects differ.

    Args:
        n: Number of reviews.
        seed: Seeds the choice of words.
        one_clause: Fraction of the reviews that stop after their first clause ("the X was
            A"), labelled by it. With some of these in training, a model's read-out after the
            first clause of a longer review means something: the verdict so far.

    Returns:
        ``(sentences, labels)``: ``n`` strings and a ``(n,)`` long tensor, ``1`` = positive.

    Examples:
        >>> sentences, labels = but_reviews(3, seed=0)
        >>> sentences[0]
        'the food was very horrible but the staff was very nice'
        >>> labels.tolist()
        [1, 1, 1]
    """
    check_int("n", n)
    check_seed("seed", seed)
    check_number("one_clause", one_clause, 0.0, 1.0)
    rng = random.Random(seed)
    sentences, labels = [], []
    for _ in range(n):
        if rng.random() < one_clause:
            label = rng.randrange(2)
            adjective = rng.choice(POSITIVE if label else NEGATIVE)
            sentence = clause(rng.choice(ASPECTS), adjective, rng.choice((None, *INTENSIFIERS)))
        else:
            sentence, label = _review(rng)
        sentences.append(sentence)
        labels.append(label)
    return sentences, torch.tensor(labels)


def swap_clauses(sentence: str) -> str:
    """The mirror review: the clauses around *but* change places, the words stay the same.

    Examples:
        >>> swap_clauses("the food was bad but the service was good")
        'the service was good but the food was bad'
    """
    parts = check_instance("sentence", sentence, str, "a str").split(" but ")
    if len(parts) != 2:
        raise fail("sentence", "a str containing ' but ' exactly once", repr(sentence))
    return f"{parts[1]} but {parts[0]}"


def contrastive_pairs(n_pairs: int, seed: int = 0) -> tuple[list[str], torch.Tensor]:
    """``n_pairs`` reviews, each followed by its mirror image with the opposite label.

    The two sentences of a pair are bags of the same words, so a bag-of-words model
    gives both the same answer and scores exactly 0.5 on these sentences.

    Returns:
        ``(sentences, labels)``: ``2 · n_pairs`` strings, pair ``k`` at ``2k`` and ``2k + 1``.

    Examples:
        >>> sentences, labels = contrastive_pairs(1, seed=0)
        >>> sorted(sentences[0].split()) == sorted(sentences[1].split()), labels.tolist()
        (True, [1, 0])
    """
    check_int("n_pairs", n_pairs)
    originals, labels = but_reviews(n_pairs, seed)
    sentences = [s for original in originals for s in (original, swap_clauses(original))]
    return sentences, torch.stack([labels, 1 - labels], dim=1).flatten()  # (2·n_pairs,)


def distant_reviews(
    n: int, gaps: Sequence[int] | int, seed: int = 0
) -> tuple[list[str], torch.Tensor, torch.Tensor]:
    """``n`` "but" reviews with ``gap`` neutral words after each clause.

    Each review draws its gap ``d`` from ``gaps`` (uniformly). The deciding adjective then
    sits ``d`` words before the end of the sentence, and the first clause's adjective ``d``
    words before *but*. A bag of n-grams with ``n <= d + 1`` sees each adjective with
    the same kind of neighbours in either clause, so it cannot tell them apart; to get
    the label right, a reader must carry the newest verdict across the ``d`` words to
    the end.

    Returns:
        ``(sentences, labels, gaps)``: the strings, their labels and the gap of each, ``(n,)``.

    Examples:
        >>> sentences, labels, gaps = distant_reviews(2, gaps=[3], seed=1)
        >>> first, second = sentences[0].split(" but ")  # each clause, then 3 neutral words
        >>> first
        'the staff was very nice frankly that evening'
        >>> second
        'the service was awful frankly honestly tonight'
        >>> labels.tolist(), gaps.tolist()
        ([0, 0], [3, 3])
    """
    check_int("n", n)
    check_seed("seed", seed)
    gaps = check_ints("gaps", [gaps] if isinstance(gaps, int) else gaps, least=0)
    rng = random.Random(seed)
    sentences, labels, chosen = [], [], []
    for _ in range(n):
        gap = rng.choice(gaps)
        sentence, label = _review(rng, gap)
        sentences.append(sentence)
        labels.append(label)
        chosen.append(gap)
    return sentences, torch.tensor(labels), torch.tensor(chosen)


def matches_verdict(positive: float, verdict: str) -> bool:
    """Whether a reading P(positive) says ``verdict``, as ``VERDICT_CONTROLS`` spells them.

    "unsure" is strictly between 0.2 and 0.8, "positive" above 0.8, "negative" below 0.2,
    and "not positive" below 0.5.

    Examples:
        >>> matches_verdict(0.55, "unsure"), matches_verdict(0.55, "positive")
        (True, False)
    """
    p = check_number("positive", positive, 0.0, 1.0)
    bands = {
        "unsure": 0.2 < p < 0.8,
        "positive": p > 0.8,
        "negative": p < 0.2,
        "not positive": p < 0.5,
    }
    return bands[check_choice("verdict", verdict, tuple(bands))]


def verdicts_so_far(sentence: str) -> list[float]:
    """The verdict a careful reader holds after each word: P(positive), word by word.

    ``0.5`` (unsure) until the first opinion word, then the opinion of the latest one:
    asides and fillers change nothing, and *but* alone changes nothing either, since
    what the second clause claims is not known until its opinion word is read.

    Examples:
        >>> verdicts_so_far("the food was bad to be honest but the service was good")
        [0.5, 0.5, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]
    """
    verdict, verdicts = 0.5, []
    for word in check_instance("sentence", sentence, str, "a str").split():
        verdict = 1.0 if word in POSITIVE else 0.0 if word in NEGATIVE else verdict
        verdicts.append(verdict)
    return verdicts


def verdict_reviews(
    n: int, seed: int = 0, max_gap: int = 4, agree: float = 0.25
) -> tuple[list[str], torch.Tensor]:
    """``n`` "but" reviews with asides, and the verdict so far after every word.

    Each review is "the X was A [aside] but the Y was B [aside]", each aside 0 to
    ``max_gap`` words from ``FILLERS``. Most second clauses disagree with the first; a
    fraction ``agree`` of them agree, so that what decides is the opinion word read, not
    the *but* before it. The targets are the
    `verdicts_so_far`: training on them asks a model
    for a verdict on every prefix, so that its reading
    after any word means something.

    Args:
        n: Number of reviews.
        seed: Seeds the choice of words.
        max_gap: Longest aside after a clause, in words.
        agree: Fraction of reviews whose two clauses share their opinion.

    Returns:
        ``(sentences, targets)``: ``n`` strings and a ``(n, T, 2)`` float tensor,
        ``[P(negative), P(positive)]`` after each word, ``T`` the longest review's number of
        words; the rows after a review's last word (its padding) are all zero.

    Examples:
        >>> sentences, targets = verdict_reviews(1, seed=0, max_gap=0)
        >>> sentences[0]
        'the staff was very nice but the coffee was very terrible'
        >>> targets[0, :, 1].tolist()
        [0.5, 0.5, 0.5, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0]
    """
    check_int("n", n)
    check_seed("seed", seed)
    check_int("max_gap", max_gap, least=0)
    check_number("agree", agree, 0.0, 1.0)
    rng = random.Random(seed)
    sentences = []
    for _ in range(n):
        first = rng.randrange(2)
        second = first if rng.random() < agree else 1 - first
        gaps = (rng.randint(0, max_gap), rng.randint(0, max_gap))
        sentences.append(_two_clauses(rng, (first, second), gaps))
    verdicts = [verdicts_so_far(sentence) for sentence in sentences]
    targets = torch.zeros(n, max(map(len, verdicts)), 2)  # (N, T, 2)
    for row, verdict in enumerate(verdicts):
        positive = torch.tensor(verdict)  # (T_row,)
        targets[row, : len(verdict)] = torch.stack([1 - positive, positive], dim=1)
    return sentences, targets


class UnknownAsides:
    """An ``augment`` for `fit`: aside words become ``<unk>`` at random.

    A reader types words the model never saw. Trained only on known words, the model
    has never met ``<unk>`` and may read anything into it. Replacing each word of an aside
    (a word of ``FILLERS`` that no clause uses) by ``<unk>`` with probability ``p``, afresh
    at every step, teaches it that an unknown word on its own changes no verdict.

    Args:
        vocab: The vocabulary the ids come from.
        p: Probability that an aside word becomes ``<unk>``.

    Examples:
        >>> vocab = Vocabulary.build(["the food was good", *FILLERS])
        >>> ids = torch.tensor([vocab.encode("the food was good to be honest")])
        >>> vocab.decode(UnknownAsides(vocab, p=1.0)(ids, torch.Generator())[0].tolist())
        'the food was good <unk> <unk> <unk>'
    """

    def __init__(self, vocab: Vocabulary, p: float) -> None:
        check_instance("vocab", vocab, Vocabulary, "a Vocabulary")
        self.p = check_number("p", p, 0.0, 1.0)
        clause_words = {"the", "was", "but", *POSITIVE, *NEGATIVE, *INTENSIFIERS}
        clause_words |= {word for aspect in ASPECTS for word in aspect.split()}
        asides = {word for aside in FILLERS for word in aside.split()} - clause_words
        self.aside_ids = torch.tensor(sorted(vocab[word] for word in asides if word in vocab))
        self.unk_index = vocab.unk_index

    def __call__(self, ids: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """``ids`` ``(N, T)`` with some aside words replaced by ``<unk>``."""
        chance = torch.rand(ids.shape, generator=generator).to(ids.device)  # (N, T)
        hit = torch.isin(ids, self.aside_ids.to(ids.device)) & (chance < self.p)
        return ids.masked_fill(hit, self.unk_index)
