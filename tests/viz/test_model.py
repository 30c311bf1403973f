"""Drawing nn models: clusters named by named_parameters(), collapse, the 2-16-16-1 MLP."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from autograd import Value, topological_order
from tests.viz.svg import rendered
from viz import draw
from viz.clusters import assign, module_of, parent_module
from viz.demo import mlp_loss
from viz.labels import number

nn = pytest.importorskip("nn")
losses = pytest.importorskip("nn.losses")


def test_module_names_from_parameter_names() -> None:
    modules = ["", "layers.0", "layers.0.neurons.0", "layers.0.neurons.1"]
    assert module_of("layers.0.neurons.1.w.3", modules) == "layers.0.neurons.1"
    assert module_of("layers.0.neurons.1.w.3", []) == "layers.0.neurons.1"
    assert module_of("w", modules) == ""
    assert parent_module("layers.0.neurons.1", modules) == "layers.0"
    assert parent_module("layers.0.neurons.1", []) == "layers.0"
    assert parent_module("layers.0", modules) == "layers.0"  # the top: no parent but the model


def test_membership_follows_the_neuron_and_stops_at_the_loss() -> None:
    model = nn.MLP(2, [3, 1], seed=1)
    loss, _ = mlp_loss(model)
    m = assign(topological_order(loss), model)
    names = dict(model.named_parameters())
    w = names["layers.0.neurons.2.w.1"]
    assert m.owner[w] == "layers.0.neurons.2"
    assert m.parameters[w] == "layers.0.neurons.2.w.1"
    score = next(n for n in topological_order(loss) if n.name == "score")
    assert m.owner[score] == "layers.1.neurons.0"
    for node in topological_order(loss):
        if node.name == "loss":
            assert node not in m.owner  # the loss is outside every module
    # each hidden neuron owns its weights, their products, the sum and the activation
    hidden = [n for n, owner in m.owner.items() if owner == "layers.0.neurons.0"]
    assert len(hidden) == 2 + 1 + 2 + 1 + 1  # w0 w1 b, two products, the sum, relu


def test_the_moons_mlp_loss_graph_renders_clustered() -> None:
    model = nn.MLP(2, [16, 16, 1], seed=0)
    loss, _ = mlp_loss(model)
    g = draw(loss, "backward", model=model, hide_constants=True)
    drawn = rendered(g)
    labels = drawn.cluster_labels()
    assert len(labels) == 3 + 16 + 16 + 1  # three layers and every neuron
    assert "layers.0.neurons.3" in labels and "layers.1" in labels and "layers.2.neurons.0" in labels
    values = len(topological_order(loss)) - sum(1 for n in topological_order(loss) if n.is_constant)
    assert model.num_parameters() == 337
    assert len(drawn.nodes) > values  # values and ops
    texts = drawn.texts()
    assert "loss" in texts and "layers.0.neurons.0.w.0" in texts  # a parameter by its dotted name


@pytest.mark.parametrize("collapse, boxes", [("neuron", 33), ("layer", 3)])
def test_collapse_draws_a_module_as_one_box(collapse: str, boxes: int) -> None:
    model = nn.MLP(2, [16, 16, 1], seed=0)
    loss, _ = mlp_loss(model)
    drawn = rendered(draw(loss, "backward", model=model, collapse=collapse, hide_constants=True))
    texts = drawn.texts()
    assert sum(1 for t in texts if t.endswith(" parameters")) == boxes
    # inputs x0, x1, then after the network y*score, 1 - that, relu: 3 values, 3 ops; plus the boxes
    assert len(drawn.nodes) == boxes + 2 + 6
    if collapse == "layer":
        assert {"48 parameters", "272 parameters", "17 parameters"} <= set(texts)


def test_named_parameters_label_unnamed_parameters() -> None:
    class One(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.scale = Value(2.0)

        def forward(self, x: Value) -> Value:
            return self.scale * x

    model = One()
    x = Value(3.0, name="x")
    texts = rendered(draw(model(x), model=model)).texts()
    assert "scale" in texts


def test_a_penalty_outside_the_calls_belongs_to_none() -> None:
    model = nn.MLP(2, [2, 1], seed=0)
    squares = [p * p for p in model.parameters()]
    from autograd import sum_

    penalty = sum_(squares)
    m = assign(topological_order(penalty), model)
    assert penalty not in m.owner
    assert not any(s in m.owner for s in squares)  # made by the loss, not by a call of a module
    assert all(p in m.owner for p in model.parameters())  # the parameters stay their modules'


def test_tensor_layers_cluster_through_the_transpose() -> None:
    tensor = pytest.importorskip("autograd.tensor")
    import numpy as np

    model = nn.Sequential(nn.Linear(2, 4), nn.Linear(4, 1))
    x = tensor.Tensor(np.ones((3, 2)), name="x")
    out = model(x).sum()
    m = assign(topological_order(out), model)
    names = dict(model.named_parameters())
    first = {n for n, owner in m.owner.items() if owner == "layers.0"}
    # W, W.T, x @ W.T, b, x @ W.T + b: the whole affine map of the first layer
    assert names["layers.0.W"] in first and names["layers.0.b"] in first and len(first) == 5
    assert out not in m.owner
    drawn = rendered(draw(out, "backward", model=model))
    assert sorted(drawn.cluster_labels()) == ["layers.0", "layers.1"]


def _moons_batch(n: int) -> tuple[Any, Any]:
    from nn import data

    return data.moons(n, seed=0)


def _rendered_edges(drawn: Any) -> list[str]:
    return [drawn.title(e) for e in drawn.edges]


@pytest.mark.parametrize("inputs", ["floats", "list", "values", "array"])
def test_a_call_on_any_kind_of_input_collapses_the_same(inputs: str) -> None:
    """The issue's case: a model called on plain numbers used to leave every node outside."""
    model = nn.MLP(2, [16, 16, 1], seed=0)
    point = {"floats": (0.1, -0.8), "list": [0.1, -0.8], "array": np.array([0.1, -0.8]),
             "values": [Value(0.1, name="x0"), Value(-0.8, name="x1")]}[inputs]
    loss = (1.0 - model(point)).relu()
    m = assign(topological_order(loss), model)
    made = [n for n in topological_order(loss) if not n.is_leaf]
    assert sum(1 for n in made if n not in m.owner) == 2  # 1 - score and relu: the loss's
    assert set(m.calls.values()) == {1} and len(m.calls) == 3 + 33  # every layer and neuron, once
    drawn = rendered(draw(loss, "backward", model=model, collapse="layer", hide_constants=True))
    inputs_drawn = 2 if inputs == "values" else 0
    assert len(drawn.nodes) == 3 + inputs_drawn + 4  # the boxes, the inputs, 1 - score and relu
    edges = _rendered_edges(drawn)
    assert len(edges) == len(set(edges))


