"""Step 3 of the ladder: the micrograd lecture's neuron, drawn forward and backward.

o = tanh(x1 w1 + x2 w2 + b) with x1=2, x2=0, w1=-3, w2=1, b=6.8813735870195432. In a notebook,
the last expression of a cell displays the picture inline (``viz.draw(...)`` returns a
``graphviz.Digraph``; ``import viz`` also makes bare nodes display as graphs). As a script it
writes the two pictures and the step-through page. Run: python examples/03_neuron_pictures.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import viz
from autograd import Value


def neuron() -> Value:
    x1, x2 = Value(2.0, name="x1"), Value(0.0, name="x2")
    w1, w2 = Value(-3.0, name="w1"), Value(1.0, name="w2")
    b = Value(6.8813735870195432, name="b")
    n = x1 * w1 + x2 * w2 + b
    n.name = "n"
    o = n.tanh()
    o.name = "o"
    return o


def main(out_dir: str = "out") -> list[Path]:
    o = neuron()
    o.backward()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [
        Path(viz.draw(o, view="forward").render(str(out / "neuron_forward"), format="svg", cleanup=True)),
        Path(viz.draw(o, view="backward").render(str(out / "neuron_backward"), format="svg", cleanup=True)),
    ]
    trace = viz.steps(o)
    print(trace)
    paths.append(Path(trace.write_player(out / "neuron_steps.html")))
    for p in paths:
        print(f"wrote {p}")
    return paths


if __name__ == "__main__":
    main(*sys.argv[1:])
