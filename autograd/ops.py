"""The scalar op table: each primitive's forward, local derivatives and formulas, one record each.

Read a row as ``name: forward; d out / d input = local``. Local derivatives are written with
plain operators and the helpers below so that the same line serves floats (a plain backward
pass), graph nodes (``create_graph=True``) and numpy arrays (``Tensor``).
"""

from __future__ import annotations

import math
import operator
from typing import Any, Final

import numpy as np

from autograd.engine import Node
from autograd.op import Op

# Generic math for local derivatives: floats use math, arrays numpy, graph nodes their methods.


def _unary(method: str, scalar: Any, array: Any) -> Any:
    def apply(x: Any) -> Any:
        if isinstance(x, Node):
            return getattr(x, method)()
        if isinstance(x, np.ndarray):
            return array(x)
        return scalar(x)

    apply.__name__ = method
    return apply


exp = _unary("exp", math.exp, np.exp)
log = _unary("log", math.log, np.log)
sin = _unary("sin", math.sin, np.sin)
cos = _unary("cos", math.cos, np.cos)
sqrt = _unary("sqrt", math.sqrt, np.sqrt)


def step(x: Any, below: float = 0.0) -> Any:
    """1 where ``x > 0``, else ``below``: the derivative of relu-like ops (a constant, never a graph)."""
    x = x.data if isinstance(x, Node) else x
    if isinstance(x, np.ndarray):
        return np.where(x > 0, 1.0, below).astype(x.dtype, copy=False)
    return 1.0 if x > 0 else below


def sign(x: Any) -> Any:
    """-1, 0 or 1: the derivative of ``abs`` (0 at 0, a subgradient)."""
    x = x.data if isinstance(x, Node) else x
    if isinstance(x, np.ndarray):
        return np.sign(x)
    return float((x > 0) - (x < 0))


def sigmoid_forward(x: float) -> float:
    """The logistic function, without overflow for large negative ``x``."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _pow_value_local(a: Any, b: Any, out: Any) -> tuple[Any, Any]:
    # d/db a**b = a**b * log(a) exists only for a > 0 (and is 0 at a = 0 for b > 0).
    a_data = a.data if isinstance(a, Node) else a
    if a_data == 0 and (b.data if isinstance(b, Node) else b) > 0:
        return b * a ** (b - 1), 0.0
    return b * a ** (b - 1), out * log(a)


def _pick(xs: Any, out: Any) -> tuple[float, ...]:
    """1 for the first input equal to the output of max/min, 0 for the others (a subgradient)."""
    target = out.data if isinstance(out, Node) else out
    values = [x.data if isinstance(x, Node) else x for x in xs]
    first = values.index(target) if target in values else 0
    return tuple(1.0 if i == first else 0.0 for i in range(len(values)))


def _max_forward(*xs: float) -> float:
    return max(xs)


def _min_forward(*xs: float) -> float:
    return min(xs)


def _sum_forward(*xs: float) -> float:
    return math.fsum(xs)


def _leaky_relu(x: float, slope: float) -> float:
    return x if x > 0 else slope * x


def _elu(x: float, alpha: float) -> float:
    return x if x > 0 else alpha * math.expm1(x)


# fmt: off
ADD:        Final[Op] = Op("add", "+", operator.add, lambda a, b, out: (1.0, 1.0), ("1", "1"), template="{a} + {b}")
SUB:        Final[Op] = Op("sub", "-", operator.sub, lambda a, b, out: (1.0, -1.0), ("1", "-1"), template="{a} - {b}")
MUL:        Final[Op] = Op("mul", "*", operator.mul, lambda a, b, out: (b, a), ("{b}", "{a}"), template="{a} * {b}")
DIV:        Final[Op] = Op("div", "/", operator.truediv, lambda a, b, out: (1.0 / b, -out / b),
                           ("1/{b}", "-{a}/{b}^2"), template="{a} / {b}")
NEG:        Final[Op] = Op("neg", "neg", operator.neg, lambda a, out: (-1.0,), ("-1",), template="-{a}")
POW:        Final[Op] = Op("pow", "**", math.pow, lambda a, out, p: (p * a ** (p - 1),), ("{p}*{a}^({p}-1)",),
                           has_arg=True, template="{a}**{p}")
POW_VALUE:  Final[Op] = Op("pow", "**", math.pow, _pow_value_local, ("{b}*{a}^({b}-1)", "{out}*log({a})"),
                           template="{a}**{b}")
EXP:        Final[Op] = Op("exp", "exp", math.exp, lambda a, out: (out,), ("exp({a})",))
LOG:        Final[Op] = Op("log", "log", math.log, lambda a, out: (1.0 / a,), ("1/{a}",))
SQRT:       Final[Op] = Op("sqrt", "sqrt", math.sqrt, lambda a, out: (0.5 / out,), ("1/(2*sqrt({a}))",))
SIN:        Final[Op] = Op("sin", "sin", math.sin, lambda a, out: (cos(a),), ("cos({a})",))
COS:        Final[Op] = Op("cos", "cos", math.cos, lambda a, out: (-sin(a),), ("-sin({a})",))
TANH:       Final[Op] = Op("tanh", "tanh", math.tanh, lambda a, out: (1.0 - out * out,), ("1 - {out}^2",))
SIGMOID:    Final[Op] = Op("sigmoid", "sigmoid", sigmoid_forward, lambda a, out: (out * (1.0 - out),),
                           ("{out}*(1 - {out})",))
RELU:       Final[Op] = Op("relu", "relu", lambda a: a if a > 0 else 0.0, lambda a, out: (step(a),),
                           ("1 if {a} > 0 else 0",))
LEAKY_RELU: Final[Op] = Op("leaky_relu", "leaky_relu", _leaky_relu, lambda a, out, p: (step(a, p),),
                           ("1 if {a} > 0 else {p}",), has_arg=True, template="leaky_relu({a}, {p})")
ELU:        Final[Op] = Op("elu", "elu", _elu, lambda a, out, p: (step(a) + (1.0 - step(a)) * (out + p),),
                           ("1 if {a} > 0 else {out} + {p}",), has_arg=True, template="elu({a}, {p})")
ABS:        Final[Op] = Op("abs", "abs", abs, lambda a, out: (sign(a),), ("sign({a})",))
SUM:        Final[Op] = Op("sum", "sum", _sum_forward, lambda xs, out: (1.0,) * len(xs), ("1",), variadic=True)
MAX:        Final[Op] = Op("max", "max", _max_forward, _pick, ("1 if {x} is the max else 0",), variadic=True)
MIN:        Final[Op] = Op("min", "min", _min_forward, _pick, ("1 if {x} is the min else 0",), variadic=True)
# fmt: on

SCALAR_OPS: tuple[Op, ...] = (ADD, SUB, MUL, DIV, NEG, POW, POW_VALUE, EXP, LOG, SQRT, SIN, COS,
                              TANH, SIGMOID, RELU, LEAKY_RELU, ELU, ABS, SUM, MAX, MIN)
"""Every scalar primitive, for tests and docs that iterate over the table."""
