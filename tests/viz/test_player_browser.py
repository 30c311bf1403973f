"""The step-through page in a real headless browser (Debian's chromium, driven by playwright).

Skipped with the reason when chromium or playwright is missing, except when
``CHAINRULE_REQUIRE_BROWSER=1`` (set by CI): then a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from autograd import Value
from viz import steps

pytestmark = pytest.mark.browser

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _unavailable(reason: str) -> None:
    if os.environ.get("CHAINRULE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"CHAINRULE_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


def _chromium() -> str:
    for candidate in (shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    _unavailable("Debian's chromium is not installed (`apt-get install chromium`, or `make browser` as root)")
    raise AssertionError("unreachable")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright-python is not installed (pip install playwright; no browser download needed)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page_of(browser: Any, tmp_path: Path) -> Iterator[Any]:
    opened: list[Any] = []

    def open_trace(root: Value) -> tuple[Any, list[str], list[str]]:
        path = steps(root).write_player(str(tmp_path / "steps.html"))
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        opened.append(page)
        errors: list[str] = []
        requests: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(Path(path).resolve().as_uri())
        return page, errors, requests

    yield open_trace
    for page in opened:
        page.close()


def state(page: Any) -> dict[str, Any]:
    """What the reader sees: the step, the visible frame, the highlighted list item, the text."""
    return page.evaluate("""() => {
        const visible = [...document.querySelectorAll('.frame')].filter(f => !f.hidden);
        const current = document.querySelector('#steps li.current');
        const hot = visible.length ? [...visible[0].querySelectorAll('g.node')]
            .filter(g => g.querySelector('[fill="#fb923c"]'))
            .map(g => [...g.querySelectorAll('text')].map(t => t.textContent).join(' ')) : [];
        return {
            step: document.body.getAttribute('data-step'),
            visible: visible.map(f => f.id),
            item: current ? current.getAttribute('data-step') : null,
            itemText: current ? current.textContent : null,
            slider: document.getElementById('slider').value,
            text: document.getElementById('explanation').textContent,
            prevDisabled: document.getElementById('prev').disabled,
            nextDisabled: document.getElementById('next').disabled,
            hot: hot,
        };
    }""")


def test_buttons_keys_and_slider_step_through_backprop(page_of: Any, neuron: Value) -> None:
    page, errors, requests = page_of(neuron)
    s = state(page)
    assert s["step"] == "0" and s["visible"] == ["frame-0"] and s["item"] == "0"
    assert s["prevDisabled"] and not s["nextDisabled"]
    assert "The backward pass starts at the root" in s["text"]
    assert s["hot"] == []

    page.click("#next")
    s1 = state(page)
    assert s1["step"] == "1" and s1["visible"] == ["frame-1"] and s1["item"] == "1" and s1["slider"] == "1"
    assert "o = tanh(n)" in s1["itemText"]
    assert s1["text"].startswith("step 1  o = tanh(n)")
    assert len(s1["hot"]) == 1 and s1["hot"][0].startswith("o ")  # the node being propagated

    page.click("#next")
    s2 = state(page)
    assert s2["step"] == "2" and s2["hot"] != s1["hot"] and s2["hot"][0].startswith("n ")
    assert "do/db = do/dn * dn/db = 0.5 * 1 = 0.5" in s2["text"]

    page.click("#prev")
    assert state(page)["step"] == "1"

    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    s3 = state(page)
    assert s3["step"] == "3" and s3["visible"] == ["frame-3"]
    page.keyboard.press("ArrowLeft")
    assert state(page)["step"] == "2"
    page.keyboard.press("End")
    last = state(page)
    assert last["step"] == "5" and last["nextDisabled"] and "x2w2 = x2 * w2" in last["itemText"]
    page.keyboard.press("ArrowRight")  # already at the end: stays
    assert state(page)["step"] == "5"
    page.keyboard.press("Home")
    assert state(page)["step"] == "0"

    page.fill("#slider", "4")  # dragging the slider
    s4 = state(page)
    assert s4["step"] == "4" and s4["visible"] == ["frame-4"] and s4["item"] == "4"
    assert "do/dx1 = do/dx1w1 * dx1w1/dx1 = 0.5 * (w1 = -3.0) = -1.5" in s4["text"]
    page.focus("#slider")
    page.keyboard.press("ArrowLeft")  # the slider's own keys move one step, not two
    assert state(page)["step"] == "3"

    page.click("#steps li[data-step='2']")
    assert state(page)["step"] == "2"

    assert errors == []
    assert all(url.startswith("file://") for url in requests), requests


def test_a_page_with_shared_nodes_and_hostile_names_has_no_errors(page_of: Any) -> None:
    a = Value(3.0, name="</script><b>a&b</b>")
    y = a * a + a
    y.name = "y"
    page, errors, _ = page_of(y)
    page.keyboard.press("End")
    s = state(page)
    assert s["step"] == "2"
    assert "running sum: 4.0 + 3.0 = 7.0" in s["text"]
    assert "</script><b>a&b</b>" in s["text"]
    assert page.evaluate("document.querySelectorAll('b').length") == 0  # the name stayed text
    assert errors == []


def test_a_missing_browser_skips_unless_ci_requires_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHAINRULE_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="chromium is not installed"):
        _unavailable("Debian's chromium is not installed")
    monkeypatch.setenv("CHAINRULE_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="CHAINRULE_REQUIRE_BROWSER=1 but"):
        _unavailable("Debian's chromium is not installed")
