"""The engine's exceptions.

``DomainError`` is the one class for "this op is undefined at these inputs": it is both a
``ValueError`` (a bad argument) and an ``ArithmeticError`` (what Python raises for ``1 / 0``),
so callers may catch whichever their code already expects. ``AnomalyError`` is what
:func:`autograd.detect_anomaly` raises for a NaN or an infinity in a tensor.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def describe(node: Any) -> str:
    """``name=value`` for a node (or just its value when unnamed), as error messages show it."""
    data = getattr(node, "data", node)
    name = getattr(node, "name", None)
    shape = getattr(data, "shape", None)
    shown = f"array of shape {tuple(shape)}" if shape is not None and shape != () else repr(data)
    return f"{name}={shown}" if name else shown


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
