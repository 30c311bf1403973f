"""Scalar modules: forward against numpy, gradients against finite differences and PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value
from autograd.testing import gradcheck
from nn import MLP, Layer, Neuron

ACTS = {
    "identity": lambda z: z,
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "elu": lambda z: np.where(z > 0, z, np.expm1(z)),
}


def weights_of(layer: Layer) -> tuple[np.ndarray, np.ndarray]:
    W = np.array([[w.data for w in n.w] for n in layer.neurons])
    b = np.array([n.b.data for n in layer.neurons])
    return W, b


@pytest.mark.parametrize("act", sorted(ACTS))
def test_mlp_forward_matches_numpy(act: str) -> None:
    model = MLP(3, [5, 4, 2], activation=act, seed=3)
    x = np.array([0.5, -1.2, 2.0])
    a = x
    for i, layer in enumerate(model.layers):
        W, b = weights_of(layer)
        z = W @ a + b  # note 001: z = W x + b, a = g(z)
        a = ACTS[act](z) if i < len(model.layers) - 1 else z
    assert [v.data for v in model(x)] == pytest.approx(a, rel=1e-12, abs=1e-15)


def test_softmax_layer_outputs_probabilities() -> None:
    layer = Layer(3, 4, activation="softmax", seed=0)
    out = layer([1.0, -1.0, 0.5])
    W, b = weights_of(layer)
    z = W @ np.array([1.0, -1.0, 0.5]) + b
    assert [v.data for v in out] == pytest.approx(np.exp(z) / np.exp(z).sum(), rel=1e-12)
    with pytest.raises(ValueError, match="whole layer"):
        Neuron(3, activation="softmax")


def with_weights(ws: tuple[Value, ...]) -> MLP:
    """The seed-1 network, its parameters replaced by the given leaves (in parameter order)."""
    model = MLP(3, [4, 1], activation="tanh", seed=1)
    it = iter(ws)
    for layer in model.layers:
        for n in layer.neurons:
            n.w = [next(it) for _ in n.w]
            n.b = next(it)
    return model


@given(st.lists(st.floats(-2, 2), min_size=3, max_size=3))
def test_mlp_gradients_match_finite_differences(x: list[float]) -> None:
    start = [p.data for p in MLP(3, [4, 1], activation="tanh", seed=1).parameters()]
    # d loss / d every weight, by the engine and by central differences
    assert gradcheck(lambda *ws: (with_weights(ws)(x) - 0.5) ** 2, start)
    # and d loss / d input
    model = with_weights(tuple(Value(w) for w in start))
    assert gradcheck(lambda a, b, c: (model([a, b, c]) - 0.5) ** 2, x)


def test_mlp_gradients_match_torch() -> None:
    torch = pytest.importorskip("torch")
    model = MLP(2, [3, 2], activation="tanh", seed=4)
    x = [0.7, -1.1]
    out = model(x)
    loss = (out[0] - 1.0) ** 2 + out[1] * 3.0
    loss.backward()
    Ws, bs = zip(*(weights_of(layer) for layer in model.layers))
    tW = [torch.tensor(W, requires_grad=True) for W in Ws]
    tb = [torch.tensor(b, requires_grad=True) for b in bs]
    a = torch.tensor(x, dtype=torch.float64)
    h = torch.tanh(tW[0] @ a + tb[0])
    o = tW[1] @ h + tb[1]
    ((o[0] - 1.0) ** 2 + o[1] * 3.0).backward()
    for layer, gW, gb in zip(model.layers, tW, tb):
        W_grad = np.array([[w.grad for w in n.w] for n in layer.neurons])
        b_grad = np.array([n.b.grad for n in layer.neurons])
        np.testing.assert_allclose(W_grad, gW.grad.numpy(), rtol=1e-12)
        np.testing.assert_allclose(b_grad, gb.grad.numpy(), rtol=1e-12)


def test_batch_input_gives_one_output_per_row() -> None:
    model = MLP(2, [3, 1], seed=0)
    X = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]])
    batch = model(X)
    assert [v.data for v in batch] == [model(row).data for row in X]
    assert isinstance(model([0.0, 1.0]), Value)


def test_seed_fixes_the_network_and_initializers_apply() -> None:
    a, b = MLP(2, [3, 1], seed=5), MLP(2, [3, 1], seed=5)
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]
    assert [p.data for p in MLP(2, [3, 1], seed=6).parameters()] != [p.data for p in a.parameters()]
    zero = MLP(2, [3, 1], init="zeros")
    assert all(p.data == 0.0 for p in zero.parameters())
    assert all(-1 <= p.data <= 1 for p in a.parameters())  # micrograd's uniform(-1, 1)
    n = Neuron(2, "tanh", weights=[0.5, -0.25], bias=0.1)
    assert n([2.0, 4.0]).data == pytest.approx(np.tanh(0.5 * 2 - 0.25 * 4 + 0.1))
