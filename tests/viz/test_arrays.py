"""Array-valued nodes (what Tensor builds): shape, dtype and a few numbers in the boxes.

A minimal array node stands in for ``autograd.tensor.Tensor`` so this runs on the engine alone;
the ops are the scalar table's, whose local derivatives are written generically for arrays.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from autograd import backprop, ops
from autograd.engine import LEAF, Node
from autograd.op import Op
from tests.viz.svg import rendered
from viz import draw, steps
from viz.labels import array


class ArrayNode(Node):
    __slots__ = ()

    def __init__(self, data: Any, name: str | None = None, fn: Op = LEAF, parents: tuple[Node, ...] = ()) -> None:
        array = np.asarray(data, dtype=np.float64)
        Node.__init__(self, array, np.zeros_like(array), fn, parents, name=name)

    def _seed(self, grad: Any, symbolic: bool) -> Any:
        return np.ones_like(self.data) if grad is None else np.asarray(grad)

    def _zero(self, symbolic: bool) -> Any:
        return np.zeros_like(self.data)


def apply(fn: Op, *parents: ArrayNode, name: str) -> ArrayNode:
    return ArrayNode(fn.forward(*[p.data for p in parents]) if fn is not ops.TANH else np.tanh(parents[0].data),
                     name, fn, parents)


@pytest.fixture
def graph() -> ArrayNode:
    x = ArrayNode([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]], "x")
    w = ArrayNode([[0.5, 0.5, 0.5], [-1.0, 2.0, 0.25]], "w")
    z = apply(ops.MUL, x, w, name="z")
    return apply(ops.TANH, z, name="h")


def test_array_boxes_show_shape_dtype_and_numbers(graph: ArrayNode) -> None:
    grads = backprop(graph)
    drawn = rendered(draw(graph, "backward"))
    texts = " ".join(" ".join(drawn.texts()).replace("\xa0", " ").split())  # Graphviz keeps runs of spaces as nbsp
    assert "(2, 3) float64" in texts
    x = graph.parents[0].parents[0]
    # the gradient preview of x is the engine's gradient, printed the same way
    assert " ".join(("grad " + array(grads[x])).split()) in texts
    assert "dz/dx = w" in drawn.texts()  # a formula, no array of partials on the edge


def test_array_steps_record_array_contributions(graph: ArrayNode) -> None:
    trace = steps(graph)
    x, w = graph.parents[0].parents
    total = {x: np.zeros((2, 3)), w: np.zeros((2, 3))}
    for s in trace:
        for e in s.edges:
            if e.parent in total:
                total[e.parent] = total[e.parent] + e.contribution
    np.testing.assert_allclose(total[x], (1 - np.tanh(x.data * w.data) ** 2) * w.data)
    assert "dh/dz = dh/dh * dh/dz" in str(trace)
    assert len(trace.frames()) == 3
