"""Inline display in Jupyter/IPython.

``autograd`` never imports ``viz`` (the engine stays free of drawing code), so graph nodes
cannot carry ``_repr_svg_`` themselves. Instead, importing ``viz`` inside IPython registers an
SVG formatter for :class:`autograd.engine.Node`: a ``Value`` or ``Tensor`` at the end of a cell
shows its graph, data and gradients (the ``"both"`` view). The drawing objects display on
their own: :class:`viz.dot.Graph` through ``graphviz``'s ``_repr_mimebundle_`` and
``_repr_svg_``, a :class:`viz.steps.Trace` as its text table (``_repr_html_``).
"""

from __future__ import annotations

import sys
from typing import Any

from autograd.engine import Node, topological_order

__all__ = ["register", "node_svg", "MAX_INLINE_NODES"]

MAX_INLINE_NODES = 400
"""Graphs larger than this display as text; draw them with ``viz.draw(..., model=, collapse=)``."""


def node_svg(node: Node) -> str | None:
    """The SVG shown for a graph node in a notebook (``None`` -> IPython falls back to text)."""
    from viz.render import draw

    if len(topological_order(node)) > MAX_INLINE_NODES:
        return None
    return draw(node, view="both").svg()


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
