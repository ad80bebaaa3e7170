"""Open every page of the built site in headless Chromium, as a reader would."""

from __future__ import annotations

import json

import pytest

from .browser import (
    BROKEN_IMAGES,
    CODE_CONTRAST,
    DESKTOP,
    LAYOUT,
    NOT_CODE,
    PHONE,
    Reader,
    axe_violations,
    make_reader,
    screenshot,
)
from .conftest import BuiltSite
from .docs_harness import DOCS

pytestmark = pytest.mark.browser


def site_pages() -> list[str]:
    """The address of every page, from the sources: ``eye.md`` -> ``eye/``."""
    pages = []
    for source in sorted([*DOCS.rglob("*.md"), *DOCS.glob("notebooks/*.ipynb")]):
        stem = source.relative_to(DOCS).with_suffix("").as_posix()
        pages.append(
            ""
            if stem == "index"
            else stem.removesuffix("index")
            if stem.endswith("/index")
            else stem + "/"
        )
    return pages


PAGES = site_pages()
API_PAGES = [p for p in PAGES if p.startswith("api/") and p != "api/"]
# The dark scheme is checked on one page of each kind (same theme, same components).
DARK_PAGES = ["", "eye/", "memory/", "glossary/", "api/nn/conv/", "notebooks/eye/"]


def shot_name(path: str) -> str:
    return path.strip("/").replace("/", "-") or "home"


def dark(page) -> None:
    """Switch a page to the dark scheme with the header's toggle."""
    page.locator('label[title="Switch to dark mode"]').first.click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")


MATH_CHECK = """() => [...document.querySelectorAll('article math')].map(m => {
  const box = m.getBoundingClientRect();
  return {display: getComputedStyle(m).display, width: box.width, height: box.height};
})"""


def report(problems: dict) -> str:
    return json.dumps({k: v for k, v in problems.items() if v}, indent=1)


def test_every_built_page_is_checked(built_site: BuiltSite) -> None:
    built = sorted(
        ""
        if p.parent == built_site.path
        else p.parent.relative_to(built_site.path).as_posix() + "/"
        for p in built_site.path.rglob("index.html")
    )
    assert built == sorted(PAGES)


@pytest.mark.parametrize("path", PAGES, ids=[p or "home" for p in PAGES])
def test_page_reads_cleanly(light: Reader, path: str) -> None:
    """No console error, failed request or request to another host; every image loaded;
    MathML laid out; zero axe-core violations; every code token readable."""
    visit = light.open(path)
    page = light.page
    formulas = page.evaluate(MATH_CHECK)
    if "<math" in (light.root / path / "index.html").read_text(encoding="utf-8"):
        assert formulas, "MathML in the HTML but none in the article"
    screenshot(page, shot_name(path))
    # The header, navigation, search and footer are the same on every page: check them in
    # full on the home page; elsewhere check the page's own content.
    problems = {
        "console errors": visit.console_errors,
        "failed requests": visit.failed_requests,
        "requests to other hosts": visit.foreign_requests,
        "images that did not load": page.evaluate(BROKEN_IMAGES),
        "math not laid out": [
            f for f in formulas if "math" not in f["display"] or f["width"] <= 0 or f["height"] <= 0
        ],
        "accessibility (axe)": axe_violations(page, None if path == "" else NOT_CODE),
        "code tokens below 4.5:1": page.evaluate(CODE_CONTRAST),
    }
    assert not any(problems.values()), report(problems)


@pytest.mark.parametrize("path", DARK_PAGES, ids=[p or "home" for p in DARK_PAGES])
def test_page_reads_cleanly_in_the_dark(dark_reader: Reader, path: str) -> None:
    """The dark scheme, as a reader whose system prefers it first sees the page."""
    visit = dark_reader.open(path)
    page = dark_reader.page
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    screenshot(page, f"{shot_name(path)}-dark")
    problems = {
        "console errors": visit.console_errors,
        "accessibility (axe)": axe_violations(
            page, None if path == "" else NOT_CODE, rules=["color-contrast", "link-in-text-block"]
        ),
        "code tokens below 4.5:1": page.evaluate(CODE_CONTRAST),
    }
    assert not any(problems.values()), report(problems)


def test_dark_mode_toggle(light: Reader) -> None:
    visit = light.open("eye/")
    page = light.page
    assert page.get_attribute("body", "data-md-color-scheme") == "default"
    dark(page)
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(255, 255, 255)"
    page.evaluate("localStorage.clear()")  # forget the choice: the next pages open light again
    assert visit.console_errors == []


def test_search_finds_a_chapter(light: Reader) -> None:
    visit = light.open("")
    page = light.page
    page.keyboard.press("/")  # the search shortcut
    page.keyboard.type("recurrence")
    page.locator(".md-search-result__item").first.wait_for(timeout=10_000)
    assert "Memory" in page.locator(".md-search-result").inner_text()
    assert visit.console_errors == [] and visit.foreign_requests == []


