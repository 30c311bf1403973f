"""Hypothesis strategies for random expression graphs over the whole scalar op set, and for
random Tensor graphs (:func:`tensor_graphs`) over every tensor op.

``expressions()`` draws an :class:`Expr`, a small expression tree that can be evaluated on
``Value``s (:meth:`Expr.evaluate`), turned into sympy (:meth:`Expr.to_sympy`) or written as
text (``str(expr)``, valid for the graph DSL and for ``sympy.parse_expr``). Ops with a
restricted domain are drawn already guarded (``log(x*x + 0.5)``, ``y / (x*x + 1)``), so most
draws are valid everywhere; what can still fail (``exp`` overflow) raises ``DomainError``,
which tests turn into ``hypothesis.assume(False)``. Trees shrink towards single variables.

Use them in your own tests::

    from hypothesis import given
    from autograd.testing.strategies import expressions, points

    @given(expressions(), points())
    def test_my_property(expr, env): ...

    @given(tensor_graphs())
    def test_tensor_property(graph):
        out, leaves = graph.evaluate(CHAINRULE)   # or the same ops in another library
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd.functional import cross_entropy, log_softmax, softmax
from autograd.tensor import Tensor, concatenate, maximum, minimum, stack, where
from autograd.value import Value, max_, min_, sum_

__all__ = ["Expr", "expressions", "points", "UNARY", "BINARY", "VARIADIC", "TensorGraph", "Step", "tensor_graphs",
           "CHAINRULE", "TENSOR_UNARY"]

UNARY = ("neg", "exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "leaky_relu", "elu", "abs",
         "pow")
BINARY = ("+", "-", "*", "/", "**")
VARIADIC = ("sum", "max", "min")


@dataclass(frozen=True)
class Expr:
    """A node of an expression tree: ``op`` is ``"var"``, ``"const"``, an operator of
    :data:`BINARY`, a function of :data:`UNARY` or :data:`VARIADIC`; ``arg`` is the variable name,
    the constant, the exponent of ``pow`` or the slope/alpha of ``leaky_relu``/``elu``."""

    op: str
    args: tuple[Expr, ...] = ()
    arg: Any = None

    # -- building ---------------------------------------------------------------------
    @staticmethod
    def var(name: str) -> Expr:
        return Expr("var", (), name)

    @staticmethod
    def const(value: float) -> Expr:
        return Expr("const", (), float(value))

    # -- using --------------------------------------------------------------------------
    def evaluate(self, env: Mapping[str, Value]) -> Value:
        """The expression as a graph of ``Value``s over the leaves in ``env``."""
        op, a = self.op, self.args
        if op == "var":
            return env[self.arg]
        if op == "const":
            return Value(self.arg)
        xs = [e.evaluate(env) for e in a]
        if op in BINARY:
            x, y = xs
            if op == "+":
                return x + y
            if op == "-":
                return x - y
            if op == "*":
                return x * y
            if op == "/":
                return x / y
            return x**y
        if op == "sum":
            return sum_(xs)
        if op == "max":
            return max_(xs)
        if op == "min":
            return min_(xs)
        (x,) = xs
        if op == "neg":
            return -x
        if op == "pow":
            return x**self.arg
        if op in ("leaky_relu", "elu"):
            return getattr(x, op)(self.arg)
        return getattr(x, op)()

    def to_sympy(self, symbols: Mapping[str, Any] | None = None) -> Any:
        """The same expression in sympy, over real symbols named like the variables."""
        import sympy

        def go(e: Expr) -> Any:
            if e.op == "var":
                return symbols[e.arg] if symbols and e.arg in symbols else sympy.Symbol(e.arg, real=True)
            if e.op == "const":
                return sympy.Float(e.arg)
            xs = [go(c) for c in e.args]
            table: dict[str, Any] = {
                "+": lambda x, y: x + y,
                "-": lambda x, y: x - y,
                "*": lambda x, y: x * y,
                "/": lambda x, y: x / y,
                "**": lambda x, y: x**y,
                "neg": lambda x: -x,
                "pow": lambda x: x ** sympy.Float(e.arg) if not float(e.arg).is_integer() else x ** int(e.arg),
                "exp": sympy.exp,
                "log": sympy.log,
                "sqrt": sympy.sqrt,
                "sin": sympy.sin,
                "cos": sympy.cos,
                "tanh": sympy.tanh,
                "sigmoid": lambda x: 1 / (1 + sympy.exp(-x)),
                "relu": lambda x: sympy.Piecewise((x, x > 0), (0, True)),
                "leaky_relu": lambda x: sympy.Piecewise((x, x > 0), (sympy.Float(e.arg) * x, True)),
                "elu": lambda x: sympy.Piecewise((x, x > 0), (sympy.Float(e.arg) * (sympy.exp(x) - 1), True)),
                "abs": sympy.Abs,
                "sum": lambda *x: sympy.Add(*x),
                "max": lambda *x: sympy.Max(*x),
                "min": lambda *x: sympy.Min(*x),
            }
            return table[e.op](*xs)

        return go(self)

    def variables(self) -> list[str]:
        """The variable names, in order of first appearance."""
        seen: list[str] = []
        stack: list[Expr] = [self]
        while stack:
            e = stack.pop()
            if e.op == "var" and e.arg not in seen:
                seen.append(e.arg)
            stack.extend(reversed(e.args))
        return seen

    def __str__(self) -> str:
        op, a = self.op, self.args
        if op == "var":
            return str(self.arg)
        if op == "const":
            return repr(self.arg) if self.arg >= 0 else f"({self.arg!r})"
        if op in BINARY:
            return f"({a[0]} {op} {a[1]})"
        if op == "neg":
            return f"(-{a[0]})"
        if op == "pow":
            return f"({a[0]} ** {_num(self.arg)})"
        if op in ("leaky_relu", "elu"):
            return f"{op}({a[0]}, {_num(self.arg)})"
        return f"{op}({', '.join(str(x) for x in a)})"


def _num(x: float) -> str:
    return repr(x) if x >= 0 else f"({x!r})"


def _positive(e: Expr, c: float) -> Expr:
    """``e*e + c``: a strictly positive argument for log, sqrt, division and powers."""
    return Expr("+", (Expr("*", (e, e)), Expr.const(c)))


_offsets = st.sampled_from([0.25, 0.5, 1.0, 2.0])


def _extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    unary = st.builds(
        lambda op, e, c: Expr(op, (_positive(e, c),)) if op in ("log", "sqrt") else Expr(op, (e,)),
        st.sampled_from(["neg", "exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "abs"]),
        children,
        _offsets,
    )
    with_arg = st.one_of(
        st.builds(lambda e, s: Expr("leaky_relu", (e,), s), children, st.sampled_from([0.01, 0.1, 0.3])),
        st.builds(lambda e, s: Expr("elu", (e,), s), children, st.sampled_from([0.5, 1.0, 2.0])),
        st.builds(lambda e, p: Expr("pow", (e,), p), children, st.sampled_from([2.0, 3.0])),
        st.builds(lambda e, c, p: Expr("pow", (_positive(e, c),), p), children, _offsets,
                  st.sampled_from([-1.0, 0.5, 1.5])),
    )
    binary = st.one_of(
        st.builds(lambda op, x, y: Expr(op, (x, y)), st.sampled_from(["+", "-", "*"]), children, children),
        st.builds(lambda x, y, c: Expr("/", (x, _positive(y, c))), children, children, _offsets),
        st.builds(lambda x, y, c: Expr("**", (_positive(x, c), Expr("tanh", (y,)))), children, children, _offsets),
    )
    variadic = st.builds(
        lambda op, xs: Expr(op, tuple(xs)), st.sampled_from(list(VARIADIC)), st.lists(children, min_size=1, max_size=4)
    )
    return st.one_of(unary, with_arg, binary, variadic)


def expressions(
    variables: Sequence[str] = ("x", "y"), max_leaves: int = 8, constants: bool = True
) -> st.SearchStrategy[Expr]:
    """Random expression trees over ``variables`` (and small constants), every op reachable."""
    leaf: st.SearchStrategy[Expr] = st.sampled_from([Expr.var(v) for v in variables])
    if constants:
        leaf = st.one_of(leaf, st.floats(-2, 2, allow_nan=False).map(lambda c: Expr.const(round(c, 3))))
    # deferred: the recursive strategy's own repr grows huge, and hypothesis computes it for reports
    return st.deferred(lambda: st.recursive(leaf, _extend, max_leaves=max_leaves))


def points(
    variables: Sequence[str] = ("x", "y"), low: float = -2.0, high: float = 2.0
) -> st.SearchStrategy[dict[str, float]]:
    """A value for each variable, drawn from ``[low, high]``."""
    return st.fixed_dictionaries(
        {v: st.floats(low, high, allow_nan=False, allow_infinity=False) for v in variables}
    )


# -- random Tensor graphs ---------------------------------------------------------------------

TENSOR_UNARY = ("neg", "exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "abs", "leaky_relu", "elu",
                "pow", "pow_neg", "clip")
"""The elementwise ops :func:`tensor_graphs` draws (``log``, ``sqrt``, ``pow_neg``, ``exp`` guarded, see
:meth:`TensorGraph.evaluate`)."""


@dataclass(frozen=True)
class Step:
    """One node of a :class:`TensorGraph`: ``op`` applied to the earlier nodes ``inputs`` with ``arg``
    (an axis, a shape, an index, a constant...); ``op == "leaf"`` is the input ``arg``."""

    op: str
    inputs: tuple[int, ...] = ()
    arg: Any = None


@dataclass(frozen=True)
class TensorGraph:
    """A random graph of tensor ops: input arrays, steps over them, and the weights that make its
    last node a scalar (``sum(last * weights)``), written once and run in any library."""

    leaves: tuple[np.ndarray, ...]
    steps: tuple[Step, ...]
    weights: np.ndarray

    def evaluate(self, ops: Mapping[str, Callable[..., Any]]) -> tuple[Any, list[Any]]:
        """The scalar output and the input nodes, built with ``ops`` (:data:`CHAINRULE`, or the
        same names in another library: ``leaf`` makes an input node from an array, the others
        are the ops, numpy's spelling of axes and indexes). Ops with a restricted domain are
        guarded here, in the same way for every library: ``log(x*x + c)``, ``x / (y*y + c)``..."""
        leaves = [ops["leaf"](a) for a in self.leaves]
        nodes: list[Any] = []
        for step in self.steps:
            x = [nodes[i] for i in step.inputs]
            op, arg = step.op, step.arg
            if op == "leaf":
                nodes.append(leaves[arg])
            elif op in ("log", "sqrt"):  # a positive argument
                nodes.append(ops[op](ops["add"](ops["mul"](x[0], x[0]), arg)))
            elif op == "exp":  # no overflow along a chain of exps
                nodes.append(ops["exp"](ops["tanh"](x[0])))
            elif op == "pow_neg":
                c, p = arg
                nodes.append(ops["pow"](ops["add"](ops["mul"](x[0], x[0]), c), p))
            elif op == "div":
                nodes.append(ops["div"](x[0], ops["add"](ops["mul"](x[1], x[1]), arg)))
            elif op == "pow_tensor":  # a positive base, an exponent in (-1, 1)
                nodes.append(ops["pow_tensor"](ops["add"](ops["mul"](x[0], x[0]), arg), ops["tanh"](x[1])))
            elif op in ("concatenate", "stack"):
                nodes.append(ops[op](x, arg))
            elif op in _NO_ARG:  # (an index may be None: None is no "no argument")
                nodes.append(ops[op](*x))
            else:
                nodes.append(ops[op](*x, arg))
        out = ops["sum"](ops["mul"](nodes[-1], ops["const"](self.weights)), (None, False))
        return out, leaves


_NO_ARG = frozenset({"neg", "sin", "cos", "tanh", "sigmoid", "relu", "abs", "add", "sub", "mul", "matmul", "maximum",
                     "minimum"})


def _reduce(name: str) -> Callable[[Tensor, tuple[Any, bool]], Tensor]:
    return lambda x, arg: getattr(x, name)(axis=arg[0], keepdims=arg[1])


CHAINRULE: dict[str, Callable[..., Any]] = {
    "leaf": Tensor, "const": lambda a: a,
    "neg": lambda x: -x, "exp": lambda x: x.exp(), "log": lambda x: x.log(), "sqrt": lambda x: x.sqrt(),
    "sin": lambda x: x.sin(), "cos": lambda x: x.cos(), "tanh": lambda x: x.tanh(), "sigmoid": lambda x: x.sigmoid(),
    "relu": lambda x: x.relu(), "abs": lambda x: abs(x), "leaky_relu": lambda x, s: x.leaky_relu(s),
    "elu": lambda x, a: x.elu(a), "pow": lambda x, p: x**p, "pow_tensor": lambda x, y: x**y,
    "add": lambda x, y: x + y, "sub": lambda x, y: x - y, "mul": lambda x, y: x * y, "div": lambda x, y: x / y,
    "matmul": lambda x, y: x @ y, "sum": _reduce("sum"), "mean": _reduce("mean"), "max": _reduce("max"),
    "min": _reduce("min"), "var": lambda x, arg: x.var(axis=arg[0], keepdims=arg[1], ddof=arg[2]),
    "reshape": lambda x, shape: x.reshape(shape), "transpose": lambda x, axes: x.transpose(axes),
    "getitem": lambda x, index: x[index], "concatenate": concatenate, "stack": stack,
    "softmax": softmax, "log_softmax": log_softmax,
    "clip": lambda x, bounds: x.clip(*bounds), "maximum": maximum, "minimum": minimum,
    "where": lambda x, y, condition: where(condition, x, y),
    "squeeze": lambda x, axis: x.squeeze(axis), "expand_dims": lambda x, axis: x.expand_dims(axis),
    "flatten": lambda x, axes: x.flatten(*axes), "broadcast_to": lambda x, shape: x.broadcast_to(shape),
    "sum_to": lambda x, shape: x.sum_to(shape),
    "cross_entropy": lambda x, arg: cross_entropy(x, arg[0], reduction=arg[1], label_smoothing=arg[2]),
}
"""chainrule's ops under the names :meth:`TensorGraph.evaluate` calls."""

_dims = st.integers(1, 3)


def _broadcast_partner(draw: Any, shape: tuple[int, ...]) -> tuple[int, ...]:
    """A shape that broadcasts with ``shape``: some leading axes dropped or one added, some set to 1."""
    drop = draw(st.integers(0, len(shape)))
    partner = [1 if draw(st.booleans()) else n for n in shape[drop:]]
    if not drop and draw(st.integers(0, 4)) == 0:
        partner.insert(0, draw(_dims))
    return tuple(partner)


def _axis_arg(draw: Any, ndim: int) -> Any:
    """A reduction's axis as numpy takes it: None, one axis or a tuple, negative ones included."""
    if ndim == 0:
        return draw(st.sampled_from([None, 0, -1]))
    kind = draw(st.integers(0, 2))
    if kind == 0:
        return None
    axes = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
    signed = tuple(a - ndim if draw(st.booleans()) else a for a in axes)
    return signed[0] if kind == 1 else signed


def _index_arg(draw: Any, shape: tuple[int, ...]) -> Any:
    """A numpy index into ``shape``: ints, slices, ``None``, ``...``, and at most one integer array
    or boolean mask (then no int: numpy moves mixed advanced indexes around, and so does PyTorch,
    but not always alike)."""
    parts: list[Any] = []
    advanced = draw(st.sampled_from([None, "array", "mask"]))
    at = draw(st.integers(0, max(0, len(shape) - 1)))
    ellipsis = len(shape) > 0 and draw(st.booleans())
    for axis, n in enumerate(shape):
        if draw(st.integers(0, 4)) == 0:
            parts.append(None)
        if n == 0:  # (an axis a mask emptied)
            parts.append(slice(None))
            continue
        if ellipsis and axis == at and advanced is None:
            parts.append(Ellipsis)
            break
        if advanced and axis == at:
            if advanced == "array":
                parts.append(np.array(draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=3))))
            else:
                parts.append(np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n))))
        elif advanced is None and draw(st.integers(0, 3)) == 0:
            parts.append(draw(st.integers(-n, n - 1)))
        else:
            start = draw(st.integers(0, n - 1))
            parts.append(slice(start, draw(st.integers(start + 1, n)), draw(st.integers(1, 2))))
    if not shape and draw(st.booleans()):
        parts.append(Ellipsis)
    if draw(st.integers(0, 4)) == 0:
        parts.append(None)
    return parts[0] if len(parts) == 1 and draw(st.booleans()) else tuple(parts)


