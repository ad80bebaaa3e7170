"""Headless Chromium for the browser tests: Debian's ``chromium`` driven by Playwright for
Python. Playwright's own browser download is never used."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("EYEMEMORY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def require_chromium() -> None:
    """Skip with the reason when there is no browser; under CI a missing browser is a failure."""
    found = Path(CHROMIUM).exists() or shutil.which(CHROMIUM)
    try:
        import playwright  # noqa: F401
    except ImportError:
        found = False
    if not found:
        message = (
            f"Chromium not found at {CHROMIUM} (or Playwright for Python missing): "
            "install Debian's `chromium` (apt-get install chromium) to run the browser tests"
        )
        if os.environ.get("CI"):
            pytest.fail(message + " — required when CI is set", pytrace=False)
        pytest.skip(message)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 at a free port; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium() -> Iterator[object]:
    """A Playwright Chromium browser, launched from the system's executable."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
