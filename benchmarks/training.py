"""Time to accuracy: how long the Eye and the Memory take to learn, on the package's layers
and on PyTorch's.

    python -m benchmarks.training   # measure, print, write benchmarks/results/training.json

Both versions of each model start from the same weights and see the same batches; only the
layers differ (`Eye(layers=...)`, and the Memory's recurrent layer swapped for `nn.RNN` with
the same state). The clock counts training steps only, epoch by epoch, and stops at the
first epoch whose test score reaches the target. The two versions alternate, several times,
and the fastest run of each counts, so that a busy machine slows both alike.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch
from torch import nn

from benchmarks import write_results
from benchmarks._machine import describe
from eyememory.data.digits import load_digits
from eyememory.data.sentences import contrastive_pairs
from eyememory.export import MEMORY_RECIPE, fit_memory, memory_data, untrained_memory
from eyememory.models.eye import Eye
from eyememory.training import accuracy, fit, seed_everything

RESULTS = Path(__file__).resolve().parent / "results" / "training.json"
CONFIG = {
    "threads": 1,
    "repeats": 3,
    "eye": {"target": 0.98, "epochs": 20, "batch_size": 32, "lr": 0.01, "seed": 0},
    "memory": {"target": 1.0, "pairs": 500, "pairs_seed": 7, "epochs": 3, "seed": 0},
}


def summary(history, metric: str, target: float) -> dict:
    """When a run reached ``target`` on ``metric`` (seconds, epochs).

    Also where it ended and how long it took.
    """
    return {
        "seconds_to_target": history.seconds_to_reach(metric, target),
        "epochs_to_target": next(
            (e + 1 for e, v in enumerate(history.metrics[metric]) if v >= target), None
        ),
        "final_accuracy": round(history.last(metric), 4),
        "seconds_total": history.seconds,
    }


def eye_run(layers: str) -> dict:
    c = CONFIG["eye"]
    digits = load_digits()
    seed_everything(c["seed"])
    eye = Eye(layers=layers)
    score = {"test accuracy": lambda m: accuracy(m, digits.test_images, digits.test_labels)}
    history = fit(
        eye,
        digits.train_images,
        digits.train_labels,
        epochs=c["epochs"],
        batch_size=c["batch_size"],
        lr=c["lr"],
        seed=c["seed"],
        metrics=score,
        device="cpu",
        progress=False,
    )
    return summary(history, "test accuracy", c["target"])


def memory_run(layers: str) -> dict:
    c, r = CONFIG["memory"], MEMORY_RECIPE
    vocab, ids, targets = memory_data()  # the explorer's recipe: a target after every word
    memory = untrained_memory(len(vocab), c["seed"])
    if layers == "torch":  # the same weights in PyTorch's layer
        state = memory.rnn.state_dict()
        memory.rnn = nn.RNN(r["embedding_dim"], r["hidden_size"], batch_first=True)
        memory.rnn.load_state_dict(state)
    pairs, pair_labels = contrastive_pairs(c["pairs"], seed=c["pairs_seed"])
    pair_ids, _ = vocab.encode_batch(pairs)
    # fit passes its wrapper (scores after every word); the verdict is the Memory's own
    score = {"pair accuracy": lambda _: accuracy(memory, pair_ids, pair_labels)}
    history = fit_memory(memory, vocab, ids, targets, c["seed"], epochs=c["epochs"], metrics=score)
    return summary(history, "pair accuracy", c["target"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    torch.set_num_threads(CONFIG["threads"])
    results = {}
    for name, run in (("Eye", eye_run), ("Memory", memory_run)):
        ours, theirs = {}, {}
        for _ in range(CONFIG["repeats"]):  # alternate, so that load falls on both alike
            for layers, store in (("eyememory", ours), ("torch", theirs)):
                r = run(layers)
                if not store or r["seconds_total"] < store["seconds_total"]:
                    store.update(r)
        ratio = (
            ours["seconds_to_target"] / theirs["seconds_to_target"]
            if ours["seconds_to_target"] and theirs["seconds_to_target"]
            else None
        )
        results[name] = {
            "ours": ours,
            "torch": theirs,
            "time_to_target_ratio": round(ratio, 3) if ratio else None,
        }
        print(
            f"{name:7s} to {CONFIG[name.lower()]['target']}: "
            f"ours {ours['seconds_to_target']:.2f} s ({ours['epochs_to_target']} epochs), "
            f"torch's layers {theirs['seconds_to_target']:.2f} s "
            f"({theirs['epochs_to_target']} epochs), ratio {results[name]['time_to_target_ratio']}"
        )
    write_results(args.out, {"config": CONFIG, "machine": describe(), "results": results})


if __name__ == "__main__":
    main()
