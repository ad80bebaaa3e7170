"""The explorers: their exported models come from the package's code, and the page's
JavaScript computes what PyTorch computes, whatever the reader draws or types."""

from __future__ import annotations

import json

import pytest
import torch

from eyememory.data.digits import load_digits
from eyememory.data.sentences import (
    ARTICLE_SENTENCE,
    VERDICT_CONTROLS,
    but_reviews,
    contrastive_pairs,
    matches_verdict,
)
from eyememory.data.text import tokenize
from eyememory.export import (
    EYE_RECIPE,
    FORMAT,
    MEMORY_RECIPE,
    eye_from_json,
    fingerprint,
    memory_data,
    memory_from_json,
    probe,
    untrained_eye,
    untrained_memory,
)
from eyememory.models.eye import Eye
from eyememory.models.memory import Memory
from eyememory.training import accuracy

from .browser import Reader, screenshot
from .docs_harness import DOCS

EXPLORER = DOCS / "assets" / "explorer"
TOLERANCE = 1e-4


def exported(name: str) -> dict:
    return json.loads((EXPLORER / f"{name}-model.json").read_text(encoding="utf-8"))


# --- The files come from the code ---------------------------------------------------------
# Training is not bitwise reproducible across processors, so the files record what is: the
# fingerprint of the initial weights and of the training data. A changed architecture,
# seed, recipe or data set changes them, and `python -m eyememory.export` must be run again.


def same_start(data: dict, untrained: torch.nn.Module) -> bool:
    """The file's initial weights are the code's, up to the last bits a processor changes."""
    recorded = torch.tensor(data["provenance"]["initial_weights_probe"], dtype=torch.float64)
    ours = torch.tensor(probe(*untrained.state_dict().values()), dtype=torch.float64)
    return recorded.shape == ours.shape and torch.allclose(ours, recorded, rtol=1e-5, atol=1e-4)


def test_eye_file_comes_from_the_package() -> None:
    data = exported("eye")
    assert data["format"] == FORMAT
    assert data["model"] == f"{Eye.__module__}.{Eye.__qualname__}"  # the name nn.js expects
    assert data["recipe"] == {**EYE_RECIPE, "seed": data["recipe"]["seed"]}
    untrained = untrained_eye(data["recipe"]["seed"])
    digits = load_digits()
    assert same_start(data, untrained)
    assert data["provenance"]["training_data_sha256"] == fingerprint(
        digits.train_images, digits.train_labels
    )
    eye = eye_from_json(data)  # names and shapes must match the package's Eye
    assert (
        abs(
            accuracy(eye, digits.test_images, digits.test_labels)
            - data["provenance"]["test_accuracy"]
        )
        < 1e-4
    )
    for example in data["examples"]:
        assert sum(example["pixels"]) > 0 and len(example["pixels"]) == 64


def test_memory_file_comes_from_the_package() -> None:
    data = exported("memory")
    assert data["format"] == FORMAT
    assert data["model"] == f"{Memory.__module__}.{Memory.__qualname__}"  # the name nn.js expects
    assert data["recipe"] == {**MEMORY_RECIPE, "seed": data["recipe"]["seed"]}
    vocab, ids, targets = memory_data()
    untrained = untrained_memory(len(vocab), data["recipe"]["seed"])
    assert same_start(data, untrained)
    assert data["provenance"]["training_data_sha256"] == fingerprint(ids, targets)
    memory, file_vocab = memory_from_json(data)
    assert file_vocab.tokens == vocab.tokens
    sentences, labels = but_reviews(1000, seed=MEMORY_RECIPE["review_seed"] + 100)
    test_ids, _ = vocab.encode_batch(sentences)
    assert abs(accuracy(memory, test_ids, labels) - data["provenance"]["test_accuracy"]) < 1e-4


def test_loading_a_mismatched_file_is_refused() -> None:
    data = exported("eye")
    data["parameters"]["fc.bias"]["shape"] = [11]
    with pytest.raises(ValueError, match="must match the model"):
        eye_from_json(data)
    with pytest.raises(ValueError, match="explorer file"):
        memory_from_json({"format": "something else"})


# --- The browser computes what PyTorch computes ---------------------------------------------


def js_model(page, name: str) -> None:
    page.evaluate(f"eyememory.explorers.loadModel('{name}').then(m => {{ window.__model = m; }})")
    page.wait_for_function("window.__model !== undefined")


