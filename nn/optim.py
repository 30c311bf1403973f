"""Optimizers, with the update rules exactly as note 002 writes them.

Each optimizer holds a list of parameters (``Value`` s or ``Tensor`` s, mixed if you like),
reads their ``.grad`` and rewrites their ``.data`` under ``no_grad``, so the update itself is
never part of a graph. The same line of arithmetic serves a float and a numpy array.

With ``g`` the gradient and ``alpha`` the learning rate:

=========  ================================================================================
SGD        ``x <- x - alpha g``
Momentum   ``v <- beta v - alpha g;  x <- x + v``
AdaGrad    ``h <- h + g*g;  x <- x - alpha / (sqrt(h) + eps) * g``
RMSProp    ``h <- decay h + (1 - decay) g*g;  x <- x - alpha / sqrt(h + eps) * g``
Adam       ``m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g*g;``
           ``x <- x - alpha / sqrt(v / (1 - b2^t) + eps) * m / (1 - b1^t)``
=========  ================================================================================

The notes put ``eps`` outside the root for AdaGrad and inside it for RMSProp and Adam; PyTorch
puts it outside for all three, so the two agree exactly at ``eps=0``.

Regularization as optimizer options: ``weight_decay=c`` adds ``c * x`` to the gradient (the
notes' L2 term ``lambda/(2m) ||W||^2`` has gradient ``(lambda/m) W``, so ``c = lambda/m``);
``l1=c`` adds ``c * sign(x)`` (the gradient of ``c * |x|``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from autograd.engine import Node, no_grad

__all__ = ["Optimizer", "SGD", "Momentum", "AdaGrad", "RMSProp", "Adam"]


class Optimizer:
    """Base class: keeps the parameters, applies :meth:`update` to each in :meth:`step`.

    Args:
        params: the parameters to train (e.g. ``model.parameters()``).
        lr: the learning rate ``alpha`` (> 0).
        weight_decay: L2 coefficient ``c``: the gradient gets ``+ c * x``.
        l1: L1 coefficient ``c``: the gradient gets ``+ c * sign(x)``.
    """

    def __init__(self, params: Iterable[Node], lr: float, *, weight_decay: float = 0.0, l1: float = 0.0) -> None:
        self.params: list[Node] = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__} got an empty parameter list")
        for i, p in enumerate(self.params):
            if not isinstance(p, Node):
                raise TypeError(f"parameter {i} is a {type(p).__name__}, not a Value or Tensor")
            if not p.is_leaf:
                raise ValueError(
                    f"parameter {i} ({p.name or p.op}) is the result of an op, not a leaf: "
                    "an optimizer can only update leaves"
                )
        self.lr = _positive("lr", lr)
        self.weight_decay = _nonnegative("weight_decay", weight_decay)
        self.l1 = _nonnegative("l1", l1)
        self.t = 0
        """The number of steps taken so far (Adam's bias correction uses it)."""
        self.state: list[dict[str, Any]] = [{} for _ in self.params]
        """Per-parameter state (velocity, accumulated squares...), same order as ``params``."""

    def zero_grad(self) -> None:
        """Reset every parameter's gradient to zero."""
        for p in self.params:
            p.grad = p._zero(False)

    def step(self) -> None:
        """Update every parameter once from its current ``.grad``."""
        grads = [self._gradient(i, p) for i, p in enumerate(self.params)]  # check all first
        self.t += 1
        with no_grad():
            for p, g, state in zip(self.params, grads, self.state):
                new = self.update(p.data, g, state)
                if isinstance(p.data, np.ndarray):
                    p.data = np.asarray(new, dtype=p.data.dtype)
                else:
                    p.data = float(new)

    def _gradient(self, i: int, p: Node) -> Any:
        g = p.grad
        if isinstance(g, Node):  # a gradient built with create_graph: use its number
            g = g.data
        if g is None:
            raise ValueError(f"parameter {i} ({p.name or 'unnamed'}) has no gradient: call backward() first")
        if np.shape(g) != np.shape(p.data):
            raise ValueError(
                f"parameter {i} ({p.name or 'unnamed'}) has data of shape {np.shape(p.data)} "
                f"but a gradient of shape {np.shape(g)}"
            )
        if self.weight_decay:
            g = g + self.weight_decay * p.data
        if self.l1:
            g = g + self.l1 * np.sign(p.data)
        return g

    def update(self, x: Any, g: Any, state: dict[str, Any]) -> Any:
        """The new value of one parameter ``x`` from its gradient ``g``; subclasses define it."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lr={self.lr:g}, {len(self.params)} parameters)"


class SGD(Optimizer):
    """Gradient descent: ``x <- x - alpha g`` (on mini-batches: stochastic gradient descent)."""

    def update(self, x: Any, g: Any, state: dict[str, Any]) -> Any:
        return x - self.lr * g


class Momentum(Optimizer):
    """Momentum: ``v <- beta v - alpha g;  x <- x + v`` (note 002; ``beta`` around 0.9).

    The velocity remembers past steps, so the iterate rolls through flat spots and shallow
    local minima where plain gradient descent stops.
    """

    def __init__(self, params: Iterable[Node], lr: float, beta: float = 0.9, **options: float) -> None:
        super().__init__(params, lr, **options)
        self.beta = _fraction("beta", beta)

    def update(self, x: Any, g: Any, state: dict[str, Any]) -> Any:
        v = self.beta * state.get("v", 0.0) - self.lr * g
        state["v"] = v
        return x + v


class AdaGrad(Optimizer):
    """AdaGrad: ``h <- h + g*g;  x <- x - alpha / (sqrt(h) + eps) * g``.

    Each coordinate's step shrinks with its own accumulated squared gradients.
    """

    def __init__(self, params: Iterable[Node], lr: float, eps: float = 1e-7, **options: float) -> None:
        super().__init__(params, lr, **options)
        self.eps = _nonnegative("eps", eps)

    def update(self, x: Any, g: Any, state: dict[str, Any]) -> Any:
        h = state.get("h", 0.0) + g * g
        state["h"] = h
        return x - self.lr / (np.sqrt(h) + self.eps) * g


class RMSProp(Optimizer):
    """RMSProp: ``h <- decay h + (1 - decay) g*g;  x <- x - alpha / sqrt(h + eps) * g``.

    Like AdaGrad, but old squared gradients fade geometrically, so steps do not vanish.
    """

    def __init__(
        self, params: Iterable[Node], lr: float, decay: float = 0.99, eps: float = 1e-8, **options: float
    ) -> None:
        super().__init__(params, lr, **options)
        self.decay = _fraction("decay", decay)
        self.eps = _nonnegative("eps", eps)

    def update(self, x: Any, g: Any, state: dict[str, Any]) -> Any:
        h = self.decay * state.get("h", 0.0) + (1.0 - self.decay) * g * g
        state["h"] = h
        return x - self.lr / np.sqrt(h + self.eps) * g


class Adam(Optimizer):
    """Adam: momentum's first moment and RMSProp's second, both bias-corrected.

    ``m <- b1 m + (1 - b1) g``, ``v <- b2 v + (1 - b2) g*g``, ``m^ = m / (1 - b1^t)``,
    ``v^ = v / (1 - b2^t)``, ``x <- x - alpha / sqrt(v^ + eps) * m^``; the corrections undo the
    pull towards the zero initial moments in the first steps.
    """

    def __init__(
        self,
        params: Iterable[Node],
        lr: float = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        **options: float,
    ) -> None:
        super().__init__(params, lr, **options)
        self.beta1 = _fraction("beta1", beta1)
        self.beta2 = _fraction("beta2", beta2)
        self.eps = _nonnegative("eps", eps)

    def update(self, x: Any, g: Any, state: dict[str, Any]) -> Any:
        m = self.beta1 * state.get("m", 0.0) + (1.0 - self.beta1) * g
        v = self.beta2 * state.get("v", 0.0) + (1.0 - self.beta2) * g * g
        state["m"], state["v"] = m, v
        m_hat = m / (1.0 - self.beta1**self.t)
        v_hat = v / (1.0 - self.beta2**self.t)
        return x - self.lr / np.sqrt(v_hat + self.eps) * m_hat


def _number(name: str, value: float, ok: bool, rule: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not ok:
        raise ValueError(f"{name} must be {rule}, got {value!r}")
    return float(value)


def _positive(name: str, value: float) -> float:
    return _number(name, value, isinstance(value, (int, float)) and value > 0, "a positive number")


def _nonnegative(name: str, value: float) -> float:
    return _number(name, value, isinstance(value, (int, float)) and value >= 0, "a number >= 0")


def _fraction(name: str, value: float) -> float:
    return _number(name, value, isinstance(value, (int, float)) and 0 <= value < 1, "in [0, 1)")
