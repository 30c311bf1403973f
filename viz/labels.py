"""Text that goes into a picture: escaping for DOT and HTML labels, and number formatting.

Every string that comes from a user (a node's ``name``, a module's parameter name, a formula
built from names) reaches Graphviz through :func:`html` inside an HTML-like label ``<...>``, or
through :func:`quoted` for plain attributes such as ``tooltip``. Node identifiers are never
made from names (the renderer numbers its nodes), so no name, however hostile (quotes,
``<``, ``>``, ``&``, braces, newlines, ``]; a -> b``), can add a node or an edge.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import graphviz
import numpy as np

from autograd.engine import Node

__all__ = [
    "html",
    "quoted",
    "number",
    "array",
    "value_text",
    "shape_text",
    "node_names",
    "Derivative",
    "local_derivatives",
    "is_number_text",
]

# Graphviz expands \N, \G, \L... even inside HTML labels (and decodes &#92; first), so a
# backslash is followed by an invisible WORD JOINER: no escape sequence can form.
_HTML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "\\": "&#92;&#8288;"}


def _printable(ch: str) -> str:
    """Control and other non-printing characters become U+FFFD (Graphviz rejects some of them)."""
    if ch in "\n\t":
        return ch
    return "\ufffd" if unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") else ch


def html(text: Any) -> str:
    """``text`` as the content of an HTML-like Graphviz label.

    ``&``, ``<``, ``>`` and quotes become entities, a backslash is kept from starting a Graphviz
    escape (``\\N``, ``\\G``: it is followed by an invisible U+2060), newlines become ``<BR/>``, tabs spaces, and
    control characters U+FFFD. Unicode letters stay as they are (the DOT source is UTF-8).
    Braces, brackets and semicolons have no meaning inside an HTML label and stay too.
    """
    out = []
    for ch in str(text).replace("\r\n", "\n").replace("\r", "\n"):
        ch = _printable(ch)
        if ch == "\n":
            out.append("<BR/>")
        elif ch == "\t":
            out.append(" ")
        else:
            out.append(_HTML_ESCAPES.get(ch, ch))
    return "".join(out)


def quoted(text: Any) -> str:
    """``text`` for a plain (non-label) attribute value such as ``tooltip``.

    Backslashes are doubled (so ``\\N`` or ``\\l`` stay literal), newlines become the DOT
    escape ``\\n``, and the result is marked so that the ``graphviz`` package quotes it as a
    string even when it looks like ``<...>`` (which it would otherwise pass through raw as HTML).
    """
    clean = "".join(_printable(ch) for ch in str(text).replace("\r\n", "\n").replace("\r", "\n"))
    clean = clean.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", " ")
    return graphviz.nohtml(clean)


def number(x: Any, precision: int = 4) -> str:
    """A scalar with ``precision`` significant digits, always recognisable as a float.

    ``-3`` prints as ``-3.0``, ``0.70710678`` as ``0.7071``, ``1e-08`` stays ``1e-08``.
    """
    try:
        f = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(f) or math.isinf(f):
        return str(f)
    text = f"{f:.{max(1, precision)}g}"
    if text in ("-0", "-0.0"):
        text = "0"
    if not any(c in text for c in ".en"):
        text += ".0"
    return text


def array(a: np.ndarray, precision: int = 4, items: int = 3) -> str:
    """A short preview of an array: all numbers when small, the first and last few otherwise."""
    if a.ndim == 0:
        return number(a.item(), precision)
    with np.printoptions(precision=precision, threshold=2 * items, edgeitems=max(1, items // 2),
                         linewidth=60, suppress=True):
        return np.array2string(a, separator=", ")


def value_text(x: Any, precision: int = 4) -> str:
    """A node's data or grad for a label: a number, or an array preview."""
    if isinstance(x, np.ndarray):
        return array(x, precision)
    if hasattr(x, "data") and not isinstance(x, (int, float)):  # a graph node used as a gradient
        return value_text(x.data, precision)
    return number(x, precision)


def shape_text(x: Any) -> str:
    """``(2, 3) float64`` for arrays, ``""`` for scalars."""
    if isinstance(x, np.ndarray):
        return f"{tuple(x.shape)} {x.dtype}"
    return ""


def node_names(order: Iterable[Node], parameters: Mapping[Node, str] | None = None) -> dict[Node, str]:
    """A label for every node, used in pictures and formulas alike.

    A parameter of a model is shown by its dotted name (``layers.0.neurons.3.w.1``: unique, where
    its own ``name``, ``w1``, is shared by every neuron), any other node by its own ``name``, a
    constant by its number; the rest are numbered ``t1``, ``t2``... in topological order,
    skipping names already taken.
    """
    nodes = list(order)
    parameters = parameters or {}
    taken = {n.name for n in nodes if n.name} | set(parameters.values())
    names: dict[Node, str] = {}
    counter = 0
    for node in nodes:
        if node in parameters:
            names[node] = parameters[node]
        elif node.name:
            names[node] = node.name
        elif node.is_constant:
            names[node] = value_text(node.data)
        else:
            counter += 1
            while f"t{counter}" in taken:
                counter += 1
            names[node] = f"t{counter}"
    return names


@dataclass(frozen=True)
class Derivative:
    """One local derivative ``d out / d parent``: its symbol, formula and value."""

    symbol: str  # "dc/da"
    formula: str  # "b"
    value: Any  # -3.0 (an array for tensors; None when the op gives no per-input partial)

    def text(self, precision: int = 4) -> str:
        """``dc/da = b = -3.0``; just ``dc/da = 1`` when the formula is already a number, and
        just the formula when the value is an array (tensors)."""
        if is_number_text(self.formula) or self.value is None or np.size(self.value) > 1:
            return f"{self.symbol} = {self.formula}"  # an array of partials is no use on an edge
        return f"{self.symbol} = {self.formula} = {value_text(self.value, precision)}"


def is_number_text(text: str) -> bool:
    """Whether a formula is just a number (``"1"``, ``"-1"``), so there is nothing to evaluate."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def local_derivatives(node: Node, names: Mapping[Node, str]) -> list[Derivative]:
    """The local derivative of ``node`` with respect to each parent, as formula and number."""
    parents = node.parents
    out = names.get(node, "out")
    pnames = [names.get(p, "x") for p in parents]
    formulas = node.local_formulas(pnames, out)
    try:
        values: tuple[Any, ...] = node.local_grads
    except Exception:  # noqa: BLE001 - an op without per-input partials (e.g. a custom vjp)
        values = (None,) * len(parents)
    if len(values) != len(parents):
        values = (None,) * len(parents)
    return [Derivative(f"d{out}/d{pn}", f, v) for pn, f, v in zip(pnames, formulas, values)]
