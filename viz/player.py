"""The step-by-step player: one self-contained HTML file that replays a backward pass.

The page holds every frame as inline SVG (no network, no external script or style: a Content
Security Policy forbids both) and a few lines of JavaScript: *previous*/*next* buttons, the
left/right arrow keys (Home/End for the ends) and a slider move between frames, and the
step's chain-rule lines are shown beside the picture. The file is written atomically.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from autograd.files import write_atomic
from viz.dot import render_source
from viz.labels import html
from viz.steps import Trace

__all__ = ["write_player", "player_html"]

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
body{
  margin:0;
  font:14px/1.45 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;
  color:#1f2937;
  background:#f8fafc;
}
header{padding:12px 20px;border-bottom:1px solid #e5e7eb;background:#fff}
h1{font-size:18px;margin:0 0 2px}
header p{margin:0;color:#4b5563;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
main{display:flex;gap:16px;padding:16px 20px;align-items:flex-start}
#picture{
  flex:3 1 0;
  min-width:0;
  background:#fff;
  border:1px solid #e5e7eb;
  border-radius:8px;
  padding:8px;
  overflow:auto;
}
#picture svg{max-width:100%;height:auto;display:block;margin:auto}
aside{flex:2 1 0;min-width:300px;max-width:620px;display:flex;flex-direction:column;gap:10px}
body.wide main{flex-direction:column;align-items:stretch}
body.wide #picture{flex:none}
body.wide aside{
  max-width:none;
  display:grid;
  grid-template-columns:minmax(0,3fr) minmax(0,2fr);
  grid-template-areas:"controls controls" "slider slider" "text list" "help help";
}
body.wide .controls{grid-area:controls}
body.wide #slider{grid-area:slider}
body.wide #explanation{grid-area:text}
body.wide #steps{grid-area:list;max-height:16em}
body.wide .help{grid-area:help}
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
#slider{width:100%}
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
  var current = 0;
  function show(i) {
    current = Math.max(0, Math.min(last, i));
    for (var k = 0; k <= last; k++) {
      frames[k].hidden = k !== current;
      items[k].classList.toggle("current", k === current);
      items[k].classList.toggle("done", k < current);
    }
    slider.value = String(current);
    counter.textContent = current === 0
      ? "start (of " + last + " steps)" : "step " + current + " of " + last;
    explanation.textContent = texts[current];
    prev.disabled = current === 0;
    next.disabled = current === last;
    document.body.setAttribute("data-step", String(current));
    if (items[current].scrollIntoView) { items[current].scrollIntoView({block: "nearest"}); }
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


def _is_wide(svg: str) -> bool:
    """Whether a picture is much wider than tall (then the text goes below it, not beside it)."""
    m = _VIEWBOX.search(svg)
    if m is None:
        return False
    return float(m.group(1)) > 1.6 * float(m.group(2))


def player_html(svgs: list[str], explanations: list[str], summaries: list[str], title: str,
                subtitle: str = "") -> str:
    """The page for frames ``svgs`` with ``explanations`` (full text) and ``summaries`` (step list)."""
    if not (len(svgs) == len(explanations) == len(summaries)) or not svgs:
        raise ValueError("the player needs at least one frame and one explanation and summary per frame")
    frames = "\n".join(
        f'<div class="frame" id="frame-{k}" data-step="{k}"{" hidden" if k else ""}>'
        f'{_inline(svg, f"f{k}-")}</div>'
        for k, svg in enumerate(svgs)
    )
    items = "\n".join(f'<li data-step="{k}">{html(s)}</li>' for k, s in enumerate(summaries))
    # JSON inside <script type="application/json">: escaping "<" keeps "</script>" out of it.
    data = json.dumps(explanations, ensure_ascii=True).replace("<", "\\u003c")
    last = len(svgs) - 1
    layout = "wide" if _is_wide(svgs[0]) else "tall"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html(title)}</title>
<style>{_STYLE}</style>
</head>
<body data-step="0" class="{layout}">
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
<p class="help">Keys: &larr; / &rarr; previous and next step, Home / End first and last.
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
    ``hide_constants``, ``legend``). Raises ``ValueError`` for traces longer than ``max_steps``.
    """
    if len(trace) > max_steps:
        raise ValueError(f"the backward pass has {len(trace)} steps, more than a step-through page "
                         f"shows ({max_steps}); draw it with viz.draw() or step through a smaller graph")
    svgs = [render_source(g.source, "svg").decode("utf-8") for g in trace.frames(**frame_options)]
    r = trace.names[trace.root]
    summaries = [f"start: d{r}/d{r} = seed"] + [f"{s.index}. {s.expression}" for s in trace.steps]
    page = player_html(svgs, trace.explanations(), summaries, title or f"Backpropagation of {r}, step by step",
                       trace.header())
    return write_atomic(path, page)
