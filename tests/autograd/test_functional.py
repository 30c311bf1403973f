"""softmax, log_softmax, cross_entropy on lists of Values and on Tensors: same numbers, stable."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Tensor, Value, cross_entropy, grad, log_softmax, softmax
from autograd.testing import gradcheck

logits = st.lists(st.floats(-30, 30), min_size=2, max_size=6)


@given(logits, st.data())
def test_value_softmax_matches_tensor_softmax(xs: list[float], data: st.DataObject) -> None:
    weights = data.draw(st.lists(st.floats(-2, 2), min_size=len(xs), max_size=len(xs)))
    values = [Value(x) for x in xs]
    out = sum(w * s for w, s in zip(weights, softmax(values)))
    out.backward()
    t = Tensor(np.array(xs))
    (softmax(t) * np.array(weights)).sum().backward()
    np.testing.assert_allclose([v.grad for v in values], t.grad, rtol=1e-9, atol=1e-12)
    assert math.isclose(sum(s.data for s in softmax(values)), 1.0, rel_tol=1e-12)


@given(logits, st.data())
def test_cross_entropy_on_values_equals_tensor_and_log_softmax(xs: list[float], data: st.DataObject) -> None:
    label = data.draw(st.integers(0, len(xs) - 1))
    values = [Value(x) for x in xs]
    loss = cross_entropy(values, label)
    loss.backward()
    t = Tensor(np.array([xs]))
    cross_entropy(t, np.array([label])).backward()
    np.testing.assert_allclose([v.grad for v in values], t.grad[0], rtol=1e-9, atol=1e-12)
    assert loss.data == pytest.approx(-log_softmax(values)[label].data)


def test_large_logits_do_not_overflow() -> None:
    values = [Value(1000.0), Value(999.0)]
    probs = softmax(values)
    assert probs[0].data == pytest.approx(1 / (1 + math.exp(-1)))
    assert log_softmax(Tensor(np.array([[1000.0, 0.0]])), axis=1).data[0, 1] == pytest.approx(-1000.0)


def test_batched_value_cross_entropy_is_the_mean() -> None:
    rows = [[Value(0.2), Value(-1.0)], [Value(1.5), Value(0.5)]]
    loss = cross_entropy(rows, [1, 0])
    t = Tensor(np.array([[0.2, -1.0], [1.5, 0.5]]))
    assert loss.data == pytest.approx(cross_entropy(t, np.array([1, 0])).item())


def test_softmax_gradcheck_and_second_order() -> None:
    assert gradcheck(lambda x: (softmax(x, axis=0) * np.array([1.0, -2.0, 0.5])).sum(), [np.array([0.1, 0.7, -0.3])])
    assert gradcheck(lambda x: (log_softmax(x, axis=1) ** 2).sum(), [np.array([[0.1, 0.7], [-0.3, 2.0]])])
    x = Tensor(np.array([[0.3, -0.2, 0.9]]))
    (g,) = grad(cross_entropy(x, np.array([2])), [x], create_graph=True)
    (h,) = grad((g * g).sum(), [x])
    eps = 1e-6

    def grad_norm(v: np.ndarray) -> float:
        p = np.exp(v) / np.exp(v).sum()
        return float(((p - np.eye(3)[2]) ** 2).sum())

    numeric = [(grad_norm(x.data[0] + eps * e) - grad_norm(x.data[0] - eps * e)) / (2 * eps) for e in np.eye(3)]
    np.testing.assert_allclose(h[0], numeric, rtol=1e-6, atol=1e-9)
