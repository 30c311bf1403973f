"""The chain-rule steps a training step runs (``+``/``-`` with a broadcast bias, ``@`` with a data
batch, ``tanh``, fused cross-entropy): oracles PyTorch and the closed-form gradients, in float64
and float32, plain and under ``create_graph``."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd import Tensor, cross_entropy, grad, no_grad

torch = pytest.importorskip("torch")


Params = list[tuple[np.ndarray, np.ndarray]]


def _mlp(X: np.ndarray, y: np.ndarray, params: Params, dtype: type) -> tuple[float, list[np.ndarray]]:
    ours = [(Tensor(W, dtype=dtype), Tensor(b, dtype=dtype)) for W, b in params]
    h = X.astype(dtype)  # the batch as a plain array, as in a training loop
    for k, (W, b) in enumerate(ours):
        h = h @ W + b
        if k < len(ours) - 1:
            h = (h - 0.25).tanh()
    loss = cross_entropy(h, y)
    loss.backward()
    assert loss.dtype == dtype
    grads = [g for W, b in ours for g in (W.grad, b.grad)]
    assert all(g.dtype == dtype for g in grads)
    return loss.item(), grads


def _torch_mlp(X: np.ndarray, y: np.ndarray, params: Params) -> tuple[float, list[np.ndarray]]:
    theirs = [(torch.tensor(W, requires_grad=True), torch.tensor(b, requires_grad=True)) for W, b in params]
    h = torch.tensor(X)
    for k, (W, b) in enumerate(theirs):
        h = h @ W + b
        if k < len(theirs) - 1:
            h = torch.tanh(h - 0.25)
    loss = torch.nn.functional.cross_entropy(h, torch.tensor(y))
    loss.backward()
    return loss.item(), [t.grad.numpy() for W, b in theirs for t in (W, b)]


@given(st.integers(1, 40), st.integers(2, 7), st.integers(0, 2**32 - 1))
def test_training_step_gradients_match_pytorch(m: int, classes: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    sizes = (5, 8, classes)
    params = [(rng.standard_normal((i, o)), rng.standard_normal(o)) for i, o in zip(sizes, sizes[1:])]
    X, y = rng.standard_normal((m, sizes[0])), rng.integers(0, classes, m)
    want_loss, want = _torch_mlp(X, y, params)
    loss, got = _mlp(X, y, params, np.float64)
    assert loss == pytest.approx(want_loss, rel=1e-12)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)
    loss32, got32 = _mlp(X, y, params, np.float32)
    assert loss32 == pytest.approx(want_loss, rel=1e-4, abs=1e-5)
    for g, w in zip(got32, want):
        np.testing.assert_allclose(g, w, rtol=1e-3, atol=1e-4)


@given(hnp.arrays(np.float64, (5, 4), elements=st.floats(-30, 30)), st.lists(st.integers(0, 3), min_size=5, max_size=5),
       st.floats(-3, 3))
def test_cross_entropy_gradient_is_seed_times_softmax_minus_onehot_over_m(logits: np.ndarray, labels: list[int],
                                                                         seed: float) -> None:
    x = Tensor(logits)
    before = logits.copy()
    loss = cross_entropy(x, labels)
    loss.backward(np.array(seed))
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    onehot = np.eye(4)[labels]
    np.testing.assert_allclose(x.grad, seed * (p - onehot) / 5, rtol=1e-12, atol=1e-15)
    assert loss.item() == pytest.approx(-np.log(p[np.arange(5), labels]).mean(), rel=1e-9, abs=1e-12)
    np.testing.assert_array_equal(x.data, before)  # the logits are read, never written
    x.grad = None
    loss.backward(np.array(seed))  # a second pass gives the same gradient: the step changes nothing it keeps
    np.testing.assert_allclose(x.grad, seed * (p - onehot) / 5, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(("labels", "message"), [
    ([0, 4, 1], r"labels in 0\.\.3 expected .* got labels 0\.\.4"),
    ([0, -1, 1], r"labels in 0\.\.3 expected .* got labels -1\.\.1"),
    ([0, 1], r"2 labels for logits of shape \(3, 4\): one label per row"),
    ([0.0, 1.0, 2.0], r"m integer labels"),
])
def test_cross_entropy_rejects_bad_labels_clearly(labels: list[float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        cross_entropy(Tensor(np.zeros((3, 4))), labels)


def test_cross_entropy_of_an_empty_batch_is_an_error() -> None:
    with pytest.raises(ValueError, match="empty batch"):
        cross_entropy(Tensor(np.zeros((0, 4))), np.zeros(0, dtype=int))


def test_broadcast_add_and_sub_under_create_graph() -> None:
    # f = sum((x - c) * (x + b)), x (3, 4), b (4,), c (3, 1): closed forms for every gradient
    rng = np.random.default_rng(3)
    x, b, c = (Tensor(rng.standard_normal(s)) for s in ((3, 4), (4,), (3, 1)))
    f = ((x - c) * (x + b)).sum()
    gx, gb, gc = grad(f, [x, b, c], create_graph=True)
    assert all(isinstance(g, Tensor) and g.parents for g in (gx, gb, gc))
    np.testing.assert_allclose(gx.data, 2 * x.data + b.data - c.data, rtol=1e-12)
    np.testing.assert_allclose(gb.data, (x.data - c.data).sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(gc.data, -(x.data + b.data).sum(axis=1, keepdims=True), rtol=1e-12)
    # d/dx sum(gb^2) = 2 gb on every row; d/dx sum(gc^2) = -2 gc on every column
    (h,) = grad((gb * gb).sum() + (gc * gc).sum() - gx.sum(), [x])
    np.testing.assert_allclose(h, 2 * gb.data - 2 * gc.data - 2, rtol=1e-12)
    assert gb.shape == (4,) and gc.shape == (3, 1)


@pytest.mark.parametrize("layout", ["transposed", "fortran", "reversed columns"])
def test_cross_entropy_of_logits_in_any_memory_layout(layout: str) -> None:
    # Z = W @ X gives (classes, m): cross_entropy(Z.T, y) reads logits that are not C-ordered
    rng = np.random.default_rng(7)
    y = np.array([0, 2, 1, 1, 0])
    raw = rng.standard_normal((3, 5))
    z = Tensor(raw)
    logits = {"transposed": z.T, "fortran": z.T, "reversed columns": z.T[:, ::-1]}[layout]
    if layout == "fortran":
        z = Tensor(np.asfortranarray(raw.T))
        logits = z
    t = torch.tensor(z.data, requires_grad=True)
    t_logits = {"transposed": t.T, "fortran": t, "reversed columns": t.T.flip(1)}[layout]
    want_loss = torch.nn.functional.cross_entropy(t_logits, torch.tensor(y))
    (want,) = torch.autograd.grad(want_loss, [t], create_graph=True)
    (want2,) = torch.autograd.grad((want * want).sum(), [t])

    loss = cross_entropy(logits, y)
    assert loss.item() == pytest.approx(want_loss.item(), rel=1e-12)
    loss.backward()
    np.testing.assert_allclose(z.grad, want.detach().numpy(), rtol=1e-10, atol=1e-12)
    (g,) = grad(cross_entropy(logits, y), [z], create_graph=True)
    np.testing.assert_allclose(g.data, want.detach().numpy(), rtol=1e-10, atol=1e-12)
    (g2,) = grad((g * g).sum(), [z])  # a second derivative through the fused node's create_graph step
    np.testing.assert_allclose(g2, want2.numpy(), rtol=1e-10, atol=1e-12)


def test_each_leaf_owns_its_gradient_array() -> None:
    # + passes one array to both inputs, reshape and transpose pass views: an in-place update of
    # one parameter's .grad (an optimizer, gradient clipping) must not reach another node's.
    a, b = Tensor(np.ones(3)), Tensor(np.ones(3))
    total = a + b
    loss = (total * 2.0).sum()
    loss.backward()
    w = Tensor(np.arange(4.0).reshape(2, 2))
    (w.T.reshape(4) * np.arange(4.0)).sum().backward()
    assert w.grad.base is None
    np.testing.assert_array_equal(w.grad, np.arange(4.0).reshape(2, 2).T)
    a.grad *= 0.5  # clipping a in place
    np.testing.assert_array_equal(b.grad, [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(total.grad, [2.0, 2.0, 2.0])
    for x, y in ((a, b), (a, total), (b, total)):
        assert not np.shares_memory(x.grad, y.grad)
    seed = np.array([1.0, 2.0, 3.0])
    leaf = Tensor(np.zeros(3))
    leaf.backward(seed)
    seed[0] = 99.0  # the caller's seed array is not the leaf's gradient
    np.testing.assert_array_equal(leaf.grad, [1.0, 2.0, 3.0])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_implicit_seed_is_a_fresh_one_each_pass(dtype: type) -> None:
    # The implicit d root / d root = 1 comes from a cached array of ones: every pass gets a copy,
    # since + and - pass it on unchanged, to a leaf's .grad or to a caller of grad().
    x, y = Tensor(np.array([2.0]), dtype=dtype), Tensor(np.array([3.0]), dtype=dtype)
    loss = x - y
    loss.zero_grad()  # the root holds zeros: after the pass it holds zeros + 1, not the seed
    loss.backward()
    x.grad *= 0.5  # a leaf's gradient is its own, writable array
    assert x.grad == 0.5 and y.grad == -1.0 and loss.grad == 1.0 and x.grad.dtype == dtype
    w = Tensor(np.array(1.5), dtype=dtype)
    out = w + 1.0
    out.backward()
    w.grad = None
    out.backward()  # the root's .grad is not None this time
    w.grad += 1.0
    assert w.grad == 2.0
    first, second = grad(out, [out])[0], grad(out, [out])[0]
    assert first is not second and first.flags.writeable
    first *= 7.0
    assert grad(out, [out])[0] == 1.0  # the cached ones are still ones


def test_cross_entropy_under_no_grad_is_the_same_loss_as_a_leaf() -> None:
    # evaluation skips the gradient's softmax - onehot; the loss must not change by a bit
    rng = np.random.default_rng(11)
    x, y = Tensor(rng.standard_normal((9, 4)), dtype=np.float32), rng.integers(0, 4, 9)
    with no_grad():
        evaluated = cross_entropy(x, y)
    trained = cross_entropy(x, y)
    assert evaluated.is_leaf and not trained.is_leaf
    assert evaluated.data == trained.data and evaluated.dtype == np.float32
    assert trained.grad_fn is not None
    np.testing.assert_array_equal(trained.grad_fn.forward(x.data, trained.arg), trained.data)  # the record replays
