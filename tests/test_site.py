"""The site builds strictly, covers the whole package, renders math without scripts and
makes no request to another host."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import re
from html.parser import HTMLParser
from pathlib import Path

import yaml

import eyememory
from mkdocs_hooks.glossary import read_glossary
from mkdocs_hooks.lean_html import (
    add_copy_buttons,
    png_size,
    svg_size,
    unwrap_plain_tokens,
    wrap_tables,
)
from tests.docs_harness import DOCS, ROOT, fences, markdown_pages

from .conftest import BuiltSite


def public_modules() -> list[str]:
    """Every public module and subpackage, dotted below ``eyememory``: ``nn``, ``nn.conv``, ..."""
    found = pkgutil.walk_packages(eyememory.__path__, prefix="eyememory.")
    names = [m.name.removeprefix("eyememory.") for m in found]
    names = [name for name in names if not any(part.startswith("_") for part in name.split("."))]
    return sorted(names)


def api_page(module: str) -> str:
    """The API page of ``module``.

    ``nn`` -> ``api/nn/index.md``, ``nn.conv`` -> ``api/nn/conv.md``.
    """
    is_package = importlib.util.find_spec(f"eyememory.{module}").submodule_search_locations
    return "api/" + module.replace(".", "/") + ("/index.md" if is_package else ".md")


def nav_files() -> list[str]:
    def walk(items):
        for item in items:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            if isinstance(value, list):
                yield from walk(value)
            else:
                yield value

    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    return list(walk(config["nav"]))


def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


def test_build_is_strict_and_quiet(built_site: BuiltSite) -> None:
    warnings = [line for line in built_site.log.splitlines() if "WARNING" in line]
    assert warnings == []
    assert (built_site.path / "index.html").exists()


def test_every_public_module_has_an_api_page() -> None:
    """Each module has a page: one paragraph that introduces it, then its ``:::`` block."""
    nav = nav_files()
    for name in public_modules():
        if name in ("data", "models"):  # namespaces: their modules have the pages
            continue
        page = DOCS / api_page(name)
        assert page.exists(), f"eyememory.{name} has no API page docs/{api_page(name)}"
        intro, _, block = page.read_text().strip().partition("\n\n")
        assert block == f"::: eyememory.{name}", page
        assert intro and "\n\n" not in intro and not intro.startswith(("#", ":::")), page
        assert api_page(name) in nav, f"docs/{api_page(name)} is not in the nav"


def test_every_public_module_imports() -> None:
    for name in public_modules():
        importlib.import_module(f"eyememory.{name}")


class _Resources(HTMLParser):
    """Collect every URL a page would load by itself (not links a reader may follow)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("script", "img", "iframe", "audio", "video", "source", "embed") and a.get("src"):
            self.urls.append(a["src"])
        if (
            tag == "link"
            and a.get("href")
            and a.get("rel") in ("stylesheet", "preload", "modulepreload", "icon", "prefetch")
        ):
            self.urls.append(a["href"])


def test_no_page_loads_anything_from_another_host(built_site: BuiltSite) -> None:
    offenders = []
    for page in html_pages(built_site.path):
        parser = _Resources()
        parser.feed(page.read_text(encoding="utf-8"))
        offenders += [
            f"{page.relative_to(built_site.path)}: {u}"
            for u in parser.urls
            if re.match(r"(https?:)?//", u)
        ]
    for sheet in built_site.path.rglob("*.css"):
        offenders += [
            f"{sheet.name}: {u}"
            for u in re.findall(r"url\((['\"]?)(https?://[^)'\"]+)", sheet.read_text())
        ]
    assert offenders == []


def test_math_is_native_mathml(built_site: BuiltSite) -> None:
    pages_with_math = 0
    for page in html_pages(built_site.path):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]*(mathjax|katex)", text, re.I), page
        if 'class="arithmatex"' in text:
            pages_with_math += 1
            assert "<math" in text, page
            leftover = re.findall(r'class="arithmatex">\s*\\[\(\[]', text)
            assert leftover == [], f"{page}: TeX left unconverted"
    assert pages_with_math >= 3


def test_the_two_lost_equations_are_on_the_site(built_site: BuiltSite) -> None:
    eye = (built_site.path / "eye" / "index.html").read_text()
    memory = (built_site.path / "memory" / "index.html").read_text()
    assert re.search(r'<math[^>]*display="block".*?&#x02211;.*?</math>', eye, re.S), (
        "the convolution sum"
    )
    assert re.search(r'<math[^>]*display="block".*?<mi>tanh</mi>.*?</math>', memory, re.S), (
        "the recurrence"
    )


# --- Glossary --------------------------------------------------------------------------

# Words in capitals that are names, not short forms to explain.
NOT_ABBREVIATIONS = {"MIT", "README", "I", "OK", "GitHub", "LeCun"}
SHORT_FORM = re.compile(r"\b(?=[A-Za-z]*[A-Z][A-Za-z]*[A-Z])[A-Z][A-Za-z]{1,5}\b")


def prose(path: Path) -> str:
    """A page's text without code blocks, inline code, links' targets and HTML comments."""
    text = path.read_text(encoding="utf-8")
    for fence in sorted(fences(path), key=lambda f: f.start, reverse=True):
        text = text[: fence.start] + text[fence.end :]
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = re.sub(r"`[^`]*`", "", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"\$[^$]*\$", "", text)
    return text


def test_every_short_form_is_in_the_glossary() -> None:
    defined = {term for term, _, _ in read_glossary()}
    missing = {}
    for page in markdown_pages():
        for word in SHORT_FORM.findall(prose(page)):
            singular = word[:-1] if word.endswith("s") and word[:-1] in defined else word
            if singular not in defined and word not in NOT_ABBREVIATIONS:
                missing.setdefault(word, page.name)
    assert missing == {}, f"define these in includes/abbreviations.md: {missing}"


