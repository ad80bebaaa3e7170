"""One experiment, three kinds of data, one parameter budget: the numbers behind docs/choosing.md.

    python -m benchmarks.choosing            # every seed; writes benchmarks/results/choosing.json
    python -m benchmarks.choosing --quick    # seed 0 only; prints, writes nothing

Every network gets about the same number of parameters (``BUDGET``, within ``TOLERANCE``)
and, within a task, the same training recipe. Each is trained with each of ``SEEDS`` and
scored on held-out data; the training time is the wall-clock time of the training steps
(``History.seconds``), on one torch thread. Accuracies and errors are properties of the
code and the seed, and the page recomputes seed 0 to check that this file is current;
times are properties of the machine, recorded here with a description of it.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F

from benchmarks import write_results
from benchmarks._machine import describe
from eyememory import (
    MLP,
    Eye,
    LinearAR,
    Memory,
    accuracy,
    fit,
    last_value,
    load_digits,
    mse,
    noisy_sine,
    shift,
    windows,
)
from eyememory.data.digits import ONE_PIXEL_SHIFTS
from eyememory.data.sentences import FILLERS, distant_reviews
from eyememory.data.text import Vocabulary
from eyememory.models.bag_of_words import BagOfNgrams
from eyememory.models.eye1d import SeriesEye, WordEye
from eyememory.models.memory import NextStep
from eyememory.models.rows import RowMemory, pixel_order, shuffle_pixels

RESULTS = Path(__file__).resolve().parent / "results" / "choosing.json"
SEEDS = (0, 1, 2, 3, 4)
THREADS = 1  # tiny models train fastest, and most steadily on a busy machine, on one thread

# --8<-- [start:budget]
BUDGET = 3_000  # parameters per network, on every task
TOLERANCE = 0.03  # each network within 3% of it: 2,910 to 3,090
# --8<-- [end:budget]

# --8<-- [start:digits]
# The Eye chapter's recipe, with the Memory chapter's gradient clipping.
DIGITS_RECIPE = dict(epochs=20, batch_size=32, lr=1e-2, max_grad_norm=1.0)
DIGIT_NETWORKS = {  # name: how to build it (10 classes each)
    "MLP": lambda: MLP(64, hidden=(40,)),  # 64 pixels in a flat list
    "Eye": lambda: Eye(channels=(12, 24)),  # an 8×8 grid
    "Memory, row by row": lambda: RowMemory(width=8, hidden_size=46),
}
# --8<-- [end:digits]

# --8<-- [start:sentences]
SENTENCE_DATA = dict(train=1000, train_gaps=range(0, 9), test=1000, far=200, far_gap=32)
# The Memory chapter's recipe.
SENTENCE_RECIPE = dict(epochs=4, batch_size=32, lr=1e-2, max_grad_norm=1.0)
SENTENCE_NETWORKS = {  # name: how to build it for V words
    "Memory (RNN)": lambda V: Memory(V, embedding_dim=16, hidden_size=34),
    "Eye, 3-word kernels": lambda V: WordEye(V, embedding_dim=16, channels=36, kernel_size=3),
    "Eye, 3 dilated layers": lambda V: WordEye(
        V, embedding_dim=16, channels=14, kernel_size=3, dilations=(1, 2, 4)
    ),
}
# --8<-- [end:sentences]

# --8<-- [start:series]
SERIES_DATA = dict(length=2000, period=40, sigma=0.1, window=20, train=1600)
SERIES_RECIPE = dict(epochs=10, batch_size=32, lr=1e-2, max_grad_norm=1.0, loss_fn=F.mse_loss)
SERIES_NETWORKS = {  # name: how to build it
    "Memory (RNN)": lambda: NextStep(hidden_size=53),
    "Eye, 1-D kernels": lambda: SeriesEye(window=20, channels=136, kernel_size=5),
}
# --8<-- [end:series]

SEEDS_OF_DATA = {
    "pixel_order": 0,
    "sentences_train": 3,
    "sentences_test": 200,
    "sentences_far": 201,
    "series": 0,
}


def jsonable(value):
    """Ranges as lists, functions by name: the configuration as JSON can hold it."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (range, list, tuple)):
        return [jsonable(v) for v in value]
    if callable(value):
        return value.__name__
    return value


def config() -> dict:
    """Everything that decides the results, as JSON.

    A results file is current when its config equals this.

    The networks are recorded by their ``repr`` (every layer and its sizes), built without
    touching the global random generator.
    """
    with torch.random.fork_rng(devices=[]):
        V = len(sentence_data()["vocab"])
        architectures = {
            "digits": {name: repr(make()) for name, make in DIGIT_NETWORKS.items()},
            "sentences": {name: repr(make(V)) for name, make in SENTENCE_NETWORKS.items()},
            "series": {name: repr(make()) for name, make in SERIES_NETWORKS.items()},
        }
    return jsonable(
        {
            "budget": BUDGET,
            "tolerance": TOLERANCE,
            "seeds": SEEDS,
            "threads": THREADS,
            "data_seeds": SEEDS_OF_DATA,
            "recipes": {
                "digits": DIGITS_RECIPE,
                "sentences": SENTENCE_RECIPE,
                "series": SERIES_RECIPE,
            },
            "data": {"sentences": SENTENCE_DATA, "series": SERIES_DATA},
            "architectures": architectures,
        }
    )


