"""The benchmarks: speed ratios against PyTorch, time to accuracy, the site and the suite.

Each writes its report to ``benchmarks/results/``, which the site's pages read.
"""

from __future__ import annotations

import json
from pathlib import Path


def write_results(path: Path, report: dict) -> None:
    """Write a benchmark's report as indented JSON (making its folder if needed), and say where."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {path}")
