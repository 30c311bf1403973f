"""A shared oracle for second derivatives of Tensor functions (used by several test modules)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from autograd import Tensor, grad
from autograd.testing import gradcheck


def check_second_derivatives(f: Callable[[Tensor], Tensor], x0: np.ndarray, rtol: float, atol: float = 0.0) -> None:
    """``d/dx |df/dx|^2`` through ``create_graph=True`` equals central differences of the first
    derivative, itself checked by ``gradcheck`` first."""
    assert gradcheck(f, [x0])
    x = Tensor(x0)
    (g,) = grad(f(x), [x], create_graph=True)
    assert isinstance(g, Tensor) and g.parents  # a graph, not a plain array
    (h,) = grad((g * g).sum(), [x])

    def first(v: np.ndarray) -> np.ndarray:
        t = Tensor(v)
        return np.asarray(grad(f(t), [t])[0])

    eps = 1e-6
    numeric = np.array([((first(x0 + eps * e) ** 2).sum() - (first(x0 - eps * e) ** 2).sum()) / (2 * eps)
                        for e in np.eye(len(x0))])
    np.testing.assert_allclose(h, numeric, rtol=rtol, atol=atol)
