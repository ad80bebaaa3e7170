"""The harness that runs the site's code: every ``python`` block of every page, and every
``>>>`` example in the package's docstrings, through Sybil.

It also lists every fence of a page, so that a test can fail on any Python-looking block
that Sybil would skip without a word (a ``py`` label, ``python title="x.py"``, ...).

Blocks may include real package source with pymdownx.snippets
(``--8<-- "eyememory/nn/conv.py:conv2d"``). The harness expands them with the same extension
and settings as the site, then runs the result, so the source a page shows is source that
runs.
"""

from __future__ import annotations

import doctest
import importlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import markdown
from mkdocs.utils.yaml import yaml_load
from sybil import Document, Example, Region, Sybil
from sybil.evaluators.python import pad
from sybil.parsers.markdown import PythonCodeBlockParser, SkipParser
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer
from sybil.parsers.rest import DocTestParser

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
FIGURES = DOCS / "assets" / "figures"
DOCTEST_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

# Labels that mean "this is Python" to a reader, to Pygments, or to a Markdown renderer.
PYTHON_LABELS = {"python", "py", "python3", "py3", "pycon", "ipython", "ipython3", "pyi", "python-console"}
SNIPPET_LINE = re.compile(r'^\s*-{2,}8<-{2,}\s+"(?P<target>[^"]+)"\s*$', re.M)
SKIP_DIRECTIVE = re.compile(r"<!--\s*skip:\s*(?P<action>\w+)(?P<reason>[^>]*?)\s*-->")


def _snippets_config() -> dict:
    """The site's pymdownx.snippets settings, read from mkdocs.yml, without the auto-append."""
    with open(ROOT / "mkdocs.yml", encoding="utf-8") as f:
        config = yaml_load(f)
    for extension in config["markdown_extensions"]:
        if isinstance(extension, dict) and "pymdownx.snippets" in extension:
            settings = dict(extension["pymdownx.snippets"])
            break
    else:
        raise RuntimeError("mkdocs.yml does not configure pymdownx.snippets")
    settings["base_path"] = [str(ROOT / p) for p in settings.get("base_path", ["."])]
    settings["auto_append"] = []
    return settings


def expand_snippets(source: str) -> str:
    """Expand ``--8<--`` lines exactly as the site does (missing files raise)."""
    md = markdown.Markdown(extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": _snippets_config()})
    return "\n".join(md.preprocessors["snippet"].run(source.splitlines())) + "\n"


def snippet_targets(source: str) -> list[str]:
    """The files named by ``--8<--`` lines, without their ``:section`` part."""
    return [m["target"].split(":")[0] for m in SNIPPET_LINE.finditer(source)]


def _module_for(target: str) -> str | None:
    """``eyememory/nn/conv.py`` -> ``eyememory.nn.conv``; ``None`` for files outside the package."""
    path = Path(target)
    if path.suffix == ".py" and path.parts[0] == "eyememory":
        return ".".join(path.with_suffix("").parts).removesuffix(".__init__")
    return None


class SnippetEvaluator:
    """Run a block whose ``--8<--`` lines have been expanded.

    A block made only of package source runs in a copy of that module's namespace, exactly
    as the code runs in the package, and leaves the page's namespace alone. A block mixing
    snippets with its own lines runs in the page's namespace, like any other block.
    """

    def __init__(self, expanded: str, module: str | None) -> None:
        self.expanded = expanded
        self.module = module

    def __call__(self, example: Example) -> None:
        __tracebackhide__ = True
        code = compile(pad(self.expanded, example.line), example.path, "exec", dont_inherit=True)
        if self.module is not None:
            exec(code, dict(vars(importlib.import_module(self.module))))
        else:
            exec(code, example.namespace)
            example.namespace.pop("__builtins__", None)


class SnippetAwarePythonParser(PythonCodeBlockParser):
    """Sybil's Python block parser, plus pymdownx.snippets expansion."""

    def __init__(self) -> None:
        super().__init__(doctest_optionflags=DOCTEST_FLAGS)

    def __call__(self, document: Document) -> Iterator[Region]:
        for region in super().__call__(document):
            source = str(region.parsed)
            targets = snippet_targets(source)
            if targets:
                own_lines = SNIPPET_LINE.sub("", source).strip()
                modules = {_module_for(t) for t in targets}
                module = modules.pop() if not own_lines and len(modules) == 1 else None
                region.evaluator = SnippetEvaluator(expand_snippets(source), module)
            yield region


def _setup_page(namespace: dict) -> None:
    """Every page starts from the same seed, draws figures off-screen into docs/assets/figures."""
    import torch

    os.environ["EYEMEMORY_FIGURES"] = str(FIGURES)
    torch.manual_seed(0)
    namespace["__name__"] = "__page__"


def _setup_docstrings(namespace: dict) -> None:
    import torch

    torch.manual_seed(0)


DOCS_SYBIL = Sybil(
    parsers=[SnippetAwarePythonParser(), SkipParser()],
    path=str(DOCS),
    patterns=["*.md", "**/*.md"],
    setup=_setup_page,
    name="docs",
)

PACKAGE_SYBIL = Sybil(
    parsers=[DocTestParser(optionflags=DOCTEST_FLAGS)],
    path=str(ROOT / "eyememory"),
    patterns=["*.py", "**/*.py"],
    setup=_setup_docstrings,
    name="docstrings",
)


@dataclass(frozen=True)
class Fence:
    """One fenced block of a Markdown page."""

    path: Path
    line: int
    start: int
    end: int
    info: str
    source: str

    @property
    def label(self) -> str:
        return self.info.split()[0].lower() if self.info.strip() else ""

    def __str__(self) -> str:
        where = self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path
        return f"{where}:{self.line}: ```{self.info}"


_FENCE_LEXER = RawFencedCodeBlockLexer(info_pattern=re.compile(r"(?P<info>[^\n]*)\n"))


def fences(path: Path) -> list[Fence]:
    """Every fenced code block of a Markdown file, indented ones (in admonitions, tabs) included."""
    text = path.read_text(encoding="utf-8")
    document = Document(text, str(path))
    found = []
    for region in _FENCE_LEXER(document):
        line = text.count("\n", 0, region.start) + 1
        found.append(Fence(path, line, region.start, region.end, region.lexemes["info"].strip(), str(region.lexemes["source"])))
    return found


def collected_starts(path: Path) -> list[int]:
    """Offsets of the regions Sybil collects from a page (the runnable ones, skips excluded)."""
    document = DOCS_SYBIL.parse(path)
    return [example.region.start for example in document.examples() if not isinstance(example.parsed, tuple)]


def markdown_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def skip_directives(path: Path) -> list[tuple[int, str, str]]:
    """``(line, action, reason)`` of every Sybil skip directive on a page."""
    text = path.read_text(encoding="utf-8")
    return [
        (text.count("\n", 0, m.start()) + 1, m["action"], m["reason"].strip())
        for m in SKIP_DIRECTIVE.finditer(text)
    ]
