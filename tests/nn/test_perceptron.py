"""The perceptron of note 002: the printed gate weights, the learning rule, XOR's failure."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from nn import MLP, SGD, NotLinearlySeparableError, Perceptron, data, losses

SIGNS = {0: -1, 1: 1}


@pytest.mark.parametrize(("gate", "weights"), [("or", (-2, 3, 3)), ("and", (-4, 3, 3))])
def test_notes_weights_implement_the_gates(gate: str, weights: tuple[int, int, int]) -> None:
    X, y = data.gate(gate)
    p = Perceptron(2, weights)
    # the notes' table: sign(3 x1 + 3 x2 + w0) for each row
    assert [p.score(x) for x in X] == [weights[0] + 3 * x1 + 3 * x2 for x1, x2 in X]
    assert list(p.predict(X)) == [SIGNS[v] for v in y]


@pytest.mark.parametrize("gate", ["or", "and", "nand"])
@pytest.mark.parametrize("start", [None, (-12.0, 2.0, 3.0), (5.0, -1.0, 0.5)])
def test_rule_learns_separable_gates(gate: str, start: tuple[float, float, float] | None) -> None:
    X, y = data.gate(gate)
    p = Perceptron(2, start)
    result = p.fit(X, y)
    assert result.converged and result.separable is True
    assert list(p.predict(X)) == [SIGNS[v] for v in y]
    assert result.weights == p.weights
    # the history holds every update, each one w + y_k x_k for some misclassified point
    assert len(result.history) == result.updates + 1
    for before, after in zip(result.history, result.history[1:]):
        step = np.subtract(after, before)
        assert any(np.array_equal(step, SIGNS[t] * np.array([1.0, *x])) for x, t in zip(X, y))


def test_notes_update_sequence() -> None:
    # (-12, 2, 3) + (+1)(1, 2, 2) = (-11, 4, 5); + (-1)(1, 4, 0) = (-12, 0, 5); + (+1)(1, 2, 2) = (-11, 2, 7)
    p = Perceptron(2, (-12, 2, 3))
    p.update([2, 2], +1)
    assert p.weights == (-11, 4, 5)
    p.update([4, 0], -1)
    assert p.weights == (-12, 0, 5)
    p.update([2, 2], +1)
    assert p.weights == (-11, 2, 7)
    with pytest.raises(ValueError, match="label of \\+1 or -1"):
        p.update([1, 1], 0)


def test_xor_is_reported_not_linearly_separable() -> None:
    X, y = data.gate("xor")
    for start in [None, (-12.0, 2.0, 3.0), (0.5, 1.0, -1.0)]:
        p = Perceptron(2, start)
        result = p.fit(X, y, max_epochs=10_000)
        assert not result.converged
        assert result.separable is False
        assert "not linearly separable" in result.message
        assert result.epochs < 10_000  # the cycle is detected, not the budget exhausted
        assert list(p.predict(X)) != [SIGNS[v] for v in y]
    with pytest.raises(NotLinearlySeparableError, match="cycles forever"):
        Perceptron(2).fit(X, y, strict=True)


def test_xor_has_no_separating_line_at_all() -> None:
    # independent of the rule: no integer line on a grid separates XOR (and one separates OR)
    X, y = data.gate("xor")
    grid = range(-6, 7)
    assert not any(
        all(SIGNS[t] * (w0 + w1 * a + w2 * b) > 0 for (a, b), t in zip(X, y))
        for w0, w1, w2 in itertools.product(grid, grid, grid)
    )


def test_budget_exhausted_is_unknown_not_inseparable() -> None:
    X, y = data.gate("and")
    result = Perceptron(2).fit(X, y, max_epochs=1)
    assert result.separable is None and not result.converged
    assert "within 1 sweeps" in result.message


def test_perceptron_is_a_module_with_value_weights() -> None:
    p = Perceptron(2, (-2, 3, 3))
    assert [n for n, _ in p.named_parameters()] == ["w.0", "w.1", "w.2"]
    assert p([1, 1]).data == 4.0  # the graph of w . (1, x)
    with pytest.raises(ValueError, match="takes 3 weights"):
        Perceptron(2, (1, 2))
    with pytest.raises(ValueError, match="labels must be 0/1 or -1/\\+1"):
        Perceptron(2).fit([[0, 0], [1, 1]], [0, 2])


def test_two_layer_mlp_learns_xor() -> None:
    X, y = data.gate("xor")
    model = MLP(2, [4, 1], activation="tanh", output_activation="sigmoid", init="xavier", seed=0)
    opt = SGD(model.parameters(), lr=1.0)
    for _ in range(300):
        opt.zero_grad()
        loss = losses.binary_cross_entropy(model(X), y)
        loss.backward()
        opt.step()
    predictions = [int(v.data > 0.5) for v in model(X)]
    assert predictions == list(y)
    assert loss.data < 0.1
