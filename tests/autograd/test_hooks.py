"""Watching gradients flow: hooks, detach, requires_grad and backward(keep_intermediate=False),
against PyTorch float64 (the same hooks registered on the same graph there)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import viz
from autograd import Tensor, Value, grad, no_grad

torch = pytest.importorskip("torch")


def t64(x: Any) -> Any:
    return torch.tensor(np.asarray(x, dtype=np.float64), requires_grad=True)


# -- register_hook ----------------------------------------------------------------------------

@given(st.floats(-2, 2), st.floats(-2, 2), st.floats(-3, 3))
def test_hooks_see_and_replace_gradients_as_in_pytorch(x0: float, w0: float, scale: float) -> None:
    seen: list[float] = []
    x, w = Value(x0), Value(w0)
    n = x * w + x
    o = n.tanh() * n
    n.register_hook(lambda g: seen.append(g))  # observes: returns None
    n.register_hook(lambda g: g * scale)  # replaces what flows on, after the first
    x.register_hook(lambda g: g + 1.0)  # a leaf: what is stored in .grad
    o.backward()

    seen_t: list[float] = []
    xt, wt = t64(x0), t64(w0)
    nt = xt * wt + xt
    ot = nt.tanh() * nt
    nt.register_hook(lambda g: seen_t.append(g.item()))
    nt.register_hook(lambda g: g * scale)
    xt.register_hook(lambda g: g + 1.0)
    ot.backward()
    assert seen == pytest.approx(seen_t, rel=1e-13)
    assert x.grad == pytest.approx(xt.grad.item(), rel=1e-12, abs=1e-14)
    assert w.grad == pytest.approx(wt.grad.item(), rel=1e-12, abs=1e-14)
    assert n.grad == pytest.approx(seen[0] * scale, rel=1e-15)  # the replaced gradient is the node's


def test_tensor_hooks_and_removal() -> None:
    a = np.arange(6.0).reshape(2, 3) / 10
    A = Tensor(a)
    H = (A * 2).tanh()
    calls: list[np.ndarray] = []
    handle = H.register_hook(lambda g: calls.append(g.copy()) or np.clip(g, 0.0, 0.3))
    (H * Tensor(a - 0.3)).sum().backward()
    At = t64(a)
    Ht = (At * 2).tanh()
    Ht.register_hook(lambda g: torch.clamp(g, 0.0, 0.3))
    (Ht * torch.tensor(a - 0.3)).sum().backward()
    np.testing.assert_allclose(A.grad, At.grad.numpy(), rtol=1e-13)
    np.testing.assert_allclose(calls[0], a - 0.3)
    handle.remove()
    handle.remove()  # twice: nothing happens
    A.zero_grad()
    (H * Tensor(a - 0.3)).sum().backward()
    assert len(calls) == 1 and A.grad[0, 0] == pytest.approx(2 * (1 - np.tanh(0) ** 2) * -0.3)
    assert H._hooks is None  # back to nothing to read


def test_hooks_run_in_grad_and_under_create_graph() -> None:
    x = Value(3.0)
    y = x**2
    got: list[Any] = []
    y.register_hook(lambda g: got.append(g))
    assert grad(y * 2, [x]) == [12.0] and got == [2.0]
    (d,) = grad(y * 2, [x], create_graph=True)
    assert isinstance(got[1], Value) and d.data == 12.0


def test_a_hook_may_remove_itself_and_a_wrong_shape_is_named() -> None:
    x = Value(1.0)
    y = x * 3
    handles: list[Any] = []
    handles.append(y.register_hook(lambda g: handles[0].remove()))
    y.backward()
    y.backward()
    assert x.grad == 6.0 and y._hooks is None
    t = Tensor(np.ones(3), name="t")
    u = t * 2
    u.name = "u"
    u.register_hook(lambda g: np.ones(2))
    with pytest.raises(ValueError, match=r"a hook on u=array of shape \(3,\) returned a gradient of shape \(2,\)"):
        u.sum().backward()
    assert t.grad is None  # the failed pass changed no .grad


def test_viz_shows_what_the_hooks_made() -> None:
    x = Value(2.0, name="x")
    y = x * 3
    y.name = "y"
    y.register_hook(lambda g: g * 10)
    assert viz.steps(y * 1).grads[x] == 30.0  # the pictures' own pass runs the hooks too


# -- detach and requires_grad -----------------------------------------------------------------

def test_detach_shares_the_data_and_stops_the_gradient() -> None:
    a = np.array([0.5, -1.0, 2.0])
    x = Tensor(a, name="x")
    d = x.detach()
    assert d.data is x.data and d.is_leaf and not d.requires_grad and d.name == "x"
    (x * d.tanh()).sum().backward()
    xt = t64(a)
    (xt * xt.detach().tanh()).sum().backward()
    np.testing.assert_allclose(x.grad, xt.grad.numpy(), rtol=1e-15)
    assert d.grad is None
    v = Value(2.0)
    w = (v * 3).detach()
    assert isinstance(w, Value) and w.data == 6.0 and w.is_leaf


def test_requires_grad_false_leaves_get_no_gradient() -> None:
    X = Tensor(np.ones((4, 2)), requires_grad=False)
    W = Tensor(np.full((2, 1), 0.5), name="W")
    loss = (X @ W).tanh().sum()
    loss.backward()
    assert X.grad is None and W.grad.shape == (2, 1)
    assert not X.requires_grad and W.requires_grad and loss.requires_grad
    c = Value(1.0, requires_grad=False)
    x = Value(2.0)
    (c * x).backward()
    assert c.grad == 0.0 and x.grad == 1.0
    c.requires_grad = True
    (c * x).backward()
    assert c.grad == 2.0


def test_a_backward_that_reaches_nothing_requiring_grad_says_so() -> None:
    x = Value(2.0, name="x", requires_grad=False)
    with pytest.raises(RuntimeError, match=r"from 10.0 reaches no node that requires grad.*requires_grad=False"):
        (x * 5).backward()
    with pytest.raises(RuntimeError, match="reaches no node that requires grad"):
        (Tensor([1.0]).detach() * 2).backward()
    with pytest.raises(RuntimeError, match=r"grad\(\) with respect to x=2.0, which needs no gradient"):
        grad(x * 5, [x])
    with pytest.raises(RuntimeError, match="needs no gradient"):
        x.register_hook(print)
    with pytest.raises(RuntimeError, match="requires_grad can be set only on an input you made"):
        (Value(1.0) * 2).requires_grad = False
    with no_grad():
        y = Value(1.0) * 2
    assert not y.requires_grad
    with pytest.raises(RuntimeError, match="requires_grad can be set only"):
        y.requires_grad = True


def test_results_of_no_grad_get_no_gradient_either() -> None:
    x = Value(3.0)
    with no_grad():
        c = x * 2
    (c * x).backward()
    xt = t64(3.0)
    with torch.no_grad():
        ct = xt * 2
    (ct * xt).backward()
    assert x.grad == xt.grad.item() == 6.0 and c.grad == 0.0


# -- backward(keep_intermediate=False) and retain_grad -------------------------------------------

def test_keep_intermediate_false_gives_leaves_the_same_gradients_and_intermediates_none() -> None:
    rng = np.random.default_rng(0)
    W1, W2 = Tensor(rng.standard_normal((3, 4)), name="W1"), Tensor(rng.standard_normal((4, 1)), name="W2")
    X = rng.standard_normal((5, 3))
    grads = []
    for keep in (True, False):
        W1.grad = W2.grad = None
        H = (Tensor(X) @ W1).relu()
        H.retain_grad() if not keep else None
        Z = H @ W2
        loss = (Z * Z).mean()
        loss.backward(keep_intermediate=keep)
        grads.append((W1.grad.copy(), W2.grad.copy()))
        if keep:
            assert Z.grad is not None and loss.grad is not None
        else:
            assert Z.grad is None and loss.grad is None and H.grad is not None  # retained
    np.testing.assert_array_equal(grads[0][0], grads[1][0])
    np.testing.assert_array_equal(grads[0][1], grads[1][1])


def test_keep_intermediate_false_accumulates_into_leaves() -> None:
    x = Value(2.0)
    y = x * x
    y.backward(keep_intermediate=False)
    y.backward(keep_intermediate=False)
    assert x.grad == 8.0 and y.grad == 0.0


def test_integer_tensors_require_no_grad() -> None:
    assert not Tensor([1, 2], dtype=np.int64).requires_grad and Tensor([1.0]).requires_grad
