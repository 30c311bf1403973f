"""Backprop one chain-rule step at a time: :func:`steps` records the engine's backward pass.

The engine (:func:`autograd.engine.backprop`) calls an observer once per non-leaf node, in
the order it applies the chain rule, with the node's (complete) gradient and each parent's
contribution. :func:`steps` keeps those calls as :class:`Step` records and adds what a reader
needs: each local derivative as formula and number (from the op record) and the running sum
of a parent that several nodes feed. The numbers are the engine's own, not recomputed.

>>> from autograd import Value
>>> a, b = Value(2.0, name="a"), Value(-3.0, name="b")
>>> c = a * b; c.name = "c"
>>> print(steps(c))                                  # doctest: +NORMALIZE_WHITESPACE
backward pass of c = -6.0, seed dc/dc = 1.0
<BLANKLINE>
step 1  c = a * b      dc/dc = 1.0
    dc/da = dc/dc * dc/da = 1.0 * (b = -3.0) = -3.0
    dc/db = dc/dc * dc/db = 1.0 * (a = 2.0) = 2.0
<BLANKLINE>
chain rule, input by input:
    dc/da = -3.0
    dc/db = 2.0
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from autograd.engine import Node
from viz import labels
from viz.dot import Graph
from viz.labels import Derivative
from viz.render import Frame, Options, Scene

__all__ = ["steps", "Trace", "Step", "Edge"]

_MAX_PATHS = 6  # beyond this many paths an input's chain-rule sum is summarised, not written out
_MAX_PATH_LENGTH = 10


@dataclass(frozen=True)
class Edge:
    """One parent's share of a step: ``contribution = upstream * local derivative``."""

    parent: Node
    name: str
    derivative: Derivative
    contribution: Any
    before: Any
    """The parent's running gradient before this contribution (``None``: nothing yet)."""
    total: Any
    """The running gradient after adding it."""
    shared: bool
    """Whether the parent receives contributions from more than one edge (its gradient is a sum)."""


@dataclass(frozen=True)
class Step:
    """The chain rule applied at one node: its gradient is passed on to each parent."""

    index: int
    node: Node
    name: str
    expression: str
    """The forward op written out, e.g. ``c = a * b``."""
    upstream: Any
    """``d root / d node``, complete when the step runs."""
    edges: tuple[Edge, ...]
    root_name: str

    def lines(self, precision: int = 4, constants: bool = False) -> list[str]:
        """The step as text: a header and one chain-rule line per parent."""
        r, n = self.root_name, self.name
        up = f"d{r}/d{n}"
        head = f"step {self.index}  {self.expression}      {up} = {value_text(self.upstream, precision)}"
        rows = []
        for e in self.edges:
            if e.parent.is_constant and not constants:
                continue
            d = e.derivative
            plain = labels.is_number_text(d.formula) or d.value is None or np.size(d.value) > 1
            local = d.formula if plain else f"({d.formula} = {value_text(d.value, precision)})"
            left = f"d{r}/d{e.name}"
            op = "+=" if e.before is not None else "="
            text = (f"{left} {op} {up} * {d.symbol} = {value_text(self.upstream, precision)} * {local}"
                    f" = {value_text(e.contribution, precision)}")
            if e.before is not None:
                text += (f"   (running sum: {value_text(e.before, precision)} + "
                         f"{value_text(e.contribution, precision)} = {value_text(e.total, precision)})")
            rows.append("    " + text)
        return [head, *rows]

    def explain(self, precision: int = 4) -> str:
        """The step as a short paragraph for the step-by-step player."""
        return "\n".join(self.lines(precision))


