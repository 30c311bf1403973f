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

from autograd.engine import Node, grad, topological_order
from autograd.function import Function, _Step
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
    w = max([12] + [len(n) for n, _, _ in rows])
    lines = [title, f"{'input':>{w}} {'autograd':>14} {'numerical':>14} {'difference':>12}"]
    lines += [f"{n:>{w}} {a:>14.8g} {b:>14.8g} {a - b:>12.3g}" for n, a, b in rows]
    return "\n".join(lines)


def gradcheck(
    f: Callable[..., Any] | type[Function],
    inputs: Sequence[Any],
    *,
    h: float = 1e-6,
    atol: float = 1e-6,
    rtol: float = 1e-4,
    second_order: bool = False,
) -> bool:
    """Check autograd's gradient of a function against central differences.

    ``f`` takes one ``Value`` per input and returns a scalar ``Value``; ``inputs`` are numbers
    or ``Value``s (their ``data`` is used; their ``grad`` is not touched). With
    ``second_order=True`` the gradient's own derivatives (the Hessian, through
    ``create_graph``) are checked against differences of the gradient too.

    Tensor inputs (``Tensor``s or arrays) are checked element by element in float64: the whole
    Jacobian, one backward pass per element of ``f``'s output, which may have any shape.

    ``f`` may be an op you defined (a :class:`~autograd.Function` subclass): ``gradcheck(Cube,
    [2.0])`` checks ``Cube.apply``.

    Returns True, or raises :class:`GradcheckError` listing every input with both gradients
    and their difference (for Tensors the element that disagrees most, and the output element).
    When the graph holds ops you defined, each of their steps is then checked on its own
    against differences of its ``forward``, and the error names the op, the input and the
    element whose derivative is wrong (the classic bug: a wrong ``local``).
    """
    if isinstance(f, type) and issubclass(f, Function):
        return gradcheck(f.apply, inputs, h=h, atol=atol, rtol=rtol, second_order=second_order)
    if any(isinstance(x, np.ndarray) or (isinstance(x, Node) and isinstance(x.data, np.ndarray)) for x in inputs):
        if second_order:
            raise ValueError("second_order checks take scalar inputs")
        return _gradcheck_tensors(f, inputs, h, atol, rtol)
    point = [float(x.data) if isinstance(x, Node) else float(x) for x in inputs]
    labels = _labels(inputs)

    def leaves(values: Sequence[float]) -> list[Value]:
        return [Value(v, name=n) for v, n in zip(values, labels)]

    def evaluate(values: Sequence[float]) -> float:
        return _scalar(f(*leaves(values)))

    def shifted(i: int, d: float) -> list[float]:
        moved = list(point)
        moved[i] += d
        return moved

    xs = leaves(point)
    out: Any = f(*xs)
    analytic = [_scalar(g) for g in grad(out, xs)]
    numeric = [(evaluate(shifted(i, h)) - evaluate(shifted(i, -h))) / (2 * h) for i in range(len(point))]
    rows = list(zip(labels, analytic, numeric))
    if not all(_close(a, b, atol, rtol) for _, a, b in rows):
        raise GradcheckError(_table("gradient mismatch (d f / d input):", rows) + _blame(out, h, atol, rtol))
    if second_order:
        _check_hessian(f, leaves, point, labels, h, atol, rtol)
    return True


def _labels(inputs: Sequence[Any]) -> list[str]:
    return [(x.name if isinstance(x, Node) and x.name else f"x{i}") for i, x in enumerate(inputs)]


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
    labels = _labels(inputs)

    def evaluate(values: Sequence[np.ndarray]) -> np.ndarray:
        return np.asarray(_scalar_data(f(*[Tensor(v) for v in values])), dtype=np.float64)

    leaves = [Tensor(a.copy(), name=n) for a, n in zip(arrays, labels)]
    out = f(*leaves)
    shape = np.shape(_scalar_data(out))
    # The Jacobian d out[k] / d input[j], analytic (one backward pass per output element k) and
    # numerical (two evaluations per input element j), each of shape out.shape + input.shape
    analytic = [np.zeros(shape + a.shape) for a in arrays]
    for k in np.ndindex(shape):
        seed = np.zeros(shape)
        seed[k] = 1.0
        for jac, g in zip(analytic, grad(out, leaves, grad_output=seed)):
            jac[k] = np.asarray(_scalar_data(g), dtype=np.float64)
    rows: list[tuple[str, float, float]] = []
    ok = True
    for i, (array, jac) in enumerate(zip(arrays, analytic)):
        numeric = np.zeros_like(jac)
        for idx in np.ndindex(array.shape):
            moved = [a.copy() for a in arrays]
            moved[i][idx] += h
            up = evaluate(moved)
            moved[i][idx] -= 2 * h
            numeric[(...,) + idx] = (up - evaluate(moved)) / (2 * h)
        ok &= bool(np.isclose(jac, numeric, rtol=rtol, atol=atol).all())
        if not jac.size:
            rows.append((labels[i], 0.0, 0.0))
            continue
        worst = np.unravel_index(np.argmax(np.abs(jac - numeric)), jac.shape)
        k, j = worst[:len(shape)], worst[len(shape):]
        at = f" (output {_index(k)})" if k else ""
        rows.append((f"{labels[i]}{_index(j)}{at}", float(jac[worst]), float(numeric[worst])))
    if not ok:
        raise GradcheckError(_table("gradient mismatch (worst element of each input):", rows)
                             + _blame(out, h, atol, rtol))
    return True


