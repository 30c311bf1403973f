"""Derivatives you can check: finite differences and gradient checks.

The three differences of the notes (``002``), for ``f`` smooth near ``x``:

* forward  ``(f(x + h) - f(x)) / h``      error O(h)   (Taylor: ``h/2 f''(x)``)
* backward ``(f(x) - f(x - h)) / h``      error O(h)
* central  ``(f(x + h) - f(x - h)) / 2h`` error O(h^2) (``h^2/6 f'''(x)``; the even terms cancel)

so halving ``h`` halves the error of the one-sided differences and quarters that of the central
one, until floating-point cancellation (about ``eps / h``) takes over.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd.engine import Node, grad
from autograd.value import Value

__all__ = ["numerical_diff", "gradcheck", "GradcheckError", "kink_distance"]

_METHODS = ("central", "forward", "backward")


def _scalar(y: Any) -> float:
    return float(y.data) if isinstance(y, Node) else float(y)


def numerical_diff(
    f: Callable[[float], Any], x: float, h: float = 1e-4, method: str = "central"
) -> float:
    """The derivative of ``f`` at ``x`` by a finite difference (``"central"``, ``"forward"``,
    ``"backward"``). ``f`` takes a float and returns a float or a ``Value``."""
    if method not in _METHODS:
        raise ValueError(f"method must be one of {', '.join(_METHODS)}, got {method!r}")
    if not h > 0:
        raise ValueError(f"step h must be positive, got {h!r}")
    if method == "central":
        return (_scalar(f(x + h)) - _scalar(f(x - h))) / (2 * h)
    if method == "forward":
        return (_scalar(f(x + h)) - _scalar(f(x))) / h
    return (_scalar(f(x)) - _scalar(f(x - h))) / h


class GradcheckError(AssertionError):
    """Autograd's gradient and the finite difference disagree; the message has the table."""


def _close(a: float, b: float, atol: float, rtol: float) -> bool:
    return math.isclose(a, b, rel_tol=rtol, abs_tol=atol)


def _table(title: str, rows: list[tuple[str, float, float]]) -> str:
    lines = [title, f"{'input':>12} {'autograd':>14} {'numerical':>14} {'difference':>12}"]
    lines += [f"{n:>12} {a:>14.8g} {b:>14.8g} {a - b:>12.3g}" for n, a, b in rows]
    return "\n".join(lines)


def gradcheck(
    f: Callable[..., Any],
    inputs: Sequence[Any],
    *,
    h: float = 1e-6,
    atol: float = 1e-6,
    rtol: float = 1e-4,
    second_order: bool = False,
) -> bool:
    """Check autograd's gradient of a scalar function against central differences.

    ``f`` takes one ``Value`` per input and returns a scalar ``Value``; ``inputs`` are numbers
    or ``Value``s (their ``data`` is used; their ``grad`` is not touched). With
    ``second_order=True`` the gradient's own derivatives (the Hessian, through
    ``create_graph``) are checked against differences of the gradient too.

    Returns True, or raises :class:`GradcheckError` listing every input with both gradients
    and their difference.

    Tensor inputs (``Tensor``s or arrays) are checked element by element against a numerical
    Jacobian in float64; ``f`` then returns a one-element ``Tensor``.
    """
    if any(isinstance(x, np.ndarray) or (isinstance(x, Node) and isinstance(x.data, np.ndarray)) for x in inputs):
        if second_order:
            raise ValueError("second_order checks take scalar inputs")
        return _gradcheck_tensors(f, inputs, h, atol, rtol)
    point = [float(x.data) if isinstance(x, Node) else float(x) for x in inputs]
    labels = [
        (x.name if isinstance(x, Node) and x.name else f"x{i}") for i, x in enumerate(inputs)
    ]

    def leaves(values: Sequence[float]) -> list[Value]:
        return [Value(v, name=n) for v, n in zip(values, labels)]

    def evaluate(values: Sequence[float]) -> float:
        return _scalar(f(*leaves(values)))

    def shifted(i: int, d: float) -> list[float]:
        moved = list(point)
        moved[i] += d
        return moved

    xs = leaves(point)
    analytic = [_scalar(g) for g in grad(f(*xs), xs)]
    numeric = [(evaluate(shifted(i, h)) - evaluate(shifted(i, -h))) / (2 * h) for i in range(len(point))]
    rows = list(zip(labels, analytic, numeric))
    if not all(_close(a, b, atol, rtol) for _, a, b in rows):
        raise GradcheckError(_table("gradient mismatch (d f / d input):", rows))
    if second_order:
        _check_hessian(f, leaves, point, labels, h, atol, rtol)
    return True


