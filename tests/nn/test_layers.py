"""Tensor modules: Linear, Sequential, activations, Dropout, BatchNorm1d; Tensor losses and optimizers."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from autograd import Value, no_grad
from autograd.tensor import Tensor
from nn import (
    ELU,
    MLP,
    SGD,
    AdaGrad,
    Adam,
    BatchNorm1d,
    Dropout,
    Identity,
    LeakyReLU,
    Linear,
    Momentum,
    ReLU,
    RMSProp,
    Sequential,
    Sigmoid,
    Softmax,
    StateDictError,
    Tanh,
    losses,
)
from nn.optim import Optimizer
from tests.nn.test_optim import CASES, by_hand

RNG = np.random.default_rng(0)


def test_linear_is_x_wt_plus_b() -> None:
    layer = Linear(3, 4, seed=0)
    assert layer.W.data.shape == (4, 3) and layer.b.data.shape == (4,)
    X = RNG.normal(size=(5, 3))
    out = layer(X)
    np.testing.assert_allclose(out.data, X @ layer.W.data.T + layer.b.data, rtol=1e-14)
    with pytest.raises(ValueError, match=r"takes inputs of shape \(m, 3\)"):
        layer(np.zeros((2, 5)))


def test_keras_counts_with_tensor_layers() -> None:
    model = Sequential(Linear(6, 9), Linear(9, 4))
    assert [m.num_parameters() for m in model.layers] == [63, 40]
    text = model.summary()
    assert "Total params: 103" in text
    assert any(line.startswith("layers.0 (Linear)") and line.split()[-3:] == ["(None,", "9)", "63"]
               for line in text.splitlines())
    deep = Sequential(Linear(8, 9), ReLU(), Linear(9, 9), ReLU(), Linear(9, 9), ReLU(), Linear(9, 4))
    assert deep.num_parameters() == 301
    assert [n for n, _ in model.named_parameters()] == ["layers.0.W", "layers.0.b", "layers.1.W", "layers.1.b"]


def test_same_network_as_values_and_as_tensors() -> None:
    # the scalar MLP and a Sequential with the same weights: same outputs and gradients
    mlp = MLP(3, [4, 2], activation="tanh", seed=2)
    seq = Sequential(Linear(3, 4), Tanh(), Linear(4, 2))
    for layer, lin in zip(mlp.layers, [seq.layers[0], seq.layers[2]]):
        lin.W.data = np.array([[w.data for w in n.w] for n in layer.neurons])
        lin.b.data = np.array([n.b.data for n in layer.neurons])
    X = RNG.normal(size=(6, 3))
    y = RNG.normal(size=(6, 2))
    losses.mse(mlp(X), y).backward()
    t_loss = losses.mse(seq(X), y)
    t_loss.backward()
    assert t_loss.data == pytest.approx(losses.mse(mlp(X), y).data, rel=1e-12)
    for layer, lin in zip(mlp.layers, [seq.layers[0], seq.layers[2]]):
        np.testing.assert_allclose(lin.W.grad, [[w.grad for w in n.w] for n in layer.neurons], rtol=1e-10)
        np.testing.assert_allclose(lin.b.grad, [n.b.grad for n in layer.neurons], rtol=1e-10)


ACT_MODULES: list[tuple[Any, Callable[[np.ndarray], np.ndarray]]] = [
    (Identity(), lambda z: z),
    (Sigmoid(), lambda z: 1 / (1 + np.exp(-z))),
    (Tanh(), np.tanh),
    (ReLU(), lambda z: np.maximum(z, 0)),
    (LeakyReLU(0.1), lambda z: np.where(z > 0, z, 0.1 * z)),
    (ELU(0.5), lambda z: np.where(z > 0, z, 0.5 * np.expm1(z))),
    (Softmax(), lambda z: np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)),
]


@pytest.mark.parametrize(("module", "ref"), ACT_MODULES, ids=[type(m).__name__ for m, _ in ACT_MODULES])
def test_activation_modules(module: Any, ref: Callable[[np.ndarray], np.ndarray]) -> None:
    Z = RNG.normal(size=(4, 3))
    np.testing.assert_allclose(module(Tensor(Z)).data, ref(Z), rtol=1e-12)
    if not isinstance(module, Softmax):  # the same module works on Values
        assert [v.data for v in module([Value(z) for z in Z[0]])] == pytest.approx(ref(Z[:1])[0])
    assert module.num_parameters() == 0


def test_dropout_inverted_scaling_and_eval() -> None:
    drop = Dropout(0.3, seed=0)
    x = Tensor(np.ones((200, 50)))
    out = drop(x)
    kept = out.data != 0
    assert np.allclose(out.data[kept], 1 / 0.7)  # survivors divided by keep_prob
    assert kept.mean() == pytest.approx(0.7, abs=0.02)
    assert out.data.mean() == pytest.approx(1.0, abs=0.03)  # expectation unchanged
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, drop.mask)  # dA = dA * D / keep_prob
    drop.eval()
    assert drop(x) is x
    values = [Value(1.0) for _ in range(10)]
    assert drop(values) is values
    with pytest.raises(ValueError, match=r"must be a number in \[0, 1\], got 1.5"):
        Dropout(1.5)  # p = 1 is allowed: it zeroes everything (tests/nn/test_messages.py)


def test_batchnorm_train_and_eval_against_numpy() -> None:
    bn = BatchNorm1d(3, momentum=0.1)
    bn.gamma.data = np.array([1.0, 2.0, 0.5])
    bn.beta.data = np.array([0.0, -1.0, 3.0])
    running_mean, running_var = np.zeros(3), np.ones(3)
    for step in range(3):
        Z = RNG.normal(loc=step, scale=1 + step, size=(8, 3))
        out = bn(Z)
        mu = Z.mean(axis=0)
        var = ((Z - mu) ** 2).mean(axis=0)  # the notes' sigma^2 (1/m)
        np.testing.assert_allclose(out.data, bn.gamma.data * (Z - mu) / np.sqrt(var + 1e-5) + bn.beta.data,
                                   rtol=1e-12)
        running_mean = 0.9 * running_mean + 0.1 * mu
        running_var = 0.9 * running_var + 0.1 * var * 8 / 7
        np.testing.assert_allclose(bn.running_mean, running_mean, rtol=1e-12)
        np.testing.assert_allclose(bn.running_var, running_var, rtol=1e-12)
    bn.eval()
    Z = RNG.normal(size=(4, 3))
    expected = bn.gamma.data * (Z - running_mean) / np.sqrt(running_var + 1e-5) + bn.beta.data
    np.testing.assert_allclose(bn(Z).data, expected, rtol=1e-12)
    np.testing.assert_allclose(bn(Z[:1]).data, expected[:1], rtol=1e-12)  # one example is fine in eval
    bn.train()
    with pytest.raises(ValueError, match="at least 2 examples"):
        bn(Z[:1])


def test_batchnorm_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    Z = RNG.normal(size=(6, 4))
    G = RNG.normal(size=(6, 4))
    ours = BatchNorm1d(4)
    theirs = torch.nn.BatchNorm1d(4).double()
    tz = torch.tensor(Z, requires_grad=True)
    (theirs(tz) * torch.tensor(G)).sum().backward()
    x = Tensor(Z)
    (ours(x) * G).sum().backward()
    np.testing.assert_allclose(x.grad, tz.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.gamma.grad, theirs.weight.grad.numpy(), rtol=1e-9)
    np.testing.assert_allclose(ours.beta.grad, theirs.bias.grad.numpy(), rtol=1e-9)
    np.testing.assert_allclose(ours.running_var, theirs.running_var.numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours.running_mean, theirs.running_mean.numpy(), rtol=1e-12)


def test_batchnorm_state_and_summary(tmp_path: os.PathLike[str]) -> None:
    model = Sequential(Linear(4, 3, seed=0), BatchNorm1d(3), ReLU(), Linear(3, 2, seed=1))
    model(RNG.normal(size=(5, 4)))
    names = list(model.state_dict())
    assert names == ["layers.0.W", "layers.0.b", "layers.1.gamma", "layers.1.beta", "layers.3.W", "layers.3.b",
                     "layers.1.running_mean", "layers.1.running_var"]
    text = model.summary()
    assert "Trainable params: 29" in text and "Non-trainable params: 6" in text and "Total params: 35" in text
    path = os.path.join(tmp_path, "bn.npz")
    model.save(path)
    other = Sequential(Linear(4, 3, seed=5), BatchNorm1d(3), ReLU(), Linear(3, 2, seed=6))
    other.load(path)
    for (k, a), b in zip(model.state_dict().items(), other.state_dict().values()):
        np.testing.assert_array_equal(a, b, err_msg=k)
    other.eval()
    model.eval()
    X = RNG.normal(size=(3, 4))
    np.testing.assert_array_equal(model(X).data, other(X).data)
    wrong = Sequential(Linear(4, 3), BatchNorm1d(3), ReLU(), Linear(3, 3))
    before = wrong.state_dict()
    with pytest.raises(StateDictError, match=r"layers.3.W has shape \(2, 3\), the model needs \(3, 3\)"):
        wrong.load(path)
    for k, v in wrong.state_dict().items():
        np.testing.assert_array_equal(v, before[k])


@pytest.mark.parametrize(("kind", "make", "lr", "options"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_optimizers_on_tensors_match_the_formula(kind: str, make: Callable[[list[Any]], Optimizer], lr: float,
                                                 options: dict[str, float]) -> None:
    from tests.nn.test_optim import SCALE, START

    x = Tensor(START.copy())
    opt = make([x])
    path = []
    for _ in range(30):
        opt.zero_grad()
        (x * x * SCALE).sum().backward()
        opt.step()
        path.append(x.data.copy())
    np.testing.assert_allclose(np.array(path), by_hand(kind, lr, 30, **options), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("cls", [SGD, Momentum, AdaGrad, RMSProp, Adam])
def test_optimizers_keep_float32_and_mix_values_and_tensors(cls: type[Optimizer]) -> None:
    w = Tensor(np.ones((2, 3), dtype=np.float32))
    v = Value(1.0)
    opt = cls([w, v], lr=0.01)
    ((w * w).sum() * 2.0).backward()
    (v * v).backward()
    opt.step()
    assert w.data.dtype == np.float32 and type(v.data) is float
    assert (w.data < 1).all() and v.data < 1
    opt.zero_grad()
    assert not np.any(w.grad) and v.grad == 0.0


Y1 = np.array([1, 0, 1, 1, 0])
Y2 = RNG.normal(size=(5, 2))
LABELS = np.array([0, 2, 1, 2, 0])
Z = RNG.normal(size=(5, 3))
PROBS = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
TENSOR_LOSSES: dict[str, tuple[Callable[[Any], Any], np.ndarray]] = {
    "mse": (lambda p: losses.mse(p, Y2), RNG.normal(size=(5, 2))),
    "bce": (lambda p: losses.binary_cross_entropy(p, Y1), RNG.uniform(0.05, 0.95, size=5)),
    "bce_logits": (lambda p: losses.binary_cross_entropy_with_logits(p, Y1), RNG.normal(size=(5, 1))),
    "ce": (lambda p: losses.cross_entropy(p, LABELS), PROBS),
    "ce_logits": (lambda p: losses.cross_entropy_with_logits(p, LABELS), Z),
    "hinge": (lambda p: losses.hinge(p, Y1), RNG.normal(size=5)),
    "multiclass_hinge": (lambda p: losses.multiclass_hinge(p, LABELS), RNG.normal(size=(5, 3))),
}


@pytest.mark.parametrize("name", list(TENSOR_LOSSES))
def test_tensor_losses_equal_value_losses(name: str) -> None:
    # the Value version is checked against numpy and torch in test_losses: the Tensor one must agree
    fn, x = TENSOR_LOSSES[name]
    t = Tensor(x.copy())
    t_loss = fn(t)
    t_loss.backward()
    vs = [[Value(float(a)) for a in row] for row in x] if x.ndim == 2 and x.shape[1] > 1 else \
        [Value(float(a)) for a in x.ravel()]
    v_loss = fn(vs)
    v_loss.backward()
    assert float(t_loss.data) == pytest.approx(v_loss.data, rel=1e-12)
    v_grad = np.array([[v.grad for v in row] for row in vs]) if isinstance(vs[0], list) else \
        np.array([v.grad for v in vs])
    np.testing.assert_allclose(t.grad.reshape(v_grad.shape), v_grad, rtol=1e-10, atol=1e-14)


def test_tensor_penalties() -> None:
    model = Sequential(Linear(3, 4, seed=0), Linear(4, 2, seed=1))
    W = [model.layers[0].W.data, model.layers[1].W.data]
    penalty = losses.l2_penalty(model, lam=0.5, m=4)
    assert float(penalty.data) == pytest.approx(0.5 / 8 * sum((w**2).sum() for w in W))
    penalty.backward()
    np.testing.assert_allclose(model.layers[0].W.grad, 0.5 / 4 * W[0])
    assert not np.any(model.layers[0].b.grad)


def test_eval_under_no_grad_records_nothing() -> None:
    model = Sequential(Linear(2, 3, seed=0), Tanh(), Linear(3, 1, seed=1))
    with no_grad():
        out = model(np.ones((4, 2)))
    assert out.is_leaf
