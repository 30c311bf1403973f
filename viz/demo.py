"""``python -m viz.demo --out DIR``: the pictures of ``make demo``.

1. trains micrograd's two-moons network (a 2-16-16-1 scalar MLP) by running the nn example
   ``examples/13_moons_scalar.py`` (its ``main(out_dir=...)`` writes the decision boundary);
2. draws that model's loss graph, backward, on the held-out point it gets most wrong, one
   cluster per neuron, and again with each neuron as one box; then its loss on its 8 hardest
   held-out points with each layer as one box, and the explorer page of its loss on all of them;
3. draws the micrograd lecture's neuron (x1=2, x2=0, w1=-3, w2=1, b=6.8813735870195432, tanh)
   forward and backward and writes its step-through HTML page and its derivation as text;

and prints the path of every file written.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from autograd import Value, no_grad
from autograd.files import write_atomic
from viz.dot import RendererNotFound, RenderError
from viz.explore import explore
from viz.render import draw
from viz.steps import steps

__all__ = ["lecture_neuron", "mlp_loss", "batch_loss", "hardest_points", "train_moons", "main"]

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
MOONS_EXAMPLE = "13_moons_scalar.py"
HELD_OUT = 100  # the moons points the demo's pictures are drawn on, as many as the model trained on
BATCH = 8  # the hardest of them, in the layer picture


def lecture_neuron() -> Value:
    """The neuron of micrograd's lecture, every node named as there: returns ``o``."""
    x1, x2 = Value(2.0, name="x1"), Value(0.0, name="x2")
    w1, w2 = Value(-3.0, name="w1"), Value(1.0, name="w2")
    b = Value(6.8813735870195432, name="b")
    x1w1 = x1 * w1
    x1w1.name = "x1w1"
    x2w2 = x2 * w2
    x2w2.name = "x2w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.name = "x1w1x2w2"
    n = x1w1x2w2 + b
    n.name = "n"
    o = n.tanh()
    o.name = "o"
    return o


def mlp_loss(model: Any = None, point: Sequence[float] = (0.5, -0.3), label: int = 1) -> tuple[Value, Any]:
    """The hinge loss ``relu(1 - y * score)`` of a 2-16-16-1 MLP on one point (y = +-1).

    Builds a fresh ``nn.MLP(2, [16, 16, 1])`` (seed 0) when ``model`` is None.
    """
    if model is None:
        import nn

        model = nn.MLP(2, [16, 16, 1], seed=0)
    x = [Value(float(point[0]), name="x0"), Value(float(point[1]), name="x1")]
    y = 1.0 if label > 0 else -1.0
    score = model(x)
    score.name = "score"
    loss = (1.0 - y * score).relu()
    loss.name = "loss"
    return loss, model


