"""Ops defined by the user (``autograd.Function``): gradients against PyTorch float64 and exact
formulas, create_graph, composition with built-ins, viz, and gradcheck naming a wrong op."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import viz
from autograd import DomainError, Function, Tensor, Value, grad, no_grad, ops
from autograd.testing import GradcheckError, gradcheck

torch = pytest.importorskip("torch")


class Cube(Function):
    formulas = ("3*{a}^2",)

    @staticmethod
    def forward(a: Any) -> Any:
        return a**3

    @staticmethod
    def local(a: Any, out: Any) -> tuple[Any]:
        return (3 * a**2,)


class Sinh(Function):
    """sinh with its derivative written from the output: cosh = sqrt(1 + sinh^2), one line that
    works on floats, arrays and graph nodes."""

    formulas = ("cosh({a})",)

    @staticmethod
    def forward(a: Any) -> Any:
        return np.sinh(a)

    @staticmethod
    def local(a: Any, out: Any) -> tuple[Any]:
        return ((1 + out * out) ** 0.5,)


class Mul(Function):
    formulas = ("{b}", "{a}")

    @staticmethod
    def forward(a: Any, b: Any) -> Any:
        return a * b

    @staticmethod
    def local(a: Any, b: Any, out: Any) -> tuple[Any, Any]:
        return (b, a)


class Softmax(Function):
    """A Jacobian that is not diagonal: a vjp, rows along the last axis."""

    formulas = ("{out} * (d{out} - sum(d{out} * {out}))",)

    @staticmethod
    def forward(a: np.ndarray) -> np.ndarray:
        e = np.exp(a - a.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    @staticmethod
    def vjp(g: Any, a: Any, out: Any) -> tuple[Any]:
        return (out * (g - (g * out).sum(axis=-1, keepdims=True)),)


class LeakyReLU(Function):
    formulas = ("1 if {a} > 0 else {slope}",)

    @staticmethod
    def forward(a: Any, *, slope: float) -> Any:
        return np.where(a > 0, a, slope * a)

    @staticmethod
    def local(a: Any, out: Any, *, slope: float) -> tuple[Any]:
        x = a.data if isinstance(a, Tensor) else a
        return (np.where(x > 0, 1.0, slope),)


def t64(x: Any) -> Any:
    return torch.tensor(np.asarray(x, dtype=np.float64), requires_grad=True)


# -- values: exact derivatives ---------------------------------------------------------------

@given(st.floats(-3, 3))
def test_a_user_op_on_values_has_its_local_derivative(x: float) -> None:
    v = Value(x, name="x")
    y = Cube.apply(v)
    y.backward()
    assert y.data == x**3 and v.grad == 3 * x**2
    assert y.op == "Cube" and y.local_formulas() == ("3*x^2",) and y.local_grads == (3 * x**2,)


@given(st.floats(-3, 3))
def test_second_derivative_through_create_graph(x: float) -> None:
    v = Value(x)
    (d1,) = grad(Sinh.apply(v), [v], create_graph=True)
    (d2,) = grad(d1, [v])
    assert d1.data == pytest.approx(math.cosh(x), rel=1e-12) and d2 == pytest.approx(math.sinh(x), rel=1e-9, abs=1e-12)
    assert gradcheck(lambda a: Sinh.apply(a) * a, [x], second_order=True)


def test_numbers_become_constants_and_the_op_composes_with_built_ins() -> None:
    x = Value(1.5, name="x")
    y = (Mul.apply(x, 2) + Mul.apply(3, x.tanh())).exp()
    y.backward()
    xt = t64(1.5)
    yt = (xt * 2 + 3 * xt.tanh()).exp()
    yt.backward()
    assert y.data == pytest.approx(yt.item(), rel=1e-14) and x.grad == pytest.approx(xt.grad.item(), rel=1e-14)
    assert y.parents[0].parents[0].parents[1].is_constant


def test_under_no_grad_a_user_op_records_nothing() -> None:
    with no_grad():
        y = Cube.apply(Value(2.0))
    assert y.is_leaf and y.data == 8.0


# -- tensors: against PyTorch ------------------------------------------------------------------

def test_tensor_ops_broadcast_and_match_pytorch() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 3)), rng.standard_normal(3)
    A, B = Tensor(a), Tensor(b)
    y = Sinh.apply(Mul.apply(A, B)).sum() + Softmax.apply(A * 2)[:, 0].sum()
    y.backward()
    at, bt = t64(a), t64(b)
    yt = torch.sinh(at * bt).sum() + torch.softmax(at * 2, dim=-1)[:, 0].sum()
    yt.backward()
    assert y.item() == pytest.approx(yt.item(), rel=1e-13)
    np.testing.assert_allclose(A.grad, at.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(B.grad, bt.grad.numpy(), rtol=1e-12)  # summed back over the broadcast rows


def test_second_derivatives_of_tensor_ops_match_pytorch() -> None:
    a = np.array([[0.3, -1.2, 0.5], [2.0, 0.1, -0.4]])
    A = Tensor(a)
    (g,) = grad((Sinh.apply(A) * Softmax.apply(A)).sum(), [A], create_graph=True)
    (h,) = grad((g * g).sum(), [A])
    at = t64(a)
    (gt,) = torch.autograd.grad((torch.sinh(at) * torch.softmax(at, -1)).sum(), [at], create_graph=True)
    (ht,) = torch.autograd.grad((gt * gt).sum(), [at])
    np.testing.assert_allclose(g.data, gt.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(h, ht.numpy(), rtol=1e-10)


def test_keyword_constants_reach_forward_local_and_formulas() -> None:
    x = Tensor(np.array([-2.0, 3.0]), name="x")
    y = LeakyReLU.apply(x, slope=0.1)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [0.1, 1.0])
    assert y.arg == {"slope": 0.1} and str(y.arg) == "slope=0.1"
    assert y.local_formulas() == ("1 if x > 0 else 0.1",)
    xt = t64([-2.0, 3.0])
    torch.nn.functional.leaky_relu(xt, 0.1).sum().backward()
    np.testing.assert_array_equal(x.grad, xt.grad.numpy())


# -- viz reads it as a built-in ----------------------------------------------------------------

def test_viz_draws_and_explains_a_user_op_with_its_formula() -> None:
    x = Value(2.0, name="x")
    y = Cube.apply(x)
    y.name = "y"
    source = viz.draw(y, "backward").source
    assert "Cube" in source and "dy/dx = 3*x^2 = 12.0" in source
    text = str(viz.steps(y))
    assert "y = Cube(x)" in text and "dy/dx = dy/dy * dy/dx = 1.0 * (3*x^2 = 12.0) = 12.0" in text
    s = Softmax.apply(Tensor(np.zeros((1, 2)), name="z"))
    s.name = "s"
    assert "ds/dz = ds/ds * ds/dz = [[1., 1.]] * s * (ds - sum(ds * s))" in str(viz.steps(s, seed=np.ones((1, 2))))


# -- gradcheck finds the wrong op --------------------------------------------------------------

class WrongCube(Cube):
    @staticmethod
    def local(a: Any, out: Any) -> tuple[Any]:
        return (2 * a**2,)  # the classic slip: the exponent forgotten


class WrongSoftmax(Softmax):
    @staticmethod
    def vjp(g: Any, a: Any, out: Any) -> tuple[Any]:
        return (out * g,)  # the diagonal only


def test_gradcheck_passes_right_ops_in_one_call() -> None:
    assert gradcheck(Cube, [1.7]) and gradcheck(Mul, [0.5, -2.0]) and gradcheck(Sinh, [np.array([0.3, -1.0])])
    assert gradcheck(Softmax, [np.array([[0.1, 0.7, -0.3], [1.0, 2.0, 3.0]])])  # the whole 6 x 6 Jacobian


def test_gradcheck_names_the_wrong_op_and_input_for_values() -> None:
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda a, b: (Mul.apply(a, WrongCube.apply(b)) + a).tanh(), [Value(0.5, name="a"), 0.8])
    text = str(info.value)
    assert "gradient mismatch" in text
    assert "WrongCube.local is wrong for input 0 (x1)" in text  # b, unnamed: gradcheck's own label
    assert "the chain rule gives 1.28, a central difference 1.92" in text  # 2 b^2 against 3 b^2 at b = 0.8
    assert "Mul" not in text.split("wrong (its step")[1]  # the right op is not blamed


def test_gradcheck_names_the_element_for_tensors() -> None:
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: (WrongSoftmax.apply(x) ** 2).sum(), [np.array([[0.1, 0.7, -0.3]])])
    text = str(info.value)
    assert "WrongSoftmax.vjp is wrong for input 0 (x0, element [0, " in text
    with pytest.raises(GradcheckError, match=r"x0\[\d, \d\] \(output \[\d, \d\]\)"):
        gradcheck(WrongSoftmax, [np.array([[0.1, 0.7, -0.3]])])


# -- mistakes a student makes, and what they are told ------------------------------------------

def test_mistakes_in_defining_an_op_are_named() -> None:
    with pytest.raises(TypeError, match="NoDerivative needs local"):
        class NoDerivative(Function):
            @staticmethod
            def forward(a: Any) -> Any:
                return a

    with pytest.raises(TypeError, match="Two.formulas has 1 formula, for 2 inputs"):
        class Two(Function):
            formulas = ("1",)

            @staticmethod
            def forward(a: Any, b: Any) -> Any:
                return a + b

            @staticmethod
            def local(a: Any, b: Any, out: Any) -> tuple[Any, Any]:
                return (1.0, 1.0)

    class Short(Mul):
        @staticmethod
        def local(a: Any, b: Any, out: Any) -> Any:
            return b  # not a tuple

    with pytest.raises(TypeError, match=r"Short.local must return a tuple of 2 \(one per input"):
        Short.apply(Value(1.0), 2.0).backward()
    with pytest.raises(TypeError, match="Cube.apply takes 1 input"):
        Cube.apply(Value(1.0), 2.0)
    with pytest.raises(TypeError, match="needs a Value or a Tensor"):
        Cube.apply(2.0)
    with pytest.raises(TypeError, match="cannot be mixed"):
        Mul.apply(Value(1.0), Tensor([1.0]))
    with pytest.raises(TypeError, match=r"call Cube.apply"):
        Cube()


def test_domain_errors_name_the_user_op() -> None:
    class Log(Function):
        @staticmethod
        def forward(a: Any) -> Any:
            return math.log(a)

        @staticmethod
        def local(a: Any, out: Any) -> tuple[Any]:
            return (1 / a,)

    with pytest.raises(DomainError, match=r"Log\(x=0.0\) is undefined"):
        Log.apply(Value(0.0, name="x"))

    class Blowup(Function):
        @staticmethod
        def forward(a: Any) -> Any:
            return np.exp(a * 1000.0)

        @staticmethod
        def local(a: Any, out: Any) -> tuple[Any]:
            return (1000.0 * out,)

    with pytest.raises(DomainError, match=r"Blowup\(.*the result is not finite at index \(1,\)"):
        Blowup.apply(Tensor([0.0, 1.0]))


def test_a_local_written_with_numpy_says_so_under_create_graph() -> None:
    class NumpySinh(Sinh):
        @staticmethod
        def local(a: Any, out: Any) -> tuple[Any]:
            return (np.cosh(a),)

    x = Tensor([0.5])
    assert gradcheck(NumpySinh, [np.array([0.5])])  # a plain pass is fine
    with pytest.raises(TypeError, match="NumpySinh.local failed on graph nodes"):
        grad(NumpySinh.apply(x).sum(), [x], create_graph=True)


def test_a_type_error_in_a_plain_pass_is_not_blamed_on_create_graph() -> None:
    class Broken(Sinh):
        @staticmethod
        def local(a: Any, out: Any) -> tuple[Any]:
            return (len(a),)  # a bug of the op's own: a float has no len()

    x = Value(0.5)
    with pytest.raises(TypeError) as info:
        Broken.apply(x).backward()
    assert "create_graph" not in str(info.value) and "len()" in str(info.value)


def test_a_vjp_of_the_wrong_shape_is_named() -> None:
    class Flat(Softmax):
        @staticmethod
        def vjp(g: Any, a: Any, out: Any) -> tuple[Any]:
            return (g.sum(axis=0),)  # forgot the rows

    x = Tensor(np.zeros((2, 3)), name="x")
    with pytest.raises(ValueError, match=r"chain-rule step of Flat gave a gradient of shape \(3,\) for x"):
        Flat.apply(x).backward(np.ones((2, 3)))


# -- property: an op defined from a built-in record is that op ------------------------------------

_RECORDS = {op.name: op for op in (ops.EXP, ops.LOG, ops.SQRT, ops.SIN, ops.COS, ops.TANH, ops.SIGMOID)}
_DEFINED = {name: type(f"My_{name}", (Function,), {"formulas": op.formulas,
                                                    "forward": staticmethod(lambda a, f=op.forward: f(a)),
                                                    "local": staticmethod(op.local)})
            for name, op in _RECORDS.items()}


@pytest.mark.parametrize("name", sorted(_RECORDS))
@given(x=st.floats(0.1, 3.0), w=st.floats(-2.0, 2.0))
def test_an_op_defined_from_a_built_in_record_differentiates_as_the_built_in(name: str, x: float, w: float) -> None:
    def f(v: Value, op: Any) -> Value:
        return (op(v) * w + v).tanh() * op(v)

    def built_in(v: Value) -> Value:
        return getattr(v, name)()

    results = []
    for op in (built_in, _DEFINED[name].apply):
        v = Value(x)
        y = f(v, op)
        (d1,) = grad(y, [v], create_graph=True)
        (d2,) = grad(d1, [v])
        results.append((y.data, d1.data, d2))
    assert results[0] == pytest.approx(results[1], rel=1e-14, abs=1e-300)
