"""Every notebook runs from a clean kernel, and its committed text outputs are still true."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from tools.notebooks import NOTEBOOKS, execute, join_streams

PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
VARIES = "output-varies"


def text_outputs(notebook: nbformat.NotebookNode) -> list[list[str]]:
    """What each code cell printed or returned as text (images are not compared).

    Consecutive stream messages are joined first: one print may arrive in one message or
    several, depending on the machine's load. A cell tagged ``output-varies`` (a sample
    drawn from a trained model, whose letters differ between processors) must run, but
    its text is not compared.
    """
    cells = []
    for cell in notebook.cells:
        if cell.cell_type != "code" or VARIES in cell.metadata.get("tags", []):
            continue
        texts = []
        for output in join_streams(cell.outputs):
            if output.output_type == "stream" and output.name == "stdout":
                texts.append(output.text)
            elif (
                output.output_type in ("execute_result", "display_data")
                and "text/plain" in output.data
            ):
                texts.append(output.data["text/plain"])
        cells.append(texts)
    return cells


def test_there_are_notebooks() -> None:
    assert PATHS, "docs/notebooks holds no notebook"


def figure_cells(notebook: nbformat.NotebookNode) -> list[int]:
    """The code cells (counted among code cells) that show a picture."""
    code = [c for c in notebook.cells if c.cell_type == "code"]
    return [
        k
        for k, cell in enumerate(code)
        if any("image/png" in output.get("data", {}) for output in cell.outputs)
    ]


def run_and_compare(path: Path) -> nbformat.NotebookNode:
    """Execute ``path``; its text outputs and its figures must be the committed ones."""
    committed = nbformat.read(path, as_version=4)
    executed = execute(path)  # raises CellExecutionError when a cell fails
    assert text_outputs(executed) == text_outputs(committed), (
        f"{path.name}: the committed outputs are stale; refresh them with "
        f"`python -m tools.notebooks {path.name}`"
    )
    # Figures are shown by the kernel's own (inline) backend: nothing may switch it off.
    assert figure_cells(executed) == figure_cells(committed)
    return executed


OWN_DATA = NOTEBOOKS / "own-data.ipynb"
CHAPTERS = [p for p in PATHS if p != OWN_DATA]  # the own-data notebook has its own test


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_notebook_runs_and_matches_its_outputs(path: Path) -> None:
    run_and_compare(path)


def test_the_own_data_notebook_trains_both_and_shows_its_figures() -> None:
    """A teacher's notebook: the Eye on 16×16 colour pictures and the Memory on weather
    reports, each with validation and early stopping, then curves, kernels, feature maps
    and a Memory trace, shown by the kernel's inline backend."""
    executed = run_and_compare(OWN_DATA)
    printed = "".join(
        output.text
        for cell in executed.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "stream"
    )
    accuracies = [float(a) for a in re.findall(r"test accuracy (\d\.\d+)", printed)]
    assert len(accuracies) == 2 and min(accuracies) >= 0.9, printed
    assert len(figure_cells(executed)) == 4


@pytest.mark.parametrize("path", PATHS, ids=[p.name for p in PATHS])
def test_notebook_is_committed_with_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    code_cells = [c for c in notebook.cells if c.cell_type == "code"]
    assert any(c.outputs for c in code_cells), (
        f"{path.name} has no outputs: the site would show none"
    )
    assert all(not any(o.output_type == "error" for o in c.outputs) for c in code_cells)


def stream(text: str, name: str = "stdout") -> nbformat.NotebookNode:
    return nbformat.v4.new_output("stream", name=name, text=text)


def test_one_print_split_in_two_messages_reads_the_same() -> None:
    whole = nbformat.v4.new_code_cell("print(...)", outputs=[stream("a\nb\n")])
    split = nbformat.v4.new_code_cell("print(...)", outputs=[stream("a\n"), stream("b\n")])
    one = nbformat.v4.new_notebook(cells=[whole])
    two = nbformat.v4.new_notebook(cells=[split])
    assert text_outputs(one) == text_outputs(two) == [["a\nb\n"]]


def test_join_streams_keeps_other_outputs_and_streams_apart() -> None:
    result = nbformat.v4.new_output("execute_result", data={"text/plain": "3"}, execution_count=1)
    outputs = [stream("a"), stream("b"), stream("!", "stderr"), stream("c"), result, stream("d")]
    joined = join_streams(outputs)
    assert [(o.output_type, o.get("name"), o.get("text")) for o in joined] == [
        ("stream", "stdout", "ab"),
        ("stream", "stderr", "!"),
        ("stream", "stdout", "c"),
        ("execute_result", None, None),
        ("stream", "stdout", "d"),
    ]
    assert outputs[0].text == "a", "the notebook given must not change"


def test_a_cell_whose_output_varies_runs_but_is_not_compared() -> None:
    varies = nbformat.v4.new_code_cell("print(sample(...))", outputs=[stream("the food wes\n")])
    varies.metadata["tags"] = [VARIES]
    kept = nbformat.v4.new_code_cell("print(1)", outputs=[stream("1\n")])
    notebook = nbformat.v4.new_notebook(cells=[varies, kept])
    assert text_outputs(notebook) == [["1\n"]]
