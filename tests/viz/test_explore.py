"""viz.explore: the page's data against the engine, the hierarchy, the page's structure and safety.

The oracle is the engine: data and gradients are checked against ``autograd.grad`` and
``backward()`` on graphs built again for the purpose, never against viz's own computations.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

import nn
import viz
from autograd import Tensor, Value, grad, topological_order
from nn import data, losses
from viz import explore
from viz.cli import main
from viz.demo import lecture_neuron
from viz.explore import CSP, FANOUT, GROUP_KINDS, KINDS, VIZJS_SHA256, VIZJS_VERSION

ROOT_DIR = Path(__file__).resolve().parents[2]
HOSTILE = ["</script><img src=x onerror=alert(1)>", '"]; a -> b', "new\nline", "back\\slash\\N", "it's \"q\"",
           "<!-- x", "\u2028sep&amp;"]


def by_name(e: viz.Explorer) -> dict[str, int]:
    return {name: i for i, name in enumerate(e.data["name"])}


def received_sum(e: viz.Explorer, i: int) -> float:
    return sum(float(value) for _, value in e.data["rec"][i])


# -- numbers against the engine ------------------------------------------------------------------
def test_data_and_gradients_are_the_engines(neuron: Value) -> None:
    e = explore(neuron)
    fresh = lecture_neuron()
    fresh.backward()
    expected = {n.name: n for n in topological_order(fresh)}
    index = by_name(e)
    for name, node in expected.items():
        i = index[name]
        assert e.data["dv"][i] == node.data
        assert e.data["gv"][i] == pytest.approx(node.grad, rel=1e-12)
        assert e.data["data"][i] == viz.labels.value_text(node.data)
    assert e.data["kind"][e.data["root"]] == KINDS.index("root")
    assert e.data["name"][e.data["root"]] == "o"


def test_no_grad_is_touched(neuron: Value) -> None:
    before = [n.grad for n in topological_order(neuron)]
    explore(neuron).html()
    assert [n.grad for n in topological_order(neuron)] == before


def test_local_derivatives_are_formula_and_number(product: Value) -> None:
    e = explore(product)
    index = by_name(e)
    rows = e.data["in"][index["c"]]
    assert rows == [[index["a"], "b", "-3.0"], [index["b"], "a", "2.0"]]
    assert e.data["expr"][index["c"]] == "a * b"
    assert e.data["in"][index["a"]] is None  # a leaf has no inputs


def test_a_shared_node_lists_every_contribution_and_they_sum_to_its_gradient() -> None:
    a = Value(3.0, name="a")
    t = a * a
    t.name = "t"
    y = t + a
    y.name = "y"
    e = explore(y)
    index = by_name(e)
    rec = e.data["rec"][index["a"]]
    assert sorted(rec) == sorted([[index["t"], "3.0"], [index["t"], "3.0"], [index["y"], "1.0"]])
    (expected,) = grad(y, [a])
    assert received_sum(e, index["a"]) == expected == 7.0
    assert e.data["rec"][index["y"]] == [[-1, "1.0"]]  # the seed


def test_contributions_add_up_to_the_engines_gradients_in_a_batch() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    X, y = data.moons(6, seed=0)
    loss = losses.hinge(model(X), y)
    e = explore(loss, model=model)
    order = topological_order(loss)
    engine = grad(loss, order)
    for i, (node, g) in enumerate(zip(order, engine)):
        if node.is_constant or not e.data["rec"][i]:
            continue
        assert received_sum(e, i) == pytest.approx(float(g), rel=1e-3, abs=1e-4)
        assert e.data["gv"][i] == pytest.approx(float(g), rel=1e-12, abs=1e-15)


def test_tensor_graphs_have_shapes_and_the_engines_gradients() -> None:
    x = Tensor(np.array([[1.0, -2.0, 0.5], [0.0, 1.0, 2.0]]), name="x")
    W = Tensor(np.arange(6.0).reshape(3, 2) / 10, name="W")
    y = (x @ W).tanh().sum()
    y.name = "y"
    e = explore(y)
    index = by_name(e)
    assert e.data["shape"][index["W"]] == "(3, 2) float64"
    assert e.data["dv"][index["W"]] is None  # an array has no one exact number; its text is there
    assert e.data["dv"][index["y"]] == pytest.approx(float(y.data), rel=1e-15)
    (gW,) = grad(y, [W])
    assert e.data["grad"][index["W"]] == " ".join(viz.labels.value_text(gW).split())
    json.loads(json.dumps(e.data, allow_nan=False))


def test_nan_and_infinity_are_strings_in_valid_json() -> None:
    a = Value(math.inf, name="a")
    b = Value(math.nan, name="b")
    y = a * 2.0 + b
    y.name = "y"
    e = explore(y)
    index = by_name(e)
    assert e.data["dv"][index["a"]] == "inf" and e.data["dv"][index["b"]] == "nan"
    blob = _parse(e.html()).data
    assert json.loads(blob)["dv"][index["a"]] == "inf"


# -- the hierarchy --------------------------------------------------------------------------------
def _children(e: viz.Explorer) -> dict[int, dict[str, list[int]]]:
    """Each group's drawn children (``-1``: the top level), by kind: modules, calls, the rest."""
    d = e.data
    out: dict[int, dict[str, list[int]]] = {}
    kinds = GROUP_KINDS
    for g, parent in enumerate(d["gparent"]):
        kind = kinds[d["gkind"][g]]
        out.setdefault(parent, {}).setdefault(kind if kind in ("module", "call") else "rest", []).append(g)
    constant = KINDS.index("constant")
    for i, g in enumerate(d["grp"]):
        if d["kind"][i] != constant:
            out.setdefault(g, {}).setdefault("rest", []).append(~i)
    return out


