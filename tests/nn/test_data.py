"""Data sets and the DataLoader: shapes, labels, geometry, seeding, batching."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np
import pytest

from nn import DataLoader, data


def test_gates_are_the_notes_tables() -> None:
    X, y = data.gate("OR")
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert y.tolist() == [0, 1, 1, 1]
    assert data.gate("and")[1].tolist() == [0, 0, 0, 1]
    assert data.gate("xor")[1].tolist() == [0, 1, 1, 0]
    with pytest.raises(ValueError, match="unknown gate 'nor'"):
        data.gate("nor")


def test_moons_geometry() -> None:
    X, y = data.moons(200, noise=0.0, seed=0)
    assert X.shape == (200, 2) and sorted(set(y.tolist())) == [0, 1] and (y == 0).sum() == 100
    upper, lower = X[y == 0], X[y == 1]
    # noiseless: the upper moon lies on the unit circle, the lower on the circle around (1, 0.5)
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0)
    assert (upper[:, 1] >= -1e-12).all() and (lower[:, 1] <= 0.5 + 1e-12).all()


def test_circles_and_spiral_and_blobs() -> None:
    X, y = data.circles(100, noise=0.0, factor=0.4, seed=1)
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(r[y == 0], 1.0)
    np.testing.assert_allclose(r[y == 1], 0.4)
    X, y = data.spiral(50, classes=4, seed=2)
    assert X.shape == (200, 2) and np.bincount(y).tolist() == [50] * 4
    assert np.hypot(X[:, 0], X[:, 1]).max() <= 1.0 + 1e-12
    centres = np.array([[5.0, 5.0], [-5.0, 0.0]])
    X, y = data.blobs(400, centers=centres, std=0.5, seed=3)
    for k in range(2):
        np.testing.assert_allclose(X[y == k].mean(axis=0), centres[k], atol=0.15)
        assert X[y == k].std(axis=0) == pytest.approx([0.5, 0.5], rel=0.2)


@pytest.mark.parametrize("make", [data.moons, data.circles, data.blobs, data.spiral])
def test_seeded_generators_repeat(make: Any) -> None:
    a, b, c = make(seed=7), make(seed=7), make(seed=8)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="n must be a positive integer"):
        data.moons(0)
    with pytest.raises(ValueError, match="noise must be >= 0"):
        data.moons(10, noise=-1)
    with pytest.raises(ValueError, match="factor must be in"):
        data.circles(10, factor=2)


def test_load_digits() -> None:
    pytest.importorskip("sklearn")
    X, y = data.load_digits()
    assert X.shape == (1797, 64) and y.shape == (1797,)
    assert X.min() == 0.0 and X.max() == 1.0 and sorted(set(y.tolist())) == list(range(10))
    Xtr, Xte, ytr, yte = data.train_test_split(X, y, 0.25, seed=0)
    assert len(Xte) == 449 and len(Xtr) == 1348 and len(ytr) == 1348
    assert sorted(map(tuple, np.vstack([Xtr, Xte]).tolist())) == sorted(map(tuple, X.tolist()))


def test_load_digits_without_sklearn_says_which_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_sklearn(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("sklearn"):
            raise ImportError("No module named 'sklearn'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sklearn)
    with pytest.raises(ImportError, match=r'pip install "chainrule\[examples\]"'):
        data.load_digits()


def test_dataloader_batches_cover_each_epoch() -> None:
    X = np.arange(10)[:, None] * 1.0
    y = np.arange(10)
    loader = DataLoader(X, y, batch_size=4, shuffle=True, seed=0)
    assert len(loader) == 3
    epochs = [[b[1].tolist() for b in loader] for _ in range(2)]
    for batches in epochs:
        assert [len(b) for b in batches] == [4, 4, 2]
        assert sorted(sum(batches, [])) == list(range(10))
    assert epochs[0] != epochs[1]  # reshuffled each epoch
    assert loader.epoch == 2
    again = DataLoader(X, y, batch_size=4, shuffle=True, seed=0)
    assert [b[1].tolist() for b in again] == epochs[0]  # the seed repeats the run
    for xb, yb in DataLoader(X, y, batch_size=3, shuffle=True, seed=1):
        assert (xb[:, 0] == yb).all()  # rows stay with their targets
    fixed = DataLoader(X, y, batch_size=4, shuffle=False, drop_last=True)
    assert len(fixed) == 2 and [b[1].tolist() for b in fixed] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    with pytest.raises(ValueError, match="X has 10 examples but y has 9"):
        DataLoader(X, y[:9])
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        DataLoader(X, y, batch_size=0)