def test_eye_javascript_equals_pytorch(light: Reader) -> None:
    light.open("eye/")
    page = light.page
    js_model(page, "eye")
    eye = eye_from_json(exported("eye"))
    digits = load_digits()
    generator = torch.Generator().manual_seed(0)
    images = torch.cat(
        [
            digits.test_images[:24],  # real digits
            torch.rand(4, 1, 8, 8, generator=generator),  # noise
            torch.zeros(1, 1, 8, 8),  # an empty pad
            torch.ones(1, 1, 8, 8),  # a full one
        ]
    )  # (30, 1, 8, 8)
    js = page.evaluate(
        "images => images.map(x => { const r = eyememory.nn.eyeForward(window.__model, x);"
        " return {p: r.probabilities, conv1: Array.from(r.conv1.data)}; })",
        images.reshape(len(images), 64).tolist(),
    )
    with torch.no_grad():
        maps = eye.features(images)
        expected = maps["logits"].softmax(dim=1)
    torch.testing.assert_close(
        torch.tensor([r["p"] for r in js], dtype=torch.float32), expected, atol=TOLERANCE, rtol=0
    )
    torch.testing.assert_close(
        torch.tensor([r["conv1"] for r in js], dtype=torch.float32),
        maps["conv1"].reshape(len(images), -1),
        atol=TOLERANCE,
        rtol=0,
    )


SENTENCES = [
    *VERDICT_CONTROLS,  # the chapter's control prefixes
    ARTICLE_SENTENCE,
    "the food was bad but the service was good",
    "the service was good all things considered",  # an aside of words it never saw
    "the service was good but the food was bad",
    "The FOOD was Great, but the service was AWFUL!!!",  # case and punctuation
    "the pizza was bad but the waiter was good",  # words it never saw
    "!!! ,,, ???",  # only punctuation
    "good",
    "café food was très bad but the service was good",  # letters outside a-z
    " ".join(["the food was bad but the service was good"] * 30),  # 300 words
]


def test_memory_javascript_equals_pytorch(light: Reader) -> None:
    light.open("memory/")
    page = light.page
    js_model(page, "memory")
    memory, vocab = memory_from_json(exported("memory"))
    for sentence in SENTENCES:
        js = page.evaluate("text => eyememory.nn.memoryForward(window.__model, text)", sentence)
        assert js["words"] == tokenize(sentence), sentence
        assert js["ids"] == vocab.encode(sentence), sentence
        with torch.no_grad():
            trace = memory.trace(torch.tensor(vocab.encode(sentence)))
        torch.testing.assert_close(
            torch.tensor(js["probabilities"], dtype=torch.float32),
            trace.probabilities[0],
            atol=TOLERANCE,
            rtol=0,
        )
        torch.testing.assert_close(
            torch.tensor(js["states"], dtype=torch.float32), trace.states[0], atol=TOLERANCE, rtol=0
        )
    pairs, labels = contrastive_pairs(50, seed=3)
    js = page.evaluate(
        "texts => texts.map(t => {"
        " const p = eyememory.nn.memoryForward(window.__model, t).probabilities;"
        " return p[p.length - 1]; })",
        pairs,
    )
    assert [int(p[1] > p[0]) for p in js] == labels.tolist()


def test_the_explorer_and_the_chapter_agree_on_the_controls(light: Reader) -> None:
    """The browser reads each control prefix as PyTorch does, with the chapter's verdict."""
    light.open("memory/")
    page = light.page
    js_model(page, "memory")
    memory, vocab = memory_from_json(exported("memory"))
    for text, verdict in VERDICT_CONTROLS.items():
        js = page.evaluate(
            "text => eyememory.nn.memoryForward(window.__model, text).probabilities", text
        )
        with torch.no_grad():
            expected = memory.trace(torch.tensor(vocab.encode(text))).probabilities[0, -1, 1]
        assert abs(js[-1][1] - float(expected)) <= TOLERANCE, text
        assert matches_verdict(js[-1][1], verdict), f"{text}: {js[-1][1]:.3f}, not {verdict}"


def mind_changes(readings: list[float], words: list[str]) -> list[str]:
    """When the reading first leaves the unsure band (0.2 to 0.8), then each time it lands
    on the band's other side: the explorer's rule, written again in Python."""
    changes, held = [], None
    for word, p in zip(words, readings, strict=True):
        side = "positive" if p > 0.8 else "negative" if p < 0.2 else None
        if side is not None and side != held:
            changes.append(f"after “{word}”")
            held = side
    return changes


