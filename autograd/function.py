"""Ops you define yourself: subclass :class:`Function`, write the forward and the local derivatives.

This is how DeZero's ``Function`` and minitorch's ``ScalarFunction`` let students write backprop
themselves, on chainrule's op records: the class becomes one :class:`~autograd.op.Op`, as every
built-in op is, so the engine applies its chain rule, ``viz`` draws it with its formula on the
edges and ``viz.steps`` explains its steps, exactly as for ``*`` or ``tanh``::

    class Cube(Function):
        formulas = ("3*{a}^2",)                  # optional: what pictures and traces show
        @staticmethod
        def forward(a): return a ** 3            # on the inputs' data: floats, or arrays
        @staticmethod
        def local(a, out): return (3 * a ** 2,)  # d out / d input, one per input

    y = Cube.apply(x)                            # a Value or a Tensor; numbers become constants

``local(*inputs, out)`` is the op's local derivatives, one per input. In a plain backward pass it
receives the inputs' and the output's data (floats for ``Value``s, arrays for ``Tensor``s), and
the engine multiplies each by the upstream gradient (for Tensors elementwise, summed back over
broadcast axes). Under ``create_graph=True`` it receives the graph nodes themselves: written with
``+ - * / **`` and the nodes' methods (``exp``, ``log``, ``tanh``...), the same line then builds a
graph, and second derivatives work. (A ``local`` that calls ``math`` or numpy returns plain
numbers there, whose own derivative counts as 0: ``gradcheck(..., second_order=True)`` tells.)

An op whose Jacobian is not diagonal (a matrix product, a softmax) defines ``vjp(grad, *inputs,
out)`` instead (or as well), which returns each input's contribution ``grad * d out / d input``
itself, of the input's shape. ``None`` as a derivative or a contribution means "no gradient for
this input". Keyword arguments of ``apply`` are the op's constants (a slope, an axis): they are
passed to ``forward``, ``local`` and ``vjp`` as keywords, recorded on the node (``node.arg``) and
usable in formulas by name (``{slope}``); they are not differentiated.

:func:`autograd.testing.gradcheck` checks such an op against finite differences in one call
(``gradcheck(Cube, [2.0])``), and when it disagrees names the op, the input and the element.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy as np

from autograd.engine import Node, anomaly_enabled, check_anomaly
from autograd.errors import DomainError, positions
from autograd.op import Op
from autograd.tensor import Tensor
from autograd.tensor_ops import unbroadcast
from autograd.value import Value, _lift

__all__ = ["Function", "Constants"]


class Constants(dict[str, Any]):
    """The keyword constants of one call of a user's op (``slope=0.1``), as ``node.arg`` holds
    them; written ``slope=0.1`` in pictures and formulas."""

    def __str__(self) -> str:
        return ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in self.items())


class Function:
    """The base class of an op you define: subclass it, give ``forward`` and ``local`` (or
    ``vjp``) as static methods, then call ``YourOp.apply(*inputs, **constants)``.

    Class attributes a subclass may set:
        formulas: one human formula per input for ``d out / d input``, with ``{a}``, ``{b}``...
            for the inputs' names, ``{out}`` for the output's and ``{name}`` for a constant
            (default: ``YourOp.local[i]``, which says where the number comes from).
        symbol: what pictures draw in the op's box (default: the class name).
        template: how traces write the operation, e.g. ``"{a}^3"`` (default: ``Cube({a})``).

    The record built from the class is ``YourOp.op`` (an :class:`~autograd.op.Op`): its
    ``name`` (the class name) is what errors, traces and ``gradcheck`` call the op.
    """

    formulas: ClassVar[tuple[str, ...]] = ()
    symbol: ClassVar[str] = ""
    template: ClassVar[str] = ""
    op: ClassVar[Op]
    arity: ClassVar[int]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.arity = _arity(cls)
        cls.op = _record(cls)

    def __init__(self) -> None:
        raise TypeError(f"{type(self).__name__} is an op: call {type(self).__name__}.apply(...), do not instantiate it")

    @classmethod
    def apply(cls, *inputs: Any, **constants: Any) -> Any:
        """Run the op: a new node (a ``Value`` or a ``Tensor``, as the inputs are) that records it.

        Plain numbers (and, beside Tensors, arrays) among the inputs become constants, as in
        ``x * 2``; at least one input must be a ``Value`` or a ``Tensor``.
        """
        op = cls.op
        if len(inputs) != cls.arity:
            raise TypeError(f"{op.name}.apply takes {cls.arity} input{'s' * (cls.arity != 1)} (as {op.name}.forward), "
                            f"got {len(inputs)}")
        parents = _nodes(op.name, inputs)
        arg = Constants(constants) if constants else None
        try:
            with np.errstate(all="ignore"):  # a result that is not finite raises below, saying more than numpy
                data = cls.forward(*[p.data for p in parents], **constants)  # type: ignore[attr-defined]
        except (ArithmeticError, ValueError) as exc:
            if isinstance(exc, ValueError) and "domain" not in str(exc):  # a bug, not a domain error: as it is
                raise
            raise DomainError(op.name, parents, str(exc) or type(exc).__name__) from None
        if isinstance(parents[0], Value):
            out: Node = Value(_number(op.name, data), _fn=op, _parents=parents, _arg=arg)
        else:
            out = Tensor(np.asarray(data), _fn=op, _parents=parents, _arg=arg)
        _check_finite(op, parents, out.data)
        return out


def _arity(cls: type[Function]) -> int:
    """How many inputs the op takes: ``forward``'s positional parameters without a default (the
    others are constants, given to ``apply`` by keyword). Checks that the class defines what an
    op needs, naming what is missing."""
    name = cls.__name__
    forward = getattr(cls, "forward", None)
    if forward is None:
        raise TypeError(f"{name} needs a forward(*inputs) static method: the op's output from its inputs' data")
    if getattr(cls, "local", None) is None and getattr(cls, "vjp", None) is None:
        raise TypeError(f"{name} needs local(*inputs, out) (the local derivatives, one per input) or "
                        "vjp(grad, *inputs, out) (each input's contribution): the engine's half of the op")
    try:
        params = inspect.signature(forward).parameters.values()
    except ValueError:  # a builtin such as math.log, whose optional arguments have no signature
        raise TypeError(f"{name}.forward must be a Python function that names its inputs (def forward(a): ...)") \
            from None
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params):
        raise TypeError(f"{name}.forward must name its inputs (forward(a, b)), not take *args")
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    n = sum(p.kind in positional and p.default is inspect.Parameter.empty for p in params)
    if n == 0:
        raise TypeError(f"{name}.forward takes no inputs")
    if cls.formulas and len(cls.formulas) != n:
        raise TypeError(f"{name}.formulas has {len(cls.formulas)} formula{'s' * (len(cls.formulas) != 1)}, "
                        f"for {n} input{'s' * (n != 1)} (one d out / d input each)")
    return n


def _record(cls: type[Function]) -> Op:
    """The op record of ``cls``: what the engine, the traces and the pictures read."""
    n = cls.arity
    name = cls.__name__
    local = getattr(cls, "local", None)
    formulas = cls.formulas or tuple(f"{name}.local[{i}]" if local else f"{name}.vjp" for i in range(n))
    symbol = cls.symbol or name
    template = cls.template or f"{symbol}({', '.join('{' + c + '}' for c in 'abcdefgh'[:n])})"
    step = _Step(cls)
    return Op(name, symbol, cls.forward, step.partials, formulas,  # type: ignore[attr-defined]
              has_arg=True, template=template, vjp=step)


class _Step:
    """The chain-rule step of a user's op, given to its :class:`~autograd.op.Op` as ``vjp``; its
    ``partials`` are the record's ``local`` (what ``node.local_grads`` and ``viz`` show).

    It calls the user's ``local`` or ``vjp``, checks what they return (one entry per input)
    and makes each contribution fit its input: a float for a ``Value``, summed back over the
    broadcast axes for a ``Tensor``. ``function`` is the user's class (``gradcheck`` looks it up).
    """

    def __init__(self, function: type[Function]) -> None:
        self.function = function
        self.local: Callable[..., Any] | None = getattr(function, "local", None)
        self.vjp: Callable[..., Any] | None = getattr(function, "vjp", None)

    def partials(self, *args: Any) -> Sequence[Any]:
        """The record's ``local(*inputs, out, arg)``: the user's ``local``, or ``None`` per input
        when the op has only a ``vjp`` (its Jacobian is no list of numbers)."""
        *values, arg = args
        if self.local is None:
            return (None,) * self.function.arity
        return self._call(self.local, "local", values, arg, values[-1])

    def __call__(self, node: Node, g: Any, symbolic: bool) -> tuple[Any, ...]:
        parents = node.parents
        values: list[Any] = [*parents, node] if symbolic else [*(p.data for p in parents), node.data]
        if self.vjp is not None:
            contributions = self._call(self.vjp, "vjp", [g, *values], node.arg, values[-1])
        else:
            assert self.local is not None
            contributions = [None if d is None else g * d
                             for d in self._call(self.local, "local", values, node.arg, values[-1])]
        return tuple(_fit(self.function.op.name, c, p) for c, p in zip(contributions, parents))

    def _call(self, fn: Callable[..., Any], what: str, args: list[Any], arg: Any, out: Any) -> Sequence[Any]:
        name = self.function.op.name
        try:
            result = fn(*args, **(arg or {}))
        except (ArithmeticError, ValueError) as exc:
            if isinstance(exc, ArithmeticError) or "domain" in str(exc):
                raise  # the engine says the derivative is undefined there (a DomainError)
            # a bug in the op (shapes that do not fit): not a domain error, which the engine would make of it
            raise RuntimeError(f"{name}.{what} failed: {exc}") from exc
        except TypeError as exc:
            if not isinstance(out, Node):
                raise
            raise TypeError(f"{name}.{what} failed on graph nodes (create_graph=True): write it with + - * / ** "
                            f"and the nodes' methods (exp, log, tanh...), which build a graph, not with math or "
                            f"numpy functions ({exc})") from None
        if not isinstance(result, (tuple, list)) or len(result) != self.function.arity:
            got = f"{len(result)} entries" if isinstance(result, (tuple, list)) else type(result).__name__
            raise TypeError(f"{name}.{what} must return a tuple of {self.function.arity} (one per input, in order), "
                            f"got {got}: return (d,) for one input")
        return result


def _fit(name: str, c: Any, parent: Node) -> Any:
    """A contribution as the engine takes it for ``parent``: a float for a ``Value`` (a
    ``local`` may give ints or numpy scalars), the input's shape for a ``Tensor`` when numpy
    broadcast the op's inputs (summed back, as a built-in op's step does)."""
    if c is None:
        return None
    data = parent.data
    if isinstance(data, float):
        return c if isinstance(c, Node) else float(c)
    shape = np.shape(c.data if isinstance(c, Node) else c)
    if shape != data.shape and len(shape) >= len(data.shape):
        try:
            np.broadcast_shapes(shape, data.shape)
        except ValueError:
            return c  # the engine says which op gave which input a gradient of the wrong shape
        return unbroadcast(c if isinstance(c, Node) else np.asarray(c), data.shape)
    return c


def _nodes(name: str, inputs: Sequence[Any]) -> tuple[Node, ...]:
    """The inputs as nodes of one data type: numbers (and arrays beside Tensors) become constants."""
    first = next((x for x in inputs if isinstance(x, Node)), None)
    if isinstance(first, Value):
        if any(isinstance(x, Node) and not isinstance(x, Value) for x in inputs):
            raise TypeError(f"{name}.apply: Values and Tensors cannot be mixed in one op")
        return tuple(_lift(x, f"{name}.apply") for x in inputs)
    if isinstance(first, Tensor):
        if any(isinstance(x, Node) and not isinstance(x, Tensor) for x in inputs):
            raise TypeError(f"{name}.apply: Values and Tensors cannot be mixed in one op")
        return tuple(first._lift(x) for x in inputs)
    raise TypeError(f"{name}.apply needs a Value or a Tensor among its inputs (numbers alone make no graph); "
                    f"got {', '.join(type(x).__name__ for x in inputs)}")


def _number(name: str, data: Any) -> float:
    """A forward's result on Values as a float (numpy's scalars and 1-element arrays too)."""
    try:
        return float(data)
    except (TypeError, ValueError):
        raise TypeError(f"{name}.forward must return a number for Value inputs, got {type(data).__name__}"
                        f"{f' of shape {np.shape(data)}' if hasattr(data, 'shape') else ''}") from None


def _check_finite(op: Op, parents: tuple[Node, ...], data: Any) -> None:
    """The library's rule for every op (:mod:`autograd.errors`): a result that is NaN or infinite
    where the inputs are finite raises :class:`DomainError`; inside ``detect_anomaly`` any does."""
    if isinstance(data, float):
        bad = not math.isfinite(data)
    else:
        bad = not bool(np.isfinite(data).all())
    if bad and all(bool(np.isfinite(p.data).all()) for p in parents):
        where = "" if isinstance(data, float) else f" at {positions(~np.isfinite(data))}"
        raise DomainError(op.name, parents, f"the result is not finite{where}")
    if anomaly_enabled():
        check_anomaly(op, parents, data)
