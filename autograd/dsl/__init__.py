"""The computational-graph DSL: write the notes' equations as text, get a live graph.

>>> from autograd import dsl
>>> g = dsl.parse('''
... z = w1*x1 + w2*x2 + b
... y = sigmoid(z)
... L = -(t*log(y) + (1 - t)*log(1 - y))
... ''')
>>> g.inputs, g.outputs
(('w1', 'x1', 'w2', 'x2', 'b', 't'), ('z', 'y', 'L'))
>>> out = g(x1=1.0, x2=2.0, w1=0.1, w2=-0.2, b=0.0, t=1.0)
>>> out["L"].backward()
>>> round(out["w1"].grad, 6) == round((out["y"].data - 1.0) * 1.0, 6)
True

The text is data, never code: a hand-written parser (:mod:`autograd.dsl.syntax`) reads
numbers, names, ``+ - * / ** ^``, parentheses and calls of a fixed set of functions; nothing
reaches ``eval``/``exec``. Limits: programs up to :data:`~autograd.dsl.syntax.MAX_SOURCE`
characters, expressions nested up to :data:`~autograd.dsl.syntax.MAX_DEPTH` levels. Every problem,
at parse time or at call time (``log`` of 0, an overflowing power, a missing input), is a
:class:`DSLError` with the line, the column, a caret under the text and a hint.

Numbers in the text become constant nodes (``node.is_constant``). With array inputs the same
program builds ``Tensor``s; there ``sum(a, b, ...)`` adds up every element of every argument,
and ``max``/``min`` take scalars only.
"""

from __future__ import annotations

from collections.abc import Iterable

from autograd.dsl.errors import DSLError
from autograd.dsl.program import Program, format_expr
from autograd.dsl.syntax import FUNCTIONS, MAX_DEPTH, MAX_SOURCE, Parser, tokenize

__all__ = ["parse", "parse_bindings", "Program", "DSLError", "FUNCTIONS", "MAX_DEPTH", "MAX_SOURCE", "format_expr"]


def parse(text: str) -> Program:
    """Parse a program; raises :class:`DSLError` with line, column and caret when it is malformed."""
    return Program(text)


def parse_bindings(bindings: str | Iterable[str]) -> dict[str, float]:
    """Values from the command line: ``"x=2 w=-3"`` or ``["x=2", "w=-3"]`` -> ``{"x": 2.0, "w": -3.0}``."""
    items = bindings.split() if isinstance(bindings, str) else [b for item in bindings for b in item.split()]
    values: dict[str, float] = {}
    for item in items:
        name, sep, number = item.partition("=")
        if not sep or not name:
            raise DSLError(f"expected name=number, got {item!r}", hint="for example x=2 w=-3")
        tokens = [t for t in tokenize(name) if t.kind not in ("nl", "end")]
        if len(tokens) != 1 or tokens[0].kind != "name":
            raise DSLError(f"{name!r} is not a valid input name", hint="names are letters, digits and _")
        try:
            value = float(number)
        except ValueError:
            raise DSLError(f"{number!r} (for {name}) is not a number", hint="for example x=2.5") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise DSLError(f"{name}={number} is not finite", hint="give a finite number")
        if name in values:
            raise DSLError(f"{name!r} is given twice")
        values[name] = value
    return values


_ = Parser  # re-exported for tools that want the statements without the checks
