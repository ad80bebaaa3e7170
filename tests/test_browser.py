"""Open every page of the built site in headless Chromium, as a reader would."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .browser import axe_violations, chromium, require_chromium, serve
from .conftest import BuiltSite

pytestmark = pytest.mark.browser
SCREENSHOTS = os.environ.get("EYEMEMORY_SCREENSHOTS")  # a folder, to look at the pages


@dataclass
class Site:
    url: str
    root: Path
    browser: object

    def pages(self) -> list[str]:
        """Every page's path, from the built files (the 404 page aside)."""
        return sorted(
            "" if p.parent == self.root else p.parent.relative_to(self.root).as_posix() + "/"
            for p in self.root.rglob("index.html")
        )


@dataclass
class Visit:
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def site(built_site: BuiltSite) -> Iterator[Site]:
    require_chromium()
    with serve(built_site.path) as url, chromium() as browser:
        yield Site(url, built_site.path, browser)


def open_page(site: Site, path: str, color_scheme: str = "light"):
    """Open a page, recording console errors, failed requests and requests to other hosts."""
    context = site.browser.new_context(color_scheme=color_scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    visit = Visit()
    local = urlsplit(site.url).netloc
    page.on("console", lambda m: m.type == "error" and visit.console_errors.append(m.text))
    page.on("pageerror", lambda e: visit.console_errors.append(str(e)))
    page.on("requestfailed", lambda r: visit.failed_requests.append(f"{r.url} ({r.failure})"))
    page.on(
        "request",
        lambda r: urlsplit(r.url).scheme in ("http", "https", "ws", "wss")
        and urlsplit(r.url).netloc != local
        and visit.foreign_requests.append(r.url),
    )
    page.on("response", lambda r: r.status >= 400 and visit.failed_requests.append(f"{r.url} (HTTP {r.status})"))
    page.goto(site.url + path, wait_until="load")
    return context, page, visit


def screenshot(page, name: str) -> None:
    """Save a full-page screenshot when $EYEMEMORY_SCREENSHOTS names a folder."""
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def dark(page) -> None:
    """Switch a page to the dark scheme with the header's toggle."""
    page.locator('label[title="Switch to dark mode"]').first.click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")


MATH_CHECK = """() => [...document.querySelectorAll('article math')].map(m => {
  const box = m.getBoundingClientRect();
  return {display: getComputedStyle(m).display, width: box.width, height: box.height};
})"""


def test_every_page_opens_cleanly_accessible_with_math_rendered(site: Site) -> None:
    """No console error, failed request or request to another host; MathML laid out; and
    zero axe-core violations in the light and the dark scheme."""
    pages = site.pages()
    assert len(pages) >= 10, pages
    problems = {}
    math_pages = 0
    for path in pages:
        context, page, visit = open_page(site, path)
        try:
            formulas = page.evaluate(MATH_CHECK)
            html = (site.root / path / "index.html").read_text(encoding="utf-8")
            if "<math" in html:
                math_pages += 1
                assert formulas, f"{path}: MathML in the HTML but none in the article"
            bad_math = [f for f in formulas if "math" not in f["display"] or f["width"] <= 0 or f["height"] <= 0]
            name = path.strip("/").replace("/", "-") or "home"
            screenshot(page, name)
            accessibility = [f"light: {v}" for v in axe_violations(page)]
        finally:
            context.close()
        # The dark scheme as a reader with a dark system setting first sees it.
        context, page, dark_visit = open_page(site, path, color_scheme="dark")
        try:
            assert page.get_attribute("body", "data-md-color-scheme") == "slate"
            screenshot(page, f"{name}-dark")
            accessibility += [f"dark: {v}" for v in axe_violations(page)]
        finally:
            context.close()
        visit.console_errors += dark_visit.console_errors
        found = {
            "console errors": visit.console_errors,
            "failed requests": visit.failed_requests,
            "requests to other hosts": visit.foreign_requests,
            "math not laid out": bad_math,
            "accessibility (axe)": accessibility,
        }
        found = {k: v for k, v in found.items() if v}
        if found:
            problems[path or "/"] = found
    assert problems == {}, json.dumps(problems, indent=1)
    assert math_pages >= 3


def test_dark_mode_toggle(site: Site) -> None:
    context, page, visit = open_page(site, "eye/")
    try:
        assert page.get_attribute("body", "data-md-color-scheme") == "default"
        dark(page)
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background != "rgb(255, 255, 255)"
    finally:
        context.close()
    assert visit.console_errors == []


def test_search_finds_a_chapter(site: Site) -> None:
    context, page, visit = open_page(site, "")
    try:
        page.keyboard.press("/")  # Material's search shortcut
        page.keyboard.type("recurrence")
        result = page.locator(".md-search-result__item").first
        result.wait_for(timeout=10_000)
        assert "Memory" in page.locator(".md-search-result").inner_text()
    finally:
        context.close()
    assert visit.console_errors == [] and visit.foreign_requests == []


def test_abbreviation_tooltip_appears_on_hover(site: Site) -> None:
    context, page, _ = open_page(site, "eye/")
    try:
        page.locator("article abbr", has_text="CNN").first.hover()
        tooltip = page.locator(".md-tooltip2--active, .md-tooltip--active").first
        tooltip.wait_for(timeout=5_000)
        assert "Convolutional neural network" in tooltip.inner_text()
    finally:
        context.close()
