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

from collections.abc import Callable, Mapping
from typing import Any, Union

import numpy as np

__all__ = [
    "rng", "rng_state", "check_rng_state", "set_rng_state",
    "zeros", "constant", "small", "xavier", "he", "uniform", "get", "INITIALIZERS",
]

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


def rng_state(generator: np.random.Generator) -> dict[str, Any]:
    """A JSON-ready copy of ``generator`` 's bit-generator state (ints, strings and lists only).

    :func:`set_rng_state` with it puts the generator back where it was: its next draws repeat.
    """
    def plain(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, np.ndarray):
            return value.tolist()
        if isinstance(value, np.generic):
            return value.item()
        return value

    state: dict[str, Any] = plain(generator.bit_generator.state)
    return state


def check_rng_state(generator: np.random.Generator, state: Any) -> dict[str, Any]:
    """``state`` if it is one :func:`rng_state` gives for a generator of ``generator`` 's kind.

    It is tried on a spare bit generator of the same type, so ``generator`` does not change;
    raises ``ValueError`` (another bit generator, missing or bad fields) otherwise.
    """
    kind = type(generator.bit_generator)
    if not isinstance(state, dict):
        raise ValueError(f"a random generator's state is a dict, not {type(state).__name__}")
    try:
        kind().state = state
    except Exception as exc:  # numpy raises ValueError, TypeError, KeyError or OverflowError
        raise ValueError(f"not the state of a {kind.__name__} generator: {type(exc).__name__}: "
                         f"{str(exc)[:200]}") from None
    return state


def set_rng_state(generator: np.random.Generator, state: Mapping[str, Any]) -> None:
    """Put ``generator`` in ``state`` (from :func:`rng_state`; see :func:`check_rng_state`)."""
    generator.bit_generator.state = dict(state)


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
