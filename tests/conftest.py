"""Fixtures shared by the site tests: one strict build of the site per test session."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .browser import Reader, chromium, make_reader, require_chromium, serve

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class BuiltSite:
    path: Path
    log: str
    seconds: float


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """Build the site with ``mkdocs build --strict`` into a temporary folder, once."""
    import time

    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": "http://127.0.0.1:8000/"}
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    seconds = time.perf_counter() - start
    log = result.stdout + result.stderr
    if result.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{log}", pytrace=False)
    return BuiltSite(out, log, seconds)


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


