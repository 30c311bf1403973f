"""The engine: graph nodes, the chain rule, and grad mode.

This module is the one place where backpropagation happens. A :class:`Node` holds its ``data``,
its ``grad``, the :class:`~autograd.op.Op` that made it and its ``parents`` (an ordered tuple);
:func:`backprop` walks the graph once in reverse topological order and, for each node, asks its
op for each parent's contribution (``upstream grad * local derivative``) and adds it up. The
engine, not the op, does the adding, so a node used several times receives the sum of its
contributions. Everything is iterative: a chain of a million nodes needs no recursion.

``Value`` (floats) and ``Tensor`` (numpy arrays) are both nodes of this engine.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar, cast

from autograd.errors import DomainError
from autograd.op import Op

__all__ = [
    "Node",
    "LEAF",
    "CONSTANT",
    "backprop",
    "grad",
    "no_grad",
    "enable_grad",
    "is_grad_enabled",
    "topological_order",
    "zero_grad",
]


def _no_local(*_: Any) -> tuple[()]:
    return ()


def _identity(x: Any) -> Any:
    return x


LEAF = Op("leaf", "", _identity, _no_local, (), template="{a}")
"""The op of nodes made by the user (inputs, weights): no parents, nothing to propagate."""

CONSTANT = Op("constant", "", _identity, _no_local, (), template="{a}")
"""The op of nodes the engine made from plain numbers, as in ``x * 2``: leaves too, but the
renderer can hide them."""


F = TypeVar("F", bound=Callable[..., Any])


class _GradMode:
    # A plain global, read on every op: a threading.local costs several times more per read.
    __slots__ = ("enabled",)

    def __init__(self) -> None:
        self.enabled = True


_mode = _GradMode()


def is_grad_enabled() -> bool:
    """Whether new ops record the graph (``False`` inside :func:`no_grad`)."""
    return _mode.enabled


class _GradModeContext:
    """Sets grad mode for a ``with`` block and restores the previous mode on exit.

    A class, not ``@contextmanager``: ``backward`` enters two per pass, and a generator-based
    context costs several microseconds, as much as a whole chain-rule step of a small Tensor.
    """

    __slots__ = ("enabled", "before")

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.before: list[bool] = []  # a stack, so that one context object may be nested in itself

    def __enter__(self) -> None:
        self.before.append(_mode.enabled)
        _mode.enabled = self.enabled

    def __exit__(self, *_: object) -> None:
        _mode.enabled = self.before.pop()

    def __call__(self, fn: F) -> F:
        """Use as a decorator: ``fn`` runs in this grad mode."""

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with _GradModeContext(self.enabled):
                return fn(*args, **kwargs)

        return cast(F, wrapper)


def no_grad() -> _GradModeContext:
    """Context manager in which ops record no graph: results are leaves.

    Use it for optimizer updates and evaluation. Grad mode is global to the process (the
    engine is single-threaded, like the rest of chainrule).
    """
    return _GradModeContext(False)


def enable_grad() -> _GradModeContext:
    """Context manager that turns graph recording back on (e.g. inside :func:`no_grad`)."""
    return _GradModeContext(True)


class Node:
    """A node of the computation graph.

    Attributes:
        data: the value computed by the forward pass.
        grad: the accumulated derivative of every output ``backward()`` was called on,
            with respect to this node.
        name: an optional label, shown in errors, traces and pictures.
    """

    __slots__ = ("data", "grad", "name", "_fn", "_parents", "_arg")

    data: Any
    grad: Any
    name: str | None
    _fn: Op
    _parents: tuple[Node, ...]
    _arg: Any

    # -- the record -----------------------------------------------------------------------
    @property
    def op(self) -> str:
        """The op that made this node as a short string (``"+"``, ``"tanh"``); ``""`` for leaves."""
        return self._fn.symbol

    @property
    def parents(self) -> tuple[Node, ...]:
        """The op's inputs, in order (empty for leaves)."""
        return self._parents

    @property
    def grad_fn(self) -> Op | None:
        """The :class:`~autograd.op.Op` record that made this node, ``None`` for leaves."""
        return None if not self._parents else self._fn

    @property
    def arg(self) -> Any:
        """The op's constant argument (the 3 of ``x ** 3``, the slope of ``leaky_relu``), if any."""
        return self._arg

    @property
    def is_leaf(self) -> bool:
        """True for nodes no op made (inputs, parameters, constants, results under no_grad)."""
        return not self._parents

    @property
    def is_constant(self) -> bool:
        """True for leaves the engine made from plain numbers (the ``2`` in ``x * 2``)."""
        return self._fn is CONSTANT

    @property
    def local_grads(self) -> tuple[Any, ...]:
        """The local derivatives ``d self / d parent``, one per parent, as numbers (arrays)."""
        return tuple(self._fn.partials(self))

    def local_formulas(self, names: Sequence[str] | None = None, out: str | None = None) -> tuple[str, ...]:
        """The local derivatives as human formulas, e.g. ``("w", "x")`` for ``n = x * w``.

        ``names`` are the labels to use for the parents (default: their names, else ``a``,
        ``b``, …); ``out`` the label of this node (default: its name, else ``out``).
        """
        names = list(names) if names is not None else default_names(self._parents)
        out = out or self.name or "out"
        return tuple(self._fn.formula(i, names, out, self._arg) for i in range(len(self._parents)))

    # -- backpropagation ------------------------------------------------------------------
    def backward(self, grad: Any = None, *, create_graph: bool = False) -> None:
        """Backpropagate from this node: add ``d self / d node`` to ``node.grad`` of every node.

        The seed is 1 (``grad`` overrides it). Gradients *accumulate*: calling ``backward``
        twice adds twice; reset with :func:`zero_grad` in between. With ``create_graph=True``
        the gradients are graph nodes themselves and can be differentiated again (prefer
        :func:`grad` for higher-order derivatives: it leaves ``.grad`` alone).
        """
        grads = backprop(self, grad, create_graph=create_graph)
        self._own_leaf_grads(grads)
        with _GradModeContext(create_graph):
            for node, g in grads.items():
                node.grad = g if node.grad is None else node.grad + g

    def zero_grad(self, *, graph: bool = False) -> None:
        """Reset this node's gradient (and, with ``graph=True``, that of every node below it)."""
        zero_grad([self], graph=graph)

    # -- hooks for the data types ---------------------------------------------------------
    def _seed(self, grad: Any, symbolic: bool) -> Any:
        """The gradient of this node with respect to itself (a one), or ``grad`` checked."""
        raise NotImplementedError

    def _zero(self, symbolic: bool) -> Any:
        """A zero gradient of this node's shape."""
        raise NotImplementedError

    def _own_leaf_grads(self, grads: dict[Node, Any]) -> None:
        """Make each leaf's gradient in ``grads`` an object of its own, before it becomes ``.grad``.

        Optimizers and gradient clipping change a parameter's ``.grad`` in place, so it must not
        be shared with another node. Numbers never are; data types whose gradients are mutable
        (arrays) override this.
        """


