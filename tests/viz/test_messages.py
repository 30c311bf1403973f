"""Issue 16 in viz: notebook display never raises, errors name the function and the format,
the command line says what it needs (-o, the file, --at)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import pytest

from autograd import Tensor, Value
from tests.viz.svg import parse
from viz import dot, draw, jupyter, steps
from viz.cli import main
from viz.dot import RenderError


def test_a_tensor_of_many_elements_displays_its_forward_graph() -> None:
    a = Tensor(np.arange(6.0).reshape(2, 3), name="A")
    svg = jupyter.node_svg(a * a)  # used to raise "... needs a seed"
    assert svg is not None
    texts = parse(svg.encode()).texts()
    assert "A" in texts and not any(t.startswith("grad") for t in texts)  # no d root / d root of 1


def test_a_one_element_tensor_still_shows_its_gradients() -> None:
    x = Tensor(np.array([3.0]), name="x")
    svg = jupyter.node_svg((x * x).sum())
    assert svg is not None and "grad [6.]" in parse(svg.encode()).texts()


def test_display_falls_back_to_text_instead_of_raising(monkeypatch: pytest.MonkeyPatch, product: Value) -> None:
    monkeypatch.setattr(dot, "find_renderer", lambda: None)
    assert jupyter.node_svg(product) is None


def test_steps_names_itself_for_a_root_that_is_not_a_node() -> None:
    with pytest.raises(TypeError, match=r"^steps\(\) takes a graph node \(a Value or Tensor\) as root, got NoneType$"):
        steps(None)  # type: ignore[arg-type]


@pytest.fixture
def no_gif(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A renderer that, like graphviz-pure, does not write GIF (whatever Graphviz is installed)."""
    script = tmp_path / "bin" / "renderer"
    script.parent.mkdir()
    script.write_text('#!/bin/sh\necho \'Format: "gif" not recognized. Use one of: png svg\' >&2\nexit 1\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(dot, "find_renderer", lambda: dot.Renderer(str(script), "graphviz-pure"))
    work = tmp_path / "work"
    work.mkdir()
    return work


def test_a_format_the_renderer_lacks_is_a_render_error_and_leaves_no_file(no_gif: Path, product: Value) -> None:
    graph = draw(product)
    with pytest.raises(RenderError, match=r'graphviz-pure failed to render gif: Format: "gif" not recognized. '
                                          r"Use one of: png svg") as caught:
        graph.render(str(no_gif / "picture"), format="gif")
    assert caught.value.source == graph.source
    assert os.listdir(no_gif) == []  # graphviz had saved the DOT source first
    with pytest.raises(RenderError, match="failed to render gif"):
        graph.render(outfile=str(no_gif / "picture.gif"))
    assert os.listdir(no_gif) == []
    with pytest.raises(RenderError, match="failed to render gif"):
        graph.pipe("gif")


def test_cli_format_svg_without_output_prints_svg(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["y = x**2", "--at", "x=2", "--format", "svg"]) == 0
    out = capsys.readouterr().out
    assert "<svg" in out and "digraph" not in out


def test_cli_binary_format_without_output_asks_for_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["y = x**2", "--at", "x=2", "--format", "png"]) == 2
    assert "--format png writes a picture file: give -o FILE.png" in capsys.readouterr().err


def test_cli_missing_file_is_not_a_syntax_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "model.cr"
    assert main([str(missing)]) == 2
    err = capsys.readouterr().err
    assert f"no such file: {str(missing)!r}" in err and "unexpected character" not in err


def test_cli_missing_input_hint_speaks_of_at(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["y = x*w + b", "--at", "x=2"]) == 2
    err = capsys.readouterr().err
    assert "missing value for inputs 'w', 'b'" in err
    assert "hint: give them a value: --at w=1.0 --at b=1.0" in err and "program(" not in err
