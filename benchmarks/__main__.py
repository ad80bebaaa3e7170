"""Run every benchmark and refresh ``benchmarks/results/``, which the site's pages read.

    python -m benchmarks                  # all but the suite (about twenty minutes on two quiet
                                          # cores; the site alone, Lighthouse on three versions of
                                          # each chapter, about sixteen, thirty on a busy machine)
    python -m benchmarks conv rnn         # some of them
    python -m benchmarks --no-lighthouse  # the site's measures without Lighthouse
    python -m benchmarks suite            # the whole test suite's time (not run by default)
    python -m benchmarks serve            # seconds from saving a chapter to mkdocs serve showing it

Each benchmark runs in its own process, one after the other, so that they do not compete
for the processor. Ratios measured within one run are the headline; absolute times
describe only the machine that measured them, which each results file records.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

BENCHMARKS = {
    "conv": "the convolution against torch.nn.functional.conv2d",
    "rnn": "the RNN and LSTM layers against PyTorch's",
    "training": "time to accuracy for the Eye and the Memory, our layers against PyTorch's",
    "site": (
        "build time, page weight and Lighthouse scores of the site, and of its pages with"
        " Material's script (as the site used it, and at its best stock setting)"
    ),
    "imports": "how long import eyememory takes next to import torch alone (a minute)",
    "suite": "the whole test suite's time, run as CI runs it (minutes; only when named)",
    "serve": "seconds from saving a chapter to mkdocs serve showing it (a few minutes)",
}
DEFAULT = ["conv", "rnn", "training", "imports", "site", "serve"]  # what runs with no names


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "names",
        nargs="*",
        metavar="name",
        help=f"which to run: {', '.join(BENCHMARKS)} (default: {', '.join(DEFAULT)})",
    )
    parser.add_argument(
        "--no-lighthouse", action="store_true", help="skip Lighthouse in the site benchmark"
    )
    args = parser.parse_args()
    unknown = sorted(set(args.names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; expected some of {list(BENCHMARKS)}")
    for name in args.names or DEFAULT:
        print(f"== {name}: {BENCHMARKS[name]}", flush=True)
        command = [sys.executable, "-m", f"benchmarks.{name}"]
        if name == "site" and args.no_lighthouse:
            command.append("--no-lighthouse")
        start = time.perf_counter()
        subprocess.run(command, check=True)
        print(f"   ({time.perf_counter() - start:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
