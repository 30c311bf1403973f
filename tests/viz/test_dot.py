"""Finding the renderer, rendering formats, the missing-renderer error, atomic writes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from autograd import Value
from tests.viz.svg import parse
from viz import dot, draw
from viz.dot import (
    FormatNotSupported,
    Graph,
    Renderer,
    RendererNotFound,
    RenderError,
    find_renderer,
    render_source,
)


@pytest.fixture
def no_renderer(monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty PATH and no scripts directory: neither dot nor graphviz-pure can be found."""
    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr(dot, "_script_dirs", lambda: [])


def test_a_renderer_is_found() -> None:
    renderer = find_renderer()
    assert renderer is not None and os.access(renderer.path, os.X_OK)
    assert renderer.kind in ("dot", "graphviz-pure")


def test_missing_renderer_says_how_to_get_one_and_keeps_the_source(no_renderer: None, product: Value) -> None:
    assert find_renderer() is None
    g = draw(product, "backward")
    assert "dc/da = b = -3.0" in g.source  # the DOT text needs no renderer
    with pytest.raises(RendererNotFound, match="pip install graphviz-pure") as info:
        g.pipe("svg")
    assert info.value.source == g.source
    with pytest.raises(RendererNotFound):
        render_source(g.source, "png")
    with pytest.raises(RendererNotFound):
        g._repr_mimebundle_()


def test_graph_pipe_and_render_use_the_found_renderer(product: Value, tmp_path: Path) -> None:
    g = draw(product)
    svg = g.pipe("svg")
    assert len(parse(svg).nodes) == 4
    png = g.pipe(format="png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    out = g.render(tmp_path / "graph", format="svg")
    assert Path(out).read_bytes().startswith(b"<?xml")
    assert "image/svg+xml" in g._repr_mimebundle_()


@pytest.fixture
def graphviz_pure(monkeypatch: pytest.MonkeyPatch) -> Renderer:
    """The renderer found is graphviz-pure (the real executable when it is installed)."""
    found = find_renderer()
    path = found.path if found is not None and found.kind == "graphviz-pure" else "graphviz-pure"
    renderer = Renderer(path, "graphviz-pure")
    monkeypatch.setattr(dot, "find_renderer", lambda: renderer)
    return renderer


def test_pdf_with_graphviz_pure_is_refused_and_points_to_svg(graphviz_pure: Renderer, product: Value,
                                                              tmp_path: Path) -> None:
    g = draw(product, "backward")
    for attempt in (lambda: render_source(g.source, "pdf"), lambda: g.pipe("pdf"),
                    lambda: g.pipe(format="pdf", encoding="latin-1"),
                    lambda: g.render(tmp_path / "graph", format="pdf"),
                    lambda: g.render(outfile=tmp_path / "graph.pdf")):
        with pytest.raises(FormatNotSupported, match="graphviz-pure cannot write PDF") as info:
            attempt()
        message = str(info.value)
        assert "SVG" in message and "`dot`" in message  # the two ways out
        assert info.value.source == g.source
    assert list(tmp_path.iterdir()) == []  # nothing half-written
    assert isinstance(FormatNotSupported("x", ""), RenderError)  # callers that catch RenderError see it


def test_a_system_dot_is_asked_for_pdf_itself(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "dot"  # stands in for Graphviz's dot: prints a PDF header and the options it got
    fake.write_text('#!/bin/sh\ncat >/dev/null\nprintf "%%PDF-1.7 %s" "$*"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(dot, "find_renderer", lambda: Renderer(str(fake), "dot"))
    assert render_source("digraph { a }", "pdf") == b"%PDF-1.7 -Kdot -Tpdf"


def test_svg_png_and_jpeg_still_work_with_graphviz_pure(graphviz_pure: Renderer, product: Value) -> None:
    if not os.access(graphviz_pure.path, os.X_OK):
        pytest.skip("graphviz-pure is not installed")
    source = draw(product).source
    assert len(parse(render_source(source, "svg")).nodes) == 4
    assert render_source(source, "png").startswith(b"\x89PNG")
    assert render_source(source, "jpeg").startswith(b"\xff\xd8")


def test_render_errors_carry_the_message_and_source() -> None:
    with pytest.raises(RenderError) as info:
        render_source("digraph { a -> }", "svg")
    assert info.value.source == "digraph { a -> }"
    with pytest.raises(ValueError, match="unknown output format"):
        render_source("digraph {}", "gif")


def test_dot_format_is_the_source_itself() -> None:
    assert render_source("digraph { a }", "dot") == b"digraph { a }"


def test_graph_is_a_graphviz_digraph() -> None:
    import graphviz

    g = Graph()
    g.node("a")
    assert isinstance(g, graphviz.Digraph)
    assert "<svg" in g._repr_svg_()


@pytest.mark.parametrize("through", ["render_source", "pipe"])
def test_a_slow_render_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, product: Value,
                               capsys: pytest.CaptureFixture[str], through: str) -> None:
    slow = tmp_path / "dot"  # stands in for a renderer busy with a big layout
    slow.write_text('#!/bin/sh\ncat >/dev/null\nsleep 1\nprintf "<svg/>"\n')
    slow.chmod(slow.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(dot, "find_renderer", lambda: Renderer(str(slow), "dot"))
    monkeypatch.setattr(dot, "PATIENCE", (0.3,))
    graph = draw(product)
    out = render_source(graph.source, "svg") if through == "render_source" else graph.pipe(format="svg")
    assert out == b"<svg/>"
    err = capsys.readouterr().err
    assert "dot is still laying out a graph of 3 edges (0.3 s so far)" in err
    assert "collapse=" in err and "viz.explore" in err


def test_a_quick_render_says_nothing(product: Value, capsys: pytest.CaptureFixture[str]) -> None:
    render_source(draw(product).source, "svg")
    assert capsys.readouterr().err == ""