def test_every_call_of_a_batch_joins_its_module() -> None:
    model = nn.MLP(2, [16, 16, 1], seed=0)
    X, y = _moons_batch(8)
    loss = losses.hinge(model(X), y)
    order = topological_order(loss)
    m = assign(order, model)
    assert m.calls["layers.0.neurons.5"] == 8 and m.calls["layers.2"] == 8
    scores = [n for n in order if n.scope is not None and n.scope.owner is model.layers[2].neurons[0]
              and n.grad_fn is not None and n.grad_fn.name == "sum"]
    assert sorted(m.call[s] for s in scores) == list(range(8))  # one score per call, numbered
    outside = [n for n in order if not n.is_leaf and n not in m.owner]
    assert len(outside) == 8 * 3 + 2  # y*s, 1 - that, relu per example; the sum and the 1/8


@pytest.mark.parametrize("collapse, boxes, most_nodes, most_edges", [("layer", 3, 80, None),
                                                                     ("neuron", 33, 120, 700)])
def test_a_batch_collapses_to_its_modules(collapse: str, boxes: int, most_nodes: int,
                                          most_edges: int | None) -> None:
    """micrograd's 2-16-16-1 MLP on 8 points, inputs as Values: the issue's sizes."""
    model = nn.MLP(2, [16, 16, 1], seed=0)
    X, y = _moons_batch(8)
    xs = [[Value(float(a), name=f"x{i}.{j}") for j, a in enumerate(row)] for i, row in enumerate(X)]
    loss = losses.hinge(model(xs), y)
    drawn = rendered(draw(loss, "backward", model=model, collapse=collapse, hide_constants=True))
    texts = drawn.texts()
    assert sum(1 for t in texts if t.endswith(" parameters")) == boxes
    assert texts.count("8 calls") == boxes
    assert sum(1 for t in texts if t.startswith("x") and "." in t) == 16  # the inputs, each once
    assert len(drawn.nodes) <= most_nodes
    edges = _rendered_edges(drawn)
    assert len(edges) == len(set(edges))  # between two boxes: one edge, whatever the calls
    if most_edges is not None:
        assert len(edges) <= most_edges


def test_a_box_shows_the_gradient_norm_of_its_parameters() -> None:
    model = nn.MLP(2, [3, 1], seed=2)
    X, y = _moons_batch(4)
    loss = losses.hinge(model(X), y)
    loss.backward()  # the oracle: the engine's own .grad
    texts = rendered(draw(loss, "backward", model=model, collapse="layer")).texts()
    for i, layer in enumerate(model.layers):
        norm = math.sqrt(sum(p.grad ** 2 for p in layer.parameters()))
        assert f"|grad| {number(norm)}" in texts, (i, norm)


def test_without_a_model_nothing_is_grouped() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    X, y = _moons_batch(2)
    loss = losses.hinge(model(X), y)
    drawn = rendered(draw(loss, "backward"))
    assert drawn.clusters == []
    assert len(drawn.nodes) == len(topological_order(loss)) + sum(1 for n in topological_order(loss)
                                                                  if not n.is_leaf)


def test_tensor_modules_collapse_over_a_batch() -> None:
    tensor = pytest.importorskip("autograd.tensor")
    model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1))
    x = tensor.Tensor(np.ones((5, 2)), name="x")
    out = model(x).sum()
    m = assign(topological_order(out), model)
    assert {m.owner[n] for n in topological_order(out) if n in m.owner} == {"layers.0", "layers.1", "layers.2"}
    drawn = rendered(draw(out, "backward", model=model, collapse="neuron", seed=1.0))
    assert len(drawn.nodes) == 1 + 3 + 2  # x, three boxes, the sum (op and value)
