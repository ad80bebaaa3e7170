"""The site's own script (docs/assets/javascripts/site.js), which stands in for Material's
bundle: what a reader does with it works, and opening a page costs the browser one pass.

Search, the scheme toggle, copy buttons and tooltips are also exercised in test_browser.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from .conftest import BuiltSite
from .test_site import html_pages

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 412, "height": 823}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


@contextmanager
def new_tab(site, **options) -> Iterator[tuple[object, str]]:
    """A fresh tab (its own context: no stored scheme), with a list of the page's script errors."""
    browser, url, _ = site
    context = browser.new_context(**options)
    try:
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on(
            "console", lambda message: message.type == "error" and page.errors.append(message.text)
        )
        yield page, url
    finally:
        context.close()


@pytest.fixture
def tab(site):
    """A tab on a wide screen."""
    with new_tab(site, **DESKTOP) as opened:
        yield opened


@pytest.fixture
def phone(site):
    """A tab on a phone's screen, touch included."""
    with new_tab(site, **PHONE) as opened:
        yield opened


def test_material_bundle_is_not_loaded_and_scripts_are_deferred(built_site: BuiltSite) -> None:
    for html in html_pages(built_site.path):
        text = html.read_text()
        assert not re.search(r"assets/javascripts/bundle\.[0-9a-f]+\.min\.js", text), html
        scripts = re.findall(r"<script\b[^>]*\bsrc=[^>]*>", text)
        assert scripts, html
        assert all(" defer" in script for script in scripts), (html, scripts)


def test_search_by_keyboard(tab) -> None:
    page, url = tab
    page.goto(url + "eye/", wait_until="load")
    page.keyboard.press("s")
    assert page.evaluate("document.getElementById('__search').checked")
    page.keyboard.type("hidden state")
    first = page.locator(".md-search-result__link").first
    first.wait_for(timeout=10_000)
    assert page.locator(".md-search-result__meta").inner_text().endswith("matching documents")
    assert page.locator(".md-search-result mark").count() > 0  # the terms are marked
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.classList.contains('md-search-result__link')")
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('__search').checked")
    # Enter in the search box opens the first result.
    page.keyboard.press("/")
    page.locator(".md-search__input").fill("sliding window")
    page.locator(".md-search-result__link").first.wait_for(timeout=10_000)
    target = page.locator(".md-search-result__link").first.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(target)
    assert page.errors == []


def test_search_on_a_phone_pins_the_page_underneath(phone) -> None:
    page, url = phone
    page.goto(url + "memory/", wait_until="load")
    page.evaluate("window.scrollTo(0, 1500)")
    page.locator("label.md-header__button[for=__search]").tap()
    page.keyboard.type("dilation")
    page.locator(".md-search-result__link").first.wait_for(timeout=10_000)
    page.wait_for_function("document.body.hasAttribute('data-md-scrolllock')")
    assert page.evaluate("document.documentElement.scrollWidth") == 412  # nothing widens the page
    assert page.locator(".md-search__input").evaluate("input => input === document.activeElement")
    page.locator(".md-search__icon[for=__search]").first.tap()  # the back arrow
    page.wait_for_function("!document.body.hasAttribute('data-md-scrolllock')")
    assert abs(page.evaluate("scrollY") - 1500) < 2  # the reader's place is kept


def test_table_of_contents_follows_the_reader(tab) -> None:
    page, url = tab
    page.goto(url + "eye/", wait_until="load")
    toc = page.locator(".md-sidebar--secondary .md-nav--secondary")
    for anchor in ["3-from-scratch-equals-pytorch", "5-training-the-eye"]:
        page.evaluate(f"document.getElementById('{anchor}').scrollIntoView()")
        page.mouse.wheel(0, 10)  # a scroll the reader makes
        active = toc.locator(".md-nav__link--active")
        active.first.wait_for(timeout=5_000)
        page.wait_for_function(
            "document.querySelector('.md-sidebar--secondary .md-nav__link--active').hash"
            f" === '#{anchor}'"
        )
        assert active.count() == 1
    assert page.errors == []


