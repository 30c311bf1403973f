"""Optimizers: each update against the notes' formula in numpy, and against PyTorch."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, no_grad
from nn import SGD, AdaGrad, Adam, Momentum, RMSProp
from nn.optim import Optimizer

START = np.array([-7.0, 2.0, 0.5])
SCALE = np.array([1 / 20, 1.0, 3.0])  # f = sum(scale * x^2): the notes' x^2/20 + y^2, plus one more


def f_values(xs: list[Value]) -> Value:
    return sum(((s * x**2) for s, x in zip(SCALE, xs)), Value(0.0))


def grad_f(x: np.ndarray) -> np.ndarray:
    return 2 * SCALE * x


def run_values(make: Callable[[list[Value]], Optimizer], steps: int) -> np.ndarray:
    xs = [Value(v) for v in START]
    opt = make(xs)
    path = []
    for _ in range(steps):
        opt.zero_grad()
        f_values(xs).backward()
        opt.step()
        path.append([x.data for x in xs])
    return np.array(path)


# The notes' formulas, written out in numpy, one function per optimizer.
def by_hand(kind: str, lr: float, steps: int, **o: float) -> np.ndarray:
    x = START.copy()
    v = np.zeros(3)
    h = np.zeros(3)
    m = np.zeros(3)
    path = []
    for t in range(1, steps + 1):
        g = grad_f(x) + o.get("wd", 0.0) * x + o.get("l1", 0.0) * np.sign(x)
        if kind == "sgd":
            x = x - lr * g
        elif kind == "momentum":
            v = o["beta"] * v - lr * g
            x = x + v
        elif kind == "adagrad":
            h = h + g * g
            x = x - lr / (np.sqrt(h) + o["eps"]) * g
        elif kind == "rmsprop":
            h = o["decay"] * h + (1 - o["decay"]) * g * g
            x = x - lr / np.sqrt(h + o["eps"]) * g
        elif kind == "adam":
            m = o["b1"] * m + (1 - o["b1"]) * g
            h = o["b2"] * h + (1 - o["b2"]) * g * g
            x = x - lr / np.sqrt(h / (1 - o["b2"] ** t) + o["eps"]) * (m / (1 - o["b1"] ** t))
        path.append(x.copy())
    return np.array(path)


CASES: list[tuple[str, Callable[[list[Value]], Optimizer], float, dict[str, float]]] = [
    ("sgd", lambda p: SGD(p, lr=0.95), 0.95, {}),
    ("momentum", lambda p: Momentum(p, lr=0.1), 0.1, {"beta": 0.9}),
    ("momentum", lambda p: Momentum(p, lr=0.05, beta=0.5), 0.05, {"beta": 0.5}),
    ("adagrad", lambda p: AdaGrad(p, lr=1.5), 1.5, {"eps": 1e-7}),
    ("rmsprop", lambda p: RMSProp(p, lr=0.3), 0.3, {"decay": 0.99, "eps": 1e-8}),
    ("rmsprop", lambda p: RMSProp(p, lr=0.1, decay=0.9, eps=1e-4), 0.1, {"decay": 0.9, "eps": 1e-4}),
    ("adam", lambda p: Adam(p, lr=0.3), 0.3, {"b1": 0.9, "b2": 0.999, "eps": 1e-8}),
    ("adam", lambda p: Adam(p, lr=0.2, beta1=0.5, beta2=0.9, eps=1e-3), 0.2, {"b1": 0.5, "b2": 0.9, "eps": 1e-3}),
    ("sgd", lambda p: SGD(p, lr=0.1, weight_decay=0.3), 0.1, {"wd": 0.3}),
    ("momentum", lambda p: Momentum(p, lr=0.1, l1=0.2), 0.1, {"beta": 0.9, "l1": 0.2}),
    ("adam", lambda p: Adam(p, lr=0.1, weight_decay=0.05), 0.1, {"b1": 0.9, "b2": 0.999, "eps": 1e-8, "wd": 0.05}),
]


@pytest.mark.parametrize(("kind", "make", "lr", "options"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_update_matches_the_formula(kind: str, make: Callable[[list[Value]], Optimizer], lr: float,
                                    options: dict[str, float]) -> None:
    got = run_values(make, 30)
    np.testing.assert_allclose(got, by_hand(kind, lr, 30, **options), rtol=1e-12, atol=1e-14)


def torch_path(torch: Any, make: Callable[[Any], Any], steps: int) -> np.ndarray:
    x = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    opt = make([x])
    path = []
    scale = torch.tensor(SCALE)
    for _ in range(steps):
        opt.zero_grad()
        (scale * x**2).sum().backward()
        opt.step()
        path.append(x.detach().numpy().copy())
    return np.array(path)


TORCH_CASES: list[tuple[str, Callable[[list[Value]], Optimizer], Callable[[Any, Any], Any]]] = [
    ("SGD", lambda p: SGD(p, lr=0.3), lambda t, p: t.optim.SGD(p, lr=0.3)),
    ("SGD+wd", lambda p: SGD(p, lr=0.3, weight_decay=0.1), lambda t, p: t.optim.SGD(p, lr=0.3, weight_decay=0.1)),
    # v <- beta v - lr g is torch's b <- beta b + g with v = -lr b (constant lr)
    ("Momentum", lambda p: Momentum(p, lr=0.1, beta=0.9), lambda t, p: t.optim.SGD(p, lr=0.1, momentum=0.9)),
    ("AdaGrad", lambda p: AdaGrad(p, lr=1.5, eps=1e-10), lambda t, p: t.optim.Adagrad(p, lr=1.5, eps=1e-10)),
    # the notes put eps inside the root, torch outside: they agree at eps = 0
    ("RMSProp", lambda p: RMSProp(p, lr=0.3, eps=0.0), lambda t, p: t.optim.RMSprop(p, lr=0.3, alpha=0.99, eps=0.0)),
    ("Adam", lambda p: Adam(p, lr=0.3, eps=0.0), lambda t, p: t.optim.Adam(p, lr=0.3, betas=(0.9, 0.999), eps=0.0)),
    ("Adam+wd", lambda p: Adam(p, lr=0.1, eps=0.0, weight_decay=0.2),
     lambda t, p: t.optim.Adam(p, lr=0.1, eps=0.0, weight_decay=0.2)),
]


@pytest.mark.parametrize(("name", "ours", "theirs"), TORCH_CASES, ids=[c[0] for c in TORCH_CASES])
def test_matches_pytorch(name: str, ours: Callable[[list[Value]], Optimizer],
                         theirs: Callable[[Any, Any], Any]) -> None:
    torch = pytest.importorskip("torch")
    expected = torch_path(torch, lambda p: theirs(torch, p), 25)
    np.testing.assert_allclose(run_values(ours, 25), expected, rtol=1e-10, atol=1e-12)


def test_step_is_outside_the_graph_and_keeps_types() -> None:
    x = Value(1.0)
    opt = Adam([x], lr=0.1)
    (x * x).backward()
    opt.step()
    assert type(x.data) is float and x.is_leaf
    assert opt.t == 1


def test_zero_grad_and_errors() -> None:
    x, y = Value(1.0), Value(2.0)
    opt = SGD([x, y], lr=0.1)
    (x * y).backward()
    opt.zero_grad()
    assert x.grad == 0.0 and y.grad == 0.0
    with pytest.raises(ValueError, match="empty parameter list"):
        SGD([], lr=0.1)
    with pytest.raises(ValueError, match="lr must be a positive number"):
        SGD([x], lr=0.0)
    with pytest.raises(ValueError, match="beta must be in"):
        Momentum([x], lr=0.1, beta=1.0)
    with pytest.raises(ValueError, match="not a leaf"):
        SGD([x * y], lr=0.1)
    with pytest.raises(TypeError, match="not a Value or Tensor"):
        SGD([1.0], lr=0.1)  # type: ignore[list-item]
    x.grad = None
    with pytest.raises(ValueError, match="has no gradient"):
        SGD([x], lr=0.1).step()
    assert x.data == 1.0


def test_step_works_inside_no_grad_and_records_nothing() -> None:
    x = Value(3.0)
    opt = Momentum([x], lr=0.1)
    with no_grad():
        x.grad = 2.0
        opt.step()
    assert x.data == pytest.approx(3.0 - 0.2)
    assert x.parents == ()


@given(
    lr=st.floats(1e-3, 1.0),
    beta=st.floats(0.0, 0.99),
    grads=st.lists(st.floats(-5, 5), min_size=1, max_size=8),
)
def test_momentum_and_adam_on_arbitrary_gradient_sequences(lr: float, beta: float, grads: list[float]) -> None:
    # feed the gradients directly: the update must be the formula, whatever the gradients are
    x_m, x_a = Value(0.5), Value(0.5)
    mom, adam = Momentum([x_m], lr=lr, beta=beta), Adam([x_a], lr=lr, beta1=beta, beta2=0.999)
    xm = xa = 0.5
    v = m = s = 0.0
    for t, g in enumerate(grads, start=1):
        x_m.grad, x_a.grad = g, g
        mom.step()
        adam.step()
        v = beta * v - lr * g
        xm = xm + v
        m = beta * m + (1 - beta) * g
        s = 0.999 * s + 0.001 * g * g
        xa = xa - lr / math.sqrt(s / (1 - 0.999**t) + 1e-8) * (m / (1 - beta**t))
        assert x_m.data == pytest.approx(xm, rel=1e-12, abs=1e-12)
        assert x_a.data == pytest.approx(xa, rel=1e-12, abs=1e-12)
