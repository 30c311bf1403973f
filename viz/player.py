"""The step-by-step player: one self-contained HTML file that replays a backward pass.

The page holds every frame as inline SVG (no network, no external script or style: a Content
Security Policy forbids both) and a few lines of JavaScript: *previous*/*next* buttons, the
left/right arrow keys (Home/End for the ends) and a slider move between frames, and the
step's chain-rule lines are shown beside the picture. A last frame sums up: every gradient
complete, every contribution on its edge, and each input's gradient as the chain rule along
its paths. The file is written atomically.

Every frame is drawn on one layout, so that nothing moves from one step to the next: the last
frame (whose edge labels are the biggest) is laid out once and every frame is pinned to it
(:func:`viz.dot.pin`), and each box's gradient cell is as big in every frame as the longest
gradient it ever shows. The picture is scaled to fill the space the window gives it, and the
layout direction (left to right or top to bottom) is the one that draws it bigger.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Any

from autograd.engine import Node
from autograd.files import write_atomic
from viz.dot import label_sizes, pin, render_source, shared_layout
from viz.frame import script_json
from viz.labels import html
from viz.render import NODE_FONT, grad_cell_alone
from viz.steps import Trace

__all__ = ["write_player", "player_page", "player_html"]

_PROLOGUE = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?", re.IGNORECASE)
_ID = re.compile(r'\b(id|href|xlink:href)="(#?)([^"]*)"')
_URL_REF = re.compile(r"url\(#([^)]*)\)")


def _inline(svg: str, prefix: str) -> str:
    """An SVG document ready to sit inside HTML: no prologue, ids unique to its frame."""
    svg = _PROLOGUE.sub("", svg, count=1)
    svg = _ID.sub(lambda m: f'{m.group(1)}="{m.group(2)}{prefix}{m.group(3)}"', svg)
    return _URL_REF.sub(lambda m: f"url(#{prefix}{m.group(1)})", svg)


# Nothing may be fetched: no network, no file besides this one; inline style and script only.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"

_STYLE = """
*{box-sizing:border-box}
html,body{height:100%}
body{
  margin:0;
  display:flex;
  flex-direction:column;
  font:14px/1.45 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;
  color:#1f2937;
  background:#f8fafc;
}
header{flex:none;padding:8px 20px;border-bottom:1px solid #e5e7eb;background:#fff}
h1{font-size:17px;margin:0}
header p{margin:0;color:#4b5563;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
main{flex:1 1 auto;min-height:0;display:flex;gap:16px;padding:12px 16px}
#picture{
  flex:1 1 0;
  min-width:0;
  min-height:0;
  position:relative;
  background:#fff;
  border:1px solid #e5e7eb;
  border-radius:8px;
}
/* The picture fills its pane: the SVG is scaled to the pane's width and height, keeping its
   proportions (preserveAspectRatio's default, "xMidYMid meet"). */
.frame{position:absolute;inset:8px}
.frame[hidden]{display:none}
.frame svg{display:block;width:100%;height:100%}
aside{
  flex:0 0 clamp(300px,32vw,560px);
  min-height:0;
  overflow:auto;
  display:flex;
  flex-direction:column;
  gap:10px;
}
body.wide main{flex-direction:column}
body.wide aside{
  flex:0 0 auto;
  max-height:34vh;
  display:grid;
  grid-template-columns:minmax(0,3fr) minmax(0,2fr);
  grid-template-areas:"controls controls" "slider slider" "text list" "help help";
}
body.wide .controls{grid-area:controls}
body.wide #slider{grid-area:slider}
body.wide #explanation{grid-area:text}
body.wide #steps{grid-area:list;max-height:none}
body.wide .help{grid-area:help}
/* A narrow window: the picture on top at most as tall as the window, the text below it. */
@media (max-width:980px){
  html,body{height:auto}
  main{flex-direction:column}
  #picture{flex:none;height:min(72vh,130vw)}
  aside,body.wide aside{flex:none;max-height:none;overflow:visible}
}
.controls{display:flex;align-items:center;gap:8px}
button{
  font:inherit;
  padding:6px 12px;
  border:1px solid #cbd5e1;
  border-radius:6px;
  background:#fff;
  cursor:pointer;
}
button:disabled{opacity:.4;cursor:default}
button:not(:disabled):hover{background:#f1f5f9}
#counter{flex:1;text-align:center;font-weight:600}
#slider{width:100%;margin:0}
#explanation{
  margin:0;
  padding:10px 12px;
  background:#fff;
  border:1px solid #e5e7eb;
  border-left:4px solid #fb923c;
  border-radius:6px;
  white-space:pre-wrap;
  font:12.5px/1.5 ui-monospace,Menlo,Consolas,monospace;
  min-height:6em;
}
#steps{
  position:relative;
  margin:0;
  padding:0;
  list-style:none;
  max-height:40vh;
  overflow:auto;
  border:1px solid #e5e7eb;
  border-radius:6px;
  background:#fff;
}
#steps li{
  padding:4px 10px;
  font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;
  cursor:pointer;
  border-bottom:1px solid #f1f5f9;
}
#steps li.current{background:#fed7aa;font-weight:600}
#steps li.done{color:#6b7280}
.help{color:#6b7280;font-size:12px;margin:0}
"""

_SCRIPT = """
(function () {
  "use strict";
  var frames = document.querySelectorAll(".frame");
  var items = document.querySelectorAll("#steps li");
  var slider = document.getElementById("slider");
  var prev = document.getElementById("prev");
  var next = document.getElementById("next");
  var counter = document.getElementById("counter");
  var explanation = document.getElementById("explanation");
  var texts = JSON.parse(document.getElementById("explanations").textContent);
  var last = frames.length - 1;
  var summary = document.body.getAttribute("data-summary") === "1";  /* the last frame sums up */
  var steps = summary ? last - 1 : last;
  var current = 0;
  function show(i) {
    current = Math.max(0, Math.min(last, i));
    for (var k = 0; k <= last; k++) {
      frames[k].hidden = k !== current;
      items[k].classList.toggle("current", k === current);
      items[k].classList.toggle("done", k < current);
    }
    slider.value = String(current);
    counter.textContent = current === 0 ? "start (of " + steps + " steps)"
      : current > steps ? "summary (after " + steps + " steps)" : "step " + current + " of " + steps;
    explanation.textContent = texts[current];
    prev.disabled = current === 0;
    next.disabled = current === last;
    document.body.setAttribute("data-step", String(current));
    reveal(items[current]);
  }
  function reveal(item) {  /* scroll the list, never the page: the picture stays in view */
    var list = item.parentNode;
    if (item.offsetTop < list.scrollTop) {
      list.scrollTop = item.offsetTop;
    } else if (item.offsetTop + item.offsetHeight > list.scrollTop + list.clientHeight) {
      list.scrollTop = item.offsetTop + item.offsetHeight - list.clientHeight;
    }
  }
  prev.addEventListener("click", function () { show(current - 1); });
  next.addEventListener("click", function () { show(current + 1); });
  slider.addEventListener("input", function () { show(parseInt(slider.value, 10)); });
  for (var k = 0; k <= last; k++) {
    items[k].addEventListener("click", (function (i) { return function () { show(i); }; })(k));
  }
  document.addEventListener("keydown", function (e) {
    if (e.target === slider) { return; }  /* the slider moves itself and fires "input" */
    var moves = {ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: last};
    if (Object.prototype.hasOwnProperty.call(moves, e.key)) {
      e.preventDefault();
      show(moves[e.key]);
    }
  });
  show(0);
})();
"""


_VIEWBOX = re.compile(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"')

# The picture's pane on a 1600 x 900 window, in CSS pixels, as the style above makes it: beside
# the text (the window less the aside, header and paddings), or above it (less the aside's height).
_PANES = {"tall": (1000.0, 790.0), "wide": (1550.0, 480.0)}


def _fit(width: float, height: float) -> tuple[float, str]:
    """How big a picture of ``width`` x ``height`` is drawn (its scale) and where the text goes
    (``"tall"``: beside it, ``"wide"``: below it), whichever draws it bigger."""
    return max((min(w / width, h / height), where) for where, (w, h) in _PANES.items())


def _arrangement(svg: str) -> str:
    """Where the text goes beside the picture ``svg``: ``"tall"`` (beside) or ``"wide"`` (below)."""
    m = _VIEWBOX.search(svg)
    return _fit(float(m.group(1)), float(m.group(2)))[1] if m else "tall"


def player_html(svgs: list[str], explanations: list[str], summaries: list[str], title: str,
                subtitle: str = "", summary: bool = False) -> str:
    """The page for frames ``svgs`` with ``explanations`` (full text) and ``summaries`` (step list);
    ``summary``: the last frame sums the pass up (it is not counted as a step)."""
    if not (len(svgs) == len(explanations) == len(summaries)) or not svgs:
        raise ValueError("the player needs at least one frame and one explanation and summary per frame")
    frames = "\n".join(
        f'<div class="frame" id="frame-{k}" data-step="{k}"{" hidden" if k else ""}>'
        f'{_inline(svg, f"f{k}-")}</div>'
        for k, svg in enumerate(svgs)
    )
    items = "\n".join(f'<li data-step="{k}">{html(s)}</li>' for k, s in enumerate(summaries))
    data = script_json(explanations)
    last = len(svgs) - 1
    layout = _arrangement(svgs[0])
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html(title)}</title>
<style>{_STYLE}</style>
</head>
<body data-step="0" data-summary="{int(summary)}" class="{layout}">
<header><h1>{html(title)}</h1><p>{html(subtitle)}</p></header>
<main>
<section id="picture" aria-label="computation graph">
{frames}
</section>
<aside>
<div class="controls">
<button id="prev" type="button" title="previous step (left arrow)">&#9664; previous</button>
<span id="counter" aria-live="polite"></span>
<button id="next" type="button" title="next step (right arrow)">next &#9654;</button>
</div>
<input id="slider" type="range" min="0" max="{last}" value="0" step="1" aria-label="step">
<pre id="explanation"></pre>
<ol id="steps">
{items}
</ol>
<p class="help">Keys: &larr; / &rarr; previous and next step, Home / End the start and the summary.
Amber: gradient complete; pale yellow: partial sum; orange: the step being applied.</p>
</aside>
</main>
<script type="application/json" id="explanations">{data}</script>
<script>{_SCRIPT}</script>
</body>
</html>
"""


MAX_STEPS = 300
"""A page holds one rendered picture per step; beyond this many steps it is refused (too slow to
render and too big to be read): step through a smaller graph, e.g. one neuron."""


def write_player(trace: Trace, path: str | os.PathLike[str], title: str | None = None,
                 max_steps: int = MAX_STEPS, **frame_options: Any) -> Path:
    """Write the step-through page of ``trace`` to ``path`` (whole or not at all) and return it.

    ``frame_options`` go to :meth:`viz.steps.Trace.frames` (``rankdir``, ``precision``,
    ``hide_constants``, ``legend``); without ``rankdir`` (or with ``None``) the direction that
    draws the picture bigger is taken. Raises ``ValueError`` for traces longer than ``max_steps``.
    """
    return write_atomic(path, player_page(trace, title, max_steps, **frame_options))


def player_page(trace: Trace, title: str | None = None, max_steps: int = MAX_STEPS, **frame_options: Any) -> str:
    """The step-through page of ``trace`` as text (the arguments are those of :func:`write_player`)."""
    if len(trace) > max_steps:
        raise ValueError(f"the backward pass has {len(trace)} steps, more than a step-through page "
                         f"shows ({max_steps}); draw it with viz.draw() or step through a smaller graph")
    svgs = frame_svgs(trace, **frame_options)
    r = trace.names[trace.root]
    summaries = ([f"start: d{r}/d{r} = seed"] + [f"{s.index}. {s.expression}" for s in trace.steps]
                 + ["summary: gradients of the inputs"])
    return player_html(svgs, trace.explanations(summary=True), summaries,
                       title or trace.title(), trace.header(), summary=True)


def frame_svgs(trace: Trace, rankdir: str | None = None, **frame_options: Any) -> list[str]:
    """The player's pictures as SVG: the start, one per step and the summary, all on one layout."""
    cells = _grad_cells(trace, trace.options(**frame_options).precision)
    candidates = [rankdir] if rankdir else ["LR", "TB"]
    laid_out = []
    for direction in candidates:
        graphs = trace.frames(rankdir=direction, summary=True, grad_cells=cells, **frame_options)
        layout = shared_layout(graphs[-1])  # the summary writes every contribution: the biggest labels
        x0, y0, x1, y1 = (float(v) for v in layout["bb"].split(","))
        laid_out.append((_fit(x1 - x0, y1 - y0)[0], graphs, layout))
    _, graphs, layout = max(laid_out, key=lambda t: t[0])
    return [render_source(pin(g, layout), "svg", pinned=True).decode("utf-8") for g in graphs]


def _grad_cells(trace: Trace, precision: int) -> dict[Node, tuple[int, int]]:
    """The size of each box's gradient cell: that of the biggest gradient text it shows in any
    frame ("grad ?", running sums, the final value), as the renderer measures them."""
    states = list(trace.states(summary=True))
    shown = {node: {grad_cell_alone(s.grads.get(node), precision) for s in states} for node in trace.scene.order}
    labels = sorted(set().union(*shown.values()))
    size = dict(zip(labels, label_sizes(labels, **NODE_FONT)))
    # Rounded up: a cell's WIDTH and HEIGHT are whole points, and a cell is never made smaller.
    return {node: (math.ceil(max(size[t][0] for t in texts)), math.ceil(max(size[t][1] for t in texts)))
            for node, texts in shown.items()}