class Trace:
    """An ordered record of a backward pass (see :func:`steps`).

    ``len(trace)`` steps, ``trace[i]`` a :class:`Step`, ``trace.grads`` the engine's final
    gradients ``d root / d node``; ``print(trace)`` shows the derivation, :meth:`frames` one
    picture per step and :meth:`write_player` a self-contained HTML page that plays them (which is
    also what a notebook shows for a trace at the end of a cell).
    """

    def __init__(self, root: Node, steps: Sequence[Step], grads: dict[Node, Any], scene: Scene,
                 precision: int = 4) -> None:
        self.root = root
        self.steps = list(steps)
        self.grads = grads
        self.scene = scene
        self.names = scene.names
        self.precision = precision

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def __getitem__(self, i: int) -> Step:
        return self.steps[i]

    def __repr__(self) -> str:
        return f"<Trace of {len(self.steps)} chain-rule steps from {self.names[self.root]!r}>"

    @property
    def seed(self) -> Any:
        """``d root / d root``, where the backward pass starts."""
        return self.grads[self.root]

    # -- text ---------------------------------------------------------------------------------
    def header(self) -> str:
        """The first line: the root, its value and the seed."""
        r = self.names[self.root]
        p = self.precision
        return f"backward pass of {r} = {value_text(self.root.data, p)}, seed d{r}/d{r} = {value_text(self.seed, p)}"

    def table(self, precision: int | None = None, constants: bool = False) -> str:
        """The whole derivation as plain text: every step, then each input's chain-rule product."""
        p = self.precision if precision is None else precision
        out = [self.header(), ""]
        for step in self.steps:
            out.extend(step.lines(p, constants))
        inputs = self.inputs()
        if inputs:
            out += ["", "chain rule, input by input:"]
            out += ["    " + self.chain(n, p) for n in inputs]
        return "\n".join(out)

    def __str__(self) -> str:
        return self.table()

    def inputs(self) -> list[Node]:
        """The non-constant leaves, in the order the forward pass first uses them."""
        seen: dict[Node, None] = {}
        for node in self.scene.order:
            for p in node.parents:
                if p.is_leaf and not p.is_constant:
                    seen.setdefault(p)
        return list(seen)

    def _repr_html_(self) -> str:
        """In a notebook: the step-by-step player (:meth:`write_player`'s page) in a sandboxed frame;
        the text table for a pass longer than the player shows (:data:`viz.player.MAX_STEPS`)."""
        from viz.frame import iframe
        from viz.player import MAX_STEPS, player_page

        if len(self) > MAX_STEPS:
            return f"<pre>{labels.html(self.table()).replace('<BR/>', chr(10))}</pre>"
        return iframe(player_page(self), self.title(), height=640)

    def title(self) -> str:
        """The step player's heading when none is given: ``Backpropagation of o, step by step``."""
        return f"Backpropagation of {self.names[self.root]}, step by step"

    def chain(self, node: Node, precision: int | None = None) -> str:
        """``dL/dw1 = dL/dy * dy/dz * dz/dw1 = 1.0 * 2.0 * 3.0 = 6.0``: the gradient of one node
        written as the chain rule along every path from the root (a sum when there are several)."""
        p = self.precision if precision is None else precision
        r, name = self.names[self.root], self.names[node]
        final = value_text(self.grads.get(node, 0.0), p)
        if node is self.root:
            return f"d{r}/d{r} = {final}"
        paths = self.paths(node)
        if paths is None:
            return f"d{r}/d{name} = sum over more than {_MAX_PATHS} paths = {final}"
        if not paths:
            return f"d{r}/d{name} = 0 (no path from {r})"
        left = f"d{r}/d{name}"
        symbols = " + ".join(" * ".join(d.symbol for d in path) for path in paths)
        text = left if symbols == left else f"{left} = {symbols}"
        if all(isinstance(d.value, (int, float)) for path in paths for d in path):
            numbers = [" * ".join(value_text(d.value, p) for d in path) for path in paths]
            if len(paths) > 1:
                numbers = [f"({n})" if "*" in n else n for n in numbers]
            if isinstance(self.seed, float) and self.seed != 1.0:  # a custom seed multiplies every path
                numbers = [f"{value_text(self.seed, p)} * {n}" for n in numbers]
            joined = " + ".join(numbers)
            if joined != final:
                text += f" = {joined}"
        return text + f" = {final}"

    def paths(self, target: Node) -> list[list[Derivative]] | None:
        """Every path of local derivatives from the root down to ``target`` (None: too many)."""
        on = self.scene.path_to(target)
        derivs = {s.node: [e.derivative for e in s.edges] for s in self.steps}
        paths: list[list[Derivative]] = []
        stack: list[tuple[Node, list[Derivative]]] = [(self.root, [])]
        while stack:
            node, prefix = stack.pop()
            if node is target:
                paths.append(prefix)
                if len(paths) > _MAX_PATHS:
                    return None
                continue
            if len(prefix) >= _MAX_PATH_LENGTH:
                return None
            for k, parent in reversed(list(enumerate(node.parents))):
                if parent in on:
                    stack.append((parent, prefix + [derivs[node][k]]))
        return paths

    # -- pictures -----------------------------------------------------------------------------
    def states(self, summary: bool = False) -> Iterator[Frame]:
        """The backward pass before the first step and after each step, as drawing states; with
        ``summary``, one more at the end: every gradient complete, every contribution written."""
        uses = dict(self.scene.uses)  # counted down below
        running: dict[Node, Any] = {self.root: self.seed}
        done = {self.root}
        visited: set[Node] = set()
        yield Frame(grads=dict(running), done=set(done), visited=set())
        for step in self.steps:
            for e in step.edges:
                running[e.parent] = e.total
                uses[e.parent] -= 1
                if uses[e.parent] == 0:
                    done.add(e.parent)
            visited.add(step.node)
            yield Frame(grads=dict(running), done=set(done), current=step.node,
                        notes={step.node: self._notes(step)}, visited=set(visited))
        if summary:
            yield Frame(grads=dict(running), done=set(done), notes={s.node: self._notes(s) for s in self.steps},
                        visited=set(visited))

    def _notes(self, step: Step) -> dict[int, str]:
        """What a step adds along each of its edges, ``upstream * local = contribution``, by edge."""
        notes = {}
        for k, e in enumerate(step.edges):
            d = e.derivative
            plain = d.value is None or np.size(d.value) > 1
            local = d.formula if plain else value_text(d.value, self.precision)
            notes[k] = (f"{value_text(step.upstream, self.precision)} * {local}"
                        f" = {value_text(e.contribution, self.precision)}")
        return notes

    def frames(self, *, rankdir: str = "LR", precision: int | None = None, hide_constants: bool = False,
               legend: bool = False, summary: bool = False,
               grad_cells: Mapping[Node, tuple[int, int]] | None = None) -> list[Graph]:
        """One picture per state: the graph before any step, then after each step, with the values
        done so far filled, the current node and its edges highlighted and the contributions
        written on them; with ``summary``, a last picture of the finished pass (see :meth:`states`).

        ``grad_cells`` fixes the size of each box's gradient cell (:attr:`viz.render.Frame.grad_cells`).
        """
        o = self.options(rankdir=rankdir, precision=precision, hide_constants=hide_constants, legend=legend)
        cells = dict(grad_cells or {})
        return [self.scene.draw(o, replace(frame, grad_cells=cells)) for frame in self.states(summary)]

    def options(self, *, rankdir: str = "LR", precision: int | None = None, hide_constants: bool = False,
                legend: bool = False) -> Options:
        """The drawing options of the frames (the keyword arguments of :meth:`frames`)."""
        return Options(view="backward", rankdir=rankdir, precision=precision or self.precision,
                       hide_constants=hide_constants, legend=legend)

    def explanations(self, summary: bool = False) -> list[str]:
        """The text beside each frame: the seed first, then each step's chain-rule lines; with
        ``summary``, last the gradient of each input as the chain rule along its paths."""
        r = self.names[self.root]
        first = (f"{self.header()}\n\nThe backward pass starts at the root: d{r}/d{r} = "
                 f"{value_text(self.seed, self.precision)}. Every other gradient is still unknown.")
        texts = [first] + [s.explain(self.precision) for s in self.steps]
        if summary:
            texts.append(self.summary())
        return texts

    def summary(self) -> str:
        """Each input's gradient written as the chain rule along its paths from the root."""
        inputs = self.inputs()
        if not inputs:
            return f"The backward pass is complete; {self.names[self.root]} depends on no input."
        lines = [self.chain(n) for n in inputs]
        return "The gradients of the inputs, by the chain rule along every path:\n\n" + "\n".join(lines)

    def write_player(self, path: str, title: str | None = None, **frame_options: Any) -> Any:
        """Write the self-contained HTML step-through page (see :func:`viz.player.write_player`)."""
        from viz.player import write_player

        return write_player(self, path, title=title, **frame_options)


