"""The README keeps exactly two commands a newcomer pastes, and CI runs the second."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.docs_harness import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = re.findall(r"```bash\n(.*?)\n```", README, re.S)


def test_the_use_the_package_code_runs() -> None:
    """The README's Python is what a teacher pastes first: it must run as written."""
    blocks = re.findall(r"```python\n(.*?)\n```", README, re.S)
    assert blocks, "the README shows how to use the package"
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})


def test_exactly_two_commands() -> None:
    assert len(COMMANDS) == 2, COMMANDS


def test_serve_command_installs_cpu_torch_and_serves() -> None:
    serve = COMMANDS[0]
    assert "<!-- serve-command -->\n```bash\n" + serve in README
    assert "pip install torch==2.13.0 -e '.[docs]'" in serve and serve.endswith(
        "mkdocs serve --dirty --no-strict"
    )


def test_test_command_installs_cpu_torch_and_runs_pytest() -> None:
    test = COMMANDS[1]
    assert "<!-- test-command -->\n```bash\n" + test in README
    assert "pip install torch==2.13.0 -e '.[test]'" in test and test.endswith(
        "python -m pytest -n 2"
    )


def test_ci_runs_the_readme_test_command() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    extract = re.search(r"test_command=\$\((awk .*?README\.md)\)", script)[1]
    printed = subprocess.run(
        ["bash", "-c", extract], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert printed.strip() == COMMANDS[1]


def test_project_asks_for_a_torch_range_not_a_pin() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"torch>=2.2"' in pyproject and "torch==" not in pyproject


# The only write permissions any workflow may hold: the Pages deployment's.
WRITES = {("pages.yml", "deploy"): {"pages": "write", "id-token": "write"}}


def permission_problems(name: str, workflow: dict) -> list[str]:
    """What in ``workflow`` grants more than reading the repository, besides WRITES."""
    problems = []
    top = workflow.get("permissions")
    if top != {"contents": "read"}:
        problems.append(f"{name}: top-level permissions must be {{contents: read}}, got {top!r}")
    for job_name, job in workflow["jobs"].items():
        granted = job.get("permissions", {})
        allowed = {"contents": "read", **WRITES.get((name, job_name), {})}
        if not isinstance(granted, dict):
            problem = f"job {job_name}'s permissions must be a mapping, got {granted!r}"
            problems.append(f"{name}: {problem}")
            continue
        for scope, level in granted.items():
            if level != "none" and allowed.get(scope) != level:
                problems.append(f"{name}: job {job_name} must not have {scope}: {level}, got it")
    return problems


def test_workflows_are_valid_and_least_privilege() -> None:
    paths = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert {p.name for p in paths} >= {"tests.yml", "pages.yml"}
    for path in paths:
        workflow = yaml.safe_load(path.read_text())
        assert workflow["jobs"], path
        assert permission_problems(path.name, workflow) == []
        for line in path.read_text().splitlines():
            if "uses:" in line:
                assert re.search(r"@[0-9a-f]{40}\b", line), (
                    f"{path.name}: pin actions to a commit: {line.strip()}"
                )
    pages = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text())
    deploy = pages["jobs"]["deploy"]
    assert deploy["permissions"] == WRITES[("pages.yml", "deploy")]  # what deploying needs


@pytest.mark.parametrize(
    ("top", "job", "complaint"),
    [
        ("write-all", None, "top-level permissions must be"),
        ({}, None, "top-level permissions must be"),
        ({"contents": "write"}, None, "top-level permissions must be"),
        ({"contents": "read"}, "write-all", "permissions must be a mapping, got 'write-all'"),
        ({"contents": "read"}, {"contents": "write"}, "must not have contents: write"),
        ({"contents": "read"}, {"pages": "write"}, "must not have pages: write"),
        ({"contents": "read"}, {"actions": "read"}, "must not have actions: read"),
    ],
)
def test_the_permission_check_catches_broad_grants(top, job, complaint: str) -> None:
    workflow = {"permissions": top, "jobs": {"test": {} if job is None else {"permissions": job}}}
    assert any(complaint in problem for problem in permission_problems("tests.yml", workflow))
    deploy = {"permissions": {"pages": "write", "id-token": "write"}}
    fine = {"permissions": {"contents": "read"}, "jobs": {"deploy": deploy}}
    assert permission_problems("pages.yml", fine) == []


def test_ci_matrix_covers_linux_on_both_processors_and_macos() -> None:
    jobs = yaml.safe_load((ROOT / ".github" / "workflows" / "tests.yml").read_text())["jobs"]
    runners = {entry["runner"] for entry in jobs["linux"]["strategy"]["matrix"]["include"]}
    assert runners == {"ubuntu-latest", "ubuntu-24.04-arm"}
    assert jobs["macos"]["runs-on"] == "macos-latest"
    assert any(step.get("run") == ".ci/run" for step in jobs["linux"]["steps"])


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def test_ci_fails_when_the_tests_change_the_working_tree(tmp_path: Path) -> None:
    """.ci/run ends with .ci/clean-tree; here it runs in a scratch repository."""
    assert ".ci/clean-tree" in (ROOT / ".ci" / "run").read_text()
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / ".gitignore").write_text("ignored/\n")
    (repo / "tracked.txt").write_text("one\n")
    git(repo, "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "start")

    def check() -> subprocess.CompletedProcess:
        script = str(ROOT / ".ci" / "clean-tree")
        return subprocess.run([script], cwd=repo, capture_output=True, text=True, check=False)

    assert check().returncode == 0
    (repo / "ignored").mkdir()
    (repo / "ignored" / "cache.bin").write_text("x")
    assert check().returncode == 0  # ignored files are fine
    (repo / "tracked.txt").write_text("two\n")
    result = check()
    assert result.returncode == 1 and " M tracked.txt" in result.stderr
    git(repo, "checkout", "--", "tracked.txt")
    (repo / "sub").mkdir()
    (repo / "sub" / "new.txt").write_text("new\n")
    result = check()
    assert result.returncode == 1 and "?? sub/new.txt" in result.stderr  # each new file named


def test_readme_says_how_to_get_the_cpu_build() -> None:
    assert "--index-url https://download.pytorch.org/whl/cpu" in README
    assert "so that pip takes the CPU build" not in README  # true only on one machine


def test_readme_explains_every_environment_variable_the_tests_read() -> None:
    names = {"NO_MKDOCS_2_WARNING", "CI"}
    for path in (ROOT / "tests").glob("*.py"):
        names |= set(re.findall(r"os\.environ\.get\(\"(EYEMEMORY_\w+)\"", path.read_text()))
    assert {"EYEMEMORY_CHROMIUM", "EYEMEMORY_SCREENSHOTS"} <= names
    assert [name for name in sorted(names) if f"`{name}" not in README] == []
