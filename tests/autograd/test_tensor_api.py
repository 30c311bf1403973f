"""The Tensor ops people reach for (issue 18, section 3): ``@`` of vectors and broadcast stacks,
``min``, ``maximum``/``minimum``, ``clip``, ``where``, ``argmax``/``argmin``, ``var``/``std``,
``squeeze``/``unsqueeze``/``expand_dims``/``flatten``, ``broadcast_to``/``sum_to``, iteration,
and ``cross_entropy`` with probabilities, reductions, ignored labels and label smoothing. Oracle:
PyTorch in float64, forward and backward; plus hypothesis properties and second derivatives."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd import DomainError, Tensor, cross_entropy, grad
from autograd.functional import CROSS_ENTROPY, SOFT_NLL
from autograd.tensor import broadcast_to, maximum, minimum, sum_to, where
from tests.autograd.second_order import check_second_derivatives

torch = pytest.importorskip("torch")
F = torch.nn.functional

# A few values, so that draws tie often: ties are where max, min, maximum and clip must split
# or pass the gradient as PyTorch does.
TIES = st.sampled_from([-1.0, -0.5, 0.0, 0.5, 1.0, 1.5])
MASK = np.array([[True, False, True, False], [False, False, True, True], [True, True, False, True]])

# name: (chainrule, PyTorch, input shapes, elements)
OPS: dict[str, tuple[Callable[..., Any], Callable[..., Any], tuple[tuple[int, ...], ...], Any]] = {
    "vector @ matrix": (lambda a, b: a @ b, lambda a, b: a @ b, ((3,), (3, 4)), None),
    "matrix @ vector": (lambda a, b: a @ b, lambda a, b: a @ b, ((2, 3), (3,)), None),
    "vector @ vector": (lambda a, b: a @ b, lambda a, b: a @ b, ((3,), (3,)), None),
    "stack @ vector": (lambda a, b: a @ b, lambda a, b: a @ b, ((5, 2, 3), (3,)), None),
    "vector @ stack": (lambda a, b: a @ b, lambda a, b: a @ b, ((3,), (2, 5, 3, 4)), None),
    "broadcast stacks": (lambda a, b: a @ b, lambda a, b: a @ b, ((2, 1, 2, 3), (4, 3, 2)), None),
    "stack @ matrix": (lambda a, b: a @ b, lambda a, b: a @ b, ((4, 2, 3), (3, 5)), None),
    "min": (lambda a: a.min(axis=1), lambda a: torch.amin(a, 1), ((3, 4),), TIES),
    "min all keepdims": (lambda a: a.min(keepdims=True), lambda a: torch.amin(a, (0, 1), keepdim=True), ((3, 4),),
                         TIES),
    "maximum": (maximum, torch.maximum, ((3, 4), (3, 4)), TIES),
    "minimum": (minimum, torch.minimum, ((3, 4), (3, 4)), TIES),
    "maximum broadcast": (maximum, torch.maximum, ((3, 1), (4,)), TIES),
    "minimum of a number": (lambda a: minimum(a, 0.5), lambda a: torch.minimum(a, torch.tensor(0.5, dtype=a.dtype)),
                            ((3, 4),), TIES),
    "clip": (lambda a: a.clip(-0.5, 1.0), lambda a: torch.clamp(a, -0.5, 1.0), ((3, 4),), TIES),
    "clip low": (lambda a: a.clip(0.0), lambda a: torch.clamp(a, min=0.0), ((3, 4),), TIES),
    "clip high": (lambda a: a.clip(high=0.5), lambda a: torch.clamp(a, max=0.5), ((3, 4),), TIES),
    "where": (lambda a, b: where(MASK, a, b), lambda a, b: torch.where(torch.tensor(MASK), a, b), ((3, 4), (3, 4)),
              None),
    "where broadcast": (lambda a, b: where(MASK, a, b), lambda a, b: torch.where(torch.tensor(MASK), a, b),
                        ((3, 1), (4,)), None),
    "where of numbers": (lambda a: where(a > 0, a, 0.0), lambda a: torch.where(a > 0, a, 0.0), ((3, 4),), TIES),
    "var": (lambda a: a.var(), lambda a: torch.var(a, correction=0), ((3, 4),), None),
    "var ddof 1": (lambda a: a.var(axis=1, ddof=1), lambda a: torch.var(a, 1, correction=1), ((3, 4),), None),
    "var keepdims": (lambda a: a.var(axis=(0, 2), keepdims=True, ddof=2),
                     lambda a: torch.var(a, (0, 2), correction=2, keepdim=True), ((2, 3, 4),), None),
    "std": (lambda a: a.std(axis=0), lambda a: torch.std(a, 0, correction=0), ((3, 4),), None),
    "std ddof 1": (lambda a: a.std(axis=-1, ddof=1), lambda a: torch.std(a, -1), ((3, 4),), None),
    "squeeze": (lambda a: a.squeeze(), lambda a: a.squeeze(), ((3, 1, 4, 1),), None),
    "squeeze axis": (lambda a: a.squeeze(-1), lambda a: a.squeeze(-1), ((3, 1, 4, 1),), None),
    "unsqueeze": (lambda a: a.unsqueeze(1), lambda a: a.unsqueeze(1), ((3, 4),), None),
    "expand_dims": (lambda a: a.expand_dims((0, -1)), lambda a: a[None, ..., None], ((3, 4),), None),
    "flatten": (lambda a: a.flatten(), lambda a: a.flatten(), ((2, 3, 4),), None),
    "flatten some": (lambda a: a.flatten(1, 2), lambda a: a.flatten(1, 2), ((2, 3, 4, 2),), None),
    "broadcast_to": (lambda a: a.broadcast_to((2, 3, 4)), lambda a: a.broadcast_to((2, 3, 4)), ((3, 1),), None),
    "broadcast_to function": (lambda a: broadcast_to(a, 4), lambda a: a.broadcast_to(4), ((1,),), None),
    "sum_to": (lambda a: a.sum_to((3, 1)), lambda a: a.sum_to_size(3, 1), ((2, 3, 4),), None),
    "sum_to function": (lambda a: sum_to(a, (4,)), lambda a: a.sum_to_size(4), ((2, 3, 4),), None),
    "rows": (lambda a: sum(row * (i + 1.0) for i, row in enumerate(a)),
             lambda a: sum(row * (i + 1.0) for i, row in enumerate(a)), ((3, 4),), None),
}


def _compare(ours: Callable[..., Any], theirs: Callable[..., Any], arrays: list[np.ndarray], seed_rng: int) -> None:
    xs = [Tensor(a) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, want = ours(*xs), theirs(*ts)
    assert out.shape == tuple(want.shape) and out.dtype == np.float64
    np.testing.assert_allclose(out.data, want.detach().numpy(), rtol=1e-12, atol=1e-12)
    seed = np.random.default_rng(seed_rng).standard_normal(out.shape)
    out.backward(seed)
    want.backward(torch.tensor(seed))
    for x, t in zip(xs, ts):
        assert x.grad is not None and x.grad.shape == x.shape and type(x.grad) is np.ndarray
        np.testing.assert_allclose(x.grad, t.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", sorted(OPS))
@given(data=st.data())
def test_op_matches_pytorch_forward_and_backward(name: str, data: st.DataObject) -> None:
    ours, theirs, shapes, elements = OPS[name]
    elements = st.floats(-2, 2, width=32) if elements is None else elements
    arrays = [data.draw(hnp.arrays(np.float64, s, elements=elements)) for s in shapes]
    if name.startswith("std"):  # (where all values are equal std's gradient is infinite: a DomainError, below)
        arrays = [a + np.arange(a.size).reshape(a.shape) * 1e-3 for a in arrays]
    _compare(ours, theirs, arrays, data.draw(st.integers(0, 2**16)))


@pytest.mark.parametrize("name", ["maximum", "minimum", "clip", "min", "where of numbers"])
def test_ties_share_the_gradient_as_pytorch_does(name: str) -> None:
    # every element a tie (with the other operand, a bound, or another element): the 1/2 split
    ours, theirs, shapes, _ = OPS[name]
    _compare(ours, theirs, [np.full(s, 0.5 if name != "where of numbers" else 0.0) for s in shapes], 0)
    _compare(ours, theirs, [np.full(s, -0.5) for s in shapes], 1)


@given(hnp.arrays(np.float64, (3, 4), elements=TIES), hnp.arrays(np.float64, (4,), elements=TIES))
def test_maximum_plus_minimum_is_the_sum_with_gradient_one(a0: np.ndarray, b0: np.ndarray) -> None:
    # ties split 1/2 and 1/2, so d(max + min)/da = 1 everywhere, ties included
    a, b = Tensor(a0), Tensor(b0)
    total = maximum(a, b) + minimum(a, b)
    np.testing.assert_array_equal(total.data, a0 + b0)
    total.sum().backward()
    np.testing.assert_array_equal(a.grad, np.ones(a.shape))
    np.testing.assert_array_equal(b.grad, np.full(b.shape, 3.0))


@given(hnp.arrays(np.float64, (3, 1), elements=st.floats(-2, 2)), hnp.arrays(np.float64, (2, 3, 4),
                                                                             elements=st.floats(-2, 2)))
def test_broadcast_to_and_sum_to_are_adjoint(x0: np.ndarray, y0: np.ndarray) -> None:
    # <broadcast_to(x), y> = <x, sum_to(y)>, and each is the other's gradient
    x, y = Tensor(x0), Tensor(y0)
    lhs = (x.broadcast_to(y.shape) * y0).sum()
    rhs = (x0 * y.sum_to(x.shape)).sum()
    np.testing.assert_allclose(lhs.data, rhs.data, rtol=1e-12, atol=1e-12)
    lhs.backward()
    rhs.backward()
    np.testing.assert_allclose(x.grad, y0.sum(axis=(0, 2)).reshape(3, 1), rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(y.grad, np.broadcast_to(x0, y.shape))


@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3), elements=st.floats(-3, 3)), st.data())
def test_var_is_the_mean_square_distance_from_the_mean(x0: np.ndarray, data: st.DataObject) -> None:
    axis = data.draw(st.integers(-x0.ndim, x0.ndim - 1))
    n = x0.shape[axis]
    ddof = data.draw(st.integers(0, n - 1))
    x = Tensor(x0)
    v = x.var(axis=axis, ddof=ddof)
    centered = x - x.mean(axis=axis, keepdims=True)
    np.testing.assert_allclose(v.data, ((centered * centered).sum(axis=axis) / (n - ddof)).data, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(x.std(axis=axis, ddof=ddof).data, np.std(x0, axis=axis, ddof=ddof), rtol=1e-12)


def _matmul_vectors(v: Tensor) -> Tensor:
    m = v.reshape(2, 2)
    return ((v[:2] @ m) @ (m @ v[2:]) + (v[:2] @ v[2:]).tanh() + (m.unsqueeze(0) @ v[:2]).sum()) * v[0]


def _picks(v: Tensor) -> Tensor:
    w = v * v
    return (maximum(v, w) * minimum(v, 0.5) + where(v.data > 0, w, v.exp()) + v.clip(-0.5, 0.5) * w).sum()


def _spreads(v: Tensor) -> Tensor:
    m = v.reshape(2, 2)
    return m.var(axis=0, ddof=1).sum() * v[1] + m.std() * v[0] + (m.broadcast_to((3, 2, 2)) * v[2]).sum_to((2,)).sum()


def _losses(v: Tensor) -> Tensor:
    logits = v.reshape(2, 2) * v[::-1].reshape(2, 2)
    probs = np.array([[0.25, 0.75], [0.5, 0.5]])
    return (cross_entropy(logits, [1, -100], label_smoothing=0.2) + cross_entropy(logits, probs, reduction="sum")
            + (cross_entropy(logits, [0, 1], reduction="none") * v[:2]).sum())


@pytest.mark.parametrize("f", [_matmul_vectors, _picks, _spreads, _losses])
def test_second_derivatives_through_create_graph(f: Callable[[Tensor], Tensor]) -> None:
    # oracle: central differences of the first derivative, itself checked by gradcheck
    check_second_derivatives(f, np.array([0.3, -0.8, 1.2, 0.7]), rtol=1e-5, atol=1e-7)


def test_argmax_and_argmin_are_integer_tensors_without_gradient() -> None:
    x0 = np.array([[1.0, 3.0, 3.0], [-2.0, -5.0, 0.0]])
    x = Tensor(x0)
    for ours, want in ((x.argmax(), 1), (x.argmin(), 4), (x.argmax(axis=1), [1, 2]), (x.argmin(axis=0), [1, 1, 1]),
                       (x.argmax(axis=-1, keepdims=True), [[1], [2]]), (x.argmax(axis=np.int64(0)), [0, 0, 0])):
        assert isinstance(ours, Tensor) and ours.dtype.kind == "i" and not ours.parents
        np.testing.assert_array_equal(ours.data, want)
    t = torch.tensor(x0)
    np.testing.assert_array_equal(x.argmax(axis=1).data, torch.argmax(t, 1).numpy())  # the first of ties, as PyTorch
    with pytest.raises(TypeError, match="not differentiable"):
        x.argmax().backward()
    picked = x[np.arange(2), x.argmax(axis=1)]  # an integer Tensor is an index
    picked.sum().backward()
    np.testing.assert_array_equal(x.grad, [[0, 1, 0], [0, 0, 1]])


def test_iteration_gives_rows_that_are_graph_nodes() -> None:
    x = Tensor(np.arange(6.0).reshape(3, 2))
    rows = list(x)
    assert len(rows) == 3 and all(r.shape == (2,) and r.parents == (x,) for r in rows)
    np.testing.assert_array_equal(rows[2].data, [4.0, 5.0])
    a, b = Tensor(np.ones(2)), Tensor(np.ones(2))
    assert [r.item() for r in a * b] == [1.0, 1.0]
    with pytest.raises(TypeError, match="0-d"):
        iter(Tensor(1.0))


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda x: Tensor(2.0) @ x, ValueError, r"matmul: needs operands of 1 axis or more"),
    (lambda x: x @ Tensor(np.ones(4)), ValueError, r"matmul: shapes \(2, 3\) and \(4,\) do not match"),
    (lambda x: x.squeeze(0), ValueError, r"squeeze: axis 0 of shape \(2, 3\)"),
    (lambda x: x.expand_dims(3), ValueError, r"expand_dims: axis 3 for shape \(2, 3\)"),
    (lambda x: x.flatten(2, 1), ValueError, r"flatten: axes 2\.\.1 of shape \(2, 3\)"),
    (lambda x: x.broadcast_to((3, 3)), ValueError, r"broadcast_to: cannot broadcast shape \(2, 3\) to \(3, 3\)"),
    (lambda x: x.broadcast_to((3,)), ValueError, r"cannot broadcast shape \(2, 3\) to \(3,\)"),
    (lambda x: x.sum_to((4, 2, 3)), ValueError, r"sum_to: cannot sum shape \(2, 3\) to \(4, 2, 3\)"),
    (lambda x: x.var(axis=0, ddof=2), DomainError, r"var.*ddof=2 leaves no degrees of freedom for 2 elements"),
    (lambda x: x.clip(), ValueError, r"clip: give low, high or both"),
    (lambda x: where(x.data, x, 0.0), TypeError, r"where: the condition must be boolean"),
    (lambda x: where(np.ones(4, bool), x, 0.0), ValueError, r"where: shapes \(4,\), \(2, 3\) and \(\) do not"),
    (lambda x: maximum(1.0, 2.0), TypeError, r"maximum: takes at least one Tensor"),
    (lambda x: cross_entropy(x, [0, 1], reduction="avg"), ValueError, r"reduction must be 'mean', 'sum' or 'none'"),
    (lambda x: cross_entropy(x, [0, 1], label_smoothing=1.5), ValueError, r"label_smoothing must be in \[0, 1\]"),
    (lambda x: cross_entropy(x, [0, 3], reduction="sum"), ValueError, r"labels in 0\.\.2 .* got labels 0\.\.3"),
    (lambda x: cross_entropy(x, [0, -100, 5]), ValueError, r"3 labels for logits of shape \(2, 3\)"),
    (lambda x: cross_entropy(x, np.ones((3, 2))), ValueError, r"class probabilities of the logits' shape"),
    (lambda x: cross_entropy(list(x.data[0]), 1, reduction="sum"), ValueError, r"are for Tensor logits"),
])
def test_bad_calls_say_what_is_wrong(call: Callable[[Tensor], Any], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        call(Tensor(np.arange(6.0).reshape(2, 3)))


def test_std_where_every_value_is_equal_has_an_infinite_gradient() -> None:
    x = Tensor(np.ones((2, 3)))
    s = x.std(axis=1)
    np.testing.assert_array_equal(s.data, [0.0, 0.0])
    with pytest.raises(DomainError, match="sqrt"):
        s.sum().backward()  # PyTorch gives NaN; chainrule's rule for sqrt at 0 raises


def test_empty_and_zero_dimensional_inputs() -> None:
    empty = Tensor(np.ones((0, 3)))
    assert np.isnan(empty.var(axis=0).data).all() and empty.var(axis=1).shape == (0,)
    empty.var(axis=0).sum().backward()
    assert empty.grad.shape == (0, 3)
    scalar = Tensor(2.0)
    assert scalar.var().item() == 0.0 and scalar.var(axis=0).item() == 0.0
    assert scalar.flatten().shape == (1,) and scalar.expand_dims(0).shape == (1,)
    assert scalar.clip(0.0, 1.0).item() == 1.0 and maximum(scalar, 3.0).item() == 3.0
    (Tensor(np.ones(3)) @ Tensor(np.ones(3))).backward()


# -- cross_entropy ------------------------------------------------------------------------------


@st.composite
def _cross_entropy_case(draw: Any) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    m, classes = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    extra = draw(st.sampled_from([(), (), (2,), (3, 1)]))  # (m, classes, d1, ...) as PyTorch takes them
    one = draw(st.integers(0, 5)) == 0  # (classes,): one example
    shape = (classes,) if one else (m, classes, *extra)
    logits = draw(hnp.arrays(np.float64, shape, elements=st.floats(-30, 30)))
    kwargs: dict[str, Any] = {"reduction": draw(st.sampled_from(["mean", "sum", "none"])),
                              "label_smoothing": draw(st.sampled_from([0.0, 0.05, 0.5, 1.0]))}
    examples = () if one else (m, *extra)
    if draw(st.booleans()):
        ignore = draw(st.sampled_from([-100, 0, -1]))
        kwargs["ignore_index"] = ignore
        labels = draw(hnp.arrays(np.int64, examples, elements=st.sampled_from([*range(classes), ignore])))
        if kwargs["reduction"] == "mean" and np.all(labels == ignore):
            kwargs["reduction"] = "sum"  # (the mean of nothing: NaN, tested on its own)
    else:
        raw = draw(hnp.arrays(np.float64, shape, elements=st.floats(0, 1)))
        labels = raw / np.maximum(raw.sum(axis=0 if one else 1, keepdims=True), 1e-3)
    return logits, labels, kwargs


@given(_cross_entropy_case(), st.integers(0, 2**16))
def test_cross_entropy_matches_pytorch_in_every_mode(case: tuple[np.ndarray, np.ndarray, dict[str, Any]],
                                                      seed_rng: int) -> None:
    logits, labels, kwargs = case
    _compare(lambda x: cross_entropy(x, labels, **kwargs),
             lambda t: F.cross_entropy(t, torch.tensor(labels), **kwargs), [logits], seed_rng)


def test_the_default_call_is_the_fused_node_and_the_others_one_node_too() -> None:
    rng = np.random.default_rng(5)
    x = Tensor(rng.standard_normal((6, 4)))
    y = np.array([0, 3, 1, 1, 2, 0])
    fused = cross_entropy(x, y)
    assert fused.grad_fn is CROSS_ENTROPY
    # asking for the defaults by name, or ignoring a label no example has, is the same fused node
    same = cross_entropy(x, y, reduction="mean", ignore_index=-100, label_smoothing=0.0)
    assert same.grad_fn is CROSS_ENTROPY and same.data == fused.data
    assert cross_entropy(x, y, ignore_index=2).grad_fn is SOFT_NLL  # (a label is 2)
    # the general node, with nothing to ignore or smooth, is the same loss and gradient
    general = cross_entropy(x, y, reduction="sum") / 6
    np.testing.assert_allclose(general.data, fused.data, rtol=1e-14)
    g_fused, g_general = grad(fused, [x])[0], grad(general, [x])[0]
    np.testing.assert_allclose(g_general, g_fused, rtol=1e-13, atol=1e-16)
    for loss in (cross_entropy(x, [0, -100, 1, 1, 2, 0]), cross_entropy(x, y, label_smoothing=0.1),
                 cross_entropy(x, np.eye(4)[y]), cross_entropy(x, y, reduction="none")):
        assert loss.grad_fn is SOFT_NLL and loss.parents == (x,) and loss.op == "cross_entropy"


def test_every_label_ignored_is_a_nan_mean_with_zero_gradient() -> None:
    x = Tensor(np.ones((2, 3)))
    loss = cross_entropy(x, [-100, -100])
    assert np.isnan(loss.item())
    loss.backward()
    np.testing.assert_array_equal(x.grad, np.zeros((2, 3)))  # as PyTorch's
    assert cross_entropy(x, [-100, -100], reduction="sum").item() == 0.0


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_cross_entropy_variants_are_stable_and_keep_the_dtype(dtype: type) -> None:
    # logits thousands apart: each row is shifted by its max, as the fused path does
    x0 = np.array([[3000.0, -3000.0, 0.0], [-2500.0, 2500.0, 2499.0]])
    labels = np.array([1, 2])
    probs = np.array([[0.2, 0.3, 0.5], [0.0, 0.5, 0.5]])
    t = torch.tensor(x0, requires_grad=True)
    for target, kwargs in ((labels, {"label_smoothing": 0.1}), (probs, {"reduction": "none"}),
                           (labels, {"ignore_index": 1, "reduction": "sum"})):
        x = Tensor(x0, dtype=dtype)
        loss = cross_entropy(x, target, **kwargs)
        want = F.cross_entropy(t, torch.tensor(target), **kwargs)
        loss.sum().backward()
        (want_grad,) = torch.autograd.grad(want.sum(), [t])
        assert loss.dtype == dtype and x.grad.dtype == dtype and np.all(np.isfinite(x.grad))
        rtol = 1e-12 if dtype == np.float64 else 1e-6
        np.testing.assert_allclose(loss.data, want.detach().numpy(), rtol=rtol)
        np.testing.assert_allclose(x.grad, want_grad.numpy(), rtol=rtol, atol=rtol)


def test_numpy_numbers_are_taken_where_numpy_takes_them() -> None:
    # in both builds: the compiled one checks annotated argument classes on entry (autograd.compiled)
    x0 = np.arange(-3.0, 3.0).reshape(2, 3, 1)
    x = Tensor(x0)
    np.testing.assert_allclose(x.var(axis=np.int64(1), ddof=np.int64(1)).data, x0.var(axis=1, ddof=1))
    np.testing.assert_allclose(x.std(axis=np.int32(1), ddof=np.float32(1.0)).data, x0.std(axis=1, ddof=1))
    np.testing.assert_array_equal(x.clip(np.float32(-1.0), np.int64(1)).data, x0.clip(-1, 1))
    assert x.squeeze(np.int64(2)).shape == (2, 3) and x.unsqueeze(np.int64(0)).shape == (1, 2, 3, 1)
    assert x.flatten(np.int64(1)).shape == (2, 3) and x.broadcast_to((np.int64(4), 2, 3, 2)).shape == (4, 2, 3, 2)
    assert x.sum_to([np.int64(3), 1]).shape == (3, 1) and x.min(axis=np.int8(1)).shape == (2, 1)
    loss = cross_entropy(x.squeeze(2), [0, 2], ignore_index=np.int64(0), label_smoothing=np.float32(0.5))
    assert loss.grad_fn is SOFT_NLL
    recorded = x.var(axis=np.int64(1), ddof=np.int64(1)).arg
    assert recorded == (1, False, 1.0) and type(recorded[0]) is int
