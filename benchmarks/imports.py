"""How long ``import eyememory`` takes, next to ``import torch`` alone.

    python -m benchmarks.imports              # 15 fresh interpreters each, medians kept
    python -m benchmarks.imports --repeats 31

Each import runs in a fresh Python process (a second import in one process costs nothing),
the two alternating so that a busy moment falls on both alike. The package's goal is to
add at most ``GOAL_S`` to torch's own import: the layers, models and ``fit`` import torch
and NumPy only, and scikit-learn, matplotlib and tqdm wait until a feature needs them.
Results go to ``benchmarks/results/imports.json``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import write_results
from benchmarks._machine import describe

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "imports.json"
GOAL_S = 0.2
STATEMENTS = {"torch": "import torch", "eyememory": "import eyememory"}
OPTIONAL = ("sklearn", "scipy", "matplotlib", "tqdm")


def seconds(statement: str) -> float:
    """Wall-clock seconds of ``statement`` in a fresh interpreter, from inside it."""
    code = (
        f"import time; start = time.perf_counter(); {statement}; print(time.perf_counter() - start)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    return float(out)


def optional_modules_imported(statement: str) -> list[str]:
    """Which optional dependencies ``statement`` pulls in; ``import torch`` itself imports
    tqdm when it is installed (for ``torch.hub``'s downloads)."""
    listed = f"' '.join(m for m in {OPTIONAL!r} if m in sys.modules)"
    code = f"import sys; {statement}; print({listed})"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    return out.split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    seconds("import eyememory")  # warm the file cache once
    times: dict[str, list[float]] = {name: [] for name in STATEMENTS}
    for _ in range(args.repeats):
        for name, statement in STATEMENTS.items():
            times[name].append(round(seconds(statement), 4))
    medians = {name: round(statistics.median(values), 4) for name, values in times.items()}
    extra = round(medians["eyememory"] - medians["torch"], 4)
    report = {
        "repeats": args.repeats,
        "goal_extra_s": GOAL_S,
        "results": {
            "seconds": times,
            "median_s": medians,
            "extra_s": extra,
            "goal_met": extra <= GOAL_S,
            "optional_modules_imported": {
                name: optional_modules_imported(statement) for name, statement in STATEMENTS.items()
            },
        },
        "measured": time.strftime("%Y-%m-%d"),
        "machine": describe(torch_threads=False),
    }
    write_results(RESULTS, report)
    print(f"import torch {medians['torch']:.3f} s, import eyememory {medians['eyememory']:.3f} s")
    print(f"extra {extra:.3f} s (goal <= {GOAL_S} s)")


if __name__ == "__main__":
    main()