def test_back_to_top_appears_when_scrolling_up(tab) -> None:
    page, url = tab
    page.goto(url + "memory/", wait_until="load")
    button = page.locator("[data-md-component=top]")
    hidden = "document.querySelector('[data-md-component=top]').hidden"  # Material fades it out
    assert page.evaluate(hidden)
    page.mouse.wheel(0, 4000)
    page.wait_for_function("scrollY > 3000")
    assert page.evaluate(hidden)  # going down: not yet
    page.mouse.wheel(0, -300)
    page.wait_for_function(f"!{hidden}")
    button.click()
    page.wait_for_function("scrollY === 0")
    assert page.errors == []


def test_the_scheme_follows_the_system_until_the_reader_chooses(site) -> None:
    """Chosen while the header is parsed: the stored choice, else the system's preference."""
    with new_tab(site, color_scheme="dark", **DESKTOP) as (page, url):
        page.goto(url + "eye/", wait_until="commit")
        page.wait_for_selector("body")
        page.wait_for_load_state("domcontentloaded")
        assert page.get_attribute("body", "data-md-color-scheme") == "slate"
        assert page.locator('label[title="Switch to light mode"]').is_visible()
        assert page.locator('label[title="Switch to dark mode"]').is_hidden()
        page.locator('label[title="Switch to light mode"]').click()
        page.wait_for_function("document.body.dataset.mdColorScheme === 'default'")
        page.goto(url + "memory/", wait_until="domcontentloaded")
        assert page.get_attribute("body", "data-md-color-scheme") == "default"  # remembered


TRACE_CATEGORIES = "devtools.timeline,disabled-by-default-devtools.timeline"


def restyles(page, address: str) -> tuple[int, int]:
    """Open ``address`` and count, in Chromium's trace, the elements restyled (summed over
    every style pass until the page has loaded and settled), and the page's elements."""
    cdp = page.context.new_cdp_session(page)
    events: list[dict] = []
    done: list[bool] = []
    cdp.on("Tracing.dataCollected", lambda event: events.extend(event["value"]))
    cdp.on("Tracing.tracingComplete", lambda event: done.append(True))
    cdp.send("Tracing.start", {"categories": TRACE_CATEGORIES, "transferMode": "ReportEvents"})
    page.goto(address, wait_until="load")
    page.evaluate("new Promise((done) => requestIdleCallback(done, { timeout: 3000 }))")
    page.wait_for_timeout(500)
    cdp.send("Tracing.end")
    while not done:
        page.wait_for_timeout(50)
    elements = page.evaluate("document.querySelectorAll('*').length")
    threads = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("name") == "thread_name" and e["args"]["name"] == "CrRendererMain"
    }
    restyled = sum(
        e["args"].get("elementCount", 0)
        for e in events
        if e.get("name") == "UpdateLayoutTree"
        and e.get("ph") == "X"
        and (e["pid"], e["tid"]) in threads
    )
    return restyled, elements


@pytest.mark.parametrize("path", ["eye/", "choosing/"])
def test_opening_a_chapter_styles_it_once(phone, path: str) -> None:
    """The browser works out each element's style about once while a chapter opens, on a
    phone-sized screen: the site's script changes nothing as a page opens."""
    page, url = phone
    restyled, elements = restyles(page, url + path)
    assert elements > 1000
    assert restyled < 1.5 * elements, f"{restyled} elements restyled for a page of {elements}"


def test_a_section_chosen_in_the_phone_menu_closes_the_menu(phone) -> None:
    page, url = phone
    page.goto(url + "eye/", wait_until="load")
    page.locator("header label[for=__drawer]").tap()
    page.locator(".md-nav--primary label.md-nav__link[for=__toc]").tap()
    link = page.locator(
        ".md-nav--primary .md-nav--secondary a[href='#4-equivariant-not-invariant']"
    )
    link.wait_for(state="visible", timeout=5_000)
    link.tap()
    page.wait_for_function("!document.getElementById('__drawer').checked")
    page.wait_for_function(
        "document.getElementById('4-equivariant-not-invariant').getBoundingClientRect().top < 200"
    )


# --- When something goes wrong, the reader sees what -------------------------------------