def test_modules_then_calls_then_ops_with_counts_from_the_model() -> None:
    model = nn.MLP(2, [3, 2, 1], seed=0)
    X, y = data.moons(4, seed=0)
    loss = losses.hinge(model(X), y)
    e = explore(loss, model=model)
    d = e.data
    keys = d["gkey"]
    modules = [name for name, _ in model.named_modules()]
    assert [k for k, kind in zip(keys, d["gkind"]) if kind == 0] == modules
    g = {k: i for i, k in enumerate(keys)}
    assert keys[d["gparent"][g["layers.0.neurons.1"]]] == "layers.0"
    assert keys[d["gparent"][g["layers.0"]]] == ""
    assert d["gparent"][g[""]] == -1 and d["glabel"][g[""]] == "MLP"
    calls = [k for k in keys if k.startswith("layers.0.neurons.1:call ")]
    assert calls == [f"layers.0.neurons.1:call {k}" for k in range(1, 5)]  # one per example
    assert d["gcalls"][g["layers.0.neurons.1"]] == 4
    assert d["gparams"][g[""]] == model.num_parameters()
    assert d["gparams"][g["layers.0.neurons.1"]] == 3
    params = model.parameters()
    norm = math.sqrt(sum(float(x) ** 2 for x in grad(loss, params)))
    assert float(d["gnorm"][g[""]]) == pytest.approx(norm, rel=1e-3)
    constant = KINDS.index("constant")
    drawn = sum(1 for k in d["kind"] if k != constant)
    top = _children(e)[-1]
    assert sum(d["gnodes"][x] for x in top.get("module", [])) + len(top.get("rest", [])) == drawn
    # a call's nodes are what one neuron computes on one example: products, their sum, relu
    call = g["layers.0.neurons.1:call 2"]
    ops = sorted(d["ops"][d["op"][i]] for i, grp in enumerate(d["grp"]) if grp == call and d["kind"][i] != constant)
    assert ops == ["*", "*", "relu", "sum"]


def test_no_group_shows_more_than_fanout_children_of_a_kind() -> None:
    model = nn.MLP(2, [2, 1], seed=0)
    X, y = data.moons(3 * FANOUT + 7, seed=0)
    loss = losses.hinge(model(X), y)
    e = explore(loss, model=model)
    for parent, kinds in _children(e).items():
        for kind, items in kinds.items():
            assert len(items) <= FANOUT, (parent, kind, len(items))
    keys = e.data["gkey"]
    assert f"layers.0.neurons.0:calls 1\u2013{FANOUT}" in keys
    assert "layers.0.neurons.0:call 157" in keys


def test_without_a_model_long_chains_are_one_group_and_blocks_nest() -> None:
    x = Value(0.5, name="x")
    y = x
    for _ in range(3000):
        y = (y * 1.0001).tanh()
    z = y + x
    z.name = "z"
    e = explore(z)
    d = e.data
    chains = [g for g, kind in enumerate(d["gkind"]) if GROUP_KINDS[kind] == "chain"]
    assert len(chains) == 1 and d["gnodes"][chains[0]] == 6000 and d["glabel"][chains[0]] == "chain 1"
    for kinds in _children(e).values():
        assert all(len(items) <= FANOUT for items in kinds.values())
    assert "3,000 *, 3,000 tanh" == d["gops"][chains[0]]
    top = _children(e)[-1]["rest"]
    assert sorted(d["name"][~i] for i in top if i < 0) == ["x", "z"]  # inputs and the root stay in view