def test_glossary_page_lists_every_entry(built_site: BuiltSite) -> None:
    page = (built_site.path / "glossary" / "index.html").read_text()
    for term, _expansion, _ in read_glossary():
        assert re.search(rf"<strong>(<abbr[^>]*>)?{re.escape(term)}(</abbr>)?</strong>", page), term
    assert page.count("<tr>") >= len(read_glossary())


def test_short_forms_have_tooltips_on_every_chapter(built_site: BuiltSite) -> None:
    chapter = (built_site.path / "eye" / "index.html").read_text()
    assert re.search(r'<abbr title="Convolutional neural network[^"]*">CNN</abbr>', chapter)


# --- Page weight -----------------------------------------------------------------------------

PAGE_BUDGET_KIB = 500  # compressed, everything a page loads; the Performance page states it


def page_weight(site: Path, page: Path) -> dict[str, int]:
    """Bytes a reader downloads for ``page``, gzipped as GitHub Pages serves text, by kind."""
    import gzip

    def size(path: Path) -> int:
        data = path.read_bytes()
        return (
            len(gzip.compress(data, 9))
            if path.suffix in (".html", ".css", ".js", ".json", ".svg", ".xml")
            else len(data)
        )

    parser = _Resources()
    html = page.read_text(encoding="utf-8")
    parser.feed(html)
    weight = {"html": size(page), "search index": size(site / "search" / "search_index.json")}
    for url in set(parser.urls) - {
        u for u in parser.urls if u.startswith("data:")
    }:  # inline: in the HTML
        target = (page.parent / url.split("#")[0].split("?")[0]).resolve()
        kind = {".js": "scripts", ".css": "styles"}.get(target.suffix, "images and icons")
        weight[kind] = weight.get(kind, 0) + size(target)
    for kind in re.findall(r'data-explorer="(\w+)"', html):
        weight["explorer model"] = weight.get("explorer model", 0) + size(
            site / "assets" / "explorer" / f"{kind}-model.json"
        )
    return weight


def test_every_page_is_within_its_weight_budget(built_site: BuiltSite) -> None:
    weights = {
        p.relative_to(built_site.path).as_posix(): page_weight(built_site.path, p)
        for p in html_pages(built_site.path)
    }
    heavy = {
        page: sum(w.values()) // 1024
        for page, w in weights.items()
        if sum(w.values()) > PAGE_BUDGET_KIB * 1024
    }
    assert heavy == {}, f"over {PAGE_BUDGET_KIB} KiB: {heavy}"
    heaviest = max(weights, key=lambda p: sum(weights[p].values()))
    # the measure sees differences
    assert sum(weights["index.html"].values()) < sum(weights[heaviest].values())


def test_code_blocks_keep_colours_but_not_needless_spans() -> None:
    html = (
        '<code><span class="k">for</span><span class="w"> </span><span class="n">x</span>'
        '<span class="p">(</span><span class="mi">1</span></code>'
    )
    assert (
        unwrap_plain_tokens(html)
        == '<code><span class="k">for</span> x(<span class="mi">1</span></code>'
    )


def test_every_code_block_gets_a_named_copy_button() -> None:
    html = add_copy_buttons(
        '<pre><span></span><code>a = 1</code></pre><pre class="x"><code>b</code></pre>'
    )
    assert html.count('class="md-code__button"') == 2
    assert 'aria-label="Code block 2 tools"' in html
    assert 'data-clipboard-target="#__copy_2"' in html and '<code id="__copy_2">b</code>' in html


def test_plain_tables_get_material_scrolling_wrapper() -> None:
    html = wrap_tables(
        '<p>x</p><table>\n<tr><td>1</td></tr>\n</table><table class="dataframe"></table>'
    )
    assert html == (
        '<p>x</p><div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table>\n'
        '<tr><td>1</td></tr>\n</table></div></div><table class="dataframe"></table>'
    )


def test_image_sizes_are_read_from_the_files() -> None:
    assert svg_size(
        '<svg xmlns="http://www.w3.org/2000/svg" width="460.8pt" height="278pt" '
        'viewBox="0 0 460.8 278">'
    ) == (614, 371)
    png = (
        b"\x89PNG\r\n\x1a\n"
        + b"\x00\x00\x00\rIHDR"
        + (640).to_bytes(4, "big")
        + (480).to_bytes(4, "big")
    )
    assert png_size(png) == (640, 480)
    assert png_size(b"GIF89a" + bytes(30)) is None


ELEMENT_BUDGET = 2500  # per page, API reference aside (its source listings are long)


def test_pages_stay_light_for_the_browser(built_site: BuiltSite) -> None:
    """Every image reserves its space, and no chapter holds more elements than the browser
    can restyle quickly (Lighthouse warns from 800 and fails from 1,400 on its phone; the
    chapters are long, so the budget is theirs: see benchmarks/site.py for the scores)."""
    unsized, crowded = [], {}
    for page in html_pages(built_site.path):
        html = page.read_text(encoding="utf-8")
        name = page.relative_to(built_site.path).as_posix()
        unsized += [
            f"{name}: {tag[:80]}"
            for tag in re.findall(r"<img\b[^>]*>", html)
            if " width=" not in tag or " height=" not in tag
        ]
        elements = len(re.findall(r"<[a-z][a-z0-9]*[\s>/]", html))
        if not name.startswith("api/") and elements > ELEMENT_BUDGET:
            crowded[name] = elements
    assert unsized == []
    assert crowded == {}, f"more than {ELEMENT_BUDGET} elements: {crowded}"
