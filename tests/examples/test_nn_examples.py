"""The nn examples run with a small budget and reach their result."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.examples.loader import load_example

pytest.importorskip("matplotlib")


def is_png(path: Path) -> bool:
    return path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_10_perceptron_gates(tmp_path: Path) -> None:
    out = load_example("10_perceptron_gates").main(out_dir=str(tmp_path))
    results = out["results"]
    assert results["or"].converged and results["and"].converged
    assert results["xor"].separable is False
    assert all(is_png(p) for p in out["paths"])
    assert sorted(f.name for f in tmp_path.iterdir()) == ["perceptron_gates.png"]  # no temporary files


def test_11_xor_mlp() -> None:
    out = load_example("11_xor_mlp").main(steps=200)
    assert out["predictions"] == [0, 1, 1, 0]
    assert out["loss"][-1] < out["loss"][0] / 5


def test_12_zero_init_symmetry() -> None:
    spread = load_example("12_zero_init_symmetry").main(steps=15)["spread"]
    assert spread["zeros"] == 0.0 and spread["constant 0.5"] == 0.0
    assert spread["small random"] > 0.0


def test_13_moons_scalar(tmp_path: Path) -> None:
    paths, model = load_example("13_moons_scalar").main(out_dir=str(tmp_path), steps=25, n=60, resolution=8)
    assert [p.name for p in paths] == ["moons_scalar.png"] and is_png(paths[0])
    from autograd import no_grad
    from nn import accuracy, data

    X, y = data.moons(60, noise=0.1, seed=1)
    with no_grad():
        assert accuracy(model(X), y, threshold=0.0) >= 0.85
    assert model.num_parameters() == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1


def test_15_optimizer_race(tmp_path: Path) -> None:
    out = load_example("15_optimizer_race").main(out_dir=str(tmp_path), steps=30)
    paths = out["paths"]
    start = 7.0**2 / 20 + 2.0**2
    for name, path in paths.items():
        x, y = path[-1]
        assert x**2 / 20 + y**2 < start / 20, name
    # plain gradient descent zig-zags across the steep y direction: y changes sign every step
    sgd_y = paths["SGD (lr 0.95)"][:10, 1]
    assert np.all(np.sign(sgd_y[1:]) != np.sign(sgd_y[:-1]))
    # momentum overshoots the minimum along x; AdaGrad does not
    assert paths["Momentum (lr 0.1)"][:, 0].max() > 0
    assert paths["AdaGrad (lr 1.5)"][:, 0].max() < 0
    assert all(is_png(p) for p in out["files"])


def test_14_moons_tensor(tmp_path: Path) -> None:
    out = load_example("14_moons_tensor").main(out_dir=str(tmp_path), epochs=30, n=200, resolution=20,
                                                progress=False)
    assert out["accuracy"] >= 0.95
    assert out["history"].loss[-1] < out["history"].loss[0]
    assert [p.name for p in out["paths"]] == ["moons_tensor.png", "moons_tensor_history.png"]
    assert all(is_png(p) for p in out["paths"])


def test_16_digits_reaches_95_percent(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    out = load_example("16_digits").main(out_dir=str(tmp_path), progress=False)
    assert out["test_accuracy"] >= 0.95  # really trained: the full default run
    assert out["history"].val_accuracy[-1] == out["test_accuracy"]
    assert is_png(out["paths"][0])
