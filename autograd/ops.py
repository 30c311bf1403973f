"""The scalar op table: each primitive's forward, local derivatives and formulas, one record each.

Read a row as ``name: forward; d out / d input = local``. Local derivatives are written with
plain operators and the helpers below so that the same line serves floats (a plain backward
pass), graph nodes (``create_graph=True``) and numpy arrays (``Tensor``).

Domain errors follow one rule for ``Value`` and ``Tensor`` (see :mod:`autograd.errors`): the
ops marked ``domain=True`` (``/``, ``**``, ``exp``, ``log``, ``sqrt``) raise ``DomainError``
where their result, or in a backward pass their local derivative, is infinite or NaN while
their inputs are finite. Where a derivative exists, or PyTorch's convention gives a number at
a boundary, the local derivative gives that number rather than an error: ``x ** 0`` has slope 0
everywhere, also at 0; ``0 ** y`` has slope 0 in ``y`` for ``y >= 0``; ``relu`` has slope 0 at 0.
NaN inputs stay NaN (``relu``, ``max`` and ``min`` of a NaN are NaN, as numpy's are).
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
    """1 where ``x > 0``, else ``below`` (also at NaN): the derivative of ``leaky_relu`` (a
    constant, never a graph)."""
    x = x.data if isinstance(x, Node) else x
    if isinstance(x, np.ndarray):
        return np.where(x > 0, 1.0, below).astype(x.dtype, copy=False)
    return 1.0 if x > 0 else below


def step_above(x: Any) -> Any:
    """0 where ``x <= 0``, else 1 (also at NaN): the derivative of ``relu`` and of ``elu``'s
    linear part. At NaN it is PyTorch's 1, which lets the NaN through to the gradient."""
    x = x.data if isinstance(x, Node) else x
    if isinstance(x, np.ndarray):
        return np.where(x <= 0, 0.0, 1.0).astype(x.dtype, copy=False)
    return 0.0 if x <= 0 else 1.0


def sign(x: Any) -> Any:
    """-1, 0 or 1: the derivative of ``abs`` (0 at 0, a subgradient; 0 at NaN, as PyTorch's)."""
    x = x.data if isinstance(x, Node) else x
    if isinstance(x, (np.ndarray, np.generic)):
        return np.sign(np.where(x == x, x, 0))
    return float((x > 0) - (x < 0))


def power(x: Any, e: Any) -> Any:
    """``x ** e`` for floats, arrays and nodes; ``inf`` for ``0 ** e`` with ``e < 0``, where
    Python raises, so that :func:`autograd.op.check_local` decides whether an infinite local
    derivative is an error (it is not for a constant input)."""
    if isinstance(x, np.ndarray):
        with np.errstate(divide="ignore"):
            return np.power(x, e)
    if isinstance(x, float) and x == 0.0 and e < 0:
        return math.inf
    return x**e


def _elu_local(a: Any, out: Any, alpha: float) -> Any:
    above = step_above(a)  # 1 for x > 0 (and NaN), else out + alpha = alpha e^x
    return above + (1.0 - above) * (out + alpha)


def _pow_local(a: Any, out: Any, p: float) -> tuple[Any]:
    # x ** 0 is 1 for every x: its slope is 0, also at 0, where the formula's 0 * 0^-1 is NaN
    if p == 0:
        return (0.0,)
    if type(a) is float and a != 0.0:  # a Value's, away from 0: the common case, without a call
        return (p * a ** (p - 1),)
    return (p * power(a, p - 1),)


