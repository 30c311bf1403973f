"""Which ``nn`` module each node of a graph belongs to, from the model's parameter names.

The graph records ops, not modules, so membership is inferred from the parameters, with three
rules that follow how a layer computes (``act(w . x + b)``):

1. a node made by an op with a parameter among its inputs (``w * x``, ``sum(..., b)``) belongs
   to that parameter's module (a node computed from one module's parameters alone, such as
   ``W.T``, counts as a parameter; where parameters of several modules meet, as in a weight
   penalty, the node belongs to none);
2. a node combining two or more inputs that all belong to one module (the partial sums of
   ``w0 x0 + w1 x1 + ...``) belongs to it too;
3. an activation (an op named in :data:`ACTIVATIONS`, e.g. ``tanh(z)``) applied to such a
   node closes the module.

Everything after (a loss, ``score * y``) stays outside: a node never joins a module only
because one of its inputs came out of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from autograd.engine import Node

__all__ = ["Membership", "assign", "module_of", "parent_module", "ACTIVATIONS"]

ACTIVATIONS = frozenset({"tanh", "sigmoid", "relu", "leaky_relu", "elu", "softmax", "log_softmax", "gelu",
                         "softplus", "silu", "swish", "identity"})
"""Op names that close a module (rule 3): a sum or a square after a layer is the loss's, not the layer's."""


@dataclass
class Membership:
    """The result of :func:`assign`."""

    owner: dict[Node, str] = field(default_factory=dict)
    """Node -> dotted module name (``layers.0.neurons.3``); nodes outside every module are absent."""
    parameters: dict[Node, str] = field(default_factory=dict)
    """Parameter leaf -> its full dotted name (``layers.0.neurons.3.w.1``)."""
    modules: list[str] = field(default_factory=list)
    """Every module name of the model (``""`` is the model itself), in the model's order."""


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


def _named(model: Any) -> tuple[list[tuple[str, Node]], list[str]]:
    if not hasattr(model, "named_parameters"):
        raise TypeError(f"model= needs an nn module with named_parameters(), got {type(model).__name__}")
    params = [(str(n), p) for n, p in model.named_parameters()]
    modules = [str(n) for n, _ in model.named_modules()] if hasattr(model, "named_modules") else []
    return params, modules


def assign(order: Iterable[Node], model: Any) -> Membership:
    """Module membership of every node in ``order`` (a topological order) for ``model``."""
    params, modules = _named(model)
    result = Membership(modules=modules)
    param_module: dict[Node, str] = {}
    for name, p in params:
        result.parameters[p] = name
        param_module[p] = module_of(name, modules)
    # "open" nodes may still grow their module (rules 1 and 2); closed ones end it (rule 3).
    open_owner: dict[Node, str] = {}
    # nodes computed from one module's parameters alone (``W.T``, ``w * w``) count as parameters
    derived: dict[Node, str] = {}
    for node in order:
        if node in param_module:
            if param_module[node]:
                result.owner[node] = param_module[node]
            continue
        parents = node.parents
        if not parents:
            continue
        live = [p for p in parents if not p.is_constant]
        sources = {param_module.get(p) or derived.get(p) for p in live}
        if live and len(sources) == 1 and None not in sources:
            (module,) = sources
            assert module is not None
            derived[node] = open_owner[node] = result.owner[node] = module
            continue
        direct = sources - {None}
        if direct:  # rule 1, unless parameters of several modules meet here (a shared penalty)
            if len(direct) == 1:
                (module,) = direct
                assert module is not None
                open_owner[node] = result.owner[node] = module
            continue
        owners = {open_owner.get(p) for p in live}
        if len(owners) == 1 and None not in owners:
            (module,) = owners
            assert module is not None
            if len(live) >= 2:  # rule 2
                open_owner[node] = result.owner[node] = module
            elif len(parents) == 1 and node.grad_fn is not None and node.grad_fn.name in ACTIVATIONS:  # rule 3
                result.owner[node] = module
    return result
