"""The engine's examples run and print the notes' numbers."""

from __future__ import annotations

import html

import pytest

from tests.examples.loader import load_example


def test_01_chain_rule(capsys: pytest.CaptureFixture[str]) -> None:
    load_example("01_chain_rule").main()
    text = capsys.readouterr().out
    assert "dy/dx = 300" in text  # 6x(x^2+1)^2 at x = 2
    assert "do/dx1 = -1.5000" in text and "do/dw1 = +1.0000" in text  # the micrograd neuron
    assert "create_graph: 630" in text


def test_02_dsl() -> None:
    out = load_example("02_dsl").main()
    nodes, dz = out["nodes"], out["dz"]
    assert nodes["z"].grad == pytest.approx(dz)
    assert nodes["w1"].grad == pytest.approx(1.0 * dz) and nodes["w2"].grad == pytest.approx(2.0 * dz)
    assert nodes["b"].grad == pytest.approx(dz)


def test_03_neuron_pictures(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    paths = load_example("03_neuron_pictures").main(str(tmp_path))
    assert [p.name for p in paths] == ["neuron_forward.svg", "neuron_backward.svg", "neuron_steps.html"]
    assert all(p.stat().st_size > 0 for p in paths)
    backward = html.unescape(paths[1].read_text())
    assert "grad" in backward and "do/dn = 1 - o^2 = 0.5" in backward  # the local derivative on the edge
    assert "do/dw1" in capsys.readouterr().out and "<script" in paths[2].read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)  # nothing else left


def test_04_custom_op(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    import math

    out = load_example("04_custom_op").main(str(tmp_path))
    assert out["x"].grad == pytest.approx(2 * math.cosh(1.0), rel=1e-12)  # d sinh(2x)/dx at x = 0.5
    assert out["d2"] == pytest.approx(math.sinh(0.5), rel=1e-12)  # through create_graph
    assert list(out["X"].grad) == pytest.approx([math.cosh(v) for v in out["X"].data], rel=1e-12)
    report = out["report"]
    assert "WrongSinh.local is wrong for input 0 (t)" in report  # gradcheck names the op and the input
    text = capsys.readouterr().out
    assert text.count(": True") == 2 and "y = Sinh(t1)" in text
    picture = html.unescape(out["picture"].read_text())
    assert "Sinh" in picture and "dy/dt1 = cosh(t1) = 1.543" in picture  # its formula on the edge
