"""The step-through page in a real headless browser (Debian's chromium, driven by playwright).

Skipped with the reason when chromium or playwright is missing, except when
``CHAINRULE_REQUIRE_BROWSER=1`` (set by CI): then a missing browser is a failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from autograd import Value
from tests.viz.browser import browser, open_page, unavailable
from viz import steps

pytestmark = pytest.mark.browser
__all__ = ["browser", "open_page"]  # fixtures used by name


@pytest.fixture
def page_of(open_page: Any, tmp_path: Path) -> Iterator[Any]:
    def open_trace(root: Value) -> tuple[Any, list[str], list[str]]:
        opened = open_page(steps(root).write_player(str(tmp_path / "steps.html")))
        return opened.page, opened.errors, opened.requests

    yield open_trace


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
            counter: document.getElementById('counter').textContent,
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
    assert s["prevDisabled"] and not s["nextDisabled"] and s["counter"] == "start (of 5 steps)"
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
    page.keyboard.press("End")  # the summary, after the last step
    end = state(page)
    assert end["step"] == "6" and end["nextDisabled"] and end["slider"] == "6" and end["hot"] == []
    assert end["itemText"] == "summary: gradients of the inputs" and end["counter"] == "summary (after 5 steps)"
    assert "do/dx1 = do/dn * dn/dx1w1x2w2 * dx1w1x2w2/dx1w1 * dx1w1/dx1 = 0.5 * 1.0 * 1.0 * -3.0 = -1.5" in end["text"]
    page.keyboard.press("ArrowRight")  # already at the end: stays
    assert state(page)["step"] == "6"
    page.keyboard.press("ArrowLeft")
    last = state(page)
    assert last["step"] == "5" and last["counter"] == "step 5 of 5" and "x2w2 = x2 * w2" in last["itemText"]
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
    summary = state(page)
    assert summary["step"] == "3" and "dy/d</script><b>a&b</b> = " in summary["text"]
    assert summary["text"].endswith(" = 7.0")  # 2a + 1
    page.keyboard.press("ArrowLeft")
    s = state(page)
    assert s["step"] == "2"
    assert "running sum: 4.0 + 3.0 = 7.0" in s["text"]
    assert "</script><b>a&b</b>" in s["text"]
    assert page.evaluate("document.querySelectorAll('b').length") == 0  # the name stayed text
    assert errors == []


def picture(page: Any) -> dict[str, Any]:
    """The visible frame as drawn on screen: the pane, the graph's box, the nodes' boxes by title,
    and the on-screen size of an edge label's text (font size times the SVG's scale)."""
    return page.evaluate("""() => {
        const frame = [...document.querySelectorAll('.frame')].find(f => !f.hidden);
        const box = r => [r.x, r.y, r.width, r.height].map(v => Math.round(v * 100) / 100);
        const pane = document.getElementById('picture').getBoundingClientRect();
        const nodes = {};
        for (const g of frame.querySelectorAll('g.node')) {
            nodes[g.querySelector('title').textContent] = box(g.getBoundingClientRect());
        }
        const text = frame.querySelector('g.edge text');
        return {
            pane: box(pane),
            graph: box(frame.querySelector('g.graph').getBoundingClientRect()),
            nodes: nodes,
            edgeFont: parseFloat(text.getAttribute('font-size')) * text.getScreenCTM().a,
        };
    }""")


@pytest.mark.parametrize("width, height", [(1600, 900), (1400, 900), (900, 1000)])
def test_the_picture_fills_its_pane_and_keeps_still(page_of: Any, neuron: Value, width: int, height: int) -> None:
    page, errors, _ = page_of(neuron)
    page.set_viewport_size({"width": width, "height": height})
    first = picture(page)
    _, _, pane_w, pane_h = first["pane"]
    _, _, graph_w, graph_h = first["graph"]
    # the graph is scaled to the pane: as wide or as tall as it (less its padding), and the
    # pane takes most of the window
    assert max(graph_w / pane_w, graph_h / pane_h) > 0.9
    assert pane_h > 0.65 * height and pane_w > 0.6 * width
    assert first["edgeFont"] >= 11  # readable edge labels (about 8 px before)
    for step in range(1, 7):  # and no box moves from one frame to the next, the summary included
        page.keyboard.press("ArrowRight")
        assert page.evaluate("document.body.getAttribute('data-step')") == str(step)
        assert picture(page)["nodes"] == first["nodes"], step
    assert errors == []


def test_a_missing_browser_skips_unless_ci_requires_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHAINRULE_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="chromium is not installed"):
        unavailable("Debian's chromium is not installed")
    monkeypatch.setenv("CHAINRULE_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="CHAINRULE_REQUIRE_BROWSER=1 but"):
        unavailable("Debian's chromium is not installed")