# What a browser may hold under the stored scheme's key: garbage, other types, bad indices.
BAD_STORED_SCHEMES = [
    "{not json",
    '"slate"',
    "42",
    "null",
    "[]",
    '{"index": "1"}',
    '{"index": 7, "color": {}}',
    '{"index": -1}',
    '{"index": 0.5}',
    '{"color": "slate"}',
]
STORE_ONCE = """([key, value]) => {
  if (sessionStorage.getItem("stored")) return;  // once: not again on the next page
  sessionStorage.setItem("stored", "1");
  localStorage.setItem(key, value);
}"""


@pytest.mark.parametrize("stored", BAD_STORED_SCHEMES)
def test_a_malformed_stored_scheme_counts_as_no_choice(site, stored: str) -> None:
    """The scheme follows the system, the toggle shows and works, a good choice replaces the bad."""
    with new_tab(site, color_scheme="dark", **DESKTOP) as (page, url):
        page.add_init_script(f"({STORE_ONCE})({json.dumps(['/.__palette', stored])})")
        page.goto(url + "eye/", wait_until="load")
        assert page.evaluate("localStorage.getItem('/.__palette')") == stored  # it was there
        assert page.get_attribute("body", "data-md-color-scheme") == "slate"
        toggle = page.locator('label[title="Switch to light mode"]')
        assert toggle.is_visible()
        toggle.click()
        page.wait_for_function("document.body.dataset.mdColorScheme === 'default'")
        assert json.loads(page.evaluate("localStorage.getItem('/.__palette')"))["index"] == 0
        page.goto(url + "memory/", wait_until="domcontentloaded")
        assert page.get_attribute("body", "data-md-color-scheme") == "default"  # remembered
        assert page.errors == []


def test_the_toggle_works_when_storage_is_refused(site) -> None:
    """Storage refused (private modes, blocked cookies): the choice holds for the page."""
    refuse = "get() { throw new DOMException('denied', 'SecurityError'); }"
    with new_tab(site, color_scheme="light", **DESKTOP) as (page, url):
        page.add_init_script(f"Object.defineProperty(window, 'localStorage', {{ {refuse} }})")
        page.goto(url + "eye/", wait_until="load")
        assert page.get_attribute("body", "data-md-color-scheme") == "default"
        page.locator('label[title="Switch to dark mode"]').click()
        page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
        assert page.locator('label[title="Switch to light mode"]').is_visible()
        assert page.errors == []


def search_message(page) -> str:
    meta = ".md-search-result__meta"
    settled = f"!document.querySelector('{meta}').textContent.includes('Initializing')"
    page.wait_for_function(settled, timeout=10_000)
    return page.locator(meta).inner_text()


@pytest.mark.parametrize(
    ("failure", "reason"),
    [
        ("abort", "the index did not arrive"),
        ("404", "the index answered HTTP 404"),
        ("garbage", "the index is not valid JSON"),
    ],
)
def test_search_says_when_its_index_does_not_load(tab, failure: str, reason: str) -> None:
    page, url = tab

    def fail(route) -> None:
        if failure == "abort":
            route.abort()
        else:
            status = 404 if failure == "404" else 200
            route.fulfill(status=status, body="not the index", content_type="application/json")

    page.route("**/search/search_index.json", fail)
    page.goto(url + "eye/", wait_until="load")
    page.keyboard.press("s")
    page.keyboard.type("kernel")
    message = search_message(page)
    assert message.startswith("Search could not load (") and reason in message, message
    # Once the index can load, closing and opening search again tries again.
    page.unroute("**/search/search_index.json")
    page.keyboard.press("Escape")
    page.keyboard.press("s")
    page.locator(".md-search-result__link").first.wait_for(timeout=10_000)
    assert search_message(page).endswith("matching documents")


def test_search_says_when_its_worker_does_not_start(tab) -> None:
    page, url = tab

    def missing_worker(route) -> None:
        workers = "assets/javascripts/workers/"
        body = route.fetch().text().replace(workers + "search.", workers + "missing.")
        route.fulfill(body=body, content_type="text/html")

    page.route(url + "eye/", missing_worker)
    page.goto(url + "eye/", wait_until="load")
    page.keyboard.press("s")
    message = search_message(page)
    assert message.startswith("Search could not load (its worker did not start)"), message
