"""The harness that runs the site's code: every ``python`` block of every page, and every
``>>>`` example in the package's docstrings, through Sybil.

A page may also hide a check from the reader in an HTML comment, in Sybil's syntax::

    <!-- invisible-code-block: python
    assert abs(accuracy - 0.98) < 0.02
    -->

It runs in the page's namespace, in order, like a visible block; the site strips it
(``mkdocs_hooks/results.py``).

It also lists every fence and every hidden block of a page, so that a test can fail on any
Python-looking block that Sybil would skip without a word (a ``py`` label,
``python title="x.py"``, ``<!-- invisible-code-block: py``, ...).

Every page runs the same way, so that pages need no set-up lines of their own: one torch
thread (restored afterwards), ``torch.manual_seed(0)`` first, and figures written to a
temporary folder, never to the committed ``docs/assets/figures`` (``python -m tools.figures``
refreshes those), under matplotlib's Agg backend: files, never windows. The root
``conftest.py`` sets ``MPLBACKEND=Agg`` before anything imports matplotlib;
``eyememory.plotting`` itself never chooses a backend, so a reader's notebook keeps its own.

Blocks may include real package source with pymdownx.snippets
(``--8<-- "eyememory/nn/conv.py:conv2d"``). The harness expands them with the same extension
and settings as the site, then runs the result, so the source a page shows is source that
runs.
"""

from __future__ import annotations

import atexit
import doctest
import importlib
import os
import re
import shutil
import tempfile
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
# Set (to anything but "") by ``python -m tools.figures`` alone: then, and only then, pages
# write their figures into docs/assets/figures.
REFRESH_FIGURES = "EYEMEMORY_REFRESH_FIGURES"

# Labels that mean "this is Python" to a reader, to Pygments, or to a Markdown renderer.
PYTHON_LABELS = {
    "python",
    "py",
    "python3",
    "py3",
    "pycon",
    "ipython",
    "ipython3",
    "pyi",
    "python-console",
}
SNIPPET_LINE = re.compile(r'^\s*-{2,}8<-{2,}\s+"(?P<target>[^"]+)"\s*$', re.MULTILINE)
# The one spelling of a hidden block that the pages use (Sybil accepts a few more).
HIDDEN_HEADER = "invisible-code-block: python"
HTML_COMMENT = re.compile(r"<!--(?P<body>.*?)(?P<close>-->|\Z)", re.DOTALL)
CODE_DIRECTIVE = re.compile(r"^-*\s*;?\s*(?:invisible[\s_-]*)?code[\s_-]*block", re.IGNORECASE)
# Lines a reader (or a hidden comment) would take for Python.
PYTHON_LOOKING = re.compile(r"^\s*(>>>|import \w|from [\w.]+ import |assert\b)", re.MULTILINE)
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
    md = markdown.Markdown(
        extensions=["pymdownx.snippets"],
        extension_configs={"pymdownx.snippets": _snippets_config()},
    )
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


_session_figures: Path | None = None


def figures_folder() -> Path:
    """Where pages and notebooks run by the harness save figures.

    ``docs/assets/figures`` under ``python -m tools.figures``; otherwise one temporary folder
    per session, removed at exit, so that tests never rewrite committed files.
    """
    global _session_figures
    if os.environ.get(REFRESH_FIGURES):
        return FIGURES
    if _session_figures is None:
        _session_figures = Path(tempfile.mkdtemp(prefix="eyememory-figures-"))
        atexit.register(shutil.rmtree, _session_figures, ignore_errors=True)
    return _session_figures


def _setup_page(namespace: dict) -> None:
    """Every page starts from seed 0 on one torch thread, with figures saved off to the side."""
    import torch

    os.environ["EYEMEMORY_FIGURES"] = str(figures_folder())
    namespace["__name__"] = "__page__"
    namespace["__threads_before__"] = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny models train fastest, and steadiest, on one thread
    torch.manual_seed(0)


def _teardown_page(namespace: dict) -> None:
    """Leave torch's thread count as the page found it."""
    import torch

    threads = namespace.pop("__threads_before__", None)
    if threads is not None:
        torch.set_num_threads(threads)


def _setup_docstrings(namespace: dict) -> None:
    import torch

    os.environ["EYEMEMORY_FIGURES"] = str(figures_folder())
    torch.manual_seed(0)


DOCS_SYBIL = Sybil(
    parsers=[SnippetAwarePythonParser(), SkipParser()],
    path=str(DOCS),
    patterns=["*.md", "**/*.md"],
    setup=_setup_page,
    teardown=_teardown_page,
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
        found.append(
            Fence(
                path,
                line,
                region.start,
                region.end,
                region.lexemes["info"].strip(),
                str(region.lexemes["source"]),
            )
        )
    return found


@dataclass(frozen=True)
class HiddenBlock:
    """An HTML comment of a page, outside fences, that holds code or names a code directive."""

    path: Path
    line: int
    start: int
    end: int
    header: str
    source: str
    closed: bool

    def __str__(self) -> str:
        where = self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path
        return f"{where}:{self.line}: <!-- {self.header}"


def hidden_blocks(path: Path) -> list[HiddenBlock]:
    """Every HTML comment outside fences that is, or looks meant to be, a hidden code block."""
    text = path.read_text(encoding="utf-8")
    fenced = [(f.start, f.end) for f in fences(path)]
    found = []
    for match in HTML_COMMENT.finditer(text):
        if any(start <= match.start() < end for start, end in fenced):
            continue
        header, _, source = match["body"].partition("\n")
        if not (CODE_DIRECTIVE.match(header) or PYTHON_LOOKING.search(match["body"])):
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        found.append(
            HiddenBlock(
                path,
                text.count("\n", 0, match.start()) + 1,
                line_start,
                match.end(),
                header.strip(),
                source,
                bool(match["close"]),
            )
        )
    return found


def collected_starts(path: Path) -> list[int]:
    """Offsets of the regions Sybil collects from a page (the runnable ones, skips excluded)."""
    document = DOCS_SYBIL.parse(path)
    return [
        example.region.start
        for example in document.examples()
        if not isinstance(example.parsed, tuple)
    ]


def markdown_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def skip_directives(path: Path) -> list[tuple[int, str, str]]:
    """``(line, action, reason)`` of every Sybil skip directive on a page."""
    text = path.read_text(encoding="utf-8")
    return [
        (text.count("\n", 0, m.start()) + 1, m["action"], m["reason"].strip())
        for m in SKIP_DIRECTIVE.finditer(text)
    ]
