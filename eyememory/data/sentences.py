"""Labelled review sentences, generated, for experiments where word order decides the answer.

Three sets, each built so that one question has a clean answer:

* [`but_reviews`][eyememory.data.sentences.but_reviews]: "the X was A but the Y was B", two clauses of
  opposite sentiment, labelled by the clause after *but*, as a reader would.
* [`contrastive_pairs`][eyememory.data.sentences.contrastive_pairs]: each review next to its mirror
  image, the two clauses swapped. Both hold exactly the same words, with opposite labels, so a
  model blind to word order must get exactly one of each pair wrong.
* [`distant_reviews`][eyememory.data.sentences.distant_reviews]: the same reviews with ``d`` neutral
  words after each clause ("the food was bad *as my friend said* but the service was good
  *on that rainy evening*"), asides and nested clauses that change nothing. The adjective that decides the label is then ``d`` words from
  the end of the sentence and from *but*, so any n-gram shorter than ``d + 2`` words cannot
  tell which clause an adjective belongs to.

Every generator takes a ``seed`` and uses its own ``random.Random``, so the same seed gives
the same sentences and leaves the global random state alone. Labels are ``1`` for positive
and ``0`` for negative.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import torch

from .._validation import check_instance, check_int, check_ints, check_number, check_seed, fail

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


def _review(rng: random.Random, gap: int = 0) -> tuple[str, int]:
    """One "... but ..." review with ``gap`` filler words after each clause, and its label."""
    label = rng.randrange(2)
    first_adjectives, second_adjectives = (NEGATIVE, POSITIVE) if label else (POSITIVE, NEGATIVE)
    first_aspect, second_aspect = rng.sample(ASPECTS, 2)
    parts = [
        clause(first_aspect, rng.choice(first_adjectives), rng.choice((None, *INTENSIFIERS))),
        filler(gap, rng),
        "but",
        clause(second_aspect, rng.choice(second_adjectives), rng.choice((None, *INTENSIFIERS))),
        filler(gap, rng),
    ]
    return " ".join(p for p in parts if p), label


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
        >>> sentences[0]
        'the staff was very nice frankly that evening but the service was awful frankly honestly tonight'
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
