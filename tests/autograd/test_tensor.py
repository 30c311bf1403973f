"""Tensor: the same engine over arrays. Oracles: PyTorch, finite differences, the scalar engine,
and the notes' vectorized backward formulas (004)."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd import (
    AnomalyError,
    Tensor,
    Value,
    concatenate,
    cross_entropy,
    detect_anomaly,
    grad,
    stack,
    sum_,
    topological_order,
)
from autograd.functional import log_softmax, softmax
from autograd.op import Op
from autograd.tensor_ops import Elementwise
from autograd.testing import GradcheckError, gradcheck
from tests.autograd.second_order import check_second_derivatives

torch = pytest.importorskip("torch")

UNARY = {
    "exp": (lambda t: t.exp(), torch.exp, -2, 2),
    "log": (lambda t: t.log(), torch.log, 0.2, 3),
    "sqrt": (lambda t: t.sqrt(), torch.sqrt, 0.2, 3),
    "sin": (lambda t: t.sin(), torch.sin, -3, 3),
    "cos": (lambda t: t.cos(), torch.cos, -3, 3),
    "tanh": (lambda t: t.tanh(), torch.tanh, -3, 3),
    "sigmoid": (lambda t: t.sigmoid(), torch.sigmoid, -5, 5),
    "relu": (lambda t: t.relu(), torch.relu, -3, 3),
    "leaky_relu": (lambda t: t.leaky_relu(0.1), lambda t: torch.nn.functional.leaky_relu(t, 0.1), -3, 3),
    "elu": (lambda t: t.elu(1.5), lambda t: torch.nn.functional.elu(t, 1.5), -3, 3),
    "abs": (lambda t: abs(t), torch.abs, -3, 3),
    "neg": (lambda t: -t, lambda t: -t, -3, 3),
    "pow3": (lambda t: t**3, lambda t: t**3, -2, 2),
    "pow_half": (lambda t: t**0.5, lambda t: t**0.5, 0.2, 3),
    "sum": (lambda t: t.sum(axis=0), lambda t: t.sum(dim=0), -3, 3),
    "sum_keep": (lambda t: t.sum(axis=1, keepdims=True), lambda t: t.sum(dim=1, keepdim=True), -3, 3),
    "mean": (lambda t: t.mean(axis=1), lambda t: t.mean(dim=1), -3, 3),
    "max": (lambda t: t.max(axis=1), lambda t: t.max(dim=1).values, -3, 3),
    "transpose": (lambda t: t.T, lambda t: t.T, -3, 3),
    "reshape": (lambda t: t.reshape(-1), lambda t: t.reshape(-1), -3, 3),
    "index": (lambda t: t[np.array([0, 2, 0])], lambda t: t[torch.tensor([0, 2, 0])], -3, 3),
    "slice": (lambda t: t[1:, ::2], lambda t: t[1:, ::2], -3, 3),
    "softmax": (lambda t: softmax(t, axis=1), lambda t: torch.softmax(t, dim=1), -3, 3),
    "log_softmax": (lambda t: log_softmax(t, axis=0), lambda t: torch.log_softmax(t, dim=0), -3, 3),
}


def _compare(ours: Tensor, leaves: list[Tensor], theirs: object, tleaves: list[object], seed: np.ndarray) -> None:
    ours.backward(seed)
    theirs.backward(torch.tensor(seed))  # type: ignore[attr-defined]
    assert np.allclose(ours.data, theirs.detach().numpy(), rtol=1e-12, atol=1e-12)  # type: ignore[attr-defined]
    for a, b in zip(leaves, tleaves):
        np.testing.assert_allclose(a.grad, b.grad.numpy(), rtol=1e-10, atol=1e-10)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data())
def test_unary_ops_match_pytorch(name: str, data: st.DataObject) -> None:
    ours_f, torch_f, low, high = UNARY[name]
    x = data.draw(hnp.arrays(np.float64, (3, 4), elements=st.floats(low, high)))
    if name in ("relu", "leaky_relu", "elu", "abs"):
        x = np.where(np.abs(x) < 1e-3, 0.5, x)
    if name == "max":
        x = x + np.arange(12).reshape(3, 4) * 1e-3
        assume(all(len(set(row)) == len(row) for row in x))  # no ties: torch and we split ties differently
    t = Tensor(x)
    tt = torch.tensor(x, requires_grad=True)
    out = ours_f(t)
    seed = data.draw(hnp.arrays(np.float64, out.shape, elements=st.floats(-2, 2)))
    _compare(out, [t], torch_f(tt), [tt], seed)


# (the bias cases, (5, 3) with (3,), (1, 3) or (5, 1), sum the gradient with a BLAS product)
shapes = st.sampled_from([((3, 4), (3, 4)), ((3, 4), (4,)), ((3, 1), (1, 4)), ((2, 3, 4), (3, 1)), ((4,), ()),
                          ((1,), (2, 3)), ((5, 3), (1, 3)), ((5, 1), (5, 3))])
BINARY = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "/": lambda a, b: a / b,
          "**": lambda a, b: a**b}


@pytest.mark.parametrize("op", sorted(BINARY))
@given(pair=shapes, data=st.data())
def test_broadcasting_binary_ops_match_pytorch(op: str, pair: tuple[tuple[int, ...], tuple[int, ...]],
                                               data: st.DataObject) -> None:
    low = 0.5 if op in ("/", "**") else -2.0
    xa = data.draw(hnp.arrays(np.float64, pair[0], elements=st.floats(low, 2)))
    xb = data.draw(hnp.arrays(np.float64, pair[1], elements=st.floats(low, 2)))
    a, b = Tensor(xa), Tensor(xb)
    ta, tb = torch.tensor(xa, requires_grad=True), torch.tensor(xb, requires_grad=True)
    out = BINARY[op](a, b)
    assert out.shape == np.broadcast_shapes(xa.shape, xb.shape)
    seed = data.draw(hnp.arrays(np.float64, out.shape, elements=st.floats(-2, 2)))
    _compare(out, [a, b], BINARY[op](ta, tb), [ta, tb], seed)
    assert a.grad.shape == xa.shape and b.grad.shape == xb.shape


@given(st.sampled_from([((3, 4), (4, 2)), ((2, 3, 4), (2, 4, 5)), ((2, 3, 4), (4, 1)), ((5, 1, 2, 3), (4, 3, 2))]),
       st.data())
def test_matmul_2d_and_batched_matches_pytorch(shapes: tuple[tuple[int, ...], ...], data: st.DataObject) -> None:
    xa = data.draw(hnp.arrays(np.float64, shapes[0], elements=st.floats(-2, 2)))
    xb = data.draw(hnp.arrays(np.float64, shapes[1], elements=st.floats(-2, 2)))
    a, b = Tensor(xa), Tensor(xb)
    ta, tb = torch.tensor(xa, requires_grad=True), torch.tensor(xb, requires_grad=True)
    out = a @ b
    seed = np.random.default_rng(0).standard_normal(out.shape)
    _compare(out, [a, b], ta @ tb, [ta, tb], seed)


def test_cross_entropy_is_one_fused_node_matching_pytorch() -> None:
    rng = np.random.default_rng(1)
    x, labels = rng.standard_normal((6, 5)), np.array([0, 4, 1, 1, 3, 2])
    t, tt = Tensor(x), torch.tensor(x, requires_grad=True)
    loss = cross_entropy(t, labels)
    assert loss.op == "cross_entropy" and loss.parents == (t,)
    _compare(loss, [t], torch.nn.functional.cross_entropy(tt, torch.tensor(labels)), [tt], np.array(1.0))
    p = np.exp(x) / np.exp(x).sum(1, keepdims=True)
    onehot = np.eye(5)[labels]
    np.testing.assert_allclose(t.grad, (p - onehot) / 6, rtol=1e-12)
    with pytest.raises(ValueError, match="labels"):
        cross_entropy(Tensor(x), np.array([0, 5, 1, 1, 3, 2]))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@given(scale=st.sampled_from([1.0, 30.0, 300.0, 3000.0]), data=st.data())
def test_cross_entropy_is_stable_for_logits_of_any_spread(dtype: type, scale: float, data: st.DataObject) -> None:
    # each row is shifted by its own max: no exponential overflows or underflows to nothing,
    # whatever the spread, and the result agrees with float64 PyTorch on the same logits
    x = (data.draw(hnp.arrays(np.float64, (6, 5), elements=st.floats(-1, 1))) * scale).astype(dtype)
    labels = data.draw(hnp.arrays(np.int64, 6, elements=st.integers(0, 4)))
    t, tt = Tensor(x), torch.tensor(x.astype(np.float64), requires_grad=True)
    loss = cross_entropy(t, labels)
    loss.backward()
    want = torch.nn.functional.cross_entropy(tt, torch.tensor(labels))
    want.backward()
    assert loss.dtype == dtype and np.all(np.isfinite(t.grad))
    rtol = 1e-10 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(loss.item(), want.item(), rtol=rtol, atol=rtol * scale)
    np.testing.assert_allclose(t.grad, tt.grad.numpy(), rtol=rtol, atol=rtol)  # type: ignore[union-attr]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_cross_entropy_of_a_confident_classifier_keeps_its_digits(dtype: type) -> None:
    # rows whose maxima lie far apart, each sure of its label: every row's loss is log(1 + tiny),
    # about 9 exp(-25) = 1.3e-10. Shifted by each row's own max it is within a few rounding
    # units of 1 of the truth; a shift by the batch's max would cost eps times the rows' offsets
    x = np.full((3, 10), -25.0) + np.array([[0.0], [-40.0], [35.0]])
    labels = np.array([2, 5, 7])
    x[np.arange(3), labels] += 25.0
    t, tt = Tensor(x.astype(dtype)), torch.tensor(x, requires_grad=True)
    loss = cross_entropy(t, labels)
    loss.backward()
    want = torch.nn.functional.cross_entropy(tt, torch.tensor(labels))
    want.backward()
    eps = float(np.finfo(dtype).eps)
    assert abs(loss.item() - want.item()) <= 4 * eps
    np.testing.assert_allclose(t.grad, tt.grad.numpy(), rtol=1e-5 if dtype == np.float32 else 1e-12,  # type: ignore[union-attr]
                               atol=4 * eps / 3)


def test_concatenate_stack_and_repeated_indices() -> None:
    a, b = Tensor(np.ones((2, 3))), Tensor(np.full((1, 3), 2.0))
    c = concatenate([a, b], axis=0)
    (c * np.arange(9.0).reshape(3, 3)).sum().backward()
    np.testing.assert_array_equal(a.grad, np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(b.grad, [[6.0, 7.0, 8.0]])
    s = stack([Tensor(np.ones(2)), Tensor(np.zeros(2))], axis=1)
    assert s.shape == (2, 2)
    x = Tensor(np.arange(4.0))
    x[np.array([1, 1, 3])].sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 2.0, 0.0, 1.0])


@given(hnp.arrays(np.float64, (2, 3), elements=st.floats(-1, 1)),
       hnp.arrays(np.float64, (3, 1), elements=st.floats(-1, 1)))
def test_gradcheck_on_tensor_chains(w: np.ndarray, x: np.ndarray) -> None:
    assert gradcheck(lambda W, X: ((W @ X).tanh() * 2 + (W**2).sum() / 3).sum(), [w, x], atol=1e-6)


def test_gradcheck_reports_a_wrong_tensor_gradient() -> None:
    def wrong(a: Tensor) -> Tensor:
        out = a.exp()
        out._fn = a.sin()._fn  # forward exp, backward sin
        return out.sum()

    with pytest.raises(GradcheckError, match="x0"):
        gradcheck(wrong, [np.array([0.3, 0.7])])


def test_scalar_and_tensor_two_layer_nets_agree() -> None:
    rng = np.random.default_rng(4)
    W1, b1, W2, b2 = rng.standard_normal((4, 3)), rng.standard_normal((4, 1)), rng.standard_normal((1, 4)), 0.3
    X, Y = rng.standard_normal((3, 5)), rng.standard_normal((1, 5))
    # tensors
    tW1, tb1, tW2 = Tensor(W1), Tensor(b1), Tensor(W2)
    tb2 = Tensor(np.array([[b2]]))
    loss_t = ((((tW2 @ (tW1 @ Tensor(X) + tb1).tanh()) + tb2).sigmoid() - Y) ** 2).mean()
    loss_t.backward()
    # the same net, one scalar Value per weight
    vW1 = [[Value(w) for w in row] for row in W1]
    vb1 = [Value(b) for b in b1[:, 0]]
    vW2 = [Value(w) for w in W2[0]]
    vb2 = Value(b2)
    terms = []
    for j in range(5):
        h = [(sum_([vW1[i][k] * X[k, j] for k in range(3)]) + vb1[i]).tanh() for i in range(4)]
        y = (sum_([vW2[i] * h[i] for i in range(4)]) + vb2).sigmoid()
        terms.append((y - Y[0, j]) ** 2)
    loss_v = sum_(terms) / 5
    loss_v.backward()
    assert loss_v.data == pytest.approx(loss_t.item(), abs=1e-12)
    np.testing.assert_allclose([[v.grad for v in row] for row in vW1], tW1.grad, atol=1e-12)
    np.testing.assert_allclose([v.grad for v in vb1], tb1.grad[:, 0], atol=1e-12)
    np.testing.assert_allclose([v.grad for v in vW2], tW2.grad[0], atol=1e-12)
    assert vb2.grad == pytest.approx(tb2.grad.item(), abs=1e-12)


def test_vectorized_backward_formulas_of_the_notes() -> None:
    # 004: dZ = dA * g'(Z), dW = 1/m dZ A_prev^T, db = 1/m sum(dZ, axis=1), dA_prev = W^T dZ
    rng = np.random.default_rng(7)
    m = 8
    A0 = rng.standard_normal((3, m))
    W1, b1 = rng.standard_normal((4, 3)) * 0.5, rng.standard_normal((4, 1))
    W2, b2 = rng.standard_normal((1, 4)) * 0.5, rng.standard_normal((1, 1))
    Y = (rng.random((1, m)) > 0.5).astype(float)
    tensors = [Tensor(v) for v in (W1, b1, W2, b2)]
    tA0 = Tensor(A0)
    Z1 = tensors[0] @ tA0 + tensors[1]
    A1 = Z1.tanh()
    Z2 = tensors[2] @ A1 + tensors[3]
    A2 = Z2.sigmoid()
    loss = -(Y * A2.log() + (1 - Y) * (1 - A2).log()).sum() / m
    loss.backward()
    # by hand, as the notes write it (dZ2 = A2 - Y for sigmoid + cross-entropy)
    a1 = np.tanh(W1 @ A0 + b1)
    a2 = 1 / (1 + np.exp(-(W2 @ a1 + b2)))
    dZ2 = a2 - Y
    dW2 = dZ2 @ a1.T / m
    db2 = dZ2.sum(axis=1, keepdims=True) / m
    dA1 = W2.T @ dZ2
    dZ1 = dA1 * (1 - a1**2)
    dW1 = dZ1 @ A0.T / m
    db1 = dZ1.sum(axis=1, keepdims=True) / m
    for got, want in zip([t.grad for t in tensors], [dW1, db1, dW2, db2]):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(tA0.grad, W1.T @ dZ1 / m, rtol=1e-10)


def test_float32_is_kept_through_every_op() -> None:
    x = Tensor(np.ones((2, 3)), dtype=np.float32)
    w = Tensor(np.full((3, 2), 0.5, dtype=np.float32))
    y = ((x @ w) * 2.0 + 1 - np.ones(2)).tanh().sigmoid().exp().log() ** 2
    z = (softmax(y, axis=1) / 3.0).sum(axis=0).mean()
    assert y.dtype == np.float32 and z.dtype == np.float32
    z.backward()
    assert x.grad.dtype == np.float32 and w.grad.dtype == np.float32


def test_errors_name_the_op_and_shapes() -> None:
    with pytest.raises(ValueError, match=r"add: shapes \(2, 3\) and \(4,\)"):
        Tensor(np.ones((2, 3))) + Tensor(np.ones(4))
    with pytest.raises(ValueError, match=r"matmul.*\(2, 3\).*\(2, 3\)"):
        Tensor(np.ones((2, 3))) @ Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"needs a seed .* of that shape: pass grad= to backward\(\)"):
        Tensor(np.ones(3)).exp().backward()
    with pytest.raises(TypeError, match="real numbers"):
        Tensor("abc")


def test_detect_anomaly_names_the_op() -> None:
    x = Tensor(np.array([1.0, 1e300]), name="x")
    with np.errstate(over="ignore"):
        assert np.isinf((x * x).data[1])  # IEEE overflow outside the context
    with detect_anomaly(), pytest.raises(AnomalyError, match=r"mul.*x=array of shape \(2,\)"):
        x * x


def _tanh_times_x(v: Tensor) -> Tensor:
    return (v.tanh() * v).sum()


def _indexing_and_joins(v: Tensor) -> Tensor:
    picked = (v[np.array([0, 2, 2])] ** 3).sum()  # repeated indices: the scatter adds up
    joined = (concatenate([v[1:3].tanh(), v[:2] * v[2:]]) ** 2).sum()
    return picked + joined + (stack([v, v * v], axis=-1) ** 3).sum()


def _batched_matmul(v: Tensor) -> Tensor:
    a = v.reshape(2, 1, 2)  # a batch of two 1 x 2 matrices
    b = stack([v[:2].reshape(2, 1), (v[2:] * v[:2]).reshape(2, 1)])
    return ((a @ b).tanh() * v[0]).sum()


@pytest.mark.parametrize("f", [_tanh_times_x, _indexing_and_joins, _batched_matmul],
                         ids=["tanh", "indexing-and-joins", "batched-matmul"])
def test_second_derivative_through_create_graph(f: Any) -> None:
    check_second_derivatives(f, np.array([0.3, -0.8, 1.2, 0.5]), rtol=1e-6)


def test_tensor_record_reads_like_the_notes() -> None:
    W, X = Tensor(np.ones((2, 3)), name="W"), Tensor(np.ones((3, 4)), name="X")
    Z = W @ X
    Z.name = "Z"
    assert Z.op == "@" and Z.parents == (W, X)
    assert Z.local_formulas() == ("dZ @ X^T", "W^T @ dZ")
    A = Z.tanh()
    A.name = "A"
    assert A.local_formulas() == ("1 - A^2",)
    assert np.allclose(A.local_grads[0], 1 - np.tanh(3.0) ** 2)
    assert np.asarray(A).shape == (2, 4) and A.numpy() is A.data and W.grad is None


def test_transpose_takes_axes_as_arguments_or_one_tuple_like_numpy() -> None:
    x = Tensor(np.arange(24.0).reshape(2, 3, 4))
    for t in (x.transpose(2, 0, 1), x.transpose((2, 0, 1)), x.transpose([2, 0, 1])):
        np.testing.assert_array_equal(t.data, x.data.transpose(2, 0, 1))
    # the backward of a transpose under create_graph transposes a Tensor by a tuple of axes
    (g,) = grad((x.transpose((2, 0, 1)) ** 2).sum(), [x], create_graph=True)
    np.testing.assert_array_equal(g.data, 2 * x.data)
    (h,) = grad(g.sum(), [x])
    np.testing.assert_array_equal(h, np.full(x.shape, 2.0))


# Each call with numpy's own integers and booleans where numpy takes them, and numpy's result.
NUMPY_ARGUMENTS = {
    "sum": (lambda t: t.sum(axis=np.int64(1), keepdims=np.bool_(True)), lambda x: x.sum(axis=1, keepdims=True)),
    "mean": (lambda t: t.mean(axis=(np.int32(0), 1), keepdims=1), lambda x: x.mean(axis=(0, 1), keepdims=True)),
    "max": (lambda t: t.max(axis=np.int8(-1)), lambda x: x.max(axis=-1)),
    "reshape": (lambda t: t.reshape(np.int64(3), -1), lambda x: x.reshape(3, -1)),
    "transpose": (lambda t: t.transpose((np.int64(1), 0)), lambda x: x.transpose(1, 0)),
    "concatenate": (lambda t: concatenate([t, t], axis=np.int64(1)), lambda x: np.concatenate([x, x], axis=1)),
    "stack": (lambda t: stack([t, t], axis=np.uint8(0)), lambda x: np.stack([x, x])),
    "softmax": (lambda t: softmax(t, axis=np.int64(0)), lambda x: np.exp(x) / np.exp(x).sum(axis=0)),
    "softmax_all": (lambda t: softmax(t, axis=None), lambda x: np.exp(x) / np.exp(x).sum()),
    "log_softmax_axes": (lambda t: log_softmax(t, axis=(np.int64(0), 1)), lambda x: x - np.log(np.exp(x).sum())),
    "leaky_relu": (lambda t: t.leaky_relu(np.float32(0.5)), lambda x: np.where(x > 0, x, 0.5 * x)),
    "elu": (lambda t: t.elu(np.float32(2.0)), lambda x: np.where(x > 0, x, 2.0 * np.expm1(x))),
}


@pytest.mark.parametrize("name", sorted(NUMPY_ARGUMENTS))
def test_numpy_integers_and_booleans_are_taken_where_numpy_takes_them(name: str) -> None:
    # in both builds: the compiled one checks annotated argument classes on entry (autograd.compiled)
    ours, numpys = NUMPY_ARGUMENTS[name]
    x0 = np.arange(-3.0, 3.0).reshape(2, 3)
    out = ours(Tensor(x0))
    np.testing.assert_allclose(out.data, numpys(x0), rtol=1e-12)
    # the node records plain ints, so formulas and pictures show 1, not np.int64(1)
    recorded = out.arg if isinstance(out.arg, tuple) else (out.arg,)
    assert all(type(a) in (int, float, bool, tuple) or a is None for a in recorded)
    assert gradcheck(lambda t: ours(t).sum(), [x0 + 0.1])


def test_an_axis_that_is_no_integer_is_named_in_the_error() -> None:
    x = Tensor(np.ones((2, 3)))
    with pytest.raises(TypeError, match=r"sum: axis must be an int, a tuple of ints or None, got 1.5"):
        x.sum(axis=1.5)
    with pytest.raises(TypeError, match=r"reshape: expected integers, got \(2.0, 3\)"):
        x.reshape(2.0, 3)
    with pytest.raises(TypeError, match=r"concatenate: expected integers, got \(None,\)"):
        concatenate([x, x], axis=None)


def test_a_deep_copy_is_an_independent_graph_and_tensor_can_be_subclassed() -> None:
    w = Tensor(np.array([0.5, -1.0]), name="w")
    y = ((w * 3).tanh() + w).sum()
    y2 = copy.deepcopy(y)
    (w2,) = [n for n in topological_order(y2) if n.name == "w"]
    y2.backward()
    assert w.grad is None
    np.testing.assert_allclose(w2.grad, 3 * (1 - np.tanh(3 * w.data) ** 2) + 1, rtol=1e-12)

    class Named(Tensor):
        def describe(self) -> str:
            return f"{self.name}: {self.shape}"

    z = Named(np.ones((2, 2)), name="z")
    assert z.describe() == "z: (2, 2)" and isinstance(z * 2, Tensor)


def test_a_user_elementwise_op_keeps_the_arrays_its_derivative_returns() -> None:
    # the in-place product is for the built-in ops, whose local derivatives are new arrays; a
    # user's op may return an array it keeps (here its argument), which must stay as it was
    scale = Elementwise(Op("scale", "scale", np.multiply, lambda a, out, p: (p,), ("{p}",), has_arg=True),
                        np.multiply)
    w = np.array([2.0, 3.0, 4.0])
    x = Tensor(np.ones(3), name="x")
    y = Tensor(scale.forward(x.data, w), _fn=scale, _parents=(x,), _arg=w)
    y.backward(np.full(3, 10.0))
    np.testing.assert_array_equal(w, [2.0, 3.0, 4.0])
    np.testing.assert_array_equal(x.grad, [20.0, 30.0, 40.0])
