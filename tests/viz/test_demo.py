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
