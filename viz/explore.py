"""The graph explorer: one self-contained HTML page for a computation graph of any size.

:func:`explore` prepares the whole graph in Python (names, ops, data, gradients, every local
derivative and every contribution the backward pass added up) as one JSON blob, and the page
lays out only what is visible, in the browser, with Graphviz compiled to WebAssembly (the
vendored ``@viz-js/viz`` 3.25.0, inlined: the page needs no network). It opens at the top of
a hierarchy of groups; a click on a group opens it in place, a click on its frame closes it.

The groups, following TensorBoard's graph explorer (constants out of the layout, clusters from
the names the code already has, bundled edges, bounded fan-out):

- with ``model=``: the model, its layers, their neurons (the dotted names of
  ``named_modules()``), then one group per call when a module ran more than once (a batch),
  then the ops;
- without a model: every maximal chain of one-input, one-consumer ops of :data:`CHAIN_MIN` or
  more becomes one "chain of N ops" group;
- in both, a group with more than :data:`FANOUT` children (calls, nodes outside every module,
  chains) splits them into nested contiguous blocks ("calls 1–50"), so no click lays out more
  than a few hundred items.

Constants (the ``2`` of ``x * 2``) are not drawn: they appear in the details of the op that
uses them. Edges between drawn items are the graph's edges mapped to their drawn ends, one
per pair, labelled with how many they stand for.

Names reach the page only as data: JSON inside ``<script type="application/json">`` with
``<`` written ``\\u003c``, then the DOM through ``textContent``; the DOT given to Graphviz
numbers its nodes (``n12``, ``g3``) and quotes every label, so no name can add markup, a
script, a node or an edge.
"""

from __future__ import annotations

import html
import math
import os
from collections import Counter
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from autograd.engine import Node
from autograd.files import write_atomic
from viz import clusters, labels
from viz.frame import iframe, script_json
from viz.render import COLOURS, Options, Scene

__all__ = ["explore", "Explorer", "FANOUT", "CHAIN_MIN", "VIZJS_VERSION", "VIZJS_SHA256", "CSP"]

VIZJS_VERSION = "3.25.0"
"""The vendored ``@viz-js/viz`` (3.28 to 3.31 do not compile their WebAssembly in Debian's Chromium)."""
VIZJS_SHA256 = "2e4fe91072268d06387a7b91d7ba11db9a235280df764d49399519faa5f5368d"
"""SHA-256 of ``viz/vendor/viz-global.js`` as published in that version (see ``viz/vendor/NOTICE``)."""

FANOUT = 50
"""The most children a group shows at once; more are split into nested blocks."""
CHAIN_MIN = 4
"""Without a model, chains of at least this many one-input, one-consumer ops become one group."""

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline' 'wasm-unsafe-eval'"
"""Nothing may be fetched; inline style and script only. Graphviz is WebAssembly, and compiling
it needs ``'wasm-unsafe-eval'`` (which allows WebAssembly, not JavaScript's ``eval``)."""

KINDS = ("input", "parameter", "constant", "value", "root")
"""Node kinds, by their code in the page's data (the colours are :data:`viz.render.COLOURS`)."""
GROUP_KINDS = ("module", "call", "block", "chain")
"""Group kinds, by their code in the page's data."""

_MODULE, _CALL, _BLOCK, _CHAIN = range(len(GROUP_KINDS))
_INPUT, _PARAMETER, _CONSTANT, _VALUE, _ROOT = range(len(KINDS))


