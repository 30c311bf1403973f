"""Notebook display: graph nodes through a registered formatter, drawings through _repr_*_."""

from __future__ import annotations

import importlib
import sys
from types import SimpleNamespace
from typing import Any

import pytest

from autograd import Value
from autograd.engine import Node
from tests.viz.svg import parse
from viz import draw, jupyter, steps


class FakeFormatter:
    """IPython's formatter interface: for_type(cls, function)."""

    def __init__(self) -> None:
        self.functions: dict[type, Any] = {}

    def for_type(self, cls: type, function: Any) -> None:
        self.functions[cls] = function


def fake_shell() -> Any:
    return SimpleNamespace(display_formatter=SimpleNamespace(formatters={"image/svg+xml": FakeFormatter()}))


def test_register_adds_an_svg_formatter_for_nodes(neuron: Value) -> None:
    shell = fake_shell()
    assert jupyter.register(shell)
    show = shell.display_formatter.formatters["image/svg+xml"].functions[Node]
    drawn = parse(show(neuron))
    assert len(drawn.nodes) == 15
    assert "grad 0.5" in drawn.texts() and "data 0.7071" in drawn.texts()  # the "both" view


def test_importing_viz_inside_ipython_registers(monkeypatch: pytest.MonkeyPatch) -> None:
    shell = fake_shell()
    monkeypatch.setitem(sys.modules, "IPython", SimpleNamespace(get_ipython=lambda: shell))
    import viz

    importlib.reload(viz)
    assert Node in shell.display_formatter.formatters["image/svg+xml"].functions


def test_outside_ipython_nothing_happens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "IPython", raising=False)
    assert jupyter.register() is False
    monkeypatch.setitem(sys.modules, "IPython", SimpleNamespace(get_ipython=lambda: None))
    assert jupyter.register() is False


def test_large_graphs_fall_back_to_text(monkeypatch: pytest.MonkeyPatch, neuron: Value) -> None:
    monkeypatch.setattr(jupyter, "MAX_INLINE_NODES", 5)
    assert jupyter.node_svg(neuron) is None


def test_drawings_display_themselves(neuron: Value) -> None:
    g = draw(neuron, "backward")
    bundle = g._repr_mimebundle_()
    assert len(parse(bundle["image/svg+xml"]).nodes) == 15
    assert len(parse(g._repr_svg_()).nodes) == 15
    html = steps(neuron)._repr_html_()
    assert html.startswith("<iframe") and "do/dn = do/do * do/dn" in html  # the player, in a frame
