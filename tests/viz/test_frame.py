"""Whole pages in notebooks: the step player and the explorer display in one sandboxed frame."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from autograd import Value
from viz import explore, frame, player, steps


class _Tags(HTMLParser):
    """Every start tag with its attributes, unescaped as a browser reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(text: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(text)
    return parser.tags


def test_iframe_holds_the_page_exactly_and_sandboxed() -> None:
    page = '<!DOCTYPE html><html><body><p title="a &amp; b">"quotes" & <tags></p><script>1<2</script></body></html>'
    (tag, attrs), = tags(frame.iframe(page, 'say "hi"', height=321))
    assert tag == "iframe"
    assert attrs["srcdoc"] == page  # escaped for the attribute, read back exactly
    assert attrs["sandbox"] == "allow-scripts"
    assert attrs["title"] == 'say "hi"'
    assert "height:321px" in (attrs["style"] or "")


def test_a_trace_displays_as_the_player(neuron: Value) -> None:
    trace = steps(neuron)
    (tag, attrs), = tags(trace._repr_html_())
    assert tag == "iframe" and attrs["sandbox"] == "allow-scripts"
    assert attrs["srcdoc"] == player.player_page(trace)  # the very page write_player writes
    assert 'id="next"' in (attrs["srcdoc"] or "")  # the player's controls, not a text table


def test_the_written_player_is_the_displayed_one(tmp_path: Path, neuron: Value) -> None:
    trace = steps(neuron)
    path = trace.write_player(tmp_path / "steps.html")
    assert path.read_text(encoding="utf-8") == player.player_page(trace)


def test_a_trace_too_long_for_the_player_displays_as_text(monkeypatch: pytest.MonkeyPatch, neuron: Value) -> None:
    monkeypatch.setattr(player, "MAX_STEPS", 3)
    shown = steps(neuron)._repr_html_()
    assert shown.startswith("<pre>") and "do/dn = do/do * do/dn" in shown
    with pytest.raises(ValueError, match="more than a step-through page"):
        player.player_page(steps(neuron), max_steps=3)


def test_the_explorer_uses_the_same_frame(neuron: Value) -> None:
    e = explore(neuron)
    assert e._repr_html_() == frame.iframe(e.html(), e.title, height=720)
