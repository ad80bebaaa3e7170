"""Every package imported by the project's code is declared in pyproject.toml: the package's
own imports among its dependencies, and those of the tests, hooks, benchmarks, tools and the
site's code blocks and notebooks among its dependencies or extras. A package that arrives
only as another's dependency (PyYAML with MkDocs, SciPy with scikit-learn) can disappear
with that package's next release."""

from __future__ import annotations

import ast
import json
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parent.parent
# fit beside d2l's Trainer and a Lightning loop: run in a throwaway venv, never installed here.
COMPARISONS = ROOT / "benchmarks" / "loops"
OWN = {"eyememory", "tests", "benchmarks", "mkdocs_hooks", "tools", "conftest"}
IMPORT_LINE = re.compile(r"^\s*(?:>>> )?(?:from|import)\s+([A-Za-z_]\w*)", re.MULTILINE)
PYTHON_BLOCKS = re.compile(
    r"```python[^\n]*\n(.*?)```|<!-- invisible-code-block: python\n(.*?)-->", re.DOTALL
)


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> tuple[set[str], set[str]]:
    """The distributions pyproject.toml names: (the package's dependencies, all of them)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

    def names(requirements: list[str]) -> set[str]:
        return {normal(re.match(r"[A-Za-z0-9._-]+", r)[0]) for r in requirements}

    core = names(project["dependencies"])
    extras = set().union(*(names(group) for group in project["optional-dependencies"].values()))
    return core, core | extras - {"eyememory"}


def imports_of_python(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def imports_of_docs(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        code = [
            "".join(cell["source"])
            for cell in json.loads(text)["cells"]
            if cell["cell_type"] == "code"
        ]
    else:
        code = [a or b for a, b in PYTHON_BLOCKS.findall(text)]
    return {name for block in code for name in IMPORT_LINE.findall(block)}


def third_party(names: set[str]) -> set[str]:
    return {n for n in names if n not in sys.stdlib_module_names and n not in OWN}


def undeclared(modules: set[str], allowed: set[str]) -> list[str]:
    distributions = packages_distributions()
    missing = []
    for module in sorted(modules):
        found = {normal(d) for d in distributions.get(module, [])}
        if not found & allowed:
            missing.append(f"{module} (from {sorted(found) or 'no installed distribution'})")
    return missing


def test_the_package_imports_only_its_dependencies() -> None:
    core, _ = declared()
    modules = third_party(
        set().union(*(imports_of_python(p) for p in (ROOT / "eyememory").rglob("*.py")))
    )
    assert undeclared(modules, core) == []


def test_tests_hooks_benchmarks_tools_and_pages_import_only_declared_packages() -> None:
    _, everything = declared()
    python = [ROOT / "conftest.py"] + [
        p
        for d in ("tests", "mkdocs_hooks", "benchmarks", "tools")
        for p in (ROOT / d).rglob("*.py")
        if COMPARISONS not in p.parents
    ]
    docs = [*(ROOT / "docs").rglob("*.md"), *(ROOT / "docs").rglob("*.ipynb")]
    modules = third_party(set().union(*map(imports_of_python, python), *map(imports_of_docs, docs)))
    assert {"yaml", "markdown", "scipy", "torch"} <= modules  # the scan finds what is there
    assert undeclared(modules, everything) == []


def test_the_scan_reads_code_blocks_and_notebook_cells(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "import prose\n```python\nimport alpha\nfrom beta.x import y\n```\n"
        "<!-- invisible-code-block: python\nimport gamma\n-->\n"
    )
    assert imports_of_docs(page) == {"alpha", "beta", "gamma"}
    notebook = tmp_path / "n.ipynb"
    notebook.write_text(
        json.dumps(
            {
                "cells": [
                    {"cell_type": "code", "source": ["import delta\n"]},
                    {"cell_type": "markdown", "source": ["import no"]},
                ]
            }
        )
    )
    assert imports_of_docs(notebook) == {"delta"}
    assert third_party({"json", "__future__", "eyememory", "yaml"}) == {"yaml"}
