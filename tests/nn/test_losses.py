"""Losses and penalties on Values: values against numpy by hand, gradients against PyTorch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import DomainError, Value
from nn import MLP, Neuron, losses

RNG = np.random.default_rng(0)
SCORES = RNG.normal(size=(5, 3))
LABELS = np.array([0, 2, 1, 2, 0])
PROBS = np.exp(SCORES) / np.exp(SCORES).sum(axis=1, keepdims=True)
P1 = 1 / (1 + np.exp(-SCORES[:, 0]))
Y1 = np.array([1, 0, 1, 1, 0])


def values(a: np.ndarray) -> Any:
    return [values(row) for row in a] if a.ndim > 1 else [Value(float(v)) for v in a]


def grads(vs: Any) -> np.ndarray:
    return np.array([grads(v) for v in vs]) if isinstance(vs[0], list) else np.array([v.grad for v in vs])


def test_mse_has_the_notes_half() -> None:
    pred, target = SCORES[:, 0], SCORES[:, 1]
    assert losses.mse(values(pred), target).data == pytest.approx(np.mean(0.5 * (pred - target) ** 2))
    assert losses.mse(Value(3.0), 1.0).data == 2.0


def test_binary_cross_entropy_by_hand() -> None:
    expected = np.mean(-Y1 * np.log(P1) - (1 - Y1) * np.log(1 - P1))
    assert losses.binary_cross_entropy(values(P1), Y1).data == pytest.approx(expected, rel=1e-12)
    z = SCORES[:, 0]
    assert losses.binary_cross_entropy_with_logits(values(z), Y1).data == pytest.approx(expected, rel=1e-12)
    # a confident right answer costs nothing; a confident wrong one is infinite (a clear error)
    assert losses.binary_cross_entropy([Value(1.0)], [1]).data == 0.0
    with pytest.raises(DomainError, match="log"):
        losses.binary_cross_entropy([Value(1.0)], [0])


def test_stable_logit_losses_do_not_overflow() -> None:
    big = [Value(800.0), Value(-800.0)]
    assert losses.binary_cross_entropy_with_logits(big, [0, 1]).data == pytest.approx(800.0)
    assert losses.cross_entropy_with_logits([[Value(1000.0), Value(0.0)]], [1]).data == pytest.approx(1000.0)


def test_categorical_cross_entropy_by_hand() -> None:
    expected = np.mean(-np.log(PROBS[np.arange(5), LABELS]))
    assert losses.cross_entropy(values(PROBS), LABELS).data == pytest.approx(expected, rel=1e-12)
    onehot = losses.one_hot(LABELS, 3)
    assert losses.cross_entropy(values(PROBS), onehot).data == pytest.approx(expected, rel=1e-12)
    assert losses.cross_entropy_with_logits(values(SCORES), LABELS).data == pytest.approx(expected, rel=1e-12)


def test_hinge_by_hand() -> None:
    s = SCORES[:, 0]
    y = np.where(Y1 > 0, 1, -1)
    expected = np.mean(np.maximum(0, 1 - y * s))
    assert losses.hinge(values(s), y).data == pytest.approx(expected)
    assert losses.hinge(values(s), Y1).data == pytest.approx(expected)  # 0/1 read as -1/+1
    margins = np.maximum(0, SCORES - SCORES[np.arange(5), LABELS][:, None] + 1)
    margins[np.arange(5), LABELS] = 0
    assert losses.multiclass_hinge(values(SCORES), LABELS).data == pytest.approx(margins.sum() / 5)
    with pytest.raises(ValueError, match="labels -1/\\+1"):
        losses.hinge(values(s), [0, 1, 2, 1, 0])


TORCH: list[tuple[str, Callable[[Any], Any], Callable[[Any, Any], Any], np.ndarray]] = [
    ("mse", lambda v: losses.mse(v, SCORES[:, 1]),
     lambda t, x: 0.5 * t.nn.functional.mse_loss(x, t.tensor(SCORES[:, 1])), SCORES[:, 0]),
    ("bce", lambda v: losses.binary_cross_entropy(v, Y1),
     lambda t, x: t.nn.functional.binary_cross_entropy(x, t.tensor(Y1, dtype=t.float64)), P1),
    ("bce_logits", lambda v: losses.binary_cross_entropy_with_logits(v, Y1),
     lambda t, x: t.nn.functional.binary_cross_entropy_with_logits(x, t.tensor(Y1, dtype=t.float64)), SCORES[:, 0]),
    ("ce_logits", lambda v: losses.cross_entropy_with_logits(v, LABELS),
     lambda t, x: t.nn.functional.cross_entropy(x, t.tensor(LABELS)), SCORES),
    ("ce_probs", lambda v: losses.cross_entropy(v, LABELS),
     lambda t, x: t.nn.functional.nll_loss(t.log(x), t.tensor(LABELS)), PROBS),
    ("hinge", lambda v: losses.hinge(v, Y1),
     lambda t, x: t.clamp(1 - t.tensor(np.where(Y1 > 0, 1.0, -1.0)) * x, min=0).mean(), SCORES[:, 0]),
    ("multi_margin", lambda v: losses.multiclass_hinge(v, LABELS),
     lambda t, x: 3 * t.nn.functional.multi_margin_loss(x, t.tensor(LABELS)), SCORES),
]


@pytest.mark.parametrize(("name", "ours", "theirs", "x"), TORCH, ids=[c[0] for c in TORCH])
def test_value_and_gradient_match_torch(name: str, ours: Callable[[Any], Any],
                                        theirs: Callable[[Any, Any], Any], x: np.ndarray) -> None:
    torch = pytest.importorskip("torch")
    v = values(x)
    loss = ours(v)
    loss.backward()
    tx = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    tloss = theirs(torch, tx)
    tloss.backward()
    assert loss.data == pytest.approx(tloss.item(), rel=1e-12)
    np.testing.assert_allclose(grads(v), tx.grad.numpy(), rtol=1e-10, atol=1e-14)


@given(st.lists(st.floats(-30, 30), min_size=3, max_size=3), st.integers(0, 2))
def test_logits_and_probabilities_agree(z: list[float], label: int) -> None:
    zs = np.array(z)
    p = np.exp(zs - zs.max()) / np.exp(zs - zs.max()).sum()
    if p[label] < 1e-300:
        return
    a = losses.cross_entropy_with_logits([values(zs)], [label]).data
    assert a == pytest.approx(-np.log(p[label]), rel=1e-9, abs=1e-12)


def test_penalties_of_the_notes() -> None:
    model = MLP(3, [4, 2], seed=0)
    W = [np.array([[w.data for w in n.w] for n in layer.neurons]) for layer in model.layers]
    frob = sum(float((w**2).sum()) for w in W)
    assert losses.l2_penalty(model, lam=0.7, m=10).data == pytest.approx(0.7 / 20 * frob)
    assert losses.l1_penalty(model, lam=0.7, m=10).data == pytest.approx(0.7 / 20 * sum(np.abs(w).sum() for w in W))
    # biases are not penalised
    assert len(losses.weights(model)) == 3 * 4 + 4 * 2
    # gradient of the L2 term is (lambda/m) W, as the notes derive
    n = Neuron(2, weights=[0.5, -2.0], bias=3.0)
    losses.l2_penalty(n, lam=0.4, m=2).backward()
    assert [w.grad for w in n.w] == pytest.approx([0.4 / 2 * 0.5, 0.4 / 2 * -2.0])
    assert n.b.grad == 0.0
    with pytest.raises(ValueError, match="no weights"):
        losses.l2_penalty([], 1.0)


def test_shape_errors_are_clear() -> None:
    with pytest.raises(ValueError, match="3 predictions but 2 targets"):
        losses.mse(values(np.zeros(3)), [1.0, 2.0])
    with pytest.raises(ValueError, match="labels must lie in 0..2"):
        losses.cross_entropy(values(PROBS), LABELS + 1)
    with pytest.raises(TypeError, match="expected a Tensor, a Value or a list"):
        losses.mse("nope", [1.0])
