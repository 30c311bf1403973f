"""Softmax, log-softmax and cross-entropy, for ``Tensor``s and for lists of ``Value``s.

On tensors each is one node with its own chain-rule step (stable: the max is subtracted
before exponentiating). On a list of scalar ``Value``s softmax and log-softmax are built from
the scalar primitives, so every exp and division shows in the graph; the max they subtract is
a constant, which leaves the result (and its gradient) unchanged.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, Final

import numpy as np

from autograd.engine import Node, is_grad_enabled
from autograd.op import Op
from autograd.tensor import Axis, Tensor, _axis, _make
from autograd.tensor_ops import _ndarray, ones
from autograd.value import Value, sum_


def _softmax_array(x: np.ndarray, axis: Any) -> np.ndarray:
    if not x.size:  # nothing to normalise (and numpy's max of nothing is an error)
        return np.empty_like(x)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _log_softmax_array(x: np.ndarray, axis: Any) -> np.ndarray:
    if not x.size:
        return np.empty_like(x)
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _softmax_vjp(node: Node, g: Any, symbolic: bool) -> Sequence[Any]:
    s = node if symbolic else node.data
    return (s * (g - (g * s).sum(axis=node._arg, keepdims=True)),)


def _log_softmax_vjp(node: Node, g: Any, symbolic: bool) -> Sequence[Any]:
    p = node.exp() if isinstance(node, Tensor) and symbolic else np.exp(node.data)
    return (g - p * g.sum(axis=node._arg, keepdims=True),)


SOFTMAX: Final = Op("softmax", "softmax", _softmax_array, lambda a, out, axis: (None,),
                    ("{out} * (d{out} - sum(d{out} * {out}))",), has_arg=True, vjp=_softmax_vjp)
LOG_SOFTMAX: Final = Op("log_softmax", "log_softmax", _log_softmax_array, lambda a, out, axis: (None,),
                        ("d{out} - softmax({a}) * sum(d{out})",), has_arg=True, vjp=_log_softmax_vjp)


Batch = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


@functools.lru_cache(maxsize=8)
def _batch(m: int, classes: int, dtype: np.dtype[Any]) -> Batch:
    """The arrays cross-entropy needs for a batch of (m, classes) logits: the row numbers as a
    row (1, m), the flat position of each row's start as a column (m, 1), a column of ones
    (classes, 1) and a column of 1/m (m, 1). Read-only, made once per batch shape, which
    repeats every training step (one cache lookup for all four)."""
    rows: np.ndarray = np.arange(m).reshape(1, m)
    starts = (rows * classes).reshape(m, 1)
    means = np.full((m, 1), 1.0 / m, dtype)
    for array in (rows, starts, means):
        array.flags.writeable = False
    return rows, starts, ones((classes, 1), dtype), means


def _label_positions(labels: np.ndarray, shape: tuple[int, ...], dtype: np.dtype[Any]) -> tuple[np.ndarray, Batch]:
    """The flat index of each row's label in logits of ``shape`` (m, classes), as a row
    (1, m), checked, and the batch's :func:`_batch`.

    One C call checks that every label is in ``0..classes-1`` and flattens (row, label): the
    forward then reads the labels' logits and subtracts the one-hot through a flat view, both
    much cheaper than 2-D fancy indexing and ``labels.min()``/``max()``.
    """
    if len(labels) != shape[0]:
        raise ValueError(f"cross_entropy: {len(labels)} labels for logits of shape {shape}: one label per row expected")
    if not len(labels):
        raise ValueError(f"cross_entropy: an empty batch (logits of shape {shape}) has no mean loss")
    batch = _batch(shape[0], shape[1], dtype)
    try:
        return np.ravel_multi_index((batch[0], labels), shape), batch
    except ValueError:  # a label outside 0..classes-1
        raise ValueError(f"cross_entropy: labels in 0..{shape[1] - 1} expected for logits of shape {shape}, "
                         f"got labels {labels.min()}..{labels.max()}") from None


def _softmax_nll(logits: np.ndarray, picked: np.ndarray, batch: Batch, residual: bool) -> tuple[np.ndarray, np.ndarray]:
    """The mean negative log-likelihood of the labels at flat positions ``picked``, computed
    stably, and ``softmax - onehot``: the gradient of the summed loss, made here once so that
    the chain-rule step is one multiplication (with ``residual=False``, when no gradient will
    be taken, the second array is left unfinished). ``batch``: :func:`_batch` of the logits.

    Written in as few numpy calls as it takes, with BLAS and in place, and without numpy's
    reductions along rows, which go row by row (slow for rows as short as 10 classes): on a
    batch of 32 x 10 each numpy call costs more than its arithmetic.
    """
    _, starts, ones_column, means = batch
    # Stable: each row is shifted by its own max, so no exponential overflows, the largest of
    # each row is exactly 1, and a confident row's loss (log of 1 + tiny) keeps its digits. The
    # max is read at each row's argmax: numpy's argmax along rows as short as 10 classes is
    # several times faster than its max reduction along them (5 against 21 µs on 256 x 10).
    top = logits.take(logits.argmax(axis=1, keepdims=True) + starts)
    # In C order whatever the logits' layout (a transposed Z of shape (classes, m), say): flat
    # positions are C-order positions, and the flat view is a view (of probs too, below)
    shifted = np.subtract(logits, top, order="C")
    flat = shifted.reshape(-1)
    target = flat[picked]
    probs = np.exp(shifted, out=shifted)  # shifted is not needed any more: reuse its memory
    total = probs @ ones_column  # each row's sum, as a BLAS product: (m, 1)
    # The mean of log(total) - target, each term >= 0 (total >= 1, target <= 0): the column of
    # totals seen as a row, as the targets are (picked is a row), so that the difference is
    # one row of m terms with no broadcasting (which costs numpy more than the arithmetic
    # here), and its product with the column of 1/m is their mean (1, 1), seen as the 0-d loss
    loss = ((np.log(total.T) - target) @ means).reshape(())
    if residual:
        probs /= total
        flat[picked] -= 1.0  # probs becomes softmax - onehot
    return loss, probs


def _cross_entropy_forward(logits: np.ndarray, arg: tuple[np.ndarray, np.ndarray, np.ndarray]) -> np.ndarray:
    m, classes = logits.shape
    return _softmax_nll(logits, arg[2], _batch(m, classes, logits.dtype), residual=False)[0]


def _cross_entropy_vjp(node: Node, g: Any, symbolic: bool) -> Sequence[Any]:
    (logits,) = node.parents
    _, residual, picked = node._arg  # softmax - onehot, from the forward pass
    m = logits.data.shape[0]
    if symbolic:
        onehot = np.zeros(logits.data.shape, logits.data.dtype)  # C order, as the flat positions are
        onehot.reshape(-1)[picked] = 1.0
        return ((softmax(logits, -1) - onehot) * (g / m),)
    # A Python float, not g / m (a 0-d array): numpy's scalar path costs microseconds. The
    # product is the same: float32 data times a Python float stays float32, and rounding the
    # float64 quotient to float32 gives the float32 quotient.
    return (residual * (float(g) / m),)


CROSS_ENTROPY: Final = Op("cross_entropy", "cross_entropy", _cross_entropy_forward, lambda a, out, arg: (None,),
                          ("(softmax({a}) - onehot) / m",), has_arg=True, vjp=_cross_entropy_vjp)
"""Softmax and negative log-likelihood fused: one node whose gradient is (softmax - onehot) / m."""


def softmax(x: Any, axis: Axis = -1) -> Any:
    """``exp(x) / sum(exp(x))`` along ``axis`` (a Tensor), or over a list of Values (a list)."""
    if isinstance(x, Tensor):
        axis = _axis("softmax", axis)
        return _make(SOFTMAX, _softmax_array(x.data, axis), (x,), axis)
    values = _values(x)
    top = max(v.data for v in values)
    exps = [(v - top).exp() for v in values]
    total = sum_(exps)
    return [e / total for e in exps]


def log_softmax(x: Any, axis: Axis = -1) -> Any:
    """``x - log(sum(exp(x)))`` along ``axis`` (a Tensor), or over a list of Values (a list)."""
    if isinstance(x, Tensor):
        axis = _axis("log_softmax", axis)
        return _make(LOG_SOFTMAX, _log_softmax_array(x.data, axis), (x,), axis)
    values = _values(x)
    top = max(v.data for v in values)
    log_total = sum_([(v - top).exp() for v in values]).log()
    return [(v - top) - log_total for v in values]


def cross_entropy(logits: Any, labels: Any) -> Any:
    """Mean negative log-likelihood of integer ``labels`` under ``softmax(logits)``.

    ``logits``: a Tensor of shape (m, classes) with ``labels`` m integers; or a list of Values
    (one example) with one integer label; or a list of such lists with a list of labels.
    """
    if isinstance(logits, Tensor):
        if type(labels) is not _ndarray:  # (a batch's labels usually are one: no call)
            labels = np.asarray(labels)
        x = logits.data
        if labels.ndim != 1 or labels.dtype.kind not in "iu" or x.ndim != 2:
            raise ValueError(f"cross_entropy: logits of shape (m, classes) and m integer labels, "
                             f"got {logits.shape} and labels of shape {labels.shape}, dtype {labels.dtype}")
        picked, batch = _label_positions(labels, x.shape, x.dtype)
        loss, residual = _softmax_nll(x, picked, batch, residual=is_grad_enabled())
        return _make(CROSS_ENTROPY, loss, (logits,), (labels, residual, picked))
    rows = list(logits)
    if rows and isinstance(rows[0], (Value, int, float)):
        label = int(labels)
        if not 0 <= label < len(rows):
            raise ValueError(f"cross_entropy: label {label} for {len(rows)} classes")
        return -log_softmax(rows)[label]
    losses = [cross_entropy(row, label) for row, label in zip(rows, labels, strict=True)]
    return sum_(losses) / len(losses)


def _values(x: Any) -> list[Value]:
    values = [v if isinstance(v, Value) else Value(v) for v in x]
    if not values:
        raise ValueError("softmax of an empty list")
    return values
