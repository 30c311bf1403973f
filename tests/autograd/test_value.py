"""Value and the engine: known derivatives from the notes, sharing, accumulation, errors, depth."""

from __future__ import annotations

import copy
import math
import re
from fractions import Fraction
from typing import Any, cast

import numpy as np
import pytest

from autograd import (
    DomainError,
    Value,
    backprop,
    enable_grad,
    grad,
    is_grad_enabled,
    no_grad,
    ops,
    sum_,
    topological_order,
    zero_grad,
)
from autograd.testing import GradcheckError, gradcheck, numerical_diff


def test_micrograd_neuron() -> None:
    x = Value(2.0, name="x")
    w = Value(-3.0, name="w")
    b = Value(6.88, name="b")
    n = x * w + b
    o = n.tanh()
    o.backward()
    local = 1 - math.tanh(0.88) ** 2
    assert o.data == pytest.approx(math.tanh(0.88))
    assert x.grad == pytest.approx(w.data * local)
    assert w.grad == pytest.approx(x.data * local)
    assert b.grad == pytest.approx(local)


@pytest.mark.parametrize("x", [-2.0, -0.5, 0.0, 1.0, 2.0, 3.5])
def test_notes_chain_rule_example(x: float) -> None:
    # 001: y = (x^2 + 1)^3  ->  dy/dx = 6x (x^2 + 1)^2
    v = Value(x)
    ((v**2 + 1) ** 3).backward()
    assert v.grad == pytest.approx(6 * x * (x**2 + 1) ** 2)
    assert v.grad == pytest.approx(numerical_diff(lambda t: (t**2 + 1) ** 3, x), rel=1e-6, abs=1e-6)


@pytest.mark.parametrize("x1,x2,w1,w2,b,t", [(1.0, 2.0, 0.1, -0.2, 0.0, 1.0), (-1.5, 0.5, 2.0, 1.0, -0.3, 0.0)])
def test_logistic_regression_gradients_from_the_notes(x1, x2, w1, w2, b, t) -> None:  # type: ignore[no-untyped-def]
    # 002: for L = -(t log y + (1 - t) log(1 - y)), y = sigmoid(z): dz = y - t, dw = x dz, db = dz.
    X1, X2, W1, W2, B = (Value(v) for v in (x1, x2, w1, w2, b))
    z = W1 * X1 + W2 * X2 + B
    y = z.sigmoid()
    loss = -(t * y.log() + (1 - t) * (1 - y).log())
    loss.backward()
    dz = y.data - t
    assert z.grad == pytest.approx(dz)
    assert W1.grad == pytest.approx(x1 * dz)
    assert W2.grad == pytest.approx(x2 * dz)
    assert B.grad == pytest.approx(dz)


def test_activation_derivatives_in_terms_of_the_activation() -> None:
    # 003: sigmoid'(z) = a (1 - a), tanh'(z) = 1 - a^2
    for z in (-2.0, 0.3, 1.7):
        v = Value(z)
        a = v.sigmoid()
        a.backward()
        assert v.grad == pytest.approx(a.data * (1 - a.data))
        v = Value(z)
        a = v.tanh()
        a.backward()
        assert v.grad == pytest.approx(1 - a.data**2)


def test_shared_nodes_accumulate() -> None:
    a = Value(3.0)
    (a + a).backward()
    assert a.grad == 2.0
    a = Value(3.0)
    (a * a * a).backward()
    assert a.grad == pytest.approx(27.0)
    w = Value(0.5)  # one weight used by many neurons
    out = sum_([(w * float(x)).tanh() for x in range(1, 6)])
    out.backward()
    assert w.grad == pytest.approx(sum(x * (1 - math.tanh(0.5 * x) ** 2) for x in range(1, 6)))


def test_backward_twice_accumulates_and_zero_grad_resets() -> None:
    x = Value(2.0)
    h = x * x  # an intermediate node: a second pass must not count its first gradient again
    y = h * 3
    y.backward()
    y.backward()
    assert x.grad == pytest.approx(2 * 12.0)
    assert h.grad == pytest.approx(2 * 3.0)
    zero_grad([y], graph=True)
    assert (x.grad, h.grad, y.grad) == (0.0, 0.0, 0.0)
    y.backward()
    assert x.grad == pytest.approx(12.0)
    x.zero_grad()
    assert x.grad == 0.0


def test_grad_leaves_dot_grad_alone_and_gives_zero_for_unused_inputs() -> None:
    x, y, unused = Value(1.5), Value(-2.0), Value(7.0)
    f = x * y + x.sin()
    gx, gy, gu = grad(f, [x, y, unused])
    assert gx == pytest.approx(-2.0 + math.cos(1.5))
    assert gy == pytest.approx(1.5)
    assert gu == 0.0
    assert x.grad == 0.0 and y.grad == 0.0