@pytest.mark.parametrize(
    ("text", "story"),
    [
        (
            "the food was bad but the service was good",
            "It made up its mind after “bad” and changed it once: after “good”.",
        ),
        (
            "the room was horrible to be honest",
            "It made up its mind after “horrible” and never changed it.",
        ),
        ("the service was", "It never made up its mind."),
    ],
    ids=["but", "aside", "no opinion"],
)
def test_the_verdict_sentence_follows_the_readings(light: Reader, text: str, story: str) -> None:
    visit = light.open("memory/", reload=False)
    explorer = light.page.locator('[data-explorer="memory"]')
    explorer.locator("input").fill(text)
    summary = explorer.locator(".em-verdict").inner_text()
    memory, vocab = memory_from_json(exported("memory"))
    with torch.no_grad():
        readings = memory.trace(torch.tensor(vocab.encode(text))).probabilities[0, :, 1].tolist()
    formed, *flips = mind_changes(readings, tokenize(text)) or [None]
    times = "once" if len(flips) == 1 else f"{len(flips)} times"
    expected = (
        "It never made up its mind."
        if formed is None
        else f"It made up its mind {formed}"
        + (f" and changed it {times}: {', '.join(flips)}." if flips else " and never changed it.")
    )
    assert expected == story  # what PyTorch's readings say ...
    assert story in summary  # ... is what the explorer says
    last = readings[-1]
    final = "positive" if last > 0.8 else "negative" if last < 0.2 else None
    opening = f"The Memory reads this review as {final}" if final else "The Memory is unsure"
    assert summary.startswith(opening)
    assert visit.console_errors == []


def test_empty_sentence_gives_no_reading(light: Reader) -> None:
    light.open("memory/")
    js = light.page.evaluate(
        "() => eyememory.explorers.loadModel('memory')"
        ".then(m => eyememory.nn.memoryForward(m, '   '))"
    )
    assert js["words"] == [] and js["probabilities"] == []


# --- A reader at work ---------------------------------------------------------------------------


def test_drawing_clearing_and_keyboard(light: Reader) -> None:
    visit = light.open("eye/")
    page = light.page
    explorer = page.locator('[data-explorer="eye"]')
    verdict = explorer.locator(".em-verdict")
    assert verdict.inner_text().startswith("The Eye reads a 0")  # the first test digit
    explorer.get_by_role("button", name="Clear").click()
    assert verdict.inner_text().startswith("Draw a digit")
    bars = explorer.locator(".em-bar__value").all_inner_texts()
    assert len(bars) == 10

    # Draw a vertical stroke with the mouse: something like a one.
    pad = explorer.locator("canvas")
    box = pad.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.15)
    page.mouse.down()
    for k in range(20):
        page.mouse.move(
            box["x"] + box["width"] * 0.5, box["y"] + box["height"] * (0.15 + 0.035 * k)
        )
    page.mouse.up()
    assert verdict.inner_text().startswith("The Eye reads a ")
    screenshot(page, "explorer-eye-drawn", '[data-explorer="eye"]')

    # The keyboard paints whole cells.
    explorer.get_by_role("button", name="Clear").click()
    pad.focus()
    for key in ["ArrowRight", " ", "ArrowDown", " ", "ArrowDown", " "]:
        page.keyboard.press(key)
    inked = explorer.locator(".em-grid").first.evaluate(
        "grid => [...grid.children]"
        ".filter(c => c.style.getPropertyValue('--em-strength') === '1.000').length"
    )
    assert inked == 3

    # Choosing a learned kernel and sliding it.
    explorer.locator("select").nth(1).select_option("learned:3")
    explorer.locator('input[type="range"]').fill("10")
    assert "At row 2, column 3" in explorer.locator(".em-note").inner_text()
    slide = explorer.get_by_role("button", name="Slide")
    slide.click()
    assert explorer.get_by_role("button", name="Pause").get_attribute("aria-pressed") == "true"
    explorer.get_by_role("button", name="Pause").click()
    assert visit.console_errors == []


def test_picking_test_digits(light: Reader) -> None:
    visit = light.open("eye/")
    explorer = light.page.locator('[data-explorer="eye"]')
    data = exported("eye")
    eye = eye_from_json(data)
    picker = explorer.locator("select").first
    for index in (2, 7, 15):
        picker.select_option(str(index))
        example = data["examples"][index]
        image = torch.tensor(example["pixels"], dtype=torch.float32).reshape(1, 1, 8, 8) / 16
        with torch.no_grad():
            expected = eye(image).softmax(dim=1)[0]
        best = int(expected.argmax())
        assert explorer.locator(".em-verdict").inner_text().startswith(f"The Eye reads a {best} ")
        shown = explorer.locator(".em-bar__value").nth(best).inner_text()
        assert (
            abs(float(shown.rstrip("%")) - 100 * float(expected[best])) <= 0.06
        )  # one decimal shown
    assert visit.console_errors == []


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("", "Type a sentence"),
        ("   ", "Type a sentence"),
        ("the pizza was bad but the waiter was good", "<unk>"),
        ("!!! ,,, ???", "The Memory reads"),
        (" ".join(["the food was bad but the service was good"] * 10), "The Memory reads"),
        (
            " ".join(["the food was bad but the service was good"] * 40),
            "Only the first 200 of your 360 words",
        ),
    ],
    ids=["empty", "spaces", "unknown words", "punctuation", "90 words", "360 words"],
)
def test_typing_anything(light: Reader, text: str, expect: str) -> None:
    visit = light.open("memory/", reload=False)
    explorer = light.page.locator('[data-explorer="memory"]')
    explorer.locator("input").fill(text)
    summary = explorer.locator(".em-verdict").inner_text()
    words = explorer.locator(".em-word").all_inner_texts()
    if expect == "<unk>":
        assert any(w.startswith("<unk>") for w in words)
        assert "never saw in training" in summary
    else:
        assert expect in summary
    assert len(words) == min(200, len(tokenize(text)))
    assert visit.console_errors == []


