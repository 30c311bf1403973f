"""Issue 16 in nn: wrong input is refused up front, with the argument named; Dropout(1) drops all."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from autograd import Tensor, Value
from nn import MLP, Dropout, losses


@pytest.mark.parametrize("pred", [Value(1.5), [Value(0.5), Value(-0.25)]])
def test_binary_cross_entropy_refuses_probabilities_outside_0_1(pred: object) -> None:
    target = 1.0 if isinstance(pred, Value) else [1, 0]
    with pytest.raises(ValueError, match=r"binary_cross_entropy: pred must lie in \[0, 1\] .*"
                                         r"binary_cross_entropy_with_logits.*got (1.5 at entry 0|-0.25 at entry 1)"):
        losses.binary_cross_entropy(pred, target)  # 1.5 used to cost log(1/1.5) = -0.405


def test_binary_cross_entropy_on_tensors_refuses_them_too() -> None:
    with pytest.raises(ValueError, match=r"pred must lie in \[0, 1\].*got 1.5 at entry 1"):
        losses.binary_cross_entropy(Tensor(np.array([0.5, 1.5])), np.array([1.0, 0.0]))


@pytest.mark.parametrize("loss", [losses.binary_cross_entropy, losses.binary_cross_entropy_with_logits])
def test_binary_targets_must_lie_in_0_1(loss: object) -> None:
    with pytest.raises(ValueError, match=r"target must lie in \[0, 1\] \(labels 0 and 1, or soft labels between\), "
                                         r"got 2 at entry 0"):
        loss(Value(0.5), 2.0)  # type: ignore[operator]


def test_soft_labels_and_the_edges_are_still_fine() -> None:
    assert losses.binary_cross_entropy([Value(0.5), Value(1.0)], [0.3, 1]).data == pytest.approx(np.log(2) / 2)


def test_cross_entropy_refuses_probabilities_outside_0_1() -> None:
    with pytest.raises(ValueError, match=r"cross_entropy: probs must lie in \[0, 1\] .*cross_entropy_with_logits"):
        losses.cross_entropy([[Value(1.5), Value(-0.5)]], [0])
    with pytest.raises(ValueError, match="probs must lie in"):
        losses.cross_entropy(Tensor(np.array([[1.5, -0.5]])), [0])


def test_mlp_nouts_must_be_a_list_of_sizes() -> None:
    with pytest.raises(TypeError, match=r"MLP nouts takes a list of layer sizes such as \[16, 16, 1\], got int: 3"):
        MLP(2, 3)  # type: ignore[arg-type]


@pytest.mark.parametrize("argument", ["activation", "output_activation"])
def test_mlp_checks_both_activations_even_without_hidden_layers(argument: str) -> None:
    with pytest.raises(ValueError, match=rf"unknown activation 'nope' for {argument}; choose one of .*relu"):
        MLP(2, [3], **{argument: "nope"})  # type: ignore[arg-type]


def test_dropout_of_1_zeroes_everything_as_pytorch_does() -> None:
    drop = Dropout(1.0, seed=0)
    x = Tensor(np.ones((3, 4)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no 0 / 0 on the way
        y = drop(x)
        y.sum().backward()
        values = drop([Value(1.0), Value(-2.0)])
    assert np.array_equal(y.data, np.zeros((3, 4))) and np.array_equal(x.grad, np.zeros((3, 4)))
    assert [v.data for v in values] == [0.0, 0.0]
    drop.eval()
    assert drop(x) is x


@pytest.mark.parametrize("p", [-0.1, 1.5, "0.5"])
def test_dropout_p_outside_0_1_says_what_is_accepted(p: object) -> None:
    message = r"^Dropout p \(the probability of zeroing a unit\) must be a number in \[0, 1\], got"
    with pytest.raises(ValueError, match=message):
        Dropout(p)  # type: ignore[arg-type]
