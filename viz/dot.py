"""Finding and running a Graphviz renderer, and the drawing object :class:`Graph`.

Rendering prefers the system ``dot`` (from a Graphviz install) and falls back to the
``graphviz-pure`` executable from PyPI (a self-contained port of ``dot``), looked up next to the
running Python (the virtual environment's ``bin``) and then on ``PATH``. When neither exists,
rendering raises :class:`RendererNotFound`, which says how to get one and carries the DOT source,
so the graph is never lost: ``Graph.source`` works without any renderer.

``graphviz-pure`` writes SVG, PNG and JPEG but not PDF, so PDF needs the system ``dot``; with
``graphviz-pure``, asking for PDF raises :class:`FormatNotSupported`, which points to SVG (vector
too: browsers and Inkscape print it to a PDF whose text can be selected). A PDF made from its
pictures would be a bitmap in a PDF wrapper, and none of the converters on PyPI that need no
system library (svglib with reportlab) draws every Unicode name: they fall back to the 14
standard PDF fonts.

The step player needs every frame drawn on one layout: :func:`lay_out` returns Graphviz's
positions of a graph, :func:`pin` writes them into another graph with the same nodes and edges,
and ``render_source(pinned, "svg", pinned=True)`` draws it there (``neato -n2``: no layout,
positions as given).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import graphviz
from graphviz.backend import dot_command

__all__ = [
    "Graph",
    "Renderer",
    "RendererNotFound",
    "RenderError",
    "FormatNotSupported",
    "find_renderer",
    "render_source",
    "lay_out",
    "shared_layout",
    "pin",
    "label_sizes",
    "FORMATS",
]

FORMATS = ("svg", "png", "pdf", "jpeg", "dot")
"""The formats :func:`render_source` and the command line write (``dot`` is the source itself)."""

INSTALL_HINT = (
    "no Graphviz renderer found: install one with `pip install graphviz-pure` "
    "(or a system Graphviz that provides `dot`)"
)


class RendererNotFound(RuntimeError):
    """Neither ``dot`` nor ``graphviz-pure`` could be found; ``.source`` holds the DOT text."""

    def __init__(self, source: str | None = None) -> None:
        super().__init__(INSTALL_HINT + "; the DOT source is still available as Graph.source")
        self.source = source


class RenderError(RuntimeError):
    """The renderer ran but failed (its message is included); ``.source`` holds the DOT text."""

    def __init__(self, message: str, source: str) -> None:
        super().__init__(message)
        self.source = source


class FormatNotSupported(RenderError):
    """The renderer found cannot write the format asked for (PDF with ``graphviz-pure``)."""


@dataclass(frozen=True)
class Renderer:
    """A Graphviz executable: its path and whether it is the system ``dot`` or ``graphviz-pure``."""

    path: str
    kind: str  # "dot" or "graphviz-pure"

    @property
    def native_pdf(self) -> bool:
        """Whether the executable writes PDF itself."""
        return self.kind == "dot"

    def check(self, fmt: str, source: str) -> None:
        """Raise :class:`FormatNotSupported` if this renderer cannot write ``fmt``."""
        if fmt == "pdf" and not self.native_pdf:
            raise FormatNotSupported(
                f"{self.kind} cannot write PDF (it writes SVG, PNG and JPEG, and a PDF made from them would "
                "be a picture without selectable text): write SVG instead (format='svg', or -o graph.svg), "
                "which is vector graphics too and prints to PDF from a browser, or install a system Graphviz "
                "so that `dot` is on PATH: it writes PDF itself", source)


def _script_dirs() -> list[str]:
    """Where pip puts console scripts for the running Python (a venv's ``bin``), in order."""
    dirs = [os.path.dirname(sys.executable)]
    with contextlib.suppress(KeyError):
        dirs.append(sysconfig.get_path("scripts"))
    return [d for d in dict.fromkeys(dirs) if d]


def find_renderer() -> Renderer | None:
    """The renderer to use: ``dot`` on ``PATH``, else ``graphviz-pure``, else ``None``."""
    path = shutil.which("dot")
    if path:
        return Renderer(path, "dot")
    for directory in _script_dirs():
        path = shutil.which("graphviz-pure", path=directory)
        if path:
            return Renderer(path, "graphviz-pure")
    path = shutil.which("graphviz-pure")
    return Renderer(path, "graphviz-pure") if path else None


def _require_renderer(source: str | None) -> Renderer:
    renderer = find_renderer()
    if renderer is None:
        raise RendererNotFound(source)
    return renderer


def render_source(source: str, fmt: str = "svg", *, engine: str = "dot", pinned: bool = False) -> bytes:
    """Lay out and draw DOT ``source`` in ``fmt`` (``svg``, ``png``, ``pdf``, ``jpeg``, ``dot``).

    ``pinned``: draw a source whose positions are given (see :func:`pin`) without laying it out.
    Raises :class:`RendererNotFound` when there is no renderer, :class:`FormatNotSupported` for
    PDF without the system ``dot``, and :class:`RenderError` when rendering fails.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "dot":
        return source.encode("utf-8")
    renderer = _require_renderer(source)
    renderer.check(fmt, source)
    if pinned:
        return _run(renderer, source, fmt, "neato", ["-n2"])
    return _run(renderer, source, fmt, engine, [])


Layout = dict[str, Any]
"""Graphviz's ``json0`` output: ``bb``, ``objects`` (clusters, then nodes) and ``edges``."""


def lay_out(source: str, pinned: bool = False) -> Layout:
    """Where ``dot`` puts every node, edge, edge label and cluster of DOT ``source`` (``pinned``:
    where a source made by :func:`pin` has them, with the bounding box they make)."""
    renderer = _require_renderer(source)
    engine, extra = ("neato", ["-n2"]) if pinned else ("dot", [])
    return dict(json.loads(_run(renderer, source, "json0", engine, extra)))


def shared_layout(envelope: graphviz.Digraph) -> Layout:
    """The layout to :func:`pin` a series of pictures to: ``dot``'s layout of ``envelope`` (the
    picture whose labels are the biggest), with the bounding box its pinned drawing has (a few
    points more than ``dot``'s: labels are measured again when drawn)."""
    layout = lay_out(envelope.source)
    layout["bb"] = lay_out(pin(envelope, layout), pinned=True)["bb"]
    return layout


def label_sizes(labels: Sequence[str], **node_attrs: str) -> list[tuple[float, float]]:
    """Width and height in points of each HTML-like label (``<...>``), each drawn as a node of its
    own (``shape=plain``, so the node is the label) with ``node_attrs`` (its font)."""
    if not labels:
        return []
    graph = Graph()
    graph.attr("node", shape="plain", **node_attrs)
    for i, label in enumerate(labels):
        graph.node(f"m{i}", label=label)
    sizes = {o["name"]: (float(o["width"]) * 72, float(o["height"]) * 72) for o in lay_out(graph.source)["objects"]}
    return [sizes[f"m{i}"] for i in range(len(labels))]


_EDGE = re.compile(r'^\s*("(?:[^"\\]|\\.)*"|\S+) -> ("(?:[^"\\]|\\.)*"|\S+)')
_CLUSTER = re.compile(r"^\s*subgraph (\S+) \{\s*$")


def _unquote(name: str) -> str:
    return name[1:-1].replace('\\"', '"') if name.startswith('"') else name


def pin(graph: graphviz.Digraph, layout: Layout) -> str:
    """The DOT source of ``graph`` with every node, edge (its spline and label) and cluster where
    ``layout`` has them; draw it with ``render_source(..., pinned=True)``.

    ``layout`` is :func:`lay_out` of a graph with the same nodes, edges (in the same order) and
    clusters, whose labels are at least as big: the step player lays out its last frame, which
    writes every contribution, and pins every frame to it.
    """
    names = {o["_gvid"]: o["name"] for o in layout["objects"] if "pos" in o}
    splines: dict[tuple[str, str], list[dict[str, str]]] = {}
    for e in layout.get("edges", []):
        splines.setdefault((names[e["tail"]], names[e["head"]]), []).append(e)
    boxes = {o["name"]: o for o in layout["objects"] if "bb" in o}
    body = []
    for line in graph.body:
        body.append(line)
        edge, cluster = _EDGE.match(line), _CLUSTER.match(line)
        if edge:
            drawn = splines[_unquote(edge.group(1)), _unquote(edge.group(2))].pop(0)
            attrs = " ".join(f'{k}="{drawn[k]}"' for k in ("pos", "lp") if k in drawn)
            stripped = line.rstrip()
            body[-1] = (stripped[:-1] + f" {attrs}]" if stripped.endswith("]") else f"{stripped} [{attrs}]") + "\n"
        elif cluster and cluster.group(1) in boxes:
            box = boxes[cluster.group(1)]
            body.append("\t" + " ".join(f'{k}="{box[k]}"' for k in ("bb", "lp") if k in box) + "\n")
    pinned = graph.copy()
    pinned.body = body
    for o in layout["objects"]:
        if "pos" in o:
            pinned.node(o["name"], pos=o["pos"])
    # The drawing's bounding box (and so where it sits in the SVG's viewBox) is computed from
    # what is drawn, whatever bb says: two invisible points at its corners make it the same in
    # every picture pinned to this layout.
    x0, y0, x1, y1 = layout["bb"].split(",")
    for k, corner in enumerate((f"{x0},{y0}", f"{x1},{y1}")):
        pinned.node(f"_corner{k}", pos=corner, shape="point", style="invis", width="0", height="0", label="")
    return str(pinned.source)


PATIENCE = (5.0, 15.0, 30.0, 60.0)
"""Seconds after which a render still running says so on stderr (then every last interval)."""


@contextlib.contextmanager
def _patience(renderer: Renderer, source: str) -> Iterator[None]:
    """Say so on stderr while a render takes long, instead of leaving the user at a silent prompt:
    Graphviz's layout time grows much faster than the graph (seconds become minutes)."""
    done = threading.Event()

    def watch() -> None:
        waited = 0.0
        for k in range(10_000):
            wait = PATIENCE[min(k, len(PATIENCE) - 1)]
            if done.wait(wait):
                return
            waited += wait
            print(f"chainrule: {renderer.kind} is still laying out a graph of {source.count(' -> '):,} edges "
                  f"({waited:g} s so far); smaller pictures render in seconds: draw(..., model=..., "
                  "collapse='neuron' or 'layer'), hide_constants=True, or viz.explore(...) for a big graph",
                  file=sys.stderr, flush=True)

    watcher = threading.Thread(target=watch, name="chainrule-render-patience", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()


def _run(renderer: Renderer, source: str, fmt: str, engine: str, extra: list[str]) -> bytes:
    cmd = [renderer.path, f"-K{engine}", f"-T{fmt}", *extra]
    with _patience(renderer, source):
        proc = subprocess.run(cmd, input=source.encode("utf-8"), capture_output=True, check=False)
    if proc.returncode != 0 or not proc.stdout:
        raise _failed(renderer, fmt, proc.stderr, proc.returncode, source)
    return proc.stdout


def _failed(renderer: Renderer, fmt: str, stderr: Any, returncode: int, source: str) -> RenderError:
    """The renderer's own complaint (for a format it lacks: the formats it has), as a RenderError."""
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else str(stderr or "")
    return RenderError(f"{renderer.kind} failed to render {fmt}: {text.strip() or f'exit status {returncode}'}",
                       source)


@contextlib.contextmanager
def _dot_binary(source: str) -> Iterator[Renderer]:
    """Point the ``graphviz`` package at our renderer for the duration of one call."""
    renderer = _require_renderer(source)
    before = dot_command.DOT_BINARY
    dot_command.DOT_BINARY = Path(renderer.path)
    try:
        with _patience(renderer, source):
            yield renderer
    finally:
        dot_command.DOT_BINARY = before


class Graph(graphviz.Digraph):
    """A ``graphviz.Digraph`` that renders with whichever renderer :func:`find_renderer` finds.

    Everything a ``Digraph`` does works as usual (``.source``, ``.pipe()``, ``.render()``,
    Jupyter display); only the executable differs. PDF needs the system ``dot``: with
    ``graphviz-pure`` it raises :class:`FormatNotSupported` (write SVG instead).
    """

    def pipe(self, format: str | None = None, *args: Any, **kwargs: Any) -> Any:  # noqa: A002
        with _dot_binary(self.source) as renderer:
            renderer.check(format or self.format, self.source)
            try:
                return super().pipe(format, *args, **kwargs)
            except graphviz.CalledProcessError as exc:
                raise _failed(renderer, format or self.format, exc.stderr, exc.returncode, self.source) from None

    def render(self, filename: Any = None, directory: Any = None, **kwargs: Any) -> Any:
        outfile = kwargs.get("outfile")
        # graphviz takes the format from outfile's extension when no format is given
        fmt = kwargs.get("format") or (Path(outfile).suffix.lstrip(".") if outfile else "") or self.format
        with _dot_binary(self.source) as renderer:
            renderer.check(fmt, self.source)
            try:
                return super().render(filename, directory=directory, **kwargs)
            except graphviz.CalledProcessError as exc:
                # graphviz saved the DOT source before running the renderer: a failed render
                # (such as a format the renderer lacks) should leave no file behind
                with contextlib.suppress(OSError):
                    os.remove(self.filepath)
                raise _failed(renderer, fmt, exc.stderr, exc.returncode, self.source) from None

    def svg(self) -> str:
        """The rendered SVG document as text."""
        return render_source(self.source, "svg", engine=self.engine).decode("utf-8")

    def _repr_svg_(self) -> str:
        return self.svg()
