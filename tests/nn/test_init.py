"""Initializers: their spread (notes 000/002), seeding, and the symmetry problem of zero init."""

from __future__ import annotations

import numpy as np
import pytest

from nn import MLP, SGD, init, losses


@pytest.mark.parametrize(
    ("name", "fan_in", "std"),
    [("small", 50, 0.01), ("xavier", 100, 1 / np.sqrt(100)), ("he", 100, 1 / np.sqrt(100 / 2)),
     ("xavier", 9, 1 / 3), ("he", 8, 0.5)],
)
def test_standard_deviation(name: str, fan_in: int, std: float) -> None:
    w = init.get(name)((400, fan_in), init.rng(0))
    n = w.size
    # sample std of n normals has relative standard error ~ 1/sqrt(2n); allow 5 of them
    assert w.std() == pytest.approx(std, rel=5 / np.sqrt(2 * n))
    assert abs(w.mean()) < 5 * std / np.sqrt(n)


def test_zeros_uniform_constant() -> None:
    assert not init.zeros((3, 4)).any()
    u = init.uniform((1000,), init.rng(1))
    assert u.min() >= -1 and u.max() <= 1 and u.std() == pytest.approx(1 / np.sqrt(3), rel=0.1)
    assert (init.constant(0.5)((2, 2)) == 0.5).all()


def test_seeded() -> None:
    a = init.xavier((5, 5), init.rng(42))
    assert np.array_equal(a, init.xavier((5, 5), init.rng(42)))
    assert not np.array_equal(a, init.xavier((5, 5), init.rng(43)))
    g = np.random.default_rng(0)
    assert init.rng(g) is g
    with pytest.raises(TypeError, match="seed must be an int"):
        init.rng("0")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown initializer 'glorot'"):
        init.get("glorot")


def hidden_rows(model: MLP) -> np.ndarray:
    return np.array([[w.data for w in n.w] + [n.b.data] for n in model.layers[0].neurons])


@pytest.mark.parametrize("start", ["zeros", init.constant(0.3)])
def test_symmetric_init_keeps_every_hidden_unit_identical(start: object) -> None:
    # note 000: with equal initial weights every hidden unit computes the same function and gets
    # the same gradient, so after any amount of training they are still copies of each other
    X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.3, -0.7]])
    y = np.array([1, 1, 0, 1])
    model = MLP(2, [5, 1], activation="sigmoid", output_activation="sigmoid", init=start)  # type: ignore[arg-type]
    opt = SGD(model.parameters(), lr=0.5)
    for _ in range(25):
        opt.zero_grad()
        losses.binary_cross_entropy(model(X), y).backward()
        opt.step()
    rows = hidden_rows(model)
    assert np.ptp(rows, axis=0).max() == 0.0  # bit-for-bit identical units
    assert np.abs(rows).max() > 0  # ... although they did change (the units learned something)
    # random initialization breaks the symmetry
    random = MLP(2, [5, 1], activation="sigmoid", output_activation="sigmoid", init="small", seed=0)
    assert np.ptp(hidden_rows(random), axis=0).max() > 0
