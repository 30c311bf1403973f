"""Weight initializers (notes 000 and 002), each ``(shape, rng) -> numpy array``, seeded.

A weight matrix has the notes' shape ``(n_out, n_in)``, so the fan-in ``n`` of Xavier and He is
the last axis. Every initializer draws from the ``numpy.random.Generator`` it is given, so a
seed fixes the whole network.

- :func:`zeros`: all zero. Every hidden unit then computes the same thing and receives the same
  gradient, forever: the *symmetry problem*.
- :func:`small`: ``randn * 0.01``, the notes' first fix.
- :func:`xavier`: normal with std ``1 / sqrt(n)`` (for sigmoid and tanh).
- :func:`he`: normal with std ``1 / sqrt(n / 2)`` (for ReLU).
- :func:`uniform`: uniform on ``[-1, 1]``, as micrograd does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Union

import numpy as np

__all__ = ["rng", "zeros", "constant", "small", "xavier", "he", "uniform", "get", "INITIALIZERS"]

Shape = tuple[int, ...]
Initializer = Callable[[Shape, np.random.Generator], np.ndarray]
Seed = Union[int, np.random.Generator, None]


def rng(seed: Seed = None) -> np.random.Generator:
    """A random generator from a seed (an int), or ``seed`` itself if it is already one."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
        raise TypeError(f"seed must be an int, a numpy Generator or None, got {type(seed).__name__}")
    return np.random.default_rng(seed)


def _fan_in(shape: Shape) -> int:
    n = shape[-1] if shape else 1
    if n <= 0:
        raise ValueError(f"cannot initialise a weight of shape {shape}: fan-in must be positive")
    return n


def zeros(shape: Shape, generator: np.random.Generator | None = None) -> np.ndarray:
    """All zeros (biases; and weights, to show the symmetry problem)."""
    return np.zeros(shape)


def constant(value: float) -> Initializer:
    """An initializer filling every entry with ``value`` (symmetric, like zeros, but not zero)."""

    def init(shape: Shape, generator: np.random.Generator | None = None) -> np.ndarray:
        return np.full(shape, float(value))

    init.__name__ = f"constant({value:g})"
    return init


def small(shape: Shape, generator: np.random.Generator, scale: float = 0.01) -> np.ndarray:
    """Standard normal times ``scale`` (0.01): small random weights that break symmetry."""
    return generator.standard_normal(shape) * scale


def xavier(shape: Shape, generator: np.random.Generator) -> np.ndarray:
    """Normal with standard deviation ``1 / sqrt(n)``, ``n`` the fan-in (Xavier/Glorot)."""
    return generator.standard_normal(shape) / np.sqrt(_fan_in(shape))


def he(shape: Shape, generator: np.random.Generator) -> np.ndarray:
    """Normal with standard deviation ``1 / sqrt(n / 2)``, ``n`` the fan-in (He, for ReLU)."""
    return generator.standard_normal(shape) / np.sqrt(_fan_in(shape) / 2)


def uniform(shape: Shape, generator: np.random.Generator) -> np.ndarray:
    """Uniform on ``[-1, 1]``, micrograd's initialisation."""
    return generator.uniform(-1.0, 1.0, shape)


INITIALIZERS: dict[str, Initializer] = {
    "zeros": zeros,
    "small": small,
    "xavier": xavier,
    "he": he,
    "uniform": uniform,
}
"""The initializers by name, as modules accept them in ``init=``."""


def get(init: str | Initializer) -> Initializer:
    """An initializer from its name (``"xavier"``) or the callable itself."""
    if callable(init):
        return init
    try:
        return INITIALIZERS[init]
    except (KeyError, TypeError):
        raise ValueError(f"unknown initializer {init!r}; choose one of {', '.join(INITIALIZERS)}") from None