class _Groups:
    """The hierarchy: groups as parallel lists (one entry per group) and each node's group."""

    def __init__(self, size: int) -> None:
        self.key: list[str] = []
        self.label: list[str] = []
        self.kind: list[int] = []
        self.parent: list[int] = []  # -1: the top level
        self.first: list[int] = []  # the topological position of the first node inside
        self.of = [-1] * size  # node index -> innermost group (-1: the top level)

    def add(self, key: str, label: str, kind: int, parent: int, first: int) -> int:
        self.key.append(key)
        self.label.append(label)
        self.kind.append(kind)
        self.parent.append(parent)
        self.first.append(first)
        return len(self.key) - 1

    def spread_first(self) -> None:
        """A group starts where the first of its subgroups starts, if that is earlier."""
        for g, first in enumerate(self.first):
            h = self.parent[g]
            while h >= 0 and self.first[h] > first:
                self.first[h] = first
                h = self.parent[h]

    def keep_module_order(self) -> None:
        """Sibling modules swap their positions so that they are listed in ``named_modules()``
        order (the depth-first order of the graph lists a layer's last neuron first)."""
        siblings: dict[int, list[int]] = {}
        for g, kind in enumerate(self.kind):
            if kind == _MODULE:
                siblings.setdefault(self.parent[g], []).append(g)
        for group in siblings.values():
            for g, first in zip(group, sorted(self.first[g] for g in group)):
                self.first[g] = first

    def key_under(self, parent: int, label: str) -> str:
        """A made-up group's key: its parent's key and its own label (unique among siblings)."""
        return label if parent < 0 else f"{self.key[parent]}:{label}"


def _by_module(scene: Scene, model: Any, groups: _Groups) -> None:
    """Groups from the model: its modules (dotted names), and one group per call of a module that
    ran more than once, holding the nodes that call made."""
    membership = scene.membership
    assert membership is not None
    modules = membership.modules
    index: dict[str, int] = {}
    for name in modules:  # named_modules() lists a parent before its children
        up = clusters.parent_module(name, modules)
        parent = -1 if name == "" else index.get("" if up == name else up, -1)
        index[name] = groups.add(name, name or type(model).__name__, _MODULE, parent, len(scene.order))
    calls: dict[tuple[str, int], int] = {}
    for i, node in enumerate(scene.order):
        module = membership.owner.get(node)
        if module is None:
            continue
        g = index[module]
        if node not in membership.parameters and membership.calls.get(module, 1) > 1:
            k = membership.call.get(node, 0)
            if (module, k) not in calls:
                label = f"call {k + 1}"
                calls[module, k] = groups.add(groups.key_under(g, label), label, _CALL, g, i)
            g = calls[module, k]
        groups.of[i] = g
        groups.first[g] = min(groups.first[g], i)


def _by_chain(scene: Scene, groups: _Groups) -> None:
    """Without a model: each maximal chain of at least :data:`CHAIN_MIN` ops, each with one
    input that no other op uses (constants aside), becomes one group."""
    index, uses = scene.index, scene.uses
    head = list(range(len(scene.order)))  # the first node of the chain each node is on
    for i, node in enumerate(scene.order):
        live = [p for p in node.parents if not p.is_constant]
        if len(live) == 1 and not live[0].is_leaf and uses[live[0]] == 1 and node is not scene.root:
            head[i] = head[index[live[0]]]
    length = Counter(head)
    chain: dict[int, int] = {}
    for i, h in enumerate(head):
        if length[h] >= CHAIN_MIN:
            if h not in chain:
                label = f"chain {len(chain) + 1}"
                chain[h] = groups.add(label, label, _CHAIN, -1, i)
            groups.of[i] = chain[h]


