"""Step 4 of the ladder: write an op yourself, check it, draw it (DeZero's ``Function``, minitorch's
``ScalarFunction``).

An op is its forward and its local derivative. ``sinh`` is written here once, as an
``autograd.Function``; the same class runs on ``Value``s and ``Tensor``s, composes with the
built-in ops, gets second derivatives, and is drawn and explained like ``tanh``. ``gradcheck``
compares it with finite differences, and finds the classic slip, a wrong local derivative,
naming the op and the input. Run: python examples/04_custom_op.py [out_dir]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

import viz
from autograd import Function, Tensor, Value, grad
from autograd.testing import GradcheckError, gradcheck


class Sinh(Function):
    """sinh(x) = (e^x - e^-x) / 2, whose derivative is cosh(x) = sqrt(1 + sinh(x)^2)."""

    formulas = ("cosh({a})",)  # what pictures and traces write on the edge

    @staticmethod
    def forward(a: Any) -> Any:
        return np.sinh(a)  # on the input's data: a float, or an array

    @staticmethod
    def local(a: Any, out: Any) -> tuple[Any]:
        # From the output, with graph operations only: the same line serves floats, arrays and,
        # under create_graph, the graph nodes (so the derivative can be differentiated again)
        return ((1 + out * out) ** 0.5,)


class WrongSinh(Sinh):
    """The student's slip: d/dx sinh(x) = -cosh(x)? (cos has the minus sign, cosh does not)."""

    formulas = ("-cosh({a})",)

    @staticmethod
    def local(a: Any, out: Any) -> tuple[Any]:
        return (-((1 + out * out) ** 0.5),)


def main(out_dir: str = "out") -> dict[str, Any]:
    x = Value(0.5, name="x")
    y = Sinh.apply(x * 2)  # composes with the built-in ops: y = sinh(2x)
    y.name = "y"
    y.backward()
    print(f"y = sinh(2x) at x = 0.5: y = {y.data:.6f}")
    print(f"  autograd   dy/dx = {x.grad:.6f}")
    print(f"  by hand    2 cosh(2x) = {2 * np.cosh(1.0):.6f}")
    (d1,) = grad(Sinh.apply(x), [x], create_graph=True)
    (d2,) = grad(d1, [x])
    print(f"  second derivative through create_graph: {d2:.6f} (sinh(0.5) = {np.sinh(0.5):.6f})")

    X = Tensor(np.linspace(-1.0, 1.0, 5), name="X")
    Sinh.apply(X).sum().backward()
    print(f"\non a Tensor, d sum(sinh(X)) / dX = {np.round(X.grad, 6)} = cosh(X)")

    print(f"\ngradcheck(Sinh, [0.5]): {gradcheck(Sinh, [0.5])}")
    print(f"gradcheck(Sinh, [a 2 x 3 array]): {gradcheck(Sinh, [np.arange(6.0).reshape(2, 3) / 4])}")
    try:
        gradcheck(lambda t: WrongSinh.apply(t) * t, [Value(0.5, name="t")])
        report = ""
    except GradcheckError as error:
        report = str(error)
    print(f"gradcheck of a wrong local derivative:\n{report}")

    print()
    trace = viz.steps(y)
    print(trace)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    picture = Path(viz.draw(y, view="backward").render(str(out / "custom_op_backward"), format="svg", cleanup=True))
    print(f"wrote {picture}")
    return {"x": x, "y": y, "d2": d2, "X": X, "report": report, "picture": picture}


if __name__ == "__main__":
    main(*sys.argv[1:])
