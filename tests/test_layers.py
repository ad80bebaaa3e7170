"""The package's layers import in one direction only: layers <- models <- training and export.

Read from the source (no import runs), so a new module is held to the rule the moment it
exists. Each module may import only what its role allows:

| Role | May import from eyememory |
| --- | --- |
| ``_validation`` (the argument checks) | nothing |
| ``nn.*`` (the layers) | ``_validation``, ``nn`` |
| ``data.*`` | ``_validation``, ``data`` |
| ``models._building`` | ``_validation``, ``nn`` |
| ``models.*`` | ``_validation``, ``nn``, ``data``, ``models._building``: never another model |
| ``_optional`` (lazy imports of the extras) | nothing |
| ``training`` | ``_validation`` |
| ``plotting`` | ``_validation``, ``_optional`` |
| ``export`` | anything below it, never the top-level ``eyememory`` |
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "eyememory"

ALLOWED = {
    "_validation": set(),
    "nn": {"_validation", "nn"},
    "data": {"_validation", "data"},
    "models._building": {"_validation", "nn"},
    "models": {"_validation", "nn", "data", "models._building"},
    "training": {"_validation"},
    "_optional": set(),
    "plotting": {"_validation", "_optional"},
    "export": {"_validation", "nn", "data", "models", "models._building", "training"},
}


def module_name(path: Path) -> str:
    """``eyememory/nn/conv.py`` -> ``nn.conv``; a package's ``__init__`` -> the package."""
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def role(name: str) -> str:
    """The row of the table a module (or an imported name) belongs to."""
    if name == "models._building":
        return name
    return name.split(".")[0]


def imported(path: Path) -> list[tuple[int, str]]:
    """Every eyememory module that ``path`` imports, as ``(line, dotted name below eyememory)``."""
    name = module_name(path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            elif (node.module or "").split(".")[0] == "eyememory":
                target = node.module.removeprefix("eyememory").lstrip(".")
            else:
                continue
            # `from . import functional` names a module, not an attribute
            found += [(node.lineno, f"{target}.{a.name}".lstrip(".")) for a in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "eyememory":
                    found.append((node.lineno, alias.name.removeprefix("eyememory").lstrip(".")))
    return found


def resolve(name: str) -> str:
    """The module an imported name lives in: ``nn.conv.Conv2d`` -> ``nn.conv``."""
    parts = name.split(".")
    while parts:
        candidate = PACKAGE.joinpath(*parts)
        if candidate.with_suffix(".py").exists() or (candidate / "__init__.py").exists():
            return ".".join(parts)
        parts.pop()
    return ""


def violations(own: str, names: list[tuple[int, str]]) -> list[str]:
    """What breaks the table when module ``own`` imports ``names``."""
    allowed, found = ALLOWED[role(own)], []
    for line, name in names:
        target = resolve(name)
        if not target:
            found.append(f"{own}:{line} imports the top-level eyememory package ({name})")
        elif role(own) == role(target) == "models" and target != own:
            found.append(f"{own}:{line} imports {target}: models never import each other")
        elif role(target) not in allowed:
            found.append(
                f"{own}:{line} imports {target}; {role(own)} may import only {sorted(allowed)}"
            )
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p != PACKAGE / "__init__.py")


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_imports_point_down_the_layers(path: Path) -> None:
    assert violations(module_name(path), imported(path)) == []


def test_the_table_covers_every_module() -> None:
    assert {role(module_name(p)) for p in MODULES} <= set(ALLOWED)


def test_the_checker_catches_upward_and_sideways_imports() -> None:
    assert violations("models.eye", [(1, "nn.Conv2d"), (2, "models._building.seeded")]) == []
    assert violations("models.rows", [(1, "models.memory.Memory")])  # sideways
    assert violations("nn.conv", [(1, "models.eye.Eye")])  # upward
    assert violations("data.text", [(1, "nn.conv")])  # data knows no layers
    assert violations("training", [(1, "")])  # the top-level package


def test_a_wheel_would_hold_every_subpackage() -> None:
    """``pip install .`` (not editable) ships the packages pyproject.toml finds: all of them."""
    import tomllib
    from setuptools import find_packages

    config = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    shipped = set(find_packages(str(PACKAGE.parent), include=include))
    packages = {
        ".".join(p.parent.relative_to(PACKAGE.parent).parts) for p in PACKAGE.rglob("__init__.py")
    }
    assert packages == shipped


def test_eyememory_nn_reads_like_torch_nn() -> None:
    """``import eyememory.nn as nn`` where ``torch.nn`` was: the same names, one object each."""
    import inspect

    import torch

    import eyememory
    import eyememory.nn as enn

    own_ideas = {"GlobalAvgPool2d", "GlobalMaxPool2d", "functional"}  # no torch.nn twin
    for name in set(enn.__all__) - own_ideas:
        ours, theirs = getattr(enn, name), getattr(torch.nn, name)
        assert getattr(eyememory, name) is ours
        wanted = [
            p.name
            for p in inspect.signature(theirs).parameters.values()
            if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        ]
        assert list(inspect.signature(ours).parameters)[: len(wanted)] == wanted, name
    for name in enn.functional.__all__:
        assert getattr(eyememory, name) is getattr(enn.functional, name)
    twins = {"conv1d", "conv2d", "max_pool2d", "avg_pool2d"}
    assert {n for n in enn.functional.__all__ if hasattr(torch.nn.functional, n)} >= twins
