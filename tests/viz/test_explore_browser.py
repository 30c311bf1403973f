"""The explorer page in a real headless browser (Debian's chromium, driven by playwright).

Graphviz (viz-js, WebAssembly) lays out each view in the page; the numbers the page shows are
checked against the engine. Skipped when chromium or playwright is missing, except when
``CHAINRULE_REQUIRE_BROWSER=1`` (see :mod:`tests.viz.browser`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import nn
from autograd import Value, grad, topological_order
from nn import data, losses
from tests.viz.browser import Opened, browser, open_page
from viz import explore
from viz.demo import mlp_loss
from viz.render import Scene

pytestmark = pytest.mark.browser
__all__ = ["browser", "open_page"]  # fixtures used by name

Open = Callable[..., Opened]


@pytest.fixture
def explorer(open_page: Any, tmp_path: Path) -> Open:
    """``explorer(root, model=None)``: write the page, open it and wait for the first picture."""

    def open_explorer(root: Any, model: Any = None, **options: Any) -> Opened:
        path = explore(root, model=model, **options).write(tmp_path / "explore.html")
        opened = open_page(path)
        opened.page.evaluate("window.chainrule.ready")
        return opened

    return open_explorer


def call(page: Any, method: str, *args: Any) -> Any:
    """``window.chainrule[method](...args)``, awaited."""
    return page.evaluate("([m, args]) => window.chainrule[m](...args)", [method, list(args)])


def drawn_texts(page: Any) -> list[str]:
    """Every node box of the picture as its lines of text joined by " | "."""
    return page.evaluate("""() => [...document.querySelectorAll('#stage g.node')]
        .map(g => [...g.querySelectorAll('text')].map(t => t.textContent).join(' | '))""")


def no_trouble(opened: Opened) -> None:
    assert opened.errors == []
    assert opened.dialogs == []
    assert all(url.startswith("file://") for url in opened.requests), opened.requests


@pytest.fixture
def batch() -> tuple[Any, Any, Scene]:
    """micrograd's 2-16-16-1 MLP's hinge loss on 8 moons points: every neuron called 8 times."""
    model = nn.MLP(2, [16, 16, 1], seed=0)
    X, y = data.moons(8, seed=0)
    loss = losses.hinge(model(X), y)
    return loss, model, Scene(loss, model=model)


def test_open_expand_select_against_the_engine(explorer: Open, batch: tuple[Any, Any, Scene]) -> None:
    loss, model, scene = batch
    opened = explorer(loss, model)
    page = opened.page
    top = call(page, "visible")
    assert "" in top and "layers.0" not in top  # the model, closed
    assert scene.names[loss] in top  # the root is always in view

    shown = call(page, "expand", "layers.0")
    assert {f"layers.0.neurons.{k}" for k in range(16)} <= set(shown)
    assert "layers.1" in shown and "layers.1.neurons.0" not in shown

    shown = call(page, "expand", "layers.0.neurons.3")
    assert [f"layers.0.neurons.3:call {k}" for k in range(1, 9)] == [s for s in shown if ":call" in s]
    membership = scene.membership
    assert membership is not None
    params = [scene.names[p] for p, n in membership.parameters.items() if n.startswith("layers.0.neurons.3.")]
    assert sorted(s for s in shown if s in params) == sorted(params)  # w0, w1, b: drawn in the neuron
    w = dict(model.named_parameters())["layers.0.neurons.3.w.1"]
    weight = call(page, "select", "layers.0.neurons.3.w.1")  # a parameter, by its dotted name
    assert weight["name"] == "layers.0.neurons.3.w.1" and weight["data"] == w.data
    assert weight["grad"] == pytest.approx(float(grad(loss, [w])[0]), rel=1e-12, abs=1e-15)

    # a node of the third call of that neuron: its activation
    node = next(n for n in scene.order if membership.owner.get(n) == "layers.0.neurons.3"
                and membership.call.get(n) == 2 and n.op == "relu")
    name = scene.names[node]
    details = call(page, "select", name)
    (g,) = grad(loss, [node])
    assert details["name"] == name
    assert details["data"] == node.data
    assert details["grad"] == pytest.approx(float(g), rel=1e-12, abs=1e-15)
    assert details["group"] == "layers.0.neurons.3:call 3"
    assert name in call(page, "visible")
    (relu_input,) = details["inputs"]
    (parent,) = node.parents
    assert relu_input["name"] == scene.names[parent]
    assert relu_input["formula"] == node.local_formulas([scene.names[parent]], name)[0]
    assert float(relu_input["value"]) == node.local_grads[0]
    assert sum(float(c["value"]) for c in details["contributions"]) == pytest.approx(float(g), rel=1e-3, abs=1e-6)
    panel = page.text_content("#details")
    assert name in panel and "How its gradient" in panel
    assert page.locator("#stage g.node.sel").count() == 1

    shown = call(page, "collapse", "layers.0")
    assert "layers.0" in shown and "layers.0.neurons.3" not in shown
    no_trouble(opened)


def test_clicks_open_and_close_groups_in_place(explorer: Open) -> None:
    loss, model = mlp_loss()
    opened = explorer(loss, model)
    page = opened.page
    model_box = page.evaluate("""() => [...document.querySelectorAll('#stage g.node.group')]
        .find(g => g.textContent.includes('MLP')).id""")
    page.click(f"#stage #{model_box}")
    page.wait_for_function("window.chainrule.visible().includes('layers.0')")
    assert "layers.2" in call(page, "visible")
    assert page.locator("#stage g.cluster").count() == 1  # the model, open in place, as a frame
    page.locator("#stage g.cluster text").first.click()  # its label: closes it again
    page.wait_for_function("!window.chainrule.visible().includes('layers.0')")
    no_trouble(opened)


def test_search_zoom_and_the_path_to_the_root(explorer: Open) -> None:
    loss, model = mlp_loss()
    scene = Scene(loss, model=model)
    opened = explorer(loss, model)
    page = opened.page

    page.fill("#search", "layers.1.neurons.1")
    assert page.locator("#results li").first.text_content().startswith("layers.1.neurons.1")
    page.press("#search", "Enter")
    page.wait_for_function("window.chainrule.visible().includes('layers.1.neurons.1')")
    page.wait_for_function("window.chainrule.details() && window.chainrule.details().name === 'layers.1.neurons.1'")
    page.fill("#search", "scor")
    page.press("#search", "Enter")
    page.wait_for_function("window.chainrule.details() && window.chainrule.details().name === 'score'")
    score = next(n for n in scene.order if n.name == "score")
    assert call(page, "details")["data"] == score.data

    before = call(page, "view")["scale"]
    page.mouse.move(500, 400)
    page.mouse.wheel(0, -400)
    assert call(page, "view")["scale"] > before
    page.click("#zoom-out")
    page.click("#fit")
    assert call(page, "view")["scale"] <= 1.2

    x0 = next(n for n in scene.order if n.name == "x0")
    call(page, "highlight", "x0")
    lit = set(call(page, "highlighted"))
    assert {"x0", "loss"} <= lit and "x1" not in lit
    downstream = {x0}  # the oracle: what x0 flows into, from the graph's own parents
    for node in topological_order(loss):
        if any(p in downstream for p in node.parents):
            downstream.add(node)
    drawn_nodes = {name for name in call(page, "visible") if name in scene.names.values()}
    assert {n for n in lit if n in drawn_nodes} == {scene.names[n] for n in downstream} & drawn_nodes
    assert page.locator("#stage g.edge.on").count() >= 2
    assert page.locator("#path.on").count() == 1
    no_trouble(opened)


def test_hostile_names_never_become_markup_or_graph(explorer: Open) -> None:
    names = ["</script><img src=x onerror=alert(1)>", '"]; a -> b', "new\nline", "back\\slash\\N",
             "it's \"q\"", "<!-- x"]
    leaves = [Value(float(k + 1), name=name) for k, name in enumerate(names)]
    y = leaves[0]
    for leaf in leaves[1:]:
        y = y * leaf
    y.name = names[1]
    opened = explorer(y, title=names[0])
    page = opened.page
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.title() == names[0]
    order = topological_order(y)
    assert page.locator("#stage g.node").count() == len(order)  # no node added by a name
    assert page.locator("#stage g.edge").count() == sum(len(n.parents) for n in order)
    texts = " ".join(drawn_texts(page))
    for name in names:
        assert " ".join(name.split()) in texts
    details = call(page, "select", names[0])
    assert details["name"] == names[0] and details["data"] == 1.0
    assert page.text_content("#details h2") == names[0]
    page.fill("#search", "<img")
    assert page.locator("#results li").count() == 1
    no_trouble(opened)


def test_a_tensor_graph_without_a_model(explorer: Open) -> None:
    import numpy as np

    from autograd import Tensor

    x = Tensor(np.array([[1.0, -2.0, 0.5]]), name="x")
    W = Tensor(np.arange(6.0).reshape(3, 2) / 10, name="W")
    h = x @ W
    for _ in range(6):
        h = h.tanh()
    y = h.sum()
    y.name = "y"
    opened = explorer(y)
    page = opened.page
    top = call(page, "visible")
    assert "chain 1" in top  # the run of tanh is one box
    details = call(page, "select", "W")
    (gW,) = grad(y, [W])
    assert details["shape"] == "(3, 2) float64"
    assert details["gradText"].startswith("[[")
    assert float(details["gradText"].strip("[]").split(",")[0]) == pytest.approx(gW[0, 0], rel=1e-3)
    assert call(page, "select", "y")["data"] == pytest.approx(float(y.data), rel=1e-15)
    no_trouble(opened)
