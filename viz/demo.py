"""``python -m viz.demo --out DIR``: the pictures of ``make demo``.

1. trains micrograd's two-moons network (a 2-16-16-1 scalar MLP) by running the nn example
   ``examples/13_moons_scalar.py`` (its ``main(out_dir=...)`` writes the decision boundary);
2. draws that model's loss graph for one training point, backward, one cluster per neuron
   (and two more pictures with each neuron, then each layer, collapsed into one box);
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

from autograd import Value
from autograd.files import write_atomic
from viz.dot import RendererNotFound, RenderError
from viz.render import draw
from viz.steps import steps

__all__ = ["lecture_neuron", "mlp_loss", "train_moons", "main"]

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
MOONS_EXAMPLE = "13_moons_scalar.py"


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


def _moons_point() -> tuple[tuple[float, float], int]:
    try:
        from nn.data import moons

        X, y = moons(8, seed=0)
        return (float(X[0][0]), float(X[0][1])), int(y[0])
    except Exception:  # noqa: BLE001 - any trouble with the data set: a fixed point does as well
        return (0.5, -0.3), 1


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
    for problem in problems:
        print(f"python -m viz.demo: {problem}", file=sys.stderr)
    return 1 if problems else 0


def _write_moons(out: Path, train: bool) -> list[Path]:
    """The trained moons model (via the nn example) and its loss graph on one point."""
    written: list[Path] = []
    model = None
    if train:
        paths, model = train_moons(out)
        written += paths
    point, label = _moons_point()
    loss, model = mlp_loss(model, point, label)
    written.append(_save(draw(loss, "backward", model=model, hide_constants=True,
                              title="two moons MLP: loss on one point, backward (one cluster per neuron)"),
                         out / "moons_loss_graph.svg"))
    written.append(_save(draw(loss, "backward", model=model, collapse="neuron", hide_constants=True,
                              title="two moons MLP: each neuron as one box"), out / "moons_loss_neurons.svg"))
    written.append(_save(draw(loss, "backward", model=model, collapse="layer", hide_constants=True,
                              title="two moons MLP: each layer as one box"), out / "moons_loss_layers.svg"))
    return written


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