# -- the page ---------------------------------------------------------------------------------------
class _Page(HTMLParser):
    """The tags of a page and the text of its JSON data element."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data = ""
        self._in_data = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_data = tag == "script" and dict(attrs).get("id") == "graph-data"

    def handle_endtag(self, tag: str) -> None:
        self._in_data = False

    def handle_data(self, text: str) -> None:
        if self._in_data:
            self.data += text


def _parse(page: str) -> _Page:
    p = _Page()
    p.feed(page)
    return p


def test_hostile_names_stay_data(tmp_path: Path) -> None:
    leaves = [Value(float(k + 1), name=name) for k, name in enumerate(HOSTILE)]
    y = leaves[0]
    for leaf in leaves[1:]:
        y = y * leaf
    y.name = HOSTILE[0]
    plain = explore(Value(1.0, name="a") * Value(2.0, name="b"))
    page = explore(y, title=HOSTILE[0]).html()
    parsed = _parse(page)
    tags = [t for t, _ in parsed.tags]
    assert tags == [t for t, _ in _parse(plain.html()).tags]  # the same structure as a harmless page
    assert "img" not in tags and tags.count("script") == 3
    names = json.loads(parsed.data)["name"]
    assert set(HOSTILE) <= set(names)
    assert "</script" not in parsed.data.lower() and "<!--" not in parsed.data


def test_the_page_is_self_contained_with_a_strict_policy(neuron: Value) -> None:
    parsed = _parse(explore(neuron).html())
    meta = [a for t, a in parsed.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert [m["content"] for m in meta] == [CSP]
    assert CSP == "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline' 'wasm-unsafe-eval'"
    for tag, attrs in parsed.tags:  # nothing to fetch: no src, no href, no external stylesheet
        assert not {"src", "href"} & set(attrs), (tag, attrs)
    scripts = [a for t, a in parsed.tags if t == "script"]
    assert scripts == [{"type": "application/json", "id": "graph-data"}, {}, {}]


def test_the_vendored_graphviz_is_viz_js_3_25_0_with_its_licenses() -> None:
    vendor = ROOT_DIR / "viz" / "vendor"
    js = (vendor / "viz-global.js").read_bytes()
    assert hashlib.sha256(js).hexdigest() == VIZJS_SHA256
    assert js.startswith(b"/*!\nViz.js 3.25.0\n") and VIZJS_VERSION == "3.25.0"
    assert b'graphvizVersion="14.1.3"' in js
    assert "Copyright (c) Michael Daines" in (vendor / "LICENSE").read_text(encoding="utf-8")
    notice = (vendor / "NOTICE").read_text(encoding="utf-8")
    for text in ("@viz-js/viz", "3.25.0", "EPL-1.0", "Expat",
                 "sha512-dM7zAYMdf7mcRz5Kdb+YJb6+qv5Rjk0rPZ18gROdpMrP/3S7RFOp8uxybeiz5RypHrE1zo1vccA8Twh4mIcLZw=="):
        assert text in notice
    config = (ROOT_DIR / "pyproject.toml").read_text(encoding="utf-8")  # (tomllib is Python 3.11+)
    assert 'viz = ["py.typed", "vendor/*", "page/*"]' in config
    assert 'extend-exclude = [".venv", "viz/vendor"]' in config


def test_write_is_atomic_and_notebooks_get_a_sandboxed_frame(tmp_path: Path, neuron: Value) -> None:
    e = explore(neuron, title='say "hi" & <b>')
    path = e.write(tmp_path / "sub" / "page.html")
    assert path.read_text(encoding="utf-8") == e.html()
    assert [p.name for p in path.parent.iterdir()] == ["page.html"]  # no temporary file left
    frame = _parse(e._repr_html_()).tags
    assert [t for t, _ in frame] == ["iframe"]
    attrs = frame[0][1]
    assert attrs["sandbox"] == "allow-scripts"
    assert attrs["srcdoc"] == e.html()  # attribute-escaped, and unescaped by the parser exactly
    assert html.unescape(e._repr_html_().split('srcdoc="', 1)[1].split('"', 1)[0]) == e.html()


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="graph node"):
        explore(3.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="precision"):
        explore(Value(1.0), precision=0)
    with pytest.raises(TypeError, match="named_parameters"):
        explore(Value(1.0), model=object())


# -- the command line ------------------------------------------------------------------------------
def test_the_command_line_writes_the_page(tmp_path: Path) -> None:
    page = tmp_path / "mlp.html"
    assert main(["--model", "mlp", "--explore", "-o", str(page)]) == 0
    d = json.loads(_parse(page.read_text(encoding="utf-8")).data)
    assert "layers.0.neurons.3" in d["gkey"] and d["name"][d["root"]] == "loss"
    dsl = tmp_path / "dsl.html"
    assert main(["y = (x**2 + 1)**3", "--at", "x=2", "--explore", "-o", str(dsl)]) == 0
    d = json.loads(_parse(dsl.read_text(encoding="utf-8")).data)
    assert d["gv"][d["name"].index("x")] == 300.0  # 6x(x^2+1)^2 at x = 2


def test_the_command_line_needs_an_html_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--model", "mlp", "--explore"]) == 2
    assert "needs -o FILE.html" in capsys.readouterr().err
    assert main(["--model", "mlp", "--explore", "--steps", "-o", "x.html"]) == 2
