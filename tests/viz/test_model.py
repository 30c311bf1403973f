"""Drawing nn models: clusters named by named_parameters(), collapse, the 2-16-16-1 MLP."""

from __future__ import annotations

import pytest

from autograd import Value, topological_order
from tests.viz.svg import rendered
from viz import draw
from viz.clusters import assign, module_of, parent_module
from viz.demo import mlp_loss

nn = pytest.importorskip("nn")


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
    assert "loss" in texts and "w0" in texts


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


def test_a_penalty_over_several_modules_belongs_to_none() -> None:
    model = nn.MLP(2, [2, 1], seed=0)
    squares = [p * p for p in model.parameters()]
    from autograd import sum_

    penalty = sum_(squares)
    m = assign(topological_order(penalty), model)
    assert penalty not in m.owner
    assert all(m.owner[s] == m.owner[s.parents[0]] for s in squares)  # each square with its parameter


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
