"""Issue 16: wrong input to Value and the n-ary ops is refused with a message that names the
argument, what was given and what is accepted; numpy on the left refuses like numpy on the right."""

from __future__ import annotations

import operator
import warnings
from typing import Any

import numpy as np
import pytest

from autograd import Tensor, Value, dsl, max_, min_, sum_


def test_a_name_that_is_not_a_str_is_named_as_the_name() -> None:
    with pytest.raises(TypeError, match=r"^Value\(\) name must be a str or None, got int: 5$"):
        Value(2, name=5)
    with pytest.raises(TypeError, match=r"^Tensor\(\) name must be a str or None, got int: 5$"):
        Tensor([1.0], name=5)


def test_micrographs_label_is_accepted_as_the_name() -> None:
    assert Value(2.0, label="x").name == "x"
    with pytest.raises(TypeError, match=r"Value\(\) label must be a str or None, got int: 3"):
        Value(2.0, label=3)
    with pytest.raises(TypeError, match=r"name= or label=.*not both.*name='a', label='b'"):
        Value(2.0, name="a", label="b")


@pytest.mark.parametrize("sign, digits", [(1, 400), (-1, 5000)])  # 5000: too long even to print
def test_an_int_too_big_for_a_float_says_so(sign: int, digits: int) -> None:
    message = rf"^Value\(\) data must be at most 1.798e\+308 in magnitude to fit in a float, got about 10\*\*{digits}$"
    with pytest.raises(OverflowError, match=message):
        Value(sign * 10**digits)


def test_data_that_is_not_a_number_says_what_is_accepted() -> None:
    with pytest.raises(TypeError, match=r"Value\(\) data must be a real number \(int, float, numpy scalar\), got str"):
        Value("2")


@pytest.mark.parametrize("call, message", [
    (lambda: sum_(3), r"sum_\(\) takes an iterable of Values and real numbers, got int: 3"),
    (lambda: sum_(None), r"sum_\(\) takes an iterable of Values and real numbers, got NoneType: None"),
    (lambda: sum_([Value(1.0), "a"]), r"sum_\(\) takes Values and real numbers, got str: 'a'"),
    (lambda: max_(None), r"max_\(\) takes an iterable of Values and real numbers, got NoneType"),
    (lambda: min_([1.0, None]), r"min_\(\) takes Values and real numbers, got NoneType: None"),
])
def test_n_ary_ops_name_themselves_and_what_they_take(call: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        call()


def test_n_ary_ops_still_take_numbers_and_iterables() -> None:
    assert sum_(v for v in (1, 2.5, Value(3.0))).data == 6.5
    assert max_(3).data == 3.0 and max_(1, Value(2.0)).data == 2.0 and min_([4.0, 5]).data == 4.0
    with pytest.raises(OverflowError, match=r"a number given to sum_\(\) must be at most"):
        sum_([10**400])
    for big in (lambda: Value(1.0) * 10**400, lambda: 10**400 + Value(1.0)):
        with pytest.raises(OverflowError, match=r"the number operand of [*+] must be at most .*got about 10\*\*400"):
            big()


@pytest.mark.parametrize("method, argument", [("leaky_relu", "slope"), ("elu", "alpha")])
def test_activation_constants_are_checked(method: str, argument: str) -> None:
    with pytest.raises(TypeError, match=rf"^{method}\(\) {argument} must be a real number .*got str: 'x'$"):
        getattr(Value(1.0), method)("x")
    assert getattr(Value(-1.0), method)(np.float32(0.5)).data < 0  # numpy scalars are numbers


@pytest.mark.parametrize("op", [operator.add, operator.sub, operator.mul, operator.truediv, operator.pow])
def test_an_array_on_either_side_of_a_value_is_refused(op: Any) -> None:
    array, v = np.array([1.0, 2.0]), Value(2.0)
    for left, right in ((array, v), (v, array)):
        with pytest.raises(TypeError, match="unsupported"):  # not an object array of Values
            op(left, right)


def test_numpy_scalars_on_the_left_still_combine_with_values() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = np.float64(2.0) * Value(3.0)
    assert isinstance(out, Value) and out.data == 6.0 and out.op == "*"


def test_a_missing_input_lists_the_names_for_the_caller_to_word_its_hint() -> None:
    program = dsl.parse("y = x*w + b")
    with pytest.raises(dsl.MissingInputError) as caught:
        program(x=1.0)
    err = caught.value
    assert err.names == ("w", "b") and "program(w=1.0)" in str(err)
    reworded = err.with_hint("give them with --at w=1 --at b=1")
    assert str(reworded).splitlines()[:3] == str(err).splitlines()[:3]  # same place, same caret
    assert str(reworded).endswith("hint: give them with --at w=1 --at b=1")
