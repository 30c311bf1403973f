"""Small data sets and a mini-batch loader, all generated with numpy from a seed (no downloads).

Every generator returns ``(X, y)``: ``X`` a float array of shape ``(n, features)``, one example
per row, and ``y`` an integer array of class labels ``0..C-1``. ``load_digits`` reads the 8x8
handwritten digits that ship inside scikit-learn's wheel (the ``examples`` extra); ``mnist``
reads the four MNIST files a user downloaded (IDX format, gzipped or not).
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from nn.init import Seed, check_rng_state, rng, rng_state, set_rng_state
from nn.module import StateDictError

__all__ = [
    "GATES", "gate", "moons", "circles", "spiral", "blobs", "load_digits", "mnist", "read_idx", "MNIST_FILES",
    "train_test_split", "DataLoader",
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


MNIST_FILES: dict[str, str] = {
    "train images": "train-images-idx3-ubyte",
    "train labels": "train-labels-idx1-ubyte",
    "test images": "t10k-images-idx3-ubyte",
    "test labels": "t10k-labels-idx1-ubyte",
}
"""The four files of MNIST (and of Fashion-MNIST, which uses the same names), without ``.gz``."""

_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """The array stored in an IDX file (the format MNIST ships in), gzipped or not.

    An IDX file is a 4-byte magic number (two zero bytes, a type code, the number of dimensions),
    each dimension as a big-endian 32-bit count, then the values in C order. Raises
    ``ValueError`` when the file is not one or its size disagrees with its header.
    """
    raw = Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":  # gzip's magic number, whatever the file's name
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise ValueError(f"{path}: a damaged gzip file ({exc})") from None
    if len(raw) < 4 or raw[:2] != b"\0\0" or raw[2] not in _IDX_TYPES:
        raise ValueError(f"{path} is not an IDX file: it starts with {raw[:4].hex(' ') or 'nothing'}, "
                         "not 00 00, a type code (08 for bytes) and the number of dimensions")
    ndim = raw[3]
    start = 4 + 4 * ndim
    if len(raw) < start:
        raise ValueError(f"{path}: the file ends inside its header")
    shape = struct.unpack(f">{ndim}I", raw[4:start])
    dtype = np.dtype(_IDX_TYPES[raw[2]])
    expected = start + dtype.itemsize * math.prod(shape)
    if len(raw) != expected:
        raise ValueError(f"{path}: the header announces an array of shape {shape} ({expected:,} bytes), "
                         f"but the file has {len(raw):,} bytes")
    return np.frombuffer(raw, dtype=dtype, offset=start).reshape(shape).astype(dtype.newbyteorder("="))


def _mnist_file(folder: Path, stem: str) -> Path:
    """The file ``stem`` in ``folder``: as it is, gzipped, or with Kaggle's ``.idx`` for ``-idx``."""
    for name in (stem, stem.replace("-idx", ".idx")):
        for candidate in (folder / name, folder / f"{name}.gz"):
            if candidate.is_file():
                return candidate
    raise FileNotFoundError(
        f"no {stem} (or {stem}.gz) in {folder}: mnist() reads the four files "
        f"{', '.join(MNIST_FILES.values())}, gzipped or not, from one folder; download them "
        "from an MNIST mirror (e.g. https://storage.googleapis.com/cvdf-datasets/mnist/) into it"
    )


