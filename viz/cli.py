"""``python -m viz`` / ``chainrule-viz``: draw a graph or write a step-through page from the shell.

Examples::

    python -m viz "y = (x**2 + 1)**3" --at x=2 --view backward -o graph.svg
    python -m viz model.cr --at "x=2 w=-3" --steps -o steps.html
    python -m viz "y = (x**2 + 1)**3" --at x=2 --steps          # the derivation as text
    python -m viz --model neuron --view both -o neuron.png
    python -m viz --model mlp --collapse neuron --view backward -o mlp.svg
    python -m viz --model mlp --explore -o mlp.html   # a page to open modules, search, follow paths

The source is an expression or a file in the graph DSL (:mod:`autograd.dsl`); ``--model``
takes a built-in example instead. The output format follows ``-o``'s extension (``.svg``,
``.png``, ``.jpg``, ``.pdf``, ``.dot``/``.gv`` for the DOT source, ``.html`` for the step-through
page, ``.txt`` for the derivation); without ``-o`` the DOT source (or, with ``--steps``, the
derivation; with ``--format svg``, the SVG) is printed. PDF needs a system Graphviz (``dot`` on
``PATH``): ``graphviz-pure`` does not write it, and ``-o graph.pdf`` then fails with a message
that points to SVG. Bad input prints one clear message and exits with status 2; a rendering
problem exits with status 1.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from autograd.engine import Node, topological_order
from autograd.errors import DomainError
from autograd.files import write_atomic
from viz.dot import FORMATS, RendererNotFound, RenderError, render_source
from viz.explore import explore
from viz.render import COLLAPSE, MAX_NODES, RANKDIRS, VIEWS, GraphTooLarge, draw
from viz.steps import steps

__all__ = ["main", "CLIError"]

MODELS = ("neuron", "mlp")
_EXTENSIONS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".jpg": "jpeg", ".jpeg": "jpeg", ".dot": "dot",
               ".gv": "dot", ".html": "html", ".htm": "html", ".txt": "txt"}


class CLIError(Exception):
    """A problem with the user's input, reported as one message (exit status 2)."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="chainrule-viz",
        description="Draw a computation graph (forward, backward or both) or a step-by-step backprop page.",
        epilog='example: chainrule-viz "y = (x**2 + 1)**3" --at x=2 --view backward -o graph.svg',
    )
    p.add_argument("source", nargs="?", help="an expression such as 'y = (x**2 + 1)**3', or a DSL file")
    p.add_argument("--at", action="append", default=[], metavar="NAME=VALUE",
                   help="input values, e.g. --at x=2 or --at 'x=2 w=-3' (repeatable)")
    p.add_argument("--model", choices=MODELS, help="draw a built-in example instead of a source")
    p.add_argument("--view", choices=VIEWS, default="forward", help="what to draw (default: forward)")
    p.add_argument("--rankdir", choices=RANKDIRS,
                   help="layout direction (default: LR; for --steps the one that draws the page's picture bigger)")
    p.add_argument("--precision", type=int, default=4, help="significant digits (default: 4)")
    p.add_argument("--hide-constants", action="store_true", help="leave constant nodes out")
    p.add_argument("--highlight", metavar="NAME", help="highlight the path from this input to the output")
    p.add_argument("--collapse", choices=COLLAPSE, help="with --model mlp: one box per neuron or layer")
    p.add_argument("--max-nodes", type=int, default=MAX_NODES, metavar="N",
                   help=f"refuse to draw a picture of more nodes than this (default: {MAX_NODES})")
    p.add_argument("--legend", action="store_true", help="draw the colour legend")
    p.add_argument("--title", help="a caption for the picture")
    p.add_argument("--steps", action="store_true",
                   help="the backward pass step by step: an HTML player (-o page.html) or text")
    p.add_argument("--explore", action="store_true",
                   help="write the explorer page (-o page.html): open modules in place, search, zoom, paths")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="where to write (format from the extension; .pdf needs a system Graphviz `dot`, else use .svg)")
    p.add_argument("--format", choices=[*FORMATS, "html", "txt"], help="output format (overrides the extension)")
    return p


# One word ending in an extension (``model.cr``, ``dir/net.txt``) with no ``=``: every program
# has a ``name = ...`` statement, so this can only be meant as a file.
_FILE_NAME = re.compile(r"[^\s=]*\.[A-Za-z]\w*")


def _read_source(source: str) -> str:
    path = Path(source)
    if "\n" not in source and len(source) < 4096 and path.suffix and path.is_file():
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CLIError(f"cannot read {source}: {exc}") from None
    if _FILE_NAME.fullmatch(source):
        raise CLIError(f"no such file: {source!r} (the source is a DSL file or a program such as "
                       "'y = (x**2 + 1)**3')")
    return source


