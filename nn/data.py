"""Small data sets and a mini-batch loader, all generated with numpy from a seed (no downloads).

Every generator returns ``(X, y)``: ``X`` a float array of shape ``(n, features)``, one example
per row, and ``y`` an integer array of class labels ``0..C-1``. ``load_digits`` reads the 8x8
handwritten digits that ship inside scikit-learn's wheel (the ``examples`` extra).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from nn.init import Seed, rng

__all__ = [
    "GATES", "gate", "moons", "circles", "spiral", "blobs", "load_digits", "train_test_split",
    "DataLoader",
]

GATES: dict[str, tuple[int, int, int, int]] = {
    "or": (0, 1, 1, 1),
    "and": (0, 0, 0, 1),
    "nand": (1, 1, 1, 0),
    "xor": (0, 1, 1, 0),
}
"""Truth tables on the inputs (0,0), (0,1), (1,0), (1,1), as in note 002."""


def gate(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The truth table of a logic gate (``"or"``, ``"and"``, ``"nand"``, ``"xor"``): 4 points."""
    key = name.lower() if isinstance(name, str) else name
    if key not in GATES:
        raise ValueError(f"unknown gate {name!r}; choose one of {', '.join(GATES)}")
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return X, np.array(GATES[key])


def _count(n: int, what: str = "n") -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{what} must be a positive integer, got {n!r}")
    return int(n)


def _noisy(X: np.ndarray, noise: float, generator: np.random.Generator) -> np.ndarray:
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise!r}")
    return X + generator.normal(scale=noise, size=X.shape) if noise else X


def _shuffled(X: np.ndarray, y: np.ndarray, generator: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    order = generator.permutation(len(X))
    return X[order], y[order]


def moons(n: int = 100, noise: float = 0.1, seed: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (scikit-learn's ``make_moons``), ``n`` points, labels 0/1."""
    n = _count(n)
    g = rng(seed)
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0, np.pi, n_out)
    t_in = np.linspace(0, np.pi, n_in)
    X = np.vstack([
        np.column_stack([np.cos(t_out), np.sin(t_out)]),
        np.column_stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5]),
    ])
    y = np.concatenate([np.zeros(n_out, dtype=int), np.ones(n_in, dtype=int)])
    return _shuffled(_noisy(X, noise, g), y, g)


def circles(n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """A small circle (label 1) inside a large one (label 0); ``factor`` is the radius ratio."""
    n = _count(n)
    if not 0 < factor < 1:
        raise ValueError(f"factor must be in (0, 1), got {factor!r}")
    g = rng(seed)
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    X = np.vstack([
        np.column_stack([np.cos(t_out), np.sin(t_out)]),
        factor * np.column_stack([np.cos(t_in), np.sin(t_in)]),
    ])
    y = np.concatenate([np.zeros(n_out, dtype=int), np.ones(n_in, dtype=int)])
    return _shuffled(_noisy(X, noise, g), y, g)


def spiral(
    n_per_class: int = 100, classes: int = 3, noise: float = 0.2, seed: Seed = None
) -> tuple[np.ndarray, np.ndarray]:
    """``classes`` interleaved spiral arms (the CS231n data set), not linearly separable."""
    n_per_class = _count(n_per_class, "n_per_class")
    classes = _count(classes, "classes")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise!r}")
    g = rng(seed)
    Xs, ys = [], []
    for k in range(classes):
        r = np.linspace(0.0, 1.0, n_per_class)
        t = np.linspace(k * 4.0, (k + 1) * 4.0, n_per_class) + g.normal(scale=noise, size=n_per_class)
        Xs.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
        ys.append(np.full(n_per_class, k))
    return _shuffled(np.vstack(Xs), np.concatenate(ys), g)


def blobs(
    n: int = 100, centers: int | np.ndarray = 3, std: float = 1.0, box: float = 10.0, seed: Seed = None
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian clusters around ``centers`` (a count, drawn uniformly in ``[-box, box]^2``, or an
    array of centre coordinates), ``n`` points shared as evenly as possible."""
    n = _count(n)
    if std < 0:
        raise ValueError(f"std must be >= 0, got {std!r}")
    g = rng(seed)
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool):
        c = g.uniform(-box, box, size=(_count(centers, "centers"), 2))
    else:
        c = np.asarray(centers, dtype=float)
        if c.ndim != 2 or len(c) == 0:
            raise ValueError(f"centers must be a count or an array of shape (k, features), got {c.shape}")
    k = len(c)
    y = np.arange(n) % k
    X = c[y] + g.normal(scale=std, size=(n, c.shape[1]))
    return _shuffled(X, y, g)


def load_digits(scale: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 handwritten digits (8x8 = 64 pixels, 10 classes) bundled with scikit-learn.

    Pixels are 0..16; ``scale=True`` divides them by 16 into [0, 1]. Needs scikit-learn, which
    is not a core dependency: ``pip install "chainrule[examples]"``.
    """
    try:
        from sklearn.datasets import load_digits as _sklearn_digits
    except ImportError as exc:
        raise ImportError(
            "load_digits needs scikit-learn, which ships the digits inside its wheel; "
            'install it with: pip install "chainrule[examples]"'
        ) from exc
    bunch: Any = _sklearn_digits()
    X = np.asarray(bunch.data, dtype=float)
    return (X / 16.0 if scale else X), np.asarray(bunch.target, dtype=int)


def train_test_split(
    X: np.ndarray, y: np.ndarray, test_fraction: float = 0.2, seed: Seed = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle and split into ``X_train, X_test, y_train, y_test`` (test gets ``test_fraction``)."""
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)}")
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction!r}")
    order = rng(seed).permutation(len(X))
    n_test = max(1, int(round(len(X) * test_fraction)))
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


class DataLoader:
    """Mini-batches of ``(X, y)``: iterating once is one epoch.

    Args:
        X, y: the examples (rows) and their targets; same length.
        batch_size: examples per batch (the last batch may be smaller unless ``drop_last``).
        shuffle: draw a new order every epoch (from ``seed``, so runs repeat exactly).
        seed: an int or ``numpy.random.Generator`` for the shuffling.
        drop_last: skip a final batch smaller than ``batch_size``.

    ``epoch`` counts the epochs started; ``len(loader)`` is the number of batches per epoch.
    """

    def __init__(
        self,
        X: Any,
        y: Any,
        batch_size: int = 32,
        shuffle: bool = True,
        seed: Seed = None,
        drop_last: bool = False,
    ) -> None:
        self.X = np.asarray(X)
        self.y = np.asarray(y)
        if len(self.X) != len(self.y):
            raise ValueError(f"X has {len(self.X)} examples but y has {len(self.y)}")
        if len(self.X) == 0:
            raise ValueError("a DataLoader needs at least one example")
        self.batch_size = _count(batch_size, "batch_size")
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.epoch = 0
        self._rng = rng(seed)

    def __len__(self) -> int:
        n = len(self.X)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        self.epoch += 1
        n = len(self.X)
        order = self._rng.permutation(n) if self.shuffle else np.arange(n)
        for start in range(0, n, self.batch_size):
            idx = order[start:start + self.batch_size]
            if self.drop_last and len(idx) < self.batch_size:
                break
            yield self.X[idx], self.y[idx]
