"""The step-through page as a file: self-contained, one frame per state, written atomically."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from autograd import Value
from tests.viz.svg import parse
from viz import steps, write_player
from viz.player import player_html


def test_the_page_is_self_contained(neuron: Value, tmp_path: Path) -> None:
    trace = steps(neuron)
    path = write_player(trace, tmp_path / "steps.html")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    # nothing is fetched: no external scripts, styles, images, frames or links
    assert not re.search(r"<(script|img|iframe|link)[^>]*\s(src|href)=", page, re.IGNORECASE)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"url\((?!#)", page)
    assert "default-src 'none'" in page  # and the browser is told so
    frames = re.findall(r'<div class="frame" id="frame-(\d+)"', page)
    assert frames == [str(k) for k in range(len(trace) + 1)]
    assert page.count("<svg") == len(trace) + 1
    assert f'max="{len(trace)}"' in page


def test_each_frame_is_the_rendered_svg_with_unique_ids(neuron: Value, tmp_path: Path) -> None:
    page = write_player(steps(neuron), tmp_path / "p.html").read_text(encoding="utf-8")
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    first = page[page.index("<svg"): page.index("</svg>") + 6]
    assert len(parse(first).nodes) == 15


def test_explanations_travel_as_json(neuron: Value, tmp_path: Path) -> None:
    trace = steps(neuron)
    page = write_player(trace, tmp_path / "p.html").read_text(encoding="utf-8")
    block = re.search(r'<script type="application/json" id="explanations">(.*?)</script>', page, re.DOTALL)
    assert block is not None
    assert json.loads(block.group(1)) == trace.explanations()
    assert "do/dx1 = do/dx1w1 * dx1w1/dx1 = 0.5 * (w1 = -3.0) = -1.5" in json.loads(block.group(1))[4]


def test_player_html_checks_its_input() -> None:
    with pytest.raises(ValueError, match="one explanation"):
        player_html(["<svg/>"], [], ["x"], "t")


def test_a_failed_write_leaves_the_old_page(neuron: Value, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "p.html"
    path.write_text("old")
    from viz import dot

    def broken(*_: object) -> None:
        raise OSError("no space left")

    monkeypatch.setattr(dot.os, "replace", broken)
    with pytest.raises(OSError):
        write_player(steps(neuron), path)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["p.html"]


def test_long_traces_are_refused_with_a_reason(neuron: Value, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="5 steps, more than a step-through page shows"):
        write_player(steps(neuron), tmp_path / "p.html", max_steps=4)
    assert not (tmp_path / "p.html").exists()


def test_frame_options_reach_the_pictures(tmp_path: Path) -> None:
    x = Value(2.0, name="x")
    y = (x * 3 + 1).tanh()
    page = write_player(steps(y), tmp_path / "p.html", hide_constants=True, rankdir="TB",
                        legend=True).read_text(encoding="utf-8")
    assert "_ * 3.0" in page and "legend" in page
    assert 'class="tall"' in page or 'class="wide"' in page
