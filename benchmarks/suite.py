"""How long the whole test suite takes, run as the README and CI run it.

    python -m benchmarks suite   # or: python -m benchmarks.suite

Runs ``python -m pytest -q -n 2 -p no:cacheprovider`` from the repository's root in a
fresh process, times it, and writes ``benchmarks/results/suite.json``: the seconds, the
number of tests passed (from pytest's summary line) and the machine. It is not part of
``python -m benchmarks`` with no names, because it takes minutes; run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import write_results
from benchmarks._machine import describe

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "suite.json"
COMMAND = ["-m", "pytest", "-q", "-n", "2", "-p", "no:cacheprovider"]


def summary_counts(output: str) -> dict[str, int]:
    """The counts of pytest's last summary line: ``"2 failed, 348 passed in 43.49s"`` gives
    ``{"failed": 2, "passed": 348}``."""
    lines = [line for line in output.splitlines() if re.search(r"\bin [\d.]+s\b", line)]
    if not lines:
        raise ValueError(
            "output must end with pytest's summary line ('... passed in 12.3s'), "
            f"got {output[-200:]!r}"
        )
    return {
        word: int(count) for count, word in re.findall(r"(\d+) (\w+)", lines[-1].split(" in ")[0])
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    command = [sys.executable, *COMMAND]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    print(done.stdout[-2000:], end="")
    counts = summary_counts(done.stdout)
    report = {
        "command": " ".join(["python", *COMMAND]),
        "seconds": round(seconds, 1),
        "passed": counts.get("passed", 0),
        "counts": counts,
        "returncode": done.returncode,
        "machine": describe(torch_threads=False),
    }
    print(
        f"whole suite: {seconds:.0f} s, {report['passed']} passed (exit status {done.returncode})"
    )
    write_results(args.out, report)
    return report


if __name__ == "__main__":
    main()
