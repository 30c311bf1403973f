"""Softmax, log-softmax and cross-entropy, for ``Tensor``s and for lists of ``Value``s.

On tensors each is one node with its own chain-rule step (stable: the max is subtracted
before exponentiating). On a list of scalar ``Value``s softmax and log-softmax are built from
the scalar primitives, so every exp and division shows in the graph; the max they subtract is
a constant, which leaves the result (and its gradient) unchanged.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Sequence
from typing import Any, Final, SupportsFloat, SupportsIndex

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


def _soft_nll_forward(logits: np.ndarray, arg: tuple[Any, ...]) -> np.ndarray:
    return _soft_nll(logits, arg[0], arg[1], arg[2], residual=False)[0]


def _soft_nll(logits: np.ndarray, q: np.ndarray, count: int, reduction: str,
              residual: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """Cross-entropy against target distributions ``q`` (one row per row of the (m, classes)
    ``logits``): each row's ``-sum(q * log_softmax(logits))``, reduced as ``reduction`` says
    (``"mean"``: the sum over ``count``, the rows that count), and, with ``residual``, the
    gradient of each row's loss, ``softmax * sum(q) - q`` (``sum(q)`` is 1 for a distribution,
    0 for an ignored row). Stable as the fused path is: log_softmax shifts each row by its max.
    """
    logp = _log_softmax_array(logits, 1)
    rows = -np.einsum("ij,ij->i", q, logp)  # (each row's dot product, without an (m, classes) temporary)
    if reduction == "none":
        loss = rows
    else:
        total = rows.sum()
        # the mean of no row (every label ignored) is NaN, as PyTorch's
        loss = total if reduction == "sum" else (total / count if count else np.full((), np.nan, logits.dtype))
    if not residual:
        return np.asarray(loss), None
    probs = np.exp(logp, out=logp)  # (logp is not needed any more: its memory is reused)
    probs *= q.sum(axis=1, keepdims=True)
    probs -= q
    return np.asarray(loss), probs


def _soft_nll_vjp(node: Node, g: Any, symbolic: bool) -> Sequence[Any]:
    (logits,) = node.parents
    q, count, reduction, residual = node._arg
    if symbolic:
        residual = softmax(logits, -1) * q.sum(axis=1, keepdims=True) - q
    if reduction == "none":  # one loss per row: each row's gradient is scaled by its own
        return (residual * g.reshape((-1, 1)),)
    scale = g if reduction == "sum" else g / max(count, 1)  # (no row counts: every row's gradient is 0)
    # (a Python float for arrays: a 0-d float64 array would make float32 data float64)
    return (residual * (scale if symbolic else float(scale)),)


SOFT_NLL: Final = Op("cross_entropy", "cross_entropy", _soft_nll_forward, lambda a, out, arg: (None,),
                     ("(softmax({a}) * sum(q) - q) / m",), has_arg=True, vjp=_soft_nll_vjp)
"""Cross-entropy of logits against target distributions ``q`` (``arg = (q, count, reduction,
residual)``): probability targets, label smoothing and ignored labels, which the fused
:data:`CROSS_ENTROPY` of integer labels does not take. One node, whose gradient is
``(softmax * sum(q) - q)`` times the upstream gradient (over ``count`` for the mean)."""


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


def cross_entropy(logits: Any, labels: Any, *, reduction: str = "mean", ignore_index: SupportsIndex = -100,
                  label_smoothing: SupportsFloat = 0.0) -> Any:
    """Negative log-likelihood of ``labels`` under ``softmax(logits)``, as PyTorch's ``cross_entropy``.

    ``logits``: a Tensor of shape (m, classes), or (classes,) for one example, or (m, classes,
    d1, ...) with the classes on axis 1; or a list of Values (one example) with one integer
    label; or a list of such lists with a list of labels.

    For Tensors, ``labels`` are integers (one per example, of the logits' shape without the class
    axis), or class probabilities of the logits' shape. ``reduction``: ``"mean"`` over the
    examples (those not ignored), ``"sum"``, or ``"none"`` (one loss per example).
    ``ignore_index``: examples with this label count for nothing. ``label_smoothing`` ε: the
    target is ``(1 - ε) * target + ε / classes``. The default (integer labels of an (m, classes)
    batch, the mean) is one fused node, the fastest; every call is stable (each row is shifted by
    its max).
    """
    if isinstance(logits, Tensor):
        if type(labels) is not _ndarray:  # (a batch's labels usually are one: no call)
            labels = np.asarray(labels)
        x = logits.data
        if (reduction == "mean" and not label_smoothing and labels.ndim == 1 and labels.dtype.kind in "iu"
                and x.ndim == 2):
            fused = _fused_cross_entropy(logits, labels, ignore_index)
            if fused is not None:
                return fused
        return _cross_entropy_of_targets(logits, labels, reduction, operator.index(ignore_index),
                                         float(label_smoothing))
    if reduction != "mean" or operator.index(ignore_index) != -100 or label_smoothing:
        raise ValueError("cross_entropy: reduction=, ignore_index= and label_smoothing= are for Tensor logits; "
                         "for Values, take the losses of single examples and combine them")
    rows = list(logits)
    if rows and isinstance(rows[0], (Value, int, float)):
        label = int(labels)
        if not 0 <= label < len(rows):
            raise ValueError(f"cross_entropy: label {label} for {len(rows)} classes")
        return -log_softmax(rows)[label]
    losses = [cross_entropy(row, label) for row, label in zip(rows, labels, strict=True)]
    return sum_(losses) / len(losses)


def _fused_cross_entropy(logits: Tensor, labels: np.ndarray, ignore_index: SupportsIndex) -> Tensor | None:
    """The mean over integer labels as one fused node (:data:`CROSS_ENTROPY`), or None when a
    label is ``ignore_index``, which that node does not take."""
    x = logits.data
    ignored = operator.index(ignore_index)
    if 0 <= ignored < x.shape[1] and (labels == ignored).any():  # (an ignored label that is a class)
        return None
    try:
        picked, batch = _label_positions(labels, x.shape, x.dtype)
    except ValueError:
        if ignored < 0 and len(labels) == x.shape[0] and (labels == ignored).any():
            return None  # (-100, PyTorch's default: no class, so only out-of-range labels cost a check)
        raise
    loss, residual = _softmax_nll(x, picked, batch, residual=is_grad_enabled())
    return _make(CROSS_ENTROPY, loss, (logits,), (labels, residual, picked))


_REDUCTIONS: Final = ("mean", "sum", "none")


def _cross_entropy_of_targets(logits: Tensor, labels: np.ndarray, reduction: str, ignore_index: int,
                              smoothing: float) -> Tensor:
    """Cross-entropy as :data:`SOFT_NLL`, one node against the target distributions: what the
    fused node does not take (probabilities, smoothing, ignored labels, other reductions and
    shapes). The class axis (1, or 0 for one example) is moved last and the rest flattened, so
    the node sees (m, classes) logits; ``"none"`` gives the losses back in the examples' shape."""
    if reduction not in _REDUCTIONS:
        raise ValueError(f"cross_entropy: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    if not 0.0 <= smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {smoothing:g}")
    x = logits.data
    shape = x.shape
    examples = shape[:1] + shape[2:] if x.ndim > 1 else ()  # the shape without the class axis
    probabilities = labels.dtype.kind == "f" and labels.shape == shape
    if x.ndim == 0 or not (probabilities or (labels.dtype.kind in "iu" and labels.shape == examples)):
        raise ValueError(f"cross_entropy: logits of shape (m, classes) and m integer labels (or class "
                         f"probabilities of the logits' shape), got {logits.shape} and labels of shape "
                         f"{labels.shape}, dtype {labels.dtype}")
    classes = shape[1] if x.ndim > 1 else shape[0]
    # the class axis last, then one row per example (numpy's moveaxis as a transpose, for labels too)
    order = (0, *range(2, x.ndim), 1) if x.ndim > 2 else None
    rows = logits.transpose(order) if order else logits
    rows = rows.reshape(-1, classes) if x.ndim != 2 else rows
    if probabilities:  # (a copy, of the logits' dtype, smoothed: the node keeps it)
        q = (labels.transpose(order) if order else labels).reshape(-1, classes).astype(x.dtype)
        q *= 1.0 - smoothing
        q += smoothing / classes
        count = len(q)
    else:
        flat = labels.reshape(-1)
        kept = flat != ignore_index
        wanted = flat[kept]
        if wanted.size and (wanted.min() < 0 or wanted.max() >= classes):
            raise ValueError(f"cross_entropy: labels in 0..{classes - 1} expected for logits of shape {shape}, "
                             f"got labels {wanted.min()}..{wanted.max()}")
        q = np.zeros((len(flat), classes), x.dtype)  # an ignored example's row stays 0: no loss, no gradient
        q[kept] = smoothing / classes
        q[np.flatnonzero(kept), wanted] += 1.0 - smoothing
        count = int(np.count_nonzero(kept))
    if reduction == "mean" and not len(q):
        raise ValueError(f"cross_entropy: an empty batch (logits of shape {shape}) has no mean loss")
    loss, residual = _soft_nll(rows.data, q, count, reduction, residual=is_grad_enabled())
    out = _make(SOFT_NLL, loss, (rows,), (q, count, reduction, residual))
    return out.reshape(examples) if reduction == "none" and examples != out.shape else out


def _values(x: Any) -> list[Value]:
    values = [v if isinstance(v, Value) else Value(v) for v in x]
    if not values:
        raise ValueError("softmax of an empty list")
    return values
