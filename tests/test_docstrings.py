"""Docstrings read well in ``help()`` and Jupyter's ``?`` as well as on the site.

``help()`` shows a docstring as written, so the package's docstrings never use the site's
link syntax (``[fit][eyememory.training.fit]``): they name objects in backticks, and
``mkdocs_hooks/docstring_links.py`` turns those names into links when the site is built.
Each docstring opens with plain words (what it is, what it does); a formula, in LaTeX for
the site, comes after.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator

import pytest

import eyememory

LINK_SYNTAX = re.compile(r"\]\[[\w.]*\]")


def documented() -> Iterator[tuple[str, object]]:
    """Every public module, class, function and method of the package, by dotted name."""
    seen = set()
    for info in pkgutil.walk_packages(eyememory.__path__, "eyememory."):
        if any(part.startswith("_") for part in info.name.split(".")[1:]):
            continue
        module = importlib.import_module(info.name)
        yield info.name, module
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != info.name:
                continue
            if id(obj) in seen or not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue
            seen.add(id(obj))
            yield f"{info.name}.{name}", obj
            if inspect.isclass(obj):
                for member_name, member in vars(obj).items():
                    if not member_name.startswith("_") and inspect.isfunction(member):
                        yield f"{info.name}.{name}.{member_name}", member
    yield "eyememory", eyememory


DOCUMENTED = dict(documented())


def test_the_scan_finds_the_package() -> None:
    assert {"eyememory.nn.conv.Conv2d", "eyememory.training.fit", "eyememory.nn.rnn"} <= set(
        DOCUMENTED
    )


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_docstring_reads_as_plain_text(name: str) -> None:
    doc = inspect.getdoc(DOCUMENTED[name]) or ""
    assert not LINK_SYNTAX.search(doc), f"{name}: link syntax shows raw in help()"
    opening = doc.split("\n\n", 1)[0]
    assert "$" not in opening and "\\" not in opening, (
        f"{name}: its first paragraph should be plain words; put the formula after it"
    )


def test_backticked_names_become_links_on_the_site(built_site) -> None:
    """``fit`` named in a docstring links to its entry on the site."""
    html = (built_site.path / "api" / "models" / "eye" / "index.html").read_text()
    anchors = set(re.findall(r'href="[^"]*#(eyememory\.[\w.]+)"', html))
    assert "eyememory.nn.conv.Conv2d" in anchors
