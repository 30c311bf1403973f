"""The engine: graph nodes, the chain rule, and grad mode.

This module is the one place where backpropagation happens. A :class:`Node` holds its ``data``,
its ``grad``, the :class:`~autograd.op.Op` that made it and its ``parents`` (an ordered tuple);
:func:`backprop` walks the graph once in reverse topological order and, for each node, asks its
op for each parent's contribution (``upstream grad * local derivative``) and adds it up. The
engine, not the op, does the adding, so a node used several times receives the sum of its
contributions; the data type checks each contribution as it is added (a Tensor's must have its
shape). Everything is iterative: a chain of a million nodes needs no recursion.

Leaves are of three kinds, told apart by their op record at no cost: inputs the user made
(:data:`LEAF`), numbers the engine lifted (:data:`CONSTANT`) and results of ops run under
:func:`no_grad` (:data:`DETACHED`). ``backward()`` and :func:`grad` refuse a graph built under
``no_grad`` (one that reaches such results, or integer tensors, and no input the user made):
no gradient could go anywhere useful.

Inside :func:`detect_anomaly` every op, forward and backward, of ``Value``s and ``Tensor``s,
checks that it made no NaN or infinity, and the first that did raises :class:`AnomalyError`.
Outside it, NaN and infinity follow IEEE arithmetic except where an op's own domain rule raises
:class:`DomainError` (see :mod:`autograd.ops`).

``Value`` (floats) and ``Tensor`` (numpy arrays) are both nodes of this engine.
"""

from __future__ import annotations

import _thread  # threading.local by its own name: the compiled build (mypyc) needs the module itself
import functools
import math
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Final, TypeVar, cast

import numpy as np

from autograd.errors import AnomalyError, DomainError, describe, positions
from autograd.op import Op

F = TypeVar("F", bound=Callable[..., Any])

_ndarray: Final = np.ndarray  # a Tensor's gradient (bound once: the compiled build reads it as a C variable)

try:  # read by the compiled build (mypyc); pure Python needs nothing of it
    from mypy_extensions import mypyc_attr
except ImportError:  # pragma: no cover - mypy_extensions comes with mypy, in the dev and build tools

    def mypyc_attr(*_: Any, **__: Any) -> Callable[[F], F]:  # type: ignore[misc]
        return lambda cls: cls

