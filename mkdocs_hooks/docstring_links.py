"""A griffe extension: a backticked name in a docstring becomes a link on the site.

Docstrings are read in two places: on the site, and in ``help()`` or Jupyter's ``?``. The
second shows text as written, so a docstring names another object plainly, ``fit`` or
``Conv2d.forward``, never with the site's link syntax (``[fit][eyememory.training.fit]``).
This extension adds the link when mkdocstrings loads the package: a name in backticks that
is a public object of ``eyememory`` is looked up as Python would, nearest scope first (the
members of the class, then of the module, then the package's public names, then a full
dotted path), and is left as code if nothing or more than one object answers.
"""

from __future__ import annotations

import re

import griffe

# `name` or ``name``, optionally called: `fit()`; dotted names allowed (`Memory.trace`).
CODE_NAME = re.compile(r"(?<!`)(`{1,2})([A-Za-z_][\w.]*)(\(\))?\1(?!`)")
FENCE = re.compile(r"^\s*(```|~~~)")


def _public(obj: griffe.Object) -> bool:
    return not obj.name.startswith("_") or obj.name == "__init__"


def _shown(obj: griffe.Object) -> bool:
    """Whether the site renders ``obj`` with an anchor (undocumented attributes are hidden)."""
    if obj.is_attribute:
        return obj.docstring is not None and "instance-attribute" not in obj.labels
    return True


def _walk(obj: griffe.Object):
    yield obj
    for member in obj.members.values():
        if member.is_alias or not _public(member):
            continue
        yield from _walk(member)


class DocstringLinks(griffe.Extension):
    """Links backticked names in every docstring of a package to their documented objects."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: object) -> None:
        objects = [o for o in _walk(pkg) if o.is_module or _public(o)]
        by_name: dict[str, set[str]] = {}
        for obj in objects:
            if obj.is_module or not obj.parent.is_module or not _shown(obj):
                continue
            by_name.setdefault(obj.name, set()).add(obj.path)
        paths = {obj.path for obj in objects if _shown(obj)}
        for obj in objects:
            if obj.docstring is not None:
                obj.docstring.value = self._link(obj, obj.docstring.value, by_name, paths)

    @staticmethod
    def _resolve(
        obj: griffe.Object, name: str, by_name: dict[str, set[str]], paths: set[str]
    ) -> str | None:
        scopes = []
        scope = obj if (obj.is_class or obj.is_module) else obj.parent
        while scope is not None:
            scopes.append(scope.path)
            scope = scope.parent
        for prefix in scopes:
            if f"{prefix}.{name}" in paths:
                return f"{prefix}.{name}"
        first, _, rest = name.partition(".")
        found = by_name.get(first, set())
        if len(found) == 1:
            path = next(iter(found)) + (f".{rest}" if rest else "")
            return path if path in paths else None
        return name if name in paths else None

    def _link(
        self, obj: griffe.Object, text: str, by_name: dict[str, set[str]], paths: set[str]
    ) -> str:
        lines, in_fence = [], False
        for line in text.split("\n"):
            if FENCE.match(line):
                in_fence = not in_fence
            if in_fence or line.lstrip().startswith((">>>", "...")):
                lines.append(line)
                continue

            def link(match: re.Match) -> str:
                _ticks, name, call = match.groups()
                path = self._resolve(obj, name, by_name, paths)
                if path is None or path == obj.path:
                    return match.group(0)
                return f"[`{name}{call or ''}`][{path}]"

            lines.append(CODE_NAME.sub(link, line))
        return "\n".join(lines)
