"""A parsed program: its inputs, outputs and defaults, evaluated into a live graph.

``Program`` checks the statements once (every name defined once, no cycles, no unused
declarations), then builds a fresh graph on every call: scalar ``Value``s for numbers, ``Tensor``s
for arrays. Its text form (``str(program)``) is canonical: minimal parentheses, ``**`` for
powers, one statement per line, and ``parse(str(p))`` gives the same program back.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

from autograd.dsl.errors import DSLError, MissingInputError, shown
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
from autograd.engine import CONSTANT
from autograd.errors import DomainError
from autograd.tensor import Tensor
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
        self._order: list[Statement] = []  # every statement, declarations included, as written
        inputs: dict[str, Name | Statement] = {}  # name -> where first read (or declared)
        assigned: dict[str, Statement] = {}
        declared: dict[str, Statement] = {}
        used: set[str] = set()
        for st in parsed:
            where = assigned.get(st.target) or declared.get(st.target)
            if where is not None:
                raise self._error(st, f"{shown(st.target)} is assigned twice (first on line {where.line})",
                                  "give the new value another name")
            if _is_literal(st.value):  # a declaration: an input with a default, wherever it stands
                declared[st.target] = st
                inputs.setdefault(st.target, st)
                self.defaults[st.target] = number_value(st.value)
                self._order.append(st)
                continue
            for name in _names(st.value):
                used.add(name.id)
                if name.id == st.target:
                    raise self._error(name, f"{shown(st.target)} is defined in terms of itself",
                                      "a program is a graph without cycles: use a new name")
                if name.id not in assigned and name.id not in inputs:
                    inputs[name.id] = name
            if st.target in inputs and st.target not in declared:
                first = inputs[st.target]
                raise self._error(st, f"{shown(st.target)} is assigned here but was already read as an input "
                                      f"on line {first.line}: that makes a cycle",
                                  f"assign {shown(st.target)} before it is used, or use a new name")
            assigned[st.target] = st
            self.statements.append(st)
            self._order.append(st)
        for declared_name, st in declared.items():
            if declared_name not in used:
                raise self._error(st, f"input {shown(declared_name)} is declared but never used",
                                  f"remove the line {shown(declared_name, quote=False)} = …")
        if not self.statements:
            raise DSLError("the program only declares inputs; it computes nothing",
                           hint="add a statement such as y = x**2")
        self.inputs: tuple[str, ...] = tuple(inputs)
        self.outputs: tuple[str, ...] = tuple(st.target for st in self.statements)
        self.root: str = self.outputs[-1]
        self._where: dict[str, Name | Statement] = inputs  # each input's first use (or declaration)
        self._assigned = assigned

    def _error(self, where: Any, reason: str, hint: str = "") -> DSLError:
        return DSLError(reason, self.source, where.line, where.column, _width(where), hint)

    # -- evaluation ----------------------------------------------------------------------------
    def __call__(self, values: Mapping[str, Any] | None = None, /, **kwargs: Any) -> dict[str, Any]:
        """Build the graph: returns ``{name: node}`` for every input and output, named as in the text.

        Values come from ``values`` (a mapping) and keyword arguments (a name given in both is an
        error), then the declared defaults. Numbers give scalar ``Value`` leaves; if any value is a
        numpy array (or a ``Tensor``), every input becomes a ``Tensor``. A ``Value`` or ``Tensor``
        passed in is used as it is (its gradient lands on it), named after the input if unnamed.
        Nothing is built until every value has been checked.
        """
        given = dict(values or {})
        twice = [k for k in kwargs if k in given]
        if twice:
            raise DSLError(f"{shown(twice[0])} is given both in the mapping and as a keyword",
                           hint="give every input once")
        given.update(kwargs)
        for k in given:
            if k not in self.inputs:
                raise self._unknown(k)
        missing = [k for k in self.inputs if k not in given and k not in self.defaults]
        if missing:
            first = self._where[missing[0]]
            raise MissingInputError(missing, self.source, first.line, first.column, _width(first))
        raw = {name: given[name] if name in given else self.defaults[name] for name in self.inputs}
        tensor = any(_is_array(v) for v in raw.values())
        for name, v in raw.items():
            problem = _check_input(v, tensor)
            if problem:
                raise self._error(self._where[name], f"input {shown(name)} {problem}", _INPUT_HINT)
        env: dict[str, Any] = {name: _leaf(name, v, tensor) for name, v in raw.items()}
        named = {id(v) for v in env.values()}  # (a set, not a scan of env per statement: linear time)
        for st in self.statements:
            node = self._evaluate(st.value, env)
            if id(node) in named:
                node = node + 0.0  # "y = x": y gets its own node, x keeps its name
            node.name = st.target
            env[st.target] = node
            named.add(id(node))
        if tensor:  # a statement of numbers alone ran on Values: give it as a Tensor like the rest
            return {k: _constant_tensor(v) if isinstance(v, Value) else v for k, v in env.items()}
        return env

    def _unknown(self, name: str) -> DSLError:
        if name in self._assigned:
            return self._error(self._assigned[name], f"{shown(name)} is an output (computed here), not an input",
                               f"the inputs are: {', '.join(self.inputs)}")
        import difflib

        close = difflib.get_close_matches(str(name), self.inputs, n=1) if len(str(name)) <= 100 else []
        guess = f"did you mean {close[0]!r}? " if close else ""
        return DSLError(f"no input named {shown(name)}", hint=f"{guess}the inputs are: {', '.join(self.inputs)}")

    # -- identity: two programs are equal when their canonical texts are -------------------------
    def __eq__(self, other: object) -> bool:
        return isinstance(other, Program) and self.to_text() == other.to_text()

    def __hash__(self) -> int:
        return hash(self.to_text())

    def _evaluate(self, e: Expr, env: dict[str, Any]) -> Any:
        # A number is a constant Value (pictures can hide it), with array inputs too: numbers
        # alone then compute on the scalar engine, with its domain rules (1/0, exp overflow, a
        # negative number to a fractional power are DomainErrors), and become plain floats
        # where they meet a Tensor (see _mixed), which lifts them to its own dtype.
        if isinstance(e, Num):
            return Value(float(e.value), _fn=CONSTANT)
        if isinstance(e, Name):
            return env[e.id]
        try:
            if isinstance(e, Unary):
                x = self._evaluate(e.operand, env)
                return -x if e.op == "-" else x
            if isinstance(e, Binary):
                return self._binary(e, env)
            return self._call(e, env)
        except DSLError:
            raise
        except DomainError as exc:
            raise self._at(e, str(exc), "the values given are outside the domain of this operation") from exc
        except (ArithmeticError, ValueError, TypeError) as exc:  # numpy's: shapes that do not broadcast, say
            raise self._at(e, f"{type(exc).__name__}: {exc}", "check the shapes and dtypes of the inputs") from exc

    def _at(self, e: Unary | Binary | Call, reason: str, hint: str) -> DSLError:
        """An error pointed at the operation ``e``."""
        width = len(e.func) if isinstance(e, Call) else 1
        return DSLError(reason, self.source, e.line, e.column, width, hint)

    def _binary(self, e: Binary, env: dict[str, Any]) -> Any:
        left = self._evaluate(e.left, env)
        if e.op == "**" and _is_literal(e.right):
            return left ** number_value(e.right)  # a constant exponent: the op x**p, not x**Value
        left, right = _mixed(left, self._evaluate(e.right, env))
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
                    terms = [a.sum() if isinstance(a, Tensor) else float(a.data) for a in args]
                    total = next(t for t in terms if isinstance(t, Tensor))
                    for t in terms:
                        if t is not total:
                            total = total + t
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
        """The canonical text of the program: one statement per line, in the order written."""
        lines = [f"{st.target} = {format_expr(st.value)}" for st in self._order]
        return "\n".join(lines) + "\n"

    __str__ = to_text

    def __repr__(self) -> str:
        return f"Program(inputs={self.inputs}, outputs={self.outputs})"


def _width(where: Any) -> int:
    """How many characters a caret under a statement's target or a name underlines."""
    return len(getattr(where, "target", getattr(where, "id", ""))) or 1


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