def test_abbreviation_tooltip_appears_on_hover(light: Reader) -> None:
    light.open("eye/")
    page = light.page
    page.locator("article abbr", has_text="CNN").first.hover()
    tooltip = page.get_by_role("tooltip")
    tooltip.wait_for(timeout=5_000)
    assert "Convolutional neural network" in tooltip.inner_text()
    abbr = page.locator("article abbr", has_text="CNN").first
    assert abbr.get_attribute("aria-describedby") == tooltip.get_attribute("id")
    assert abbr.get_attribute("title") is None  # no second, native tooltip over ours
    page.mouse.move(0, 0)
    tooltip.wait_for(state="hidden", timeout=5_000)


def test_copy_button_copies_the_code(site) -> None:
    """The copy buttons are written at build time; the site's script serves them."""
    browser, url, _ = site
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        # Arrive by a link, as a reader does.
        page.locator("article a[href='introduction/']").first.click()
        page.wait_for_url(url + "introduction/")
        block = page.locator("article pre").first
        block.hover()
        button = block.get_by_role("button", name="Copy to clipboard")
        assert block.locator("nav").get_attribute("aria-label") == "Code block 1 tools"
        button.click()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.strip() == block.locator("code").inner_text().strip()
        assert "import" in copied
        page.get_by_text("Copied to clipboard").wait_for(timeout=5_000)  # the notice
    finally:
        context.close()


@pytest.fixture(scope="module")
def phone(site) -> Reader:
    return make_reader(*site, color_scheme="light", viewport=PHONE)


@pytest.mark.parametrize("width", [DESKTOP["width"], PHONE["width"]])
@pytest.mark.parametrize("path", PAGES, ids=[p or "home" for p in PAGES])
def test_page_fits_the_screen(light: Reader, phone: Reader, path: str, width: int) -> None:
    """At 1280 px and on a phone: the page never scrolls sideways; tables fit or scroll in
    their own wrapper with a shadow as a cue; formulas fit their column (scaled down, never
    below 12 px, 10 px on a phone); copy buttons leave the first line of code alone; the
    explorers fit the column."""
    reader = light if width == DESKTOP["width"] else phone
    reader.open(path)
    screenshot(reader.page, f"{shot_name(path)}-{width}")
    problems = reader.page.evaluate(LAYOUT)
    assert not any(problems.values()), report(problems)


@pytest.mark.parametrize("path", API_PAGES)
def test_api_page_has_one_title(light: Reader, path: str) -> None:
    """The module's name is the page's one h1, and no other heading repeats it."""
    light.open(path)
    headings = light.page.evaluate(
        "() => [...document.querySelectorAll('article :is(h1, h2, h3, h4, h5, h6)')]"
        ".map((h) => [h.tagName, h.textContent.replace('¶', '').trim()])"
    )
    h1 = [text for tag, text in headings if tag == "H1"]
    assert len(h1) == 1 and h1[0].startswith("eyememory"), headings[:3]
    assert [text for _, text in headings].count(h1[0]) == 1, headings[:3]
    first = light.page.locator("article > *:not(a)").first  # the intro sits below the title
    assert first.evaluate("(e) => e.tagName") == "H1"


@pytest.mark.parametrize("width", [DESKTOP["width"], PHONE["width"]])
def test_notebook_output_wraps_between_words(light: Reader, phone: Reader, width: int) -> None:
    """A printed model wraps at its spaces: "ceil_mode=False" stays whole on one line."""
    reader = light if width == DESKTOP["width"] else phone
    reader.open("notebooks/eye/")
    lines = reader.page.evaluate("""() => {
      const output = [...document.querySelectorAll(".jp-OutputArea-output pre")]
        .find((p) => p.textContent.includes("ceil_mode=False"));
      const node = document.createTreeWalker(output, NodeFilter.SHOW_TEXT).nextNode();
      const range = document.createRange(), start = node.data.indexOf("ceil_mode=False");
      range.setStart(node, start);
      range.setEnd(node, start + "ceil_mode=False".length);
      const rows = [...range.getClientRects()]
        .filter((r) => r.width > 0)
        .map((r) => Math.round(r.top));
      return new Set(rows).size;
    }""")
    assert lines == 1


def test_only_light_and_only_dark_images_follow_the_scheme(light: Reader) -> None:
    """Material's ``#only-light`` / ``#only-dark`` figures: one shows per colour scheme."""
    light.open("eye/")
    page = light.page
    page.evaluate("""() => {
      for (const scheme of ["light", "dark"]) {
        const img = document.createElement("img");
        img.src = `../assets/favicon.svg#only-${scheme}`;
        img.alt = scheme;
        img.className = `test-only-${scheme}`;
        document.querySelector("article").append(img);
      }
    }""")
    shown = "(e) => getComputedStyle(e).display !== 'none'"
    assert page.locator(".test-only-light").evaluate(shown)
    assert not page.locator(".test-only-dark").evaluate(shown)
    dark(page)
    assert not page.locator(".test-only-light").evaluate(shown)
    assert page.locator(".test-only-dark").evaluate(shown)
    page.evaluate("localStorage.clear()")  # the next pages open light again
