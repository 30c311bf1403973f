"""Hypothesis strategies for random expression graphs over the whole scalar op set.

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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from autograd.value import Value, max_, min_, sum_

__all__ = ["Expr", "expressions", "points", "UNARY", "BINARY", "VARIADIC"]

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