def _mixed(left: Any, right: Any) -> tuple[Any, Any]:
    """The operands of a binary op, a Value made of numbers alone turned into its float where
    it meets a Tensor (so that the Tensor lifts it to its own dtype)."""
    if isinstance(left, Value) and isinstance(right, Tensor):
        return float(left.data), right
    if isinstance(right, Value) and isinstance(left, Tensor):
        return left, float(right.data)
    return left, right


def _constant_tensor(value: Value) -> Tensor:
    """A statement of numbers alone, computed on Values, as a 0-d Tensor (a constant)."""
    return Tensor(np.array(value.data), _fn=CONSTANT)


_INPUT_HINT = "pass finite numbers or numpy arrays (a Value or Tensor is used as it is, never mixed)"


def _is_array(value: Any) -> bool:
    return isinstance(value, (np.ndarray, Tensor))


def _check_input(value: Any, tensor: bool) -> str:
    """What is wrong with an input value ("" when nothing is)."""
    if isinstance(value, Value):
        return "is a Value, but other inputs are arrays" if tensor else ""
    if isinstance(value, Tensor):
        return ""
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            return f"must hold numbers, got an array of dtype {value.dtype}"
        return "" if np.isfinite(value).all() else "holds non-finite numbers (inf or nan)"
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return "" if math.isfinite(value) else f"is {float(value)!r}; inputs must be finite"
    return f"must be a number or a numpy array, got {type(value).__name__}"


def _leaf(name: str, value: Any, tensor: bool) -> Any:
    """The graph node of one input: a ``Value`` (numbers) or a ``Tensor`` (when any input is an array)."""
    if isinstance(value, (Value, Tensor)):
        if value.name is None:
            value.name = name
        return value
    if tensor:
        return Tensor(np.asarray(value, dtype=float), name=name)
    return Value(float(value), name=name)


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
