"""One tokenizer in two languages: ``eyememory.data.text.tokenize`` and the Memory explorer's
JavaScript give the same tokens for every text of ``tests/data/tokens.json``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eyememory.data.text import tokenize

from .browser import chromium, require_chromium

ROOT = Path(__file__).resolve().parent.parent
CASES = json.loads((ROOT / "tests" / "data" / "tokens.json").read_text(encoding="utf-8"))["cases"]
NN_JS = ROOT / "docs" / "assets" / "explorer" / "nn.js"


@pytest.mark.parametrize("case", CASES, ids=[case["why"] for case in CASES])
def test_python_gives_the_tokens_of_the_table(case: dict) -> None:
    assert tokenize(case["text"]) == case["tokens"]


@pytest.mark.parametrize("bad", [42, None, b"bytes", ["a", "list"]])
def test_python_refuses_what_is_not_text(bad: object) -> None:
    with pytest.raises(ValueError, match=rf"^text must be a str, got {type(bad).__name__}$"):
        tokenize(bad)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def nn_page():
    """A blank page with the explorer's nn.js loaded: no site build needed."""
    require_chromium()
    with chromium() as browser:
        page = browser.new_page()
        page.set_content("<!doctype html><meta charset='utf-8'><title>tokens</title>")
        page.add_script_tag(path=str(NN_JS))
        yield page


@pytest.mark.browser
def test_javascript_gives_the_tokens_of_the_table(nn_page) -> None:
    got = nn_page.evaluate(
        "texts => texts.map((t) => eyememory.nn.tokenize(t))", [c["text"] for c in CASES]
    )
    wrong = [
        (c["why"], c["text"], tokens, c["tokens"])
        for c, tokens in zip(CASES, got, strict=True)
        if tokens != c["tokens"]
    ]
    assert wrong == []


@pytest.mark.browser
def test_javascript_refuses_what_is_not_text(nn_page) -> None:
    messages = nn_page.evaluate(
        """values => values.map((v) => {
            try { eyememory.nn.tokenize(v); return null; } catch (e) { return e.message; }
        })""",
        [42, None, ["a"]],
    )
    assert messages == [
        "text must be a string, got number",
        "text must be a string, got null",
        "text must be a string, got object",
    ]
