"""Losses and penalties (notes 001 and 002), for ``Value`` s and ``Tensor`` s alike.

Every loss is the mean over examples of a per-example loss ``L(y_hat, y)``, as in note 001's
``J = (1/m) sum_i L(y_hat_i, y_i)``. Predictions come in one of two forms:

- a ``Tensor`` of shape ``(m,)``, ``(m, 1)`` or ``(m, C)``; targets as a numpy array;
- ``Value`` s: one ``Value`` per example (binary, regression) or one list of ``Value`` s per
  example (``C`` classes), in a list; targets as numbers (or lists of numbers).

Class targets are integer labels ``0..C-1`` or one-hot rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from autograd import functional
from autograd.engine import Node
from autograd.value import Value, sum_
from nn.module import Module

__all__ = [
    "mse", "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy",
    "cross_entropy_with_logits", "hinge", "multiclass_hinge", "l2_penalty", "l1_penalty",
    "one_hot", "weights",
]


def _is_tensor(x: Any) -> bool:
    return isinstance(x, Node) and isinstance(x.data, np.ndarray)


def _target_array(target: Any) -> np.ndarray:
    if isinstance(target, Node):
        target = target.data
    return np.asarray([_number(t) for t in target] if isinstance(target, list) else target, dtype=float)


def _number(t: Any) -> Any:
    if isinstance(t, Node):
        return t.data
    if isinstance(t, (list, tuple)):
        return [_number(v) for v in t]
    return t


def _match(pred: Any, target: Any, loss: str) -> np.ndarray:
    """Targets shaped like a Tensor prediction: (m,) against (m, 1) would broadcast to (m, m)."""
    t = _target_array(target)
    shape = pred.data.shape
    if t.shape != shape:
        if t.size != int(np.prod(shape)):
            raise ValueError(f"{loss}: predictions of shape {shape} but targets of shape {t.shape}")
        t = t.reshape(shape)
    return t.astype(pred.data.dtype, copy=False)


def _pairs(pred: Any, target: Any, loss: str) -> tuple[list[Value], list[float]]:
    """Scalar predictions and targets flattened into two equally long lists."""
    preds = _flatten_values(pred)
    targets = [float(t) for t in np.ravel(_target_array(target))]
    if len(preds) != len(targets):
        raise ValueError(f"{loss}: {len(preds)} predictions but {len(targets)} targets")
    return preds, targets


def _flatten_values(pred: Any) -> list[Value]:
    if isinstance(pred, Value):
        return [pred]
    if isinstance(pred, (list, tuple)):
        out: list[Value] = []
        for p in pred:
            out.extend(_flatten_values(p))
        return out
    raise TypeError(f"expected a Tensor, a Value or a list of Values, got {type(pred).__name__}")


def _check_unit_interval(x: Any, argument: str, accepted: str, loss: str) -> None:
    """Refuse entries outside [0, 1]: as probabilities or targets they give a finite but
    meaningless loss (a prediction of 1.5 with target 1 costs log(1/1.5) < 0), not an error."""
    a = np.asarray(x, dtype=float)
    outside = np.flatnonzero((a < 0.0) | (a > 1.0))
    if outside.size:
        k = int(outside[0])
        raise ValueError(f"{loss}: {argument} must lie in [0, 1] ({accepted}), got {a.flat[k]:g} "
                         f"at entry {k}" + (f" and {outside.size - 1} more" if outside.size > 1 else ""))


_SIGMOID_OUTPUTS = "probabilities, as sigmoid gives; for raw scores use binary_cross_entropy_with_logits"
_SOFTMAX_OUTPUTS = "probabilities, as softmax gives; for raw scores use cross_entropy_with_logits"
_SOFT_LABELS = "labels 0 and 1, or soft labels between"


def _mean(terms: list[Value], n: int) -> Value:
    return sum_(terms) * (1.0 / n)


def mse(pred: Any, target: Any) -> Any:
    """Mean squared error with the notes' 1/2: ``mean(1/2 (y_hat - y)^2)`` over all entries."""
    if _is_tensor(pred):
        return ((pred - _match(pred, target, "mse")) ** 2).mean() * 0.5
    preds, targets = _pairs(pred, target, "mse")
    return _mean([(p - t) ** 2 for p, t in zip(preds, targets)], len(preds)) * 0.5


