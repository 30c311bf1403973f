"""The step-through page as a file: self-contained, one frame per state and a summary, every
frame on one layout, written atomically."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from autograd import Tensor, Value, backprop
from tests.viz.svg import Drawn, parse
from viz import steps, write_player
from viz.labels import number
from viz.player import frame_svgs, player_html


def frames_of(page: str) -> list[Drawn]:
    """Every frame's picture in a written page."""
    return [parse(svg) for svg in re.findall(r"<svg.*?</svg>", page, re.DOTALL)]


def explanations_of(page: str) -> list[str]:
    block = re.search(r'<script type="application/json" id="explanations">(.*?)</script>', page, re.DOTALL)
    assert block is not None
    return list(json.loads(block.group(1)))


# The coordinates that place a shape. An edge is its spline: its arrowhead grows with its pen
# width (the current step's edges are drawn thicker), so arrowheads are left out.
NODE_SHAPES = {"polygon": ("points",), "ellipse": ("cx", "cy", "rx", "ry")}
EDGE_SHAPES = {"path": ("d",)}


def geometry(drawn: Drawn) -> dict[str, list[tuple[str, ...]]]:
    """Where each node and edge is drawn, by its title: its shapes' coordinates (not colours or text)."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for groups, shapes in ((drawn.nodes, NODE_SHAPES), (drawn.edges, EDGE_SHAPES)):
        for group in groups:
            found = [el for el in group.iter() if el.tag.split("}")[1] in shapes]
            out.setdefault(drawn.title(group), []).extend(
                tuple(el.get(a, "") for a in shapes[el.tag.split("}")[1]]) for el in found)
    return out


def frame_box(drawn: Drawn) -> tuple[str | None, str | None]:
    graph = next(g for g in drawn.root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "graph")
    return drawn.root.get("viewBox"), graph.get("transform")


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
    assert frames == [str(k) for k in range(len(trace) + 2)]  # the start, each step, the summary
    assert page.count("<svg") == len(trace) + 2
    assert f'max="{len(trace) + 1}"' in page
    assert 'data-summary="1"' in page


def test_each_frame_is_the_rendered_svg_with_unique_ids(neuron: Value, tmp_path: Path) -> None:
    page = write_player(steps(neuron), tmp_path / "p.html").read_text(encoding="utf-8")
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    first = page[page.index("<svg"): page.index("</svg>") + 6]
    assert len(parse(first).nodes) == 15


def test_explanations_travel_as_json(neuron: Value, tmp_path: Path) -> None:
    trace = steps(neuron)
    page = write_player(trace, tmp_path / "p.html").read_text(encoding="utf-8")
    texts = explanations_of(page)
    assert texts == trace.explanations(summary=True)
    assert "do/dx1 = do/dx1w1 * dx1w1/dx1 = 0.5 * (w1 = -3.0) = -1.5" in texts[4]
    assert page.count("<li data-step=") == len(trace) + 2
    assert '<li data-step="6">summary: gradients of the inputs</li>' in page


def test_the_summary_frame_sums_up_the_gradients_of_the_inputs(neuron: Value, tmp_path: Path) -> None:
    trace = steps(neuron)
    page = write_player(trace, tmp_path / "p.html").read_text(encoding="utf-8")
    grads = backprop(neuron)  # the oracle: the engine's own backward pass
    by_name = {trace.names[n]: n for n in grads}
    summary = explanations_of(page)[-1]
    assert summary.startswith("The gradients of the inputs, by the chain rule along every path:")
    for name in ("x1", "w1", "x2", "w2", "b"):
        line = next(line for line in summary.splitlines() if line.startswith(f"do/d{name} = "))
        assert line.endswith(f" = {number(grads[by_name[name]], 4)}")  # the path product ends in the engine's grad
    assert "do/dw1 = do/dn * dn/dx1w1x2w2 * dx1w1x2w2/dx1w1 * dx1w1/dw1 = 0.5 * 1.0 * 1.0 * 2.0 = 1.0" in summary
    last = frames_of(page)[-1]
    for k, node in enumerate(trace.scene.order):  # every box shows its complete gradient
        assert f"grad {number(grads[node], 4)}" in last.node_texts(f"v{k}")
    texts = last.texts()
    assert "grad ?" not in texts
    for step in trace:  # and every edge its contribution, upstream * local = contribution
        for e in step.edges:
            assert any(t.endswith(f" = {number(e.contribution, 4)}") and " * " in t for t in texts)
    assert "0.5 * -3.0 = -1.5" in texts and "0.5 * 2.0 = 1.0" in texts


def shared_and_constants() -> Value:
    """y = a * a + a - 2 (a shared input, a constant, running sums of different widths)."""
    a = Value(0.123456, name="a")
    y = a * a + a - 2
    y.name = "y"
    return y


def tensor_loss() -> Tensor:
    """A mean squared loss of a Tensor layer: gradients are arrays shown on several lines."""
    X = Tensor(np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.25]]), name="X")
    W = Tensor(np.array([[0.1], [-0.2]]), name="W")
    a = (X @ W).tanh()
    loss = ((a - 1.0) ** 2).mean()
    loss.name = "L"
    return loss


@pytest.mark.parametrize("root, options", [
    ("neuron", {}),
    ("neuron", {"rankdir": "LR", "legend": True}),
    ("shared", {}),
    ("shared", {"hide_constants": True, "precision": 6}),
    ("tensor", {}),
])
def test_every_frame_has_the_same_layout(root: str, options: dict, neuron: Value, tmp_path: Path) -> None:
    roots = {"neuron": lambda: neuron, "shared": shared_and_constants, "tensor": tensor_loss}
    trace = steps(roots[root]())
    drawn = frames_of(write_player(trace, tmp_path / "p.html", **options).read_text(encoding="utf-8"))
    assert len(drawn) == len(trace) + 2
    first = geometry(drawn[0])
    assert len(first) >= len(trace.scene.order)
    for frame in drawn[1:]:
        assert frame_box(frame) == frame_box(drawn[0])  # the same viewBox and the same offset in it
        assert geometry(frame) == first  # every box, ellipse, edge and arrowhead where it was
    # while what they show changes: the grads fill in, the current step moves
    assert [t for t in drawn[0].texts() if t.startswith("grad")] != [t for t in drawn[-1].texts()
                                                                      if t.startswith("grad")]


def test_the_direction_that_draws_bigger_is_chosen(neuron: Value) -> None:
    trace = steps(neuron)
    # micrograd's neuron is a long chain: left to right it is ten times wider than tall, and a
    # window would draw it a few pixels high; top to bottom it is about square
    assert frame_svgs(trace) == frame_svgs(trace, rankdir="TB")
    wide = parse(frame_svgs(trace, rankdir="LR")[0]).root.get("viewBox")
    assert wide is not None
    _, _, w, h = (float(v) for v in wide.split())
    assert w > 5 * h


def test_player_html_counts_the_summary_apart() -> None:
    page = player_html(["<svg/>", "<svg/>", "<svg/>"], ["a", "b", "c"], ["s", "1", "sum"], "t", summary=True)
    assert 'data-summary="1"' in page
    assert 'data-summary="0"' in player_html(["<svg/>"], ["a"], ["s"], "t")


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
