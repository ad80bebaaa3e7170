"""Fixtures shared by the site tests: one strict build of the site per test session."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock

from .browser import Reader, chromium, make_reader, require_chromium, serve

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class BuiltSite:
    path: Path
    log: str
    seconds: float
    returncode: int


def _build(out: Path, **environment: str) -> BuiltSite:
    """``mkdocs build --strict`` into ``out``; ``environment`` adds variables (results, say)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": "http://127.0.0.1:8000/"}
    env.update(environment)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return BuiltSite(
        out, result.stdout + result.stderr, time.perf_counter() - start, result.returncode
    )


@pytest.fixture
def one_thread() -> Iterator[None]:
    """Tiny models train fastest, and steadiest on a busy machine, on one thread."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> BuiltSite:
    """Build the site with ``mkdocs build --strict`` into a temporary folder, once per run.

    Under pytest-xdist the workers share one build: the first to ask builds it, the others
    wait for it and reuse it.
    """
    if worker_id == "master":
        site = _build(tmp_path_factory.mktemp("site"))
    else:
        shared = tmp_path_factory.getbasetemp().parent  # common to all workers of this run
        record = shared / "site.json"
        with FileLock(str(shared / "site.lock")):
            if record.exists():
                saved = json.loads(record.read_text())
                site = BuiltSite(**{**saved, "path": Path(saved["path"])})
            else:
                site = _build(shared / "site")
                record.write_text(json.dumps({**site.__dict__, "path": str(site.path)}))
    if site.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{site.log}", pytrace=False)
    return site


@pytest.fixture(scope="module")
def site(built_site: BuiltSite) -> Iterator[tuple[object, str, Path]]:
    require_chromium()
    with serve(built_site.path) as url, chromium() as browser:
        yield browser, url, built_site.path


@pytest.fixture(scope="module")
def light(site) -> Reader:
    return make_reader(*site, color_scheme="light")


@pytest.fixture(scope="module")
def dark_reader(site) -> Reader:
    return make_reader(*site, color_scheme="dark")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that opens the site in Chromium is a browser test, marked so or not: then
    ``-m "not browser"`` (CI on macOS) leaves out every test that needs a browser."""
    for item in items:
        if "site" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