def parameters(model: nn.Module) -> int:
    """How many numbers training adjusts."""
    return sum(p.numel() for p in model.parameters())


def train(
    make: Callable[[], nn.Module],
    inputs: torch.Tensor,
    targets: torch.Tensor,
    recipe: dict,
    seed: int,
) -> tuple[nn.Module, float]:
    """Build a network from ``seed`` and train it; returns it and its training time in seconds."""
    torch.manual_seed(seed)  # the initial weights
    model = make()
    history = fit(model, inputs, targets, seed=seed, progress=False, device="cpu", **recipe)
    return model, history.seconds


# --- the three tasks -------------------------------------------------------------------


def digits_data() -> dict[str, torch.Tensor]:
    """The digits as grids, and the same digits with their pixels in one fixed shuffled order."""
    digits = load_digits()
    order = pixel_order(8, seed=SEEDS_OF_DATA["pixel_order"])
    return {
        "train": digits.train_images,
        "test": digits.test_images,
        "train_shuffled": shuffle_pixels(digits.train_images, order),
        "test_shuffled": shuffle_pixels(digits.test_images, order),
        "train_labels": digits.train_labels,
        "test_labels": digits.test_labels,
        "order": order,
    }


def run_digits(
    seed: int, names: Iterable[str] = tuple(DIGIT_NETWORKS)
) -> dict[str, dict[str, float]]:
    """Each reader of a digit, trained on grids and on shuffled pixels.

    Returns, per network: ``grid`` (test accuracy), ``shifted`` (on test digits moved one
    pixel, mean of four directions), ``shuffled`` (trained and tested on shuffled pixels),
    ``seconds`` (training on grids) and ``parameters``.
    """
    data = digits_data()
    out = {}
    for name in names:
        make = DIGIT_NETWORKS[name]
        model, seconds = train(make, data["train"], data["train_labels"], DIGITS_RECIPE, seed)
        moved = [
            accuracy(model, shift(data["test"], *step), data["test_labels"])
            for step in ONE_PIXEL_SHIFTS.values()
        ]
        shuffled, _ = train(make, data["train_shuffled"], data["train_labels"], DIGITS_RECIPE, seed)
        out[name] = {
            "grid": accuracy(model, data["test"], data["test_labels"]),
            "shifted": statistics.mean(moved),
            "shuffled": accuracy(shuffled, data["test_shuffled"], data["test_labels"]),
            "seconds": seconds,
            "parameters": parameters(model),
        }
    return out


def sentence_data() -> dict:
    """Reviews whose verdict is decided by the clause after *but*.

    Each clause is followed by 0 to 8 neutral words.
    """
    d, seeds = SENTENCE_DATA, SEEDS_OF_DATA
    train_sentences, train_labels, _ = distant_reviews(
        d["train"], gaps=d["train_gaps"], seed=seeds["sentences_train"]
    )
    test_sentences, test_labels, _ = distant_reviews(
        d["test"], gaps=d["train_gaps"], seed=seeds["sentences_test"]
    )
    far_sentences, far_labels, _ = distant_reviews(
        d["far"], gaps=[d["far_gap"]], seed=seeds["sentences_far"]
    )
    vocab = Vocabulary.build(train_sentences + list(FILLERS))
    return {
        "vocab": vocab,
        "train_sentences": train_sentences,
        "train_labels": train_labels,
        "train": vocab.encode_batch(train_sentences)[0],
        "test_sentences": test_sentences,
        "test_labels": test_labels,
        "test": vocab.encode_batch(test_sentences)[0],
        "far_sentences": far_sentences,
        "far_labels": far_labels,
        "far": vocab.encode_batch(far_sentences)[0],
    }