def binary_cross_entropy(pred: Any, target: Any) -> Any:
    """``mean(-y log(y_hat) - (1 - y) log(1 - y_hat))`` for probabilities ``y_hat`` (sigmoid outputs).

    A probability of exactly 0 or 1 on the wrong side is an infinite loss (``Value`` raises a
    ``DomainError``); :func:`binary_cross_entropy_with_logits` avoids that. Predictions or
    targets outside [0, 1] are a ``ValueError`` (they would give a meaningless, even negative, loss).
    """
    if _is_tensor(pred):
        t = _match(pred, target, "binary_cross_entropy")
        _check_unit_interval(pred.data, "pred", _SIGMOID_OUTPUTS, "binary_cross_entropy")
        _check_unit_interval(t, "target", _SOFT_LABELS, "binary_cross_entropy")
        return -(pred.log() * t + (1.0 - pred).log() * (1.0 - t)).mean()
    preds, targets = _pairs(pred, target, "binary_cross_entropy")
    _check_unit_interval([p.data for p in preds], "pred", _SIGMOID_OUTPUTS, "binary_cross_entropy")
    _check_unit_interval(targets, "target", _SOFT_LABELS, "binary_cross_entropy")
    terms = []
    for p, yk in zip(preds, targets):
        # Skip a term whose coefficient is 0, so a confident right answer costs log(1) = 0.
        if yk != 0.0:
            terms.append(-yk * p.log())
        if yk != 1.0:
            terms.append(-(1.0 - yk) * (1.0 - p).log())
    return sum_(terms) * (1.0 / len(preds))


def binary_cross_entropy_with_logits(logits: Any, target: Any) -> Any:
    """Binary cross-entropy of ``sigmoid(z)``, computed stably from the scores ``z``.

    ``L = max(z, 0) - z y + log(1 + e^-|z|)``, which is the same function without ever
    forming ``log(0)`` or overflowing ``exp``.
    """
    if _is_tensor(logits):
        t = _match(logits, target, "binary_cross_entropy_with_logits")
        _check_unit_interval(t, "target", _SOFT_LABELS, "binary_cross_entropy_with_logits")
        return (logits.relu() - logits * t + ((-logits.abs()).exp() + 1.0).log()).mean()
    zs, targets = _pairs(logits, target, "binary_cross_entropy_with_logits")
    _check_unit_interval(targets, "target", _SOFT_LABELS, "binary_cross_entropy_with_logits")
    return _mean([z.relu() - z * t + ((-z.abs()).exp() + 1.0).log() for z, t in zip(zs, targets)], len(zs))


def one_hot(labels: Any, classes: int) -> np.ndarray:
    """Integer labels ``(m,)`` as one-hot rows ``(m, classes)``."""
    y = np.asarray(labels)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer) and not np.all(np.mod(y, 1) == 0):
        raise ValueError(f"one_hot takes a 1-D array of integer labels, got shape {y.shape}, dtype {y.dtype}")
    y = y.astype(int)
    if y.size and (y.min() < 0 or y.max() >= classes):
        raise ValueError(f"labels must lie in 0..{classes - 1}, got {y.min()}..{y.max()}")
    out = np.zeros((len(y), classes))
    out[np.arange(len(y)), y] = 1.0
    return out


def _class_targets(target: Any, m: int, classes: int, loss: str) -> np.ndarray:
    """One-hot ``(m, classes)`` rows from integer labels or from one-hot rows."""
    t = _target_array(target)
    if t.shape == (m, classes):
        return t
    if t.shape == (m,):
        return one_hot(t, classes)
    raise ValueError(f"{loss}: {m} examples of {classes} classes, but targets of shape {t.shape}")


def _rows(pred: Any, loss: str) -> list[list[Value]]:
    nested = isinstance(pred, (list, tuple)) and pred and isinstance(pred[0], (list, tuple))
    rows = [list(r) for r in pred] if nested else []
    if not rows or any(len(r) != len(rows[0]) for r in rows):
        raise ValueError(f"{loss} takes one list of class scores per example (equal lengths)")
    return rows


def cross_entropy(probs: Any, target: Any) -> Any:
    """Categorical cross-entropy from probabilities: ``mean(-sum_c y_c log(y_hat_c))``.

    Probabilities outside [0, 1] are a ``ValueError``: for scores use :func:`cross_entropy_with_logits`.
    """
    if _is_tensor(probs):
        if probs.data.ndim != 2:
            raise ValueError(f"cross_entropy takes probabilities of shape (m, C), got {probs.data.shape}")
        m, c = probs.data.shape
        t = _class_targets(target, m, c, "cross_entropy").astype(probs.data.dtype)
        _check_unit_interval(probs.data, "probs", _SOFTMAX_OUTPUTS, "cross_entropy")
        return -(probs.log() * t).sum() * (1.0 / m)
    rows = _rows(probs, "cross_entropy")
    t = _class_targets(target, len(rows), len(rows[0]), "cross_entropy")
    _check_unit_interval([[p.data for p in row] for row in rows], "probs", _SOFTMAX_OUTPUTS, "cross_entropy")
    terms = [-tc * p.log() for row, trow in zip(rows, t) for p, tc in zip(row, trow) if tc != 0.0]
    return sum_(terms) * (1.0 / len(rows))


