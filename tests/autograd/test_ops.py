"""Every scalar op: gradient == central difference == sympy, at random points (hypothesis)."""

from __future__ import annotations

import math

import pytest
import sympy
from hypothesis import assume, given
from hypothesis import strategies as st

from autograd import Value, grad
from autograd.ops import SCALAR_OPS
from autograd.testing import gradcheck, kink_distance, numerical_diff
from tests.autograd.optable import OPS, OpCase


def _args(case: OpCase) -> st.SearchStrategy[list[float]]:
    return st.lists(st.floats(case.low, case.high), min_size=case.arity, max_size=case.arity)


@pytest.mark.parametrize("case", OPS, ids=lambda c: c.name)
@given(data=st.data())
def test_gradient_matches_sympy_and_differences(case: OpCase, data: st.DataObject) -> None:
    xs = data.draw(_args(case))
    values = [Value(x, name=f"x{i}") for i, x in enumerate(xs)]
    out = case.call(*values)
    assume(kink_distance(out) > 1e-3)
    if case.kink is not None:
        assume(all(abs(x - case.kink) > 1e-3 for x in xs))
    out.backward()
    symbols = sympy.symbols(f"x0:{case.arity}", real=True)
    expr = case.oracle(*symbols)
    point = dict(zip(symbols, xs))
    assert out.data == pytest.approx(float(expr.subs(point)), rel=1e-9, abs=1e-12)
    for v, s in zip(values, symbols):
        exact = float(sympy.diff(expr, s).subs(point))
        assert v.grad == pytest.approx(exact, rel=1e-7, abs=1e-9)
    gradcheck(case.call, xs, atol=1e-5, rtol=1e-4)


SMOOTH = [c for c in OPS if c.kink is None and c.name not in ("max", "min")]


@pytest.mark.parametrize("case", SMOOTH, ids=lambda c: c.name)
@given(data=st.data())
def test_second_derivatives_match_sympy(case: OpCase, data: st.DataObject) -> None:
    xs = data.draw(_args(case))
    values = [Value(x) for x in xs]
    first = grad(case.call(*values), values, create_graph=True)
    symbols = sympy.symbols(f"x0:{case.arity}", real=True)
    expr = case.oracle(*symbols)
    point = dict(zip(symbols, xs))
    for i, gi in enumerate(first):
        row = grad(gi, values) if isinstance(gi, Value) else [0.0] * len(values)
        for j, hij in enumerate(row):
            exact = float(sympy.diff(expr, symbols[i], symbols[j]).subs(point))
            assert float(hij) == pytest.approx(exact, rel=1e-6, abs=1e-8)


def test_every_primitive_is_in_the_test_table() -> None:
    tested = {c.name for c in OPS}
    by_prim = {"pow": "pow2", "neg": "neg"}
    for op in SCALAR_OPS:
        assert by_prim.get(op.name, op.name) in tested, op.name


@pytest.mark.parametrize("op", SCALAR_OPS, ids=lambda o: f"{o.name}{o.symbol}")
def test_each_record_is_complete(op) -> None:  # type: ignore[no-untyped-def]
    assert op.symbol and op.formulas and callable(op.forward) and callable(op.local)
    names = ["a", "b", "c"]
    for i in range(1 if op.variadic else len(op.formulas)):
        text = op.formula(i, names, "out", 2.0)
        assert "{" not in text and text


def test_local_derivatives_are_recorded_as_numbers_and_formulas() -> None:
    a, b = Value(2.0, name="a"), Value(-3.0, name="b")
    c = a * b
    c.name = "c"
    assert c.op == "*" and c.parents == (a, b)
    assert c.local_grads == (-3.0, 2.0)
    assert c.local_formulas() == ("b", "a")
    t = c.tanh()
    t.name = "o"
    assert t.local_formulas() == ("1 - o^2",)
    assert t.local_grads[0] == pytest.approx(1 - math.tanh(-6.0) ** 2)
    s = c.sigmoid()
    assert s.local_formulas(out="a") == ("a*(1 - a)",)
    assert a.op == "" and a.parents == () and a.local_grads == ()


def test_numerical_diff_orders_of_error() -> None:
    # f = exp: every derivative is exp(x); the error shrinks as O(h) one-sided, O(h^2) central.
    f, x, exact = math.exp, 0.7, math.exp(0.7)
    for method, order in (("forward", 1), ("backward", 1), ("central", 2)):
        e1 = abs(numerical_diff(f, x, h=1e-2, method=method) - exact)
        e2 = abs(numerical_diff(f, x, h=5e-3, method=method) - exact)
        assert e1 / e2 == pytest.approx(2**order, rel=0.05), method
    assert abs(numerical_diff(f, x, 1e-3, "central") - exact) < abs(numerical_diff(f, x, 1e-3, "forward") - exact)
    with pytest.raises(ValueError, match="method"):
        numerical_diff(f, x, method="sideways")
