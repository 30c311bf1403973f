"""``Value``: a scalar node of the engine, one float and its gradient.

Every operator and method here does the same three things: lift plain numbers into constant
nodes, compute the forward value with the op's own ``forward`` (see :mod:`autograd.ops`), and
record ``(op, parents)`` on the result. The chain rule lives in :mod:`autograd.engine`.

Domain errors follow the rule a ``Tensor`` follows (see :mod:`autograd.errors`): an op whose
result is not finite where its inputs are raises :class:`DomainError` (``log(0)``, ``1 / 0``,
``exp(1000)``, ``1e200 / 1e-200``); NaN and infinity already in the inputs go through as IEEE
arithmetic (numpy) says, where Python's ``math`` would raise (``log(-inf)`` is NaN).
Inside :func:`autograd.detect_anomaly` every op checks its result for NaN and infinity.
"""

from __future__ import annotations

import math
import numbers
import reprlib
import sys
from collections.abc import Iterable
from typing import Any, ClassVar

import numpy as np

from autograd import ops
from autograd.engine import CONSTANT, FROZEN, LEAF, Node, _mode, check_anomaly, mypyc_attr
from autograd.errors import DomainError, check_name
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
        try:
            return Value(float(x), _fn=CONSTANT)
        except OverflowError:  # an int too big for a float: say so, naming the operand
            _real(x, f"the number operand of {op}")
    raise TypeError(f"unsupported operand for {op}: Value and {type(x).__name__}")


def _is_number(x: Any) -> bool:
    cls = x.__class__
    if cls is float or cls is int:  # the common case, without the slow ABC check
        return True
    return isinstance(x, numbers.Real) and cls is not bool


def _real(x: Any, what: str) -> float:
    """``x`` as a float, or an error that names the argument ``what`` (``"leaky_relu() slope"``),
    says what it got and what it takes: ``float()``'s own messages name none of these."""
    if not _is_number(x):
        raise TypeError(f"{what} must be a real number (int, float, numpy scalar), "
                        f"got {type(x).__name__}: {reprlib.repr(x)}")
    try:
        return float(x)
    except OverflowError:
        # an int's repr may have thousands of digits (and Python refuses to print more than 4300)
        got = f"about 10**{math.log10(abs(x)):.0f}" if isinstance(x, int) else f"a larger {type(x).__name__}"
        raise OverflowError(f"{what} must be at most {sys.float_info.max:.4g} in magnitude to fit in a "
                            f"float, got {got}") from None


def _binary(fn: Op, a: Value, b: Value) -> Value:
    try:
        data = fn.forward(a.data, b.data)
    except (ArithmeticError, ValueError) as exc:
        data = _ieee(fn, (a, b), exc)
    if (fn.domain and data - data != 0.0) or _mode.anomaly:  # (x - x != 0: x is inf or NaN)
        _check(fn, (a, b), data)
    return Value(data, _fn=fn, _parents=(a, b))


def _unary(fn: Op, a: Value, arg: Any = None) -> Value:
    """One-input ops (``arg``: the constant of ``x ** 3``, ``leaky_relu(x, 0.1)``)."""
    try:
        data = fn.forward(a.data) if arg is None else fn.forward(a.data, arg)
    except (ArithmeticError, ValueError) as exc:
        data = _ieee(fn, (a,), exc, arg)
    if data.__class__ is not float:  # math.pow & co. may return an int or a complex
        data = float(data)
    if (fn.domain and data - data != 0.0) or _mode.anomaly:  # (x - x != 0: x is inf or NaN)
        _check(fn, (a,), data)
    return Value(data, _fn=fn, _parents=(a,), _arg=arg)


def _variadic(fn: Op, parents: tuple[Value, ...]) -> Value:
    try:
        data = fn.forward(*[p.data for p in parents])
    except (ArithmeticError, ValueError) as exc:
        raise DomainError(fn.name, parents, _reason(exc)) from None
    if _mode.anomaly:
        check_anomaly(fn, parents, data)
    return Value(float(data), _fn=fn, _parents=parents)


# numpy's twins of the math functions that raise: what IEEE arithmetic gives (see _ieee)
_IEEE: dict[str, Any] = {"div": np.divide, "pow": np.power, "exp": np.exp, "log": np.log, "sqrt": np.sqrt,
                         "sin": np.sin, "cos": np.cos}


