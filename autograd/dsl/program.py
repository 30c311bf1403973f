"""A parsed program: its inputs, outputs and defaults, evaluated into a live graph.

``Program`` checks the statements once (every name defined once, no cycles, no unused
declarations), then builds a fresh graph on every call: scalar ``Value``s for numbers, ``Tensor``s
for arrays. Its text form (``str(program)``) is canonical: minimal parentheses, ``**`` for
powers, one statement per line, and ``parse(str(p))`` gives the same program back.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

from autograd.dsl.errors import DSLError
from autograd.dsl.syntax import (
    PARAMETER_FUNCTIONS,
    Binary,
    Call,
    Expr,
    Name,
    Num,
    Statement,
    Unary,
    number_value,
    parse_statements,
)
from autograd.engine import constant
from autograd.errors import DomainError
from autograd.value import Value, max_, min_, sum_


class Program:
    """A program of ``name = expression`` statements, callable with values for its inputs.

    Attributes:
        inputs: names read before they are assigned, in order of first appearance (including
            those declared with a default, ``x = 2.0``).
        outputs: assigned names, in order; the last one is :attr:`root`.
        defaults: the declared default value of each input that has one.
        statements: the parsed statements (declarations excluded).
    """

    def __init__(self, source: str) -> None:
        self.source = source
        parsed = parse_statements(source)
        self.defaults: dict[str, float] = {}
        self.statements: list[Statement] = []
        inputs: dict[str, Name | Statement] = {}  # name -> where first read (or declared)
        assigned: dict[str, Statement] = {}
        declared: dict[str, Statement] = {}
        used: set[str] = set()
        for st in parsed:
            where = assigned.get(st.target) or declared.get(st.target)
            if where is not None:
                raise self._error(st, f"{st.target!r} is assigned twice (first on line {where.line})",
                                  "give the new value another name")
            if _is_literal(st.value):  # a declaration: an input with a default, wherever it stands
                declared[st.target] = st
                inputs.setdefault(st.target, st)
                self.defaults[st.target] = number_value(st.value)
                continue
            for name in _names(st.value):
                used.add(name.id)
                if name.id == st.target:
                    raise self._error(name, f"{st.target!r} is defined in terms of itself",
                                      "a program is a graph without cycles: use a new name")
                if name.id not in assigned and name.id not in inputs:
                    inputs[name.id] = name
            if st.target in inputs and st.target not in declared:
                first = inputs[st.target]
                raise self._error(st, f"{st.target!r} is assigned here but was already read as an input "
                                      f"on line {first.line}: that makes a cycle",
                                  f"assign {st.target!r} before it is used, or use a new name")
            assigned[st.target] = st
            self.statements.append(st)
        for declared_name, st in declared.items():
            if declared_name not in used:
                raise self._error(st, f"input {declared_name!r} is declared but never used",
                                  f"remove the line {declared_name} = …")
        if not self.statements:
            raise DSLError("the program only declares inputs; it computes nothing",
                           hint="add a statement such as y = x**2")
        self.inputs: tuple[str, ...] = tuple(inputs)
        self.outputs: tuple[str, ...] = tuple(st.target for st in self.statements)
        self.root: str = self.outputs[-1]

    def _error(self, where: Any, reason: str, hint: str = "") -> DSLError:
        width = len(getattr(where, "target", getattr(where, "id", ""))) or 1
        return DSLError(reason, self.source, where.line, where.column, width, hint)

    # -- evaluation ----------------------------------------------------------------------------
    def __call__(self, values: Mapping[str, Any] | None = None, /, **kwargs: Any) -> dict[str, Any]:
        """Build the graph: returns ``{name: node}`` for every input and output, named as in the text.

        Values come from ``values`` (a mapping), keyword arguments, then the declared defaults.
        Numbers give scalar ``Value`` leaves; numpy arrays (or ``Tensor``s) give ``Tensor`` leaves.
        """
        given = dict(values or {})
        given.update(kwargs)
        unknown = [k for k in given if k not in self.inputs]
        if unknown:
            raise DSLError(f"no input named {', '.join(map(repr, unknown))}",
                           hint=f"the inputs are: {', '.join(self.inputs)}")
        missing = [k for k in self.inputs if k not in given and k not in self.defaults]
        if missing:
            raise DSLError(f"missing value for input {', '.join(map(repr, missing))}",
                           hint=f"pass them, e.g. program({missing[0]}=1.0)")
        env: dict[str, Any] = {}
        for name in self.inputs:
            env[name] = _leaf(name, given[name] if name in given else self.defaults[name])
        for st in self.statements:
            node = self._evaluate(st.value, env)
            if not hasattr(node, "name"):  # a bare number or an input copied under a new name
                node = node + 0.0
            elif node.name is not None and node.name in env and env[node.name] is node:
                node = node + 0.0  # "y = x": give y its own node, so both keep their names
            node.name = st.target
            env[st.target] = node
        return env

    def _evaluate(self, e: Expr, env: dict[str, Any]) -> Any:
        if isinstance(e, Num):  # a constant node (pictures can hide it), or a plain number for tensors
            return constant(Value, e.value, 0.0) if not _tensor_mode(env) else e.value
        if isinstance(e, Name):
            return env[e.id]
        try:
            if isinstance(e, Unary):
                x = self._evaluate(e.operand, env)
                return -x if e.op == "-" else x
            if isinstance(e, Binary):
                return self._binary(e, env)
            return self._call(e, env)
        except DomainError as exc:
            raise DSLError(str(exc), self.source, e.line, e.column, 1,
                           "the values given are outside the domain of this operation") from exc

    def _binary(self, e: Binary, env: dict[str, Any]) -> Any:
        left = self._evaluate(e.left, env)
        if e.op == "**" and _is_literal(e.right):
            return left ** number_value(e.right)  # a constant exponent: the op x**p, not x**Value
        right = self._evaluate(e.right, env)
        if e.op == "+":
            return left + right
        if e.op == "-":
            return left - right
        if e.op == "*":
            return left * right
        if e.op == "/":
            return left / right
        return left**right

    def _call(self, e: Call, env: dict[str, Any]) -> Any:
        if e.func in PARAMETER_FUNCTIONS:
            x = self._evaluate(e.args[0], env)
            return getattr(x, e.func)(number_value(e.args[1])) if len(e.args) == 2 else getattr(x, e.func)()
        args = [self._evaluate(a, env) for a in e.args]
        if e.func in ("sum", "max", "min"):
            if any(not isinstance(a, Value) for a in args):
                if e.func == "sum":  # with tensors: the sum of every element of every argument
                    total = args[0].sum() if hasattr(args[0], "sum") else args[0]
                    for a in args[1:]:
                        total = total + (a.sum() if hasattr(a, "sum") else a)
                    return total
                raise DSLError(f"{e.func}() of tensors is not supported", self.source, e.line, e.column,
                               len(e.func), "use max/min on scalar inputs")
            if e.func == "sum":
                return sum_(args)
            return max_(args) if e.func == "max" else min_(args)
        (x,) = args
        return getattr(x, e.func)()

    # -- text ------------------------------------------------------------------------------------
    def to_text(self) -> str:
        """The canonical text of the program (declarations first, then statements)."""
        lines = [f"{name} = {_number(value)}" for name, value in self.defaults.items()]
        lines += [f"{st.target} = {format_expr(st.value)}" for st in self.statements]
        return "\n".join(lines) + "\n"

    __str__ = to_text

    def __repr__(self) -> str:
        return f"Program(inputs={self.inputs}, outputs={self.outputs})"


def _is_literal(e: Expr) -> bool:
    return isinstance(e, Num) or (isinstance(e, Unary) and isinstance(e.operand, Num))


def _names(e: Expr) -> list[Name]:
    """The names an expression reads, in order of appearance (iteratively)."""
    out: list[Name] = []
    stack: list[Expr] = [e]
    while stack:
        x = stack.pop()
        if isinstance(x, Name):
            out.append(x)
        elif isinstance(x, Unary):
            stack.append(x.operand)
        elif isinstance(x, Binary):
            stack += [x.right, x.left]
        elif isinstance(x, Call):
            stack += reversed(x.args)
    return out


def _tensor_mode(env: dict[str, Any]) -> bool:
    return any(not isinstance(v, Value) for v in env.values())


def _leaf(name: str, value: Any) -> Any:
    if isinstance(value, Value):
        raise DSLError(f"input {name!r} must be a number or an array, got a Value",
                       hint="pass value.data, or build the graph in Python")
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return Value(float(value), name=name)
    if not hasattr(value, "__array__") and not isinstance(value, (list, tuple)):
        raise DSLError(f"input {name!r} must be a number or an array, got {type(value).__name__}")
    try:
        import numpy as np

        from autograd.tensor import Tensor  # type: ignore[import-not-found,unused-ignore]
    except ImportError as exc:  # pragma: no cover - the Tensor module ships with the package
        raise DSLError(f"input {name!r}: arrays need autograd.tensor ({exc})") from None
    if isinstance(value, Tensor):
        value = value.data
    if isinstance(value, (np.ndarray, list, tuple)):
        array = np.asarray(value, dtype=float) if not isinstance(value, np.ndarray) else value
        return Tensor(array, name=name)
    raise DSLError(f"input {name!r} must be a number or an array, got {type(value).__name__}")


# Canonical formatting: precedence decides the parentheses.
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "unary": 3, "**": 4}


def _number(x: float) -> str:
    return repr(float(x))


def format_expr(e: Expr) -> str:
    """An expression as canonical text, with only the parentheses its meaning needs."""
    if isinstance(e, Num):
        return _number(e.value)
    if isinstance(e, Name):
        return e.id
    if isinstance(e, Call):
        return f"{e.func}({', '.join(format_expr(a) for a in e.args)})"
    if isinstance(e, Unary):
        inner = format_expr(e.operand)
        if isinstance(e.operand, Binary) and _PRECEDENCE[e.operand.op] < _PRECEDENCE["unary"]:
            inner = f"({inner})"
        elif isinstance(e.operand, Unary):
            inner = f"({inner})"
        return f"{e.op}{inner}"
    p = _PRECEDENCE[e.op]
    left, right = format_expr(e.left), format_expr(e.right)
    if _needs_parens(e.left, p, right_side=False, power=e.op == "**"):
        left = f"({left})"
    if _needs_parens(e.right, p, right_side=True, power=e.op == "**"):
        right = f"({right})"
    return f"{left} {e.op} {right}"


def _needs_parens(child: Expr, parent: int, right_side: bool, power: bool) -> bool:
    if isinstance(child, Unary):
        # -x ** 2 means -(x ** 2): a negated base needs parentheses; a negated exponent does not
        return power and not right_side
    if isinstance(child, Num) and child.value < 0:
        return True
    if not isinstance(child, Binary):
        return False
    c = _PRECEDENCE[child.op]
    if power:  # right-associative
        return c < parent or (c == parent and not right_side)
    return c < parent or (c == parent and right_side)
