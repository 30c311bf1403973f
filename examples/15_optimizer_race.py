"""Step 15: gradient descent, momentum, AdaGrad, RMSProp and Adam on f(x, y) = x^2/20 + y^2 (note 002).

The bowl is 20 times steeper along y than along x: plain gradient descent zig-zags across the
valley, momentum overshoots and swings back, the adaptive methods rescale each coordinate. The
engine computes the gradient of f by ``backward()``, the optimizers from ``nn`` take the steps.
Run: python examples/15_optimizer_race.py [out_dir]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the examples' shared helpers
from _figures import plt, save_figure  # noqa: E402

from autograd import Value  # noqa: E402
from nn import SGD, AdaGrad, Adam, Momentum, RMSProp  # noqa: E402

START = (-7.0, 2.0)
# learning rates as in the notes' pictures (and "Deep Learning from Scratch")
RACERS: dict[str, Any] = {
    "SGD (lr 0.95)": lambda p: SGD(p, lr=0.95),
    "Momentum (lr 0.1)": lambda p: Momentum(p, lr=0.1, beta=0.9),
    "AdaGrad (lr 1.5)": lambda p: AdaGrad(p, lr=1.5),
    "RMSProp (lr 0.3)": lambda p: RMSProp(p, lr=0.3, decay=0.99),
    "Adam (lr 0.3)": lambda p: Adam(p, lr=0.3),
}


def f(x: Any, y: Any) -> Any:
    """The notes' test function; works on floats, arrays and Values."""
    return x**2 / 20 + y**2


def race(make: Any, steps: int) -> np.ndarray:
    """The path of one optimizer from START: an array of shape (steps + 1, 2)."""
    x, y = Value(START[0], name="x"), Value(START[1], name="y")
    opt = make([x, y])
    path = [(x.data, y.data)]
    for _ in range(steps):
        opt.zero_grad()
        f(x, y).backward()
        opt.step()
        path.append((x.data, y.data))
    return np.array(path)


def main(out_dir: str = "out", steps: int = 30) -> dict[str, Any]:
    """Run every optimizer for ``steps`` steps; draw the paths; return them and the picture."""
    paths = {name: race(make, steps) for name, make in RACERS.items()}
    fig, axes = plt.subplots(2, 3, figsize=(13, 7))
    xx, yy = np.meshgrid(np.linspace(-10, 10, 200), np.linspace(-5, 5, 200))
    for ax, (name, path) in zip(axes.flat, paths.items()):
        ax.contour(xx, yy, f(xx, yy), levels=np.geomspace(0.05, 30, 12), colors="0.75", linewidths=0.8)
        ax.plot(path[:, 0], path[:, 1], "o-", color="tab:red", markersize=3, linewidth=1)
        ax.plot(0, 0, "+", color="k", markersize=12)
        ax.set(title=name, xlim=(-10, 10), ylim=(-5, 5))
        x, y = path[-1]
        print(f"{name:>18}: after {steps} steps at ({x:+.4f}, {y:+.4f}), f = {f(x, y):.2e}")
    axes.flat[-1].axis("off")
    out = save_figure(fig, out_dir, "optimizer_race.png")
    print(f"wrote {out}")
    return {"paths": paths, "files": [out]}


if __name__ == "__main__":
    main(*sys.argv[1:2])
