"""The DSL on arrays and Tensors: every call gives a result or a DSLError, as it does on numbers.

Oracles: numpy on the same arrays (exact), the same program called with numbers (the scalar
engine), and, for the fuzz test, the contract itself: nothing but a result or a ``DSLError``.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd import Tensor, Value, dsl
from autograd.dsl import DSLError

X = np.array([1.0, 2.0])


@pytest.mark.parametrize(("source", "expected"), [
    ("y = x + exp(1)", X + math.exp(1.0)),
    ("c = 2*3; y = x + c", X + 6.0),
    ("y = x * (2 + 3) - sum(1, 2)", X * 5.0 - 3.0),
    ("y = x + sum(x, 1)", X + (X.sum() + 1.0)),
    ("y = x + -(2**3)", X - 8.0),
    ("y = x / sqrt(4)", X / 2.0),
])
def test_numbers_alone_inside_an_array_program_compute(source: str, expected: np.ndarray) -> None:
    out = dsl.parse(source)(x=X)
    assert isinstance(out["y"], Tensor) and np.array_equal(out["y"].data, expected)
    out["y"].sum().backward()
    assert out["x"].grad.shape == X.shape


def test_a_statement_of_numbers_alone_is_a_constant_tensor_of_the_scalar_value() -> None:
    out = dsl.parse("c = exp(2) * 3; y = x * c")(x=X)
    scalar = dsl.parse("c = exp(2) * 3; y = x * c")(x=1.0)
    assert isinstance(out["c"], Tensor) and out["c"].is_constant
    assert out["c"].data == scalar["c"].data and np.array_equal(out["y"].data, X * scalar["c"].data)


def test_numbers_take_a_tensor_input_s_dtype() -> None:
    x = Tensor(np.array([1.0, 2.0], dtype=np.float32))
    assert dsl.parse("y = x * (2 + 3)")(x=x)["y"].dtype == np.float32


@pytest.mark.parametrize(("source", "says"), [
    ("y = x + 1/0", "div"),
    ("y = x + 1e300**2", "overflows"),
    ("y = x + exp(1000)", "exp"),
    ("y = x + (-8)**(1/3)", "pow"),
    ("y = x + log(0)", "log"),
    ("y = x + z", "shapes"),
])
def test_numbers_alone_outside_their_domain_or_mismatched_shapes_are_dsl_errors(source: str, says: str) -> None:
    program = dsl.parse(source)
    values: dict[str, Any] = {"x": X, "z": np.ones(3)} if "z" in program.inputs else {"x": X}
    with pytest.raises(DSLError, match=says):
        program(values)


def test_a_very_long_unknown_name_gives_a_short_message() -> None:
    name = "q" * 99_990
    with pytest.raises(DSLError) as info:
        dsl.parse("y = x")(x=1.0, **{name: 1.0})
    assert len(str(info.value)) < 500 and "qqq…" in str(info.value)
    with pytest.raises(DSLError) as info:
        dsl.parse(f"{name} = 1; {name} = 2")
    assert len(str(info.value)) < 1000


def test_many_statements_give_the_chained_result() -> None:
    # the shape of bench/dsl.py's programs: each statement reads the one before
    lines = ["v0 = x * 1.0001 + 1"] + [f"v{i} = v{i - 1} * 1.0001 + 1" for i in range(1, 300)]
    out = dsl.parse("\n".join(lines))(x=np.array([0.5]))
    expected = 0.5
    for _ in range(300):
        expected = expected * 1.0001 + 1
    assert out["v299"].data[0] == pytest.approx(expected, rel=1e-12)


# -- the fuzz test: random small programs on random arrays, Tensors and numbers -------------------
_NAMES = ("a", "b")
_UNARY = ("exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "abs", "leaky_relu", "elu")
_NUMBERS = st.sampled_from(["0", "1", "2", "0.5", "3", "1e300", "1e-300", "710", "8", "1e10"])


def _expressions() -> st.SearchStrategy[str]:
    leaves = st.one_of(st.sampled_from(_NAMES), _NUMBERS)

    def grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.builds(lambda a, op, b: f"({a} {op} {b})", inner, st.sampled_from(["+", "-", "*", "/", "**"]), inner),
            st.builds(lambda f, a: f"{f}({a})", st.sampled_from(_UNARY), inner),
            st.builds(lambda f, a, b: f"{f}({a}, {b})", st.sampled_from(["sum", "max", "min"]), inner, inner),
            st.builds(lambda a: f"-{a}", inner),
        )

    return st.recursive(leaves, grow, max_leaves=6)


_programs = st.lists(_expressions(), min_size=1, max_size=3).map(
    lambda exprs: "\n".join(f"v{i} = {e}" + (f" + v{i - 1}" if i else "") for i, e in enumerate(exprs)))

_floats = st.floats(-4, 4, allow_nan=False)
_arrays = st.one_of(
    st.lists(_floats, min_size=1, max_size=3).map(np.array),
    st.lists(_floats, min_size=2, max_size=2).map(lambda v: np.array(v).reshape(2, 1)),
    st.just(np.array(0.0)),
)
_inputs = st.one_of(_floats, _arrays, _arrays.map(Tensor))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=_programs, a=_inputs, b=_inputs)
def test_any_program_on_arrays_gives_a_result_or_a_dsl_error(source: str, a: Any, b: Any) -> None:
    try:
        program = dsl.parse(source)
    except DSLError:  # a declaration the strategy cannot rule out ("v0 = 2" unused)
        return
    values = {k: v for k, v in {"a": a, "b": b}.items() if k in program.inputs}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # numpy's, on the way to a DomainError
        try:
            out = program(values)
        except DSLError:
            return
    arrays = any(isinstance(v, (np.ndarray, Tensor)) for v in values.values())
    for name in program.outputs:
        assert isinstance(out[name], Tensor if arrays else Value)
