"""Picture benchmark: how long the renderer and the explorer take on micrograd's two-moons MLP.

1. ``viz.draw`` + rendering to SVG (system ``dot`` or ``graphviz-pure``, see
   :func:`viz.find_renderer`) of the 2-16-16-1 MLP's loss: on one point, the full graph in the
   backward view (``viz.demo.mlp_loss``), and on 8 moons points with ``collapse="layer"`` and
   ``collapse="neuron"``;
2. ``viz.explore`` on the same MLP's hinge loss over ``--points`` moons points (270: about
   110,000 nodes): building the page's data, writing it, its size, and the time from navigation
   until the page shows its first picture in headless Chromium (Debian's ``/usr/bin/chromium``
   driven by playwright; that column is skipped with a note when either is missing);
3. ``viz.explore`` on a chain of ``--chain`` ops (1,000,000) without a model: the Python side
   stays linear in the graph's size.

    python bench/viz.py
    python bench/viz.py --points 500 --repeat 1 --chain 0

Goals: each picture in less than 5 s, the explorer page visible in less than 3 s. Each time is
the best of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Run as ``python bench/viz.py``, this file's folder comes first on sys.path and its own name
# would hide the ``viz`` package: take the folder out before importing it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import nn  # noqa: E402
import viz  # noqa: E402
from autograd.engine import topological_order  # noqa: E402
from nn import data, losses  # noqa: E402
from viz.demo import mlp_loss  # noqa: E402
from viz.dot import render_source  # noqa: E402

PICTURE_GOAL_S = 5.0
PAGE_GOAL_S = 3.0


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The shortest of ``repeat`` runs of ``fn`` in seconds, and its last result."""
    fastest, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest, result


def batch_loss(points: int) -> tuple[Any, Any]:
    """The 2-16-16-1 MLP's (seed 0) hinge loss over ``points`` moons points (seed 0)."""
    model = nn.MLP(2, [16, 16, 1], seed=0)
    X, y = data.moons(points, seed=0)
    return losses.hinge(model(X), y), model


def pictures(repeat: int) -> list[tuple[str, int, float, int]]:
    """(case, nodes of the graph, seconds to draw and render, SVG bytes) for each picture."""
    one, model = mlp_loss()
    eight, model8 = batch_loss(8)
    cases = [
        ("1 point, full graph, backward", one, lambda: viz.draw(one, "backward", model=model)),
        ('8 points, collapse="layer"', eight, lambda: viz.draw(eight, "backward", model=model8, collapse="layer")),
        ('8 points, collapse="neuron"', eight, lambda: viz.draw(eight, "backward", model=model8, collapse="neuron")),
    ]
    rows = []
    for case, root, draw in cases:
        seconds, svg = best(lambda draw=draw: render_source(draw().source, "svg"), repeat)
        rows.append((case, len(topological_order(root)), seconds, len(svg)))
    return rows


def chromium() -> str | None:
    for candidate in (shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def page_visible(path: Path, repeat: int) -> float | str:
    """Seconds from navigation to the first picture in the page's DOM, or why it was not measured."""
    executable = chromium()
    if executable is None:
        return "skipped: Debian's chromium is not installed"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return "skipped: playwright-python is not installed"
    fastest = float("inf")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            for _ in range(repeat):
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                start = time.perf_counter()
                page.goto(path.resolve().as_uri(), wait_until="commit")
                page.wait_for_selector("#stage svg", timeout=120_000)
                fastest = min(fastest, time.perf_counter() - start)
                page.close()
        finally:
            browser.close()
    return fastest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=270, help="moons points of the explored loss (default 270)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--chain", type=int, default=1_000_000, help="nodes of the chain explored (0: none)")
    args = parser.parse_args(argv)

    python = sys.version.split()[0]
    pure = " (CHAINRULE_PURE=1)" if os.environ.get("CHAINRULE_PURE") == "1" else ""
    print(f"pictures of micrograd's 2-16-16-1 MLP, best of {args.repeat}, renderer {viz.find_renderer()}, "
          f"Python {python}{pure}")
    print("| picture | graph nodes | draw + render s | SVG kB | goal < 5 s |")
    print("|---|---:|---:|---:|---|")
    for case, nodes, seconds, size in pictures(args.repeat):
        verdict = "ok" if seconds < PICTURE_GOAL_S else "MISSED"
        print(f"| {case} | {nodes:,} | {seconds:.2f} | {size / 1e3:.0f} | {verdict} |")
    print()

    loss, model = batch_loss(args.points)
    nodes = len(topological_order(loss))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "explore.html"
        build, explorer = best(lambda: viz.explore(loss, model=model), args.repeat)
        total, _ = best(lambda: viz.explore(loss, model=model).write(path), args.repeat)
        size = path.stat().st_size
        visible = page_visible(path, args.repeat)
    groups = len(explorer.data["gkey"])
    print(f"explorer page of the hinge loss over {args.points} moons points, best of {args.repeat}")
    print("| graph nodes | groups | build s | build + write s | page MB | visible in Chromium s | goal < 3 s |")
    print("|---:|---:|---:|---:|---:|---:|---|")
    shown = f"{visible:.2f}" if isinstance(visible, float) else "n/a"
    verdict = ("ok" if visible < PAGE_GOAL_S else "MISSED") if isinstance(visible, float) else visible
    print(f"| {nodes:,} | {groups:,} | {build:.2f} | {total:.2f} | {size / 1e6:.1f} | {shown} | {verdict} |")
    if args.chain:
        print()
        root = chain(args.chain)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "chain.html"
            seconds, _ = best(lambda: viz.explore(root).write(path), 1)
            size = path.stat().st_size
        print(f"{args.chain:,}-node chain of tanh, no model: explore + write in {seconds:.1f} s, "
              f"page {size / 1e6:.0f} MB (the browser column is for the MLP page only)")


def chain(n: int) -> Any:
    """``tanh(tanh(... tanh(x)))``, ``n`` ops: one chain, no constants."""
    from autograd import Value

    y = Value(0.5, name="x")
    for _ in range(n):
        y = y.tanh()
    return y

if __name__ == "__main__":
    main()
