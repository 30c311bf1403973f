"""Drawing a computation graph: :func:`draw` returns a ``graphviz.Digraph`` (a :class:`~viz.dot.Graph`).

A picture has two kinds of nodes, as in micrograd: **value nodes** (a box with the node's
name, its data and, in the backward view, its gradient; tensors show shape, dtype and a few
numbers) and **op nodes** (an ellipse with the op: ``+``, ``*``, ``tanh``, ``@``...). Edges go
``parent -> op -> result``.

Views:

- ``"forward"``: data and ops, arrows in data-flow order;
- ``"backward"``: the same layout, every value's gradient ``d root / d value``, arrows pointing
  the way gradients flow (from the root back to the inputs), and every edge labelled with its
  local derivative as formula and number, e.g. ``dc/da = b = -3.0``;
- ``"both"``: one picture with data and gradient in each box, each edge a double line (dark:
  data forward, red: gradient backward) labelled with the local derivative.

Colour legend (``legend=True`` draws it into the picture, see :data:`COLOURS`):

=================  ==========================================================================
light blue         inputs: leaves made by the user
light yellow       parameters of the ``model=`` (their names come from ``named_parameters()``)
light grey         constants the engine made from plain numbers (``hide_constants=True`` hides them)
white              computed values
light green        the root (the output being differentiated)
lavender ellipse   an op
dark red           gradients and the backward direction
orange, thick      the path from ``highlight=`` to the root (other nodes and edges turn grey)
boxes              one Graphviz cluster per ``nn`` module, labelled with its dotted name
=================  ==========================================================================

Step frames (:meth:`viz.steps.Trace.frames`) add: amber for values whose gradient is complete,
pale yellow for values with part of their gradient, orange for the node being propagated and
its edges; grey dashed edges are not reached yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from autograd.engine import Node, Observer, backprop, topological_order
from viz import clusters, labels
from viz.dot import Graph
from viz.labels import html

__all__ = ["draw", "Scene", "Options", "Frame", "GraphTooLarge", "COLOURS", "VIEWS", "MAX_NODES"]

VIEWS = ("forward", "backward", "both")
RANKDIRS = ("LR", "TB", "RL", "BT")
COLLAPSE = ("neuron", "layer")

COLOURS: dict[str, str] = {
    "input": "#dbeafe",
    "parameter": "#fef3c7",
    "constant": "#f3f4f6",
    "value": "#ffffff",
    "root": "#dcfce7",
    "op": "#ede9fe",
    "module": "#f8fafc",
    "forward": "#374151",
    "grad": "#b91c1c",
    "highlight": "#ea580c",
    "dim": "#9ca3af",
    "done": "#fde68a",
    "partial": "#fef9c3",
    "current": "#fb923c",
}
"""The colours of the picture, by role (see the module docstring for the legend)."""

_FONT = "Helvetica"
_PORTS = {"LR": ("e", "w"), "RL": ("w", "e"), "TB": ("s", "n"), "BT": ("n", "s")}
"""Per ``rankdir``, the sides of a node that face the next rank and the previous one."""
NODE_FONT = {"fontname": _FONT, "fontsize": "11"}
"""The font of node labels (measuring a label for :attr:`Frame.grad_cells` needs it too)."""


def grad_cell(grad: Any, precision: int, size: tuple[int, int] | None = None) -> str:
    """A value box's gradient cell, ``<TD>grad 0.5</TD>`` (``grad ?`` while unknown), at least
    ``size`` (width, height in points) when given."""
    text = "grad ?" if grad is None else "grad " + labels.value_text(grad, precision)
    colour = COLOURS["dim"] if grad is None else COLOURS["grad"]
    fixed = f' WIDTH="{size[0]}" HEIGHT="{size[1]}"' if size else ""
    return f'<TD{fixed}><FONT COLOR="{colour}">{html(text)}</FONT></TD>'


_CELLS = 'CELLBORDER="1" CELLSPACING="0" CELLPADDING="4"'


def grad_cell_alone(grad: Any, precision: int) -> str:
    """:func:`grad_cell` as a label of its own: laid out, its size is the cell's natural size."""
    return f'<<TABLE BORDER="0" {_CELLS}><TR>{grad_cell(grad, precision)}</TR></TABLE>>'


