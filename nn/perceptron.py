"""Rosenblatt's perceptron (note 002): ``h(x) = sign(w . x)`` with ``x = (1, x_1, ..., x_d)``.

Learning rule: pick a point the weights get wrong (``y_k w . x_k <= 0``) and set
``w <- w + y_k x_k``; each update moves the boundary towards classifying that point right.
If a line separates the data, the rule reaches one in finitely many updates (the perceptron
convergence theorem). If not, as for XOR, it never stops. :meth:`Perceptron.fit` sweeps the data
in a fixed order and detects that: when the weights at the start of a sweep repeat those of an
earlier sweep, the run is in a cycle that will go on forever, so (by the theorem) no line
separates the data, and the result says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd.value import Value, sum_
from nn import init
from nn.init import Seed
from nn.module import Module

__all__ = ["Perceptron", "PerceptronResult", "NotLinearlySeparableError"]


class NotLinearlySeparableError(ValueError):
    """The perceptron rule cycles on these data: no line (hyperplane) separates them."""


@dataclass
class PerceptronResult:
    """What :meth:`Perceptron.fit` found.

    Attributes:
        converged: every point is classified correctly.
        separable: ``True`` when converged, ``False`` when the rule was shown to cycle (proof
            that the data are not linearly separable), ``None`` when ``max_epochs`` ran out first.
        epochs: sweeps over the data done.
        updates: weight updates done.
        weights: the final ``(w_0, w_1, ..., w_d)``, ``w_0`` the bias.
        history: the weights after every update, starting with the initial weights.
        message: a sentence saying which of the three happened.
    """

    converged: bool
    separable: bool | None
    epochs: int
    updates: int
    weights: tuple[float, ...]
    history: list[tuple[float, ...]] = field(default_factory=list)
    message: str = ""


class Perceptron(Module):
    """A single perceptron with weights ``w = (w_0, w_1, ..., w_d)``, ``w_0`` the bias.

    Args:
        nin: the number of features ``d``.
        weights: initial ``(w_0, ..., w_d)``; default all zeros (or ``init`` if given).
        init: an initializer name or callable for random initial weights.
        seed: seed for ``init``.

    The weights are ``Value`` s (``w.0`` ... ``w.d``), so the renderer can draw the unit; the
    learning rule is not a gradient step and simply rewrites their data.
    """

    def __init__(
        self,
        nin: int,
        weights: Sequence[float] | None = None,
        *,
        init: str | None = None,
        seed: Seed = None,
    ) -> None:
        super().__init__()
        if not isinstance(nin, int) or nin < 1:
            raise ValueError(f"a Perceptron needs a positive number of inputs, got {nin!r}")
        if weights is None:
            start = _initial(nin, init, seed)
        else:
            start = [float(w) for w in weights]
            if len(start) != nin + 1:
                raise ValueError(
                    f"a Perceptron on {nin} inputs takes {nin + 1} weights (w_0 is the bias), got {len(start)}"
                )
        self.nin = nin
        self.w = [Value(v, name=f"w{i}") for i, v in enumerate(start)]

    @property
    def weights(self) -> tuple[float, ...]:
        """The current ``(w_0, w_1, ..., w_d)`` as floats."""
        return tuple(v.data for v in self.w)

    def score(self, x: Sequence[float]) -> float:
        """``w . (1, x)``: positive on the +1 side of the boundary."""
        x = _features(x, self.nin)
        return float(np.dot(self.weights, x))

    def forward(self, x: Any) -> Any:
        """The graph of ``w . (1, x)`` as ``Value`` s (what the renderer draws)."""
        x = _features(x, self.nin)
        return sum_([wi * xi for wi, xi in zip(self.w, x)])

    def predict(self, X: Any) -> np.ndarray:
        """``sign(w . x)`` as +1 / -1 for each row of ``X`` (0 counts as -1)."""
        X = _rows(X, self.nin)
        return np.where(_augment(X) @ np.array(self.weights) > 0, 1, -1)

    def update(self, x: Sequence[float], y: int) -> None:
        """One step of the rule: ``w <- w + y x`` with ``x = (1, x_1, ..., x_d)``, ``y = +-1``."""
        if y not in (-1, 1):
            raise ValueError(f"the perceptron rule takes a label of +1 or -1, got {y!r}")
        for wi, xi in zip(self.w, _features(x, self.nin)):
            wi.data = wi.data + y * xi

    def fit(self, X: Any, y: Any, max_epochs: int = 1000, *, strict: bool = False) -> PerceptronResult:
        """Run the learning rule, sweeping the rows of ``X`` in order, until all are right.

        ``y`` holds labels in {0, 1} (the gate tables) or {-1, +1}; 0 is read as -1. Stops when
        a sweep makes no update (converged), when the weights at the start of a sweep repeat an
        earlier sweep's (the rule cycles forever: not linearly separable), or after
        ``max_epochs`` sweeps. With ``strict=True`` the non-separable case raises
        :class:`NotLinearlySeparableError` instead of returning.
        """
        X = _rows(X, self.nin)
        labels = _labels(y, len(X))
        points = _augment(X)
        history = [self.weights]
        seen: dict[tuple[float, ...], int] = {self.weights: 0}
        updates = 0
        for epoch in range(1, max_epochs + 1):
            changed = False
            for xk, yk in zip(points, labels):
                if yk * float(np.dot(self.weights, xk)) <= 0:  # misclassified (or on the line)
                    self.update(xk[1:], int(yk))
                    history.append(self.weights)
                    updates += 1
                    changed = True
            if not changed:
                return PerceptronResult(True, True, epoch, updates, self.weights, history,
                                        f"converged after {epoch} sweeps and {updates} updates")
            if self.weights in seen:
                first = seen[self.weights]
                message = (
                    f"not linearly separable: the weights after sweep {epoch} equal those after "
                    f"sweep {first}, so the rule cycles forever and no line separates the data"
                )
                if strict:
                    raise NotLinearlySeparableError(message)
                return PerceptronResult(False, False, epoch, updates, self.weights, history, message)
            seen[self.weights] = epoch
        return PerceptronResult(False, None, max_epochs, updates, self.weights, history,
                                f"no separating line found within {max_epochs} sweeps")

    def extra_repr(self) -> str:
        return f"nin={self.nin}, w={self.weights}"


def _initial(nin: int, init_: str | None, seed: Seed) -> list[float]:
    if init_ is None:
        return [0.0] * (nin + 1)
    return [float(v) for v in init.get(init_)((nin + 1,), init.rng(seed))]


def _features(x: Sequence[float], nin: int) -> list[float]:
    row = [float(v) for v in np.asarray(x, dtype=float).ravel()]
    if len(row) == nin + 1 and row[0] == 1.0:  # already (1, x_1, ..., x_d)
        return row
    if len(row) != nin:
        raise ValueError(f"this Perceptron takes {nin} features, got {len(row)}")
    return [1.0] + row


def _rows(X: Any, nin: int) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != nin:
        raise ValueError(f"expected data of shape (n, {nin}), got {X.shape}")
    return X


def _augment(X: np.ndarray) -> np.ndarray:
    return np.hstack([np.ones((len(X), 1)), X])


def _labels(y: Any, n: int) -> np.ndarray:
    y = np.asarray(y).ravel()
    if len(y) != n:
        raise ValueError(f"got {n} points but {len(y)} labels")
    values = set(np.unique(y).tolist())
    if not values <= {0, 1} and not values <= {-1, 1}:
        raise ValueError(f"perceptron labels must be 0/1 or -1/+1, got {sorted(values)}")
    return np.where(y > 0, 1, -1)