def test_second_derivative_hessian_and_newton() -> None:
    x = Value(1.3)
    (g,) = grad(x**4, [x], create_graph=True)
    (h,) = grad(g, [x])
    assert g.data == pytest.approx(4 * 1.3**3)
    assert h == pytest.approx(12 * 1.3**2)
    # Hessian of f(x, y) = x^2 y + sin(x y)
    a, b = Value(0.4), Value(-1.1)
    f = a * a * b + (a * b).sin()
    ga, gb = grad(f, [a, b], create_graph=True)
    hess = [grad(ga, [a, b]), grad(gb, [a, b])]
    s = math.sin(0.4 * -1.1)
    expected = [[2 * -1.1 - (-1.1) ** 2 * s, 2 * 0.4 - s * 0.4 * -1.1 + math.cos(0.4 * -1.1)],
                [2 * 0.4 - s * 0.4 * -1.1 + math.cos(0.4 * -1.1), -(0.4**2) * s]]
    for i in range(2):
        for j in range(2):
            assert hess[i][j] == pytest.approx(expected[i][j])
    # Newton's method on f(x) = x^3 - 2x - 5 (root 2.0945514815...), derivative by autograd
    t = 2.0
    for _ in range(6):
        v = Value(t)
        fx = v**3 - 2 * v - 5
        (d,) = grad(fx, [v])
        t -= fx.data / d
    assert t == pytest.approx(2.0945514815423265, abs=1e-12)


def test_backward_create_graph_gives_differentiable_grad() -> None:
    x = Value(0.8)
    y = x.exp() * x
    y.backward(create_graph=True)
    assert isinstance(x.grad, Value)
    (d2,) = grad(x.grad, [x])
    assert d2 == pytest.approx(math.exp(0.8) * (0.8 + 2))


def test_no_grad_records_nothing() -> None:
    w = Value(1.0)
    with no_grad():
        w2 = w * 2 - 0.5
    assert w2.is_leaf and w2.op == "" and w2.data == 1.5
    y = w * 3
    assert y.parents[0] is w


def test_grad_mode_nests_restores_and_decorates() -> None:
    x = Value(1.0)

    @no_grad()
    def doubled() -> Value:
        return x * 2

    assert doubled().is_leaf and is_grad_enabled()
    ctx = no_grad()
    with ctx:
        with enable_grad():
            assert is_grad_enabled() and not (x * 2).is_leaf
            with ctx:  # the same context object, entered again while active
                assert not is_grad_enabled()
            assert is_grad_enabled()
        assert not is_grad_enabled()
    assert is_grad_enabled()
    with pytest.raises(KeyError), no_grad():
        raise KeyError("inside")
    assert is_grad_enabled()  # restored on the way out of an exception


def test_million_node_chain_backprops_without_recursion() -> None:
    import sys

    limit = sys.getrecursionlimit()
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y + 1e-6
    y.backward()
    assert x.grad == 1.0
    assert sys.getrecursionlimit() == limit
    del y  # deallocating a million-deep chain must not crash either


@pytest.mark.parametrize(
    "thunk, op",
    [
        (lambda: Value(0.0, name="x").log(), "log"),
        (lambda: Value(-2.0, name="x").log(), "log"),
        (lambda: Value(-1.0, name="x").sqrt(), "sqrt"),
        (lambda: Value(1.0, name="x") / Value(0.0, name="y"), "div"),
        (lambda: 1 / Value(0.0, name="x"), "div"),
        (lambda: Value(0.0, name="x") ** -1, "pow"),
        (lambda: Value(-8.0, name="x") ** (1 / 3), "pow"),
        (lambda: Value(1000.0, name="x").exp(), "exp"),
    ],
)
def test_domain_errors_name_op_values_and_names(thunk, op) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as info:
        thunk()
    err = info.value
    assert isinstance(err, ValueError) and isinstance(err, ArithmeticError)
    assert err.op == op and op in str(err) and "x=" in str(err)


def test_undefined_derivative_is_a_domain_error_in_backward() -> None:
    x = Value(0.0, name="x")
    y = x.sqrt()
    with pytest.raises(DomainError, match="derivative of sqrt") as info:
        y.backward()
    assert info.value.phase == "backward"


def test_a_failed_backward_changes_no_grad() -> None:
    # backward() writes each .grad as the pass reaches it: a failure further down puts them back
    x, z = Value(0.0, name="x"), Value(2.0, name="z")
    u = x.sqrt() * 3
    y = u * z + z
    nodes = [x, z, u, y]
    for n in nodes:
        n.grad = 0.5
    with pytest.raises(DomainError, match="sqrt"):
        y.backward()  # fails at sqrt, after y, u and z had theirs added
    assert [n.grad for n in nodes] == [0.5] * 4