_new = object.__new__

N = TypeVar("N", bound=Node)


def record(cls: type[N], data: Any, grad: Any, fn: Op, parents: tuple[Node, ...], arg: Any = None) -> N:
    """A new node of type ``cls`` made by ``fn`` from ``parents``: what every op ends with.

    Under :func:`no_grad` the node is a leaf that remembers nothing. ``grad`` is the initial
    gradient (``0.0`` for scalars, ``None`` for arrays). No ``__init__`` runs: its checks are
    for user input, and this is the hot path of every forward pass.
    """
    out = _new(cls)
    out.data = data
    out.grad = grad
    out.name = None
    if _mode.enabled:
        out._fn = fn
        out._parents = parents
        out._arg = arg
    else:
        out._fn = LEAF
        out._parents = ()
        out._arg = None
    return out


def constant(cls: type[N], data: Any, grad: Any) -> N:
    """A leaf the engine makes from a plain number or array operand (the ``2`` in ``x * 2``)."""
    out = _new(cls)
    out.data = data
    out.grad = grad
    out.name = None
    out._fn = CONSTANT
    out._parents = ()
    out._arg = None
    return out


def default_names(nodes: Sequence[Node]) -> list[str]:
    """Labels for formulas: each node's name, else ``a``, ``b``, ``c``… by position."""
    return [n.name or ("abcdefgh"[i] if i < 8 else f"x{i}") for i, n in enumerate(nodes)]