def _ieee(fn: Op, parents: tuple[Value, ...], exc: BaseException, arg: Any = None) -> float:
    """Where Python's ``math`` raised: a :class:`DomainError` if the inputs are finite (the
    rule), else the NaN or infinity that IEEE arithmetic gives (``log(-inf)``, ``sin(inf)``,
    ``inf / 0``), as a Tensor's op gives it: a NaN that is already there goes on."""
    values = [p.data for p in parents] + ([] if arg is None else [arg])
    twin = _IEEE.get(fn.name)
    if twin is None or all(math.isfinite(v) for v in values):
        raise DomainError(fn.name, parents, _reason(exc)) from None
    with np.errstate(all="ignore"):
        return float(twin(*values))


def _check(fn: Op, parents: tuple[Value, ...], data: float) -> None:
    """A domain op's result that is infinite where its inputs are finite overflowed (``math``
    raises for the rest): a DomainError, as a Tensor's. Inside detect_anomaly: any NaN or inf."""
    if fn.domain and not math.isfinite(data) and all(math.isfinite(p.data) for p in parents):
        raise DomainError(fn.name, parents, "the result overflows a float")
    if _mode.anomaly:
        check_anomaly(fn, parents, data)


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

    ``Value(data, name=None, requires_grad=True)``: ``data`` a real number (int, float, numpy
    scalar, Fraction), ``name`` a ``str`` shown in errors, traces and pictures; ``label=``
    (micrograd's spelling) is accepted for it. With ``requires_grad=False`` the input needs no
    gradient: a backward pass skips it (see :attr:`Node.requires_grad`).
    """

    __slots__ = ()
    # numpy arrays on the left of an operator defer to our reflected methods, which refuse them
    # as ``Value(2) * array`` does (not an object array of Values, which nothing here expects)
    __array_ufunc__: ClassVar[None] = None

    def __init__(
        self,
        data: Number,
        name: Any = None,  # not ``str | None``: the compiled build would word the error itself
        *,
        label: Any = None,
        requires_grad: object = True,
        _fn: Op = LEAF,
        _parents: tuple[Node, ...] = (),
        _arg: Any = None,
    ) -> None:
        if _fn is not LEAF:  # made by an op, or a constant operand: ``data`` is a float already
            Node.__init__(self, data, 0.0, _fn, _parents, _arg)
            return
        if isinstance(data, Value):
            raise TypeError("Value() takes a number; this is already a Value (use .data)")
        value = _real(data, "Value() data")
        argument = "name"
        if label is not None:  # micrograd's Value(2.0, label="x")
            if name is not None:
                raise TypeError(f"Value() takes name= or label= (the same thing), not both: "
                                f"got name={name!r}, label={label!r}")
            name, argument = label, "label"
        check_name(name, f"Value() {argument}")
        Node.__init__(self, value, 0.0, LEAF if requires_grad else FROZEN, name=name)

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
        return _unary(ops.LEAKY_RELU, self, _real(slope, "leaky_relu() slope"))

    def elu(self, alpha: Number = 1.0) -> Value:
        """``x`` for ``x > 0``, else ``alpha (e^x - 1)``."""
        return _unary(ops.ELU, self, _real(alpha, "elu() alpha"))

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
    """The operands of the n-ary op ``op`` as nodes (numbers become constants)."""
    try:
        items = iter(xs)
    except TypeError:  # iter()'s own message names neither the function nor what it takes
        raise TypeError(f"{op}() takes an iterable of Values and real numbers, "
                        f"got {type(xs).__name__}: {reprlib.repr(xs)}") from None
    out = tuple(x if isinstance(x, Value) else _constant(x, op) for x in items)
    if not out:
        raise ValueError(f"{op}() needs at least one value")
    return out


def _constant(x: Any, op: str) -> Value:
    """A constant node for a number among the operands of ``op``."""
    if not _is_number(x):
        raise TypeError(f"{op}() takes Values and real numbers, got {type(x).__name__}: {reprlib.repr(x)}")
    return Value(_real(x, f"a number given to {op}()"), _fn=CONSTANT)


def sum_(values: Iterable[Operand]) -> Value:
    """The sum of many values as one node (one step in the backward pass, not n - 1)."""
    return _variadic(ops.SUM, _values(values, "sum_"))


def max_(*values: Operand | Iterable[Operand]) -> Value:
    """The largest of the values (given as arguments or one iterable), as one node.

    Its gradient goes to the first input that attains the maximum (a subgradient at ties).
    """
    return _variadic(ops.MAX, _values(_flatten(values), "max_"))


def min_(*values: Operand | Iterable[Operand]) -> Value:
    """The smallest of the values, as one node; gradient to the first minimum."""
    return _variadic(ops.MIN, _values(_flatten(values), "min_"))


def _flatten(values: tuple[Any, ...]) -> Any:
    """``max_(a, b)`` or ``max_([a, b])``: the operands (``_values`` checks they are iterable)."""
    if len(values) == 1 and not isinstance(values[0], (Value, numbers.Real)):
        return values[0]
    return values