def run_sentences(
    seed: int, names: Iterable[str] = ("bag of 1- to 3-grams", *SENTENCE_NETWORKS)
) -> dict[str, dict[str, float]]:
    """Each reader of a review; ``accuracy`` on fresh reviews with gaps 0–8, ``far`` with gap 32."""
    data = sentence_data()
    V = len(data["vocab"])
    out = {}
    if "bag of 1- to 3-grams" in names:
        start = time.perf_counter()
        bag = BagOfNgrams(n=3).fit(data["train_sentences"], data["train_labels"])
        out["bag of 1- to 3-grams"] = {
            "accuracy": bag.accuracy(data["test_sentences"], data["test_labels"]),
            "far": bag.accuracy(data["far_sentences"], data["far_labels"]),
            "seconds": time.perf_counter() - start,
            "parameters": bag.classifier.coef_.size + bag.classifier.intercept_.size,
        }
    for name in (n for n in names if n in SENTENCE_NETWORKS):
        make = SENTENCE_NETWORKS[name]
        model, seconds = train(
            lambda make=make: make(V), data["train"], data["train_labels"], SENTENCE_RECIPE, seed
        )
        out[name] = {
            "accuracy": accuracy(model, data["test"], data["test_labels"]),
            "far": accuracy(model, data["far"], data["far_labels"]),
            "seconds": seconds,
            "parameters": parameters(model),
        }
    return out


def series_data() -> dict[str, torch.Tensor]:
    """Windows of a noisy sine; the test windows are the last ones, the future."""
    d = SERIES_DATA
    series = noisy_sine(
        d["length"], period=d["period"], sigma=d["sigma"], seed=SEEDS_OF_DATA["series"]
    )
    X, y = windows(series, p=d["window"])
    n = d["train"]
    return {"train": X[:n], "train_targets": y[:n], "test": X[n:], "test_targets": y[n:]}


def run_series(
    seed: int, names: Iterable[str] = ("last value", "linear AR(20)", *SERIES_NETWORKS)
) -> dict[str, dict[str, float]]:
    """Each forecaster's mean squared error on the test windows."""
    data = series_data()
    out = {}
    if "last value" in names:
        out["last value"] = {
            "mse": mse(last_value(data["test"]), data["test_targets"]),
            "seconds": 0.0,
            "parameters": 0,
        }
    if "linear AR(20)" in names:
        start = time.perf_counter()
        ar = LinearAR().fit(data["train"], data["train_targets"])
        out["linear AR(20)"] = {
            "mse": mse(ar.predict(data["test"]), data["test_targets"]),
            "seconds": time.perf_counter() - start,
            "parameters": len(ar.coefficients) + 1,
        }
    for name in (n for n in names if n in SERIES_NETWORKS):
        make = SERIES_NETWORKS[name]
        model, seconds = train(make, data["train"], data["train_targets"], SERIES_RECIPE, seed)
        with torch.no_grad():
            error = mse(model(data["test"]), data["test_targets"])
        out[name] = {"mse": error, "seconds": seconds, "parameters": parameters(model)}
    return out


TASKS = {"digits": run_digits, "sentences": run_sentences, "series": run_series}


def run(seeds: tuple[int, ...] = SEEDS) -> dict:
    """Every task, every seed: ``results[task][seed][model] = {metric: value, ...}``."""
    threads = torch.get_num_threads()
    torch.set_num_threads(THREADS)
    try:
        return {task: {str(seed): runner(seed) for seed in seeds} for task, runner in TASKS.items()}
    finally:
        torch.set_num_threads(threads)


def machine() -> dict:
    """What ran the benchmark, described as every results file describes it; ``run`` sets
    the thread count only while it trains, so it is recorded from the configuration."""
    return {**describe(torch_threads=False), "threads": THREADS}


def rounded(value):
    if isinstance(value, float):
        return round(value, 5)
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    return value


def summarise(results: dict) -> dict:
    """The median, lowest and highest of every measure over the seeds, and their spread.

    ``summary[task][network][measure] = {"median", "lowest", "highest", "spread"}``: what the
    page's tables show (through the site's ``{{ results:choosing.summary... }}`` placeholders),
    and what a portable check compares with, since a difference smaller than the spread
    across seeds is luck, not a finding.
    """
    summary: dict = {}
    for task, by_seed in results.items():
        seeds = sorted(by_seed)
        for network in by_seed[seeds[0]]:
            for measure in by_seed[seeds[0]][network]:
                if measure == "parameters":  # a property of the code, the same for every seed
                    continue
                values = [by_seed[seed][network][measure] for seed in seeds]
                lowest, highest = min(values), max(values)
                summary.setdefault(task, {}).setdefault(network, {})[measure] = rounded(
                    {
                        "median": float(statistics.median(values)),
                        "lowest": float(lowest),
                        "highest": float(highest),
                        "spread": float(highest - lowest),
                    }
                )
    return summary


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="seed 0 only, no file written")
    args = parser.parse_args(argv)
    results = run((0,) if args.quick else SEEDS)
    for task, by_seed in results.items():
        for seed, models in by_seed.items():
            for name, numbers in models.items():
                shown = ", ".join(f"{k} {v:.4g}" for k, v in numbers.items())
                print(f"{task:9s} seed {seed}  {name:24s} {shown}")
    results = rounded(results)
    report = {
        "config": config(),
        "machine": machine(),
        "results": results,
        "summary": summarise(results),
    }
    if not args.quick:
        write_results(RESULTS, report)
    return report


if __name__ == "__main__":
    main()
