"""steps(): the recorded backward pass against independent oracles (hand derivations, sympy)."""

from __future__ import annotations

import math

import pytest
import sympy
from hypothesis import assume, given

from autograd import DomainError, Value, topological_order
from autograd.testing.strategies import Expr, expressions, points
from tests.viz.svg import rendered
from viz import steps
from viz.render import COLOURS

D = 1 - math.tanh(0.8813735870195432) ** 2  # do/dn of the lecture neuron, 0.5 by hand (tanh n = 1/sqrt 2)


def test_the_neuron_reads_like_the_lecture(neuron: Value) -> None:
    assert D == pytest.approx(0.5)
    text = str(steps(neuron))
    expected = [
        "backward pass of o = 0.7071, seed do/do = 1.0",
        "step 1  o = tanh(n)",
        "do/dn = do/do * do/dn = 1.0 * (1 - o^2 = 0.5) = 0.5",
        "do/db = do/dn * dn/db = 0.5 * 1 = 0.5",
        "do/dx1 = do/dx1w1 * dx1w1/dx1 = 0.5 * (w1 = -3.0) = -1.5",
        "do/dw1 = do/dx1w1 * dx1w1/dw1 = 0.5 * (x1 = 2.0) = 1.0",
        "do/dw2 = do/dx2w2 * dx2w2/dw2 = 0.5 * (x2 = 0.0) = 0.0",
        "do/dw1 = do/dn * dn/dx1w1x2w2 * dx1w1x2w2/dx1w1 * dx1w1/dw1 = 0.5 * 1.0 * 1.0 * 2.0 = 1.0",
        "do/dx1 = do/dn * dn/dx1w1x2w2 * dx1w1x2w2/dx1w1 * dx1w1/dx1 = 0.5 * 1.0 * 1.0 * -3.0 = -1.5",
    ]
    for line in expected:
        assert line in text, line


def test_the_neuron_steps_carry_the_hand_computed_numbers(neuron: Value) -> None:
    trace = steps(neuron)
    assert [s.name for s in trace] == ["o", "n", "x1w1x2w2", "x1w1", "x2w2"]
    by = {(s.name, e.name): e for s in trace for e in s.edges}
    assert by[("o", "n")].contribution == pytest.approx(D)
    assert by[("n", "b")].contribution == pytest.approx(D)
    assert by[("x1w1", "x1")].derivative.value == -3.0
    assert by[("x1w1", "x1")].contribution == pytest.approx(-3.0 * D)
    assert by[("x1w1", "w1")].contribution == pytest.approx(2.0 * D)
    assert by[("x2w2", "w2")].contribution == 0.0
    assert by[("x1w1", "w1")].derivative.formula == "x1"
    assert by[("o", "n")].derivative.formula == "1 - o^2"


def test_a_shared_node_shows_its_running_sum() -> None:
    a = Value(3.0, name="a")
    y = a * a + a
    y.name = "y"
    trace = steps(y)
    edges = [e for s in trace for e in s.edges if e.name == "a"]
    assert [e.contribution for e in edges] == [1.0, 3.0, 3.0]  # from +, then both sides of a*a
    assert [e.total for e in edges] == [1.0, 4.0, 7.0]
    assert edges[0].before is None and edges[2].before == 4.0
    assert all(e.shared for e in edges)
    text = str(trace)
    assert "(running sum: 4.0 + 3.0 = 7.0)" in text
    assert "dy/da += " in text
    assert "dy/da = dy/dt1 * dt1/da + dy/dt1 * dt1/da + dy/da = (1.0 * 3.0) + (1.0 * 3.0) + 1.0 = 7.0" in text


def test_steps_follow_the_chain_rule_order_and_leave_grads_alone(neuron: Value) -> None:
    trace = steps(neuron)
    position = {s.node: i for i, s in enumerate(trace)}
    for s in trace:
        for consumer in (t.node for t in trace if s.node in t.node.parents):
            assert position[consumer] < position[s.node]  # every consumer first
        assert s.upstream == trace.grads[s.node]  # the gradient passed on is complete
    assert all(n.grad == 0.0 for n in topological_order(neuron))


