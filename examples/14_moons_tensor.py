"""Step 14: the two-moons classifier again, on Tensors: one node per layer instead of per weight.

The same 2-16-16-1 ReLU network and max-margin loss as step 13, written with ``Linear`` layers
in a ``Sequential`` and trained by ``nn.fit`` on mini-batches (a tqdm bar shows loss and
accuracy when tqdm is installed). Run: python examples/14_moons_tensor.py [out_dir]
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the examples' shared helpers
from _figures import decision_boundary, plt, save_figure  # noqa: E402

from nn import SGD, DataLoader, Linear, ReLU, Sequential, accuracy, data, evaluate, fit, init, losses  # noqa: E402


def main(out_dir: str = "out", epochs: int = 60, n: int = 200, seed: int = 1, resolution: int = 120,
         progress: bool = True) -> dict[str, Any]:
    """Train on ``n`` moons points for ``epochs`` epochs; write the boundary and the learning curve."""
    X, y = data.moons(n, noise=0.1, seed=seed)
    g = init.rng(seed)  # one generator: one seed fixes every layer
    model = Sequential(
        Linear(2, 16, init="he", seed=g), ReLU(),
        Linear(16, 16, init="he", seed=g), ReLU(),
        Linear(16, 1, init="xavier", seed=g),
    )
    print(model.summary())

    def loss_fn(scores: Any, target: Any) -> Any:
        return losses.hinge(scores, target) + losses.l2_penalty(model, lam=1e-4)

    score = partial(accuracy, threshold=0.0)  # the outputs are scores: the sign decides
    history = fit(model, loss_fn, SGD(model.parameters(), lr=0.1), DataLoader(X, y, batch_size=20, seed=seed),
                  epochs=epochs, metric=score, progress=progress)
    loss, acc = evaluate(model, loss_fn, X, y, metric=score)
    print(f"after {epochs} epochs: loss {loss:.4f}, accuracy {acc:.1%}")
    boundary = save_figure(
        decision_boundary(model, X, y, f"2-16-16-1 MLP of Tensors: {acc:.0%} right", resolution),
        out_dir, "moons_tensor.png",
    )
    fig, ax = plt.subplots(figsize=(5.5, 3.5))
    history.plot(ax)
    curve = save_figure(fig, out_dir, "moons_tensor_history.png")
    print(f"wrote {boundary} and {curve}")
    return {"model": model, "history": history, "accuracy": acc, "paths": [boundary, curve]}


if __name__ == "__main__":
    main(*sys.argv[1:2])
