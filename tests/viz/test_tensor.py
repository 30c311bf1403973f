"""Tensor graphs: drawn with shapes and dtypes, stepped through, checked against PyTorch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.viz.svg import rendered
from viz import draw, steps

tensor = pytest.importorskip("autograd.tensor", reason="autograd.tensor is not in this tree yet")
torch = pytest.importorskip("torch")

X0 = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])
W0 = np.array([[0.1], [0.2], [-0.3]])
B0 = np.array([0.5])


def logistic_loss() -> tuple[object, dict[str, object]]:
    T = tensor.Tensor
    X, W, b = T(X0, name="X"), T(W0, name="W"), T(B0, name="b")
    z = X @ W + b
    z.name = "z"
    a = z.sigmoid()
    a.name = "a"
    L = ((a - 1.0) ** 2).mean()
    L.name = "L"
    return L, {"X": X, "W": W, "b": b}


def torch_grads() -> dict[str, np.ndarray]:
    X, W, b = (torch.tensor(v, requires_grad=True) for v in (X0, W0, B0))
    L = ((torch.sigmoid(X @ W + b) - 1.0) ** 2).mean()
    L.backward()
    return {"X": X.grad.numpy(), "W": W.grad.numpy(), "b": b.grad.numpy()}


def test_tensor_boxes_show_shapes_and_the_matmul() -> None:
    L, _ = logistic_loss()
    drawn = rendered(draw(L, "backward"))
    texts = " ".join(drawn.texts())
    for shape in ("(2, 3) float64", "(3, 1) float64", "(1,) float64", "(2, 1) float64", "() float64"):
        assert shape in texts
    assert "@" in drawn.texts() and "sigmoid" in drawn.texts()
    assert "da/dz = a*(1 - a)" in drawn.texts()


def test_tensor_steps_match_pytorch() -> None:
    L, leaves = logistic_loss()
    trace = steps(L)
    expected = torch_grads()
    for name, leaf in leaves.items():
        np.testing.assert_allclose(trace.grads[leaf], expected[name], rtol=1e-12)
        # the contributions recorded for the leaf add up to the same gradient
        total = sum(e.contribution for s in trace for e in s.edges if e.parent is leaf)
        np.testing.assert_allclose(total, expected[name], rtol=1e-12)
    assert "step 6  t1 = X @ W" in str(trace)
    assert [s.name for s in trace][:2] == ["L", "t3"]


def test_a_tensor_step_page_renders(tmp_path: Path) -> None:
    L, _ = logistic_loss()
    trace = steps(L)
    page = trace.write_player(str(tmp_path / "t.html")).read_text(encoding="utf-8")
    assert page.count('class="frame"') == len(trace) + 2  # the start, each step, the summary


def test_a_tensor_root_of_many_elements_is_drawn_and_stepped_with_a_seed() -> None:
    T = tensor.Tensor
    X, W = T(X0, name="X"), T(W0, name="W")
    a = (X @ W).tanh()  # shape (2, 1): no implicit seed
    with pytest.raises(ValueError, match=r"shape \(2, 1\) needs a seed.*seed= to viz.draw"):
        draw(a, "backward")
    assert "tanh" in rendered(draw(a, "forward")).texts()  # the forward view needs no seed
    seed = np.array([[1.0], [-2.0]])
    tX, tW = (torch.tensor(v, requires_grad=True) for v in (X0, W0))
    torch.tanh(tX @ tW).backward(torch.tensor(seed))
    trace = steps(a, seed=seed)
    np.testing.assert_allclose(trace.grads[W], tW.grad.numpy(), rtol=1e-12)
    texts = " ".join(rendered(draw(a, "both", seed=seed)).texts())
    assert "grad" in texts and "(3, 1) float64" in texts
    with pytest.raises(ValueError, match=r"seed d root / d root has shape \(2,\), the tensor \(2, 1\)"):
        draw(a, "backward", seed=np.ones(2))
