"""Step 1 of the ladder: the chain rule by hand and by the engine (notes 001 and 003).

y = (x^2 + 1)^3 has dy/dx = 6x (x^2 + 1)^2; a tanh neuron's gradients are w * (1 - o^2) and
x * (1 - o^2). Run: python examples/01_chain_rule.py
"""

from __future__ import annotations

from autograd import Value, grad
from autograd.testing import numerical_diff


def main() -> None:
    x = Value(2.0, name="x")
    y = (x**2 + 1) ** 3
    y.backward()
    print(f"y = (x^2 + 1)^3 at x = 2: y = {y.data:g}")
    print(f"  autograd    dy/dx = {x.grad:g}")
    print(f"  by hand     6x(x^2+1)^2 = {6 * 2 * (2**2 + 1) ** 2:g}")
    print(f"  central difference    = {numerical_diff(lambda t: (t**2 + 1) ** 3, 2.0):.6f}")

    x1, w1 = Value(2.0, name="x1"), Value(-3.0, name="w1")
    x2, w2 = Value(0.0, name="x2"), Value(1.0, name="w2")
    b = Value(6.8813735870195432, name="b")
    n = x1 * w1 + x2 * w2 + b
    n.name = "n"
    o = n.tanh()
    o.name = "o"
    o.backward()
    print("\nthe micrograd neuron: o = tanh(x1 w1 + x2 w2 + b)")
    print(f"  o = {o.data:.4f}, do/dn = 1 - o^2 = {1 - o.data**2:.4f}")
    for v in (x1, w1, x2, w2, b):
        print(f"  do/d{v.name} = {v.grad:+.4f}")

    (d1,) = grad((x**2 + 1) ** 3, [x], create_graph=True)
    (d2,) = grad(d1, [x])
    print(f"\nsecond derivative of (x^2+1)^3 at 2 through create_graph: {d2:g} (by hand 30x^4+36x^2+6 = 630)")


if __name__ == "__main__":
    main()