def test_a_seed_scales_everything(product: Value) -> None:
    trace = steps(product, seed=2.0)
    a, b = product.parents
    assert trace.grads[a] == -6.0 and trace.grads[b] == 4.0
    assert "dc/da = 2.0 * -3.0 = -6.0" in str(trace)


def sympy_grads(expr: Expr, env: dict[str, float]) -> dict[str, float]:
    syms = {v: sympy.Symbol(v) for v in env}
    f = expr.to_sympy(syms)
    subs = {syms[v]: x for v, x in env.items()}
    return {v: float(sympy.diff(f, syms[v]).evalf(subs=subs)) for v in env}


@given(expressions(max_leaves=6), points())
def test_contributions_add_up_to_the_gradient(expr: Expr, env: dict[str, float]) -> None:
    leaves = {k: Value(v, name=k) for k, v in env.items()}
    try:
        root = expr.evaluate(leaves)
        if not isinstance(root, Value) or root.is_leaf:
            assume(False)
        trace = steps(root)
    except DomainError:
        assume(False)
        return
    # 1. the recorded contributions sum to the engine's gradients (plus the seed at the root)
    total: dict[Value, float] = {root: 1.0}
    for s in trace:
        for e in s.edges:
            total[e.parent] = total.get(e.parent, 0.0) + e.contribution
    for node, g in trace.grads.items():
        assert total[node] == pytest.approx(g, rel=1e-9, abs=1e-12)
    # 2. the sum over paths of products of local derivatives is the gradient too
    for leaf in leaves.values():
        if leaf not in trace.grads:
            continue
        paths = trace.paths(leaf)
        if paths is None or any(d.value is None for p in paths for d in p):
            continue
        by_paths = sum(math.prod(d.value for d in p) for p in paths)
        assert by_paths == pytest.approx(trace.grads[leaf], rel=1e-7, abs=1e-9)
    # 3. and both agree with sympy where the expression is smooth (sympy picks other subgradients)
    if any(op in str(expr) for op in ("max", "min", "abs", "relu", "elu")):
        return
    expected = sympy_grads(expr, env)
    for name, leaf in leaves.items():
        if math.isfinite(expected[name]) and abs(expected[name]) < 1e6:
            assert trace.grads.get(leaf, 0.0) == pytest.approx(expected[name], rel=1e-6, abs=1e-6)


def test_frames_fill_in_the_graph_one_step_at_a_time(neuron: Value) -> None:
    trace = steps(neuron)
    frames = trace.frames()
    assert len(frames) == len(trace) + 1 == len(trace.explanations())
    assert COLOURS["current"] not in frames[0].source
    assert "grad ?" in " ".join(rendered(frames[0]).texts())
    for k, frame in enumerate(frames[1:], start=1):
        assert COLOURS["current"] in frame.source
        assert "penwidth=3" in frame.source
        drawn = rendered(frame)
        assert len(drawn.nodes) == 15
        assert trace[k - 1].explain().splitlines()[0].startswith(f"step {k}")
    last = " ".join(rendered(frames[-1]).texts())
    assert "grad ?" not in last  # every gradient known after the last step
    assert "0.5 * -3.0 = -1.5" in " ".join(rendered(frames[4]).texts())  # the contribution on the edge


def test_trace_indexing_and_repr(product: Value) -> None:
    trace = steps(product)
    assert len(trace) == 1 and trace[0].name == "c"
    assert "1 chain-rule steps" in repr(trace)
    assert trace.seed == 1.0
    assert trace._repr_html_().startswith("<iframe")  # the player (tests/viz/test_frame.py)


def test_the_module_example_is_true() -> None:
    import doctest
    import sys

    result = doctest.testmod(sys.modules["viz.steps"], optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
