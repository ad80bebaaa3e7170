"""Execute the site's notebooks in place, refreshing their committed outputs.

    python -m tools.notebooks            # every docs/notebooks/*.ipynb
    python -m tools.notebooks eye.ipynb  # just one

The test suite runs the same execution and fails when a cell errors or when a committed
text output no longer matches what the code prints, so run this after changing a notebook
or the package code it uses.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "docs" / "notebooks"
TIMEOUT_S = 300


def execute(path: Path) -> nbformat.NotebookNode:
    """Execute a notebook from a clean kernel in its own folder and return it with outputs."""
    notebook = nbformat.read(path, as_version=4)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    client = NotebookClient(
        notebook,
        timeout=TIMEOUT_S,
        kernel_name="python3",
        allow_errors=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    # Figures render inline as a reader sees them, whatever backend the caller uses.
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    client.execute(env=env)
    return notebook


def strip_volatile(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop execution timings and counts so that re-running gives the same file."""
    notebook.metadata.pop("widgets", None)
    for number, cell in enumerate(notebook.cells, start=1):
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.execution_count = number
            for output in cell.outputs:
                if "execution_count" in output:
                    output["execution_count"] = number
    return notebook


def main(names: list[str]) -> None:
    paths = [NOTEBOOKS / name for name in names] or sorted(NOTEBOOKS.glob("*.ipynb"))
    for path in paths:
        notebook = strip_volatile(execute(path))
        nbformat.write(notebook, path)
        print(f"executed {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