MAX_NODES = 2000
"""The most nodes (value boxes, op ellipses, module boxes) :func:`draw` lays out by default.

Graphviz's layout time grows much faster than the graph (with ``graphviz-pure`` about 1 s for
a 1,355-edge graph, 6 s for twice that, minutes beyond): a bigger picture would hang, and
nobody could read it anyway."""


class GraphTooLarge(ValueError):
    """:func:`draw` was asked for a picture of more nodes than its ``max_nodes``.

    ``count`` is the number of nodes the picture would have had, ``limit`` the limit.
    """

    def __init__(self, count: int, limit: int, collapse: str | None, has_model: bool) -> None:
        ways = []
        if collapse != "layer":
            ways.append("draw each neuron or layer as one box with model=..., collapse='neuron' or 'layer'"
                        if has_model else "pass model=... and collapse='neuron' or 'layer' if an nn module made it")
        ways += ["explore it interactively in a browser with viz.explore(root, model=...)",
                 f"or raise the limit with max_nodes={count} (Graphviz may take minutes)"]
        super().__init__(f"this picture would have {count:,} nodes, more than max_nodes={limit:,}: "
                         + "; ".join(ways))
        self.count = count
        self.limit = limit


@dataclass
class Options:
    """Drawing options (the keyword arguments of :func:`draw`), checked on construction."""

    view: str = "forward"
    rankdir: str = "LR"
    precision: int = 4
    hide_constants: bool = False
    highlight: Node | None = None
    collapse: str | None = None
    legend: bool = False
    title: str | None = None
    formulas: bool = True
    max_nodes: int = MAX_NODES

    def __post_init__(self) -> None:
        if self.view not in VIEWS:
            raise ValueError(f"view must be one of {', '.join(map(repr, VIEWS))}, got {self.view!r}")
        if self.rankdir not in RANKDIRS:
            raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {self.rankdir!r}")
        if isinstance(self.precision, bool) or not isinstance(self.precision, int) or not 1 <= self.precision <= 17:
            raise ValueError(f"precision must be an int from 1 to 17, got {self.precision!r}")
        if self.collapse is not None and self.collapse not in COLLAPSE:
            raise ValueError(f"collapse must be None, 'neuron' or 'layer', got {self.collapse!r}")
        if self.highlight is not None and not isinstance(self.highlight, Node):
            raise TypeError(f"highlight= takes a node of the graph, got {type(self.highlight).__name__}")
        if isinstance(self.max_nodes, bool) or not isinstance(self.max_nodes, int) or self.max_nodes < 1:
            raise ValueError(f"max_nodes must be a positive int, got {self.max_nodes!r}")


@dataclass
class Frame:
    """The state of a backward pass part way through, for one picture of a step-by-step replay."""

    grads: Mapping[Node, Any]
    """Each value's gradient so far (running sums); values not reached yet are absent."""
    done: set[Node] = field(default_factory=set)
    """Values whose gradient is complete."""
    current: Node | None = None
    """The node whose gradient is being propagated in this step."""
    notes: Mapping[Node, Mapping[int, str]] = field(default_factory=dict)
    """Extra text on a node's edges, by node and parent position (the contributions): the
    current node's in a step, every node's in a summary."""
    visited: set[Node] = field(default_factory=set)
    """Nodes already propagated (their edges are drawn as done)."""
    grad_cells: Mapping[Node, tuple[int, int]] = field(default_factory=dict)
    """The least width and height (points) of each value box's gradient cell. The step player
    gives every frame the same sizes, so that a box keeps its size from one frame to the next."""