def cross_entropy_with_logits(logits: Any, target: Any) -> Any:
    """Categorical cross-entropy of ``softmax(z)``, stable: ``logsumexp(z) - sum_c y_c z_c``.

    For a ``Tensor`` with integer labels this is ``autograd.functional.cross_entropy``, one
    fused node whose gradient is ``(softmax(z) - onehot) / m``.
    """
    if _is_tensor(logits):
        if logits.data.ndim != 2:
            raise ValueError(f"cross_entropy_with_logits takes scores of shape (m, C), got {logits.data.shape}")
        m, c = logits.data.shape
        t = _class_targets(target, m, c, "cross_entropy_with_logits")
        labels = t.argmax(axis=1)
        if not np.array_equal(t, one_hot(labels, c)):
            raise ValueError("cross_entropy_with_logits on Tensors takes integer labels or one-hot rows")
        return functional.cross_entropy(logits, labels)
    rows = _rows(logits, "cross_entropy_with_logits")
    t = _class_targets(target, len(rows), len(rows[0]), "cross_entropy_with_logits")
    terms = [-tc * logp for row, trow in zip(rows, t)
             for logp, tc in zip(functional.log_softmax(row), trow) if tc != 0.0]
    return sum_(terms) * (1.0 / len(rows))


def _signs(target: Any) -> np.ndarray:
    t = np.ravel(_target_array(target))
    values = set(np.unique(t).tolist())
    if not values <= {-1.0, 1.0} and not values <= {0.0, 1.0}:
        raise ValueError(f"hinge takes labels -1/+1 (or 0/1), got {sorted(values)}")
    return np.where(t > 0, 1.0, -1.0)


def hinge(scores: Any, target: Any, margin: float = 1.0) -> Any:
    """Max-margin loss ``mean(max(0, margin - y s))`` for scores ``s`` and labels ``y = +-1``.

    Labels 0/1 are read as -1/+1. This is micrograd's two-moons loss (an SVM's).
    """
    y = _signs(target)
    if _is_tensor(scores):
        return (margin - scores * _match(scores, y, "hinge")).relu().mean()
    preds, ys = _pairs(scores, y, "hinge")
    return _mean([(margin - s * yi).relu() for s, yi in zip(preds, ys)], len(preds))


def multiclass_hinge(scores: Any, target: Any, margin: float = 1.0) -> Any:
    """Multi-class max-margin loss ``mean(sum_{j != y} max(0, s_j - s_y + margin))``."""
    if _is_tensor(scores):
        m, c = scores.data.shape
        t = _class_targets(target, m, c, "multiclass_hinge").astype(scores.data.dtype)
        correct = (scores * t).sum(axis=1, keepdims=True)
        return ((scores - correct + margin).relu() * (1.0 - t)).sum() * (1.0 / m)
    rows = _rows(scores, "multiclass_hinge")
    t = _class_targets(target, len(rows), len(rows[0]), "multiclass_hinge")
    terms = []
    for row, trow in zip(rows, t):
        k = int(np.argmax(trow))
        terms += [(row[j] - row[k] + margin).relu() for j in range(len(row)) if j != k]
    return sum_(terms) * (1.0 / len(rows))


def weights(source: Module | Iterable[Node]) -> list[Any]:
    """The weights to regularize: a module's parameters named ``w``/``W`` (not biases, not batch
    norm's ``gamma``/``beta``), or the given parameters as they are."""
    if isinstance(source, Module):
        return [p for name, p in source.named_parameters() if _last_name(name) in ("w", "W")]
    return list(source)


def _last_name(name: str) -> str:
    parts = [p for p in name.split(".") if not p.isdigit()]
    return parts[-1] if parts else ""


def _total(terms: Sequence[Any]) -> Any:
    if not terms:
        raise ValueError("no weights to regularize")
    if all(isinstance(t, Value) for t in terms):
        return sum_(terms)
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total


def l2_penalty(source: Module | Iterable[Node], lam: float, m: int = 1) -> Any:
    """The notes' weight decay term ``lambda/(2m) sum_l ||W_l||_F^2`` (gradient ``(lambda/m) W``).

    ``source`` is a module (its weights, see :func:`weights`) or a list of parameters.
    """
    terms = [(p * p).sum() if _is_tensor(p) else p * p for p in weights(source)]
    return _total(terms) * (lam / (2.0 * m))


def l1_penalty(source: Module | Iterable[Node], lam: float, m: int = 1) -> Any:
    """The notes' L1 term ``lambda/(2m) sum_l |W_l|`` (gradient ``lambda/(2m) sign(W)``)."""
    terms = [p.abs().sum() if _is_tensor(p) else p.abs() for p in weights(source)]
    return _total(terms) * (lam / (2.0 * m))
