"""Activation functions (note 000): as functions, by name, and as modules.

Every function works on a ``Value``, on a ``Tensor`` (elementwise, through the node's own
method, so the engine records one op per activation) and on a list of either. ``softmax`` is
not elementwise: it takes a list of ``Value`` s (one example's scores) or a ``Tensor`` and an
axis.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograd import functional
from nn.module import Module

__all__ = [
    "identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softmax", "get", "ACTIVATIONS",
    "Activation", "Identity", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "Softmax",
]


def _each(x: Any, fn: Callable[[Any], Any]) -> Any:
    if isinstance(x, (list, tuple)):
        return [_each(v, fn) for v in x]
    return fn(x)


def identity(x: Any) -> Any:
    """``x`` itself: a linear unit (a deep net of them collapses to one ``W'x + b'``)."""
    return x


def sigmoid(x: Any) -> Any:
    """``1 / (1 + e^-x)``; derivative ``a (1 - a)``."""
    return _each(x, lambda v: v.sigmoid())


def tanh(x: Any) -> Any:
    """``tanh(x)``; derivative ``1 - a^2``."""
    return _each(x, lambda v: v.tanh())


def relu(x: Any) -> Any:
    """``max(0, x)``."""
    return _each(x, lambda v: v.relu())


def leaky_relu(x: Any, slope: float = 0.01) -> Any:
    """``x`` for ``x > 0``, else ``slope * x``."""
    return _each(x, lambda v: v.leaky_relu(slope))


def elu(x: Any, alpha: float = 1.0) -> Any:
    """``x`` for ``x > 0``, else ``alpha (e^x - 1)``."""
    return _each(x, lambda v: v.elu(alpha))


def softmax(x: Any, axis: int = -1) -> Any:
    """``exp(z_k) / sum_i exp(z_i)``, computed after subtracting the largest score (stable).

    A ``Tensor`` is normalised along ``axis``; a list of ``Value`` s is one example's scores, a
    list of such lists a batch (see ``autograd.functional.softmax``).
    """
    if isinstance(x, (list, tuple)) and x and isinstance(x[0], (list, tuple)):
        return [functional.softmax(row) for row in x]
    return functional.softmax(x, axis=axis)


ACTIVATIONS: dict[str, Callable[[Any], Any]] = {
    "identity": identity,
    "linear": identity,
    "sigmoid": sigmoid,
    "tanh": tanh,
    "relu": relu,
    "leaky_relu": leaky_relu,
    "elu": elu,
    "softmax": softmax,
}
"""The activation functions by name, as modules accept them in ``activation=``."""


def get(activation: str | Callable[[Any], Any] | None, argument: str = "activation") -> Callable[[Any], Any]:
    """An activation from its name (``"tanh"``), a callable, or ``None`` (identity).

    ``argument`` is the parameter the caller took it as, for the error (``"output_activation"``).
    """
    if activation is None:
        return identity
    if callable(activation):
        return activation
    try:
        return ACTIVATIONS[activation]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown activation {activation!r} for {argument}; choose one of {', '.join(ACTIVATIONS)}, "
            "a callable, or None (linear)"
        ) from None


def name_of(activation: str | Callable[[Any], Any] | None) -> str:
    """A short label for an activation (its name, or the callable's ``__name__``)."""
    if activation is None:
        return "identity"
    if isinstance(activation, str):
        return activation
    return getattr(activation, "__name__", type(activation).__name__)


class Activation(Module):
    """An activation as a module without parameters, to put in a ``Sequential``."""

    fn: Callable[[Any], Any] = staticmethod(identity)

    def forward(self, x: Any) -> Any:
        return type(self).fn(x)


class Identity(Activation):
    """``x``."""

    fn = staticmethod(identity)


class Sigmoid(Activation):
    """Logistic sigmoid."""

    fn = staticmethod(sigmoid)


class Tanh(Activation):
    """Hyperbolic tangent."""

    fn = staticmethod(tanh)


class ReLU(Activation):
    """Rectified linear unit."""

    fn = staticmethod(relu)


class LeakyReLU(Activation):
    """``x`` for ``x > 0``, else ``slope * x``."""

    def __init__(self, slope: float = 0.01) -> None:
        super().__init__()
        self.slope = float(slope)

    def forward(self, x: Any) -> Any:
        return leaky_relu(x, self.slope)

    def extra_repr(self) -> str:
        return f"slope={self.slope:g}"


class ELU(Activation):
    """``x`` for ``x > 0``, else ``alpha (e^x - 1)``."""

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = float(alpha)

    def forward(self, x: Any) -> Any:
        return elu(x, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha:g}"


class Softmax(Activation):
    """Softmax along ``axis`` (default: the last, the classes of a ``(batch, classes)`` input)."""

    def __init__(self, axis: int = -1) -> None:
        super().__init__()
        self.axis = axis

    def forward(self, x: Any) -> Any:
        return softmax(x, self.axis)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"
