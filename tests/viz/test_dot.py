"""Finding the renderer, rendering formats, the missing-renderer error, atomic writes."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from autograd import Value
from tests.viz.svg import parse
from viz import dot, draw
from viz.dot import Graph, RendererNotFound, RenderError, find_renderer, jpeg_to_pdf, render_source


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


def check_pdf(data: bytes) -> None:
    """A PDF whose cross-reference table points at its objects."""
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    start = int(re.search(rb"startxref\n(\d+)", data).group(1))  # type: ignore[union-attr]
    assert data[start:].startswith(b"xref")
    offsets = [int(m.group(1)) for m in re.finditer(rb"(\d{10}) 00000 n", data)]
    assert offsets
    for number, offset in enumerate(offsets, start=1):
        assert data[offset:].startswith(f"{number} 0 obj".encode())


def test_pdf_works_with_either_renderer(product: Value, tmp_path: Path) -> None:
    g = draw(product, "backward")
    check_pdf(g.pipe("pdf"))
    path = g.render(tmp_path / "graph", format="pdf")
    check_pdf(Path(path).read_bytes())


def test_jpeg_to_pdf_sizes_the_page_from_the_image(product: Value) -> None:
    jpeg = render_source(draw(product).source, "jpeg")
    pdf = jpeg_to_pdf(jpeg, dpi=72)
    check_pdf(pdf)
    width, height = dot._jpeg_size(jpeg)
    assert f"/MediaBox [0 0 {width:.2f} {height:.2f}]".encode() in pdf
    with pytest.raises(ValueError, match="not a JPEG"):
        jpeg_to_pdf(b"\xff\xd8 nothing here")


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
