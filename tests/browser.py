"""Headless Chromium for the browser tests: Debian's ``chromium`` driven by Playwright for
Python. Playwright's own browser download is never used."""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("EYEMEMORY_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = os.environ.get("EYEMEMORY_SCREENSHOTS")  # a folder, to look at the pages
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


COMPRESSIBLE = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map", ".ipynb"}


class _Handler(http.server.SimpleHTTPRequestHandler):
    """A static server that, like GitHub Pages, gzips text files for clients that accept it
    and keeps connections open between requests (HTTP/1.1 keep-alive)."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def send_head(self):  # type: ignore[override]
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants_gzip and path.suffix in COMPRESSIBLE and path.is_file()):
            return super().send_head()  # directories redirect, binaries go as they are
        body = gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return io.BytesIO(body)


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 at a free port, gzipped as GitHub Pages does.

    Yields the base URL.
    """
    handler = functools.partial(_Handler, directory=str(directory))
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


def axe_script() -> Path:
    """axe-core as bundled with axe-playwright-python (nothing is downloaded)."""
    import axe_playwright_python

    return Path(axe_playwright_python.__file__).parent / "axe.min.js"


# Code blocks hold thousands of highlighted tokens, which make axe's colour-contrast rule
# take seconds per page; their colours come from one palette, checked by CODE_CONTRAST.
NOT_CODE = {"include": [[".md-content"]], "exclude": [[".highlight"], [".highlight-ipynb"]]}


def axe_violations(page, context: dict | None = None, rules: list[str] | None = None) -> list[str]:
    """Run axe-core on a page (injected with ``context.add_init_script(path=axe_script())``
    or here); one line per violation."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_script()))
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = rules
    results = page.evaluate(
        "([context, options]) => axe.run(context || document, options)", [context, options]
    )
    return [
        f"{v['id']} ({v['impact']}): {node['target']} "
        f"{node['failureSummary'].splitlines()[-1].strip()}"
        for v in results["violations"]
        for node in v["nodes"]
    ]


# WCAG contrast of every highlighted code token against the background it sits on.
CODE_CONTRAST = """() => {
  const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => [r, g, b]
    .map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, k) => sum + v * [0.2126, 0.7152, 0.0722][k], 0);
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || c[3] > 0.99) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const failures = new Map();
  for (const token of document.querySelectorAll(".highlight code span, .highlight-ipynb span")) {
    if (!token.textContent.trim() || token.children.length || !token.checkVisibility()) continue;
    const style = getComputedStyle(token);
    let fg = rgb(style.color);
    const bg = background(token);
    if (fg.length === 4) fg = fg.slice(0, 3).map((v, k) => v * fg[3] + bg[k] * (1 - fg[3]));
    const r = ratio(fg, bg);
    if (r < 4.5) {
      const example = token.textContent.trim().slice(0, 20);
      const where = `${token.className}: ${style.color} on rgb(${bg})`;
      failures.set(where, `${r.toFixed(2)} e.g. "${example}"`);
    }
  }
  return [...failures].map(([k, v]) => `${k} = ${v}`);
}"""


@dataclass
class Visit:
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)


LOAD_ALL_IMAGES = """() => Promise.all([...document.images].map((img) => {
  img.loading = "eager";
  return img.complete ? null : new Promise((done) => { img.onload = img.onerror = done; });
}))"""

BROKEN_IMAGES = """() => [...document.images]
  .filter((img) => !img.naturalWidth)
  .map((img) => img.src.slice(0, 80))"""


@dataclass
class Reader:
    """One browser tab that records what goes wrong while it reads page after page."""

    url: str
    root: Path
    page: object
    visit: Visit = field(default_factory=Visit)

    def open(self, path: str, reload: bool = True) -> Visit:
        """Go to ``path`` (or, with ``reload=False``, stay if already there).

        Then start a new record.
        """
        self.visit = Visit()
        if reload or self.page.url != self.url + path:
            self.page.goto(self.url + path, wait_until="load")
        # Explorers mount when scrolled near, after their model loads: bring each into view
        # and wait, so that checks see them whole; then back to the top.
        for explorer in self.page.locator("[data-explorer]").all():
            explorer.scroll_into_view_if_needed()
            explorer.and_(self.page.locator("[data-ready]")).wait_for(timeout=15_000)
        self.page.evaluate("window.scrollTo(0, 0)")
        # Figures load lazily as a reader scrolls: load them all now, so that the checks
        # (and screenshots) see every one.
        self.page.evaluate(LOAD_ALL_IMAGES)
        # accessibility.js finishes its work when the page is idle (idle callbacks run in order).
        self.page.evaluate("new Promise((done) => requestIdleCallback(done, { timeout: 3000 }))")
        return self.visit


DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}  # a phone held upright, in CSS pixels


def make_reader(
    browser, url: str, root: Path, color_scheme: str, viewport: dict = DESKTOP
) -> Reader:
    context = browser.new_context(color_scheme=color_scheme, viewport=viewport)
    context.add_init_script(path=str(axe_script()))
    page = context.new_page()
    reader = Reader(url, root, page)
    local = urlsplit(url).netloc
    page.on("console", lambda m: m.type == "error" and reader.visit.console_errors.append(m.text))
    page.on("pageerror", lambda e: reader.visit.console_errors.append(str(e)))
    page.on(
        "requestfailed", lambda r: reader.visit.failed_requests.append(f"{r.url} ({r.failure})")
    )
    page.on(
        "request",
        lambda r: (
            urlsplit(r.url).scheme in ("http", "https", "ws", "wss")
            and urlsplit(r.url).netloc != local
            and reader.visit.foreign_requests.append(r.url)
        ),
    )
    page.on(
        "response",
        lambda r: (
            r.status >= 400 and reader.visit.failed_requests.append(f"{r.url} (HTTP {r.status})")
        ),
    )
    return reader


def screenshot(page, name: str, element: str | None = None) -> None:
    """Save a screenshot (of the full page, or of one element).

    Only when $EYEMEMORY_SCREENSHOTS names a folder.
    """
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        target = page.locator(element).first if element else page
        target.screenshot(
            path=f"{SCREENSHOTS}/{name}.png", **({} if element else {"full_page": True})
        )


# What a reader of a narrow or wide screen must never meet, in one pass over a page: the page
# scrolling sideways; a table running past the screen's edge outside a scroll container with
# a visible cue (the shadow of extra.css); a display formula wider than its box unless at the
# smallest size allowed (--math-min) and in a scroll container; a copy button over the first
# line of code; anything in an explorer wider than the content column.
LAYOUT = """() => {
  const problems = {page: [], tables: [], formulas: [], copy: [], explorers: []};
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth)
    problems.page.push(`scrolls sideways by ${root.scrollWidth - root.clientWidth} px`);
  const scrolls = (e) => ["auto", "scroll"].includes(getComputedStyle(e).overflowX);
  const cued = (e) => getComputedStyle(e).backgroundImage.includes("gradient");
  const text = (e) => e.textContent.trim().replace(/\\s+/g, " ").slice(0, 40);
  for (const table of document.querySelectorAll("article table")) {
    const box = table.getBoundingClientRect();
    if (box.left >= 0 && box.right <= root.clientWidth + 0.5) continue;
    let scroller = table.parentElement;
    while (scroller && !scrolls(scroller)) scroller = scroller.parentElement;
    const frame = scroller && scroller.getBoundingClientRect();
    if (!scroller || frame.right > root.clientWidth + 0.5 || !cued(scroller))
      problems.tables.push(
        `${text(table)}: ${Math.round(box.right - root.clientWidth)} px past the edge`);
  }
  for (const math of document.querySelectorAll("article math[display=block]")) {
    const box = math.parentElement, style = getComputedStyle(math);
    const size = parseFloat(style.fontSize);
    const least = parseFloat(getComputedStyle(box).getPropertyValue("--math-min"));
    const hidden = box.scrollWidth - box.clientWidth;
    if (size < least - 0.01) problems.formulas.push(`${text(math)}: ${size} px, below ${least} px`);
    if (hidden > 0.5 && !(scrolls(box) && cued(box) && size <= least + 0.01))
      problems.formulas.push(`${text(math)}: ${hidden} px hidden at ${size} px`);
  }
  for (const pre of document.querySelectorAll("article pre")) {
    const nav = pre.querySelector(".md-code__nav"), code = pre.querySelector("code");
    if (!nav || !code || !pre.checkVisibility()) continue;
    const button = nav.getBoundingClientRect(), range = document.createRange();
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const end = node.data.indexOf("\\n");
      range.selectNodeContents(node);
      if (end >= 0) range.setEnd(node, end);
      const over = [...range.getClientRects()].some((r) => r.width > 0
        && r.left < button.right && r.right > button.left
        && r.top < button.bottom && r.bottom > button.top);
      if (over) { problems.copy.push(text(code)); break; }
      if (end >= 0) break;
    }
  }
  const column = document.querySelector("article").getBoundingClientRect();
  for (const explorer of document.querySelectorAll("[data-explorer]")) {
    for (const e of [explorer, ...explorer.querySelectorAll("*")]) {
      const box = e.getBoundingClientRect();
      if (box.width > column.width + 0.5 || (e.scrollWidth > e.clientWidth + 0.5 && scrolls(e))) {
        const name = `${e.tagName.toLowerCase()}.${e.getAttribute("class")}`;
        const width = Math.round(Math.max(box.width, e.scrollWidth));
        problems.explorers.push(`${name}: ${width} px in a ${Math.round(column.width)} px column`);
      }
    }
  }
  return problems;
}"""
