"""The table of scalar ops the tests parametrize over: how to call each one on Values, where it
is defined and smooth, and the same function in sympy (the independent oracle)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sympy

from autograd import Value, max_, min_, sum_


@dataclass(frozen=True)
class OpCase:
    name: str
    arity: int
    call: Callable[..., Value]
    oracle: Callable[..., Any]  # the same function on sympy symbols
    low: float = -3.0
    high: float = 3.0
    kink: float | None = None  # a point where the op is not differentiable


def _relu(x: Any) -> Any:
    return sympy.Piecewise((x, x > 0), (0, True))


OPS: list[OpCase] = [
    OpCase("add", 2, lambda a, b: a + b, lambda a, b: a + b),
    OpCase("sub", 2, lambda a, b: a - b, lambda a, b: a - b),
    OpCase("mul", 2, lambda a, b: a * b, lambda a, b: a * b),
    OpCase("div", 2, lambda a, b: a / b, lambda a, b: a / b, low=0.5, high=3.0),
    OpCase("radd", 1, lambda a: 2.5 + a, lambda a: 2.5 + a),
    OpCase("rsub", 1, lambda a: 2.5 - a, lambda a: 2.5 - a),
    OpCase("rmul", 1, lambda a: 2.5 * a, lambda a: 2.5 * a),
    OpCase("rdiv", 1, lambda a: 2.5 / a, lambda a: 2.5 / a, low=0.5),
    OpCase("neg", 1, lambda a: -a, lambda a: -a),
    OpCase("pow2", 1, lambda a: a**2, lambda a: a**2),
    OpCase("pow3", 1, lambda a: a**3, lambda a: a**3),
    OpCase("pow_half", 1, lambda a: a**0.5, lambda a: a**0.5, low=0.1),
    OpCase("pow_neg", 1, lambda a: a**-1.5, lambda a: a**-1.5, low=0.3),
    OpCase("pow_value", 2, lambda a, b: a**b, lambda a, b: a**b, low=0.3, high=2.5),
    OpCase("rpow", 1, lambda a: 2.0**a, lambda a: 2**a),
    OpCase("exp", 1, lambda a: a.exp(), sympy.exp),
    OpCase("log", 1, lambda a: a.log(), sympy.log, low=0.1),
    OpCase("sqrt", 1, lambda a: a.sqrt(), sympy.sqrt, low=0.1),
    OpCase("sin", 1, lambda a: a.sin(), sympy.sin),
    OpCase("cos", 1, lambda a: a.cos(), sympy.cos),
    OpCase("tanh", 1, lambda a: a.tanh(), sympy.tanh),
    OpCase("sigmoid", 1, lambda a: a.sigmoid(), lambda a: 1 / (1 + sympy.exp(-a))),
    OpCase("relu", 1, lambda a: a.relu(), _relu, kink=0.0),
    OpCase("leaky_relu", 1, lambda a: a.leaky_relu(0.1),
           lambda a: sympy.Piecewise((a, a > 0), (sympy.Rational(1, 10) * a, True)), kink=0.0),
    OpCase("elu", 1, lambda a: a.elu(1.5),
           lambda a: sympy.Piecewise((a, a > 0), (sympy.Rational(3, 2) * (sympy.exp(a) - 1), True)), kink=0.0),
    OpCase("abs", 1, lambda a: abs(a), sympy.Abs, kink=0.0),
    OpCase("sum", 3, lambda a, b, c: sum_([a, b, c]), lambda a, b, c: a + b + c),
    OpCase("max", 3, lambda a, b, c: max_(a, b, c), sympy.Max),
    OpCase("min", 3, lambda a, b, c: min_(a, b, c), sympy.Min),
]
