"""Inline display in Jupyter/IPython.

``autograd`` never imports ``viz`` (the engine stays free of drawing code), so graph nodes
cannot carry ``_repr_svg_`` themselves. Instead, importing ``viz`` inside IPython registers an
SVG formatter for :class:`autograd.engine.Node`: a ``Value`` or ``Tensor`` at the end of a cell
shows its graph, data and gradients (the ``"both"`` view). A ``Tensor`` of more than one
element has no ``d root / d root`` of 1 to start the backward pass from, and a seed of ones
would show the gradients of its sum, not its own: it shows the forward view (data only).
Display never raises: a node that cannot be drawn (too big, no renderer) shows as text. The
drawing objects display on their own: :class:`viz.dot.Graph` through ``graphviz``'s
``_repr_mimebundle_`` and ``_repr_svg_``, a :class:`viz.steps.Trace` as its step player and a
:class:`viz.explore.Explorer` as its page (``_repr_html_``, each in a sandboxed frame).
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from autograd.engine import Node, topological_order

__all__ = ["register", "node_svg", "MAX_INLINE_NODES"]

MAX_INLINE_NODES = 400
"""Graphs larger than this display as text; draw them with ``viz.draw(..., model=, collapse=)``."""


def node_svg(node: Node) -> str | None:
    """The SVG shown for a graph node in a notebook (``None`` -> IPython falls back to text)."""
    from viz.render import draw

    try:
        if len(topological_order(node)) > MAX_INLINE_NODES:
            return None
        scalar = np.size(node.data) == 1
        return draw(node, view="both" if scalar else "forward").svg()
    except Exception:  # anything: IPython would print its traceback in place of the output
        return None


def register(shell: Any = None) -> bool:
    """Register the SVG display of graph nodes with ``shell`` (default: the running IPython).

    Returns whether a shell was found. Safe to call more than once.
    """
    if shell is None:
        ipython = sys.modules.get("IPython")
        if ipython is None:
            return False
        shell = ipython.get_ipython()
        if shell is None:
            return False
    formatter = shell.display_formatter.formatters["image/svg+xml"]
    formatter.for_type(Node, node_svg)
    return True