def _from_dsl(text: str, at: list[str]) -> Node:
    try:
        dsl: Any = importlib.import_module("autograd.dsl")
    except ImportError:
        raise CLIError("the graph DSL (autograd.dsl) is not available in this installation") from None
    try:
        program = dsl.parse(text)
        values = dsl.parse_bindings(" ".join(at)) if at else {}
        results = program(**values)
    except dsl.MissingInputError as exc:  # the library's hint says program(x=1.0)
        example = " ".join(f"--at {name}=1.0" for name in exc.names)
        raise CLIError(str(exc.with_hint(f"give {'them' if len(exc.names) > 1 else 'it'} a value: {example}"))
                       ) from None
    except dsl.DSLError as exc:
        raise CLIError(str(exc)) from None
    root = getattr(program, "root", None)
    if isinstance(root, Node):
        return root
    if isinstance(root, str) and root in results:
        return results[root]
    outputs = list(getattr(program, "outputs", []) or results)
    if not outputs:
        raise CLIError("the program has no output to draw")
    return results[outputs[-1]]


def _build(args: argparse.Namespace) -> tuple[Node, Any]:
    if args.model and args.source:
        raise CLIError("give either a source or --model, not both")
    if args.model == "neuron":
        from viz.demo import lecture_neuron

        return lecture_neuron(), None
    if args.model == "mlp":
        from viz.demo import mlp_loss

        return mlp_loss()
    if not args.source:
        raise CLIError("nothing to draw: give an expression, a DSL file or --model (see --help)")
    return _from_dsl(_read_source(args.source), args.at), None


def _find(root: Node, name: str) -> Node:
    nodes = [n for n in topological_order(root) if n.name == name]
    if not nodes:
        known = sorted({n.name for n in topological_order(root) if n.name})
        raise CLIError(f"--highlight {name!r}: no node of that name (named nodes: {', '.join(known) or 'none'})")
    return nodes[0]


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    if not args.output:
        return "txt" if args.steps else "dot"
    suffix = Path(args.output).suffix.lower()
    if suffix not in _EXTENSIONS:
        raise CLIError(f"cannot tell the format of {args.output!r}: use one of "
                       f"{', '.join(sorted(_EXTENSIONS))} or --format")
    return _EXTENSIONS[suffix]


def run(args: argparse.Namespace) -> str | None:
    """Do what the arguments say; returns text to print (or None when a file was written)."""
    fmt = _format(args)
    if not args.output and fmt in ("png", "pdf", "jpeg"):  # bytes are not for the terminal
        raise CLIError(f"--format {fmt} writes a picture file: give -o FILE.{'jpg' if fmt == 'jpeg' else fmt} "
                       "(without -o, --format svg or dot prints the picture's text)")
    if not 1 <= args.precision <= 17:
        raise CLIError(f"--precision must be from 1 to 17, got {args.precision}")
    if args.collapse and args.model != "mlp":
        raise CLIError("--collapse needs a model with modules (--model mlp)")
    root, model = _build(args)
    if args.explore:
        if args.steps:
            raise CLIError("give either --explore or --steps, not both")
        if not args.output or fmt != "html":
            raise CLIError("the explorer page needs -o FILE.html")
        explore(root, model=model, title=args.title, precision=args.precision).write(args.output)
        return None
    if args.steps or fmt in ("html", "txt"):
        trace = steps(root, model=model, precision=args.precision)
        if fmt == "html":
            if not args.output:
                raise CLIError("the step-through page needs -o FILE.html")
            trace.write_player(args.output, title=args.title, rankdir=args.rankdir,
                               hide_constants=args.hide_constants)
            return None
        if fmt != "txt":
            raise CLIError(f"--steps writes .html (a player) or .txt (the derivation), not {fmt}")
        text = trace.table()
        if args.output:
            write_atomic(args.output, text + "\n")
            return None
        return text
    highlight = _find(root, args.highlight) if args.highlight else None
    try:
        graph = draw(root, args.view, rankdir=args.rankdir or "LR", precision=args.precision,
                     hide_constants=args.hide_constants, highlight=highlight, model=model,
                     collapse=args.collapse, legend=args.legend, title=args.title, max_nodes=args.max_nodes)
    except GraphTooLarge as exc:  # the same ways out, in the command line's words
        raise CLIError(f"the picture would have {exc.count:,} nodes, more than --max-nodes {exc.limit:,}: "
                       "draw modules as boxes with --model mlp --collapse neuron|layer, explore it in a "
                       f"browser with --explore -o page.html, or raise the limit with --max-nodes {exc.count}"
                       ) from None
    if not args.output:
        return render_source(graph.source, fmt).decode("utf-8")  # dot (the source) or svg
    write_atomic(args.output, render_source(graph.source, fmt))
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns the exit status (0 ok, 1 rendering failed, 2 bad input)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        text = run(args)
    except (CLIError, DomainError, ValueError, TypeError) as exc:
        print(f"chainrule-viz: error: {exc}", file=sys.stderr)
        return 2
    except (RendererNotFound, RenderError, OSError) as exc:
        print(f"chainrule-viz: {exc}", file=sys.stderr)
        return 1
    if text is not None:
        print(text)
    elif args.output:
        print(args.output)
    return 0