def mnist(
    path: str | os.PathLike[str], scale: bool = True, dtype: Any = np.float32
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """MNIST from the four IDX files in the folder ``path`` (downloaded by the user; see
    :data:`MNIST_FILES`): ``X_train, X_test, y_train, y_test``, in :func:`train_test_split`'s order.

    Each image is one row of 28 x 28 = 784 pixels (note 002's 784 input nodes): 60,000 training
    and 10,000 test rows. ``scale=True`` maps the pixels 0..255 into [0, 1]; ``dtype`` is float32
    by default (the training images take 188 MB so, 376 MB as float64).
    """
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder: mnist() takes the folder that holds the four MNIST files")
    arrays = {key: read_idx(_mnist_file(folder, stem)) for key, stem in MNIST_FILES.items()}
    out = []
    for part in ("train", "test"):
        images, labels = arrays[f"{part} images"], arrays[f"{part} labels"]
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise ValueError(f"the {part} files do not match: images of shape {images.shape}, "
                             f"labels of shape {labels.shape} (expected (n, rows, cols) and (n,))")
        X = images.reshape(len(images), -1).astype(dtype)
        out.append((X / 255 if scale else X, labels.astype(int)))
    (X_train, y_train), (X_test, y_test) = out
    return X_train, X_test, y_train, y_test


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
    :meth:`state_dict` / :meth:`load_state_dict` save and restore the shuffling generator and
    the position (epoch, batches handed out), so a resumed run gets the same batches in the same
    order, from the middle of an epoch too (:func:`nn.save_checkpoint` takes a loader for this).
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
        self._epoch_start = rng_state(self._rng)  # the generator before this epoch's order was drawn
        self._handed = 0  # batches of the current epoch handed out
        self._resume: int | None = None  # set by load_state_dict: the next iteration continues here

    def __len__(self) -> int:
        n = len(self.X)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        first, self._resume = self._resume, None
        if first is None:  # a new epoch (else: the rest of the epoch a checkpoint was saved in)
            self.epoch += 1
            first = 0
        n = len(self.X)
        self._epoch_start = rng_state(self._rng)
        order = self._rng.permutation(n) if self.shuffle else np.arange(n)
        self._handed = first
        for start in range(first * self.batch_size, n, self.batch_size):
            idx = order[start:start + self.batch_size]
            if self.drop_last and len(idx) < self.batch_size:
                break
            self._handed += 1
            yield self.X[idx], self.y[idx]

    # -- state ------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """Where the loader is, as JSON-ready values: ``{"epoch", "batch", "generator", "examples",
        "batch_size", "shuffle", "drop_last"}``.

        In the middle of an epoch, ``batch`` is the number of its batches handed out and
        ``generator`` the shuffling generator's state before the epoch's order was drawn (so the
        order is drawn again, the same); otherwise ``batch`` is 0 and ``generator`` its state now.
        The examples themselves are not included: a loader to restore into holds the same ones.
        """
        if self._resume is not None:
            batch, generator = self._resume, rng_state(self._rng)
        elif 0 < self._handed < len(self):
            batch, generator = self._handed, self._epoch_start
        else:
            batch, generator = 0, rng_state(self._rng)
        return {"epoch": self.epoch, "batch": batch, "generator": generator, "examples": len(self.X),
                "batch_size": self.batch_size, "shuffle": bool(self.shuffle), "drop_last": bool(self.drop_last)}

    def load_state_dict(self, state: Any) -> None:
        """Continue from ``state`` (from :meth:`state_dict`): the next iteration gives the batches
        the saved loader would have given next, the rest of an interrupted epoch first.

        Everything is checked first: a state from a loader of another size, batch size,
        shuffling or ``drop_last``, or bad values raise :class:`nn.StateDictError` and change nothing.
        """
        self._apply_state(self._check_state(state))

    def _check_state(self, state: Any) -> dict[str, Any]:
        """``state``'s values, all checked; raises :class:`nn.StateDictError` if it does not fit."""
        def misfit(problem: str) -> StateDictError:
            return StateDictError(f"DataLoader state does not fit this loader: {problem}")

        keys = ("epoch", "batch", "generator", "examples", "batch_size", "shuffle", "drop_last")
        if not isinstance(state, dict) or any(k not in state for k in keys):
            raise misfit(f"it is not a DataLoader's state_dict() (keys {', '.join(keys)})")
        ours = {"examples": len(self.X), "batch_size": self.batch_size,
                "shuffle": bool(self.shuffle), "drop_last": bool(self.drop_last)}
        differ = [f"{k} {str(state[k])[:40]} (this loader: {v})" for k, v in ours.items()
                  if type(state[k]) is not type(v) or state[k] != v]
        if differ:
            raise misfit("it was saved from a loader with " + ", ".join(differ))
        epoch, batch = state["epoch"], state["batch"]
        if type(epoch) is not int or epoch < 0:
            raise misfit(f"epoch must be an integer >= 0, got {str(epoch)[:40]}")
        if type(batch) is not int or not 0 <= batch < max(len(self), 1) or (batch and not epoch):
            raise misfit(f"batch must be an integer in [0, {len(self)}) (0 before the first epoch), "
                         f"got {str(batch)[:40]}")
        try:
            generator = check_rng_state(self._rng, state["generator"])
        except ValueError as exc:
            raise misfit(f"generator: {exc}") from None
        return {"epoch": epoch, "batch": batch, "generator": generator}

    def _apply_state(self, checked: dict[str, Any]) -> None:
        set_rng_state(self._rng, checked["generator"])
        self.epoch = checked["epoch"]
        self._resume = checked["batch"] or None
        self._handed = 0