class Scene:
    """A graph prepared for drawing: its nodes in order, their names and module membership.

    Build it once and draw it many times (the step-by-step frames do).
    """

    def __init__(self, root: Node, model: Any = None, seed: Any = None) -> None:
        if not isinstance(root, Node):
            raise TypeError(f"draw() takes a graph node (Value or Tensor), got {type(root).__name__}")
        self.root = root
        self.order = topological_order(root)
        self.membership = clusters.assign(self.order, model) if model is not None else None
        self.seed = seed
        self._grads: dict[Node, Any] | None = None

    # Built on first use: a graph too big to draw is refused (see ``size``) before these.
    @cached_property
    def index(self) -> dict[Node, int]:
        """Node -> its position in ``order`` (the number in its Graphviz id)."""
        return {n: i for i, n in enumerate(self.order)}

    @cached_property
    def names(self) -> dict[Node, str]:
        """Node -> the name it is shown with (:func:`viz.labels.node_names`)."""
        return labels.node_names(self.order, self.membership.parameters if self.membership else None)

    @cached_property
    def uses(self) -> dict[Node, int]:
        """Node -> how many edges leave it (how many contributions its gradient adds up); nodes no
        op uses (the root) are absent."""
        uses: dict[Node, int] = {}
        for node in self.order:
            for parent in node.parents:
                uses[parent] = uses.get(parent, 0) + 1
        return uses

    def hidden(self, node: Node, o: Options) -> bool:
        """Whether ``o`` leaves ``node``'s box out (a constant with ``hide_constants``; never the root)."""
        return o.hide_constants and node.is_constant and node is not self.root

    def size(self, o: Options) -> int:
        """How many nodes the picture with options ``o`` has: value boxes, op ellipses and module
        boxes (clusters around expanded modules are not counted: they are drawn around nodes)."""
        groups = self._groups(o.collapse)
        count = len(set(groups.values()))
        for node in self.order:
            if node in groups:
                continue
            if not node.is_leaf:
                count += 1  # its op
            if not self.hidden(node, o):
                count += 1
        return count

    def grads(self) -> dict[Node, Any]:
        """``d root / d node`` for every node (computed once; no ``.grad`` is touched)."""
        if self._grads is None:
            self._grads = self.backprop()
        return self._grads

    def backprop(self, observe: Observer | None = None) -> dict[Node, Any]:
        """Run the chain rule from the root with this scene's seed (``observe`` sees each step)."""
        return backprop(self.root, self.seed, observe=observe)

    # -- helpers ------------------------------------------------------------------------------
    def path_to(self, target: Node | None) -> set[Node]:
        """The nodes on some path from ``target`` to the root (``target`` and the root included)."""
        if target is None:
            return set()
        if target not in self.index:
            raise ValueError(f"highlight= node {self.names.get(target, target)!r} is not part of this graph")
        on = {target}
        for node in self.order:
            if any(p in on for p in node.parents):
                on.add(node)
        return on

    def _groups(self, collapse: str | None) -> dict[Node, str]:
        """Node -> the module drawn as one box in its place (``collapse=``)."""
        if collapse is None:
            return {}
        if self.membership is None:
            raise ValueError("collapse= needs model= (the nn module whose neurons or layers to collapse)")
        modules = self.membership.modules
        if collapse == "neuron":
            return dict(self.membership.owner)
        return {n: clusters.parent_module(m, modules) for n, m in self.membership.owner.items()}

    def _fill(self, node: Node) -> str:
        if node is self.root:
            return COLOURS["root"]
        if self.membership and node in self.membership.parameters:
            return COLOURS["parameter"]
        if node.is_constant:
            return COLOURS["constant"]
        if node.is_leaf:
            return COLOURS["input"]
        return COLOURS["value"]

    def _look(self, node: Node, frame: Frame | None, path: set[Node]) -> tuple[str, str, int]:
        """A value box's fill, border colour and border width."""
        fill, border, width = self._fill(node), "black", 1
        if frame is not None:
            if node is frame.current:  # its border keeps its width: frames keep their geometry
                fill = COLOURS["current"]
            elif node in frame.done:
                fill = COLOURS["done"]
            elif node in frame.grads:
                fill = COLOURS["partial"]
        if path:
            border, width = (COLOURS["highlight"], 2) if node in path else (COLOURS["dim"], 1)
        if node is self.root and width == 1:
            width = 2
        return fill, border, width

    def _value_label(self, node: Node, o: Options, grad: Any, show_grad: bool, cell: tuple[int, int] | None,
                     fill: str, border: str, width: int) -> str:
        p = o.precision
        cells = [f"<B>{html(self.names[node])}</B>"]
        data = node.data
        if isinstance(data, np.ndarray):
            cells.append(html(labels.shape_text(data)))
        cells.append("data " + html(labels.value_text(data, p)))
        row = "".join(f"<TD>{c}</TD>" for c in cells)
        if show_grad:
            row += grad_cell(grad, p, cell)
        return f'<<TABLE BORDER="{width}" COLOR="{border}" {_CELLS} BGCOLOR="{fill}"><TR>{row}</TR></TABLE>>'

    def _op_text(self, node: Node, hidden: list[Node], o: Options) -> str:
        """The op's symbol (``*``, ``** 3.0``); with hidden constants the op written out around
        them, the other inputs as blanks (``1.0 - _``), so the operand order stays visible."""
        fn = node.grad_fn
        if hidden and fn is not None:
            names = [self.names[p] if p in hidden else "_" for p in node.parents]
            return fn.expression(names, node.arg)
        text = node.op or "?"
        arg = node.arg
        if isinstance(arg, (int, float)) and not isinstance(arg, bool):
            text += " " + labels.number(arg, o.precision)
        elif arg is not None and not (isinstance(arg, tuple) and all(a is None or a is False for a in arg)):
            shown = str(arg)  # an axis, a shape, an index: short structural arguments
            text += " " + (shown if len(shown) <= 24 else shown[:23] + "\u2026")
        return text

    # -- drawing ------------------------------------------------------------------------------
    def draw(self, o: Options, frame: Frame | None = None) -> Graph:
        """The picture of this graph with options ``o`` (and a backward pass state ``frame``)."""
        backward = o.view != "forward" or frame is not None
        grads: Mapping[Node, Any] = frame.grads if frame is not None else (self.grads() if backward else {})
        path = self.path_to(o.highlight)
        groups = self._groups(o.collapse)
        hidden = {n for n in self.order if self.hidden(n, o)}
        derivs: dict[Node, list[labels.Derivative]] = {}

        g = Graph(name="chainrule", format="svg")
        g.attr(rankdir=o.rankdir, fontname=_FONT, nodesep="0.25", ranksep="0.45", bgcolor="white")
        if groups:
            # Module boxes are joined by dense bundles (16 x 16 between two layers of neurons):
            # curved splines make Graphviz route them as loops far around the picture; straight
            # ones, from the side of a box that faces the next rank to the side of the next box
            # that faces back, stay in the space between the ranks instead of crossing boxes.
            tail, head = _PORTS[o.rankdir]
            g.attr(splines="line", ranksep="1.2")
            g.attr("edge", tailport=tail, headport=head)
        g.attr("node", **NODE_FONT)
        g.attr("edge", fontname=_FONT, fontsize="10", arrowsize="0.7")
        if o.title:
            g.attr(label=f"<<B>{html(o.title)}</B>>", labelloc="t", fontsize="14")

        containers: dict[str, Graph] = {}

        def container(module: str | None) -> Graph:
            if not module:
                return g
            if module not in containers:
                containers[module] = _cluster(len(containers), module, filled=True)
            return containers[module]

        owner = self.membership.owner if self.membership and o.collapse is None else {}
        group_ids: dict[str, str] = {}
        edges: list[tuple[str, str, dict[str, str]]] = []
        seen_group_edges: dict[tuple[str, str], list[Any]] = {}

        def end(node: Node, kind: str) -> str:
            module = groups.get(node)
            if module is not None:
                if module not in group_ids:
                    group_ids[module] = f"m{len(group_ids)}"
                return group_ids[module]
            return f"{kind}{self.index[node]}"

        for i, node in enumerate(self.order):
            if node not in hidden and node not in groups:
                cell = frame.grad_cells.get(node) if frame is not None else None
                label = self._value_label(node, o, grads.get(node), backward, cell, *self._look(node, frame, path))
                container(owner.get(node)).node(f"v{i}", label=label, shape="plain",
                                                tooltip=labels.quoted(self.names[node]))
            if not node.parents or node in groups:
                style = self._edge_style(o, frame, node, 0, path, on=node in path)
                self._group_edges(node, groups, hidden, end, edges, seen_group_edges, style)
                continue
            op_id = f"o{i}"
            shown_hidden = [p for p in node.parents if p in hidden]
            op_colour = COLOURS["dim"] if path and node not in path else "black"
            if frame is not None and node is frame.current:
                op_colour = COLOURS["current"]
            container(owner.get(node)).node(
                op_id, label=f"<{html(self._op_text(node, shown_hidden, o))}>", shape="ellipse",
                style="filled", fillcolor=COLOURS["op"], color=op_colour, margin="0.04,0.02",
                height="0.3")
            edges.append((op_id, f"v{i}", self._edge_style(o, frame, node, None, path, on=node in path)))
            if backward and o.formulas:
                derivs[node] = labels.local_derivatives(node, self.names)
            for k, parent in enumerate(node.parents):
                if parent in hidden:
                    continue
                attrs = self._edge_style(o, frame, node, k, path, on=parent in path and node in path)
                if node in derivs and not parent.is_constant:  # d/d(constant) is of no use to anyone
                    text = derivs[node][k].text(o.precision)
                    note = frame.notes.get(node, {}).get(k) if frame is not None else None
                    if note is not None:
                        text += "\n" + note
                    colour = attrs.get("fontcolor", COLOURS["grad"])
                    attrs["label"] = f'<<FONT COLOR="{colour}">{html(text)}</FONT>>'
                edges.append((end(parent, "v"), op_id, attrs))

        self._group_nodes(container, o, groups, group_ids, grads, backward)
        for count_attrs in seen_group_edges.values():
            count, attrs = count_attrs
            attrs["tooltip"] = f"{count} edge{'s' if count > 1 else ''} of the graph"
        self._nest(g, containers)
        for src, dst, attrs in edges:
            g.edge(src, dst, **attrs)
        if o.legend:
            _legend(g)
        return g

    def _nest(self, g: Graph, containers: dict[str, Graph]) -> None:
        """Put each module's cluster inside its parent module's cluster, creating those as needed."""
        modules = self.membership.modules if self.membership else []
        parent_of: dict[str, str] = {}
        pending = list(containers)
        while pending:
            module = pending.pop()
            parent = clusters.parent_module(module, modules)
            if parent and parent != module:
                parent_of[module] = parent
                if parent not in containers:
                    containers[parent] = _cluster(len(containers), parent, filled=False)
                    pending.append(parent)
        for module in sorted(containers, key=len, reverse=True):  # a parent's name is a prefix
            (containers[parent_of[module]] if module in parent_of else g).subgraph(containers[module])

    def _group_edges(self, node: Node, groups: dict[Node, str], hidden: set[Node], end: Any,
                     edges: list[tuple[str, str, dict[str, str]]], seen: dict[tuple[str, str], list[Any]],
                     style: dict[str, str]) -> None:
        """Edges into a collapsed module box: one per source however many values cross, in
        however many calls (``seen`` counts them: ``[count, attrs]`` by end points)."""
        if node not in groups:
            return
        dst = end(node, "v")
        for parent in node.parents:
            if parent in hidden or groups.get(parent) == groups[node]:
                continue
            src = end(parent, "v")
            if (src, dst) in seen:
                seen[src, dst][0] += 1
            else:
                attrs = dict(style)
                seen[src, dst] = [1, attrs]
                edges.append((src, dst, attrs))

    def _group_nodes(self, container: Any, o: Options, groups: dict[Node, str], group_ids: dict[str, str],
                     grads: Mapping[Node, Any], backward: bool) -> None:
        """One box per collapsed module: its name, parameter count, output and gradient norm."""
        if not groups:
            return
        params = self.membership.parameters if self.membership else {}
        members: dict[str, list[Node]] = {}
        for node, module in groups.items():
            members.setdefault(module, []).append(node)
        consumers: dict[Node, int] = {}
        for node in self.order:
            for p in node.parents:
                if groups.get(p) != groups.get(node):
                    consumers[p] = consumers.get(p, 0) + 1
        for module, gid in group_ids.items():
            nodes = members[module]
            ps = [n for n in nodes if n in params]
            lines = [f"<B>{html(module)}</B>", f"{sum(int(np.size(p.data)) for p in ps)} parameters"]
            calls = self._calls(module)
            if calls > 1:
                lines.append(f"{calls} calls")
            outs = [n for n in nodes if n not in params and (consumers.get(n) or n is self.root)]
            if len(outs) == 1:
                lines.append("out " + html(labels.value_text(outs[0].data, o.precision)))
            if backward and ps:
                sq = sum(float(np.sum(np.square(np.asarray(grads.get(p, 0.0), dtype=float)))) for p in ps)
                norm = html(labels.number(sq**0.5, o.precision))
                lines.append(f'<FONT COLOR="{COLOURS["grad"]}">|grad| {norm}</FONT>')
            modules = self.membership.modules if self.membership else []
            outer = clusters.parent_module(module, modules) if o.collapse == "neuron" else ""
            container(outer if outer != module else "").node(
                gid, label="<" + "<BR/>".join(lines) + ">", shape="box", style="rounded,filled",
                fillcolor=COLOURS["parameter"])

    def _calls(self, module: str) -> int:
        """How many calls of ``module`` made nodes of this graph."""
        return self.membership.calls.get(module, 0) if self.membership else 0

    def _edge_style(self, o: Options, frame: Frame | None, node: Node, k: int | None, path: set[Node],
                    on: bool) -> dict[str, str]:
        """Colour and direction of one edge (``k`` is the parent position; ``None``: op -> result)."""
        if frame is not None:
            if node is frame.current:
                return {"dir": "back", "color": COLOURS["current"], "penwidth": "3",
                        "fontcolor": COLOURS["highlight"]}
            if node in frame.visited:
                return {"dir": "back", "color": COLOURS["grad"]}
            return {"dir": "back", "color": COLOURS["dim"], "style": "dashed", "fontcolor": COLOURS["dim"]}
        attrs: dict[str, str]
        if o.view == "forward":
            attrs = {"color": COLOURS["forward"]}
        elif o.view == "backward":
            attrs = {"dir": "back", "color": COLOURS["grad"]}
        else:
            attrs = {"dir": "both", "color": f"{COLOURS['forward']}:{COLOURS['grad']}"}
        if path:
            if on:
                attrs.update(color=COLOURS["highlight"], penwidth="2.5")
            else:
                attrs.update(color=COLOURS["dim"], fontcolor=COLOURS["dim"])
        return attrs


