"""The text API as a teacher with their own sentences meets it: the traps are closed, the
character model's helpers are one import away, and labelled sentences of another domain go
to a trained ``Memory`` with the data API alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

import eyememory
from eyememory import (
    CharLM,
    Memory,
    Vocabulary,
    accuracy,
    char_vocabulary,
    encode_labels,
    fit,
    sample,
    sequence_cross_entropy,
    text_windows,
    tokenize,
)
from eyememory.data.text import PAD, UNK
from eyememory.export import memory_from_json

ROOT = Path(__file__).resolve().parent.parent
FROM_SENTENCES = r"to build a vocabulary from sentences, use Vocabulary\.build\(sentences\)"

# Twenty made-up forecasts: words, capitals and punctuation the review chapters never use.
FORECASTS = [
    ("Grey clouds rolled in and the streets were wet by noon.", "rainy"),
    ("A cold drizzle fell on the market all morning.", "rainy"),
    ("Umbrellas everywhere: it poured until dusk!", "rainy"),
    ("Puddles on every corner, and thunder after lunch.", "rainy"),
    ("The gutters overflowed during the storm.", "rainy"),
    ("Heavy showers soaked the cyclists on their way home.", "rainy"),
    ("It rained steadily, so the picnic moved indoors.", "rainy"),
    ("Dark skies, wet pavements and a downpour at six.", "rainy"),
    ("The roof leaked again under the endless rain.", "rainy"),
    ("Mist and showers kept the ferry in the harbour.", "rainy"),
    ("Not a cloud in the sky; the beach was crowded.", "sunny"),
    ("Bright sunshine warmed the terrace all afternoon.", "sunny"),
    ("A clear blue sky and a light breeze by the lake.", "sunny"),
    ("The sun came out early and the grass dried quickly.", "sunny"),
    ("Warm, dry and bright: perfect weather for the picnic.", "sunny"),
    ("Children played outside under a cloudless sky.", "sunny"),
    ("The afternoon was hot and the ice cream sold out.", "sunny"),
    ("Sunglasses and shorts: the heat lasted until evening.", "sunny"),
    ("A golden sunset after a dry, glorious day.", "sunny"),
    ("The fields shone in the midday sun.", "sunny"),
]


# --- from a teacher's own labelled sentences to a trained Memory ------------------------


def test_own_labelled_sentences_train_a_memory_with_the_data_api_alone() -> None:
    sentences = [sentence for sentence, _ in FORECASTS]
    vocab = Vocabulary.build(sentences)  # tokenise and collect the words
    ids, lengths = vocab.encode_batch(sentences)  # (N, T), padded at the end
    targets, classes = encode_labels([label for _, label in FORECASTS])  # (N,)
    assert classes == ["rainy", "sunny"] and targets.tolist() == [0] * 10 + [1] * 10
    assert ids.shape == (20, int(lengths.max()))
    assert all((row[n:] == vocab.pad_index).all() for row, n in zip(ids, lengths, strict=True))

    model = Memory(len(vocab), hidden_size=16, num_classes=len(classes), seed=0)
    history = fit(model, ids, targets, epochs=60, lr=0.01, progress=False)
    # Every seed from 0 to 5 fits all twenty by epoch 14 (under both kernels, default and
    # AVX2), with a final loss below 1e-3: 60 epochs leave a wide margin.
    assert accuracy(model, ids, targets) == 1.0
    assert history.loss[-1] < history.loss[0] / 100
    predicted = model(vocab.encode_batch(["Thunder and rain all day."])[0]).argmax(-1)
    assert classes[int(predicted)] in classes  # a prediction reads back as a label


# --- Vocabulary: tokens, not sentences ----------------------------------------------------


@pytest.mark.parametrize(
    "tokens",
    [["the food was bad", "the service was good"], ["good!"], "the food was bad"],
    ids=["sentences", "word with its sign", "one string"],
)
def test_vocabulary_refuses_sentences_and_says_how_to_build_one(tokens: object) -> None:
    with pytest.raises(ValueError, match=rf"^tokens must be .*{FROM_SENTENCES}"):
        Vocabulary(tokens)  # type: ignore[arg-type]


def test_vocabulary_refuses_a_token_no_text_encodes_to() -> None:
    message = (
        r"^tokens must be single tokens, each one the tokenizer gives back unchanged, "
        r"got 'Good', which the tokenizer reads as \['good'\], so no text would ever be "
        r"encoded to it$"
    )
    with pytest.raises(ValueError, match=message):
        Vocabulary(["Good"])
    assert Vocabulary(["Good"], tokenizer=str.split).encode("Good good") == [2, 1]


def test_vocabulary_keeps_every_correct_use() -> None:
    cases = json.loads((ROOT / "tests" / "data" / "tokens.json").read_text(encoding="utf-8"))
    every_token = [token for case in cases["cases"] for token in case["tokens"]]
    assert Vocabulary(every_token).tokens[2:] == list(dict.fromkeys(every_token))
    characters = Vocabulary(["a", " ", "\n", "."], tokenizer=list, separator="")
    assert characters.decode(characters.encode("a .\n")) == "a .\n"
    assert Vocabulary([PAD, UNK, "a", "a"]).tokens == [PAD, UNK, "a"]
    assert Vocabulary([]).tokens == [PAD, UNK]
    explorer = json.loads(
        (ROOT / "docs" / "assets" / "explorer" / "memory-model.json").read_text(encoding="utf-8")
    )
    assert memory_from_json(explorer)[1].tokens == explorer["vocabulary"]


def test_case_and_punctuation_do_not_make_new_words() -> None:
    vocab = Vocabulary.build(["The sky was CLEAR."])
    assert vocab.tokens[2:] == ["the", "sky", "was", "clear", "."]
    assert vocab.encode("the sky was clear .") == vocab.encode("The Sky  was clear.")


# --- build and encode_batch: generators, one string, empty sentences --------------------


def test_a_generator_read_twice_is_named() -> None:
    lines = (line for line in ["it rained", "it poured"])
    vocab = Vocabulary.build(lines)
    assert len(vocab) == 5
    with pytest.raises(ValueError, match=r"^texts .*got an empty iterator \(a generator can be"):
        vocab.encode_batch(lines)
    with pytest.raises(ValueError, match=r"got an empty iterator"):
        Vocabulary.build(lines)


def test_encode_batch_refuses_one_string_and_says_what_to_pass() -> None:
    vocab = Vocabulary.build(["it rained"])
    with pytest.raises(
        ValueError,
        match=r"^texts must be a list of strings, got 'it rained' \(for one text, pass \[text\]\)$",
    ):
        vocab.encode_batch("it rained")  # type: ignore[arg-type]
    assert vocab.encode_batch(["it rained"])[0].tolist() == [[2, 3]]


def test_encode_batch_names_the_empty_sentence() -> None:
    vocab = Vocabulary.build(["it rained"])
    with pytest.raises(
        ValueError,
        match=r"^texts must be texts of at least one token each, got ' \\u200b ' at index 1, "
        r"which has no tokens$",
    ):
        vocab.encode_batch(["it rained", " \u200b "])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: Vocabulary.build(["", "  "]), r"^texts must be texts holding at least one token"),
        (
            lambda: Vocabulary.build(["a b", "a"], min_count=3),
            r"^min_count must be at most 2, the most frequent token's count, got 3$",
        ),
        (
            lambda: Vocabulary.build(["a b"], tokenizer=str),
            r"^tokenizer must be a function from a str to a list of str tokens, got one giving",
        ),
        (
            lambda: Vocabulary(["a"], tokenizer=lambda text: None).encode("a"),
            r"^tokenizer must be a function from a str to a list of str tokens, got one giving "
            r"None for 'a'$",
        ),
        (
            lambda: Vocabulary.build([["it", "rained"]]),
            r"^texts must be a non-empty list of strings, got \[\['it', 'rained'\]\]$",
        ),
    ],
    ids=["only empty texts", "min_count above every count", "str", "None", "pre-split"],
)
def test_build_refuses_what_would_make_an_empty_or_wrong_vocabulary(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: Vocabulary({"rain", "sun"}), "tokens"),
        (lambda: Vocabulary.build({"it rained", "it shone"}), "texts"),
        (lambda: Vocabulary.build(["it rained"]).encode_batch({"it rained"}), "texts"),
        (lambda: encode_labels({"rainy", "sunny"}), "labels"),
        (lambda: encode_labels(["rainy"], classes={"rainy", "sunny"}), "classes"),
    ],
    ids=["tokens", "build", "encode_batch", "labels", "classes"],
)
def test_a_set_is_refused_since_its_order_changes_between_runs(call, name: str) -> None:
    with pytest.raises(ValueError, match=rf"^{name} must be .*, got a set \(its order changes"):
        call()


# --- encode_labels ------------------------------------------------------------------------


def test_encode_labels_numbers_the_sorted_classes() -> None:
    targets, classes = encode_labels(["sunny", "rainy", "sunny"])
    assert (targets.tolist(), classes) == ([1, 0, 1], ["rainy", "sunny"])
    assert targets.dtype == torch.long
    assert encode_labels(["rainy", "rainy"], classes)[0].tolist() == [0, 0]
    assert encode_labels([3, 1, 3])[0].tolist() == [1, 0, 1]
    assert encode_labels(["b", "a"], classes=["b", "a"])[0].tolist() == [0, 1]
    assert encode_labels(torch.tensor([3, 1]))[1] == [1, 3]
    assert encode_labels(label for label in ("sunny", "rainy"))[0].tolist() == [1, 0]


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: encode_labels(["rainy", "snowy"], ["rainy", "sunny"]),
            r"^labels must be labels among the classes \['rainy', 'sunny'\], got 'snowy'$",
        ),
        (
            lambda: encode_labels(["rainy", 1]),
            r"^labels must be a non-empty list of labels, all strings or all ints",
        ),
        (lambda: encode_labels([0.5, 1.0]), r"^labels must be .*, got \[0\.5, 1\.0\]$"),
        (lambda: encode_labels([True, False]), r"^labels must be .*, got \[True, False\]$"),
        (lambda: encode_labels("rainy"), r"^labels must be .*, got 'rainy'$"),
        (lambda: encode_labels(["a"], ["a", "a"]), r"^classes must be distinct labels"),
    ],
    ids=["unknown", "mixed", "floats", "bools", "one string", "repeated class"],
)
def test_encode_labels_bad_input(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


# --- the character model's helpers ------------------------------------------------------


def test_character_helpers_are_at_the_top() -> None:
    for name in ("char_vocabulary", "text_windows", "sequence_cross_entropy", "encode_labels"):
        assert name in eyememory.__all__


def test_char_vocabulary_keeps_every_character_as_it_is() -> None:
    vocab = char_vocabulary("Hi, you.\nBye")
    assert vocab.tokens[2:] == list(dict.fromkeys("Hi, you.\nBye"))
    assert vocab.decode(vocab.encode("Bye, you.")) == "Bye, you."
    with pytest.raises(ValueError, match=r"^text must be a str of at least one character, got ''$"):
        char_vocabulary("")


def test_text_windows_refuses_a_word_vocabulary() -> None:
    words = Vocabulary.build(["the cat sat"])
    with pytest.raises(
        ValueError,
        match=r"^vocab must be a character vocabulary, from char_vocabulary\(text\), "
        r"got one holding the token 'the'$",
    ):
        text_windows("the cat sat", words, length=3)


def test_sequence_cross_entropy_refuses_an_empty_batch() -> None:
    with pytest.raises(ValueError, match=r"^logits must be non-empty \(at least one position\)"):
        sequence_cross_entropy(torch.zeros(0, 3, 4), torch.zeros(0, 3, dtype=torch.long))


def test_sample_writes_characters_only_and_a_cold_temperature_is_greedy() -> None:
    vocab = char_vocabulary("abc")
    model = CharLM(len(vocab), hidden_size=8, seed=0)
    with torch.no_grad():  # make <unk> and <pad> the model's favourites: neither may appear
        model.head.bias[[vocab.pad_index, vocab.unk_index]] = 100.0
    for temperature in (1e-300, 0.5, 1.0, 1e6):
        written = sample(model, vocab, "ab", length=20, temperature=temperature, seed=1)
        assert len(written) == 22 and set(written) <= set("abc"), (temperature, written)

    greedy, ids, state = [], torch.tensor([vocab.encode("ab")]), None
    with torch.no_grad():
        for _ in range(10):
            logits, state = model.step(ids, state)
            scores = logits[0, -1].clone()
            scores[[vocab.pad_index, vocab.unk_index]] = -torch.inf
            greedy.append(int(scores.argmax()))
            ids = torch.tensor([[greedy[-1]]])
    assert sample(model, vocab, "ab", length=10, temperature=1e-6) == "ab" + vocab.decode(greedy)


def test_sample_refuses_a_vocabulary_without_characters() -> None:
    with pytest.raises(ValueError, match=r"^vocab must be a vocabulary of at least one character"):
        sample(CharLM(2), Vocabulary([], tokenizer=list, separator=""), "a", 3)


def test_tokenize_is_what_the_vocabulary_uses_by_default() -> None:
    assert Vocabulary.build(["Rain, rain!"]).tokens[2:] == list(
        dict.fromkeys(tokenize("Rain, rain!"))
    )
