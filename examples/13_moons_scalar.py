"""Step 13: micrograd's two-moons classifier, every weight a scalar Value.

A 2-16-16-1 ReLU network scores each point; the max-margin (hinge) loss plus an L2 penalty is
minimised by SGD with a decaying learning rate, as in micrograd's demo. The decision boundary
is drawn by scoring a grid of points. ``make demo`` runs this file; ``viz.demo`` draws the
trained network's graph. Run: python examples/13_moons_scalar.py [out_dir]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the examples' shared helpers
from _figures import decision_boundary, save_figure  # noqa: E402

from autograd import no_grad  # noqa: E402
from nn import MLP, SGD, accuracy, data, losses  # noqa: E402


def main(out_dir: str = "out", steps: int = 50, n: int = 100, batch_size: int = 32, seed: int = 1,
         resolution: int = 32) -> tuple[list[Path], MLP]:
    """Train the scalar MLP on the moons; write the boundary picture; return (paths, model)."""
    X, y = data.moons(n, noise=0.1, seed=seed)
    model = MLP(2, [16, 16, 1], activation="relu", seed=seed)
    print(f"{model}\n{model.num_parameters()} parameters")
    opt = SGD(model.parameters(), lr=1.0)
    rng = np.random.default_rng(seed)
    for step in range(steps):
        batch = rng.choice(n, size=min(batch_size, n), replace=False)
        opt.lr = 1.0 - 0.9 * step / steps  # micrograd's learning-rate decay
        opt.zero_grad()
        scores = model(X[batch])
        loss = losses.hinge(scores, y[batch]) + losses.l2_penalty(model, lam=1e-4, m=1)
        loss.backward()
        opt.step()
        if step % max(1, steps // 6) == 0 or step == steps - 1:
            print(f"step {step:3d}  loss {loss.data:.4f}  batch accuracy {accuracy(scores, y[batch], 0.0):.0%}")
    with no_grad():
        acc = accuracy(model(X), y, threshold=0.0)
    print(f"accuracy on all {n} points: {acc:.0%}")
    fig = decision_boundary(model, X, y, f"2-16-16-1 MLP of Values: {acc:.0%} right", resolution)
    path = save_figure(fig, out_dir, "moons_scalar.png")
    print(f"wrote {path}")
    return [path], model


if __name__ == "__main__":
    main(*sys.argv[1:2])
