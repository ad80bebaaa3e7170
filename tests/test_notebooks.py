"""Every notebook runs from a clean kernel, and its committed text outputs are still true."""

from __future__ import annotations

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
