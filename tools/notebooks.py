"""Execute the site's notebooks in place, refreshing their committed outputs.

    python -m tools.notebooks            # every docs/notebooks/*.ipynb
    python -m tools.notebooks eye.ipynb  # just one

The test suite runs the same execution and fails when a cell errors or when a committed
text output no longer matches what the code prints, so run this after changing a notebook
or the package code it uses.

Every notebook runs as every page does: one torch thread and ``torch.manual_seed(0)`` before
its first cell (so that notebooks need no set-up lines of their own), and figures saved
with ``eyememory.plotting.save_figure`` land in a temporary folder, never in the repository.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "docs" / "notebooks"
TIMEOUT_S = 300
# Run in the kernel before the first cell, and removed from the notebook afterwards.
SETUP = "import torch\ntorch.set_num_threads(1)\ntorch.manual_seed(0)\nNone"


def execute(path: Path) -> nbformat.NotebookNode:
    """Execute a notebook from a clean kernel in its own folder and return it with outputs.

    Consecutive stream messages are joined (see [`join_streams`][tools.notebooks.join_streams]).
    """
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(SETUP))
    os.environ.setdefault("PYTHONHASHSEED", "0")
    client = NotebookClient(
        notebook,
        timeout=TIMEOUT_S,
        kernel_name="python3",
        allow_errors=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    with tempfile.TemporaryDirectory(prefix="eyememory-notebook-figures-") as figures:
        # Figures render inline as a reader sees them, whatever backend the caller uses.
        env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
        client.execute(env={**env, "EYEMEMORY_FIGURES": figures})
    del notebook.cells[0]
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = join_streams(cell.outputs)
    return notebook


def join_streams(outputs: list[nbformat.NotebookNode]) -> list[nbformat.NotebookNode]:
    """Join consecutive ``stream`` outputs of the same name (stdout, stderr) into one.

    The kernel may send one print as one message or, under load, as several; what the reader
    sees is the same, so outputs are compared and committed joined.
    """
    joined: list[nbformat.NotebookNode] = []
    for output in outputs:
        last = joined[-1] if joined else None
        if (
            output.output_type == "stream"
            and last is not None
            and last.output_type == "stream"
            and last.name == output.name
        ):
            last.text += output.text
        else:
            joined.append(nbformat.NotebookNode(output))  # a copy: the caller's list stays
    return joined


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
