"""Finding and running a Graphviz renderer, and the drawing object :class:`Graph`.

Rendering prefers the system ``dot`` (from a Graphviz install) and falls back to the
``graphviz-pure`` executable from PyPI (a self-contained port of ``dot``), looked up next to the
running Python (the virtual environment's ``bin``) and then on ``PATH``. When neither exists,
rendering raises :class:`RendererNotFound`, which says how to get one and carries the DOT source,
so the graph is never lost: ``Graph.source`` works without any renderer.

``graphviz-pure`` writes SVG, PNG and JPEG but not PDF; for PDF it renders a 144-dpi JPEG and
wraps it in a one-page PDF (the JPEG stream is embedded as is, PDF's ``DCTDecode``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import struct
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import graphviz
from graphviz.backend import dot_command

from autograd.files import write_atomic

__all__ = [
    "Graph",
    "Renderer",
    "RendererNotFound",
    "RenderError",
    "find_renderer",
    "render_source",
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


@dataclass(frozen=True)
class Renderer:
    """A Graphviz executable: its path and whether it is the system ``dot`` or ``graphviz-pure``."""

    path: str
    kind: str  # "dot" or "graphviz-pure"

    @property
    def native_pdf(self) -> bool:
        """Whether the executable writes PDF itself."""
        return self.kind == "dot"


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


def render_source(source: str, fmt: str = "svg", *, engine: str = "dot") -> bytes:
    """Lay out and draw DOT ``source`` in ``fmt`` (``svg``, ``png``, ``pdf``, ``jpeg``, ``dot``).

    Raises :class:`RendererNotFound` when there is no renderer and :class:`RenderError` when
    it fails.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "dot":
        return source.encode("utf-8")
    renderer = _require_renderer(source)
    if fmt == "pdf" and not renderer.native_pdf:
        return jpeg_to_pdf(_run(renderer, source, "jpeg", engine, ["-Gdpi=144"]), dpi=144)
    return _run(renderer, source, fmt, engine, [])


def _run(renderer: Renderer, source: str, fmt: str, engine: str, extra: list[str]) -> bytes:
    cmd = [renderer.path, f"-K{engine}", f"-T{fmt}", *extra]
    proc = subprocess.run(cmd, input=source.encode("utf-8"), capture_output=True, check=False)
    if proc.returncode != 0 or not proc.stdout:
        message = proc.stderr.decode("utf-8", "replace").strip() or f"exit status {proc.returncode}"
        raise RenderError(f"{renderer.kind} failed to render {fmt}: {message}", source)
    return proc.stdout


def _jpeg_size(data: bytes) -> tuple[int, int]:
    """Width and height from a JPEG's start-of-frame marker."""
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        i += 2 + length
    raise ValueError("not a JPEG image (no frame header)")


def jpeg_to_pdf(jpeg: bytes, dpi: float = 72.0) -> bytes:
    """A one-page PDF showing ``jpeg`` at ``dpi`` (the image bytes are embedded unchanged)."""
    width, height = _jpeg_size(jpeg)
    pw, ph = width * 72.0 / dpi, height * 72.0 / dpi
    content = f"q {pw:.2f} 0 0 {ph:.2f} 0 0 cm /Im0 Do Q".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {pw:.2f} {ph:.2f}] "
         "/Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>").encode("ascii"),
        (f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /DeviceRGB "
         f"/BitsPerComponent 8 /Filter /DCTDecode /Length {len(jpeg)} >>\nstream\n").encode("ascii")
        + jpeg + b"\nendstream",
        f"<< /Length {len(content)} >>\nstream\n".encode("ascii") + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode("ascii") + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode("ascii")
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode("ascii")
    return bytes(out)


@contextlib.contextmanager
def _dot_binary(source: str) -> Iterator[Renderer]:
    """Point the ``graphviz`` package at our renderer for the duration of one call."""
    renderer = _require_renderer(source)
    before = dot_command.DOT_BINARY
    dot_command.DOT_BINARY = Path(renderer.path)
    try:
        yield renderer
    finally:
        dot_command.DOT_BINARY = before


class Graph(graphviz.Digraph):
    """A ``graphviz.Digraph`` that renders with whichever renderer :func:`find_renderer` finds.

    Everything a ``Digraph`` does works as usual (``.source``, ``.pipe()``, ``.render()``,
    Jupyter display); only the executable differs, and PDF works with ``graphviz-pure`` too.
    """

    def pipe(self, format: str | None = None, *args: Any, **kwargs: Any) -> Any:  # noqa: A002
        fmt = format or self.format
        with _dot_binary(self.source) as renderer:
            if fmt == "pdf" and not renderer.native_pdf:
                data = render_source(self.source, "pdf", engine=kwargs.get("engine") or self.engine)
                encoding = kwargs.get("encoding")
                return data.decode(encoding) if encoding else data
            return super().pipe(format, *args, **kwargs)

    def render(self, filename: Any = None, directory: Any = None, **kwargs: Any) -> Any:
        fmt = kwargs.get("format") or self.format
        with _dot_binary(self.source) as renderer:
            if fmt == "pdf" and not renderer.native_pdf:
                outfile = kwargs.get("outfile")
                if outfile is None:
                    outfile = self.save(filename, directory=directory) + ".pdf"
                write_atomic(outfile, render_source(self.source, "pdf", engine=self.engine))
                return os.fspath(outfile)
            return super().render(filename, directory=directory, **kwargs)

    def svg(self) -> str:
        """The rendered SVG document as text."""
        return render_source(self.source, "svg", engine=self.engine).decode("utf-8")

    def _repr_svg_(self) -> str:
        return self.svg()