def steps(root: Node, seed: Any = None, *, model: Any = None, precision: int = 4) -> Trace:
    """Run the backward pass from ``root`` and record it step by step.

    Args:
        root: the output (a ``Value`` or ``Tensor``).
        seed: ``d root / d root`` (default 1; a tensor root of more than one element needs an
            array of its shape).
        model: an ``nn`` module whose parameter names label the nodes (and group the frames).
        precision: significant digits in text and pictures.

    Nothing is written to any node's ``.grad``: the trace holds the gradients (``trace.grads``).
    """
    if not isinstance(root, Node):  # before Scene, whose message speaks of draw()
        raise TypeError(f"steps() takes a graph node (a Value or Tensor) as root, got {type(root).__name__}")
    scene = Scene(root, model=model, seed=seed)
    names = scene.names
    uses = scene.uses
    running: dict[Node, Any] = {}
    records: list[Step] = []

    def observe(node: Node, grad: Any, contributions: Sequence[Any]) -> None:
        derivs = labels.local_derivatives(node, names)
        edges = []
        for parent, d, c in zip(node.parents, derivs, contributions):
            if c is None:  # a constant operand the op gives no gradient (e.g. a data batch in X @ W)
                continue
            before = running.get(parent)
            total = c if before is None else before + c
            running[parent] = total
            edges.append(Edge(parent, names[parent], d, _snapshot(c), _snapshot(before), _snapshot(total),
                              uses.get(parent, 0) > 1))
        pnames = [names[p] for p in node.parents]
        expression = f"{names[node]} = {node.grad_fn.expression(pnames, node.arg) if node.grad_fn else names[node]}"
        records.append(Step(len(records) + 1, node, names[node], expression, _snapshot(grad), tuple(edges),
                            names[root]))

    grads = scene.backprop(observe)
    running.clear()
    return Trace(root, records, grads, scene, precision)


def value_text(x: Any, precision: int = 4) -> str:
    """A number, or an array preview on one line (the trace is read line by line)."""
    return " ".join(labels.value_text(x, precision).split())



def _snapshot(x: Any) -> Any:
    """A copy of an array gradient (later steps must not change what an earlier one recorded)."""
    return x.copy() if isinstance(x, np.ndarray) else x