def sigmoid_forward(x: float) -> float:
    """The logistic function, without overflow for large negative ``x``."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _pow_value_local(a: Any, b: Any, out: Any) -> tuple[Any, Any]:
    """``a ** b`` with both inputs nodes (or arrays): ``d/da = b a^(b-1)``, ``d/db = a^b log a``,
    with PyTorch's numbers where the formulas break down:

    - ``d/da`` is 0 where ``b = 0`` (``a ** 0`` is flat), not ``0 * 0^-1``;
    - ``d/db`` is 0 where ``a = 0`` and ``b >= 0`` (``0 ** b`` is 0, or 1 at ``b = 0``, on the
      right: flat), not ``0 * log 0``;
    - ``d/db`` is NaN where ``a < 0``: there ``a ** b`` is real only at integer ``b``, so it has
      no derivative in ``b`` (and ``d/da``, which does exist, is still given).
    """
    if isinstance(a, Node) or isinstance(b, Node):  # create_graph: the same cases, as a graph
        return b * a ** (b - 1), out * _log_base(a)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        with np.errstate(divide="ignore", invalid="ignore"):
            da = np.where(b == 0, 0.0, b * power(a, b - 1))
            db = np.where(a > 0, out * np.log(np.where(a > 0, a, 1.0)), np.where((a == 0) & (b >= 0), 0.0, np.nan))
        return da, db
    slope: float = 0.0 if b == 0 else b * power(a, b - 1)
    if a > 0:
        return slope, out * math.log(a)
    return slope, 0.0 if a == 0 and b >= 0 else math.nan


def _log_base(a: Any) -> Any:
    """``log a`` where ``a > 0``, else 0 (a constant): the factor of ``d/db a ** b`` as a graph
    under ``create_graph`` (0 ** b is flat in b; a negative base gives NaN, as above)."""
    x = a.data
    if isinstance(x, np.ndarray):
        positive = x > 0
        safe = a * positive + np.where(positive, 0.0, 1.0)  # log(1) = 0 where a <= 0, no graph below it
        return safe.log() + np.where(x < 0, np.nan, 0.0)
    if x > 0:
        return a.log()
    return 0.0 if x == 0 else math.nan


def _pick(xs: Any, out: Any) -> tuple[float, ...]:
    """1 for the first input equal to the output of max/min (the first NaN, if the output is
    NaN), 0 for the others (a subgradient)."""
    target = out.data if isinstance(out, Node) else out
    values = [x.data if isinstance(x, Node) else x for x in xs]
    if target != target:
        first = next(i for i, x in enumerate(values) if x != x)
    else:
        first = values.index(target) if target in values else 0
    return tuple(1.0 if i == first else 0.0 for i in range(len(values)))


def _relu_vjp(node: Node, g: Any, symbolic: bool) -> tuple[Any]:
    """relu's chain-rule step: ``g`` where ``x > 0`` (and at NaN), else 0, as a mask, not a
    product: where relu is flat its input gets 0 even from an infinite ``g`` (``sqrt(relu(x))``
    at ``x < 0`` has slope 0, as PyTorch gives; ``inf * 0`` would make it NaN)."""
    a = node._a
    assert a is not None
    if symbolic:
        return (g * step_above(a),)
    x = a.data
    if isinstance(x, np.ndarray):
        return (np.where(x <= 0, 0.0, g),)
    return (0.0 if x <= 0 else g,)


def _pick_vjp(node: Node, g: Any, symbolic: bool) -> tuple[Any, ...]:
    """max's and min's step: ``g`` to the input :func:`_pick` picks, 0 (not ``g * 0``) to the rest."""
    picks = _pick(node.parents, node)
    if symbolic:
        return tuple(g * p for p in picks)
    return tuple(g if p else 0.0 for p in picks)


def _max_forward(*xs: float) -> float:
    # NaN wins whatever its place, as in numpy (Python's max keeps or drops it by position)
    return math.nan if any(x != x for x in xs) else max(xs)


def _min_forward(*xs: float) -> float:
    return math.nan if any(x != x for x in xs) else min(xs)


def _sum_forward(*xs: float) -> float:
    return math.fsum(xs)


def _relu(x: float) -> float:
    return 0.0 if x <= 0 else x  # NaN stays NaN


def _leaky_relu(x: float, slope: float) -> float:
    return x if x > 0 else slope * x


def _elu(x: float, alpha: float) -> float:
    return x if x > 0 else alpha * math.expm1(x)


# fmt: off
ADD:        Final[Op] = Op("add", "+", operator.add, lambda a, b, out: (1.0, 1.0), ("1", "1"), template="{a} + {b}")
SUB:        Final[Op] = Op("sub", "-", operator.sub, lambda a, b, out: (1.0, -1.0), ("1", "-1"), template="{a} - {b}")
MUL:        Final[Op] = Op("mul", "*", operator.mul, lambda a, b, out: (b, a), ("{b}", "{a}"), template="{a} * {b}")
DIV:        Final[Op] = Op("div", "/", operator.truediv, lambda a, b, out: (1.0 / b, -out / b),
                           ("1/{b}", "-{a}/{b}^2"), template="{a} / {b}", domain=True)
NEG:        Final[Op] = Op("neg", "neg", operator.neg, lambda a, out: (-1.0,), ("-1",), template="-{a}")
POW:        Final[Op] = Op("pow", "**", math.pow, _pow_local, ("{p}*{a}^({p}-1)",),
                           has_arg=True, template="{a}**{p}", domain=True)
POW_VALUE:  Final[Op] = Op("pow", "**", math.pow, _pow_value_local, ("{b}*{a}^({b}-1)", "{out}*log({a})"),
                           template="{a}**{b}", domain=True)
EXP:        Final[Op] = Op("exp", "exp", math.exp, lambda a, out: (out,), ("exp({a})",), domain=True)
LOG:        Final[Op] = Op("log", "log", math.log, lambda a, out: (1.0 / a,), ("1/{a}",), domain=True)
SQRT:       Final[Op] = Op("sqrt", "sqrt", math.sqrt, lambda a, out: (0.5 * power(out, -1.0),), ("1/(2*sqrt({a}))",),
                           domain=True)
SIN:        Final[Op] = Op("sin", "sin", math.sin, lambda a, out: (cos(a),), ("cos({a})",))
COS:        Final[Op] = Op("cos", "cos", math.cos, lambda a, out: (-sin(a),), ("-sin({a})",))
TANH:       Final[Op] = Op("tanh", "tanh", math.tanh, lambda a, out: (1.0 - out * out,), ("1 - {out}^2",))
SIGMOID:    Final[Op] = Op("sigmoid", "sigmoid", sigmoid_forward, lambda a, out: (out * (1.0 - out),),
                           ("{out}*(1 - {out})",))
RELU:       Final[Op] = Op("relu", "relu", _relu, lambda a, out: (step_above(a),), ("1 if {a} > 0 else 0",),
                           vjp=_relu_vjp)
LEAKY_RELU: Final[Op] = Op("leaky_relu", "leaky_relu", _leaky_relu, lambda a, out, p: (step(a, p),),
                           ("1 if {a} > 0 else {p}",), has_arg=True, template="leaky_relu({a}, {p})")
ELU:        Final[Op] = Op("elu", "elu", _elu, lambda a, out, p: (_elu_local(a, out, p),),
                           ("1 if {a} > 0 else {out} + {p}",), has_arg=True, template="elu({a}, {p})")
ABS:        Final[Op] = Op("abs", "abs", abs, lambda a, out: (sign(a),), ("sign({a})",))
SUM:        Final[Op] = Op("sum", "sum", _sum_forward, lambda xs, out: (1.0,) * len(xs), ("1",), variadic=True)
MAX:        Final[Op] = Op("max", "max", _max_forward, _pick, ("1 if {x} is the max else 0",), variadic=True,
                           vjp=_pick_vjp)
MIN:        Final[Op] = Op("min", "min", _min_forward, _pick, ("1 if {x} is the min else 0",), variadic=True,
                           vjp=_pick_vjp)
# fmt: on

SCALAR_OPS: tuple[Op, ...] = (ADD, SUB, MUL, DIV, NEG, POW, POW_VALUE, EXP, LOG, SQRT, SIN, COS,
                              TANH, SIGMOID, RELU, LEAKY_RELU, ELU, ABS, SUM, MAX, MIN)
"""Every scalar primitive, for tests and docs that iterate over the table."""
