"""The tensor op table: numpy forwards, and the chain-rule step of each op on arrays.

Elementwise ops reuse the scalar records' local derivatives and formulas (``autograd.ops``:
they are written to work on arrays too); what arrays add is broadcasting, whose gradient is
summed back to each operand's shape (:func:`unbroadcast`). They share one chain-rule step, the
``vjp`` method of :class:`Elementwise`. Structural ops (``@``, reductions, reshapes,
indexing) have no elementwise local derivative: they have their own ``vjp`` and a formula for
it, e.g. ``dZ @ X^T`` for the weight of ``Z = W @ X`` (``@``, in every layer of a network, as
a method of :class:`MatMul`; the others as functions given to :class:`~autograd.op.Op`).

Every ``vjp`` here works on arrays (a plain backward pass) and on Tensors (``create_graph``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, Final

import numpy as np

from autograd import ops
from autograd.engine import CONSTANT, Node
from autograd.op import Op

# numpy's names used in every chain-rule step, bound once: the compiled build reads a Final
# module constant as a C variable, but looks ``np.multiply`` up in numpy's module dict at
# each use.
_ndarray: Final = np.ndarray
_multiply: Final = np.multiply
_add_reduce: Final = np.add.reduce


def unbroadcast(g: Any, shape: tuple[int, ...]) -> Any:
    """Sum ``g`` over the axes numpy broadcast to reach it, so it has ``shape`` again."""
    gshape = g.shape
    if gshape == shape:
        return g
    if len(gshape) == 2 and not isinstance(g, Node):
        # A bias: added to every row (shape (n,) or (1, n)), or to every column (the notes'
        # b of shape (n, 1) in Z = W X + b). Its gradient, a sum over the batch, is computed as
        # a product with a vector of ones: one BLAS call, 2-5x faster than numpy's reduction
        # along an axis (``np.add.reduce(g, axis=0)``) on a batch of 32 to 256.
        # (Products of matrices, for the 2-D shapes: a reshaped product would be a view, which
        # a parameter's .grad must not be; see Tensor._own_leaf_grads.)
        m, n = gshape
        if shape == (n,):
            return ones((m,), g.dtype) @ g
        if shape == (1, n):
            return ones((1, m), g.dtype) @ g
        if shape == (m, 1):
            return g @ ones((n, 1), g.dtype)
    extra = len(gshape) - len(shape)
    if gshape[extra:] == shape and not isinstance(g, Node):  # only leading axes were added
        return _add_reduce(g, axis=tuple(range(extra)) if extra > 1 else 0)  # one C call, no reshape
    axes = tuple(range(extra)) + tuple(i + extra for i, n in enumerate(shape) if n == 1 and gshape[i + extra] != 1)
    summed = g.sum(axis=axes, keepdims=True) if axes else g
    return summed.reshape(shape)


@functools.lru_cache(maxsize=32)
def ones(shape: tuple[int, ...], dtype: np.dtype[Any]) -> np.ndarray:
    """An array of ones, read-only, made once per shape and dtype: summing the rows or the
    columns of a matrix as a product with it is a BLAS call (see :func:`unbroadcast`)."""
    array = np.ones(shape, dtype)
    array.flags.writeable = False
    return array


class Elementwise(Op):
    """The tensor twin of a scalar op: same local derivatives and formulas, numpy forward.

    Its chain-rule step multiplies the upstream gradient by the scalar op's local derivative,
    computed on the arrays, and sums each product back to its operand's shape (broadcasting).

    ``constant``: the local derivatives are numbers whatever the inputs (those of ``+``, ``-``
    and ``neg``), so they are computed once, here, and each step is just ``g`` or ``-g`` summed
    back, with no call to ``local`` on the hot path. ``fresh_local``: ``local`` returns new
    arrays (or the op's own inputs or output, which are recognised), so a unary step may write
    its product into the local derivative's memory instead of allocating another array.
    """

    __slots__ = ("fixed", "fresh_local")

    def __init__(
        self, scalar: Op, forward: Callable[..., Any], *, constant: bool = False, fresh_local: bool = False
    ) -> None:
        arity = len(scalar.formulas)
        if scalar.variadic or arity not in (1, 2) or (arity == 2 and scalar.has_arg):
            raise ValueError(f"{scalar.name}: an elementwise tensor op takes one input (and an arg) or two inputs")
        super().__init__(scalar.name, scalar.symbol, forward, scalar.local, scalar.formulas,
                         has_arg=scalar.has_arg, template=scalar.template, domain=scalar.domain,
                         vjp=scalar.custom_vjp)
        # (the local derivatives of such ops never read their inputs: Nones will do)
        self.fixed = tuple(scalar.local(*[None] * (arity + 1 + scalar.has_arg))) if constant else None
        self.fresh_local = fresh_local

    def vjp(self, node: Node, grad: Any, symbolic: bool) -> tuple[Any, ...]:
        # A method of the record, not a function passed to Op: the compiled build dispatches it
        # as a C call. It runs once per node of every backward pass.
        a, b = node._a, node._b
        assert a is not None
        if self.custom_vjp is not None:  # a step of its own (relu's, which masks: see ops.RELU)
            return tuple(self.custom_vjp(node, grad, symbolic))
        d = self.fixed if self.fixed is not None else self.partials(node, symbolic)
        if b is None:  # a unary op keeps its input's shape: nothing to sum back
            d0 = d[0]
            if (self.fresh_local and not symbolic and type(d0) is _ndarray and d0 is not a.data
                    and d0 is not node.data and type(grad) is _ndarray and d0.shape == grad.shape
                    and d0.dtype is grad.dtype):  # (equal dtypes that are two objects: the general path below)
                # d0 is a temporary (1 - out^2 of tanh): the product goes into its memory, one
                # array less to allocate and to pull through the cache per step
                return (_multiply(grad, d0, out=d0),)
            return (_times(grad, d0),)
        return (unbroadcast(_times(grad, d[0]), a.data.shape), unbroadcast(_times(grad, d[1]), b.data.shape))


def _times(g: Any, d: Any) -> Any:
    """``g * d``, without copying a whole array when the local derivative is the number 1 or -1
    (``+`` and ``-``): gradients are never changed in place, so sharing ``g`` is safe."""
    if type(d) is float:
        if d == 1.0:
            return g
        if d == -1.0:
            return -g
    return g * d


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # the logistic function without overflow


def _leaky_relu(x: np.ndarray, slope: float) -> np.ndarray:
    return np.where(x > 0, x, x * slope)


def _elu(x: np.ndarray, alpha: float) -> np.ndarray:
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0)) * alpha)


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0)


def _pow(x: np.ndarray, p: float) -> np.ndarray:
    return x**p


# fmt: off
ADD:        Final = Elementwise(ops.ADD, np.add, constant=True)
SUB:        Final = Elementwise(ops.SUB, np.subtract, constant=True)
MUL:        Final = Elementwise(ops.MUL, np.multiply)
DIV:        Final = Elementwise(ops.DIV, np.divide)
NEG:        Final = Elementwise(ops.NEG, np.negative, constant=True)
POW:        Final = Elementwise(ops.POW, _pow, fresh_local=True)
EXP:        Final = Elementwise(ops.EXP, np.exp, fresh_local=True)
LOG:        Final = Elementwise(ops.LOG, np.log, fresh_local=True)
SQRT:       Final = Elementwise(ops.SQRT, np.sqrt, fresh_local=True)
SIN:        Final = Elementwise(ops.SIN, np.sin, fresh_local=True)
COS:        Final = Elementwise(ops.COS, np.cos, fresh_local=True)
TANH:       Final = Elementwise(ops.TANH, np.tanh, fresh_local=True)
SIGMOID:    Final = Elementwise(ops.SIGMOID, _sigmoid, fresh_local=True)
RELU:       Final = Elementwise(ops.RELU, _relu)
LEAKY_RELU: Final = Elementwise(ops.LEAKY_RELU, _leaky_relu, fresh_local=True)
ELU:        Final = Elementwise(ops.ELU, _elu, fresh_local=True)
ABS:        Final = Elementwise(ops.ABS, np.abs, fresh_local=True)
POW_TENSOR: Final = Elementwise(ops.POW_VALUE, np.power)
# fmt: on


def _data(x: Any) -> Any:
    """The array of a graph node, or ``x`` itself: the local derivatives below are piecewise
    constant, so under ``create_graph`` they are constants, computed from the data."""
    return x.data if isinstance(x, Node) else x


def _share(loses: Any, tie: Any, dtype: np.dtype[Any]) -> Any:
    """An operand's share of the gradient of ``maximum``/``minimum``: 0 where it loses, 1/2 at a
    tie (PyTorch's split, so both operands' shares add up to 1) and 1 where it wins, also where
    a NaN makes every comparison false (NaN wins, and PyTorch passes it the whole gradient)."""
    return (1.0 - 0.5 * tie - loses).astype(dtype)


def _maximum_local(a: Any, b: Any, out: Any) -> tuple[Any, Any]:
    a, b = _data(a), _data(b)
    tie, dtype = a == b, np.result_type(a, b)
    return (_share(a < b, tie, dtype), _share(b < a, tie, dtype))


def _minimum_local(a: Any, b: Any, out: Any) -> tuple[Any, Any]:
    a, b = _data(a), _data(b)
    tie, dtype = a == b, np.result_type(a, b)
    return (_share(a > b, tie, dtype), _share(b > a, tie, dtype))


def _clip_forward(x: np.ndarray, bounds: tuple[float | None, float | None]) -> np.ndarray:
    low, high = bounds
    return np.clip(x, low, high)


def _clip_local(a: Any, out: Any, bounds: tuple[float | None, float | None]) -> tuple[Any]:
    x = _data(a)
    low, high = bounds
    # PyTorch's clamp: the gradient passes where low <= x <= high, the bounds included, and not
    # at NaN (every comparison false)
    inside = np.ones(x.shape, dtype=bool) if low is None else x >= low
    if high is not None:
        inside &= x <= high
    return (inside.astype(x.dtype),)


# fmt: off
MAXIMUM: Final = Elementwise(Op("maximum", "maximum", np.maximum, _maximum_local,
                                ("1 where {a} > {b}, 1/2 where {a} = {b}, else 0",
                                 "1 where {b} > {a}, 1/2 where {a} = {b}, else 0"), template="maximum({a}, {b})"),
                             np.maximum)
MINIMUM: Final = Elementwise(Op("minimum", "minimum", np.minimum, _minimum_local,
                                ("1 where {a} < {b}, 1/2 where {a} = {b}, else 0",
                                 "1 where {b} < {a}, 1/2 where {a} = {b}, else 0"), template="minimum({a}, {b})"),
                             np.minimum)
CLIP:    Final = Elementwise(Op("clip", "clip", _clip_forward, _clip_local, ("1 where {a} is within {p}, else 0",),
                                has_arg=True, template="clip({a}, {p})"),
                             _clip_forward, fresh_local=True)
# fmt: on


def _swap(x: Any) -> Any:
    """The last two axes exchanged (a matrix transpose, batched): for arrays and Tensors alike."""
    n = x.ndim
    return x.T if n == 2 else x.transpose(*range(n - 2), n - 1, n - 2)


class MatMul(Op):
    """``Z = W @ X``: dL/dW = dL/dZ @ X^T and dL/dX = W^T @ dL/dZ (batched over leading axes).

    Its chain-rule step is a method, as :class:`Elementwise`'s is: the compiled build calls it
    directly, where a function passed to :class:`Op` is a call through Python's protocol, and
    a network makes one such step per layer.
    """

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__("matmul", "@", np.matmul, lambda a, b, out: (None, None),
                         ("d{out} @ {b}^T", "{a}^T @ d{out}"), template="{a} @ {b}")

    def vjp(self, node: Node, grad: Any, symbolic: bool) -> tuple[Any, ...]:
        a, b = node._a, node._b
        assert a is not None and b is not None
        A: Any = a if symbolic else a.data  # both have ndim, shape and @
        B: Any = b if symbolic else b.data
        da = db = None  # a constant operand (a batch of data given as an array) needs no gradient: no matmul
        if A.ndim == 2 and B.ndim == 2:
            if a._fn is not CONSTANT:
                da = grad @ B.T
            if b._fn is not CONSTANT:
                db = A.T @ grad
            return (da, db)
        if A.ndim == 1 or B.ndim == 1:
            return self._vector_vjp(a, b, A, B, grad)
        # batched: numpy may have broadcast the batch axes, whose gradient is summed back
        if a._fn is not CONSTANT:
            da = unbroadcast(grad @ _swap(B), A.shape)
        if b._fn is not CONSTANT:
            db = unbroadcast(_swap(A) @ grad, B.shape)
        return (da, db)

    def _vector_vjp(self, a: Node, b: Node, A: Any, B: Any, grad: Any) -> tuple[Any, ...]:
        """The step when an operand is a vector: numpy's matmul reads a left vector (n,) as a
        row (1, n) and a right one as a column (n, 1), then drops that axis from the result. The
        same is done here: the gradient gets the dropped axes back, the matrix rule runs (with
        its batch axes summed back), and each operand's gradient loses the axis it was given."""
        A2 = A.reshape((1, A.shape[0])) if A.ndim == 1 else A
        B2 = B.reshape((B.shape[0], 1)) if B.ndim == 1 else B
        g2 = grad.reshape(np.broadcast_shapes(A2.shape[:-2], B2.shape[:-2]) + (A2.shape[-2], B2.shape[-1]))
        da = db = None
        if a._fn is not CONSTANT:
            da = unbroadcast(g2 @ _swap(B2), A2.shape).reshape(A.shape)
        if b._fn is not CONSTANT:
            db = unbroadcast(_swap(A2) @ g2, B2.shape).reshape(B.shape)
        return (da, db)


MATMUL: Final = MatMul()


def _expand(g: Any, node: Node) -> Any:
    """The gradient of a reduction, spread back over the reduced axes of the input."""
    arg = node._arg  # (axis, keepdims), and var's ddof after them
    axis, keepdims = arg[0], arg[1]
    shape = node.parents[0].data.shape
    if not shape:  # a 0-d input: numpy's axis 0 or -1 reduced nothing, so there is nothing to spread
        return g
    if not keepdims and axis is not None:
        reduced = _axes(axis, len(shape))
        g = g.reshape(tuple(1 if i in reduced else n for i, n in enumerate(shape)))
    elif not keepdims:
        g = g.reshape((1,) * len(shape))
    if isinstance(g, Node):
        return g * np.ones(shape, dtype=g.data.dtype)
    full = np.empty(shape, dtype=g.dtype)
    full[...] = g  # broadcasting assignment: one C call, where np.broadcast_to costs ~10 µs of Python
    return full


def _axes(axis: int | tuple[int, ...] | None, ndim: int) -> tuple[int, ...]:
    """The reduced axes as non-negative ints (none for a 0-d input: numpy takes 0 and -1 there)."""
    if axis is None:
        return tuple(range(ndim))
    return tuple(a % ndim for a in (axis if isinstance(axis, tuple) else (axis,))) if ndim else ()


def _count(shape: tuple[int, ...], axis: Any) -> int:
    """How many elements each result of a reduction over ``axis`` of an array of ``shape`` sums
    (from the shape: the sizes alone cannot tell 0 / 0 for an empty axis)."""
    n = 1
    for a in _axes(axis, len(shape)):
        n *= shape[a]
    return n


def _sum_forward(x: np.ndarray, arg: tuple[Any, bool]) -> np.ndarray:
    return np.sum(x, axis=arg[0], keepdims=arg[1])


def _mean_forward(x: np.ndarray, arg: tuple[Any, bool]) -> np.ndarray:
    total: Any = x.sum(axis=arg[0], keepdims=arg[1])  # not np.mean: its Python wrapper costs ~20 µs
    n = _count(x.shape, arg[0])
    if not n:  # the mean of nothing: NaN, as numpy's and PyTorch's (without numpy's warning)
        return np.full(np.shape(total), np.nan, dtype=x.dtype if x.dtype.kind == "f" else np.float64)
    return total / n


def _max_forward(x: np.ndarray, arg: tuple[Any, bool]) -> np.ndarray:
    return np.max(x, axis=arg[0], keepdims=arg[1])


def _mean_scale(node: Node) -> float:
    # 1/n; an empty axis has an empty gradient, which any factor leaves empty
    return 1.0 / max(1, _count(node.parents[0].data.shape, node._arg[0]))


def _min_forward(x: np.ndarray, arg: tuple[Any, bool]) -> np.ndarray:
    return np.min(x, axis=arg[0], keepdims=arg[1])


def _max_vjp(node: Node, g: Any, symbolic: bool) -> Sequence[Any]:
    """The step of ``max`` and of ``min``: the gradient goes to the extreme elements."""
    x = node.parents[0].data
    axis = node._arg[0]
    if not x.ndim:  # numpy's axis 0 or -1 of a 0-d array: the max is the element
        return (g,)
    # ufunc reductions: np.max and .sum wrap them in Python
    top = (np.minimum if node._fn is MIN else np.maximum).reduce(x, axis=axis, keepdims=True)
    # the elements equal to the max, or NaN where the max is NaN (NaN wins, as numpy's max)
    mask = ((x == top) | ((x != x) & (top != top))).astype(x.dtype)
    mask /= np.add.reduce(mask, axis=axis, keepdims=True)  # ties share the gradient
    return (_expand(g, node) * mask,)


def _var_forward(x: np.ndarray, arg: tuple[Any, bool, float]) -> np.ndarray:
    axis, keepdims, ddof = arg
    if not _count(x.shape, axis):  # the variance of nothing: NaN, as the mean of nothing
        return _mean_forward(x, (axis, keepdims))
    return np.var(x, axis=axis, keepdims=keepdims, ddof=ddof)


def _var_vjp(node: Node, g: Any, symbolic: bool) -> Sequence[Any]:
    x: Any = node.parents[0] if symbolic else node.parents[0].data
    axis, _, ddof = node._arg
    n = _count(node.parents[0].data.shape, axis)
    if not n:  # an empty axis: an empty gradient
        return (_expand(g, node),)
    centered = x - x.mean(axis=axis, keepdims=True)
    # (an infinite upstream gradient, from std = sqrt(var) at 0, times a 0 is NaN: the engine's
    # rule for sqrt at 0 says what that means, numpy's warning would add nothing)
    with np.errstate(invalid="ignore"):
        return (_expand(g, node) * centered * (2.0 / (n - ddof)),)


SUM: Final = Op("sum", "sum", _sum_forward, lambda a, out, arg: (None,), ("1 (spread over the summed axes)",),
                has_arg=True, vjp=lambda node, g, symbolic: (_expand(g, node),))
MEAN: Final = Op("mean", "mean", _mean_forward, lambda a, out, arg: (None,), ("1/n (spread over the averaged axes)",),
                 has_arg=True, vjp=lambda node, g, symbolic: (_expand(g, node) * _mean_scale(node),))
MAX: Final = Op("max", "max", _max_forward, lambda a, out, arg: (None,), ("1 where {a} is the max, else 0",),
                has_arg=True, vjp=_max_vjp)
MIN: Final = Op("min", "min", _min_forward, lambda a, out, arg: (None,), ("1 where {a} is the min, else 0",),
                has_arg=True, vjp=_max_vjp)
VAR: Final = Op("var", "var", _var_forward, lambda a, out, arg: (None,), ("2 ({a} - mean({a})) / (n - ddof)",),
                has_arg=True, vjp=_var_vjp)
"""The variance over ``arg = (axis, keepdims, ddof)``, as ``np.var``: the mean square distance from
the mean, with ``n - ddof`` for ``n`` as the divisor (``ddof=1``: the unbiased estimate)."""
RESHAPE: Final = Op("reshape", "reshape", lambda x, shape: x.reshape(shape), lambda a, out, arg: (None,),
                    ("reshape d{out} back to the shape of {a}",), has_arg=True,
                    vjp=lambda node, g, symbolic: (g.reshape(node.parents[0].data.shape),))
TRANSPOSE: Final = Op("transpose", "T", lambda x, axes: x.transpose(axes), lambda a, out, arg: (None,),
                      ("transpose d{out} back",), has_arg=True,
                      vjp=lambda node, g, symbolic: (g.transpose(_inverse(node._arg)),))


def _inverse(axes: tuple[int, ...]) -> tuple[int, ...]:
    """The order of axes that undoes ``transpose(axes)`` (negative axes counted from the end)."""
    n = len(axes)
    return tuple(int(i) for i in np.argsort([a % n for a in axes]))


def _scatter_forward(g: np.ndarray, arg: tuple[Any, tuple[int, ...]]) -> np.ndarray:
    index, shape = arg
    full = np.zeros(shape, dtype=g.dtype)
    np.add.at(full, index, g)  # repeated indices add up
    return full


SCATTER: Final = Op("scatter", "scatter", _scatter_forward, lambda a, out, arg: (None,),
                    ("pick the indexed positions of d{out}",), has_arg=True, template="scatter({a})",
                    vjp=lambda node, g, symbolic: (g[node._arg[0]],))
"""The adjoint of indexing: ``a`` added into zeros at the indexed positions. It is the backward
of ``x[i]``, an op of its own so that ``create_graph`` can differentiate through indexing."""


def _scatter(g: Any, index: Any, shape: tuple[int, ...]) -> Any:
    if isinstance(g, Node):  # under create_graph: a Tensor, whose constructor takes the op's record
        cls: Any = type(g)
        return cls(_scatter_forward(g.data, (index, shape)), _fn=SCATTER, _parents=(g,), _arg=(index, shape))
    return _scatter_forward(g, (index, shape))


GETITEM: Final = Op("getitem", "[]", lambda x, index: x[index], lambda a, out, arg: (None,),
                    ("scatter d{out} into the indexed positions of {a}",), has_arg=True, template="{a}[{p}]",
                    vjp=lambda node, g, symbolic: (_scatter(g, node._arg, node.parents[0].data.shape),))


def _concat_vjp(node: Node, g: Any, symbolic: bool) -> Sequence[Any]:
    axis, stacked = node._arg
    ndim = node.data.ndim
    axis %= ndim
    pieces, start = [], 0
    for p in node.parents:
        stop = start + (1 if stacked else p.data.shape[axis])
        # basic slicing, so that under create_graph the pieces are graph nodes (getitem)
        pieces.append(g[(slice(None),) * axis + (slice(start, stop),)].reshape(p.data.shape))
        start = stop
    return pieces


def _concat_forward(*xs_and_arg: Any) -> np.ndarray:
    *xs, (axis, stacked) = xs_and_arg
    return np.stack(xs, axis=axis) if stacked else np.concatenate(xs, axis=axis)


CONCAT: Final = Op("concatenate", "concat", _concat_forward, lambda xs, out, arg: [None] * len(xs),
                   ("the slice of d{out} that {x} filled",), has_arg=True, variadic=True, vjp=_concat_vjp)

def _where_forward(x: np.ndarray, y: np.ndarray, condition: np.ndarray) -> np.ndarray:
    return np.where(condition, x, y)


def _where(condition: np.ndarray, x: Any, y: Any) -> Any:
    """``where(condition, x, y)`` on arrays, or a graph node of it when ``x`` is one (under
    ``create_graph``, where ``where``'s own step is differentiated)."""
    if isinstance(x, Node):
        cls: Any = type(x)
        y = cls(np.zeros((), x.data.dtype), _fn=CONSTANT) if not isinstance(y, Node) else y
        return cls(_where_forward(x.data, y.data, condition), _fn=WHERE, _parents=(x, y), _arg=condition)
    return _where_forward(x, y, condition)


def _where_vjp(node: Node, g: Any, symbolic: bool) -> Sequence[Any]:
    a, b = node._a, node._b
    assert a is not None and b is not None
    condition = node._arg
    da = None if a._fn is CONSTANT else unbroadcast(_where(condition, g, 0), a.data.shape)
    db = None if b._fn is CONSTANT else unbroadcast(_where(~condition, g, 0), b.data.shape)
    return (da, db)


WHERE: Final = Op("where", "where", _where_forward,
                  lambda a, b, out, condition: (1.0 * condition, 1.0 * ~condition),
                  ("1 where the condition holds, else 0", "0 where the condition holds, else 1"),
                  has_arg=True, template="where(condition, {a}, {b})", vjp=_where_vjp)
"""``x`` where the condition (a boolean array, the node's ``arg``) holds, else ``y``: each gradient
goes to the operand that was picked, and is summed back to its shape (all three broadcast)."""


def _broadcast_forward(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    full = np.empty(shape, dtype=x.dtype)
    full[...] = x  # an array of its own (np.broadcast_to gives a read-only view), in one C call
    return full


def _unary(fn: Op, g: Any, arg: Any) -> Any:
    """``fn`` applied to ``g``: an array, or under ``create_graph`` a graph node."""
    if isinstance(g, Node):
        cls: Any = type(g)
        return cls(fn.forward(g.data, arg), _fn=fn, _parents=(g,), _arg=arg)
    return fn.forward(g, arg)


def _broadcast_to_vjp(node: Node, g: Any, symbolic: bool) -> Sequence[Any]:
    return (_unary(SUM_TO, g, node.parents[0].data.shape),)


def _sum_to_vjp(node: Node, g: Any, symbolic: bool) -> Sequence[Any]:
    return (_unary(BROADCAST_TO, g, node.parents[0].data.shape),)


BROADCAST_TO: Final = Op("broadcast_to", "broadcast_to", _broadcast_forward, lambda a, out, arg: (None,),
                         ("sum d{out} back to the shape of {a}",), has_arg=True, template="broadcast_to({a}, {p})",
                         vjp=_broadcast_to_vjp)
SUM_TO: Final = Op("sum_to", "sum_to", lambda x, shape: unbroadcast(x, shape), lambda a, out, arg: (None,),
                   ("1 (d{out} spread back over the summed axes)",), has_arg=True, template="sum_to({a}, {p})",
                   vjp=_sum_to_vjp)
"""DeZero's ``sum_to``: the sum over the axes that broadcasting would add to reach the input's shape
from ``arg``, so that the result has shape ``arg``. It and ``broadcast_to`` are each other's
chain-rule step."""

TENSOR_OPS: tuple[Op, ...] = (ADD, SUB, MUL, DIV, NEG, POW, POW_TENSOR, EXP, LOG, SQRT, SIN, COS, TANH, SIGMOID,
                              RELU, LEAKY_RELU, ELU, ABS, MAXIMUM, MINIMUM, CLIP, MATMUL, SUM, MEAN, MAX, MIN, VAR,
                              RESHAPE, TRANSPOSE, GETITEM, SCATTER, CONCAT, WHERE, BROADCAST_TO, SUM_TO)
