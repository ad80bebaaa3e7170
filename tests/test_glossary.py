"""The Glossary: concepts and short forms defined once, listed on one page, explained where
they are read; and the Further reading page's citations."""

from __future__ import annotations

import doctest
import html
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from mkdocs_hooks import glossary
from mkdocs_hooks.glossary import (
    Concept,
    concept_for,
    mark_concepts,
    read_concepts,
    read_glossary,
)

from .browser import Reader, screenshot
from .conftest import BuiltSite

# The concepts a learner meets on this site (project issue 15): each must be defined.
LEARNERS_CONCEPTS = [
    "kernel", "feature map", "stride", "padding", "dilation", "receptive field", "pooling",
    "channel", "im2col", "equivariance", "invariance", "hidden state", "recurrence", "unrolling",
    "embedding", "one-hot", "gate", "cell state", "vanishing gradient", "exploding gradient",
    "gradient clipping", "backpropagation through time", "truncated BPTT", "teacher forcing",
    "temperature", "logits", "softmax", "cross-entropy", "epoch", "batch", "overfitting", "seed",
    "parameter",
]  # fmt: skip

CONCEPT_MARK = re.compile(
    r'<a class="concept" href="(?P<href>[^"]*)#(?P<anchor>concept-[\w-]+)">'
    r'<abbr title="(?P<title>[^"]*)">(?P<text>[^<]*)</abbr></a>'
)


def concept_marks(page_html: str) -> list[re.Match]:
    return list(CONCEPT_MARK.finditer(page_html))


