"""draw(): the structure of real rendered SVG, and numbers that equal the engine's."""

from __future__ import annotations

import math

import pytest

from autograd import Value, backprop, topological_order
from tests.viz.svg import rendered
from viz import Graph, draw
from viz.labels import number
from viz.render import COLOURS


def by_name(root: Value) -> dict[str, Value]:
    return {n.name: n for n in topological_order(root) if n.name}


def test_forward_view_has_a_box_per_value_and_an_ellipse_per_op(neuron: Value) -> None:
    g = draw(neuron)
    assert isinstance(g, Graph)
    drawn = rendered(g)
    # 10 values (5 leaves, 5 results) and 5 ops; each op has its inputs and its output as edges
    assert len(drawn.nodes) == 15
    assert len(drawn.edges) == 5 + 2 * 4 + 1
    texts = drawn.texts()
    for name in ("x1", "x2", "w1", "w2", "b", "x1w1", "x2w2", "x1w1x2w2", "n", "o"):
        assert name in texts
    assert {"+", "*", "tanh"} <= set(texts)
    assert "data 0.7071" in texts and "data -6.0" in texts
    assert not any(t.startswith("grad") for t in texts)  # the forward view shows no gradients


def test_backward_view_shows_the_engines_gradients(neuron: Value) -> None:
    grads = backprop(neuron)
    drawn = rendered(draw(neuron, "backward", precision=6))
    g = draw(neuron, "backward", precision=6)
    nodes = topological_order(neuron)
    for i, node in enumerate(nodes):
        texts = drawn.node_texts(f"v{i}")
        assert f"grad {number(grads[node], 6)}" in texts, (node.name, texts)
    # hand-computed: do/dn = 1 - tanh(n)^2, do/dw1 = x1 (1 - o^2), do/dx1 = w1 (1 - o^2)
    d = 1 - math.tanh(0.8813735870195432) ** 2
    assert grads[by_name(neuron)["w1"]] == pytest.approx(2.0 * d)
    assert grads[by_name(neuron)["x1"]] == pytest.approx(-3.0 * d)
    assert 'dir=back' in g.source


def test_backward_edges_carry_local_derivatives_as_formula_and_number(product: Value) -> None:
    drawn = rendered(draw(product, "backward"))
    texts = drawn.texts()
    assert "dc/da = b = -3.0" in texts
    assert "dc/db = a = 2.0" in texts


def test_a_constant_formula_is_not_repeated(neuron: Value) -> None:
    texts = rendered(draw(neuron, "backward")).texts()
    assert "dn/db = 1" in texts
    assert "do/dn = 1 - o^2 = 0.5" in texts


def test_draw_leaves_grads_alone(neuron: Value) -> None:
    leaves = [n for n in topological_order(neuron)]
    draw(neuron, "both")
    assert all(n.grad == 0.0 for n in leaves)


def test_both_view_has_data_gradients_and_two_way_edges(product: Value) -> None:
    g = draw(product, "both")
    texts = rendered(g).texts()
    assert "data -6.0" in texts and "grad 1.0" in texts and "dc/da = b = -3.0" in texts
    assert "dir=both" in g.source


def test_hide_constants_moves_numbers_into_the_op() -> None:
    x = Value(3.0, name="x")
    y = x * 2 + 1
    y.name = "y"
    full = rendered(draw(y))
    hidden = rendered(draw(y, hide_constants=True))
    assert len(full.nodes) == len(hidden.nodes) + 2
    assert {"_ * 2.0", "_ + 1.0"} <= set(hidden.texts())
    z = 1 - x
    assert "1.0 - _" in rendered(draw(z, hide_constants=True)).texts()


def test_pow_shows_its_exponent() -> None:
    x = Value(2.0, name="x")
    y = (x**2 + 1) ** 3
    texts = rendered(draw(y, "backward")).texts()
    assert "** 2.0" in texts and "** 3.0" in texts
    assert "grad 300.0" in texts  # 6 x (x^2 + 1)^2 at 2


def test_highlight_marks_the_path_from_one_input(neuron: Value) -> None:
    w2 = by_name(neuron)["w2"]
    g = draw(neuron, "backward", highlight=w2)
    # on the path: w2 -> x2w2 -> x1w1x2w2 -> n -> o (4 ops, 4 values + w2): 4 op->out + 4 parent->op
    assert g.source.count('penwidth=2.5') == 8
    assert COLOURS["dim"] in g.source  # x1, w1, b are off the path
    rendered(g)


def test_highlight_must_be_in_the_graph(neuron: Value) -> None:
    with pytest.raises(ValueError, match="not part of this graph"):
        draw(neuron, highlight=Value(1.0, name="stranger"))


def test_rankdir_and_legend(product: Value) -> None:
    g = draw(product, rankdir="TB", legend=True)
    assert "rankdir=TB" in g.source
    drawn = rendered(g)
    assert {"legend", "parameter", "output (root)"} <= set(drawn.texts())
    assert len(drawn.nodes) == 3 + 1 + 1  # a, b, c, the op, and the legend


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"view": "sideways"}, ValueError, "view must be one of"),
        ({"rankdir": "XY"}, ValueError, "rankdir"),
        ({"precision": 0}, ValueError, "precision"),
        ({"collapse": "neuron"}, ValueError, "needs model="),
        ({"collapse": "everything"}, ValueError, "collapse must be"),
        ({"highlight": "a"}, TypeError, "highlight="),
    ],
)
def test_bad_options_are_named(product: Value, kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        draw(product, **kwargs)


def test_draw_takes_a_node() -> None:
    with pytest.raises(TypeError, match="graph node"):
        draw(3.0)  # type: ignore[arg-type]


def test_a_shared_node_is_drawn_once_with_the_summed_gradient() -> None:
    a = Value(3.0, name="a")
    y = a * a + a
    y.name = "y"
    drawn = rendered(draw(y, "backward"))
    assert drawn.texts().count("a") == 1
    assert "grad 7.0" in drawn.texts()  # 2a + 1
    assert len(drawn.edges) == 6  # a->* twice, *->t1, t1->+, a->+, +->y


def test_unnamed_nodes_get_numbered_names() -> None:
    x = Value(1.0, name="x")
    y = (x + 1).tanh()
    texts = rendered(draw(y, "backward")).texts()
    assert "t1" in texts and "t2" in texts
    assert any(t.startswith("dt2/dt1 = 1 - t2^2") for t in texts)
