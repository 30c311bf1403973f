"""``Value``: a scalar node of the engine, one float and its gradient.

Every operator and method here does the same three things: lift plain numbers into constant
nodes, compute the forward value with the op's own ``forward`` (see :mod:`autograd.ops`), and
record ``(op, parents)`` on the result. The chain rule lives in :mod:`autograd.engine`.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any

from autograd import ops
from autograd.engine import CONSTANT, LEAF, Node, mypyc_attr
from autograd.errors import DomainError
from autograd.op import Op

# What the operators take: a real number (int, float, numpy scalars, Fraction: anything
# ``numbers.Real``), or a Value for Operand. Spelled ``Any`` so that ``_lift`` checks it, with its
# own message, in the compiled build too: mypyc checks annotated argument types on entry, and
# ``int | float`` there would turn numpy scalars and Fractions away.
Number = Any
Operand = Any

def _lift(x: Any, op: str) -> Value:
    """A constant node for a plain number operand (``2`` in ``x * 2``)."""
    if isinstance(x, Value):
        return x
    if _is_number(x):
        return Value(float(x), _fn=CONSTANT)
    raise TypeError(f"unsupported operand for {op}: Value and {type(x).__name__}")


def _is_number(x: Any) -> bool:
    cls = x.__class__
    if cls is float or cls is int:  # the common case, without the slow ABC check
        return True
    return isinstance(x, numbers.Real) and cls is not bool


def _binary(fn: Op, a: Value, b: Value) -> Value:
    try:
        data = fn.forward(a.data, b.data)
    except (ArithmeticError, ValueError) as exc:
        raise DomainError(fn.name, (a, b), _reason(exc)) from None
    return Value(data, _fn=fn, _parents=(a, b))


def _unary(fn: Op, a: Value, arg: Any = None) -> Value:
    """One-input ops (``arg``: the constant of ``x ** 3``, ``leaky_relu(x, 0.1)``)."""
    try:
        data = fn.forward(a.data) if arg is None else fn.forward(a.data, arg)
    except (ArithmeticError, ValueError) as exc:
        raise DomainError(fn.name, (a,), _reason(exc)) from None
    if data.__class__ is not float:  # math.pow & co. may return an int or a complex
        data = float(data)
    return Value(data, _fn=fn, _parents=(a,), _arg=arg)


def _variadic(fn: Op, parents: tuple[Value, ...]) -> Value:
    try:
        data = fn.forward(*[p.data for p in parents])
    except (ArithmeticError, ValueError) as exc:
        raise DomainError(fn.name, parents, _reason(exc)) from None
    return Value(float(data), _fn=fn, _parents=parents)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ZeroDivisionError):
        return "division by zero"
    if isinstance(exc, OverflowError):
        return "the result overflows a float"
    return "outside the domain" if "domain" in str(exc) else str(exc)


@mypyc_attr(allow_interpreted_subclasses=True)
class Value(Node):
    """A scalar that remembers how it was computed.

    >>> x = Value(2.0, name="x")
    >>> y = (x ** 2 + 1) ** 3
    >>> y.backward()
    >>> x.grad                       # 6 x (x^2 + 1)^2
    300.0

    ``data`` is a float, ``grad`` the accumulated derivative (0.0 until ``backward``), ``op``
    and ``parents`` the record of the op that made it. ``==`` is identity (Values are graph
    nodes and may be dict keys); ``<``, ``>`` and friends compare ``data``.
    """

    __slots__ = ()

    def __init__(
        self,
        data: Number,
        name: str | None = None,
        *,
        _fn: Op = LEAF,
        _parents: tuple[Node, ...] = (),
        _arg: Any = None,
    ) -> None:
        if _fn is not LEAF:  # made by an op, or a constant operand: ``data`` is a float already
            Node.__init__(self, data, 0.0, _fn, _parents, _arg)
            return
        if isinstance(data, Value):
            raise TypeError("Value() takes a number; this is already a Value (use .data)")
        if not _is_number(data):
            raise TypeError(f"Value() takes a real number, got {type(data).__name__}: {data!r}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"Value name must be a str, got {type(name).__name__}")
        Node.__init__(self, float(data), 0.0, name=name)

    def __repr__(self) -> str:
        name = f"{self.name}=" if self.name else ""
        op = f", op={self.op!r}" if self._a is not None else ""
        return f"Value({name}{self.data:.6g}, grad={_grad_repr(self.grad)}{op})"

    # -- arithmetic ---------------------------------------------------------------------
    def __add__(self, other: Operand) -> Value:
        return _binary(ops.ADD, self, other if other.__class__ is Value else _lift(other, "+"))

    def __radd__(self, other: Number) -> Value:
        return _binary(ops.ADD, _lift(other, "+"), self)

    def __sub__(self, other: Operand) -> Value:
        return _binary(ops.SUB, self, other if other.__class__ is Value else _lift(other, "-"))

    def __rsub__(self, other: Number) -> Value:
        return _binary(ops.SUB, _lift(other, "-"), self)

    def __mul__(self, other: Operand) -> Value:
        return _binary(ops.MUL, self, other if other.__class__ is Value else _lift(other, "*"))

    def __rmul__(self, other: Number) -> Value:
        return _binary(ops.MUL, _lift(other, "*"), self)

    def __truediv__(self, other: Operand) -> Value:
        return _binary(ops.DIV, self, other if other.__class__ is Value else _lift(other, "/"))

    def __rtruediv__(self, other: Number) -> Value:
        return _binary(ops.DIV, _lift(other, "/"), self)

    def __pow__(self, exponent: Operand) -> Value:
        """``x ** p``: a number exponent is a constant of the op; a ``Value`` one is an input."""
        if isinstance(exponent, Value):
            return _binary(ops.POW_VALUE, self, exponent)
        if not _is_number(exponent):
            raise TypeError(f"unsupported exponent for **: {type(exponent).__name__}")
        return _unary(ops.POW, self, float(exponent))

    def __rpow__(self, base: Number) -> Value:
        return _binary(ops.POW_VALUE, _lift(base, "**"), self)

    def __neg__(self) -> Value:
        return _unary(ops.NEG, self)

    def __pos__(self) -> Value:
        return self

    def __abs__(self) -> Value:
        return _unary(ops.ABS, self)

    # -- comparisons (on data; equality stays identity) -----------------------------------
    def __lt__(self, other: Operand) -> bool:
        return self.data < _data(other)

    def __le__(self, other: Operand) -> bool:
        return self.data <= _data(other)

    def __gt__(self, other: Operand) -> bool:
        return self.data > _data(other)

    def __ge__(self, other: Operand) -> bool:
        return self.data >= _data(other)

    def __float__(self) -> float:
        return self.data

    # -- functions ----------------------------------------------------------------------
    def exp(self) -> Value:
        """``e^x``; raises :class:`DomainError` when the result overflows."""
        return _unary(ops.EXP, self)

    def log(self) -> Value:
        """Natural logarithm; raises :class:`DomainError` for ``x <= 0``."""
        return _unary(ops.LOG, self)

    def sqrt(self) -> Value:
        """Square root; raises :class:`DomainError` for ``x < 0``."""
        return _unary(ops.SQRT, self)

    def sin(self) -> Value:
        """Sine."""
        return _unary(ops.SIN, self)

    def cos(self) -> Value:
        """Cosine."""
        return _unary(ops.COS, self)

    def tanh(self) -> Value:
        """Hyperbolic tangent; its derivative is ``1 - tanh(x)^2``."""
        return _unary(ops.TANH, self)

    def sigmoid(self) -> Value:
        """Logistic sigmoid ``1 / (1 + e^-x)``; its derivative is ``a (1 - a)``."""
        return _unary(ops.SIGMOID, self)

    def relu(self) -> Value:
        """``max(0, x)``; derivative 1 for ``x > 0``, else 0."""
        return _unary(ops.RELU, self)

    def leaky_relu(self, slope: Number = 0.01) -> Value:
        """``x`` for ``x > 0``, else ``slope * x``."""
        return _unary(ops.LEAKY_RELU, self, float(slope))

    def elu(self, alpha: Number = 1.0) -> Value:
        """``x`` for ``x > 0``, else ``alpha (e^x - 1)``."""
        return _unary(ops.ELU, self, float(alpha))

    def abs(self) -> Value:
        """``|x|``; derivative ``sign(x)`` (0 at 0)."""
        return _unary(ops.ABS, self)

    # -- engine hooks --------------------------------------------------------------------
    def _seed(self, grad: Any, symbolic: bool) -> Any:
        seed = 1.0 if grad is None else grad
        if isinstance(seed, Value):
            return seed
        seed = float(seed)
        return _lift(seed, "seed") if symbolic else seed

    def _zero(self, symbolic: bool) -> Any:
        return _lift(0.0, "zero") if symbolic else 0.0


def _data(x: Operand) -> float:
    return x.data if isinstance(x, Value) else x


def _grad_repr(g: Any) -> str:
    return f"{g:.6g}" if isinstance(g, float) else repr(g)


def _values(xs: Iterable[Operand], op: str) -> tuple[Value, ...]:
    out = tuple(x if isinstance(x, Value) else _lift(x, op) for x in xs)
    if not out:
        raise ValueError(f"{op}() needs at least one value")
    return out


def sum_(values: Iterable[Operand]) -> Value:
    """The sum of many values as one node (one step in the backward pass, not n - 1)."""
    return _variadic(ops.SUM, _values(values, "sum_"))


def max_(*values: Operand | Iterable[Operand]) -> Value:
    """The largest of the values (given as arguments or one iterable), as one node.

    Its gradient goes to the first input that attains the maximum (a subgradient at ties).
    """
    return _variadic(ops.MAX, _values(_flatten(values), "max"))


def min_(*values: Operand | Iterable[Operand]) -> Value:
    """The smallest of the values, as one node; gradient to the first minimum."""
    return _variadic(ops.MIN, _values(_flatten(values), "min"))


def _flatten(values: tuple[Any, ...]) -> Iterable[Any]:
    if len(values) == 1 and not isinstance(values[0], (Value, numbers.Real)):
        return tuple(values[0])
    return values