__all__ = [
    "Node",
    "LEAF",
    "CONSTANT",
    "DETACHED",
    "FROZEN",
    "RemovableHandle",
    "detect_anomaly",
    "Scope",
    "current_scope",
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


LEAF: Final = Op("leaf", "", _identity, _no_local, (), template="{a}")
"""The op of nodes made by the user (inputs, weights): no parents, nothing to propagate."""

CONSTANT: Final = Op("constant", "", _identity, _no_local, (), template="{a}")
"""The op of nodes the engine made from plain numbers, as in ``x * 2``: leaves too, but the
renderer can hide them."""

DETACHED: Final = Op("detached", "", _identity, _no_local, (), template="{a}")
"""The op of nodes an op made under :func:`no_grad`: leaves that remember nothing, and that are
not inputs the user made (a backward pass that reaches only such leaves is an error)."""

FROZEN: Final = Op("frozen", "", _identity, _no_local, (), template="{a}")
"""The op of leaves that need no gradient: made with ``requires_grad=False`` (a batch of data),
or by :meth:`Node.detach`. A backward pass gives them none (``.grad`` stays as it was)."""

_RETAIN: Final = object()
"""Kept among a node's hooks by :meth:`Node.retain_grad`: not called, only looked for."""


@mypyc_attr(native_class=False)
class _State(_thread._local):
    """What the engine switches while it runs, one set per thread (as PyTorch's grad mode is).

    A ``threading.local``: each thread that reads ``_mode`` first gets ``__init__``'s defaults,
    so a thread's ``no_grad()``, ``detect_anomaly()``, module call or backward pass (which turns
    recording off while it runs) never changes what another thread's ops record. No
    ``__slots__``: a local's slots hold one value shared by every thread, not one per thread.
    Reading an attribute costs about 30 ns where a plain object's slot cost 7 (and about 23 ns
    compiled): the cheapest per-thread read measured that keeps ``_mode.enabled`` as it is
    written everywhere (``bench/thread_state.py``).
    """

    def __init__(self) -> None:
        self.enabled = True  # grad mode
        self.walks = 0  # graph walks under way in this thread (one inside another: see _walk)
        self.scope: Scope | None = None  # the call under way that new nodes record (see Scope)
        self.anomaly = False  # inside detect_anomaly(): every op checks what it made
        self.saved: list[bool] = []  # the grad modes no_grad()/enable_grad() replaced, innermost last


_mode: Final = _State()

# Held by a thread from the start of a graph walk (a backward pass, topological_order) to its
# end. The walk keeps its scratch in the nodes' ``_pass`` slots, so two passes that reach one
# node at once (two threads, one graph or shared parameters) would read each other's sums:
# passes wait for each other instead. Re-entrant: a pass started inside a pass (by an observer,
# a hook or an op's vjp) runs in the same thread and nests as before.
_PASSES: Final = threading.RLock()


class Scope:
    """One call of something that builds part of a graph, recorded by every node made during it.

    ``with Scope(owner): ...`` makes ``node.scope`` of each node created inside the block this
    scope (the innermost one, when scopes nest: ``parent`` is the scope that was open when this
    one was made). ``nn.Module.__call__`` opens one per call with the module as ``owner``: that
    is how a picture knows which call of which module made a node, whatever the inputs were
    (plain numbers, a batch, nodes), without guessing from the graph's shape. The engine only
    keeps the record; it never looks at ``owner``.
    """

    __slots__ = ("owner", "parent")

    def __init__(self, owner: object) -> None:
        self.owner = owner
        self.parent: Scope | None = _mode.scope

    def __enter__(self) -> Scope:
        _mode.scope = self
        return self

    def __exit__(self, *_: object) -> None:
        _mode.scope = self.parent

    def __repr__(self) -> str:
        return f"<Scope of {type(self.owner).__name__}>"

    # Shared, never copied, as op records are: a deep copy of a node must not copy the module
    # whose call made it.
    def __copy__(self) -> Scope:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Scope:
        return self


def current_scope() -> Scope | None:
    """The innermost :class:`Scope` open now (``None`` outside every call)."""
    return _mode.scope


def is_grad_enabled() -> bool:
    """Whether new ops record the graph (``False`` inside :func:`no_grad`)."""
    return _mode.enabled


class _GradModeContext:
    """Sets grad mode for a ``with`` block and restores the previous mode on exit.

    A class, not ``@contextmanager``: a training loop enters one per step, and a generator-based
    context costs several microseconds, as much as a whole chain-rule step of a small Tensor.
    """

    __slots__ = ("enabled",)

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    # The mode replaced goes on the thread's own stack, not on this object, which every thread
    # shares: blocks nest within a thread, and threads interleave their blocks freely.
    def __enter__(self) -> None:
        mode = _mode
        mode.saved.append(mode.enabled)
        mode.enabled = self.enabled

    def __exit__(self, *_: object) -> None:
        mode = _mode
        mode.enabled = mode.saved.pop()

    def __call__(self, fn: F) -> F:
        """Use as a decorator: ``fn`` runs in this grad mode."""

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return fn(*args, **kwargs)

        return cast(F, wrapper)


# One context object per mode, shared by every block and thread (the modes it replaced are kept
# per thread, in _mode.saved): a training step that enters it allocates nothing.
_NO_GRAD: Final = _GradModeContext(False)
_ENABLE_GRAD: Final = _GradModeContext(True)


def no_grad() -> _GradModeContext:
    """Context manager in which ops record no graph: results are leaves.

    Use it for optimizer updates and evaluation. Grad mode belongs to the thread, as in PyTorch:
    a thread evaluating under ``no_grad()`` does not stop another from recording, and a new
    thread starts with grad mode on.
    """
    return _NO_GRAD


def enable_grad() -> _GradModeContext:
    """Context manager that turns graph recording back on (e.g. inside :func:`no_grad`)."""
    return _ENABLE_GRAD


def anomaly_enabled() -> bool:
    """Whether ops check their results for NaN and infinity (inside :func:`detect_anomaly`)."""
    return _mode.anomaly


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """A context in which the first op that makes a NaN or an infinity raises :class:`AnomalyError`.

    Forward ops of ``Value``s and ``Tensor``s check their result; in a backward pass each
    chain-rule step checks the contributions it gives its inputs, and the error names the op
    whose step made the NaN or infinity. numpy's own warnings are off inside: the error says more.
    """
    before = _mode.anomaly
    _mode.anomaly = True
    try:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # we raise instead
            yield
    finally:
        _mode.anomaly = before


def finite(x: Any) -> bool:
    """Whether ``x`` (a float, an array, or a node holding one) has no NaN and no infinity."""
    if isinstance(x, Node):
        x = x.data
    if isinstance(x, float):
        return math.isfinite(x)
    return bool(np.isfinite(x).all())


def check_anomaly(fn: Op, parents: Sequence[Any], out: Any) -> None:
    """Inside :func:`detect_anomaly`: raise :class:`AnomalyError` if ``out``, made by ``fn``
    from ``parents``, holds a NaN or an infinity (the data types call it after each op)."""
    if not finite(out):
        shown = ", ".join(describe(p) for p in parents)
        raise AnomalyError(f"{fn.name} made a NaN or an infinity in the forward pass, from inputs: {shown}")


@mypyc_attr(allow_interpreted_subclasses=True)
class Node:
    """A node of the computation graph.

    Attributes:
        data: the value computed by the forward pass.
        grad: the accumulated derivative of every output ``backward()`` was called on,
            with respect to this node.
        name: an optional label, shown in errors, traces and pictures.

    Data types (``Value``, ``Tensor``, a user's own) subclass it and call ``Node.__init__``
    from their constructors: in the compiled build the slots exist only once it has run.
    """

    # The op's inputs: the first two in slots of their own, any more in ``_rest`` (``parents``
    # gives them as one tuple). Most ops have one or two, and a tuple per node would be one more
    # object to allocate, to follow in every backward pass and for the garbage collector to
    # visit: a quarter of a scalar forward pass. ``_pass`` is the engine's scratch space during
    # one backward pass (see ``_walk``); ``_scope`` the call that made the node (see ``Scope``).
    # ``_hooks``: what :meth:`register_hook` and :meth:`retain_grad` added, ``None`` for almost every
    # node (a backward pass reads the slot once per node, and pays nothing more without hooks).
    __slots__ = ("data", "grad", "name", "_fn", "_a", "_b", "_rest", "_arg", "_pass", "_scope", "_hooks")

    def __init__(
        self,
        data: Any,
        grad: Any,
        fn: Op = LEAF,
        parents: tuple[Node, ...] = (),
        arg: Any = None,
        name: str | None = None,
    ) -> None:
        # The engine's constructor: ``Value`` and ``Tensor`` check user input, then call it.
        # Under no_grad a node made by an op is a leaf that remembers nothing.
        self.data = data
        self.grad = grad
        self.name = name
        if parents and not _mode.enabled:
            fn, parents, arg = DETACHED, (), None
        n = len(parents)
        self._fn = fn
        self._a: Node | None = parents[0] if n > 0 else None
        self._b: Node | None = parents[1] if n > 1 else None
        self._rest: tuple[Node, ...] = parents[2:] if n > 2 else ()
        self._arg = arg
        self._pass: Any = None
        self._scope: Scope | None = _mode.scope
        self._hooks: list[Any] | None = None

    def __hash__(self) -> int:
        # Nodes are dict keys by identity. Spelled out because the compiled build (mypyc) does
        # not inherit object's hash into a class that defines comparisons, as Value does.
        return id(self) >> 4

    # -- the record -----------------------------------------------------------------------
    @property
    def op(self) -> str:
        """The op that made this node as a short string (``"+"``, ``"tanh"``); ``""`` for leaves."""
        return self._fn.symbol

    @property
    def parents(self) -> tuple[Node, ...]:
        """The op's inputs, in order (empty for leaves)."""
        a, b = self._a, self._b
        if a is None:
            return ()
        if b is None:
            return (a,)
        return (a, b, *self._rest) if self._rest else (a, b)

    @property
    def grad_fn(self) -> Op | None:
        """The :class:`~autograd.op.Op` record that made this node, ``None`` for leaves."""
        return None if self._a is None else self._fn

    @property
    def arg(self) -> Any:
        """The op's constant argument (the 3 of ``x ** 3``, the slope of ``leaky_relu``), if any."""
        return self._arg

    @property
    def scope(self) -> Scope | None:
        """The :class:`Scope` (the module call) that made this node; ``None`` outside every call."""
        return self._scope

    @property
    def is_leaf(self) -> bool:
        """True for nodes no op recorded (inputs, parameters, constants, results under no_grad)."""
        return self._a is None

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
        parents = self.parents
        names = list(names) if names is not None else default_names(parents)
        out = out or self.name or "out"
        return tuple(self._fn.formula(i, names, out, self._arg) for i in range(len(parents)))

    # -- what needs a gradient, and watching it flow ---------------------------------------
    @property
    def requires_grad(self) -> bool:
        """Whether a backward pass gives this node a gradient.

        True for inputs the user made and for results of ops; False for leaves that need none:
        made with ``requires_grad=False`` (or set so), by :meth:`detach`, from a plain number
        (a constant) or under :func:`no_grad`, and integer Tensors. Only an input the user made
        can be switched.
        """
        if self._a is not None:
            return True
        if self._fn is not LEAF:
            return False
        try:
            self._check_differentiable()
        except TypeError:  # an integer Tensor
            return False
        return True

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        fn = self._fn
        if self._a is not None or (fn is not LEAF and fn is not FROZEN):
            kind = "the result of an op" if self._a is not None else f"a {fn.name} leaf"
            raise RuntimeError(f"requires_grad can be set only on an input you made; {describe(self)} is {kind} "
                               "(use .detach() for a leaf that shares its data and needs no gradient)")
        if not value:
            self._hooks = None  # nothing would call them
        self._fn = LEAF if value else FROZEN

    def detach(self) -> Node:
        """A new leaf that shares this node's data (not a copy) and needs no gradient: what an op
        computes from it is not differentiated through it. Its name is this node's.

        Data types construct it as ``type(self)(data, _fn=FROZEN)``, as they do constants.
        """
        node: Node = type(self)(self.data, _fn=FROZEN)  # type: ignore[call-arg]
        node.name = self.name
        return node

    def register_hook(self, hook: Callable[[Any], Any]) -> RemovableHandle:
        """Call ``hook(grad)`` whenever a backward pass reaches this node, with its complete
        gradient ``d root / d node``, before it is stored in ``.grad`` or passed on to the
        node's inputs. If the hook returns something other than ``None`` (a number, an array
        of this node's shape, a node under ``create_graph``), that is the gradient from then on.

        Hooks run in the order they were added, in every pass (``backward``, :func:`grad`, and
        the passes ``viz`` runs for its pictures). Returns a handle: ``handle.remove()``.
        """
        if not self.requires_grad:
            raise RuntimeError(f"{describe(self)} needs no gradient (requires_grad is False): a hook on it "
                               "would never be called")
        if not callable(hook):
            raise TypeError(f"register_hook takes a function of the gradient, got {type(hook).__name__}")
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return RemovableHandle(self, hook)

    def retain_grad(self) -> None:
        """Keep this node's ``.grad`` in ``backward(keep_intermediate=False)``, which otherwise
        gives gradients to leaves only (as PyTorch's ``retain_grad``)."""
        if self._hooks is None:
            self._hooks = []
        if not _retained(self._hooks):
            self._hooks.append(_RETAIN)

    # -- backpropagation ------------------------------------------------------------------
    def backward(self, grad: Any = None, *, create_graph: bool = False, keep_intermediate: bool = True) -> None:
        """Backpropagate from this node: add ``d self / d node`` to ``node.grad`` of every node.

        The seed is 1 (``grad`` overrides it). Gradients *accumulate*: calling ``backward``
        twice adds twice; reset with :func:`zero_grad` in between. With ``create_graph=True``
        the gradients are graph nodes themselves and can be differentiated again (prefer
        :func:`grad` for higher-order derivatives: it leaves ``.grad`` alone). Such a ``.grad``
        is a graph that usually contains its own node (``d(x*x)/dx = 2*x``): a reference cycle,
        which only Python's garbage collector frees, not reference counting. A loop that calls
        ``backward(create_graph=True)`` should reset ``.grad`` (``zero_grad``, or ``x.grad =
        None``) when done with it; :func:`grad` makes no cycle.

        ``keep_intermediate=False`` gives gradients to leaves only (and to nodes marked with
        :meth:`retain_grad`): each intermediate gradient is freed as soon as the chain rule
        has passed it on, as a training loop wants (less memory; pictures and traces compute
        their own gradients and need none of them). Leaves that need no gradient
        (:attr:`requires_grad` False) get none either way.
        """
        with _PASSES:  # (re-entrant) until the leaves own their .grad: another thread's pass may add to it
            nodes, before = _chain_rule(self, grad, create_graph, None, accumulate=True, need_input=True,
                                        keep_intermediate=keep_intermediate)
            self._own_leaf_grads(nodes, before)

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

    def _add_grad(self, total: Any, g: Any, fn: Op | None) -> Any:
        """``total + g``: the gradient of this node so far plus one more contribution ``g`` (from
        a step of ``fn``; ``None``: from an earlier pass), ``total`` ``None`` when ``g`` is the
        first. The engine calls it for every contribution that is not a float; a data type
        checks ``g`` here (a Tensor's shape), and may drop it by returning ``total``."""
        return g if total is None else total + g

    def _check_differentiable(self) -> None:
        """Raise if no gradient can be taken with respect to this node (an integer Tensor)."""

    def _own_leaf_grads(self, nodes: list[Node], before: list[Any]) -> None:
        """After ``backward``: make each leaf's ``.grad`` an object of its own.

        ``nodes`` are the nodes the pass reached, ``before[i]`` the ``.grad`` of ``nodes[i]``
        before it. Optimizers and gradient clipping change a parameter's ``.grad`` in place, so
        it must not be shared with another node. Numbers never are; data types whose gradients
        are mutable (arrays) override this.
        """


def default_names(nodes: Sequence[Node]) -> list[str]:
    """Labels for formulas: each node's name, else ``a``, ``b``, ``c``… by position."""
    return [n.name or ("abcdefgh"[i] if i < 8 else f"x{i}") for i, n in enumerate(nodes)]


def _walk(root: Node, mark: object) -> tuple[list[Node], list[Any]]:
    """Every node ``root`` depends on in topological order (iterative depth-first).

    Each node reached gets ``node._pass = mark``: that is how a second path to it is noticed,
    without hashing nodes into a seen-set (the walk runs over every node of every backward
    pass). Call :func:`_unwalk` when done with the marks, also on failure.

    Returns the order, inputs first and ``root`` last, and what :func:`_unwalk` needs: when
    this walk runs inside another (a backward pass started by an observer or an op's ``vjp``
    inside another pass), each node reached and what its ``_pass`` held before.

    The walk takes ``_PASSES`` (see there), and :func:`_unwalk` lets it go: a walk in another
    thread waits until this one's marks are gone.
    """
    order: list[Node] = []
    saved: list[Any] = []
    _PASSES.acquire()
    nested = _mode.walks > 0
    # ``None`` on the stack is an exit marker: the parents above it are placed, so the node
    # below it can be. (Plain method calls, not bound-method aliases: the compiled build
    # turns these into direct C calls.)
    stack: list[Node | None] = [root]
    try:
        while stack:
            node = stack.pop()
            if node is None:
                order.append(cast(Node, stack.pop()))
                continue
            if node._pass is mark:  # pushed by two consumers before either reached it
                continue
            if nested:
                saved.append(node)
                saved.append(node._pass)
            node._pass = mark
            a = node._a
            if a is None:  # a leaf: nothing to place before it, so no exit marker
                order.append(node)
                continue
            stack.append(node)
            stack.append(None)
            if a._pass is not mark:
                stack.append(a)
            b = node._b
            if b is not None:
                if b._pass is not mark:
                    stack.append(b)
                for p in node._rest:
                    if p._pass is not mark:
                        stack.append(p)
    except BaseException:  # (an interrupt, say): an enclosing pass gets its slots back
        _restore(saved)
        _PASSES.release()
        raise
    _mode.walks += 1
    return order, saved


def _unwalk(order: list[Node], saved: list[Any]) -> None:
    """Give the nodes' ``_pass`` back: ``None`` (those in ``order``), or what an enclosing walk
    left there (those in ``saved``), and let other threads' walks go on."""
    _mode.walks -= 1
    try:
        for node in order:
            node._pass = None
        _restore(saved)
    finally:
        _PASSES.release()


def _restore(saved: list[Any]) -> None:
    for i in range(0, len(saved), 2):
        saved[i]._pass = saved[i + 1]


def topological_order(root: Node) -> list[Node]:
    """Every node ``root`` depends on, inputs first and ``root`` last."""
    order, saved = _walk(root, object())
    _unwalk(order, saved)
    return order


Observer = Callable[[Node, Any, Sequence[Any]], None]


def _chain_rule(
    root: Node,
    seed: Any,
    create_graph: bool,
    observe: Observer | None,
    accumulate: bool = False,
    need_input: bool = False,
    wanted: Sequence[Node] | None = None,
    keep_intermediate: bool = True,
) -> tuple[list[Node], list[Any]]:
    """The backward pass: the nodes ``d root / d node`` reaches, ``root`` first and the inputs
    last (reverse topological order), and that gradient for each.

    With ``accumulate`` (``backward()``), each gradient is added into the node's ``.grad`` as
    soon as it is complete, while the node is at hand (a second loop over the graph would cost
    a quarter of the pass), and the second list holds what ``.grad`` was before: a pass that
    fails puts it back, so that no ``.grad`` changes. Without ``keep_intermediate`` only
    leaves and nodes marked by :meth:`Node.retain_grad` get a ``.grad`` (and are listed).

    Leaves that need no gradient (:data:`FROZEN`, :data:`DETACHED`) get none and are not
    listed. A node's hooks (:meth:`Node.register_hook`) see its gradient once it is complete,
    and may replace it, before anything else reads it.

    Nodes are visited in reverse topological order, so when a node is reached every consumer
    has already added its contribution and the node's gradient is complete. Gradients are
    summed in the nodes' ``_pass`` slots, where :func:`_walk` left this pass's ``mark`` for
    "nothing yet": a slot is faster than a dict keyed by node. A pass started inside this one
    (by an observer, or an op's ``vjp``) uses its own mark and gives the slots back as it
    found them, so passes nest; so does this one, even when it fails.

    With ``need_input`` (``backward()`` and :func:`grad`), a pass that reaches no leaf the user
    made but a result of an op under ``no_grad``, an integer tensor or a leaf that needs no
    gradient raises: it was built where no gradient can flow, and nothing could use it. (A pass
    that reaches only constants is fine: the derivative of a linear function's derivative is a
    constant, whose own is 0.)
    Inside :func:`detect_anomaly` each step's contributions are checked for NaN and infinity.
    A step with an infinite local derivative (see :func:`_pole`) raises only if it leaves an
    infinite or NaN gradient on an input: on a leaf, or on one of ``wanted`` (:func:`grad`'s).
    """
    mark = object()
    order, saved = _walk(root, mark)
    nodes: list[Node] = []
    grads: list[Any] = []
    finished = False
    mode = _mode.enabled  # the chain rule's own ops record a graph only under create_graph
    anomaly = _mode.anomaly
    inputs = 0  # leaves the user made that the pass reached
    blocked = 0  # leaves it reached that take no gradient: results of ops under no_grad, integer tensors
    frozen = 0  # leaves it reached that need no gradient (requires_grad=False, detach())
    pole: DomainError | None = None  # the first step with an infinite local derivative (see _pole)
    try:
        root._pass = root._seed(seed, create_graph)
        _mode.enabled = create_graph  # (set and restored here, not by a context object: one less per pass)
        for node in reversed(order):
            g = node._pass
            node._pass = None  # done with the slot: every consumer came before this node
            a = node._a
            fn = node._fn
            if g is mark:  # no gradient reaches it (an op gave None for every path, or its type dropped them)
                if a is None and fn is not CONSTANT:
                    blocked += 1
                continue
            if a is None and (fn is FROZEN or fn is DETACHED):  # a leaf that takes no gradient
                if fn is FROZEN:
                    frozen += 1
                else:
                    blocked += 1
                continue
            hooks = node._hooks
            if hooks is not None:
                g = _run_hooks(node, hooks, g)
            if not accumulate:
                nodes.append(node)
                grads.append(g)
            elif keep_intermediate or a is None or (hooks is not None and _retained(hooks)):
                nodes.append(node)
                old = node.grad
                grads.append(old)
                if old is None:
                    node.grad = g
                elif type(g) is float:  # a Value's (old is a float too)
                    node.grad = old + g
                else:
                    node.grad = node._add_grad(old, g, None)
            if a is None:  # a leaf
                if fn is LEAF:
                    inputs += 1
                continue
            try:
                contributions = fn.vjp(node, g, create_graph)
            except (ArithmeticError, ValueError) as exc:
                if isinstance(exc, DomainError):
                    raise
                raise DomainError(fn.name, node.parents, str(exc), phase="backward") from None
            if observe is not None:
                observe(node, g, contributions)
            if anomaly:
                _check_step(node, contributions)
            if fn.domain and pole is None:
                pole = _pole(node, g, contributions)
            _add(a, contributions[0], mark, fn)
            b = node._b
            if b is not None:
                _add(b, contributions[1], mark, fn)
                for i, p in enumerate(node._rest):
                    _add(p, contributions[i + 2], mark, fn)
        if need_input and not inputs and (blocked or frozen):  # (only constants: a derivative's derivative, 0)
            raise RuntimeError((_NO_INPUT if blocked else _NOTHING_REQUIRES_GRAD).format(root=describe(root)))
        if pole is not None and not _inputs_finite(nodes, grads, accumulate, wanted):
            raise pole
        finished = True
        return nodes, grads
    finally:
        _mode.enabled = mode
        _unwalk(order if not finished else [], saved)
        if accumulate and not finished:
            for node, old in zip(nodes, grads):
                node.grad = old


_NO_INPUT: Final = (
    "backward from {root} reaches no input you made: it was made under no_grad() (or only from constants, "
    "results of ops under no_grad() and integer tensors), so no gradient can go anywhere. Build it outside "
    "no_grad() from Values or float Tensors you made."
)

_NOTHING_REQUIRES_GRAD: Final = (
    "backward from {root} reaches no node that requires grad: every input it depends on was made with "
    "requires_grad=False or by detach() (or is a constant), so no gradient can go anywhere. Make the inputs "
    "you want gradients for with requires_grad=True (the default)."
)


class RemovableHandle:
    """What :meth:`Node.register_hook` returns: ``handle.remove()`` takes the hook off again."""

    __slots__ = ("node", "hook")

    def __init__(self, node: Node, hook: Callable[[Any], Any]) -> None:
        self.node = node
        self.hook = hook

    def remove(self) -> None:
        """Take the hook off its node (again: nothing happens)."""
        hooks = self.node._hooks
        if hooks is None:
            return
        for i, h in enumerate(hooks):
            if h is self.hook:
                del hooks[i]
                break
        if not hooks:
            self.node._hooks = None  # back to the one slot read per pass


def _retained(hooks: list[Any]) -> bool:
    """Whether :meth:`Node.retain_grad` marked the node with these hooks (by identity: a hook may
    be any callable, with an ``==`` of its own)."""
    return any(h is _RETAIN for h in hooks)


def _run_hooks(node: Node, hooks: list[Any], g: Any) -> Any:
    """``g`` passed through ``node``'s hooks in order; a hook that returns something replaces it."""
    for hook in list(hooks):  # (a copy: a hook may remove itself)
        if hook is _RETAIN:
            continue
        new = hook(g)
        if new is None:
            continue
        if type(g) is float and not isinstance(new, Node):
            new = float(new)
        elif type(g) is _ndarray:
            new = np.asarray(new.data if isinstance(new, Node) else new, dtype=g.dtype)
        shape = np.shape(new.data if isinstance(new, Node) else new)
        if shape != np.shape(node.data):
            raise ValueError(f"a hook on {describe(node)} returned a gradient of shape {shape}, the node's shape is "
                             f"{np.shape(node.data)}: a gradient has the shape of its node")
        g = new
    return g


def _add(parent: Node, contribution: Any, mark: object, fn: Op) -> None:
    """Add one contribution of a step of ``fn`` to ``parent``'s gradient in this pass (see
    ``_chain_rule``)."""
    if contribution is None:  # the op says this parent (a constant) needs no gradient
        return
    acc = parent._pass
    cls = type(contribution)
    if cls is float:  # a Value's: a float has nothing to check
        parent._pass = contribution if acc is mark else acc + contribution
        return
    if cls is _ndarray:  # a Tensor's, of its shape and dtype, as it should be: checked here, without a call
        data = parent.data
        if type(data) is _ndarray and contribution.shape == data.shape and contribution.dtype is data.dtype:
            if acc is mark:
                parent._pass = contribution
                return
            total = acc + contribution
            if type(total) is _ndarray:  # (0-d + 0-d is a numpy scalar: Tensor._add_grad makes it an array)
                parent._pass = total
                return
    # the rest (a node under create_graph, another shape or dtype, a numpy scalar): the data type
    # checks it (see Node._add_grad)
    total = parent._add_grad(None if acc is mark else acc, contribution, fn)
    parent._pass = mark if total is None else total


def _pole(node: Node, g: Any, contributions: Sequence[Any]) -> DomainError | None:
    """The error to raise if a step of a domain op (``Op.domain``) gave an infinite or NaN
    contribution from a finite ``g`` and finite inputs: its local derivative is infinite there
    (``sqrt`` at 0). ``None`` if it did not.

    Only infinity counts: a NaN that a local derivative gives on purpose says "no derivative
    here, as PyTorch says" (``a ** b`` in ``b`` at a negative ``a``), and is passed on.

    The pass raises it only if an input's gradient ends up not finite: an op downstream may
    mask it, and then the derivative exists (``sqrt(relu(x))`` at ``x < 0`` is flat: relu
    passes 0, PyTorch's value too). NaN or infinity already in ``g`` or the inputs is not this
    step's doing, and goes through as IEEE arithmetic says.
    """
    for c in contributions:  # the common case, once per node of such an op: finite floats
        if type(c) is not float or c - c != 0.0:  # (x - x is 0 for finite x, NaN for inf and NaN)
            break
    else:
        return None
    parents = node.parents
    for i, (parent, c) in enumerate(zip(parents, contributions)):
        if c is None or parent._fn is CONSTANT or not _infinite(c):  # (a constant's derivative: nobody asks for it)
            continue
        if not finite(g) or not all(finite(p) for p in parents):
            return None
        where = "" if isinstance(c, float) else f" at {positions(np.isinf(getattr(c, 'data', c)))}"
        return DomainError(node._fn.name, parents, f"it is infinite{where} (with respect to input {i})",
                           phase="backward")
    return None


def _infinite(x: Any) -> bool:
    """Whether ``x`` (a float, an array or a node) holds an infinity."""
    if isinstance(x, Node):
        x = x.data
    if isinstance(x, float):
        return math.isinf(x)
    return bool(np.isinf(x).any())


def _inputs_finite(nodes: list[Node], grads: list[Any], accumulate: bool, wanted: Sequence[Node] | None) -> bool:
    """Whether every input a pass reached got a finite gradient (``grads``: see _chain_rule).
    The inputs are ``wanted``, or else the leaves."""
    asked = None if wanted is None else {id(w) for w in wanted}  # (a set: grad() may ask for many)
    for node, g in zip(nodes, grads):
        if asked is None:
            if node._a is not None or node._fn is CONSTANT:
                continue
        elif id(node) not in asked:
            continue
        if not finite(node.grad if accumulate else g):
            return False
    return True


def _check_step(node: Node, contributions: Sequence[Any]) -> None:
    """Inside :func:`detect_anomaly`: raise if a chain-rule step gave a NaN or an infinity to
    an input (a constant's gradient is nobody's concern)."""
    for i, (parent, c) in enumerate(zip(node.parents, contributions)):
        if c is not None and parent._fn is not CONSTANT and not finite(c):
            shown = ", ".join(describe(p) for p in node.parents)
            raise AnomalyError(f"the chain-rule step of {node._fn.name} made a NaN or an infinity in the "
                               f"gradient of its input {i} ({describe(parent)}), from inputs: {shown}")


def backprop(
    root: Node,
    seed: Any = None,
    *,
    create_graph: bool = False,
    observe: Observer | None = None,
) -> dict[Node, Any]:
    """The chain rule: ``d root / d node`` for every node ``root`` depends on.

    Nothing is left on the nodes; :meth:`Node.backward`, :func:`grad` and the step-by-step
    trace decide what to do with the result.

    Args:
        root: the output to differentiate.
        seed: ``d root / d root`` (default: ones).
        create_graph: compute the gradients as graph nodes, differentiable again.
        observe: called as ``observe(node, grad, contributions)`` for each non-leaf node, in
            the order the chain rule is applied (the step-by-step trace uses it). An op may give
            ``None`` as the contribution to a constant parent that needs no gradient.
    """
    nodes, grads = _chain_rule(root, seed, create_graph, observe)
    return dict(zip(nodes, grads))


def grad(
    output: Node,
    inputs: Node | Sequence[Node],
    create_graph: bool = False,
    grad_output: Any = None,
) -> list[Any]:
    """``d output / d input`` for each input, in order, without touching any ``.grad``.

    An input ``output`` does not depend on gets a zero. With ``create_graph=True`` each
    gradient is a graph node, so it can be differentiated again (second derivatives,
    Hessians, Newton's method). An input that needs no gradient (``requires_grad=False``,
    made by ``detach()`` or under ``no_grad``) is an error, as in PyTorch.
    """
    seq = [inputs] if isinstance(inputs, Node) else list(inputs)
    for x in seq:
        x._check_differentiable()
        if x._a is None and (x._fn is FROZEN or x._fn is DETACHED):
            raise RuntimeError(f"grad() with respect to {describe(x)}, which needs no gradient (requires_grad is "
                               "False: made with requires_grad=False, by detach() or under no_grad())")
    nodes, found = _chain_rule(output, grad_output, create_graph, None, need_input=True, wanted=seq)
    grads = dict(zip(nodes, found))
    return [grads[x] if x in grads else x._zero(create_graph) for x in seq]


def zero_grad(nodes: Iterable[Node], *, graph: bool = False) -> None:
    """Reset the gradients of ``nodes`` (with ``graph=True``, of everything they depend on)."""
    for start in nodes:
        for node in topological_order(start) if graph else (start,):
            node.grad = node._zero(False)
