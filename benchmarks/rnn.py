"""How fast is from scratch? eyememory's RNN and LSTM against torch's, measured in one run.

    python -m benchmarks.rnn            # prints the ratios, writes benchmarks/results/rnn.json
    python -m benchmarks.rnn --quick    # fewer repeats, for a smoke test

Both layers get the same weights and the same input. Calls alternate between the two
implementations and the fastest call of each counts, so a machine that is busy with
something else slows neither measurement for long; the ratios are what to read, the
absolute times depend on the machine.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch

import eyememory
from benchmarks import write_results
from benchmarks._machine import describe
from eyememory.nn.recurrence import project_input, rnn_step

CONFIG = {
    "batch": 64,
    "length": 50,
    "input_size": 16,
    "hidden_size": 64,
    "dtype": "float32",
    "device": "cpu",
}
RESULTS = Path(__file__).resolve().parent / "results" / "rnn.json"


class StepwiseRNN(eyememory.RNN):
    """The same layer without the one trick.

    It computes the input part inside the loop, step by step.
    """

    def _scan(self, x, state, weights, reverse):
        (h,) = state  # (N, H)
        w_hh_t = weights["weight_hh"].t()
        outputs = []
        for x_t in x.unbind(0):  # each (N, I); forward direction only, as benchmarked
            seen_t = project_input(
                x_t, weights["weight_ih"], weights["bias_ih"], weights["bias_hh"]
            )  # (N, H)
            h = rnn_step(seen_t, h, w_hh_t, self.nonlinearity)
            outputs.append(h)
        return torch.stack(outputs), (h,)  # (L, N, H), ((N, H),)


PAIRS = {
    "RNN": (eyememory.RNN, torch.nn.RNN),
    "LSTM": (eyememory.LSTM, torch.nn.LSTM),
    "RNN, input part at every step": (StepwiseRNN, torch.nn.RNN),
}


def measure(name: str, calls: int, threads: int) -> dict:
    """Fastest of ``calls`` timed calls of ours and torch's, forward and forward+backward.

    The calls alternate (ours, torch's, ours, ...), and the minimum of each is kept: on a
    busy machine the minimum is the time the code needs, the rest is waiting.
    """
    torch.set_num_threads(threads)
    mine_cls, torch_cls = PAIRS[name]
    torch.manual_seed(0)
    theirs = torch_cls(CONFIG["input_size"], CONFIG["hidden_size"], batch_first=True)
    mine = mine_cls(CONFIG["input_size"], CONFIG["hidden_size"], batch_first=True)
    mine.load_state_dict(theirs.state_dict())
    x = torch.randn(CONFIG["batch"], CONFIG["length"], CONFIG["input_size"], requires_grad=True)

    def forward(layer: torch.nn.Module) -> None:
        with torch.no_grad():
            layer(x)

    def forward_backward(layer: torch.nn.Module) -> None:
        out, _ = layer(x)
        out.sum().backward()

    best = {}
    for fn, key in ((forward, "forward"), (forward_backward, "forward_backward")):
        for layer in (mine, theirs, mine, theirs):  # warm up
            fn(layer)
        for who, _layer in (("ours", mine), ("torch", theirs)):
            best[f"{key}_{who}"] = float("inf")
        for _ in range(calls):
            for who, layer in (("ours", mine), ("torch", theirs)):
                start = time.perf_counter()
                fn(layer)
                best[f"{key}_{who}"] = min(best[f"{key}_{who}"], time.perf_counter() - start)
    return {
        "forward_ratio": best["forward_ours"] / best["forward_torch"],
        "forward_backward_ratio": best["forward_backward_ours"] / best["forward_backward_torch"],
        "ms": {key: round(1000 * value, 3) for key, value in best.items()},
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, no file written")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    args = parser.parse_args(argv)
    calls = 20 if args.quick else 200
    results = {name: measure(name, calls, args.threads) for name in PAIRS}
    report = {
        "config": {**CONFIG, "threads": args.threads},
        "machine": describe(),
        "results": {
            name: {k: (round(v, 3) if isinstance(v, float) else v) for k, v in r.items()}
            for name, r in results.items()
        },
    }
    for name, r in results.items():
        print(
            f"{name:30s} forward {r['forward_ratio']:.2f}x   "
            f"forward+backward {r['forward_backward_ratio']:.2f}x   (ours / torch; {r['ms']})"
        )
    if not args.quick:
        write_results(RESULTS, report)
    return report


if __name__ == "__main__":
    main()
