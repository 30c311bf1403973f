"""Which ``nn`` module each node of a graph belongs to: the module whose call made it.

Every node records the :class:`~autograd.engine.Scope` that was open when it was made, and
``nn.Module.__call__`` opens one per call with the module as its owner. So a node belongs to
the innermost module of the model whose call made it: the products, the sum and the
activation of a neuron belong to that neuron, whether the neuron was called on plain numbers,
on nodes, once or once per example of a batch; the constants a call made from plain numbers
too. A module called many times (a batch) holds the nodes of every call, numbered by call.

Parameters are leaves made when the model was built, outside every call: they belong to the
module their dotted name says (``layers.0.neurons.3.w.1`` to ``layers.0.neurons.3``).
Everything made outside the model's calls (the loss, a weight penalty, the inputs) belongs to
no module, and so do nodes made by the model's own ``forward`` (the model is the whole picture,
not a box in it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from autograd.engine import Node, Scope

__all__ = ["Membership", "assign", "module_of", "parent_module"]


@dataclass
class Membership:
    """The result of :func:`assign`."""

    owner: dict[Node, str] = field(default_factory=dict)
    """Node -> dotted module name (``layers.0.neurons.3``); nodes outside every module are absent."""
    parameters: dict[Node, str] = field(default_factory=dict)
    """Parameter leaf -> its full dotted name (``layers.0.neurons.3.w.1``)."""
    modules: list[str] = field(default_factory=list)
    """Every module name of the model (``""`` is the model itself), in the model's order."""
    call: dict[Node, int] = field(default_factory=dict)
    """Node made by a call -> that call's number within its owner module (0, 1, ... in the order
    the graph first uses them); parameters are absent (they belong to every call)."""
    calls: dict[str, int] = field(default_factory=dict)
    """Module -> how many of its calls made nodes of this graph."""


def module_of(parameter: str, modules: Sequence[str]) -> str:
    """The module a dotted parameter name belongs to: the longest module name that prefixes it.

    Without a module list, ``layers.0.neurons.3.w.1`` -> ``layers.0.neurons.3`` (trailing list
    positions and the attribute name are dropped).
    """
    best = ""
    for m in modules:
        if m and parameter.startswith(m + ".") and len(m) > len(best):
            best = m
    if best or modules:
        return best
    parts = parameter.split(".")
    while parts and parts[-1].isdigit():
        parts.pop()
    return ".".join(parts[:-1])


def parent_module(module: str, modules: Sequence[str]) -> str:
    """The module one level up (``layers.0.neurons.3`` -> ``layers.0``); ``module`` at the top."""
    best = ""
    for m in modules:
        if m and module.startswith(m + ".") and len(m) > len(best):
            best = m
    if not best and not modules:
        parts = module.split(".")
        while parts and parts[-1].isdigit():
            parts.pop()
        best = ".".join(parts[:-1])
    return best or module


def assign(order: Iterable[Node], model: Any) -> Membership:
    """Module membership of every node in ``order`` (a topological order) for ``model``.

    ``model`` is an ``nn`` module (anything with ``named_parameters()``; ``named_modules()``
    names the modules whose calls are recognised).
    """
    if not hasattr(model, "named_parameters"):
        raise TypeError(f"model= needs an nn module with named_parameters(), got {type(model).__name__}")
    named = [(str(n), m) for n, m in model.named_modules()] if hasattr(model, "named_modules") else []
    result = Membership(modules=[n for n, _ in named])
    name_of = {id(m): n for n, m in named}  # by identity: modules may define __eq__
    for name, p in model.named_parameters():
        result.parameters[p] = str(name)
        module = module_of(str(name), result.modules)
        if module:
            result.owner[p] = module
    # A node's scope -> the call of a module of this model that holds it (None: of no module);
    # that call -> its module and number. Nodes of one call share a scope: these stay small.
    home: dict[Scope, tuple[str, int] | None] = {}
    number: dict[Scope, int] = {}
    for node in order:
        scope = node.scope
        if scope is None or node in result.parameters:
            continue
        if scope not in home:
            home[scope] = _module_call(scope, name_of, number, result.calls)
        mine = home[scope]
        if mine is not None:
            result.owner[node], result.call[node] = mine
    return result


def _module_call(scope: Scope, name_of: dict[int, str], number: dict[Scope, int],
                 calls: dict[str, int]) -> tuple[str, int] | None:
    """The innermost call of a module of the model among ``scope`` and the scopes around it: the
    module's name and the call's number. Every call of a module met on the way out, the
    enclosing ones too (a layer's around its neurons'), is numbered and counted in ``calls``
    the first time it is seen."""
    innermost: tuple[str, int] | None = None
    s: Scope | None = scope
    while s is not None:
        name = name_of.get(id(s.owner))
        if name:  # a module of the model ("" is the model itself: outside every box)
            if s not in number:
                number[s] = calls.get(name, 0)
                calls[name] = number[s] + 1
            if innermost is None:
                innermost = name, number[s]
        elif name == "" and innermost is None:
            return None  # made by the model's own forward
        s = s.parent
    return innermost
