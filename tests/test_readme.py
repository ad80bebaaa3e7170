"""The README keeps exactly two commands a newcomer pastes, and CI runs the second."""

from __future__ import annotations

import re
import subprocess

import yaml

from tests.docs_harness import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = re.findall(r"```bash\n(.*?)\n```", README, re.S)


def test_exactly_two_commands() -> None:
    assert len(COMMANDS) == 2, COMMANDS


def test_serve_command_installs_cpu_torch_and_serves() -> None:
    serve = COMMANDS[0]
    assert "<!-- serve-command -->\n```bash\n" + serve in README
    assert "pip install torch==2.13.0 -e '.[docs]'" in serve and serve.endswith("mkdocs serve")


def test_test_command_installs_cpu_torch_and_runs_pytest() -> None:
    test = COMMANDS[1]
    assert "<!-- test-command -->\n```bash\n" + test in README
    assert "pip install torch==2.13.0 -e '.[test]'" in test and test.endswith("python -m pytest -n 2")


def test_ci_runs_the_readme_test_command() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    extract = re.search(r"test_command=\$\((awk .*?README\.md)\)", script)[1]
    printed = subprocess.run(["bash", "-c", extract], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert printed.strip() == COMMANDS[1]


def test_project_asks_for_a_torch_range_not_a_pin() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"torch>=2.2"' in pyproject and "torch==" not in pyproject


def test_workflows_are_valid_and_least_privilege() -> None:
    for path in (ROOT / ".github" / "workflows").glob("*.yml"):
        workflow = yaml.safe_load(path.read_text())
        assert workflow["jobs"], path
        assert "permissions" in workflow, f"{path.name}: set top-level permissions"
        for line in path.read_text().splitlines():
            if "uses:" in line:
                assert re.search(r"@[0-9a-f]{40}\b", line), f"{path.name}: pin actions to a commit: {line.strip()}"


def test_readme_says_how_to_get_the_cpu_build() -> None:
    assert "--index-url https://download.pytorch.org/whl/cpu" in README
    assert "so that pip takes the CPU build" not in README  # true only on one machine


def test_readme_explains_every_environment_variable_the_tests_read() -> None:
    names = {"NO_MKDOCS_2_WARNING", "CI"}
    for path in (ROOT / "tests").glob("*.py"):
        names |= set(re.findall(r"os\.environ\.get\(\"(EYEMEMORY_\w+)\"", path.read_text()))
    assert {"EYEMEMORY_CHROMIUM", "EYEMEMORY_SCREENSHOTS"} <= names
    assert [name for name in sorted(names) if f"`{name}" not in README] == []