def _check_hessian(
    f: Callable[..., Any],
    leaves: Callable[[Sequence[float]], list[Value]],
    point: list[float],
    labels: list[str],
    h: float,
    atol: float,
    rtol: float,
) -> None:
    def gradient(values: Sequence[float]) -> list[float]:
        xs = leaves(values)
        return [_scalar(g) for g in grad(f(*xs), xs)]

    xs = leaves(point)
    first = grad(f(*xs), xs, create_graph=True)
    step = max(h, 1e-5)  # differences of a gradient: a larger step keeps the cancellation error low
    rows = []
    for i, gi in enumerate(first):
        row = [_scalar(v) for v in grad(gi, xs)] if isinstance(gi, Node) else [0.0] * len(xs)
        for j in range(len(point)):
            up = list(point)
            down = list(point)
            up[j] += step
            down[j] -= step
            rows.append((f"{labels[i]},{labels[j]}", row[j], (gradient(up)[i] - gradient(down)[i]) / (2 * step)))
    if not all(_close(a, b, max(atol, 1e-4), max(rtol, 1e-3)) for _, a, b in rows):
        raise GradcheckError(_table("second-derivative mismatch (d2 f / d input_i d input_j):", rows))


def _gradcheck_tensors(f: Callable[..., Any], inputs: Sequence[Any], h: float, atol: float, rtol: float) -> bool:
    from autograd.tensor import Tensor

    arrays = [np.array(x.data if isinstance(x, Node) else x, dtype=np.float64) for x in inputs]
    labels = [(x.name if isinstance(x, Node) and x.name else f"x{i}") for i, x in enumerate(inputs)]

    def evaluate(values: Sequence[np.ndarray]) -> float:
        return float(np.asarray(_scalar_data(f(*[Tensor(v) for v in values]))).item())

    leaves = [Tensor(a.copy(), name=n) for a, n in zip(arrays, labels)]
    analytic = grad(f(*leaves), leaves)
    rows: list[tuple[str, float, float]] = []
    ok = True
    for i, (array, g) in enumerate(zip(arrays, analytic)):
        numeric = np.zeros_like(array)
        for idx in np.ndindex(array.shape):
            moved = [a.copy() for a in arrays]
            moved[i][idx] += h
            up = evaluate(moved)
            moved[i][idx] -= 2 * h
            numeric[idx] = (up - evaluate(moved)) / (2 * h)
        g = np.asarray(g, dtype=np.float64)
        close = np.isclose(g, numeric, rtol=rtol, atol=atol)
        ok &= bool(close.all())
        worst = np.unravel_index(np.argmax(np.abs(g - numeric)), array.shape) if array.size else ()
        rows.append((f"{labels[i]}{list(worst)}", float(g[worst]) if array.size else 0.0,
                     float(numeric[worst]) if array.size else 0.0))
    if not ok:
        raise GradcheckError(_table("gradient mismatch (worst element of each input):", rows))
    return True


def _scalar_data(y: Any) -> Any:
    return y.data if isinstance(y, Node) else y


_KINKS = {"relu": 0, "leaky_relu": 0, "elu": 0, "abs": 0}


def kink_distance(root: Node) -> float:
    """How far the graph's non-smooth ops are from their kinks (``relu``/``abs``… at 0, ``max``/
    ``min`` ties): finite differences with a step below it see a smooth function."""
    from autograd.engine import topological_order

    best = math.inf
    for node in topological_order(root):
        fn = node.grad_fn
        if fn is None:
            continue
        if fn.name in _KINKS:
            best = min(best, abs(node.parents[0].data))
        elif fn.name in ("max", "min") and len(node.parents) > 1:
            values = sorted(p.data for p in node.parents)
            gaps = [b - a for a, b in zip(values, values[1:])]
            best = min(best, min(gaps))
    return best