def test_the_flip_at_but_is_shown(light: Reader) -> None:
    visit = light.open("memory/")
    explorer = light.page.locator('[data-explorer="memory"]')
    explorer.get_by_role("button", name="the service was good but the food was bad").click()
    assert "negative" in explorer.locator(".em-verdict").inner_text()
    explorer.locator("input").fill(ARTICLE_SENTENCE)
    summary = explorer.locator(".em-verdict").inner_text()
    assert "positive" in summary and "changed it once" in summary
    screenshot(light.page, "explorer-memory", '[data-explorer="memory"]')
    assert visit.console_errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_explorers_on_a_phone(site, scheme: str) -> None:
    browser, url, _ = site
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, color_scheme=scheme
    )
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        for path, kind in (("eye/", "eye"), ("memory/", "memory")):
            page.goto(url + path)
            page.locator(f'[data-explorer="{kind}"]').scroll_into_view_if_needed()
            explorer = page.locator(f'[data-explorer="{kind}"][data-ready="true"]')
            explorer.wait_for(timeout=15_000)
            width = explorer.evaluate("e => [e.scrollWidth, e.clientWidth]")
            assert width[0] <= width[1] + 1, f"{kind} explorer overflows a phone screen: {width}"
            screenshot(page, f"explorer-{kind}-phone-{scheme}", f'[data-explorer="{kind}"]')
        assert errors == []
    finally:
        context.close()


def test_explorer_loads_only_when_the_reader_comes_near(site) -> None:
    """A reader who stays at the top of the chapter downloads no model."""
    browser, url, _ = site
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        requested = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(url + "eye/", wait_until="load")
        page.wait_for_timeout(500)
        assert not any(u.endswith("eye-model.json") for u in requested)
        assert page.locator('[data-explorer="eye"]').get_attribute("data-ready") is None
        page.locator('[data-explorer="eye"]').scroll_into_view_if_needed()
        page.locator('[data-explorer="eye"][data-ready="true"]').wait_for(timeout=15_000)
        assert any(u.endswith("eye-model.json") for u in requested)
    finally:
        context.close()


def drop_one_number(model: dict) -> None:
    model["parameters"]["conv1.weight"]["data"].pop()


def narrow_the_head(model: dict) -> None:
    fc = model["parameters"]["fc.weight"]
    fc["shape"] = [10, 47]
    fc["data"] = fc["data"][: 10 * 47]


def lose_a_word(model: dict) -> None:
    model["vocabulary"].pop()


def poison_a_weight(model: dict) -> None:
    model["parameters"]["head.bias"]["data"][0] = "NaN"


@pytest.mark.parametrize(
    ("kind", "damage", "message"),
    [
        (
            "eye",
            drop_one_number,
            "conv1.weight must hold 216 numbers (shape [24, 1, 3, 3]), got 215",
        ),
        ("eye", narrow_the_head, "fc.weight must have shape [10, 48], got [10, 47]"),
        ("memory", lose_a_word, "embedding.weight must have shape [71, 16], got [72, 16]"),
        ("memory", poison_a_weight, 'head.bias must hold finite numbers only, got "NaN"'),
    ],
)
def test_an_explorer_refuses_weights_that_do_not_fit(site, kind: str, damage, message: str) -> None:
    """A model file that does not fit the network is refused in words, not read into "NaN% sure"."""
    browser, url, _ = site
    model = exported(kind)
    damage(model)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.route(f"**/assets/explorer/{kind}-model.json", lambda route: route.fulfill(json=model))
        page.goto(url + f"{kind}/", wait_until="load")
        explorer = page.locator(f'[data-explorer="{kind}"]')
        explorer.scroll_into_view_if_needed()
        page.locator(f'[data-explorer="{kind}"][data-ready="error"]').wait_for(timeout=15_000)
        assert explorer.inner_text() == f"The explorer could not load its model ({message})."
        assert explorer.is_visible() and "NaN%" not in page.locator("article").inner_text()
    finally:
        context.close()
