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
program builds ``Tensor``s (numbers given next to arrays become 0-d ``Tensor``s); there
``sum(a, b, ...)`` adds up every element of every argument, and ``max``/``min`` take scalars only.
A ``Value`` or ``Tensor`` passed as an input is used as it is, so its gradient lands on it.

Rules checked when the text is parsed (before anything is built): every name is assigned once;
a name read before it is assigned is an input, so assigning it later is a cycle; ``x = 2.0`` (a
bare, optionally negative number) declares an input with a default, which must be read somewhere
("unused input" otherwise); literal numbers must be finite (``1e999`` is an error; ``2 * 3`` is
not folded: the engine computes it, with constant nodes, like everything else). Checked at
call time, again before any node exists: missing inputs (pointed at their first use; a
:class:`MissingInputError` that lists them, for a caller to word its own hint), unknown
names, values that are not finite numbers or arrays. Errors while building (``log`` of 0, an
overflowing ``exp``) are ``DSLError``s pointed at the operation, with the engine's
``DomainError`` as ``__cause__``. ``parse`` of something that is not a ``str`` is a ``DSLError``
too.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from autograd.dsl.errors import DSLError, MissingInputError
from autograd.dsl.program import Program, format_expr
from autograd.dsl.syntax import FUNCTIONS, MAX_DEPTH, MAX_SOURCE, tokenize

__all__ = ["parse", "parse_bindings", "Program", "DSLError", "MissingInputError", "FUNCTIONS", "MAX_DEPTH",
           "MAX_SOURCE", "format_expr"]


def parse(text: str) -> Program:
    """Parse a program; raises :class:`DSLError` with line, column and caret when it is malformed."""
    return Program(text)


def parse_bindings(bindings: str | Iterable[str]) -> dict[str, float]:
    """Values from the command line: ``"x=2 w=-3"`` or ``["x=2", "w=-3"]`` -> ``{"x": 2.0, "w": -3.0}``.

    A malformed binding is a :class:`DSLError` pointing at it in the (space-joined) text.
    """
    text = bindings if isinstance(bindings, str) else " ".join(bindings)
    if "\n" in text or len(text) > MAX_SOURCE:
        raise DSLError("bindings are one line of name=number pairs", hint="for example x=2 w=-3")
    values: dict[str, float] = {}
    for match in re.finditer(r"\S+", text):
        item = match.group()

        def error(reason: str, hint: str, _at: int = match.start(), _width: int = len(item)) -> DSLError:
            return DSLError(reason, text, 1, _at + 1, _width, hint)

        name, sep, number = item.partition("=")
        if not sep or not name:
            raise error(f"expected name=number, got {item!r}", "for example x=2 w=-3")
        try:
            tokens = [t for t in tokenize(name) if t.kind not in ("nl", "end")]
        except DSLError:
            tokens = []
        if len(tokens) != 1 or tokens[0].kind != "name":
            raise error(f"{name!r} is not a valid input name", "names are letters, digits and _")
        try:
            if "_" in number:  # float() accepts 1_000; the language does not
                raise ValueError(number)
            value = float(number)
        except ValueError:
            raise error(f"{number!r} (for {name}) is not a number", "for example x=2.5") from None
        if not math.isfinite(value):
            raise error(f"{name}={number} is not finite", "give a finite number")
        if name in values:
            raise error(f"{name!r} is given twice", "give every input once")
        values[name] = value
    return values