def _cluster(number: int, module: str, filled: bool) -> Graph:
    """A Graphviz cluster for one module, labelled with its dotted name."""
    sub = Graph(name=f"cluster_{number}")
    sub.attr(label=f"<{html(module)}>", style="rounded,filled" if filled else "rounded",
             fillcolor=COLOURS["module"], color="#cbd5e1" if filled else "#94a3b8", fontsize="10",
             fontname=_FONT, labeljust="l")
    return sub


def _legend(g: Graph) -> None:
    """One node naming the colours: a row of swatches and a row for the edges."""
    swatches = [("input", "input"), ("parameter", "parameter"), ("constant", "constant"),
                ("value", "computed value"), ("root", "output (root)"), ("op", "op")]
    cells = "".join(f'<TD BGCOLOR="{COLOURS[key]}">{text}</TD>' for key, text in swatches)
    edges = (f'<TD COLSPAN="3"><FONT COLOR="{COLOURS["grad"]}">red: gradients, the backward direction</FONT></TD>'
             f'<TD COLSPAN="3"><FONT COLOR="{COLOURS["highlight"]}">orange: highlighted path / current step</FONT>'
             "</TD>")
    label = (f'<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="2" CELLPADDING="4"><TR><TD COLSPAN="6">'
             f"<B>legend</B></TD></TR><TR>{cells}</TR><TR>{edges}</TR></TABLE>>")
    g.node("legend", label=label, shape="plain", fontsize="9")


