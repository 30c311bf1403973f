"""``Tensor``: a node of the same engine holding a numpy array.

Everything a ``Value`` records, a ``Tensor`` records too (``op``, ``parents``, the op record
with its formulas), and the same :func:`~autograd.engine.backprop` differentiates both; only
the forward functions and the broadcasting-aware chain-rule steps differ (see
:mod:`autograd.tensor_ops`). ``grad`` is ``None`` until a backward pass reaches the tensor,
then an array of its shape and dtype; a leaf's is an array of its own, which an optimizer may
change in place.

Data is float64 unless asked otherwise (``Tensor(x, dtype=np.float32)``, or a float32 array);
numbers and arrays mixed into an op take the tensor's dtype, so float32 stays float32. Integer
and boolean Tensors exist when asked for (``Tensor([0, 2], dtype=np.int64)``), as indexes and
masks (``x[i]``) and as constants: they are not differentiable, so a gradient that reaches
one is dropped, as PyTorch does, and ``backward()`` from one or ``grad()`` with respect to one
is an error. Every result and every gradient is an array, also a 0-d one.

Domain errors (``log`` of 0, ``sqrt`` of -1, division by 0, overflow of ``exp`` and ``**``)
raise :class:`~autograd.errors.DomainError` as they do for ``Value``, naming the op and the
offending elements and their positions (the rule is in :mod:`autograd.errors`).

``==`` is identity (tensors are graph nodes and dict keys); ``<``, ``>`` and friends compare
the data and return plain boolean arrays.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar, SupportsFloat, SupportsIndex

import numpy as np

from autograd import tensor_ops as T
from autograd.engine import CONSTANT, FROZEN, LEAF, Node, _mode, check_anomaly, detect_anomaly, mypyc_attr
from autograd.errors import DomainError, check_name, describe, elements, positions
from autograd.op import Op

__all__ = ["Tensor", "concatenate", "stack", "where", "maximum", "minimum", "broadcast_to", "sum_to", "detect_anomaly"]


# The axes of a reduction, as numpy takes them. User-facing arguments are annotated with
# protocols (``SupportsIndex``) or ``object`` where numpy takes numpy's own integers and
# booleans too: the compiled build checks annotated classes (``int``, ``bool``) on entry, and
# would reject ``np.int64(1)``, where the Python source and numpy accept it.
Axis = SupportsIndex | tuple[SupportsIndex, ...] | None


def _axis(op: str, axis: Axis) -> Any:
    """``axis`` in plain ints, as the node records it (and formulas and pictures show it)."""
    try:
        if axis is None:
            return None
        if isinstance(axis, tuple):
            return tuple(operator.index(a) for a in axis)
        return operator.index(axis)
    except TypeError:
        raise TypeError(f"{op}: axis must be an int, a tuple of ints or None, got {axis!r}") from None


def _ints(op: str, numbers: tuple[Any, ...]) -> tuple[int, ...]:
    """A shape or an order of axes in plain ints, as the node records it."""
    try:
        return tuple(operator.index(n) for n in numbers)
    except TypeError:
        raise TypeError(f"{op}: expected integers, got {numbers!r}") from None


def _shape(op: str, shape: Any) -> tuple[int, ...]:
    """A target shape as numpy takes it (a tuple or list of ints, or one int), in plain ints."""
    return _ints(op, tuple(shape) if isinstance(shape, (tuple, list)) else (shape,))


def _make(fn: Op, data: Any, parents: tuple[Tensor, ...], arg: Any = None) -> Tensor:
    if type(data) is not T._ndarray:  # numpy gives a scalar for ops on 0-d arrays: a Tensor holds an array
        data = np.asarray(data)
    if _mode.anomaly:
        check_anomaly(fn, parents, data)
    return Tensor(data, _fn=fn, _parents=parents, _arg=arg)


def _checked(fn: Op, parents: tuple[Tensor, ...], arg: Any = None) -> Any:
    """The forward of a domain op (``Op.domain``: ``log``, ``/``, ``**``...) on the parents' data.

    Where the result is NaN or infinite and the inputs there are finite, a DomainError names the
    op, those elements and their positions (the rule of :mod:`autograd.errors`, the one a
    ``Value`` follows); numpy's warnings are silenced, as the error says more.
    """
    with np.errstate(all="ignore"):
        if len(parents) == 2:
            data = fn.forward(parents[0].data, parents[1].data)
        else:
            data = fn.forward(parents[0].data) if arg is None else fn.forward(parents[0].data, arg)
    ok = np.isfinite(data)
    if not ok.all():
        bad = ~ok
        for p in parents:
            bad = bad & np.isfinite(p.data)
        if bad.any():
            inputs = [p.data for p in parents] + ([] if arg is None else [arg])
            raise DomainError(fn.name, parents, f"{elements(fn.name, inputs, data, bad)} at {positions(bad)}")
    return data


def _as_array(data: Any, dtype: Any = None, keep_integers: bool = False) -> np.ndarray:
    """``data`` as an array for a Tensor: float64 unless ``dtype`` says otherwise (integers and
    booleans only when asked for, or with ``keep_integers``: the constants of an integer op)."""
    if isinstance(data, Node):
        raise TypeError("Tensor() takes an array; this is already a graph node (use .data)")
    if dtype is not None:
        try:
            kind = np.dtype(dtype).kind
        except TypeError:
            kind = ""
        if kind not in ("f", "i", "u", "b"):
            raise TypeError(f"Tensor() dtype must be a float, integer or boolean numpy dtype, got {dtype!r}")
    try:
        array = np.asarray(data, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"Tensor() takes numbers or an array, got {type(data).__name__}: {exc}") from None
    if array.dtype.kind not in "fiub":
        raise TypeError(f"Tensor() takes real numbers, got an array of {array.dtype}")
    if dtype is None and not keep_integers and array.dtype.kind != "f":
        array = array.astype(np.float64)
    return array


def _index(index: Any) -> Any:
    """A numpy index from what ``Tensor[...]`` takes (all numpy takes: ints, slices, ``None``,
    ``...``, integer arrays, boolean masks, and integer or boolean Tensors, also in a tuple).

    Arrays are copied: the node keeps its index for the backward pass, and a caller may reuse
    the array (a batch of indices refilled every step) before that.
    """
    if isinstance(index, tuple):
        return tuple([_index_part(i) for i in index])
    return _index_part(index)


def _index_part(i: Any) -> Any:
    if isinstance(i, Node):
        data = i.data
        if not isinstance(data, np.ndarray) or data.dtype.kind not in "iub":
            raise IndexError(f"a Tensor used as an index must hold integers or booleans (make it with "
                             f"dtype=np.int64 or bool), got {describe(i)} of dtype {getattr(data, 'dtype', None)}")
        return data.copy()
    if isinstance(i, (np.ndarray, list)):
        index = np.array(i)  # a copy: a buffer refilled after the forward pass must not move the gradient
        return index.astype(np.intp) if index.size == 0 and isinstance(i, list) else index  # [] as numpy reads it
    return i


@mypyc_attr(allow_interpreted_subclasses=True)  # users may subclass it, and copy.deepcopy makes one
class Tensor(Node):
    """An array that remembers how it was computed.

    >>> W = Tensor(np.ones((2, 3)), name="W"); x = Tensor(np.arange(3.0).reshape(3, 1))
    >>> loss = (W @ x).tanh().sum()
    >>> loss.backward(); W.grad.shape
    (2, 3)
    """

    __slots__ = ()
    # numpy arrays on the left of an operator defer to our reflected methods (``Y * A``)
    __array_ufunc__: ClassVar[None] = None

    def __init__(
        self,
        data: Any,
        name: Any = None,  # not ``str | None``: the compiled build would word the error itself
        dtype: Any = None,
        *,
        requires_grad: object = True,
        _fn: Op = LEAF,
        _parents: tuple[Node, ...] = (),
        _arg: Any = None,
    ) -> None:
        if _fn is not LEAF:  # made by an op, or a constant operand: ``data`` is an array already
            Node.__init__(self, data, None, _fn, _parents, _arg)
            return
        check_name(name, "Tensor() name")
        Node.__init__(self, _as_array(data, dtype), None, LEAF if requires_grad else FROZEN, name=name)

    # -- array protocol ---------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def dtype(self) -> np.dtype[Any]:
        return self.data.dtype

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    def __len__(self) -> int:
        return len(self.data)

    def __iter__(self) -> Iterator[Tensor]:
        """The rows along the first axis, ``t[0]``, ``t[1]``, ...: each a node of the graph, whose
        gradient goes back to its row."""
        if not self.data.ndim:
            raise TypeError("iteration over a 0-d Tensor")
        return (self[i] for i in range(self.data.shape[0]))

    def numpy(self) -> np.ndarray:
        """The data (not a copy)."""
        return self.data

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.data if dtype is None else self.data.astype(dtype)

    def item(self) -> float:
        return float(self.data.item())

    def __repr__(self) -> str:
        name = f"{self.name}, " if self.name else ""
        op = f", op={self.op!r}" if self._a is not None else ""
        return f"Tensor({name}shape={self.shape}, dtype={self.dtype}{op})"

    # -- ops --------------------------------------------------------------------------------
    def _lift(self, x: Any) -> Tensor:
        dtype = self.data.dtype
        if isinstance(x, Tensor):
            return x
        if type(x) is T._ndarray and x.dtype is dtype:  # a batch of data: nothing to check
            return Tensor(x, _fn=CONSTANT)
        if isinstance(x, Node):
            raise TypeError(f"cannot combine a Tensor with a {type(x).__name__}")
        if dtype.kind != "f":  # an integer op's constants keep numpy's own type (2 an int, 0.5 a float)
            return Tensor(_as_array(x, keep_integers=True), _fn=CONSTANT)
        return Tensor(_as_array(x, dtype), _fn=CONSTANT)

    def _binary(self, fn: Op, a: Tensor, b: Tensor) -> Tensor:
        try:
            data = _checked(fn, (a, b)) if fn.domain else fn.forward(a.data, b.data)
        except DomainError:
            raise
        except ValueError as exc:
            raise ValueError(f"{fn.name}: shapes {a.data.shape} and {b.data.shape} do not match ({exc})") from None
        return _make(fn, data, (a, b))

    def _unary(self, fn: Op, arg: Any = None) -> Tensor:
        if fn.domain:
            data = _checked(fn, (self,), arg)
        else:
            data = fn.forward(self.data) if arg is None else fn.forward(self.data, arg)
        return _make(fn, data, (self,), arg)

    def __add__(self, other: Any) -> Tensor:
        return self._binary(T.ADD, self, self._lift(other))

    def __radd__(self, other: Any) -> Tensor:
        return self._binary(T.ADD, self._lift(other), self)

    def __sub__(self, other: Any) -> Tensor:
        return self._binary(T.SUB, self, self._lift(other))

    def __rsub__(self, other: Any) -> Tensor:
        return self._binary(T.SUB, self._lift(other), self)

    def __mul__(self, other: Any) -> Tensor:
        return self._binary(T.MUL, self, self._lift(other))

    def __rmul__(self, other: Any) -> Tensor:
        return self._binary(T.MUL, self._lift(other), self)

    def __truediv__(self, other: Any) -> Tensor:
        return self._binary(T.DIV, self, self._lift(other))

    def __rtruediv__(self, other: Any) -> Tensor:
        return self._binary(T.DIV, self._lift(other), self)

    def __pow__(self, exponent: Any) -> Tensor:
        if isinstance(exponent, (int, float)) and not isinstance(exponent, bool):
            return self._unary(T.POW, float(exponent))
        return self._binary(T.POW_TENSOR, self, self._lift(exponent))

    def __rpow__(self, base: Any) -> Tensor:
        return self._binary(T.POW_TENSOR, self._lift(base), self)

    def __matmul__(self, other: Any) -> Tensor:
        return self._matmul(self, self._lift(other))

    def __rmatmul__(self, other: Any) -> Tensor:
        return self._matmul(self._lift(other), self)

    def _matmul(self, a: Tensor, b: Tensor) -> Tensor:
        # numpy's rules: vectors, matrices, and stacks of matrices whose batch axes broadcast
        if not a.data.ndim or not b.data.ndim:
            raise ValueError(f"matmul: needs operands of 1 axis or more, got shapes {a.shape} and {b.shape} "
                             "(multiply by a number with *)")
        return self._binary(T.MATMUL, a, b)

    def __neg__(self) -> Tensor:
        return self._unary(T.NEG)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return self._unary(T.ABS)

    def __lt__(self, other: Any) -> np.ndarray:
        return self.data < np.asarray(other)

    def __le__(self, other: Any) -> np.ndarray:
        return self.data <= np.asarray(other)

    def __gt__(self, other: Any) -> np.ndarray:
        return self.data > np.asarray(other)

    def __ge__(self, other: Any) -> np.ndarray:
        return self.data >= np.asarray(other)

    def exp(self) -> Tensor:
        return self._unary(T.EXP)

    def log(self) -> Tensor:
        return self._unary(T.LOG)

    def sqrt(self) -> Tensor:
        return self._unary(T.SQRT)

    def sin(self) -> Tensor:
        return self._unary(T.SIN)

    def cos(self) -> Tensor:
        return self._unary(T.COS)

    def tanh(self) -> Tensor:
        return self._unary(T.TANH)

    def sigmoid(self) -> Tensor:
        return self._unary(T.SIGMOID)

    def relu(self) -> Tensor:
        return self._unary(T.RELU)

    def leaky_relu(self, slope: float = 0.01) -> Tensor:
        return self._unary(T.LEAKY_RELU, float(slope))

    def elu(self, alpha: float = 1.0) -> Tensor:
        return self._unary(T.ELU, float(alpha))

    def abs(self) -> Tensor:
        return self._unary(T.ABS)

    def sum(self, axis: Axis = None, keepdims: object = False) -> Tensor:
        """The sum over ``axis`` (an int, a tuple of them, or ``None`` for all), as ``np.sum``."""
        return self._unary(T.SUM, (_axis("sum", axis), bool(keepdims)))

    def mean(self, axis: Axis = None, keepdims: object = False) -> Tensor:
        """The mean over ``axis`` (an int, a tuple of them, or ``None`` for all), as ``np.mean``."""
        return self._unary(T.MEAN, (_axis("mean", axis), bool(keepdims)))

    def max(self, axis: Axis = None, keepdims: object = False) -> Tensor:
        """The max over ``axis``, as ``np.max``; tied maxima share the gradient equally."""
        return self._unary(T.MAX, (_axis("max", axis), bool(keepdims)))

    def min(self, axis: Axis = None, keepdims: object = False) -> Tensor:
        """The min over ``axis``, as ``np.min``; tied minima share the gradient equally."""
        return self._unary(T.MIN, (_axis("min", axis), bool(keepdims)))

    def var(self, axis: Axis = None, ddof: SupportsFloat = 0, keepdims: object = False) -> Tensor:
        """The variance over ``axis``, as ``np.var``: divided by ``n - ddof`` (``ddof=1``: the
        unbiased estimate, PyTorch's default). ``n - ddof <= 0`` is a DomainError (a division by
        0); the variance of nothing is NaN, as the mean of nothing."""
        axes, correction = _axis("var", axis), float(ddof)
        if not self.data.ndim:  # (axis 0 or -1 of a 0-d tensor, which sum takes and np.var does not: all of it)
            axes = None
        n = T._count(self.data.shape, axes)
        if n and n - correction <= 0:
            raise DomainError("var", (self,), f"ddof={correction:g} leaves no degrees of freedom for "
                                              f"{n} elements per variance (the divisor n - ddof must be > 0)")
        return self._unary(T.VAR, (axes, bool(keepdims), correction))

    def std(self, axis: Axis = None, ddof: SupportsFloat = 0, keepdims: object = False) -> Tensor:
        """The standard deviation over ``axis``, as ``np.std``: ``sqrt(var(axis, ddof))``, two
        nodes (where every value is the same the gradient is infinite: a DomainError, as sqrt's)."""
        return self.var(axis, ddof, keepdims).sqrt()

    def argmax(self, axis: SupportsIndex | None = None, keepdims: object = False) -> Tensor:
        """The position of the max along ``axis`` (the first one of ties; of the flattened array
        when ``axis`` is None), as ``np.argmax``: an integer Tensor, not differentiable."""
        return self._position(np.argmax, axis, keepdims)

    def argmin(self, axis: SupportsIndex | None = None, keepdims: object = False) -> Tensor:
        """The position of the min along ``axis``, as ``np.argmin``: an integer Tensor."""
        return self._position(np.argmin, axis, keepdims)

    def _position(self, find: Any, axis: SupportsIndex | None, keepdims: object) -> Tensor:
        axis = None if axis is None else operator.index(axis)
        index = np.asarray(find(self.data, axis=axis, keepdims=bool(keepdims)))
        return Tensor(index, dtype=index.dtype)

    def clip(self, low: SupportsFloat | None = None, high: SupportsFloat | None = None) -> Tensor:
        """Each element limited to ``[low, high]`` (either may be None), as ``np.clip`` and
        PyTorch's ``clamp``; the gradient passes where ``low <= x <= high``, bounds included."""
        if low is None and high is None:
            raise ValueError("clip: give low, high or both")
        return self._unary(T.CLIP, (None if low is None else float(low), None if high is None else float(high)))

    def squeeze(self, axis: Axis = None) -> Tensor:
        """The axes of length 1 removed (all of them, or those of ``axis``), as ``np.squeeze``."""
        axes = _axis("squeeze", axis)
        try:
            target = np.squeeze(self.data, axes).shape
        except ValueError as exc:
            raise ValueError(f"squeeze: axis {axes} of shape {self.shape} ({exc})") from None
        return self._unary(T.RESHAPE, target)

    def expand_dims(self, axis: SupportsIndex | tuple[SupportsIndex, ...]) -> Tensor:
        """Axes of length 1 inserted at ``axis`` (an int or a tuple, positions in the result), as
        ``np.expand_dims``."""
        axes = _axis("expand_dims", axis)
        try:
            target = np.expand_dims(self.data, axes).shape
        except ValueError as exc:
            raise ValueError(f"expand_dims: axis {axes} for shape {self.shape} ({exc})") from None
        return self._unary(T.RESHAPE, target)

    def unsqueeze(self, axis: SupportsIndex) -> Tensor:
        """One axis of length 1 inserted at ``axis``: PyTorch's name for ``expand_dims``."""
        return self.expand_dims(axis)

    def flatten(self, start_axis: SupportsIndex = 0, end_axis: SupportsIndex = -1) -> Tensor:
        """The axes from ``start_axis`` to ``end_axis`` (included) joined into one: all of them by
        default (1-D, as ``np.ndarray.flatten``), as PyTorch's ``flatten(start_dim, end_dim)``."""
        shape = self.data.shape or (1,)  # (a 0-d tensor flattens to one element, as in numpy and PyTorch)
        start, end = _ints("flatten", (start_axis, end_axis))
        n = len(shape)
        if not (-n <= start < n and -n <= end < n) or start % n > end % n:
            raise ValueError(f"flatten: axes {start}..{end} of shape {self.shape}")
        start, end = start % n, end % n
        joined = 1
        for size in shape[start:end + 1]:
            joined *= size
        return self._unary(T.RESHAPE, shape[:start] + (joined,) + shape[end + 1:])

    def broadcast_to(self, shape: Any) -> Tensor:
        """The tensor repeated along new or length-1 axes to ``shape``, as ``np.broadcast_to`` (a
        copy, not a view); its gradient is summed back (:meth:`sum_to`)."""
        target = _shape("broadcast_to", shape)
        try:
            fits = np.broadcast_shapes(self.data.shape, target) == target
        except ValueError:
            fits = False
        if not fits:
            raise ValueError(f"broadcast_to: cannot broadcast shape {self.shape} to {target}")
        return self._unary(T.BROADCAST_TO, target)

    def sum_to(self, shape: Any) -> Tensor:
        """The sum over the axes that broadcasting ``shape`` to this tensor's shape would add or
        stretch, so that the result has ``shape`` (DeZero's ``sum_to``); its gradient is
        broadcast back (:meth:`broadcast_to`)."""
        target = _shape("sum_to", shape)
        try:
            fits = np.broadcast_shapes(target, self.data.shape) == self.data.shape
        except ValueError:
            fits = False
        if not fits:
            raise ValueError(f"sum_to: cannot sum shape {self.shape} to {target} (it must broadcast to {self.shape})")
        return self._unary(T.SUM_TO, target)

    def reshape(self, *shape: Any) -> Tensor:
        """The same data in another shape, as ``np.reshape``: ``t.reshape(2, 3)`` or ``t.reshape((2, 3))``."""
        target = _ints("reshape", tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape)
        try:
            return self._unary(T.RESHAPE, target)
        except ValueError as exc:
            raise ValueError(f"reshape: cannot reshape {self.shape} to {target} ({exc})") from None

    def transpose(self, *axes: Any) -> Tensor:
        """Permute the axes: ``t.transpose(1, 0)`` or, as numpy also takes, ``t.transpose((1, 0))``."""
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        order = _ints("transpose", axes) if axes else tuple(reversed(range(self.data.ndim)))
        return self._unary(T.TRANSPOSE, order)

    @property
    def T(self) -> Tensor:  # noqa: N802 - numpy's name
        return self.transpose()

    def __getitem__(self, index: Any) -> Tensor:
        """``x[index]`` with any numpy index; the gradient is scattered back (repeats add up)."""
        index = _index(index)
        # (not _unary: an index may be None, np.newaxis, which _unary would take for "no argument")
        return _make(T.GETITEM, T.GETITEM.forward(self.data, index), (self,), index)

    # -- engine hooks --------------------------------------------------------------------
    def _seed(self, grad: Any, symbolic: bool) -> Any:
        self._check_differentiable()
        if grad is None:
            if self.data.size != 1:
                raise ValueError(f"a tensor of shape {self.shape} needs a seed d root / d root of that shape: "
                                 "pass grad= to backward(), grad_output= to grad(), or seed= to viz.draw()/viz.steps() "
                                 "(only a one-element tensor has an implicit 1)")
            # A copy of the cached ones: one numpy call (np.ones is a Python wrapper, 2 µs), and
            # an array of its own, as any .grad it becomes must be
            seed = T.ones(self.data.shape, self.data.dtype).copy()
        else:
            # a copy: the seed may become this node's .grad, which must not be the caller's array
            seed = np.array(grad.data if isinstance(grad, Node) else grad, dtype=self.data.dtype)
            if seed.shape != self.data.shape:
                raise ValueError(f"the seed d root / d root has shape {seed.shape}, the tensor {self.shape} "
                                 "(grad= of backward(), grad_output= of grad(), seed= of viz.draw()/viz.steps())")
        return self._lift(seed) if symbolic else seed

    def _zero(self, symbolic: bool) -> Any:
        zeros = np.zeros_like(self.data)
        return self._lift(zeros) if symbolic else zeros

    def _add_grad(self, total: Any, g: Any, fn: Op | None) -> Any:
        # Once per contribution of every backward pass: the common case (an array of this
        # tensor's shape and dtype) costs a type check and two comparisons.
        data = self.data
        if type(g) is not T._ndarray or g.shape != data.shape or g.dtype is not data.dtype:
            g = self._checked_grad(g, fn)
            if g is None:
                return total
        if total is None:
            return g
        s = total + g
        return s if type(s) is T._ndarray or isinstance(s, Node) else np.asarray(s)  # 0-d + 0-d: a numpy scalar

    def _checked_grad(self, g: Any, fn: Op | None) -> Any:
        """A contribution that is not an array of this tensor's shape and dtype: an error if its
        shape differs (an op's chain-rule step got it wrong); ``None`` (dropped) for an integer
        tensor; else an array of this tensor's dtype (a 0-d array for a numpy scalar)."""
        data = self.data
        shape = g.data.shape if isinstance(g, Node) else np.shape(g)
        if shape != data.shape:
            by = f"the chain-rule step of {fn.name}" if fn is not None else "the gradient of an earlier pass"
            raise ValueError(f"{by} gave a gradient of shape {shape} for {describe(self)}, whose shape is "
                             f"{data.shape}: a gradient has the shape of its node")
        if data.dtype.kind != "f":  # not differentiable: a constant to the chain rule
            return None
        if isinstance(g, Node):
            return g
        g = np.asarray(g)
        return g if g.dtype == data.dtype else g.astype(data.dtype)  # (a float32 input of a float64 op)

    def _check_differentiable(self) -> None:
        if self.data.dtype.kind != "f":
            raise TypeError(f"{describe(self)} of dtype {self.data.dtype} is not differentiable: only float "
                            "Tensors have gradients (as in PyTorch); make it with a float dtype")

    def _own_leaf_grads(self, nodes: list[Node], before: list[Any]) -> None:
        # The chain rule shares arrays where it can: an op whose local derivative is 1 passes
        # the same array to both inputs (``a + b``), and reshape/transpose pass views. A leaf
        # (a parameter) gets a copy when its new .grad is a view or also another node's .grad,
        # so that an in-place update of one parameter's .grad never changes another's. A .grad
        # that was there before got the gradient added into a new array. Constants (plain
        # numbers and arrays mixed into ops) are no parameters: they keep what they get.
        # How many nodes hold each .grad (by identity: no array compare), counted once when a
        # leaf first asks, before any copy: a leaf whose .grad another node holds too gets a copy
        # (one copy more than needed at worst, never one less). Counted, not searched per leaf:
        # a pass over many leaves would be quadratic.
        holders: dict[int, int] | None = None
        for node, old in zip(nodes, before):
            g = node.grad
            if node._a is not None or node._fn is CONSTANT or old is not None or type(g) is not T._ndarray:
                continue
            if g.base is None:
                if holders is None:
                    holders = {}
                    for n in nodes:
                        key = id(n.grad)
                        holders[key] = holders.get(key, 0) + 1
                if holders.get(id(g), 0) < 2:
                    continue
            node.grad = g.copy()


def concatenate(tensors: Sequence[Tensor], axis: SupportsIndex = 0) -> Tensor:
    """Join tensors along an existing axis; the gradient is split back into the pieces."""
    return _join(tensors, axis, stacked=False)


def stack(tensors: Sequence[Tensor], axis: SupportsIndex = 0) -> Tensor:
    """Join tensors along a new axis; the gradient is split back into the pieces."""
    return _join(tensors, axis, stacked=True)


def _operands(op: str, x: Any, y: Any) -> tuple[Tensor, Tensor]:
    """``x`` and ``y`` as Tensors: numbers and arrays take the dtype of the Tensor beside them."""
    if isinstance(x, Tensor):
        return x, x._lift(y)
    if isinstance(y, Tensor):
        return y._lift(x), y
    raise TypeError(f"{op}: takes at least one Tensor, got {type(x).__name__} and {type(y).__name__}")


def maximum(x: Any, y: Any) -> Tensor:
    """The larger of ``x`` and ``y`` elementwise (broadcast), as ``np.maximum``; at a tie each gets
    half the gradient, as in PyTorch; NaN wins."""
    a, b = _operands("maximum", x, y)
    return a._binary(T.MAXIMUM, a, b)


def minimum(x: Any, y: Any) -> Tensor:
    """The smaller of ``x`` and ``y`` elementwise (broadcast), as ``np.minimum``; ties split the gradient."""
    a, b = _operands("minimum", x, y)
    return a._binary(T.MINIMUM, a, b)


def where(condition: Any, x: Any, y: Any) -> Tensor:
    """``x`` where ``condition`` holds, else ``y``, as ``np.where`` (all three broadcast). The
    condition is boolean: an array (``t > 0`` gives one), a list or a boolean Tensor; each
    gradient goes to the operand that was picked."""
    cond = np.array(condition.data if isinstance(condition, Node) else condition)  # a copy: the node keeps it
    if cond.dtype.kind != "b":
        raise TypeError(f"where: the condition must be boolean (t > 0, a mask), got dtype {cond.dtype}")
    a, b = _operands("where", x, y)
    try:
        data = T.WHERE.forward(a.data, b.data, cond)
    except ValueError as exc:
        raise ValueError(f"where: shapes {cond.shape}, {a.shape} and {b.shape} do not broadcast ({exc})") from None
    return _make(T.WHERE, data, (a, b), cond)


def broadcast_to(x: Tensor, shape: Any) -> Tensor:
    """``x.broadcast_to(shape)``, as ``np.broadcast_to``."""
    return x.broadcast_to(shape)


def sum_to(x: Tensor, shape: Any) -> Tensor:
    """``x.sum_to(shape)``: DeZero's ``F.sum_to``, the adjoint of broadcasting."""
    return x.sum_to(shape)


def _join(tensors: Sequence[Tensor], axis: SupportsIndex, stacked: bool) -> Tensor:
    items = tuple(tensors)
    axis = _ints("stack" if stacked else "concatenate", (axis,))[0]
    if not items or not all(isinstance(t, Tensor) for t in items):
        raise TypeError("concatenate/stack take a non-empty sequence of Tensors")
    try:
        data = T.CONCAT.forward(*[t.data for t in items], (axis, stacked))
    except ValueError as exc:
        shapes = ", ".join(str(t.shape) for t in items)
        raise ValueError(f"{'stack' if stacked else 'concatenate'}: shapes {shapes} do not fit ({exc})") from None
    return _make(T.CONCAT, data, items, (axis, stacked))

