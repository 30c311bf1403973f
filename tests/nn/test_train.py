"""fit, evaluate, accuracy and History."""

from __future__ import annotations

import builtins
import sys
from typing import Any

import numpy as np
import pytest

from nn import MLP, SGD, Adam, DataLoader, accuracy, data, evaluate, fit, losses


def test_fit_learns_blobs_with_scalar_values() -> None:
    X, y = data.blobs(60, centers=np.array([[2.0, 2.0], [-2.0, -2.0]]), std=0.7, seed=0)
    model = MLP(2, [4, 1], activation="tanh", output_activation="sigmoid", init="xavier", seed=0)
    loader = DataLoader(X, y, batch_size=20, seed=0)
    seen: list[int] = []
    history = fit(model, losses.binary_cross_entropy, SGD(model.parameters(), lr=0.5), loader, epochs=8,
                  validation=(X, y), progress=False, callback=lambda e, h: seen.append(e))
    assert history.epoch == list(range(1, 9)) == seen
    assert history.loss[-1] < history.loss[0]
    assert history.accuracy[-1] == 1.0 and history.val_accuracy[-1] == 1.0
    assert set(history.as_dict()) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    loss, acc = evaluate(model, losses.binary_cross_entropy, X, y)
    assert acc == 1.0 and loss == pytest.approx(history.val_loss[-1])
    assert model.training  # evaluate restores the mode


def test_fit_matches_the_manual_loop() -> None:
    X, y = data.moons(16, seed=1)
    a, b = MLP(2, [3, 1], seed=2), MLP(2, [3, 1], seed=2)
    fit(a, losses.hinge, SGD(a.parameters(), lr=0.1), DataLoader(X, y, 8, seed=3), epochs=2, progress=False)
    opt = SGD(b.parameters(), lr=0.1)
    loader = DataLoader(X, y, 8, seed=3)
    for _ in range(2):
        for xb, yb in loader:
            opt.zero_grad()
            losses.hinge(b(xb), yb).backward()
            opt.step()
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]


def test_progress_bar_shows_loss_and_accuracy(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("tqdm")
    X, y = data.gate("and")
    model = MLP(2, [1], seed=0)
    fit(model, losses.hinge, Adam(model.parameters(), lr=0.1), DataLoader(X, y, 4), epochs=2)
    err = capsys.readouterr().err
    assert "loss=" in err and "acc=" in err


def test_fit_without_tqdm(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_tqdm(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "tqdm":
            raise ImportError("No module named 'tqdm'")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "tqdm", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_tqdm)
    X, y = data.gate("or")
    model = MLP(2, [1], seed=0)
    history = fit(model, losses.hinge, SGD(model.parameters(), lr=0.1), DataLoader(X, y, 2), epochs=1)
    assert len(history.loss) == 1


def test_accuracy_rules() -> None:
    assert accuracy(np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]]), np.array([1, 0, 0])) == pytest.approx(2 / 3)
    assert accuracy(np.array([[0.1, 0.9]]), np.array([[0, 1]])) == 1.0
    assert accuracy(np.array([0.9, 0.2, 0.6]), np.array([1, 0, 0])) == pytest.approx(2 / 3)
    assert accuracy(np.array([2.0, -1.0]), np.array([1, -1])) == 1.0
    assert accuracy(np.array([0.2, -0.1]), np.array([1, 0]), threshold=0.0) == 1.0
    with pytest.raises(ValueError, match="2 outputs but 3 targets"):
        accuracy(np.array([1.0, 2.0]), np.array([1, 0, 1]))
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        model = MLP(2, [1])
        fit(model, losses.hinge, SGD(model.parameters(), lr=0.1), DataLoader(*data.gate("or")), epochs=0)


def test_history_plot() -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    X, y = data.gate("or")
    model = MLP(2, [1], seed=0)
    history = fit(model, losses.hinge, SGD(model.parameters(), lr=0.1), DataLoader(X, y, 4), epochs=3,
                  progress=False)
    ax = history.plot()
    assert [line.get_label() for line in ax.get_lines()] == ["loss", "accuracy"]
    assert list(ax.get_lines()[0].get_ydata()) == history.loss
