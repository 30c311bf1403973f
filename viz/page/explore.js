/* chainrule's graph explorer: the viewer that viz/explore.py inlines into each page.
 *
 * The page's data (see viz.explore.explore) holds the whole graph; this script draws only what
 * is visible: the children of the open groups, each closed group as one box, and the graph's
 * edges mapped to their drawn ends, one per pair with a count. Graphviz (the vendored viz-js,
 * WebAssembly) lays that out on every change. Names are data: they reach the DOM through
 * textContent only, and the DOT source as quoted labels of generated ids (n12, g3).
 */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("graph-data").textContent);
  var N = D.name.length;
  var G = D.gkey.length;
  var ROOT = D.root;
  var CONSTANT = D.kinds.indexOf("constant");
  var MODULE = D.gkinds.indexOf("module");
  var CAP = 1200;  // the most items one layout may hold (Graphviz takes seconds beyond)
  var LINE = 38;   // characters of a name or value shown in a box; the panel shows all

  var $ = function (id) { return document.getElementById(id); };
  var view = $("view");
  var stage = $("stage");
  var message = $("message");

  // -- the hierarchy ---------------------------------------------------------------------------
  // An item is a node i (0 <= i < N) or a group g (written N + g). kids[g + 1] lists what group g
  // holds, kids[0] the top level, in topological order; constants are not drawn.
  function drawn(i) { return D.kind[i] !== CONSTANT || i === ROOT; }
  function first(item) { return item < N ? item : D.gfirst[item - N]; }
  var kids = [];
  var g, i;
  for (g = 0; g <= G; g++) { kids.push([]); }
  for (g = 0; g < G; g++) { kids[D.gparent[g] + 1].push(N + g); }
  for (i = 0; i < N; i++) { if (drawn(i)) { kids[D.grp[i] + 1].push(i); } }
  kids.forEach(function (list) { list.sort(function (a, b) { return first(a) - first(b); }); });

  var nodeByName = new Map();
  for (i = N - 1; i >= 0; i--) { nodeByName.set(D.name[i], i); }  // a repeated name: the first node
  var groupByKey = new Map();
  for (g = 0; g < G; g++) { groupByKey.set(D.gkey[g], g); }

  var open = new Uint8Array(G);
  var selected = -1;     // an item, or -1
  var pathFrom = -1;     // the node whose paths to the root are highlighted, or -1
  var onPath = null;     // Uint8Array over nodes, while a path is highlighted
  var shown = [];        // the items of the current picture
  var scale = 1, tx = 0, ty = 0;

  function ancestors(item) {  // the groups holding an item, innermost first
    var out = [];
    for (var h = item < N ? D.grp[item] : D.gparent[item - N]; h >= 0; h = D.gparent[h]) { out.push(h); }
    return out;
  }
  function itemName(item) { return item < N ? D.name[item] : D.gkey[item - N]; }
  function find(name) {
    if (groupByKey.has(name)) { return N + groupByKey.get(name); }
    if (nodeByName.has(name)) { return nodeByName.get(name); }
    return -1;
  }

  function visibleItems() {
    var out = [];
    var stack = kids[0].slice().reverse();
    while (stack.length) {
      var item = stack.pop();
      out.push(item);
      if (item >= N && open[item - N]) {
        var inside = kids[item - N + 1];
        for (var k = inside.length - 1; k >= 0; k--) { stack.push(inside[k]); }
      }
    }
    return out;
  }

  // Each node's drawn stand-in: itself when every group holding it is open, else the outermost
  // closed one.
  function standIns() {
    var closed = new Int32Array(G);
    for (var g = 0; g < G; g++) {
      var r = -1;
      for (var h = g; h >= 0; h = D.gparent[h]) { if (!open[h]) { r = h; } }
      closed[g] = r;
    }
    var rep = new Int32Array(N);
    for (var i = 0; i < N; i++) {
      var c = D.grp[i] < 0 ? -1 : closed[D.grp[i]];
      rep[i] = c < 0 ? i : N + c;
    }
    return rep;
  }

  // -- text ------------------------------------------------------------------------------------
  function short(text) {
    text = String(text).replace(/\s+/g, " ");
    return text.length > LINE ? text.slice(0, LINE - 1) + "\u2026" : text;
  }
  // A DOT string: quoted, backslashes doubled (so \N, \G, \l stay literal), quotes escaped,
  // control characters replaced, newlines as the label line break \n.
  function q(text) {
    var clean = String(text).replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, "\ufffd");
    return "\"" + clean.replace(/\\/g, "\\\\").replace(/"/g, "\\\"").replace(/\n/g, "\\n") + "\"";
  }
  function count(n, word) { return n.toLocaleString("en-US") + " " + word + (n === 1 ? "" : "s"); }
  function groupLines(g) {
    var lines = [short(D.glabel[g]), count(D.gnodes[g], "node") +
      (D.gcalls[g] > 1 ? " \u00b7 " + count(D.gcalls[g], "call") : "")];
    if (D.gkind[g] === MODULE && D.gparams[g]) {
      lines.push(count(D.gparams[g], "parameter") + " \u00b7 |grad| " + D.gnorm[g]);
    } else if (D.gops[g]) {
      lines.push(short(D.gops[g]));
    }
    return lines;
  }
  function nodeLines(i) {
    var op = D.ops[D.op[i]];
    var head = D.name[i] + (D.shape[i] ? "  " + D.shape[i] : "");
    return [short(head), short((op ? op + " \u00b7 " : "") + "data " + D.data[i]),
            short("grad " + (D.grad[i] === null ? "(none)" : D.grad[i]))];
  }

  // -- the DOT source of what is visible -------------------------------------------------------
  function toDot(items) {
    var out = ["digraph explorer {",
      "graph [rankdir=LR, fontname=Helvetica, fontsize=11, nodesep=0.25, ranksep=0.5, bgcolor=transparent," +
      " newrank=true];",
      "node [shape=box, style=\"rounded,filled\", fontname=Helvetica, fontsize=11, margin=\"0.1,0.04\"];",
      "edge [color=\"" + D.colours.forward + "\", arrowsize=0.7, fontname=Helvetica, fontsize=10," +
      " fontcolor=\"#475569\"];"];
    emit(kids[0], out, "");
    var rep = standIns();
    var bundles = new Map();
    for (var i = 0; i < N; i++) {
      var rows = D["in"][i];
      if (!rows || !drawn(i)) { continue; }
      var b = rep[i];
      for (var k = 0; k < rows.length; k++) {
        var p = rows[k][0];
        if (!drawn(p) || rep[p] === b) { continue; }
        var key = rep[p] + "," + b;
        bundles.set(key, (bundles.get(key) || 0) + 1);
      }
    }
    bundles.forEach(function (n, key) {
      var ends = key.split(",").map(Number);
      var attrs = "id=\"e" + ends[0] + "_" + ends[1] + "\"";
      if (n > 1) { attrs += ", label=" + q("\u00d7" + n) + ", penwidth=" + (1 + Math.log10(n)).toFixed(2); }
      out.push(id(ends[0]) + " -> " + id(ends[1]) + " [" + attrs + "];");
    });
    out.push("}");
    return {dot: out.join("\n"), edges: bundles.size};
  }
  function id(item) { return item < N ? "n" + item : "g" + (item - N); }
  function emit(list, out, pad) {
    for (var k = 0; k < list.length; k++) {
      var item = list[k];
      if (item < N) {
        out.push(pad + id(item) + " [id=\"" + id(item) + "\", class=\"value " + D.kinds[D.kind[item]] +
                 "\", fillcolor=\"" + D.colours[D.kinds[D.kind[item]]] + "\"" +
                 (item === ROOT ? ", penwidth=2" : "") + ", label=" + q(nodeLines(item).join("\n")) + "];");
        continue;
      }
      var g = item - N;
      if (open[g]) {
        out.push(pad + "subgraph cluster_" + g + " {");
        out.push(pad + "  id=\"c" + g + "\"; class=\"group-open\"; label=" + q("\u229f " + short(D.glabel[g])) +
                 "; labeljust=l; style=\"rounded,filled\"; fillcolor=\"" +
                 (D.gkind[g] === MODULE ? D.colours.module : "#fbfbfd") + "\"; color=\"#94a3b8\"; fontsize=10;");
        emit(kids[g + 1], out, pad + "  ");
        out.push(pad + "}");
      } else {
        var lines = groupLines(g);
        lines[0] = "\u229e " + lines[0];
        out.push(pad + id(item) + " [id=\"" + id(item) + "\", class=\"group\", penwidth=1.5, fillcolor=\"" +
                 (D.gkind[g] === MODULE ? D.colours.parameter : "#eef2f7") + "\", label=" + q(lines.join("\n")) +
                 "];");
      }
    }
  }

  // -- drawing ---------------------------------------------------------------------------------
  var ready = Viz.instance();
  var queue = Promise.resolve();

  // Lay out again; ``anchor`` (an item) keeps its place on the screen so the reader stays put.
  function redraw(anchor) {
    var before = anchor === undefined ? null : place(anchor);
    queue = queue.then(function () { return ready; }).then(function (viz) {
      var items = visibleItems();
      var t0 = performance.now();
      var source = toDot(items);
      var svg = viz.renderSVGElement(source.dot);
      var ms = performance.now() - t0;
      decorate(svg);
      stage.replaceChildren(svg);
      shown = items;
      message.hidden = true;
      var after = anchor === undefined ? null : place(anchor);
      if (after) {
        if (before) {
          tx += before.left - after.left;
          ty += before.top - after.top;
          apply();
        }
        bringIntoView(anchor);
      }
      $("status").textContent = count(items.length, "item") + " and " + count(source.edges, "edge") +
        " laid out in " + Math.round(ms) + " ms (Graphviz " + viz.graphvizVersion + ", viz-js " + D.viz + ")";
    });
    queue = queue.catch(function (err) {
      message.hidden = false;
      message.textContent = "could not draw: " + err;
      throw err;
    });
    return queue;
  }

  function element(item) {
    if (item >= N && open[item - N]) { return document.getElementById("c" + (item - N)); }
    return document.getElementById(id(item));
  }
  function place(item) {
    var el = element(item);
    if (!el) { return null; }
    var r = el.getBoundingClientRect();
    return {left: r.left, top: r.top, width: r.width, height: r.height};
  }

  function decorate(svg) {
    svg.removeAttribute("width");  // sized by its viewBox through the stage's transform
    svg.removeAttribute("height");
    var box = svg.viewBox.baseVal;
    svg.style.width = box.width * 4 / 3 + "px";
    svg.style.height = box.height * 4 / 3 + "px";
    svg.querySelectorAll("g.node, g.cluster").forEach(function (el) {
      var item = itemOf(el);
      var title = el.querySelector("title");
      if (title) { title.textContent = item < 0 ? "" : itemName(item); }  // the hover tooltip
    });
    svg.querySelectorAll("g.edge > title").forEach(function (t) { t.textContent = ""; });
    mark(svg);
  }
  function itemOf(el) {
    var m = /^([ngc])(\d+)$/.exec(el.id || "");
    if (!m) { return -1; }
    return m[1] === "n" ? Number(m[2]) : N + Number(m[2]);
  }

  // Selection and path classes, set again after every layout.
  function mark(svg) {
    svg = svg || stage.querySelector("svg");
    if (!svg) { return; }
    svg.querySelectorAll(".sel").forEach(function (el) { el.classList.remove("sel"); });
    if (selected >= 0) {
      var el = svg.querySelector("#" + id(selected)) ||
        (selected >= N ? svg.querySelector("#c" + (selected - N)) : null);
      if (el) { el.classList.add("sel"); }
    }
    svg.classList.toggle("path", onPath !== null);
    if (onPath === null) { return; }
    var hot = new Uint8Array(N + G);
    for (var i = 0; i < N; i++) {
      if (onPath[i]) {
        hot[i] = 1;
        var a = ancestors(i);
        for (var k = 0; k < a.length; k++) { hot[N + a[k]] = 1; }
      }
    }
    var rep = standIns();
    var hotEdge = new Set();
    for (i = 0; i < N; i++) {
      var rows = D["in"][i];
      if (!onPath[i] || !rows) { continue; }
      for (k = 0; k < rows.length; k++) {
        if (onPath[rows[k][0]]) { hotEdge.add("e" + rep[rows[k][0]] + "_" + rep[i]); }
      }
    }
    svg.querySelectorAll("g.node, g.edge").forEach(function (el) {
      var item = itemOf(el);
      el.classList.toggle("on", item >= 0 ? hot[item] === 1 : hotEdge.has(el.id));
    });
  }

  // -- zoom and pan ----------------------------------------------------------------------------
  function apply() { stage.style.transform = "translate(" + tx + "px," + ty + "px) scale(" + scale + ")"; }
  function zoom(factor, cx, cy) {
    var r = view.getBoundingClientRect();
    if (cx === undefined) { cx = r.width / 2; cy = r.height / 2; }
    var next = Math.min(4, Math.max(0.02, scale * factor));
    tx = cx - (cx - tx) * next / scale;
    ty = cy - (cy - ty) * next / scale;
    scale = next;
    apply();
  }
  function fit() {
    var svg = stage.querySelector("svg");
    if (!svg) { return; }
    var r = view.getBoundingClientRect();
    var w = parseFloat(svg.style.width), h = parseFloat(svg.style.height);
    scale = Math.min(1.2, (r.width - 32) / w, (r.height - 32) / h);
    tx = (r.width - w * scale) / 2;
    ty = Math.max(16, (r.height - h * scale) / 2);
    apply();
  }
  // Zoom out (never in) and pan just enough that an item, e.g. a group just opened, is in view.
  function bringIntoView(item) {
    var p = place(item);
    if (!p) { return; }
    var r = view.getBoundingClientRect();
    var factor = Math.min(1, (r.width - 40) / p.width, (r.height - 40) / p.height);
    if (factor < 1) {
      zoom(factor, p.left - r.left + p.width / 2, p.top - r.top + p.height / 2);
      p = place(item);
    }
    var dx = 0, dy = 0;
    if (p.left < r.left + 20) { dx = r.left + 20 - p.left; } else if (p.left + p.width > r.right - 20) {
      dx = r.right - 20 - (p.left + p.width);
    }
    if (p.top < r.top + 20) { dy = r.top + 20 - p.top; } else if (p.top + p.height > r.bottom - 20) {
      dy = r.bottom - 20 - (p.top + p.height);
    }
    tx += dx;
    ty += dy;
    apply();
  }
  function centre(item) {
    var p = place(item);
    if (!p) { return; }
    var r = view.getBoundingClientRect();
    tx += r.left + r.width / 2 - (p.left + p.width / 2);
    ty += r.top + r.height / 2 - (p.top + p.height / 2);
    apply();
  }

  var drag = null;
  view.addEventListener("mousedown", function (e) {
    if (e.button !== 0) { return; }
    drag = {x: e.clientX, y: e.clientY, tx: tx, ty: ty, moved: false};
  });
  window.addEventListener("mousemove", function (e) {
    if (!drag) { return; }
    var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) { return; }
    drag.moved = true;
    view.classList.add("dragging");
    tx = drag.tx + dx;
    ty = drag.ty + dy;
    apply();
  });
  window.addEventListener("mouseup", function () {
    view.classList.remove("dragging");
    setTimeout(function () { drag = null; }, 0);  // the click that ends a drag is not a click
  });
  view.addEventListener("wheel", function (e) {
    e.preventDefault();
    var r = view.getBoundingClientRect();
    zoom(Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top);
  }, {passive: false});
  view.addEventListener("click", function (e) {
    if (drag && drag.moved) { return; }
    var el = e.target.closest ? e.target.closest("g.node, g.cluster") : null;
    if (!el) { return; }
    var item = itemOf(el);
    if (item < 0) { return; }
    if (item < N) { choose(item); return; }
    var g = item - N;
    choose(item);
    (open[g] ? collapse(D.gkey[g]) : expand(D.gkey[g])).then(showDetails);
  });

  // -- opening and closing ---------------------------------------------------------------------
  // Open ``groups``; when that would lay out more than CAP items, close every other branch first.
  function openAll(groups) {
    groups.forEach(function (g) { open[g] = 1; });
    if (visibleItems().length <= CAP) { return; }
    var keep = new Uint8Array(G);
    groups.forEach(function (g) { keep[g] = 1; });
    for (var g = 0; g < G; g++) { if (!keep[g]) { open[g] = 0; } }
    if (visibleItems().length > CAP) {
      $("status").textContent = "this group holds more than " + CAP + " items to draw; showing it anyway";
    }
  }
  function expand(name, anchor) {
    var item = find(name);
    if (item < 0) { return Promise.reject(new Error("no node or group named " + JSON.stringify(name))); }
    var groups = ancestors(item);
    if (item >= N) { groups.push(item - N); }
    openAll(groups);
    return redraw(anchor === undefined ? item : anchor).then(function () { return visible(); });
  }
  function collapse(name) {
    var item = find(name);
    if (item < N) { return Promise.reject(new Error("no group named " + JSON.stringify(name))); }
    open[item - N] = 0;
    return redraw(item).then(function () { return visible(); });
  }
  function collapseAll() {
    open.fill(0);
    return redraw().then(fit);
  }
  function visible() { return shown.map(itemName); }

  // -- selection, details and the path to the root ---------------------------------------------
  function choose(item) {
    selected = item;
    if (pathFrom >= 0 && item < N && pathFrom !== item) { highlight(-1); }
    $("path").disabled = item >= N;
    showDetails();
    mark();
  }
  function select(name) {
    var item = find(name);
    if (item < 0) { return Promise.reject(new Error("no node or group named " + JSON.stringify(name))); }
    var target = item < N && !drawn(item) ? consumerOf(item) : item;  // a constant: its op
    openAll(ancestors(target));
    return redraw().then(function () {
      choose(item);
      if (target !== item) { mark(); }
      if (scale < 0.9) { scale = 0.9; apply(); }  // a chosen node is read, so at a readable size
      centre(target);
      return details();
    });
  }
  var users = null;
  function consumers() {
    if (users === null) {
      users = [];
      for (var i = 0; i < N; i++) { users.push(null); }
      for (i = 0; i < N; i++) {
        var rows = D["in"][i] || [];
        for (var k = 0; k < rows.length; k++) {
          var p = rows[k][0];
          (users[p] = users[p] || []).push(i);
        }
      }
    }
    return users;
  }
  function consumerOf(i) { var u = consumers()[i]; return u ? u[0] : i; }

  // Every node on a path from ``node`` to the root: what ``node`` flows into.
  function highlight(node) {
    pathFrom = node;
    onPath = null;
    if (node >= 0) {
      onPath = new Uint8Array(N);
      onPath[node] = 1;
      var u = consumers();
      for (var i = node; i < N; i++) {  // topological order: a consumer comes after its inputs
        if (!onPath[i] || !u[i]) { continue; }
        for (var k = 0; k < u[i].length; k++) { onPath[u[i][k]] = 1; }
      }
    }
    $("path").classList.toggle("on", node >= 0);
    mark();
  }

  function number(v) { return v === null || v === undefined ? null : v; }
  function details() {
    if (selected < 0) { return null; }
    if (selected >= N) {
      var g = selected - N;
      return {name: D.gkey[g], label: D.glabel[g], kind: D.gkinds[D.gkind[g]], nodes: D.gnodes[g],
              calls: D.gcalls[g], parameters: D.gparams[g], gradNorm: D.gnorm[g], ops: D.gops[g],
              open: open[g] === 1};
    }
    var i = selected;
    var rows = D["in"][i] || [];
    return {
      name: D.name[i], kind: D.kinds[D.kind[i]], op: D.ops[D.op[i]], expression: D.expr[i],
      data: D.dv[i] !== null ? D.dv[i] : D.data[i], dataText: D.data[i], shape: D.shape[i] || null,
      grad: D.gv[i] !== null ? D.gv[i] : D.grad[i], gradText: D.grad[i],
      inputs: rows.map(function (r) {
        return {name: D.name[r[0]], formula: r[1], value: r.length > 2 ? r[2] : r[1], symbol: symbol(i, r[0])};
      }),
      contributions: D.rec[i].map(function (c) {
        return {from: c[0] < 0 ? null : D.name[c[0]], value: c[1]};
      }),
      group: D.grp[i] < 0 ? null : D.gkey[D.grp[i]],
    };
  }
  function symbol(out, input) { return "d" + D.name[out] + "/d" + D.name[input]; }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }
  function link(item, text) {
    var a = el("a", text);
    a.addEventListener("click", function () { select(itemName(item)); });
    return a;
  }
  function row(table, key, value, cls) {
    var tr = el("tr");
    tr.append(el("td", key), el("td", value, cls));
    table.append(tr);
  }
  function showDetails() {
    var box = $("details");
    box.replaceChildren();
    if (selected < 0) { return; }
    var crumbs = el("p", null, "what crumbs");
    ancestors(selected).reverse().forEach(function (g) { crumbs.append(link(N + g, D.glabel[g])); });
    if (selected >= N) {
      var g = selected - N;
      box.append(el("h2", D.glabel[g]), el("p", D.gkinds[D.gkind[g]] + "  " + D.gkey[g], "what"), crumbs);
      var t = el("table");
      row(t, "nodes", D.gnodes[g].toLocaleString("en-US"));
      if (D.gcalls[g] > 1) { row(t, "calls", D.gcalls[g].toLocaleString("en-US")); }
      if (D.gparams[g]) {
        row(t, "parameters", D.gparams[g].toLocaleString("en-US"));
        row(t, "|grad|", D.gnorm[g], "grad mono");
      }
      if (D.gops[g]) { row(t, "ops", D.gops[g], "mono"); }
      var b = el("button", open[g] ? "close this group" : "open this group");
      b.type = "button";
      b.addEventListener("click", function () { (open[g] ? collapse : expand)(D.gkey[g]).then(showDetails); });
      box.append(t, b);
      return;
    }
    var i = selected;
    var d = details();
    box.append(el("h2", d.name), el("p", d.kind + (d.op ? "  \u00b7  op " + d.op : ""), "what"), crumbs);
    if (d.expression) { box.append(el("p", d.name + " = " + d.expression, "mono")); }
    var t2 = el("table");
    if (d.shape) { row(t2, "shape", d.shape, "mono"); }
    row(t2, "data", d.dataText, "mono");
    if (typeof D.dv[i] === "number" && Number(d.dataText) !== D.dv[i]) { row(t2, "exact", String(D.dv[i]), "mono"); }
    row(t2, "grad", d.gradText === null ? "none (no path from the root)" : d.gradText, "grad mono");
    if (typeof D.gv[i] === "number" && Number(d.gradText) !== D.gv[i]) { row(t2, "exact", String(D.gv[i]), "grad mono"); }
    box.append(t2);
    var rows = D["in"][i];
    if (rows) {
      box.append(el("h3", "Local derivatives (one per input)"));
      var ul = el("ul");
      rows.forEach(function (r) {
        var li = el("li", symbol(i, r[0]) + " = " + r[1] + (r.length > 2 ? " = " + r[2] : ""));
        var input = el("small", "input ", "input");
        input.append(link(r[0], D.name[r[0]]), document.createTextNode(" = " + D.data[r[0]]));
        li.append(el("br"), input);
        ul.append(li);
      });
      box.append(ul);
    }
    var root = D.name[ROOT];
    box.append(el("h3", "How its gradient d" + root + "/d" + d.name + " was summed"));
    var ul2 = el("ul");
    if (!D.rec[i].length) { ul2.append(el("li", "no contribution: nothing flows back to it")); }
    D.rec[i].forEach(function (c) {
      var li = el("li");
      if (c[0] < 0) {
        li.textContent = "the seed d" + root + "/d" + root + " = " + c[1];
      } else {
        var rowsOf = D["in"][c[0]];
        var k = 0;
        while (k < rowsOf.length && rowsOf[k][0] !== i) { k++; }
        li.append(document.createTextNode("from "), link(c[0], D.name[c[0]]),
                  document.createTextNode(": d" + root + "/d" + D.name[c[0]] + " \u00d7 " + symbol(c[0], i) +
                  " = " + (D.grad[c[0]] === null ? "?" : D.grad[c[0]]) + " \u00d7 " +
                  (k < rowsOf.length ? (rowsOf[k].length > 2 ? rowsOf[k][2] : rowsOf[k][1]) : "?") +
                  " = " + c[1]));
      }
      ul2.append(li);
    });
    if (D.rec[i].length > 1) { ul2.append(el("li", "sum = " + d.gradText, "sum grad")); }
    box.append(ul2);
    var b2 = el("button", pathFrom === i ? "clear the path" : "highlight its paths to the root");
    b2.type = "button";
    b2.addEventListener("click", function () { highlight(pathFrom === i ? -1 : i); showDetails(); });
    box.append(b2);
  }

  // -- search ----------------------------------------------------------------------------------
  var lower = null;
  var results = $("results");
  var search = $("search");
  var active = -1;
  function matches(text, limit) {
    text = String(text).toLowerCase();
    if (!text) { return []; }
    if (lower === null) { lower = D.name.map(function (s) { return s.toLowerCase(); }); }
    var out = [];
    for (var g = 0; g < G && out.length < limit; g++) {
      if (D.gkind[g] === MODULE && D.gkey[g].toLowerCase().indexOf(text) >= 0) { out.push(N + g); }
    }
    for (var i = 0; i < N && out.length < limit; i++) {
      if (lower[i].indexOf(text) >= 0) { out.push(i); }
    }
    return out;
  }
  function showResults() {
    var found = matches(search.value, 30);
    results.replaceChildren();
    active = found.length ? 0 : -1;
    found.forEach(function (item, k) {
      var li = el("li", item < N ? D.name[item] : D.gkey[item - N] || D.glabel[item - N]);
      li.setAttribute("role", "option");
      li.dataset.item = String(item);
      li.append(el("small", item < N ? D.kinds[D.kind[item]] + " \u00b7 " + D.data[item] : "module"));
      if (k === 0) { li.classList.add("active"); }
      li.addEventListener("mousedown", function (e) { e.preventDefault(); pick(item); });
      results.append(li);
    });
    results.hidden = !found.length;
  }
  function pick(item) {
    results.hidden = true;
    search.value = itemName(item);
    if (item >= N) { expand(itemName(item)).then(function () { choose(item); centre(item); }); } else { select(itemName(item)); }
  }
  search.addEventListener("input", showResults);
  search.addEventListener("blur", function () { results.hidden = true; });
  search.addEventListener("keydown", function (e) {
    var lis = results.querySelectorAll("li");
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (!lis.length) { return; }
      if (active >= 0) { lis[active].classList.remove("active"); }
      active = (active + (e.key === "ArrowDown" ? 1 : lis.length - 1)) % lis.length;
      lis[active].classList.add("active");
    } else if (e.key === "Enter" && active >= 0 && lis.length) {
      pick(Number(lis[active].dataset.item));
    } else if (e.key === "Escape") {
      results.hidden = true;
    }
  });

  // -- toolbar, keys, legend -------------------------------------------------------------------
  $("zoom-in").addEventListener("click", function () { zoom(1.25); });
  $("zoom-out").addEventListener("click", function () { zoom(0.8); });
  $("fit").addEventListener("click", fit);
  $("collapse-all").addEventListener("click", collapseAll);
  $("path").addEventListener("click", function () {
    if (selected >= 0 && selected < N) { highlight(pathFrom === selected ? -1 : selected); showDetails(); }
  });
  document.addEventListener("keydown", function (e) {
    if (e.target === search) { return; }
    if (e.key === "+" || e.key === "=") { zoom(1.25); } else if (e.key === "-") { zoom(0.8); } else if (e.key === "0") {
      fit();
    } else if (e.key === "p" && selected >= 0 && selected < N) { highlight(pathFrom === selected ? -1 : selected); showDetails(); } else if (e.key === "/") {
      e.preventDefault();
      search.focus();
    }
  });
  [["input", "input"], ["parameter", "parameter"], ["value", "computed value"], ["root", "output (root)"]]
    .forEach(function (pair) {
      var s = el("span", pair[1]);
      s.style.setProperty("--swatch", D.colours[pair[0]]);
      $("legend").append(s);
    });
  var groupSwatch = el("span", "group (click to open)");
  groupSwatch.style.setProperty("--swatch", "#eef2f7");
  $("legend").append(groupSwatch);

  $("title").textContent = D.title;
  document.title = D.title;
  $("subtitle").textContent = count(N, "node") + " (" + count(D.constants, "constant") + " not drawn), " +
    count(G, "group") + ". " + D.name[ROOT] + " = " + D.data[ROOT];

  var opening = redraw().then(fit);
  window.chainrule = {
    ready: opening,
    expand: expand,
    collapse: collapse,
    collapseAll: collapseAll,
    select: select,
    highlight: function (name) {
      var item = find(name);
      if (item < 0 || item >= N) { throw new Error("no node named " + JSON.stringify(name)); }
      return select(name).then(function () { highlight(item); showDetails(); return visible(); });
    },
    visible: visible,
    details: details,
    search: function (text) { return matches(text, 30).map(itemName); },
    view: function () { return {scale: scale, x: tx, y: ty}; },
    highlighted: function () {
      return Array.prototype.map.call(stage.querySelectorAll("g.node.on"), function (e) { return itemName(itemOf(e)); });
    },
  };
})();
