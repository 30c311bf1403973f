"""The op record: one primitive's forward, local derivatives and human formulas, in one place.

Every node of a graph points at one :class:`Op`. The engine reads :meth:`Op.vjp` to apply the
chain rule, the step-by-step trace reads :meth:`Op.partials` (numbers) and :meth:`Op.formula`
(text), the renderer reads :attr:`Op.symbol`. Nothing about an op is stored per node except its
inputs (``parents``) and, for ops such as ``x ** 3`` or ``leaky_relu(x, 0.1)``, one constant
argument (``arg``): formulas are class data, so recording them costs nothing on the hot path.

Local derivatives are written once, generically: ``local(a, b, out) -> (dout/da, dout/db)``
is called with floats (or arrays) for a plain backward pass and with the graph nodes themselves
under ``create_graph=True``, where the same formula then builds a differentiable graph.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from autograd.engine import Node

Local = Callable[..., Sequence[Any]]


class Op:
    """A primitive operation.

    Args:
        name: identifier, e.g. ``"mul"``.
        symbol: what ``node.op`` returns and the renderer draws, e.g. ``"*"``.
        forward: computes the output from the inputs' data (and ``arg``).
        local: the local derivatives ``d out / d input_i``, one per input, from the inputs,
            the output and ``arg`` (see the module docstring).
        formulas: one human formula per input, with placeholders ``{a}``, ``{b}`` (the input
            names), ``{out}`` (the output's name), ``{p}`` (the argument) and ``{x}`` (for
            variadic ops: the input the derivative is taken with respect to).
        has_arg: whether nodes of this op carry a constant argument in ``arg``.
        variadic: whether the op takes any number of inputs; ``local`` then receives them as
            one sequence, and ``formulas`` holds a single formula applied to each input.
        template: how to write the operation itself, e.g. ``"{a} * {b}"``.
        vjp: the op's own chain-rule step, ``vjp(node, grad, symbolic)`` -> each parent's
            contribution, for ops whose inputs are arrays of other shapes than the output
            (reductions, reshapes); by default :meth:`vjp` multiplies ``grad`` by
            :meth:`partials` (a subclass may override :meth:`vjp` instead, as ``@`` does).
        domain: the op is defined on part of the real line only, or can overflow (``log``,
            ``sqrt``, ``/``, ``**``, ``exp``). Its result must be finite where its inputs are:
            ``Value`` and ``Tensor`` raise :class:`~autograd.errors.DomainError` otherwise. In a
            backward pass the engine watches its steps: a local derivative that is infinite
            where the inputs are finite (``sqrt`` at 0) is a ``DomainError`` if it reaches an
            input's gradient (see :func:`autograd.engine.backprop`).
    """

    __slots__ = (
        "name", "symbol", "forward", "local", "formulas", "has_arg", "variadic", "template", "custom_vjp", "arity",
        "domain",
    )

    def __init__(
        self,
        name: str,
        symbol: str,
        forward: Callable[..., Any],
        local: Local,
        formulas: tuple[str, ...],
        *,
        has_arg: bool = False,
        variadic: bool = False,
        template: str = "",
        vjp: Callable[[Node, Any, bool], Sequence[Any]] | None = None,
        domain: bool = False,
    ) -> None:
        self.name = name
        self.symbol = symbol
        self.forward = forward
        self.local = local
        self.formulas = formulas
        self.has_arg = has_arg
        self.variadic = variadic
        self.template = template or f"{symbol}({{a}})"
        self.custom_vjp = vjp
        self.arity = -1 if variadic else len(formulas)
        self.domain = domain

    def __repr__(self) -> str:
        return f"<Op {self.name} {self.symbol!r}>"

    # A record is shared by all nodes of its op and recognised by identity (``fn is LEAF``):
    # copying a graph or a model (``copy.deepcopy``) shares it too.
    def __copy__(self) -> Op:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Op:
        return self

    def partials(self, node: Node, symbolic: bool = False) -> Sequence[Any]:
        """The local derivatives of ``node`` with respect to each of its parents.

        Numbers (the parents' ``data`` type) by default; graph nodes when ``symbolic``, so
        that the derivatives themselves can be differentiated.
        """
        # The common arities spelled out: the chain rule asks this once per node of every pass.
        a, b = node._a, node._b
        if self.arity == 1 and a is not None:
            if symbolic:
                return self.local(a, node, node._arg) if self.has_arg else self.local(a, node)
            return self.local(a.data, node.data, node._arg) if self.has_arg else self.local(a.data, node.data)
        if self.arity == 2 and a is not None and b is not None and not self.has_arg:
            return self.local(a, b, node) if symbolic else self.local(a.data, b.data, node.data)
        if symbolic:
            ins: Sequence[Any] = node.parents
            out: Any = node
        else:
            ins = [p.data for p in node.parents]
            out = node.data
        if self.variadic:
            return self.local(ins, out, node._arg) if self.has_arg else self.local(ins, out)
        if self.has_arg:
            return self.local(*ins, out, node._arg)
        return self.local(*ins, out)

    def vjp(self, node: Node, grad: Any, symbolic: bool) -> tuple[Any, ...]:
        """The chain-rule step for a node of this op: each parent's contribution
        ``grad * d node / d parent`` (a vector-Jacobian product).

        By default ``grad`` times each of :meth:`partials`; ops whose inputs are arrays of other
        shapes (reductions, reshapes) pass their own ``vjp`` to the constructor, and an op or a
        family of ops may subclass :class:`Op` and override this method (``@`` does, as
        :class:`autograd.tensor_ops.MatMul`, and so do the tensor twins of the scalar ops, as
        :class:`autograd.tensor_ops.Elementwise`).
        """
        if self.custom_vjp is not None:
            return tuple(self.custom_vjp(node, grad, symbolic))  # (no copy when it is a tuple)
        # The two common arities with :meth:`partials`' lines inlined, not called: this is the
        # scalar engine's hot path, once per node of every pass, and the call costs it 4%.
        arity = self.arity
        if arity == 2:
            a, b = node._a, node._b
            assert a is not None and b is not None
            d = self.local(a, b, node) if symbolic else self.local(a.data, b.data, node.data)
            return (grad * d[0], grad * d[1])
        if arity == 1:
            x = node._a
            assert x is not None
            if self.has_arg:
                d = self.local(x, node, node._arg) if symbolic else self.local(x.data, node.data, node._arg)
            else:
                d = self.local(x, node) if symbolic else self.local(x.data, node.data)
            return (grad * d[0],)
        return tuple([grad * x for x in self.partials(node, symbolic)])

    def formula(self, i: int, names: Sequence[str], out: str, arg: Any = None) -> str:
        """The human formula of ``d out / d names[i]``, e.g. ``"w"`` for ``n = x * w``, i = 0."""
        fields = {"out": out, "x": names[i], "p": _fmt(arg)}
        fields.update(zip("abcdefgh", names))
        _constants(fields, arg)
        text = self.formulas[0] if self.variadic else self.formulas[i]
        return text.format_map(fields)

    def expression(self, names: Sequence[str], arg: Any = None) -> str:
        """The forward operation written out, e.g. ``"x * w"`` or ``"sum(a, b, c)"``."""
        if self.variadic:
            return f"{self.symbol}({', '.join(names)})"
        fields = {"p": _fmt(arg)}
        fields.update(zip("abcdefgh", names))
        _constants(fields, arg)
        return self.template.format_map(fields)


def _fmt(arg: Any) -> str:
    if isinstance(arg, float):
        return f"{arg:g}"
    if isinstance(arg, dict):  # the named constants of a user's op (autograd.Function): slope=0.1
        return ", ".join(f"{k}={_fmt(v)}" for k, v in arg.items())
    return "" if arg is None else str(arg)


def _constants(fields: dict[str, str], arg: Any) -> None:
    """Named constants (a dict ``arg``, as :class:`autograd.Function` records them) as fields of
    their own: ``{slope}`` in a formula."""
    if isinstance(arg, dict):
        fields.update((str(k), _fmt(v)) for k, v in arg.items())