def draw(
    root: Node,
    view: str = "forward",
    *,
    rankdir: str = "LR",
    precision: int = 4,
    hide_constants: bool = False,
    highlight: Node | None = None,
    model: Any = None,
    collapse: str | None = None,
    legend: bool = False,
    title: str | None = None,
    formulas: bool = True,
    seed: Any = None,
    max_nodes: int = MAX_NODES,
) -> Graph:
    """Draw the graph that computed ``root`` (a ``Value`` or ``Tensor``).

    Args:
        root: the output; every node it depends on is drawn.
        view: ``"forward"`` (data), ``"backward"`` (gradients ``d root / d node`` and local
            derivatives on the edges, arrows the way gradients flow) or ``"both"``.
        rankdir: ``"LR"`` (left to right) or ``"TB"`` (top to bottom); also ``"RL"``, ``"BT"``.
        precision: significant digits of the numbers shown.
        hide_constants: leave out the constant nodes (``2`` in ``x * 2``); their value is
            written into the op node instead (``_ * 2.0``, the blank standing for the other input).
        highlight: an input node: the path from it to the root is drawn thick and orange,
            everything else grey.
        model: an ``nn`` module: its parameters are named by ``named_parameters()`` and each
            module's nodes are drawn in a cluster labelled with its dotted name.
        collapse: with ``model=``, draw each ``"neuron"`` (module that owns parameters) or
            each ``"layer"`` (the module above it) as one box.
        legend: add a small legend of the colours.
        title: a caption above the picture.
        formulas: label the edges with local derivatives (backward and both views).
        seed: ``d root / d root`` for the backward and both views (default 1; a tensor root of
            more than one element needs an array of its shape, e.g. ``np.ones(root.shape)``).
        max_nodes: the most nodes (value boxes, op ellipses, module boxes) to lay out: a bigger
            picture raises :class:`GraphTooLarge` (which says how big it would be and the ways
            out: ``collapse=``, ``viz.explore``, a higher ``max_nodes``) instead of leaving
            Graphviz busy for minutes.

    Returns:
        a :class:`viz.dot.Graph` (a ``graphviz.Digraph``): ``.source`` is the DOT text,
        ``.pipe("svg")`` / ``.render(...)`` draw it, notebooks display it inline. The gradients
        shown are computed afresh from ``root``; no node's ``.grad`` is changed.
    """
    options = Options(view=view, rankdir=rankdir, precision=precision, hide_constants=hide_constants,
                      highlight=highlight, collapse=collapse, legend=legend, title=title, formulas=formulas,
                      max_nodes=max_nodes)
    scene = Scene(root, model=model, seed=seed)
    count = scene.size(options)
    if count > options.max_nodes:
        raise GraphTooLarge(count, options.max_nodes, collapse, model is not None)
    return scene.draw(options)