@st.composite
def tensor_graphs(draw: Any, max_steps: int = 6, max_ndim: int = 3) -> TensorGraph:
    """Random graphs of every tensor op: shapes of 0 to ``max_ndim`` axes, broadcasting, reductions
    over negative axes and tuples of them, reshapes, transposes by negative axes, numpy indexing
    (``None``, ``...``, integer arrays, boolean masks), ``@``, joins and softmax; float64 inputs in
    [-2, 2]. Shapes are tracked with numpy as steps are drawn, so every graph is valid."""
    leaves: list[np.ndarray] = []
    steps: list[Step] = []
    shapes: list[tuple[int, ...]] = []

    def leaf(shape: tuple[int, ...]) -> int:
        leaves.append(draw(hnp.arrays(np.float64, shape, elements=st.floats(-2, 2, width=32))))
        steps.append(Step("leaf", (), len(leaves) - 1))
        shapes.append(shape)
        return len(steps) - 1

    def add(op: str, inputs: tuple[int, ...], arg: Any, result: Any) -> None:
        steps.append(Step(op, inputs, arg))
        shapes.append(np.shape(result))

    leaf(tuple(draw(st.lists(_dims, max_size=max_ndim))))
    for _ in range(draw(st.integers(1, max_steps))):
        i = draw(st.integers(0, len(steps) - 1))
        shape = shapes[i]
        probe = np.zeros(shape)
        kind = draw(st.sampled_from(["unary", "binary", "binary", "reduce", "reshape", "reshape", "transpose", "index",
                                     "index", "matmul", "join", "softmax", "where", "broadcast", "cross_entropy"]))
        if kind == "unary":
            op = draw(st.sampled_from(TENSOR_UNARY))
            arg: Any = {"log": 0.5, "sqrt": 0.25, "leaky_relu": 0.1, "elu": 1.5}.get(op)
            if op == "pow":
                arg = draw(st.sampled_from([2.0, 3.0, 1.0, 0.0]))
            elif op == "pow_neg":
                arg = (0.5, draw(st.sampled_from([-1.5, -1.0, 0.5, 1.5])))
            elif op == "clip":  # (bounds the data can hit exactly: the gradient passes there)
                arg = draw(st.sampled_from([(-0.5, 0.5), (None, 0.0), (-1.0, None), (1.0, 1.0)]))
            add(op, (i,), arg, probe)
        elif kind == "binary":
            partners = [j for j, s in enumerate(shapes) if _broadcasts(shape, s)]
            j = draw(st.sampled_from(partners)) if draw(st.booleans()) else leaf(_broadcast_partner(draw, shape))
            op = draw(st.sampled_from(["add", "sub", "mul", "div", "pow_tensor", "maximum", "minimum"]))
            pair = (j, i) if draw(st.booleans()) else (i, j)
            add(op, pair, 0.5 if op in ("div", "pow_tensor") else None, probe + np.zeros(shapes[j]))
        elif kind == "reduce":
            arg = (_axis_arg(draw, len(shape)), draw(st.booleans()))
            ops = ["sum", "mean", "max", "min", "var"] if probe.size else ["sum", "mean"]  # (no max of nothing)
            op = draw(st.sampled_from(ops))
            if op == "var":  # a divisor n - ddof > 0
                n = probe.size // max(1, probe.sum(axis=arg[0], keepdims=True).size)
                arg = (*arg, draw(st.sampled_from([0, 1])) if n > 1 else 0)
            add(op, (i,), arg, probe.sum(axis=arg[0], keepdims=arg[1]))
        elif kind == "reshape":
            ones = [a for a, n in enumerate(shape) if n == 1]
            op = draw(st.sampled_from(["reshape", "expand_dims", "flatten"] + (["squeeze"] if ones else [])))
            if op == "reshape":
                arg = draw(st.sampled_from([(-1,), tuple(reversed(shape)), (*shape, 1), (1, *shape)]))
                result = probe.reshape(arg)
            elif op == "squeeze":
                arg = draw(st.sampled_from([None, *[a - len(shape) for a in ones], tuple(ones)]))
                result = np.squeeze(probe, arg)
            elif op == "expand_dims":
                arg = draw(st.integers(-len(shape) - 1, len(shape)))
                result = np.expand_dims(probe, arg)
            else:  # flatten from one axis to a later one (numpy has no such op: the shape by hand)
                n = max(1, len(shape))
                start = draw(st.integers(0, n - 1))
                arg = (start, draw(st.integers(start, n - 1)) - draw(st.sampled_from([0, n])))
                dims = shape or (1,)
                result = np.zeros(dims[:start] + (int(np.prod(dims[start:arg[1] % n + 1])),) + dims[arg[1] % n + 1:])
            add(op, (i,), arg, result)
        elif kind == "transpose":
            order = draw(st.permutations(range(len(shape))))
            axes = tuple(a - len(shape) if draw(st.booleans()) else a for a in order)
            add("transpose", (i,), axes, probe.transpose(axes))
        elif kind == "index":
            index = _index_arg(draw, shape)
            add("getitem", (i,), index, probe[index])
        elif kind == "matmul" and shape:
            # a partner for either side by numpy's rules: a vector, a matrix, or a stack of
            # matrices whose batch axes broadcast with this one's
            if draw(st.booleans()):  # this @ partner
                inner, batch = shape[-1], shape[:-2]
                partner = (inner,) if draw(st.booleans()) else (*_batch(draw, batch), inner, draw(_dims))
                j = leaf(partner)
                add("matmul", (i, j), None, probe @ np.zeros(partner))
            else:  # partner @ this
                inner, batch = shape[-2] if len(shape) > 1 else shape[0], shape[:-2]
                partner = (inner,) if draw(st.booleans()) else (*_batch(draw, batch), draw(_dims), inner)
                j = leaf(partner)
                add("matmul", (j, i), None, np.zeros(partner) @ probe)
        elif kind == "join" and shape:
            j = draw(st.sampled_from([i, leaf(shape)]))
            stacked = draw(st.booleans())
            axis = draw(st.integers(-len(shape) - stacked, len(shape) - 1 + stacked))
            join = np.stack if stacked else np.concatenate
            add("stack" if stacked else "concatenate", (i, j), axis, join([probe, probe], axis=axis))
        elif kind == "softmax" and shape:
            add(draw(st.sampled_from(["softmax", "log_softmax"])), (i,), draw(st.integers(-len(shape), len(shape) - 1)),
                probe)
        elif kind == "where":
            partners = [j for j, s in enumerate(shapes) if _broadcasts(shape, s)]
            j = draw(st.sampled_from(partners)) if draw(st.booleans()) else leaf(_broadcast_partner(draw, shape))
            both = np.broadcast_shapes(shape, shapes[j])
            condition = draw(hnp.arrays(np.bool_, _broadcast_partner(draw, both)))
            pair = (i, j) if draw(st.booleans()) else (j, i)
            add("where", pair, condition, np.where(condition, probe, np.zeros(both)))
        elif kind == "broadcast":
            if draw(st.booleans()):  # to a shape this one broadcasts to
                target = tuple(draw(_dims) if n == 1 and draw(st.booleans()) else n for n in shape)
                target = (draw(_dims),) * draw(st.integers(0, 1)) + target
                add("broadcast_to", (i,), target, np.broadcast_to(probe, target))
            else:  # summed to a shape that broadcasts to this one
                target = tuple(1 if draw(st.booleans()) else n for n in shape[draw(st.integers(0, len(shape))):])
                add("sum_to", (i,), target, np.zeros(target))
        elif kind == "cross_entropy" and len(shape) == 2 and probe.size:
            m, classes = shape
            if draw(st.booleans()):  # integer labels, some ignored (PyTorch's -100)
                labels: Any = np.array(draw(st.lists(st.sampled_from([*range(classes), -100]), min_size=m, max_size=m)))
            else:  # probabilities
                raw = draw(hnp.arrays(np.float64, shape, elements=st.floats(0.0625, 1, width=32)))
                labels = raw / raw.sum(axis=1, keepdims=True)
            reduction = draw(st.sampled_from(["mean", "sum", "none"]))
            if reduction == "mean" and labels.dtype.kind == "i" and (labels == -100).all():
                labels[0] = 0  # (no label to average over: a NaN loss, whose gradient is 0 in both libraries)
            arg = (labels, reduction, draw(st.sampled_from([0.0, 0.0, 0.1, 1.0])))
            add("cross_entropy", (i,), arg, np.zeros(m if reduction == "none" else ()))
    weights = draw(hnp.arrays(np.float64, shapes[-1], elements=st.floats(-2, 2, width=32)))
    return TensorGraph(tuple(leaves), tuple(steps), weights)


def _batch(draw: Any, batch: tuple[int, ...]) -> tuple[int, ...]:
    """Batch axes for the other operand of ``@``: broadcasting with ``batch`` (some set to 1, some
    leading ones dropped, or one added), or none."""
    if not batch:
        return () if draw(st.booleans()) else (draw(_dims),) * draw(st.integers(0, 1))
    return _broadcast_partner(draw, batch)


def _broadcasts(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    try:
        np.broadcast_shapes(a, b)
    except ValueError:
        return False
    return True
