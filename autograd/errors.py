"""The engine's exceptions.

``DomainError`` is the one class for "this op is undefined at these inputs": it is both a
``ValueError`` (a bad argument) and an ``ArithmeticError`` (what Python raises for ``1 / 0``),
so callers may catch whichever their code already expects. ``AnomalyError`` is what
:func:`autograd.detect_anomaly` raises for a NaN or an infinity, in a forward or a backward pass.

The rule, the same for ``Value`` and ``Tensor``: an op whose result is not finite where its
inputs are (``log`` of 0 or of -1, ``sqrt`` of -1, a division by 0, ``exp`` or ``**``
overflowing) raises ``DomainError``, naming the op, its inputs and, for a Tensor, the positions
of the offending elements; so does a backward step whose local derivative is infinite where the
inputs are finite (``sqrt`` at 0). A NaN or an infinity already in the inputs goes through as
IEEE arithmetic says, and so does the overflow of ``+``, ``-``, ``*`` and sums, as a float's
does: :func:`autograd.detect_anomaly` finds the first op that made one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def check_name(name: Any, where: str) -> None:
    """Raise ``TypeError`` unless ``name`` (a node's label, given as ``where``: ``"Value() name"``)
    is a str or None, naming the argument and what it got."""
    if name is not None and not isinstance(name, str):
        raise TypeError(f"{where} must be a str or None, got {type(name).__name__}: {name!r}")


def describe(node: Any) -> str:
    """``name=value`` for a node (or just its value when unnamed), as error messages show it."""
    data = getattr(node, "data", node)
    name = getattr(node, "name", None)
    shape = getattr(data, "shape", None)
    shown = f"array of shape {tuple(shape)}" if shape is not None and shape != () else repr(data)
    return f"{name}={shown}" if name else shown


def positions(mask: Any, limit: int = 3) -> str:
    """Where ``mask`` (a boolean array) is true, as error messages show it: ``index (0, 1), (2, 0)``."""
    where = np.argwhere(mask)
    shown = ", ".join(str(tuple(int(i) for i in w)) for w in where[:limit])
    more = len(where) - limit
    return f"index {shown}" + (f" and {more} more" if more > 0 else "")


def elements(op: str, inputs: Sequence[Any], out: Any, mask: Any, limit: int = 3) -> str:
    """The first elements where ``mask`` is true, written out: ``log(0.0) = -inf, log(-1.0) = nan``
    (``inputs`` are broadcast to the mask's shape, as the op broadcast them)."""
    shape = np.shape(mask)
    shown = []
    for w in np.argwhere(mask)[:limit]:
        at = tuple(int(i) for i in w)
        args = ", ".join(repr(np.broadcast_to(x, shape)[at].item()) for x in inputs)
        shown.append(f"{op}({args}) = {np.broadcast_to(out, shape)[at].item()!r}")
    return ", ".join(shown)


class DomainError(ValueError, ArithmeticError):
    """An op was applied outside its domain (``log`` of 0, ``sqrt`` of -1, ``1 / 0``, ``exp`` overflow).

    Attributes:
        op: the op's short name, e.g. ``"log"``.
        inputs: the operand values.
        names: the operand names (``None`` where unnamed).
        phase: ``"forward"``, or ``"backward"`` when the op's derivative is what is undefined.
    """

    def __init__(
        self, op: str, operands: Sequence[Any], reason: str, phase: str = "forward"
    ) -> None:
        self.op = op
        self.inputs = tuple(getattr(x, "data", x) for x in operands)
        self.names = tuple(getattr(x, "name", None) for x in operands)
        self.phase = phase
        shown = ", ".join(describe(x) for x in operands)
        where = "" if phase == "forward" else "the derivative of "
        super().__init__(f"{where}{op}({shown}) is undefined: {reason}")


class AnomalyError(FloatingPointError):
    """Inside :func:`autograd.detect_anomaly`: an op produced a NaN or an infinity."""
