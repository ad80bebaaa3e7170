"""The Memory's helpers and models: text, sentences, bags of words, series, Memory, CharLM."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn import functional as F

from eyememory import LinearAR, fit, last_value, mse, noisy_sine, windows
from eyememory.data.sentences import (
    ARTICLE_SENTENCE,
    ASPECTS,
    FILLERS,
    NEGATIVE,
    POSITIVE,
    VERDICT_CONTROLS,
    UnknownAsides,
    but_reviews,
    contrastive_pairs,
    distant_reviews,
    filler,
    matches_verdict,
    swap_clauses,
    verdict_reviews,
    verdicts_so_far,
)
from eyememory.data.text import PAD, UNK, Vocabulary, pad, tokenize
from eyememory.models.bag_of_words import BagOfNgrams
from eyememory.models.charlm import (
    CharLM,
    char_vocabulary,
    sample,
    sequence_cross_entropy,
    text_windows,
)
from eyememory.models.memory import EveryWord, Memory, NextStep, every_word_loss, gradient_norms
from eyememory.nn.rnn import GRU, LSTM, RNN

ROOT = Path(__file__).resolve().parent.parent


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


# --- text -------------------------------------------------------------------------------


def test_tokenize_splits_words_and_punctuation() -> None:
    assert tokenize("It wasn't GOOD, but fine.") == [
        "it",
        "wasn't",
        "good",
        ",",
        "but",
        "fine",
        ".",
    ]


def test_vocabulary_reserves_pad_and_unk_and_round_trips() -> None:
    vocab = Vocabulary.build(["the food was bad", "the service was good"])
    assert vocab.tokens[:2] == [PAD, UNK] and vocab.pad_index == 0 and vocab.unk_index == 1
    assert len(vocab) == 8 and "food" in vocab and "awful" not in vocab
    assert vocab.decode(vocab.encode("the service was bad")) == "the service was bad"
    assert vocab.encode("the soup was bad") == [vocab["the"], 1, vocab["was"], vocab["bad"]]


def test_vocabulary_min_count_and_characters() -> None:
    vocab = Vocabulary.build(["a a b", "a c"], min_count=2)
    assert vocab.tokens == [PAD, UNK, "a"]
    chars = Vocabulary.build(["abc"], tokenizer=list, separator="")
    assert chars.decode(chars.encode("cab")) == "cab"


def test_encode_batch_pads_on_the_right() -> None:
    vocab = Vocabulary.build(["the food was bad"])
    ids, lengths = vocab.encode_batch(["the food", "the food was bad"])
    assert ids.shape == (2, 4) and ids.dtype == torch.long
    assert ids[0, 2:].tolist() == [0, 0] and lengths.tolist() == [2, 4]
    ids, _ = vocab.encode_batch(["the food"], length=6)
    assert ids.shape == (1, 6)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.integers(1, 50), min_size=1, max_size=8), min_size=1, max_size=6))
def test_pad_keeps_every_sequence(sequences: list[list[int]]) -> None:
    ids, lengths = pad(sequences)
    assert ids.shape == (len(sequences), max(map(len, sequences)))
    for row, sequence, length in zip(ids, sequences, lengths, strict=True):
        assert row[:length].tolist() == sequence and (row[length:] == 0).all()


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: pad([]),
            r"sequences must be a non\-empty list of non\-empty lists of non\-negative ints, "
            r"got \[\]",
        ),
        (
            lambda: pad([[1], []]),
            r"sequences must be a non\-empty list of non\-empty lists of non\-negative ints, "
            r"got \[\[1\], \[\]\]",
        ),
        (
            lambda: pad([[1, 2, 3]], length=2),
            r"length must be at least the longest sequence's 3, got 2",
        ),
        (lambda: tokenize(3), r"text must be a str, got int"),
        (
            lambda: Vocabulary(["a"]).encode_batch("a b"),
            r"texts must be a list of strings, got 'a b'",
        ),
        (lambda: Vocabulary(["a"]).decode([5]), r"ids must be ints in \[0, 3\), got 5"),
        (
            lambda: Vocabulary(["a"]).decode(torch.zeros(2, 2, dtype=torch.long)),
            r"ids must be 1\-D with shape \(T,\), got 2\-D with shape \(2, 2\)",
        ),
    ],
)
def test_text_bad_input(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


# --- sentences --------------------------------------------------------------------------


def test_but_reviews_are_labelled_by_the_clause_after_but() -> None:
    sentences, labels = but_reviews(300, seed=0)
    assert len(sentences) == 300 and labels.shape == (300,)
    assert 0.4 < labels.float().mean() < 0.6
    for sentence, label in zip(sentences, labels.tolist(), strict=True):
        first, second = sentence.split(" but ")
        first_positive = first.split()[-1] in POSITIVE
        second_positive = second.split()[-1] in POSITIVE
        assert first_positive != second_positive  # the clauses disagree
        assert label == int(second_positive)


def test_but_reviews_are_reproducible_and_seeded() -> None:
    assert but_reviews(20, seed=3)[0] == but_reviews(20, seed=3)[0]
    assert but_reviews(20, seed=3)[0] != but_reviews(20, seed=4)[0]
    state = random.getstate()
    but_reviews(5, seed=1)
    assert random.getstate() == state  # the global generator is left alone


def test_one_clause_reviews_are_labelled_by_their_only_adjective() -> None:
    sentences, labels = but_reviews(400, seed=0, one_clause=0.5)
    single = [(s, y) for s, y in zip(sentences, labels.tolist(), strict=True) if " but " not in s]
    assert 150 < len(single) < 250
    assert all(y == int(s.split()[-1] in POSITIVE) for s, y in single)


def test_contrastive_pairs_hold_the_same_words_with_opposite_labels() -> None:
    sentences, labels = contrastive_pairs(50, seed=0)
    assert len(sentences) == 100
    for k in range(50):
        assert sorted(sentences[2 * k].split()) == sorted(sentences[2 * k + 1].split())
        assert labels[2 * k] + labels[2 * k + 1] == 1
        assert swap_clauses(sentences[2 * k]) == sentences[2 * k + 1]


def test_distant_reviews_put_exactly_the_gap_after_each_clause() -> None:
    sentences, labels, gaps = distant_reviews(200, gaps=[0, 3, 7], seed=0)
    assert set(gaps.tolist()) == {0, 3, 7}
    clause_words = {"the", "was", "but", *POSITIVE, *NEGATIVE, "very", "really"} | {
        w for a in ASPECTS for w in a.split()
    }
    for sentence, label, gap in zip(sentences, labels.tolist(), gaps.tolist(), strict=True):
        first, second = sentence.split(" but ")
        words = second.split()
        adjectives = [i for i, w in enumerate(words) if w in POSITIVE or w in NEGATIVE]
        assert (
            len(adjectives) == 1 and len(words) - 1 - adjectives[0] == gap
        )  # d words after the deciding one
        assert label == int(words[adjectives[0]] in POSITIVE)
        first_words = first.split()
        first_adjective = max(
            i for i, w in enumerate(first_words) if w in POSITIVE or w in NEGATIVE
        )
        assert len(first_words) - 1 - first_adjective == gap
        # the fillers hold no clause words that could give the answer away
        fillers = first_words[first_adjective + 1 :] + words[adjectives[0] + 1 :]
        assert not any(w in POSITIVE or w in NEGATIVE or w == "but" for w in fillers)
    assert all(w not in clause_words - {"the"} for f in FILLERS for w in f.split())


@settings(max_examples=30, deadline=None)
@given(length=st.integers(0, 40), seed=st.integers(0, 1000))
def test_filler_has_exactly_the_requested_length(length: int, seed: int) -> None:
    assert len(filler(length, random.Random(seed)).split()) == length


def test_the_article_sentence_is_a_review_the_generator_can_write() -> None:
    first, second = ARTICLE_SENTENCE.split(" but ")
    assert first.split()[-1] in NEGATIVE and second.split()[-1] in POSITIVE
    assert "taste of the food" in ASPECTS


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: but_reviews(0), r"n must be a positive int, got 0"),
        (
            lambda: but_reviews(5, one_clause=1.5),
            r"one_clause must be a number in \[0\.0, 1\.0\], got 1\.5",
        ),
        (lambda: contrastive_pairs(-1), r"n_pairs must be a positive int, got \-1"),
        (
            lambda: distant_reviews(5, gaps=[-1]),
            r"gaps must be a non\-empty sequence of non\-negative ints, got \[\-1\]",
        ),
        (
            lambda: distant_reviews(5, gaps=[]),
            r"gaps must be a non\-empty sequence of non\-negative ints, got \[\]",
        ),
        (
            lambda: swap_clauses("the food was bad"),
            r"sentence must be a str containing ' but ' exactly once, got 'the food was bad'",
        ),
        (lambda: filler(-2, random.Random(0)), r"length must be a non\-negative int, got \-2"),
        (lambda: verdict_reviews(5, max_gap=-1), r"max_gap must be a non\-negative int, got \-1"),
        (
            lambda: verdict_reviews(5, agree=2),
            r"agree must be a number in \[0\.0, 1\.0\], got 2",
        ),
        (lambda: verdicts_so_far(["good"]), r"sentence must be a str, got"),
        (
            lambda: matches_verdict(0.5, "maybe"),
            r"verdict must be one of 'unsure', 'positive', 'negative', 'not positive', got 'maybe'",
        ),
        (
            lambda: matches_verdict(1.5, "unsure"),
            r"positive must be a number in \[0\.0, 1\.0\], got 1\.5",
        ),
        (lambda: UnknownAsides(["the"], p=0.1), r"vocab must be a Vocabulary, got"),
        (
            lambda: UnknownAsides(Vocabulary(["the"]), p=-0.1),
            r"p must be a number in \[0\.0, 1\.0\], got \-0\.1",
        ),
    ],
)
def test_sentences_bad_input(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_verdicts_so_far_follow_the_latest_opinion_word() -> None:
    text = "the food was very bad as expected but the service was good honestly"
    assert verdicts_so_far(text) == [0.5] * 4 + [0.0] * 7 + [1.0] * 2
    assert verdicts_so_far("the service") == [0.5, 0.5]


def test_verdict_reviews_target_every_word_and_pad_with_zeros() -> None:
    sentences, targets = verdict_reviews(300, seed=3, max_gap=3, agree=0.25)
    N, T, C = targets.shape
    assert (N, C) == (300, 2) and max(len(s.split()) for s in sentences) == T
    agreeing = 0
    for sentence, target in zip(sentences, targets, strict=True):
        words = sentence.split()
        assert target[: len(words), 1].tolist() == verdicts_so_far(sentence)
        assert target[: len(words)].sum(dim=1).allclose(torch.ones(len(words)))
        assert (target[len(words) :] == 0).all()  # padding has no target
        first, second = sentence.split(" but ")
        for part in (first, second):  # an aside of 0 to 3 words after each opinion word
            words = part.split()
            opinion = max(i for i, w in enumerate(words) if w in POSITIVE + NEGATIVE)
            assert 0 <= len(words) - opinion - 1 <= 3
        agreeing += verdicts_so_far(first)[-1] == verdicts_so_far(sentence)[-1]
    assert 0.15 < agreeing / N < 0.35  # about a quarter agree
    again, _ = verdict_reviews(300, seed=3, max_gap=3, agree=0.25)
    assert again == sentences


def test_matches_verdict_bands() -> None:
    unsure = [matches_verdict(p, "unsure") for p in (0.2, 0.21, 0.79, 0.8)]
    assert unsure == [False, True, True, False]
    assert matches_verdict(0.81, "positive") and matches_verdict(0.19, "negative")
    assert matches_verdict(0.49, "not positive") and not matches_verdict(0.5, "not positive")
    assert set(VERDICT_CONTROLS.values()) <= {"unsure", "positive", "negative", "not positive"}
    for text in VERDICT_CONTROLS:  # every control is a prefix the generator can write
        assert all(w in vocabulary_words() for w in text.split())


def vocabulary_words() -> set[str]:
    sentences, _ = verdict_reviews(500, seed=0)
    return {w for s in sentences for w in s.split()}


def test_unknown_asides_replace_only_aside_words() -> None:
    vocab = Vocabulary.build(["the food was good but the service was bad", *FILLERS])
    ids = torch.tensor([vocab.encode("the food was good in the old town but the service was bad")])
    everything = UnknownAsides(vocab, p=1.0)(ids, torch.Generator().manual_seed(0))
    assert vocab.decode(everything[0].tolist()) == (
        "the food was good <unk> the <unk> <unk> but the service was bad"
    )
    assert torch.equal(UnknownAsides(vocab, p=0.0)(ids, torch.Generator()), ids)
    many = ids.repeat(2000, 1)  # (2000, T)
    some = UnknownAsides(vocab, p=0.1)(many, torch.Generator().manual_seed(0))
    share = (some == vocab.unk_index).float().sum() / (2000 * 3)  # 3 aside words per row
    assert 0.08 < float(share) < 0.12


# --- bag of words -----------------------------------------------------------------------


def test_unigrams_are_exactly_at_chance_on_contrastive_pairs_and_bigrams_are_not() -> None:
    train, train_labels = but_reviews(600, seed=1)
    pairs, pair_labels = contrastive_pairs(100, seed=2)
    assert BagOfNgrams(n=1).fit(train, train_labels).accuracy(pairs, pair_labels) == 0.5
    bigram = BagOfNgrams(n=2).fit(train, train_labels)
    assert bigram.accuracy(pairs, pair_labels) > 0.95
    strongest = [ngram for ngram, _ in bigram.strongest(3)]
    assert all(ngram.endswith(" but") for ngram in strongest)


def test_trigrams_fail_once_the_gap_is_longer_than_their_reach() -> None:
    train, labels, _ = distant_reviews(600, gaps=range(6), seed=1)
    trigram = BagOfNgrams(n=3).fit(train, labels)
    assert trigram.accuracy(*distant_reviews(200, gaps=[0], seed=2)[:2]) > 0.9
    assert trigram.accuracy(*distant_reviews(200, gaps=[5], seed=3)[:2]) < 0.65


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: BagOfNgrams(n=0), r"n must be a positive int, got 0"),
        (
            lambda: BagOfNgrams().fit("the food", [1]),
            r"sentences must be a non\-empty list of strings, got 'the food'",
        ),
        (
            lambda: BagOfNgrams().fit(["a b", "c d"], [1]),
            r"labels must be one per sentence \(2\), got 1",
        ),
        (lambda: BagOfNgrams().strongest(), r"BagOfNgrams must be fitted before strongest"),
    ],
)
def test_bag_of_words_bad_input(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


# --- series -----------------------------------------------------------------------------


def test_noisy_sine_has_the_requested_noise() -> None:
    clean = noisy_sine(4000, sigma=0.0)
    noisy = noisy_sine(4000, sigma=0.1, seed=1)
    assert abs(float((noisy - clean).std()) - 0.1) < 0.005
    assert torch.equal(noisy, noisy_sine(4000, sigma=0.1, seed=1))


@settings(max_examples=30, deadline=None)
@given(T=st.integers(2, 40), data=st.data())
def test_windows_pair_each_run_with_the_next_value(T: int, data) -> None:
    p = data.draw(st.integers(1, T - 1))
    series = torch.arange(float(T))
    X, y = windows(series, p)
    assert X.shape == (T - p, p) and y.shape == (T - p,)
    assert torch.equal(X[:, -1] + 1, y) and torch.equal(last_value(X), X[:, -1])


def test_linear_ar_recovers_a_known_autoregression() -> None:
    g = torch.Generator().manual_seed(0)
    x = torch.zeros(3000)
    for t in range(2, 3000):
        x[t] = 0.6 * x[t - 1] - 0.3 * x[t - 2] + 0.5 + 0.1 * torch.randn(1, generator=g).item()
    X, y = windows(x, p=2)
    ar = LinearAR().fit(X, y)
    torch.testing.assert_close(
        ar.coefficients, torch.tensor([-0.3, 0.6]), atol=0.03, rtol=0
    )  # oldest first
    assert abs(ar.intercept - 0.5) < 0.03
    assert abs(mse(ar.predict(X), y) - 0.01) < 0.002  # the noise variance


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: noisy_sine(1), r"n must be an int >= 2, got 1"),
        (lambda: noisy_sine(10, sigma=-1), r"sigma must be a number in \[0\.0, inf\], got \-1"),
        (lambda: windows(torch.zeros(5), p=5), r"p must be below the series' length 5, got 5"),
        (lambda: windows(torch.zeros(5, 2), p=2), r"series must be 1-D with shape \(T,\), got 2-D"),
        (lambda: LinearAR().predict(torch.zeros(3, 2)), r"LinearAR must be fitted before predict"),
        (
            lambda: LinearAR().fit(torch.zeros(3, 2), torch.zeros(4)),
            r"y must hold 3 examples like X, got 4",
        ),
        (
            lambda: LinearAR().fit(torch.randn(9, 2), torch.randn(9)).predict(torch.zeros(3, 4)),
            r"X must be windows of p = 2 values like the fitted model, got 4",
        ),
        (
            lambda: mse(torch.zeros(3), torch.zeros(4)),
            r"target must be shaped \(3,\) like prediction, got shape \(4,\)",
        ),
    ],
)
def test_series_bad_input(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


# --- Memory -----------------------------------------------------------------------------


@pytest.mark.parametrize("cell, layer", [("rnn", RNN), ("lstm", LSTM), ("gru", GRU)])
def test_memory_runs_on_the_package_layers(cell: str, layer: type) -> None:
    model = Memory(vocab_size=12, embedding_dim=4, hidden_size=6, cell=cell, seed=0)
    assert isinstance(model.rnn, layer)
    assert model(torch.randint(2, 12, (3, 5))).shape == (3, 2)


def test_memory_reads_the_state_after_the_last_real_word() -> None:
    model = Memory(vocab_size=12, hidden_size=6, seed=0)
    short = torch.tensor([[4, 5, 6]])
    padded = torch.tensor([[4, 5, 6, 0, 0, 0]])
    torch.testing.assert_close(model(short), model(padded))
    trace = model.trace(padded[0])
    assert (
        trace.states.shape == (1, 6, 6)
        and trace.logits.shape == (1, 6, 2)
        and trace.lengths.tolist() == [3]
    )
    torch.testing.assert_close(trace.logits[0, 2], model(short)[0])
    torch.testing.assert_close(trace.probabilities.sum(-1), torch.ones(1, 6))


def test_memory_seed_is_reproducible_and_leaves_the_global_generator_alone() -> None:
    torch.manual_seed(123)
    expected = torch.rand(1)
    torch.manual_seed(123)
    a = Memory(vocab_size=10, seed=7)
    after = torch.rand(1)
    b = Memory(vocab_size=10, seed=7)
    assert torch.equal(after, expected)
    assert all(
        torch.equal(p, q)
        for p, q in zip(a.state_dict().values(), b.state_dict().values(), strict=True)
    )


def test_memory_learns_but_reviews_quickly() -> None:
    train, labels = but_reviews(600, seed=1, one_clause=0.25)
    pairs, pair_labels = contrastive_pairs(100, seed=2)
    vocab = Vocabulary.build(train)
    model = Memory(len(vocab), hidden_size=16, seed=0)
    history = fit(
        model,
        vocab.encode_batch(train)[0],
        labels,
        epochs=4,
        lr=0.01,
        max_grad_norm=1.0,
        progress=False,
    )
    assert history.loss[-1] < history.loss[0]
    predictions = model(vocab.encode_batch(pairs)[0]).argmax(-1)
    assert (predictions == pair_labels).float().mean() > 0.95


def test_every_word_loss_is_cross_entropy_over_the_real_words() -> None:
    logits = torch.randn(3, 5, 2)
    labels = torch.randint(0, 2, (3, 5))
    targets = F.one_hot(labels, 2).float()  # (3, 5, 2)
    targets[1, 3:] = 0  # padding
    real = targets.sum(-1) > 0  # (3, 5)
    expected = F.cross_entropy(logits[real], labels[real])
    torch.testing.assert_close(every_word_loss(logits, targets), expected)
    soft = torch.full((1, 2, 2), 0.5)
    unsure = every_word_loss(torch.zeros(1, 2, 2), soft)
    torch.testing.assert_close(unsure, torch.tensor(0.6931), atol=1e-4, rtol=0)  # log 2


def test_training_on_every_prefix_gives_a_verdict_after_every_word() -> None:
    sentences, targets = verdict_reviews(600, seed=1, max_gap=2)
    vocab = Vocabulary.build(sentences + list(FILLERS))
    model = Memory(len(vocab), hidden_size=16, seed=0)
    before = {name: tuple(p.shape) for name, p in model.named_parameters()}
    history = fit(
        EveryWord(model),
        vocab.encode_batch(sentences)[0],
        targets,
        epochs=4,
        lr=0.01,
        max_grad_norm=1.0,
        loss_fn=every_word_loss,
        progress=False,
    )
    assert history.loss[-1] < history.loss[0]
    assert {name: tuple(p.shape) for name, p in model.named_parameters()} == before

    def reading(text: str) -> float:
        with torch.no_grad():
            return float(model.trace(torch.tensor(vocab.encode(text))).probabilities[0, -1, 1])

    assert matches_verdict(reading("the service"), "unsure")
    assert matches_verdict(reading("the service was good"), "positive")
    assert matches_verdict(reading("the service was bad but the food was good"), "positive")
    pairs, pair_labels = contrastive_pairs(100, seed=2)
    predictions = model(vocab.encode_batch(pairs)[0]).argmax(-1)  # forward: after the last word
    assert (predictions == pair_labels).float().mean() > 0.95


def test_gradient_norms_vanish_with_distance_in_an_rnn() -> None:
    model = Memory(vocab_size=10, hidden_size=8, seed=0)
    norms = gradient_norms(
        model, torch.randint(2, 10, (40,), generator=torch.Generator().manual_seed(0))
    )
    assert norms.shape == (40,) and (norms > 0).all()
    assert norms[0] < 1e-6 * norms[-1]


def test_gradient_norms_equal_a_full_jacobian() -> None:
    model = Memory(vocab_size=10, embedding_dim=3, hidden_size=4, cell="lstm", seed=0).double()
    ids = torch.tensor([2, 3, 4, 5])
    x = model.embedding(ids.unsqueeze(0)).detach()

    def last_state(inputs: torch.Tensor) -> torch.Tensor:
        return model.rnn(inputs)[0][0, -1]

    jacobian = torch.autograd.functional.jacobian(last_state, x)  # (H, 1, T, E)
    torch.testing.assert_close(
        gradient_norms(model, ids), jacobian.pow(2).sum(dim=(0, 1, 3)).sqrt()
    )


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: Memory(10, cell="transformer"),
            r"cell must be one of 'rnn', 'lstm', 'gru', got 'transformer'",
        ),
        (lambda: Memory(0), r"vocab_size must be a positive int, got 0"),
        (lambda: Memory(10)(torch.tensor([1, 2])), r"ids must be 2-D with shape \(N, T\), got 1-D"),
        (
            lambda: Memory(10)(torch.tensor([[1.0, 2.0]])),
            r"ids must be an integer tensor, got dtype torch\.float32",
        ),
        (
            lambda: Memory(10)(torch.tensor([[3, 12]])),
            r"ids must be in \[0, 10\), got values from 3 to 12",
        ),
        (
            lambda: Memory(10)(torch.tensor([[3, 4], [0, 0]])),
            r"ids must be sentences of at least one real word each, got only padding in row 1",
        ),
        (
            lambda: gradient_norms(Memory(10), torch.tensor([3, 0])),
            r"ids must be one non\-empty sentence without padding, got \[3, 0\]",
        ),
        (lambda: EveryWord("memory"), r"memory must be a Memory, got"),
        (
            lambda: every_word_loss(torch.zeros(2, 3, 2), torch.zeros(2, 4, 2)),
            r"targets must be shaped like logits \(2, 3, 2\), got shape \(2, 4, 2\)",
        ),
        (
            lambda: every_word_loss(torch.zeros(1, 2, 2), torch.tensor([[[0.5, 0.6], [1.0, 0.0]]])),
            r"targets must be rows of probabilities summing to 1, or all 0 for padding",
        ),
        (
            lambda: every_word_loss(torch.zeros(1, 2, 2), torch.zeros(1, 2, 2)),
            r"targets must be at least one word with a target, got padding only",
        ),
        (
            lambda: every_word_loss(torch.zeros(2, 2), torch.zeros(2, 2)),
            r"logits must be 3-D with shape \(N, T, C\), got 2-D",
        ),
        (
            lambda: NextStep()(torch.randn(4)),
            r"windows must be 2-D or 3-D with shape \(N, T\) or \(N, T, 1\), got 1-D",
        ),
        (
            lambda: NextStep()(torch.randn(4, 5, 2)),
            r"windows must have features per step \(dim 2\) = 1, got 2",
        ),
    ],
)
def test_memory_bad_input(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_next_step_beats_the_last_value_on_a_noisy_sine() -> None:
    X, y = windows(noisy_sine(800, sigma=0.1, seed=0), p=20)
    model = NextStep(hidden_size=16, seed=0)
    fit(model, X[:600], y[:600], epochs=6, lr=0.01, loss_fn=F.mse_loss, progress=False)
    with torch.no_grad():
        assert mse(model(X[600:]), y[600:]) < mse(last_value(X[600:]), y[600:])


# --- CharLM -----------------------------------------------------------------------------


def test_text_windows_shift_by_one() -> None:
    vocab = char_vocabulary("hello world")
    inputs, targets = text_windows("hello world", vocab, length=4, stride=2)
    assert inputs.shape == targets.shape == (4, 4)
    assert torch.equal(inputs[:, 1:], targets[:, :-1])
    assert vocab.decode(inputs[1]) == "llo "


def test_charlm_learns_and_samples_reproducibly() -> None:
    text = ". ".join(but_reviews(60, seed=0)[0])
    vocab = char_vocabulary(text)
    inputs, targets = text_windows(text, vocab, length=30)
    model = CharLM(len(vocab), hidden_size=32, seed=0)
    history = fit(
        model, inputs, targets, epochs=3, lr=0.01, loss_fn=sequence_cross_entropy, progress=False
    )
    assert history.loss[-1] < history.loss[0]
    first = sample(model, vocab, "the ", length=40, seed=1)
    assert first == sample(model, vocab, "the ", length=40, seed=1)
    assert first.startswith("the ") and len(first) == 44
    assert PAD not in first


def test_sequence_cross_entropy_is_the_mean_over_positions() -> None:
    logits, targets = torch.randn(2, 3, 5), torch.randint(0, 5, (2, 3))
    expected = torch.stack(
        [F.cross_entropy(logits[i, t], targets[i, t]) for i in range(2) for t in range(3)]
    ).mean()
    torch.testing.assert_close(sequence_cross_entropy(logits, targets), expected)


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: sample(CharLM(5), char_vocabulary("abc"), "", 3),
            r"prompt must be a str of at least one character, got ''",
        ),
        (
            lambda: sample(CharLM(5), char_vocabulary("abc"), "a", 3, temperature=0),
            r"temperature must be a number in \(0\.0, inf\], got 0",
        ),
        (
            lambda: text_windows("abc", char_vocabulary("abc"), length=3),
            r"length must be below the text's 3 characters, got 3",
        ),
        (
            lambda: CharLM(5).step(torch.tensor([1, 2])),
            r"ids must be 2-D with shape \(N, T\), got 1-D",
        ),
    ],
)
def test_charlm_bad_input(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


# --- benchmark --------------------------------------------------------------------------


def test_benchmark_results_match_the_script_configuration() -> None:
    from benchmarks.rnn import CONFIG, PAIRS

    results = json.loads((ROOT / "benchmarks" / "results" / "rnn.json").read_text())
    assert {key: results["config"][key] for key in CONFIG} == CONFIG
    assert set(results["results"]) == set(PAIRS)
    for ratios in results["results"].values():
        assert {"forward_ratio", "forward_backward_ratio"} <= set(ratios)
    assert results["machine"]


# --- the notebook on the site -------------------------------------------------------------


def test_notebook_links_lead_to_built_pages_and_anchors(built_site) -> None:
    """Links a notebook makes to the chapters (``../memory.md#...`` in Jupyter) work on the site."""
    import re
    from urllib.parse import urljoin, urlsplit

    site = built_site.path
    broken = []
    for page in sorted((site / "notebooks").glob("*/index.html")):
        html = page.read_text(encoding="utf-8")
        base = "http://site/" + page.parent.relative_to(site).as_posix() + "/"
        for href in set(re.findall(r'href="([^"]+)"', html)):
            if re.match(r"[a-z]+:|#|//", href) or ".ipynb" in href or "/assets/" in href:
                continue
            parts = urlsplit(urljoin(base, href))
            target = site / parts.path.lstrip("/")
            target = target / "index.html" if not target.suffix else target
            if not target.exists():
                broken.append(f"{page.relative_to(site)}: {href}")
            elif parts.fragment and f'id="{parts.fragment}"' not in target.read_text(
                encoding="utf-8"
            ):
                broken.append(f"{page.relative_to(site)}: {href} (no such anchor)")
    assert broken == []


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: Memory(10)([[2, 3]]), r"ids must be a torch.Tensor, got list"),
        (
            lambda: Memory(10, padding_idx=12),
            r"padding_idx must be an index below vocab_size = 10, got 12",
        ),
        (lambda: Memory(10, hidden_size=0), r"hidden_size must be a positive int, got 0"),
        (lambda: Memory(10, num_classes=True), r"num_classes must be a positive int, got True"),
        (
            lambda: Memory(10)(torch.tensor([[0, 3, 4]])),
            r"ids must be words first, then padding \(0\) only at the end, "
            r"got padding inside row 0",
        ),
        (
            lambda: Memory(10)(torch.tensor([[3, 0, 4]])),
            r"ids must be words first, then padding \(0\) only at the end, "
            r"got padding inside row 0",
        ),
    ],
)
def test_memory_refuses_what_it_used_to_misread(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
