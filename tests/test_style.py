"""The code keeps its style: ``ruff check`` and ``ruff format --check`` pass over every Python
file of the project, with the settings in pyproject.toml (line length 100; rules E, W, F, I, B,
UP and SIM). Fix what they report with ``ruff check --fix`` and ``ruff format``, or by hand."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PATHS = ["eyememory", "tests", "benchmarks", "mkdocs_hooks", "tools", "conftest.py"]

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("ruff") is None,
    reason="ruff is not installed; it comes with the docs extra: pip install -e '.[docs]'",
)


@pytest.mark.parametrize(
    "command",
    [["check"], ["format", "--check", "--diff"]],
    ids=["check", "format"],
)
def test_ruff_passes(command: list[str]) -> None:
    # --no-cache: a test writes nothing into the working tree.
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, "--no-cache", *PATHS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"ruff {' '.join(command)} found problems:\n{result.stdout}{result.stderr}",
            pytrace=False,
        )
