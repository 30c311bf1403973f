"""Run a notebook top to bottom in a real Jupyter kernel (nbclient + ipykernel) and read what it showed."""

from __future__ import annotations

import os
import re
import warnings
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

# A cell that draws with matplotlib must show a picture.
_FIGURE = re.compile(r"\bplt\.|\.plot\(")
# tqdm's bar, the one thing a notebook may write to stderr: "100%|██████████| 675/675 [...]"
_PROGRESS = re.compile(r"^\s*(\d+%\|.*\|.*\])?\s*$")


class Executed:
    """An executed notebook: the outputs of each code cell, by cell id."""

    def __init__(self, notebook: Any) -> None:
        self.notebook = notebook
        self.cells = {cell.id: cell for cell in notebook.cells if cell.cell_type == "code"}

    def stream(self, cell_id: str, name: str = "stdout") -> str:
        """Everything the cell printed to ``name`` (``stdout`` or ``stderr``)."""
        return "".join(o.text for o in self.cells[cell_id].outputs if o.output_type == "stream" and o.name == name)

    def data(self, cell_id: str, mime: str) -> list[str]:
        """The cell's displayed values of type ``mime`` (``image/png``, ``image/svg+xml``, ``text/html``)."""
        return [o.data[mime] for o in self.cells[cell_id].outputs if mime in o.get("data", {})]

    def numbers(self, cell_id: str, pattern: str) -> list[float]:
        """Every match of ``pattern`` (one group: a number) in the cell's printed text, as floats."""
        return [float(m) for m in re.findall(pattern, self.stream(cell_id), re.MULTILINE)]

    def problems(self) -> list[str]:
        """What no lesson should show: an error, a figure cell without its picture, a warning."""
        found = []
        for cell_id, cell in self.cells.items():
            if cell.execution_count is None:
                found.append(f"{cell_id}: did not run")
            for output in cell.outputs:
                if output.output_type == "error":
                    found.append(f"{cell_id}: {output.ename}: {output.evalue}")
            if _FIGURE.search(cell.source) and not self.data(cell_id, "image/png"):
                found.append(f"{cell_id}: draws a figure but shows no image")
            noise = [line for line in self.stream(cell_id, "stderr").replace("\r", "\n").splitlines()
                     if not _PROGRESS.match(line)]
            if noise:
                found.append(f"{cell_id}: wrote to stderr: {noise[:3]}")
        return found


def stale_build() -> bool:
    """Whether the compiled engine is older than its source (``autograd.compiled`` warns then)."""
    from autograd.compiled import warn_if_stale

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_if_stale()
    return bool(caught)


def execute(path: Path, workdir: Path) -> Executed:
    """Run the notebook at ``path`` in a fresh ``python3`` kernel started in ``workdir``.

    The kernel inherits the environment. If the compiled engine is older than its source (an
    engine edit not yet rebuilt; ``make test`` rebuilds first), the kernel runs the source
    (``CHAINRULE_PURE=1``), which is what the edit means, instead of warning in every notebook.
    """
    notebook = nbformat.read(path, as_version=4)
    env = {**os.environ, **({"CHAINRULE_PURE": "1"} if stale_build() else {})}
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(workdir)}}).execute(env=env)
    return Executed(notebook)


class _Frame(HTMLParser):
    """The ``srcdoc`` of the first ``<iframe>`` in some HTML, unescaped as a browser reads it."""

    def __init__(self) -> None:
        super().__init__()
        self.page: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "iframe" and self.page is None:
            self.page = dict(attrs).get("srcdoc")


def framed_page(html: str) -> str:
    """The page an inline display holds in its sandboxed frame."""
    parser = _Frame()
    parser.feed(html)
    assert parser.page, f"no <iframe srcdoc=...> in {html[:200]!r}"
    return parser.page
