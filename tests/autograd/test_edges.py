"""Issue 16, wrong or crashing results at the edges: negative axes, gradients of the wrong shape,
numpy indexing, reductions of 0-d and empty arrays, powers at 0, 0-d results, integer dtypes, one
rule for domain errors, anomaly detection in both passes, graphs built under ``no_grad``, NaN.

Oracles: PyTorch 2.13 in float64, or exact values (the numbers these edges have by definition)."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd import AnomalyError, DomainError, Tensor, Value, detect_anomaly, grad, max_, min_, no_grad
from autograd.op import Op

torch = pytest.importorskip("torch")


def _t(x: Any) -> Any:
    return torch.tensor(np.asarray(x, dtype=np.float64), requires_grad=True)


# -- 1. transpose by negative axes ------------------------------------------------------------

@pytest.mark.parametrize("shape", [(2, 3, 4), (2, 2, 2)])
@pytest.mark.parametrize("axes", [(-1, 0, 1), (0, -1, -2), (-3, -1, 1), (2, 0, 1)])
def test_transpose_by_negative_axes_matches_pytorch(shape: tuple[int, ...], axes: tuple[int, ...]) -> None:
    data = np.arange(float(np.prod(shape))).reshape(shape)
    seed = np.random.default_rng(0).standard_normal(np.transpose(data, axes).shape)
    x, tx = Tensor(data), _t(data)
    (gx,) = grad(x.transpose(*axes), [x], grad_output=seed)
    tx.permute(axes).backward(torch.tensor(seed))
    assert gx.shape == shape
    np.testing.assert_array_equal(gx, tx.grad.numpy())


# -- 2. a gradient of the wrong shape ---------------------------------------------------------

def test_a_contribution_of_the_wrong_shape_is_an_error_naming_the_op_and_shapes() -> None:
    # an op whose chain-rule step forgets to sum a broadcast gradient back
    broken = Op("broken", "broken", lambda x: x + np.zeros((2, 3)), lambda a, out: (None,), ("1",),
                vjp=lambda node, g, symbolic: (g,))
    x = Tensor(np.ones(3), name="x")
    y = Tensor(broken.forward(x.data), _fn=broken, _parents=(x,))
    with pytest.raises(ValueError, match=r"step of broken gave a gradient of shape \(2, 3\) for x=.*\(3,\)"):
        y.sum().backward()
    assert x.grad is None  # a failed pass changes no .grad


# -- 3. numpy indexing ------------------------------------------------------------------------

INDEXES: list[Any] = [
    None, (None, 1), np.newaxis, Ellipsis, (Ellipsis, 0), (0, Ellipsis, None), (slice(None), None, 1),
    np.array([True, False, True]), np.array([[True, False, True, False]] * 3), np.array([2, 0, 2]),
    (np.array([0, 0]), slice(1, 3)), (Ellipsis, np.array([3, 1, 3])), (None, np.array([1, 2]), None),
]


@pytest.mark.parametrize("index", INDEXES, ids=[repr(i).replace("\n", "") for i in INDEXES])
def test_every_numpy_index_works_forward_and_backward_like_pytorch(index: Any) -> None:
    data = np.arange(12.0).reshape(3, 4)
    x, tx = Tensor(data), _t(data)
    tindex = tuple(torch.from_numpy(i) if isinstance(i, np.ndarray) else i for i in index) \
        if isinstance(index, tuple) else (torch.from_numpy(index) if isinstance(index, np.ndarray) else index)
    out, tout = x[index], tx[tindex]
    np.testing.assert_array_equal(out.data, tout.detach().numpy())
    seed = np.random.default_rng(1).standard_normal(out.shape)
    out.backward(seed)
    tout.backward(torch.tensor(seed))
    np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-15)


def test_an_empty_list_indexes_nothing_as_in_numpy() -> None:
    data = np.arange(12.0).reshape(3, 4)
    x = Tensor(data)
    out = x[[]]
    assert out.shape == data[[]].shape == (0, 4)
    (g,) = grad(out.sum(), [x])
    np.testing.assert_array_equal(g, np.zeros((3, 4)))


def test_integer_and_boolean_tensors_are_indexes() -> None:
    x = Tensor(np.array([10.0, 20.0, 30.0]))
    i = Tensor([2, 0, 2], dtype=np.int64)
    m = Tensor([True, False, True], dtype=bool)
    assert i.dtype == np.int64 and m.dtype == np.bool_
    np.testing.assert_array_equal(x[i].data, [30.0, 10.0, 30.0])
    np.testing.assert_array_equal(x[m].data, [10.0, 30.0])
    np.testing.assert_array_equal(grad(x[i].sum() + x[(m,)].sum(), [x])[0], [2.0, 0.0, 3.0])
    with pytest.raises(IndexError, match="must hold integers or booleans .* float64"):
        x[Tensor([0.0, 1.0])]


def test_an_index_array_changed_after_the_forward_pass_does_not_change_the_gradient() -> None:
    x = Tensor(np.zeros(3))
    index = np.array([0, 0])
    y = x[index]
    index[:] = 2  # a caller's buffer refilled for the next batch
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 0.0, 0.0])


# -- 4. reductions of 0-d and empty arrays ----------------------------------------------------

@pytest.mark.parametrize("reduce", ["sum", "mean", "max"])
@pytest.mark.parametrize("axis", [0, -1, None])
def test_reductions_of_a_0d_tensor_over_axis_0_or_minus_1(reduce: str, axis: Any) -> None:
    x = Tensor(np.array(0.5))
    (g,) = grad(getattr(x, reduce)(axis), [x])
    tx = _t(0.5)
    getattr(torch, {"max": "amax"}.get(reduce, reduce))(tx, dim=() if axis is None else axis).backward()
    assert type(g) is np.ndarray and g.shape == () and g == tx.grad.item() == 1.0


@pytest.mark.parametrize("shape, axis", [((1, 0, 3), 1), ((0,), 0), ((2, 0), (0, 1)), ((0, 2), None)])
def test_the_mean_over_an_empty_axis_is_nan_and_its_gradient_empty(shape: tuple[int, ...], axis: Any) -> None:
    x = Tensor(np.ones(shape))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy warning either
        m = x.mean(axis=axis)
        (g,) = grad(m.sum(), [x])
    tx = _t(np.ones(shape))
    tm = tx.mean(dim=axis) if axis is not None else tx.mean()
    tm.sum().backward()
    np.testing.assert_array_equal(m.data, tm.detach().numpy())  # NaN where PyTorch's is NaN
    assert g.shape == shape and g.shape == tuple(tx.grad.shape)


# -- 5. powers at 0 ---------------------------------------------------------------------------

@pytest.mark.parametrize("base, exponent", [(0.0, 0.0), (0.0, 1.0), (0.0, 2.0), (2.0, 0.0),
                                            (-2.0, 2.0), (-2.0, 3.0), (0.5, -1.5), (-0.5, 0.0)])
def test_tensor_powers_match_pytorch_at_0_and_at_negative_bases(base: float, exponent: float) -> None:
    # x ** y of two leaves where PyTorch's two derivatives are finite; the derivative in y at a
    # negative base is NaN (no derivative there: a ** y is real only at integer y), as PyTorch's
    x, y, tx, ty = Tensor([base]), Tensor([exponent]), _t([base]), _t([exponent])
    (x**y).sum().backward()
    (tx**ty).sum().backward()
    np.testing.assert_array_equal(x.grad, tx.grad.numpy())
    np.testing.assert_array_equal(y.grad, ty.grad.numpy())


@pytest.mark.parametrize("exponent", [0.0, 1.0, 2.0, 0.3])
def test_zero_to_a_tensor_power_has_pytorchs_derivative(exponent: float) -> None:
    y, ty = Tensor([exponent]), _t([exponent])
    (g,) = grad((0**y).sum(), [y])
    (0**ty).sum().backward()
    np.testing.assert_array_equal(g, ty.grad.numpy())
    assert g[0] == 0.0
    x = Tensor([0.0])  # the base a leaf too: d/dy exists (0), d/dx does not below exponent 1
    (gy,) = grad((x**y).sum(), [y])
    assert gy[0] == 0.0
    if 0 < exponent < 1:
        with pytest.raises(DomainError, match=r"derivative of pow.* infinite .*input 0"):
            (x**y).sum().backward()


@pytest.mark.parametrize("p", [0, 0.0, 1, 2, 3.0])
def test_a_constant_power_at_0(p: float) -> None:
    x, tx, v = Tensor([0.0]), _t([0.0]), Value(0.0)
    (g,) = grad((x**p).sum(), [x])
    (tx**p).sum().backward()
    out = v**p
    out.backward()
    assert out.data == 0.0**p  # Python's 0 ** 0 is 1
    assert g[0] == v.grad == tx.grad.item()


def test_value_powers_of_two_values_at_0_and_below() -> None:
    for base, exponent in [(0.0, 0.0), (0.0, 1.0), (0.0, 2.0), (-2.0, 2.0)]:
        x, y = Value(base), Value(exponent)
        tx, ty = _t(base), _t(exponent)
        (x**y).backward()
        (tx**ty).backward()
        assert x.grad == tx.grad.item()
        assert y.grad == ty.grad.item() or (math.isnan(y.grad) and math.isnan(ty.grad.item()))
    y = Value(0.3)
    (0 ** y).backward()  # a constant base: its infinite derivative is nobody's concern
    assert y.grad == 0.0


# -- 6. 0-d results are arrays ----------------------------------------------------------------

def test_0d_results_and_gradients_are_arrays_of_their_own() -> None:
    w = Tensor(np.array(2.0))
    y = w**2
    assert type(y.data) is np.ndarray and y.data.shape == ()
    for out in (w.exp(), w * w, -w, w.sum(), abs(w), w.tanh() + 1.0):
        assert type(out.data) is np.ndarray
    y.backward()
    y.backward()  # a second pass adds 0-d to 0-d: still an array
    assert type(w.grad) is np.ndarray and w.grad == 8.0
    w.grad[...] = 0  # the docstring's promise: an optimizer may change it in place
    assert w.grad == 0.0


def test_abs_of_a_0d_tensor_backward() -> None:
    t = Tensor([1.0, -2.0])
    abs(t.sum()).backward()
    np.testing.assert_array_equal(t.grad, [-1.0, -1.0])


# -- 7. integer dtypes ------------------------------------------------------------------------

def test_an_integer_dtype_is_kept_and_an_unknown_one_named() -> None:
    assert Tensor([1, 2], dtype=np.int64).dtype == np.int64
    assert Tensor([1, 2], dtype="int32").dtype == np.int32
    assert Tensor([1, 2]).dtype == np.float64  # without a dtype, numbers are float64 as always
    for bad in ("banana", complex, object, "U3"):
        with pytest.raises(TypeError, match="dtype must be a float, integer or boolean numpy dtype"):
            Tensor([1, 2], dtype=bad)


def test_integer_tensors_are_not_differentiable() -> None:
    i = Tensor([1, 2], dtype=np.int64, name="i")
    x = Tensor([0.5, 1.5], name="x")
    (x * i).sum().backward()  # a gradient that reaches an integer tensor is dropped, as PyTorch does
    np.testing.assert_array_equal(x.grad, [1.0, 2.0])
    assert i.grad is None
    assert (i + 1).dtype == np.int64 and (i * 0.5).dtype == np.float64
    with pytest.raises(TypeError, match="i=.* int64 is not differentiable"):
        grad((x * i).sum(), [i])
    with pytest.raises(TypeError, match="not differentiable"):
        (i * 2).sum().backward()
    with pytest.raises(RuntimeError, match="reaches no input you made"):
        (i * 0.5).sum().backward()


def test_a_float32_input_of_a_float64_op_gets_a_float32_gradient() -> None:
    x32, x64 = Tensor([1.0, 2.0], dtype=np.float32), Tensor([3.0, 4.0])
    (x32 * x64).sum().backward()
    assert x32.grad.dtype == np.float32 and x64.grad.dtype == np.float64
    np.testing.assert_array_equal(x32.grad, [3.0, 4.0])


# -- 8. one rule for domain errors ------------------------------------------------------------

DOMAIN: list[tuple[str, Callable[[Any], Any], float]] = [
    ("log", lambda x: x.log(), -1.0), ("log", lambda x: x.log(), 0.0), ("sqrt", lambda x: x.sqrt(), -1.0),
    ("div", lambda x: 1.0 / x, 0.0), ("div", lambda x: x / 0.0, 1.0), ("pow", lambda x: x**-1.0, 0.0),
    ("pow", lambda x: x**0.5, -8.0), ("exp", lambda x: x.exp(), 1000.0), ("pow", lambda x: x**400.0, 10.0),
    ("div", lambda x: x / 1e-200, 1e200), ("pow", lambda x: 2.0**x, 2000.0),
]


@pytest.mark.parametrize("op, f, at", DOMAIN, ids=[f"{o}@{a}" for o, f, a in DOMAIN])
def test_value_and_tensor_raise_the_same_domain_error(op: str, f: Callable[[Any], Any], at: float) -> None:
    with pytest.raises(DomainError) as scalar:
        f(Value(at, name="x"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an error, not a numpy warning
        with pytest.raises(DomainError) as tensor:
            f(Tensor([1.0, at, 2.0], name="x"))
    assert scalar.value.op == tensor.value.op == op
    assert "x=" in str(scalar.value) and "x=" in str(tensor.value)
    assert f"{at!r}" in str(tensor.value) and "(1,)" in str(tensor.value)  # the element and its position


def test_nan_and_infinity_in_the_inputs_go_through_both_alike() -> None:
    for f in (lambda x: x.log(), lambda x: x.sqrt(), lambda x: x.sin(), lambda x: x / 0.0, lambda x: x.exp()):
        for bad in (math.nan, math.inf, -math.inf):
            got = f(Value(bad)).data
            with np.errstate(invalid="ignore"):  # (numpy's sin warns of sin(inf), as for an array)
                want = f(Tensor([bad])).data[0]
            assert got == want or (math.isnan(got) and math.isnan(want))


@pytest.mark.parametrize("make", [Value, lambda v: Tensor([v])])
def test_sqrt_at_0_has_no_derivative_for_either(make: Callable[[float], Any]) -> None:
    x = make(0.0)
    y = x.sqrt() if isinstance(x, Value) else x.sqrt().sum()
    with pytest.raises(DomainError, match="derivative of sqrt.* infinite") as info:
        y.backward()
    assert info.value.phase == "backward"


def test_backward_gives_pytorchs_value_where_the_derivative_exists() -> None:
    v = Value(-1.0)
    (v.relu() ** 0.5).backward()  # flat: relu passes 0, whatever the slope of sqrt at 0
    assert v.grad == 0.0
    t = Tensor([-1.0, 4.0])
    (t.relu() ** 0.5).sum().backward()
    np.testing.assert_array_equal(t.grad, [0.0, 0.25])
    v = Value(0.0)
    (v**0).backward()
    assert v.grad == 0.0
    x, y = Value(-2.0), Value(2.0)
    (x**y).backward()
    assert x.grad == -4.0 and math.isnan(y.grad)  # PyTorch: -4 and nan


SWEEP_POINTS = (-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0)
SWEEP_UNARY: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "log": (lambda x: x.log(), torch.log), "sqrt": (lambda x: x.sqrt(), torch.sqrt),
    "pow0.5": (lambda x: x**0.5, lambda x: x**0.5), "pow1.5": (lambda x: x**1.5, lambda x: x**1.5),
    "pow0": (lambda x: x**0, lambda x: x**0), "pow-1": (lambda x: x**-1, lambda x: x**-1),
    "rdiv": (lambda x: 1 / x, lambda x: 1 / x), "relu": (lambda x: x.relu(), torch.relu),
    "abs": (lambda x: abs(x), torch.abs), "relu_sqrt": (lambda x: x.relu().sqrt(), lambda x: x.relu().sqrt()),
    "relu_pow0.5": (lambda x: x.relu() ** 0.5, lambda x: x.relu() ** 0.5), "rpow0": (lambda x: 0**x, lambda x: 0**x),
}


@pytest.mark.parametrize("name", sorted(SWEEP_UNARY))
@pytest.mark.parametrize("kind", ["value", "tensor"])
def test_sweep_a_derivative_pytorch_gives_is_ours_and_an_error_only_where_none_exists(name: str, kind: str) -> None:
    ours, theirs = SWEEP_UNARY[name]
    for at in SWEEP_POINTS:
        tx = _t(at)
        try:
            tout = theirs(tx)
            tout.backward()
        except RuntimeError:
            continue
        x = Value(at) if kind == "value" else Tensor(np.array(at))
        try:
            out = ours(x)
        except DomainError:
            assert not math.isfinite(tout.item()), (name, at)  # an error only where PyTorch has no number
            continue
        want = tx.grad.item()
        if math.isfinite(want):
            out.backward()
            assert float(x.grad) == pytest.approx(want, rel=1e-15), (name, at)
        else:
            with pytest.raises(DomainError):
                out.backward()


# -- 9. detect_anomaly covers Values and the backward pass ------------------------------------

@pytest.mark.parametrize("f, op", [(lambda: Value(1e300) * Value(1e300), "mul"),
                                   (lambda: Value(1e308) + Value(1e308), "add"),
                                   (lambda: Value(math.inf) - Value(math.inf), "sub"),
                                   (lambda: Value(1e300) * 1e300 - 1.0, "mul")])
def test_detect_anomaly_catches_the_first_nonfinite_value(f: Callable[[], Value], op: str) -> None:
    assert not math.isfinite(f().data)  # IEEE outside
    with detect_anomaly(), pytest.raises(AnomalyError, match=rf"^{op} made a NaN or an infinity in the forward"):
        f()


def test_detect_anomaly_names_the_step_that_made_a_nonfinite_gradient() -> None:
    x = Tensor([1e-200], name="x")
    with detect_anomaly(), pytest.raises(AnomalyError, match=r"chain-rule step of div .* input 1 \(x="):
        (1.0 / x).sum().backward()  # finite forward (1e200), an infinite derivative -1e400
    v = Value(1e-200, name="v")
    with detect_anomaly(), pytest.raises(AnomalyError, match=r"step of div .* input 1 \(v=1e-200\)"):
        (1.0 / v).backward()
    x = Tensor([0.0])
    with detect_anomaly():
        (x**0).sum().backward()  # no NaN any more: the slope of x ** 0 is 0
    assert x.grad[0] == 0.0


# -- also: graphs built under no_grad, NaN through relu and max --------------------------------

def test_backward_through_a_graph_built_under_no_grad_is_an_error() -> None:
    x = Value(1.0, name="x")
    with no_grad():
        y = x * 2
        t = Tensor([1.0]).exp().sum()
    for root in (y, y * 3, t):
        with pytest.raises(RuntimeError, match="reaches no input you made: it was made under no_grad"):
            root.backward()
        with pytest.raises(RuntimeError, match="no_grad"):
            grad(root, [x])
    assert x.grad == 0.0
    (y * x).backward()  # reaching an input the user made is fine: x gets dy/dx with y a constant
    assert x.grad == 2.0
    a = Value(3.0)
    (g,) = grad(a + a, [a], create_graph=True)
    assert grad(g, [a]) == [0.0]  # the derivative of a constant derivative: 0, no error


def test_nan_goes_through_relu_max_and_min_in_any_order() -> None:
    for x in (Value(math.nan), Tensor(np.array(math.nan))):
        r = x.relu()
        r.backward()
        tx = _t(math.nan)
        torch.relu(tx).backward()
        assert math.isnan(float(r.data)) and float(x.grad) == tx.grad.item()
    for f in (max_, min_):
        for args in ((1.0, Value(math.nan)), (Value(math.nan), 1.0), (Value(2.0), Value(math.nan), Value(1.0))):
            out = f(*args)
            assert math.isnan(out.data), (f, args)
            out.backward()
            nan_input = next(a for a in args if isinstance(a, Value) and math.isnan(a.data))
            assert nan_input.grad == 1.0  # the gradient goes to the NaN, as PyTorch's max gives it


@given(hnp.arrays(np.float64, (3, 4), elements=st.floats(-3, 3)), st.integers(-2, 1))
def test_max_over_any_axis_with_a_nan_gives_the_nan_its_gradient(x: np.ndarray, axis: int) -> None:
    x = x.copy()
    x[1, 2] = math.nan
    t = Tensor(x)
    out = t.max(axis=axis)
    out.sum().backward()
    assert np.isnan(out.data).any() and np.all(np.isfinite(t.grad))
    assert t.grad[1, 2] == 1.0 and np.all(t.grad.sum(axis=axis) == 1.0)