def _block(groups: _Groups, items: list[int], parent: int, word: str, n: int, offset: int = 0) -> None:
    """Split ``items`` (children of ``parent``: node ``i`` as ``i``, group ``g`` as ``n + g``) into
    contiguous blocks of equal size, nested so that no block has more than :data:`FANOUT` children."""
    size = FANOUT
    while -(-len(items) // size) > FANOUT:
        size *= FANOUT
    for start in range(0, len(items), size):
        chunk = items[start:start + size]
        if len(chunk) == 1:  # a last one left over stays as it is: a block of one hides it for nothing
            continue
        label = f"{word} {offset + start + 1:,}\u2013{offset + start + len(chunk):,}"
        first = min(i if i < n else groups.first[i - n] for i in chunk)
        b = groups.add(groups.key_under(parent, label), label, _BLOCK, parent, first)
        if len(chunk) > FANOUT:
            _block(groups, chunk, b, word, n, offset + start)
            continue
        for item in chunk:
            if item < n:
                groups.of[item] = b
            else:
                groups.parent[item - n] = b


def _split_wide(scene: Scene, groups: _Groups) -> None:
    """Block every group (and the top level) with more than :data:`FANOUT` drawn children. Its
    modules, its calls and the rest (nodes, chains) are blocked apart; the root is never put in a
    block (it stays in view)."""
    n = len(scene.order)
    words = {_MODULE: "modules", _CALL: "calls"}
    children: dict[tuple[int, str], list[int]] = {}
    for g, parent in enumerate(groups.parent):
        children.setdefault((parent, words.get(groups.kind[g], "nodes")), []).append(n + g)
    for i, node in enumerate(scene.order):
        if not node.is_constant and node is not scene.root:
            children.setdefault((groups.of[i], "nodes"), []).append(i)
    position = lambda item: item if item < n else groups.first[item - n]
    for (parent, word), items in children.items():
        if len(items) > FANOUT:
            _block(groups, sorted(items, key=position), parent, word, n)


def _place_constants(scene: Scene, groups: _Groups) -> None:
    """A constant goes where its first consumer is (it is shown in that op's details)."""
    index = scene.index
    for i, node in enumerate(scene.order):
        for p in node.parents:
            if p.is_constant:
                groups.of[index[p]] = groups.of[i]


def _number(x: Any) -> float | str | None:
    """A scalar's exact value for JSON: a float, or ``"nan"``/``"inf"``/``"-inf"`` (which JSON
    cannot write as numbers); ``None`` for arrays of more than one element."""
    if isinstance(x, np.ndarray):
        if x.size != 1:
            return None
        x = x.reshape(()).item()
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else str(f)


def _kind(scene: Scene, node: Node) -> int:
    if node is scene.root:
        return _ROOT
    if scene.membership is not None and node in scene.membership.parameters:
        return _PARAMETER
    if node.is_constant:
        return _CONSTANT
    return _INPUT if node.is_leaf else _VALUE


def _summary(ops: Counter[str]) -> str:
    """The most common ops of a group, e.g. ``1,200 *, 1,150 +, 40 relu``."""
    return ", ".join(f"{count:,} {op}" for op, count in ops.most_common(3))


def _group_table(scene: Scene, groups: _Groups, grads: dict[Node, Any], precision: int) -> dict[str, list[Any]]:
    """Each group's counts, summed bottom-up: drawn nodes, ops, parameters and their gradient norm."""
    count = len(groups.key)
    nodes = [0] * count
    ops: list[Counter[str]] = [Counter() for _ in range(count)]
    params = [0] * count
    squares = [0.0] * count
    params_of = scene.membership.parameters if scene.membership else {}
    for i, node in enumerate(scene.order):
        g = groups.of[i]
        if g < 0 or node.is_constant:
            continue
        nodes[g] += 1
        if node.op:
            ops[g][node.op] += 1
        if node in params_of:
            params[g] += int(np.size(node.data))
            squares[g] += float(np.sum(np.square(np.asarray(grads.get(node, 0.0), dtype=float))))
    depth = [0] * count
    for g in range(count):
        h = groups.parent[g]
        while h >= 0:
            depth[g] += 1
            h = groups.parent[h]
    for g in sorted(range(count), key=depth.__getitem__, reverse=True):  # children before parents
        up = groups.parent[g]
        if up >= 0:
            nodes[up] += nodes[g]
            ops[up].update(ops[g])
            params[up] += params[g]
            squares[up] += squares[g]
    calls = scene.membership.calls if scene.membership else {}
    return {
        "gkey": groups.key,
        "glabel": groups.label,
        "gkind": groups.kind,
        "gparent": groups.parent,
        "gfirst": groups.first,
        "gnodes": nodes,
        "gcalls": [calls.get(k, 1) if kind == _MODULE else 1 for k, kind in zip(groups.key, groups.kind)],
        "gparams": params,
        "gnorm": [labels.number(math.sqrt(s), precision) if p else None for s, p in zip(squares, params)],
        "gops": [_summary(c) for c in ops],
    }


def _node_table(scene: Scene, precision: int) -> tuple[dict[str, Any], dict[Node, Any]]:
    """Every node's name, op, kind, data, gradient, inputs with their local derivatives, and the
    contributions its gradient is the sum of, as recorded by the engine's backward pass."""
    order, index, names = scene.order, scene.index, scene.names
    def text(x: Any) -> str:  # one line of text; a plain float (most of them) takes the short way
        if isinstance(x, float):
            return labels.number(x, precision)
        return " ".join(labels.value_text(x, precision).split())

    received: list[list[list[Any]]] = [[] for _ in order]

    def observe(node: Node, grad: Any, contributions: Sequence[Any]) -> None:
        i = index[node]
        for parent, c in zip(node.parents, contributions):
            if c is not None:  # a constant operand the op gives no gradient
                received[index[parent]].append([i, text(c)])

    grads = scene.backprop(observe)
    if scene.root in grads:
        received[index[scene.root]].append([-1, text(grads[scene.root])])  # the seed
    ops: dict[str, int] = {}
    inputs: list[list[list[Any]] | None] = []
    expressions: list[str] = []
    for node in order:
        fn = node.grad_fn
        if fn is None:
            inputs.append(None)
            expressions.append("")
            continue
        rows: list[list[Any]] = []
        for parent, d in zip(node.parents, labels.local_derivatives(node, names)):
            plain = labels.is_number_text(d.formula) or d.value is None or np.size(d.value) > 1
            rows.append([index[parent], d.formula] if plain else [index[parent], d.formula, text(d.value)])
        inputs.append(rows)
        expressions.append(fn.expression([names[p] for p in node.parents], node.arg))
    shapes = {i: labels.shape_text(n.data) for i, n in enumerate(order) if isinstance(n.data, np.ndarray)}
    table = {
        "name": [names[n] for n in order],
        "op": [ops.setdefault(n.op, len(ops)) for n in order],
        "ops": list(ops),
        "expr": expressions,
        "kind": [_kind(scene, n) for n in order],
        "data": [text(n.data) for n in order],
        "dv": [_number(n.data) for n in order],
        "grad": [text(grads[n]) if n in grads else None for n in order],
        "gv": [_number(grads[n]) if n in grads else None for n in order],
        "shape": shapes,
        "in": inputs,
        "rec": received,
    }
    return table, grads


class Explorer:
    """The explorer page of one graph (see :func:`explore`).

    ``.html()`` is the page's text, ``.write(path)`` writes it (whole or not at all), and in a
    notebook the explorer displays itself inline (``_repr_html_``). ``.data`` is what the page
    holds: parallel lists by node (topological order) and by group, as documented in
    :func:`explore`.
    """

    def __init__(self, data: dict[str, Any], title: str) -> None:
        self.data = data
        self.title = title
        self._page: str | None = None

    def __repr__(self) -> str:
        return f"<Explorer of {len(self.data['name']):,} nodes in {len(self.data['gkey']):,} groups>"

    def html(self) -> str:
        """The self-contained page: data, Graphviz (WebAssembly) and the viewer, all inline."""
        if self._page is None:
            self._page = _page(self.data, self.title)
        return self._page

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to ``path`` (whole or not at all, see :mod:`autograd.files`); returns it."""
        return write_atomic(path, self.html())

    def _repr_html_(self) -> str:
        return iframe(self.html(), self.title, height=720)  # a whole page: in a sandboxed frame


@cache
def _asset(*path: str) -> str:
    """A file shipped inside the package (the viewer's script and style, the vendored Graphviz)."""
    return resources.files("viz").joinpath(*path).read_text(encoding="utf-8")


def _script(text: str) -> str:
    """Script text safe inside ``<script>``: an HTML parser ends the element at ``</script``."""
    if "</script" in text.lower() or "<!--" in text:
        raise ValueError("an inlined script contains '</script' or '<!--'")
    return text


def _page(data: dict[str, Any], title: str) -> str:
    blob = script_json(data)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{_asset("page", "explore.css")}</style>
</head>
<body>
{_asset("page", "explore.html")}
<script type="application/json" id="graph-data">{blob}</script>
<script>{_script(_asset("vendor", "viz-global.js"))}</script>
<script>{_script(_asset("page", "explore.js"))}</script>
</body>
</html>
"""


def explore(root: Node, model: Any = None, *, seed: Any = None, title: str | None = None,
            precision: int = 4) -> Explorer:
    """The explorer page of the graph that computed ``root`` (a ``Value`` or ``Tensor``).

    Args:
        root: the output; every node it depends on is in the page.
        model: an ``nn`` module: its parameters are named by ``named_parameters()`` and the page
            opens at the model, with its modules (then their calls) as groups to open.
        seed: ``d root / d root`` (default 1; a tensor root of more than one element needs an
            array of its shape).
        title: the page's heading (default: "Computation graph of <root's name>").
        precision: significant digits of the numbers shown (exact values are kept too).

    Returns:
        an :class:`Explorer`: ``.write(path)``, ``.html()``, inline display in notebooks. The
        gradients are computed afresh from ``root``; no node's ``.grad`` is changed.

    The page's data (``Explorer.data``), by node in topological order: ``name``, ``op`` (an index
    into ``ops``), ``expr`` (the op written out), ``kind`` (an index into :data:`KINDS`),
    ``data``/``grad`` (text) and ``dv``/``gv`` (exact numbers for scalars; NaN and infinities as
    strings), ``shape`` (tensors only, by index), ``in`` (per input: its index, the local
    derivative's formula and, when that is not a number already, its value), ``rec`` (the
    contributions received: consumer index and value; ``-1`` is the seed) and ``grp`` (the
    innermost group, ``-1`` for the top level); and by group: ``gkey`` (a module's dotted name,
    else a made-up key), ``glabel``, ``gkind`` (:data:`GROUP_KINDS`), ``gparent``, ``gfirst``,
    ``gnodes`` (drawn nodes inside), ``gcalls``, ``gparams``, ``gnorm`` (of the parameters'
    gradients) and ``gops`` (the most common ops).
    """
    Options(precision=precision)  # checks it as draw() does
    scene = Scene(root, model=model, seed=seed)
    nodes, grads = _node_table(scene, precision)
    groups = _Groups(len(scene.order))
    if model is not None:
        _by_module(scene, model, groups)
    else:
        _by_chain(scene, groups)
    groups.spread_first()
    groups.keep_module_order()
    _split_wide(scene, groups)
    _place_constants(scene, groups)
    name = scene.names[scene.root]
    title = title if title is not None else f"Computation graph of {name}"
    constants = sum(1 for n in scene.order if n.is_constant)
    data: dict[str, Any] = {
        "title": title,
        "root": scene.index[scene.root],
        "precision": precision,
        "constants": constants,
        "colours": COLOURS,
        "kinds": list(KINDS),
        "gkinds": list(GROUP_KINDS),
        "fanout": FANOUT,
        "viz": VIZJS_VERSION,
        **nodes,
        "grp": groups.of,
        **_group_table(scene, groups, grads, precision),
    }
    return Explorer(data, title)