def _blame(root: Any, h: float, atol: float, rtol: float) -> str:
    """The steps of ops you defined (:class:`~autograd.Function`) in ``root``'s graph whose
    derivative disagrees with central differences of their own ``forward``, as lines that name
    the op, the input and the element; ``""`` if there are none (or none is to blame)."""
    if not isinstance(root, Node):
        return ""
    found: list[str] = []
    blamed: set[int] = set()
    for node in topological_order(root):  # inputs first: the first wrong op, where the error starts
        fn = node.grad_fn
        step = getattr(fn, "custom_vjp", None)
        if fn is None or not isinstance(step, _Step) or id(fn) in blamed:
            continue
        line = _check_step(node, step, h, atol, rtol)
        if line:
            blamed.add(id(fn))
            found.append(line)
    if not found:
        return ""
    return "\n\nthe op you defined that is wrong (its step against differences of its forward):\n" + "\n".join(found)


def _check_step(node: Node, step: _Step, h: float, atol: float, rtol: float) -> str:
    """One node's chain-rule step, ``vjp(g)``, against central differences of ``sum(g * forward)``
    in each input element (``g`` 1 for a Value, fixed random numbers for a Tensor)."""
    cls = step.function
    fn = cls.op
    constants = dict(node.arg or {})
    out = node.data
    g: Any = 1.0 if isinstance(out, float) else np.random.default_rng(0).standard_normal(np.shape(out))
    parents = node.parents
    analytic = fn.vjp(node, g, False)
    where = "local" if step.local is not None and step.vjp is None else "vjp"
    point: list[Any] = [p.data if isinstance(p.data, float) else np.array(p.data, dtype=np.float64) for p in parents]
    names = [p.name or "abcdefgh"[i] for i, p in enumerate(parents)]

    def value(xs: list[Any]) -> float:
        return float(np.sum(g * np.asarray(cls.forward(*xs, **constants), dtype=np.float64)))  # type: ignore[attr-defined]

    for i, (parent, a) in enumerate(zip(parents, analytic)):
        if a is None or parent.is_constant:
            continue
        a = np.asarray(a, dtype=np.float64)
        numeric = np.zeros(np.shape(point[i]))
        for idx in np.ndindex(numeric.shape):
            moved = list(point)
            if isinstance(point[i], float):
                moved[i] = point[i] + h
                up = value(moved)
                moved[i] = point[i] - h
            else:
                moved[i] = point[i].copy()
                moved[i][idx] += h
                up = value(moved)
                moved[i][idx] -= 2 * h
            numeric[idx] = (up - value(moved)) / (2 * h)
        if a.shape != numeric.shape or not np.isclose(a, numeric, rtol=rtol, atol=atol).all():
            inputs = ", ".join(f"{n}={_short(p.data)}" for n, p in zip(names, parents))
            if a.shape != numeric.shape:
                return (f"  {fn.name}: its {where} gives input {i} ({names[i]}) a gradient of shape {a.shape}, "
                        f"the input's shape is {numeric.shape}")
            worst = np.unravel_index(np.argmax(np.abs(a - numeric)), a.shape) if a.ndim else ()
            element = f", element {_index(worst)}" if a.ndim else ""
            seed = "" if isinstance(out, float) else " (for a random upstream gradient)"
            return (f"  {fn.name}.{where} is wrong for input {i} ({names[i]}{element}): the chain rule gives "
                    f"{float(a[worst]):.8g}, a central difference {float(numeric[worst]):.8g}{seed}, "
                    f"at {fn.name}({inputs})")
    return ""


def _index(i: Sequence[Any]) -> str:
    """A position as ``[1, 0]`` (numpy's own integers print as ``np.int64(1)``)."""
    return str([int(x) for x in i])


def _short(x: Any) -> str:
    return f"{x:.6g}" if isinstance(x, float) else f"array of shape {np.shape(x)}"


def _scalar_data(y: Any) -> Any:
    return y.data if isinstance(y, Node) else y


_KINKS = {"relu": 0, "leaky_relu": 0, "elu": 0, "abs": 0}


def kink_distance(root: Node) -> float:
    """How far the graph's non-smooth ops are from their kinks (``relu``/``abs``… at 0, ``max``/
    ``min`` ties): finite differences with a step below it see a smooth function."""

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