def test_nan_and_inf_data_propagate() -> None:
    n = Value(math.nan) * 2 + 1
    assert math.isnan(n.data)
    i = Value(math.inf) + 1
    assert i.data == math.inf
    n.backward()


@pytest.mark.parametrize("bad", ["2", None, [1.0], 1 + 2j, True])
def test_non_numeric_data_is_a_type_error(bad) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)
    with pytest.raises(TypeError):
        Value(1.0) + bad


@pytest.mark.parametrize("number", [np.int64(3), np.float32(0.5), np.float64(-2.0), Fraction(1, 2), 2])
def test_any_real_number_is_an_operand(number) -> None:  # type: ignore[no-untyped-def]
    # numbers.Real, not only int and float: the compiled build must not narrow this
    x, r = Value(1.5), float(number)
    assert (x + number).data == 1.5 + r and (number + x).data == r + 1.5
    assert (x - number).data == 1.5 - r and (number - x).data == r - 1.5
    assert (x * number).data == 1.5 * r and (number * x).data == r * 1.5
    assert (x / number).data == 1.5 / r and (number / x).data == r / 1.5
    assert (x**number).data == pytest.approx(1.5**r) and (abs(number) ** x).data == pytest.approx(abs(r) ** 1.5)
    assert Value(number).data == r and x.leaky_relu(number).data == 1.5
    assert (-x).elu(number).data == r * math.expm1(-1.5)


@pytest.mark.parametrize("op", ["+", "-", "*", "/", "**"])
@pytest.mark.parametrize("bad", ["2", None])
def test_operator_errors_name_the_op_and_the_type(op, bad) -> None:  # type: ignore[no-untyped-def]
    apply = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
             "/": lambda a, b: a / b, "**": lambda a, b: a**b}[op]
    with pytest.raises(TypeError, match=rf"{re.escape(op)}.*{type(bad).__name__}"):
        apply(Value(2.0), bad)


def test_gradcheck_reports_every_input() -> None:
    assert gradcheck(lambda a, b: (a * b).tanh() + a**2, [0.3, -0.7], second_order=True)

    class Wrong(Value):
        pass

    def broken(a: Value, b: Value) -> Value:
        out = a * b
        out._fn = (a + b)._fn  # lie about the op: forward is a*b, backward is that of a+b
        return out

    with pytest.raises(GradcheckError) as info:
        gradcheck(broken, [Value(2.0, name="a"), Value(5.0, name="b")])
    text = str(info.value)
    assert "a" in text and "b" in text and "autograd" in text and "numerical" in text
    assert Wrong(1.0).data == 1.0


def test_repr_and_comparisons() -> None:
    x = Value(2.0, name="x")
    assert "x=2" in repr(x)
    y = x * 3
    assert "op='*'" in repr(y)
    assert y > x and x < 3 and x >= 2 and x <= 2.0
    assert x != Value(2.0)  # equality is identity: Values are graph nodes and dict keys
    assert max(x, Value(1.0)) is x and float(y) == 6.0


def test_a_deep_copy_is_an_independent_graph_with_the_same_ops() -> None:
    x = Value(0.5, name="x")
    y = (x * 3).tanh() + x
    y2 = copy.deepcopy(y)
    (x2,) = [n for n in topological_order(y2) if n.name == "x"]
    y2.backward()
    assert x.grad == 0.0 and x2.grad == pytest.approx(3 * (1 - math.tanh(1.5) ** 2) + 1)
    assert y2.parents[0].op == "tanh" and y2.parents[0].grad_fn is y.parents[0].grad_fn  # records are shared


def test_a_walk_that_fails_inside_a_pass_gives_the_pass_its_slots_back() -> None:
    # an observer (the step-by-step trace is one) walks another graph mid-pass, and that walk
    # fails: the outer pass must still find its own partial sums
    x = Value(2.0, name="x")
    u = x * x
    y = u * 3 + u
    w = Value(1.0, _fn=ops.SUM, _parents=(x, x, x))
    w._rest = cast(Any, (object(),))  # not a node: the walk fails on it, after it marked u and x
    broken = Value(1.0, _fn=ops.ADD, _parents=(w, u))

    def observe(node: Any, g: Any, contributions: Any) -> None:
        with pytest.raises((AttributeError, TypeError)):  # (the compiled build checks the type)
            topological_order(broken)

    grads = backprop(y, observe=observe)
    assert grads[x] == 4 * 2.0 * 2 and grads[u] == 4.0