def _load_example(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location("chainrule_example_moons", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _split_result(result: Any) -> tuple[list[Path], Any]:
    """The example's ``main`` returns the written paths and the model (as a pair or a mapping)."""
    paths: Any = []
    model = None
    if isinstance(result, dict):
        paths = result.get("paths", [])
        model = result.get("model")
    elif isinstance(result, (tuple, list)):
        for item in result:
            if hasattr(item, "named_parameters"):
                model = item
            elif isinstance(item, (list, tuple, dict)):
                paths = item
            elif isinstance(item, (str, Path)):
                paths = [item]
    elif hasattr(result, "named_parameters"):
        model = result
    if isinstance(paths, dict):
        paths = list(paths.values())
    return [Path(p) for p in paths], model


def train_moons(out_dir: Path) -> tuple[list[Path], Any]:
    """Run the nn example that trains the two-moons MLP; its written paths and trained model."""
    path = EXAMPLES / MOONS_EXAMPLE
    if not path.exists():
        print(f"note: {path} is missing; drawing an untrained 2-16-16-1 MLP instead", file=sys.stderr)
        return [], None
    return _split_result(_load_example(path).main(out_dir=str(out_dir)))


def hardest_points(model: Any, X: Any, y: Any) -> list[int]:
    """The indices of the points ``(X, y)`` in order of the model's margin ``y * score``, smallest
    first: the points it gets most wrong, whose hinge loss ``relu(1 - y * score)`` is largest."""
    with no_grad():
        scores = [float(s.data) for s in model(X)]
    signs = [1.0 if label > 0 else -1.0 for label in y]
    return sorted(range(len(scores)), key=lambda i: signs[i] * scores[i])


def batch_loss(model: Any, X: Any, y: Any) -> Value:
    """micrograd's hinge loss of ``model`` over the points ``(X, y)``, each input a named Value."""
    from nn import losses

    xs = [[Value(float(a), name=f"x{i}.{j}") for j, a in enumerate(row)] for i, row in enumerate(X)]
    scores = model(xs)
    for i, score in enumerate(scores):
        score.name = f"score{i}"
    loss: Value = losses.hinge(scores, list(y))
    loss.name = "loss"
    return loss


def _write_moons(out: Path, train: bool) -> list[Path]:
    """The trained moons model (via the nn example), its loss graph on the held-out point it gets
    most wrong (so that every gradient drawn has something to say), on its 8 hardest points, and
    the explorer page of its loss over all of them."""
    import nn
    from nn import data

    written: list[Path] = []
    model = None
    if train:
        paths, model = train_moons(out)
        written += paths
    if model is None:
        model = nn.MLP(2, [16, 16, 1], seed=0)
    X, y = data.moons(HELD_OUT, noise=0.1, seed=2)  # points the model was not trained on
    order = hardest_points(model, X, y)
    worst = order[0]
    loss, _ = mlp_loss(model, X[worst], y[worst])
    if loss.data == 0.0:  # every point outside the margin: take the worst one with the other label
        loss, _ = mlp_loss(model, X[worst], 1 - y[worst])
    what = f"loss {loss.data:.3g} on the held-out point it gets most wrong"
    written.append(_save(draw(loss, "backward", model=model, hide_constants=True,
                              title=f"two-moons MLP: {what}, backward (one cluster per neuron)"),
                         out / "moons_loss_graph.svg"))
    written.append(_save(draw(loss, "backward", model=model, collapse="neuron", hide_constants=True,
                              title=f"two-moons MLP: {what}, each neuron one box"), out / "moons_loss_neurons.svg"))
    hard = order[:BATCH]
    batch = batch_loss(model, X[hard], y[hard])
    written.append(_save(draw(batch, "backward", model=model, collapse="layer", hide_constants=True,
                              title=f"two-moons MLP: loss {batch.data:.3g} on its {BATCH} hardest held-out points, "
                                    "each layer one box (one call per point)"),
                         out / "moons_loss_layers.svg"))
    everything = batch_loss(model, X, y)
    written.append(explore(everything, model=model,
                           title=f"two-moons MLP: loss {everything.data:.3g} on {len(X)} held-out points").write(
        out / "moons_explorer.html"))
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Write every demo picture into ``--out`` and print the paths; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m viz.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="out", help="directory for the pictures (default: out)")
    parser.add_argument("--skip-training", action="store_true",
                        help="draw an untrained MLP instead of running the moons example")
    args = parser.parse_args(argv)
    out = Path(args.out)
    written: list[Path] = []
    problems: list[str] = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        try:
            written += _write_moons(out, train=not args.skip_training)
        except (RendererNotFound, RenderError, OSError):
            raise
        except Exception as exc:  # noqa: BLE001 - the nn part failing must not hide the neuron's pictures
            problems.append(f"the two-moons pictures failed: {type(exc).__name__}: {exc}")
        written += _write_neuron(out)
    except (RendererNotFound, RenderError, OSError) as exc:
        problems.append(str(exc))
    for path in written:
        print(path)
    pages = [p.name for p in written if p.suffix == ".html"]
    if pages:
        print(f"\nthe pictures are in {out.resolve()}; open {' or '.join(pages)} in a browser to explore")
    for problem in problems:
        print(f"python -m viz.demo: {problem}", file=sys.stderr)
    return 1 if problems else 0


def _write_neuron(out: Path) -> list[Path]:
    """micrograd's neuron forward and backward, its step-through page and its derivation."""
    written: list[Path] = []
    o = lecture_neuron()
    written.append(_save(draw(o, "forward", title="micrograd's neuron, forward"), out / "neuron_forward.svg"))
    written.append(_save(draw(o, "backward", legend=True, title="micrograd's neuron, backward"),
                         out / "neuron_backward.svg"))
    written.append(_save(draw(o, "backward", title="micrograd's neuron, backward"), out / "neuron_backward.png"))
    trace = steps(o)
    written.append(trace.write_player(str(out / "neuron_steps.html"), title="micrograd's neuron, step by step"))
    written.append(write_atomic(out / "neuron_steps.txt", trace.table() + "\n"))
    return written


def _save(graph: Any, path: Path) -> Path:
    return write_atomic(path, graph.pipe(format=path.suffix.lstrip(".")))


if __name__ == "__main__":
    sys.exit(main())
