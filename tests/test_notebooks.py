"""Every notebook runs from a clean kernel, and its committed text outputs are still true."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from tools.notebooks import NOTEBOOKS, execute

PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))


def text_outputs(notebook: nbformat.NotebookNode) -> list[list[str]]:
    """What each code cell printed or returned as text (images are not compared)."""
    cells = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        texts = []
        for output in cell.outputs:
            if output.output_type == "stream" and output.name == "stdout":
                texts.append(output.text)
            elif output.output_type in ("execute_result", "display_data") and "text/plain" in output.data:
                texts.append(output.data["text/plain"])
        cells.append(texts)
    return cells


def test_there_are_notebooks() -> None:
    assert PATHS, "docs/notebooks holds no notebook"


@pytest.mark.parametrize("path", PATHS, ids=[p.name for p in PATHS])
def test_notebook_runs_and_matches_its_outputs(path: Path) -> None:
    committed = nbformat.read(path, as_version=4)
    executed = execute(path)  # raises CellExecutionError when a cell fails
    assert text_outputs(executed) == text_outputs(committed), (
        f"{path.name}: the committed outputs are stale; refresh them with "
        f"`python -m tools.notebooks {path.name}`"
    )


@pytest.mark.parametrize("path", PATHS, ids=[p.name for p in PATHS])
def test_notebook_is_committed_with_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    code_cells = [c for c in notebook.cells if c.cell_type == "code"]
    assert any(c.outputs for c in code_cells), f"{path.name} has no outputs: the site would show none"
    assert all(not any(o.output_type == "error" for o in c.outputs) for c in code_cells)