_EXIT = object()  # stack marker: "the parents below me are placed; place the node under me"


def topological_order(root: Node) -> list[Node]:
    """Every node ``root`` depends on, inputs first and ``root`` last (iterative depth-first)."""
    order: list[Node] = []
    seen: set[Node] = set()
    stack: list[Any] = [root]
    pop, push, place, visit = stack.pop, stack.append, order.append, seen.add
    while stack:
        node = pop()
        if node is _EXIT:
            place(pop())
            continue
        if node in seen:  # pushed by two consumers before either reached it
            continue
        visit(node)
        parents = node._parents
        if not parents:  # a leaf: nothing to place before it, so no exit marker
            place(node)
            continue
        push(node)
        push(_EXIT)
        for p in parents:
            if p not in seen:
                push(p)
    return order


Observer = Callable[[Node, Any, Sequence[Any]], None]


def backprop(
    root: Node,
    seed: Any = None,
    *,
    create_graph: bool = False,
    observe: Observer | None = None,
) -> dict[Node, Any]:
    """The chain rule: ``d root / d node`` for every node ``root`` depends on.

    Nodes are visited in reverse topological order, so when a node is reached every consumer
    has already added its contribution and the node's gradient is complete. Nothing is stored
    on the nodes; :meth:`Node.backward` and :func:`grad` decide what to do with the result.

    Args:
        root: the output to differentiate.
        seed: ``d root / d root`` (default: ones).
        create_graph: compute the gradients as graph nodes, differentiable again.
        observe: called as ``observe(node, grad, contributions)`` for each non-leaf node, in
            the order the chain rule is applied (the step-by-step trace uses it). An op may give
            ``None`` as the contribution to a constant parent that needs no gradient.
    """
    grads: dict[Node, Any] = {root: root._seed(seed, create_graph)}
    get = grads.get
    with _GradModeContext(create_graph):
        for node in reversed(topological_order(root)):
            parents = node._parents
            if not parents:
                continue
            g = grads[node]
            fn = node._fn
            try:
                contributions = fn.vjp(node, g, create_graph)
            except (ArithmeticError, ValueError) as exc:
                if isinstance(exc, DomainError):
                    raise
                raise DomainError(fn.name, parents, str(exc), phase="backward") from None
            if observe is not None:
                observe(node, g, contributions)
            i = 0  # indexing, not zip(): this loop runs once per edge of the graph
            for p in parents:
                c = contributions[i]
                i += 1
                if c is None:  # the op says this parent (a constant) needs no gradient
                    continue
                acc = get(p)
                grads[p] = c if acc is None else acc + c
    return grads


def grad(
    output: Node,
    inputs: Node | Sequence[Node],
    create_graph: bool = False,
    grad_output: Any = None,
) -> list[Any]:
    """``d output / d input`` for each input, in order, without touching any ``.grad``.

    An input ``output`` does not depend on gets a zero. With ``create_graph=True`` each
    gradient is a graph node, so it can be differentiated again (second derivatives,
    Hessians, Newton's method).
    """
    seq = [inputs] if isinstance(inputs, Node) else list(inputs)
    grads = backprop(output, grad_output, create_graph=create_graph)
    return [grads[x] if x in grads else x._zero(create_graph) for x in seq]


def zero_grad(nodes: Iterable[Node], *, graph: bool = False) -> None:
    """Reset the gradients of ``nodes`` (with ``graph=True``, of everything they depend on)."""
    for start in nodes:
        for node in topological_order(start) if graph else (start,):
            node.grad = node._zero(False)
