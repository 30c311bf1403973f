"""A small training loop: epochs of mini-batches, a progress bar, and a history to plot.

Each step is the notes' recipe, nothing hidden::

    optimizer.zero_grad()
    loss = loss_fn(model(X_batch), y_batch)
    loss.backward()
    optimizer.step()

(:func:`fit` calls ``loss.backward(keep_intermediate=False)``: the parameters get their
gradients, the intermediate nodes keep none, which a training loop has no use for.)
Scalar (``Value``) models receive the batch as a 2-D numpy array and return one output per
row; ``Tensor`` models receive it as an array too (``Linear`` wraps it). The progress bar needs
``tqdm`` (an optional extra); without it training runs silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd.engine import Node, no_grad
from nn.data import DataLoader
from nn.module import Module
from nn.optim import Optimizer

__all__ = ["fit", "evaluate", "History", "accuracy", "outputs_array"]


def outputs_array(output: Any) -> np.ndarray:
    """A model's output as a plain numpy array (from a ``Tensor``, a ``Value`` or lists of them)."""
    if isinstance(output, Node):
        return np.asarray(output.data, dtype=float)
    if isinstance(output, (list, tuple)):
        return np.array([outputs_array(o) for o in output], dtype=float)
    return np.asarray(output, dtype=float)


def accuracy(output: Any, target: Any, threshold: float | None = None) -> float:
    """The fraction of examples classified right.

    - ``(m, C)`` outputs with ``C > 1``: the predicted class is the argmax; targets are labels
      or one-hot rows.
    - one output per example: targets -1/+1 are compared with the sign of the output (scores,
      as with the hinge loss); targets 0/1 with ``output > threshold`` (default 0.5, for
      sigmoid probabilities; pass 0 for raw scores).
    """
    out = outputs_array(output)
    t = np.asarray(target)
    if out.ndim == 2 and out.shape[1] > 1:
        predicted = out.argmax(axis=1)
        labels = t.argmax(axis=1) if t.ndim == 2 else t.ravel()
        return float(np.mean(predicted == labels))
    out = out.ravel()
    t = t.ravel()
    if len(out) != len(t):
        raise ValueError(f"accuracy: {len(out)} outputs but {len(t)} targets")
    if np.any(t < 0):
        return float(np.mean(np.where(out > 0, 1, -1) == t))
    cut = 0.5 if threshold is None else threshold
    return float(np.mean((out > cut).astype(int) == t))


@dataclass
class History:
    """Per-epoch averages recorded by :func:`fit`: lists you can plot against ``epoch``.

    ``lr`` is the optimizer's learning rate at the start of each epoch (the rate its first step
    used). It is not among :meth:`as_dict`'s series, which :meth:`plot` draws on one axis: a rate
    of 0.001 beside a loss of 2 would be a flat line; plot it on an axis of its own.
    """

    epoch: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[float]]:
        """The non-empty series by name (``loss``, ``accuracy``, ``val_loss``...)."""
        series = {"loss": self.loss, "accuracy": self.accuracy,
                  "val_loss": self.val_loss, "val_accuracy": self.val_accuracy}
        return {k: list(map(float, v)) for k, v in series.items() if v}

    def plot(self, ax: Any = None) -> Any:
        """Draw the series against the epoch on a matplotlib axis (made if not given); returns it."""
        if ax is None:
            import matplotlib.pyplot as plt  # optional: the examples extra

            _, ax = plt.subplots()
        for name, values in self.as_dict().items():
            ax.plot(self.epoch, values, label=name)
        ax.set_xlabel("epoch")
        ax.legend()
        return ax


def evaluate(
    model: Module,
    loss_fn: Callable[[Any, Any], Any],
    X: Any,
    y: Any,
    metric: Callable[[Any, Any], float] | None = accuracy,
) -> tuple[float, float | None]:
    """Loss and metric of ``model`` on ``(X, y)`` in eval mode, recording no graph."""
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            out = model(np.asarray(X))
            loss = float(outputs_array(loss_fn(out, np.asarray(y))))
            score = metric(out, np.asarray(y)) if metric is not None else None
    finally:
        model.train(was_training)
    return loss, score


def fit(
    model: Module,
    loss_fn: Callable[[Any, Any], Any],
    optimizer: Optimizer,
    loader: DataLoader,
    epochs: int = 1,
    *,
    metric: Callable[[Any, Any], float] | None = accuracy,
    validation: tuple[Any, Any] | None = None,
    progress: bool = True,
    callback: Callable[[int, History], None] | None = None,
) -> History:
    """Train ``model`` for ``epochs`` passes over ``loader``; return the :class:`History`.

    Args:
        loss_fn: ``loss_fn(outputs, targets)`` returning a scalar node (see :mod:`nn.losses`).
        metric: ``metric(outputs, targets)`` reported next to the loss (default :func:`accuracy`;
            ``None`` for regression).
        validation: ``(X_val, y_val)`` evaluated after every epoch, in eval mode.
        progress: show a tqdm bar with the running loss and metric (if tqdm is installed).
        callback: called as ``callback(epoch, history)`` after every epoch.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
    history = History()
    bar = _progress_bar(epochs * len(loader)) if progress else None
    try:
        for epoch in range(1, epochs + 1):
            model.train()
            total_loss = total_score = 0.0
            seen = 0
            rate = optimizer.lr  # read before the steps: a schedule changes it after each one
            for X, y in loader:
                optimizer.zero_grad()
                out = model(X)
                loss = loss_fn(out, y)
                # the parameters' gradients only: nobody reads an intermediate's .grad mid-training,
                # and freeing each as soon as it is passed on lowers the step's peak memory
                loss.backward(keep_intermediate=False)
                optimizer.step()
                n = len(X)
                seen += n
                total_loss += float(outputs_array(loss)) * n
                if metric is not None:
                    total_score += metric(out, y) * n
                if bar is not None:
                    shown = {"epoch": epoch, "loss": f"{total_loss / seen:.4f}"}
                    if metric is not None:
                        shown["acc"] = f"{total_score / seen:.3f}"
                    bar.set_postfix(shown, refresh=False)
                    bar.update(1)
            if bar is not None:
                bar.refresh()  # show each epoch's final numbers, however fast the epoch was
            history.epoch.append(epoch)
            history.loss.append(total_loss / seen)
            history.lr.append(rate)
            if metric is not None:
                history.accuracy.append(total_score / seen)
            if validation is not None:
                val_loss, val_score = evaluate(model, loss_fn, validation[0], validation[1], metric)
                history.val_loss.append(val_loss)
                if val_score is not None:
                    history.val_accuracy.append(val_score)
            if callback is not None:
                callback(epoch, history)
    finally:
        if bar is not None:
            bar.close()
    return history


def _progress_bar(total: int) -> Any:
    try:
        from tqdm import tqdm
    except ImportError:  # tqdm is optional: train without a bar
        return None
    return tqdm(total=total, unit="batch", leave=False)
