"""Random Tensor graphs against PyTorch in float64: every tensor op, broadcasting, reductions over
negative axes and tuples of them (min, max and var too), transposes by negative axes, numpy
indexing with ``None``, ``...``, integer arrays and boolean masks, ``@`` of vectors, matrices and
broadcast stacks, joins, softmax, maximum/minimum and clip (ties included), where, squeeze,
expand_dims, flatten, broadcast_to and sum_to, and cross_entropy with probabilities, ignored
labels, label smoothing and every reduction (the strategy:
``autograd.testing.strategies.tensor_graphs``). Seeded, so every run draws the same graphs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from autograd.testing.strategies import CHAINRULE, TensorGraph, tensor_graphs

torch = pytest.importorskip("torch")


def _torch_index(index: Any) -> Any:
    if isinstance(index, tuple):
        return tuple(_torch_index(i) for i in index)
    return torch.from_numpy(index) if isinstance(index, np.ndarray) else index


def _dims(x: Any, axis: Any) -> Any:
    """numpy's axis as PyTorch's dim (``None``: every axis)."""
    return tuple(range(x.ndim)) if axis is None else axis


TORCH: dict[str, Any] = {
    "leaf": lambda a: torch.tensor(a, requires_grad=True), "const": torch.tensor,
    "neg": lambda x: -x, "exp": torch.exp, "log": torch.log, "sqrt": torch.sqrt, "sin": torch.sin,
    "cos": torch.cos, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu, "abs": torch.abs,
    "leaky_relu": torch.nn.functional.leaky_relu, "elu": lambda x, a: torch.nn.functional.elu(x, a),
    "pow": lambda x, p: x**p, "pow_tensor": lambda x, y: x**y, "add": lambda x, y: x + y,
    "sub": lambda x, y: x - y, "mul": lambda x, y: x * y, "div": lambda x, y: x / y, "matmul": lambda x, y: x @ y,
    "sum": lambda x, arg: torch.sum(x, dim=_dims(x, arg[0]), keepdim=arg[1]),
    "mean": lambda x, arg: torch.mean(x, dim=_dims(x, arg[0]), keepdim=arg[1]),
    # amax, not max: it shares the gradient between tied maxima, as chainrule's max does
    "max": lambda x, arg: torch.amax(x, dim=_dims(x, arg[0]), keepdim=arg[1]),
    "reshape": lambda x, shape: x.reshape(shape), "transpose": lambda x, axes: x.permute(axes),
    "getitem": lambda x, index: x[_torch_index(index)], "concatenate": lambda xs, axis: torch.cat(xs, axis),
    "stack": lambda xs, axis: torch.stack(xs, axis), "softmax": lambda x, axis: torch.softmax(x, axis),
    "log_softmax": lambda x, axis: torch.log_softmax(x, axis),
    "min": lambda x, arg: torch.amin(x, dim=_dims(x, arg[0]), keepdim=arg[1]),
    "var": lambda x, arg: torch.var(x, dim=_dims(x, arg[0]), keepdim=arg[1], correction=arg[2]),
    "clip": lambda x, bounds: torch.clamp(x, *bounds), "maximum": torch.maximum, "minimum": torch.minimum,
    "where": lambda x, y, condition: torch.where(torch.from_numpy(condition), x, y),
    "squeeze": lambda x, axis: x.squeeze() if axis is None else x.squeeze(axis),
    "expand_dims": lambda x, axis: x.unsqueeze(axis), "flatten": lambda x, axes: torch.flatten(x, *axes),
    "broadcast_to": lambda x, shape: x.broadcast_to(shape), "sum_to": lambda x, shape: x.sum_to_size(shape),
    "cross_entropy": lambda x, arg: torch.nn.functional.cross_entropy(x, torch.from_numpy(arg[0]), reduction=arg[1],
                                                                      label_smoothing=arg[2]),
}


@settings(max_examples=2500, derandomize=True, suppress_health_check=list(HealthCheck))
@given(tensor_graphs())
def test_random_graphs_match_pytorch(graph: TensorGraph) -> None:
    out, leaves = graph.evaluate(CHAINRULE)
    tout, tleaves = graph.evaluate(TORCH)
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-9, atol=1e-9)
    out.backward()
    tout.backward()
    for ours, theirs in zip(leaves, tleaves):
        want = np.zeros(ours.shape) if theirs.grad is None else theirs.grad.numpy()
        got = np.zeros(ours.shape) if ours.grad is None else ours.grad
        assert type(got) is np.ndarray and got.shape == ours.shape and got.dtype == ours.dtype
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9)
