"""Step 12: why weights must not start equal -- the symmetry problem (notes 000 and 003).

With all weights zero (or all equal), every hidden unit computes the same output and receives
the same gradient, so after any number of steps the units are still identical copies: a layer
of 8 units is worth one. Small random weights (x 0.01) break the symmetry.
Run: python examples/12_zero_init_symmetry.py
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nn import MLP, SGD, data, init, losses


def hidden_units(model: MLP) -> np.ndarray:
    """The first layer's units as rows (w_1, ..., w_n, b)."""
    return np.array([[w.data for w in n.w] + [n.b.data] for n in model.layers[0].neurons])


def main(steps: int = 100, seed: int = 0) -> dict[str, Any]:
    """Train the same 2-8-1 net from three starts; return how different the hidden units are."""
    X, y = data.moons(40, noise=0.1, seed=seed)
    starts: dict[str, Any] = {"zeros": "zeros", "constant 0.5": init.constant(0.5), "small random": "small"}
    spread = {}
    for label, start in starts.items():
        model = MLP(2, [8, 1], activation="tanh", output_activation="sigmoid", init=start, seed=seed)
        opt = SGD(model.parameters(), lr=0.5)
        for _ in range(steps):
            opt.zero_grad()
            losses.binary_cross_entropy(model(X), y).backward()
            opt.step()
        units = hidden_units(model)
        spread[label] = float(np.ptp(units, axis=0).max())  # largest difference between two units
        distinct = len({tuple(row) for row in units.tolist()})
        print(f"{label:>13}: {distinct} distinct hidden unit(s) of 8 after {steps} steps "
              f"(largest difference {spread[label]:.3g})")
    return {"spread": spread}


if __name__ == "__main__":
    main()
