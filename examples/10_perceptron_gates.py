"""Step 10: Rosenblatt's perceptron learns OR and AND, and provably fails on XOR (note 002).

The notes' weights (w0, w1, w2) = (-2, 3, 3) and (-4, 3, 3) implement OR and AND; the learning
rule w <- w + y_k x_k finds such weights by itself. On XOR it cycles forever: no line separates
(0,1), (1,0) from (0,0), (1,1). Run: python examples/10_perceptron_gates.py [out_dir]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the examples' shared helpers
from _figures import plt, save_figure  # noqa: E402

from nn import Perceptron, data  # noqa: E402

NOTES_WEIGHTS = {"or": (-2.0, 3.0, 3.0), "and": (-4.0, 3.0, 3.0)}


def main(out_dir: str = "out", max_epochs: int = 1000) -> dict[str, Any]:
    """Train a perceptron on each gate; draw the boundaries; return the results and the picture."""
    results = {}
    for name in ("or", "and", "xor"):
        X, y = data.gate(name)
        print(f"{name.upper():>3}:")
        if name in NOTES_WEIGHTS:
            notes = Perceptron(2, NOTES_WEIGHTS[name])
            print(f"     the notes' weights {NOTES_WEIGHTS[name]} give "
                  f"{notes.predict(X).tolist()} for labels {np.where(y > 0, 1, -1).tolist()}")
        result = Perceptron(2).fit(X, y, max_epochs=max_epochs)
        results[name] = result
        print(f"     learning rule from w = 0: {result.message}; w = {result.weights}")

    fig, axes = plt.subplots(1, 3, figsize=(12, 3.8), layout="constrained")
    for ax, (name, result) in zip(axes, results.items()):
        X, y = data.gate(name)
        ax.scatter(X[:, 0], X[:, 1], c=np.where(y > 0, "tab:blue", "tab:red"), s=120, zorder=3)
        w0, w1, w2 = result.weights
        xs = np.linspace(-0.5, 1.5, 2)
        if w2 != 0:
            ax.plot(xs, -(w0 + w1 * xs) / w2, "k-", label="learned w . x = 0")
        if name in NOTES_WEIGHTS:
            n0, n1, n2 = NOTES_WEIGHTS[name]
            ax.plot(xs, -(n0 + n1 * xs) / n2, "--", color="0.5", label="the notes' weights")
        if ax.get_lines():
            ax.legend(loc="upper right", fontsize=8)
        title = "learned" if result.converged else "not linearly separable"
        ax.set(title=f"{name.upper()}: {title}", xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), xlabel="x1", ylabel="x2")
    path = save_figure(fig, out_dir, "perceptron_gates.png")
    print(f"wrote {path}")
    return {"results": results, "paths": [path]}


if __name__ == "__main__":
    main(*sys.argv[1:2])