def text_of(page_html: str) -> str:
    """A page's visible text, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", page_html)).split())


# --- The definitions ----------------------------------------------------------------------


def test_every_concept_has_a_definition_and_a_unique_anchor() -> None:
    concepts = read_concepts()
    anchors = [c.anchor for c in concepts]
    assert len(set(anchors)) == len(anchors)
    for concept in concepts:
        assert re.fullmatch(r"concept-[a-z0-9]+(-[a-z0-9]+)*", concept.anchor), concept.anchor
        sentences = re.findall(r"[.!?](?:\s|$)", concept.definition)
        assert concept.definition.endswith(".") and 1 <= len(sentences) <= 2, concept.name
        assert 60 <= len(concept.definition) <= 320, concept.name  # a tooltip, not an essay
        assert not re.search(r"[*_`\[\]<>]", concept.definition), f"{concept.name}: plain text only"


@pytest.mark.parametrize("words", LEARNERS_CONCEPTS)
def test_every_learners_concept_is_defined(words: str) -> None:
    assert concept_for(words) is not None, f"define {words!r} in includes/concepts.md"


@pytest.mark.parametrize(
    ("words", "name"),
    [
        ("kernels", "Kernel"),
        ("Kernels", "Kernel"),
        ("KERNEL", "Kernel"),
        ("feature maps", "Feature map"),
        ("feature\n maps", "Feature map"),
        ("batches", "Batch"),
        ("logit", "Logits"),
        ("logits", "Logits"),
        ("hidden states", "Hidden state"),
        ("unrolled", "Recurrence"),
        ("dilated", "Dilation"),
        ("max-pooling", "Pooling"),
        ("cross entropy", "Cross-entropy"),
    ],
)
def test_lookups_take_any_case_and_number(words: str, name: str) -> None:
    assert concept_for(words).name == name


def test_words_in_another_sense_name_no_concept() -> None:
    assert concept_for("compiled kernels") is None
    assert concept_for("window") is None


def test_a_form_given_to_two_concepts_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "concepts.md"
    path.write_text("Kernel\n:   One.\n\nFilter (also: kernels)\n:   Two.\n")
    with pytest.raises(ValueError, match=r"'kernels' names both 'Kernel' and 'Filter'"):
        read_concepts(path)


def test_an_entry_without_a_definition_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "concepts.md"
    path.write_text("Kernel\n:   One.\n\nStride\n")
    with pytest.raises(ValueError, match="cannot read concept entry 'Stride'"):
        read_concepts(path)


def test_the_hooks_examples_run() -> None:
    result = doctest.testmod(glossary, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 2 and result.failed == 0


# --- Marking: first plain mention only ----------------------------------------------------


def marked(page_html: str) -> list[str]:
    return [m["text"] for m in concept_marks(mark_concepts(page_html, "../glossary/"))]


def test_only_the_first_mention_on_a_page_is_marked() -> None:
    out = mark_concepts(
        "<p>A kernel, kernels, Kernel.</p><ul><li>one kernel</li></ul>", "../glossary/"
    )
    assert [m["text"] for m in concept_marks(out)] == ["kernel"]
    assert out.count(html.escape(concept_for("kernel").definition, quote=True)) == 1


def test_plurals_and_case_are_kept_as_written() -> None:
    assert marked("<p>Kernels slide; feature\nmaps appear.</p>") == ["Kernels", "feature\nmaps"]


@pytest.mark.parametrize(
    "page_html",
    [
        "<h2>Kernels</h2>",
        '<h3 id="k">The kernel <a class="headerlink" href="#k">¶</a></h3>',
        "<pre><code>kernel = torch.ones(3, 3)</code></pre>",
        "<p>The <code>kernel</code> argument.</p>",
        '<p>The <a href="eye/">kernel</a> link.</p>',
        "<p>A <strong>kernel</strong>, an <em>embedding</em>.</p>",
        '<p>A <abbr title="x">kernel</abbr>.</p>',
        '<div class="admonition note"><p class="admonition-title">Kernels</p></div>',
        '<p><span class="arithmatex"><math><mi>kernel</mi></math></span></p>',
        "<table><tr><td>kernel</td></tr></table>",
        "<p><script>const kernel = a < b;</script></p>",
        "<p>oneDNN's compiled kernels.</p>",
        "<p>A kernel-sized gap; a pre-kernel.</p>",
        "<div>kernel</div>",
    ],
)
def test_no_mark_outside_plain_prose(page_html: str) -> None:
    out = mark_concepts(page_html, "../glossary/")
    assert out == page_html


def test_a_mention_after_code_or_a_heading_is_the_first() -> None:
    before = "<h2>Strides</h2><pre><code>stride = 2</code></pre><p>Then the <em>stride</em>, "
    out = mark_concepts(before + "the stride.</p>", "../glossary/")
    assert [m["text"] for m in concept_marks(out)] == ["stride"]
    assert out.startswith(before)
    link = r'<a class="concept" href="\.\./glossary/#concept-stride">'
    mark = link + r'<abbr title="[^"]+">stride</abbr></a>'
    assert re.search(rf"the {mark}\.</p>$", out)


def test_without_a_glossary_page_a_mark_is_a_tooltip_alone() -> None:
    out = mark_concepts("<p>One epoch.</p>", None)
    assert out.startswith('<p>One <abbr title="One full pass') and "<a " not in out


# --- The built site -----------------------------------------------------------------------


class _Ancestors(HTMLParser):
    """The open elements around every concept mark."""

    VOID = {
        "br",
        "img",
        "hr",
        "input",
        "link",
        "meta",
        "source",
        "wbr",
        "col",
        "area",
        "embed",
        "track",
    }

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.found: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a" and ("class", "concept") in attrs:
            self.found.append(list(self.stack))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            del self.stack[len(self.stack) - 1 - self.stack[::-1].index(tag) :]


def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


def test_glossary_page_lists_every_concept_and_short_form(built_site: BuiltSite) -> None:
    page = (built_site.path / "glossary" / "index.html").read_text(encoding="utf-8")
    concepts_part, _, short_forms_part = page.partition('id="short-forms"')
    assert 'id="concepts"' in concepts_part and short_forms_part
    listed = re.findall(
        r'<dt id="(concept-[\w-]+)">(.*?)</dt>\s*<dd>\s*(.*?)\s*</dd>', concepts_part, re.S
    )
    by_anchor = {c.anchor: c for c in read_concepts()}
    assert [anchor for anchor, _, _ in listed] == sorted(
        by_anchor, key=lambda a: by_anchor[a].name.lower()
    )
    for anchor, name, definition in listed:
        assert text_of(name) == by_anchor[anchor].name
        assert text_of(definition) == by_anchor[anchor].definition
    for term, expansion, _ in read_glossary():
        assert f'<span id="{glossary.slug(term)}"></span>' in short_forms_part, term
        assert html.escape(expansion, quote=False) in short_forms_part, term
    assert concept_marks(page) == []  # the page that defines them does not point to itself


def test_every_concept_mark_is_once_per_page_in_prose_and_leads_to_its_entry(
    built_site: BuiltSite,
) -> None:
    definitions = {c.anchor: c.definition for c in read_concepts()}
    glossary_page = built_site.path / "glossary" / "index.html"
    anchors = set(re.findall(r'id="(concept-[\w-]+)"', glossary_page.read_text(encoding="utf-8")))
    marked_pages = 0
    for path in html_pages(built_site.path):
        page = path.read_text(encoding="utf-8")
        marks = concept_marks(page)
        marked_pages += bool(marks)
        seen = [m["anchor"] for m in marks]
        assert len(seen) == len(set(seen)), f"{path}: a concept marked twice"
        assert page.count('class="concept"') == len(marks), f"{path}: a mark of another shape"
        for mark in marks:
            assert mark["anchor"] in anchors, mark[0]
            assert html.unescape(mark["title"]) == definitions[mark["anchor"]]
            assert (path.parent / mark["href"] / "index.html").resolve() == glossary_page.resolve()
        parser = _Ancestors()
        parser.feed(page)
        for stack in parser.found:
            assert stack[-1] in ("p", "li", "dd"), f"{path}: a mark inside <{stack[-1]}>"
            assert not {"pre", "code", "h1", "h2", "h3", "h4", "h5", "h6", "a", "table"} & set(
                stack
            ), path
    assert marked_pages >= 10


def test_a_chapter_explains_kernel_in_prose_not_in_its_code_or_headings(
    built_site: BuiltSite,
) -> None:
    page = (built_site.path / "eye" / "index.html").read_text(encoding="utf-8")
    kernel = [m for m in concept_marks(page) if m["anchor"] == "concept-kernel"]
    assert len(kernel) == 1
    before = page[: kernel[0].start()]
    # Earlier mentions exist, in places that are not prose: the code and the page's top.
    assert re.search(r"<code[^>]*>(?:(?!</code>).)*\bkernel", page, re.S | re.I)
    assert re.search(r"<h2[^>]*>[^<]*[Kk]ernels", page)  # "2. Hand-made kernels on a real digit"
    assert re.search(r"<p>[^<]*(?:<(?!/p)[^>]*>[^<]*)*$", before), "the mark sits in a paragraph"
    for heading in re.findall(r"<h[1-6][^>]*>.*?</h[1-6]>", page, re.S):
        assert "<abbr" not in heading or 'class="concept"' not in heading
    for block in re.findall(r"<pre.*?</pre>", page, re.S):
        assert 'class="concept"' not in block
    assert 'href="../glossary/#concept-channel"' in page  # "Channels" is a heading there, and prose


def test_concept_tooltips_add_little_to_a_page(built_site: BuiltSite) -> None:
    """The definitions are in a page once each: a chapter grows by a few KiB at most."""
    for chapter in ("eye", "memory"):
        page = (built_site.path / chapter / "index.html").read_text(encoding="utf-8")
        added = sum(len(m[0]) - len(m["text"]) for m in concept_marks(page))
        assert 0 < added < 6 * 1024, chapter


# --- Further reading ----------------------------------------------------------------------

# (authors, year, title, venue, volume(issue) or event, DOI or stable address)
CITATIONS = [
    ("Elman, J. L.", "1990", "Finding structure in time", "Cognitive Science", "14(2)",
     "https://doi.org/10.1207/s15516709cog1402_1"),
    ("Hochreiter, S., & Schmidhuber, J.", "1997", "Long short-term memory", "Neural Computation",
     "9(8)", "https://doi.org/10.1162/neco.1997.9.8.1735"),
    ("Bengio, Y., Simard, P., & Frasconi, P.", "1994",
     "Learning long-term dependencies with gradient descent is difficult",
     "IEEE Transactions on Neural Networks", "5(2)", "https://doi.org/10.1109/72.279181"),
    ("Pascanu, R., Mikolov, T., & Bengio, Y.", "2013",
     "On the difficulty of training recurrent neural networks",
     "International Conference on Machine Learning", "ICML 2013",
     "https://proceedings.mlr.press/v28/pascanu13.html"),
    ("LeCun, Y., Bottou, L., Bengio, Y., & Haffner, P.", "1998",
     "Gradient-based learning applied to document recognition", "Proceedings of the IEEE",
     "86(11)", "https://doi.org/10.1109/5.726791"),
    ("Cho, K., van Merriënboer, B.", "2014",
     "Learning phrase representations using RNN encoder–decoder for statistical machine "
     "translation",
     "Empirical Methods in Natural Language Processing", "EMNLP",
     "https://doi.org/10.3115/v1/D14-1179"),
    ("Zhang, A., Lipton, Z. C., Li, M., & Smola, A. J.", "2023", "Dive into Deep Learning",
     "Cambridge University Press", "", "https://d2l.ai"),
    ("Stanford University", "", "CS231n: Convolutional Neural Networks for Visual Recognition",
     "course notes", "", "https://cs231n.github.io/"),
]  # fmt: skip


@pytest.mark.parametrize("citation", CITATIONS, ids=[c[2][:30] for c in CITATIONS])
def test_further_reading_cites_every_work_in_full(
    built_site: BuiltSite, citation: tuple[str, ...]
) -> None:
    page = (built_site.path / "further-reading" / "index.html").read_text(encoding="utf-8")
    text = text_of(page)
    authors, year, title, venue, volume, address = citation
    entry = text[text.index(authors) :]  # the citation starts with its authors
    assert f"({year})" in entry[:200] or not year, title
    assert title in entry[:400] and venue in entry[:500] and volume in entry[:600], title
    assert f'href="{address}"' in page, address
    annotation = entry[entry.index(address) :][:900]
    assert re.search(r"\w[^.]{20,}\.", annotation), f"{title}: what it adds"


def test_further_reading_points_each_work_to_a_chapter(built_site: BuiltSite) -> None:
    page = (built_site.path / "further-reading" / "index.html").read_text(encoding="utf-8")
    sections = re.split(r"<h3 ", page)[1:]
    assert len(sections) == len(CITATIONS)
    for section in sections:
        assert re.search(
            r'href="\.\./(eye|memory|memory-limits|choosing|performance)/(#[\w-]+)?"', section
        ), section[:80]


def test_further_reading_is_in_the_nav_before_the_glossary(built_site: BuiltSite) -> None:
    home = (built_site.path / "index.html").read_text(encoding="utf-8")
    assert 0 < home.find('href="further-reading/"') < home.find('href="glossary/"')


# --- In the browser -----------------------------------------------------------------------


def hover_first_concept(light: Reader, width: int) -> tuple[object, str]:
    """Open the Eye chapter at ``width`` pixels, hover its first concept: (tooltip, its name)."""
    page = light.page
    page.set_viewport_size({"width": width, "height": 900})
    light.open("eye/")
    mark = page.locator("article a.concept abbr").first
    mark.scroll_into_view_if_needed()
    mark.hover()
    tooltip = page.get_by_role("tooltip")
    tooltip.wait_for(timeout=5_000)
    return tooltip, mark.inner_text()


@pytest.fixture
def reader_at_width(light: Reader) -> Iterator[Reader]:
    yield light
    light.page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_a_concept_shows_its_meaning_on_hover_and_leads_to_the_glossary(
    reader_at_width: Reader, width: int
) -> None:
    tooltip, name = hover_first_concept(reader_at_width, width)
    page = reader_at_width.page
    assert tooltip.inner_text() == concept_for(name).definition
    screenshot(page, f"concept-tooltip-{width}")
    page.mouse.move(0, 0)
    tooltip.wait_for(state="hidden", timeout=5_000)
    page.locator("article a.concept").first.click()
    page.wait_for_url(f"**/glossary/#{concept_for(name).anchor}")
    assert page.locator(f"#{concept_for(name).anchor}").is_visible()
    screenshot(page, f"glossary-{width}")
    assert reader_at_width.visit.console_errors == []


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_a_concept_tooltip_fits_the_window(reader_at_width: Reader, width: int) -> None:
    tooltip, _ = hover_first_concept(reader_at_width, width)
    box = tooltip.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width


def test_concept_objects_compare_by_value() -> None:
    assert Concept("Kernel", "A grid.") == Concept("Kernel", "A grid.")
    assert Concept("Feature map", "x").anchor == "concept-feature-map"
