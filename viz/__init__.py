"""chainrule's pictures: draw a computation graph and replay backprop one chain-rule step at a time.

- :func:`draw` — the forward, backward or combined picture of a graph (a ``graphviz.Digraph``);
- :func:`steps` — the backward pass as an ordered :class:`Trace` of chain-rule steps: a text
  table (``print(steps(loss))``), one picture per step, and a self-contained HTML player;
- :func:`explore` — one self-contained HTML page to explore a graph of any size: groups (modules,
  calls, chains) that open in place, search, zoom, the path to the root, every node's numbers;
- :func:`find_renderer` — the Graphviz executable in use (system ``dot`` or ``graphviz-pure``).

Importing ``viz`` inside IPython/Jupyter also registers inline display of graph nodes.
"""

from viz.dot import Graph, RendererNotFound, RenderError, find_renderer, render_source
from viz.explore import Explorer, explore
from viz.player import write_player
from viz.render import COLOURS, MAX_NODES, GraphTooLarge, draw
from viz.steps import Step, Trace, steps

__all__ = [
    "draw",
    "steps",
    "explore",
    "Explorer",
    "Trace",
    "Step",
    "Graph",
    "write_player",
    "find_renderer",
    "render_source",
    "RendererNotFound",
    "RenderError",
    "COLOURS",
    "GraphTooLarge",
    "MAX_NODES",
]

from viz import jupyter as _jupyter  # noqa: E402 - after the names it displays with

_jupyter.register()
