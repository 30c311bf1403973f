"""python -m viz.demo: the lecture neuron's pictures and page, the moons model's graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.viz.svg import parse
from viz import demo


def test_demo_writes_and_prints_every_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = demo.main(["--out", str(tmp_path), "--skip-training"])
    printed = capsys.readouterr().out.split()
    for name in ("neuron_forward.svg", "neuron_backward.svg", "neuron_backward.png", "neuron_steps.html",
                 "neuron_steps.txt"):
        assert str(tmp_path / name) in printed
        assert (tmp_path / name).stat().st_size > 0
    assert "do/dw1 = do/dx1w1 * dx1w1/dw1 = 0.5 * (x1 = 2.0) = 1.0" in (tmp_path / "neuron_steps.txt").read_text()
    try:
        import nn  # noqa: F401
    except ImportError:
        assert status == 1  # the moons part is reported as failed, the rest is written
        return
    assert status == 0
    graph = parse((tmp_path / "moons_loss_graph.svg").read_bytes())
    assert len(graph.clusters) == 3 + 33
    assert str(tmp_path / "moons_loss_graph.svg") in printed
    # pictures that teach: the loss drawn is not 0, so its gradients are not all 0 either
    neurons = parse((tmp_path / "moons_loss_neurons.svg").read_bytes()).texts()
    norms = [float(t.split()[-1]) for t in neurons if t.startswith("|grad| ")]
    assert len(norms) == 33 and max(norms) > 0
    layers = parse((tmp_path / "moons_loss_layers.svg").read_bytes()).texts()
    assert layers.count("8 calls") == 3
    assert all(float(t.split()[-1]) > 0 for t in layers if t.startswith("|grad| "))
    page = (tmp_path / "moons_explorer.html").read_text(encoding="utf-8")
    assert str(tmp_path / "moons_explorer.html") in printed and "layers.1.neurons.15" in page


def test_the_demo_picks_the_points_the_model_gets_most_wrong() -> None:
    nn = pytest.importorskip("nn")
    from nn import data

    model = nn.MLP(2, [4, 1], seed=3)
    X, y = data.moons(20, seed=0)
    order = demo.hardest_points(model, X, y)
    margins = [(1 if y[i] else -1) * model(X[i].tolist()).data for i in order]
    assert sorted(order) == list(range(20)) and margins == sorted(margins)
    loss, _ = demo.mlp_loss(model, X[order[0]], y[order[0]])
    assert loss.data == pytest.approx(max(0.0, 1 - margins[0]))
    batch = demo.batch_loss(model, X[order[:3]], y[order[:3]])
    assert batch.data == pytest.approx(sum(max(0.0, 1 - m) for m in margins[:3]) / 3)


def test_the_lecture_neuron() -> None:
    o = demo.lecture_neuron()
    assert o.data == pytest.approx(0.7071067811865476)
    assert o.name == "o" and o.parents[0].name == "n"


def test_the_example_result_is_understood() -> None:
    class Model:
        def named_parameters(self) -> list:
            return []

    model = Model()
    assert demo._split_result(([Path("a.png")], model)) == ([Path("a.png")], model)
    assert demo._split_result({"paths": ["b.png"], "model": model}) == ([Path("b.png")], model)
    assert demo._split_result(model) == ([], model)
