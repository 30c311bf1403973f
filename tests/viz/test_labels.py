"""Escaping: no name, however hostile, changes the structure of the graph."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Scope, Value
from tests.viz.svg import rendered
from viz import draw, steps
from viz.labels import html, number, quoted, value_text

HOSTILE = [
    '"; a -> b; "',
    "<b>bold</b>",
    '<>]; evil -> x; a [label=<',
    "> ]; } digraph { x -> y",
    "&amp; & &lt;",
    "line1\nline2",
    "{a|b}|<port> c",
    "\\N \\G \\l \\",
    "x\x00y\x1b[31m",
    "日本語 ∂L/∂w → ∑",
    "subgraph cluster_x { z }",
    "'single' \"double\"",
    "tab\there\r\nwindows",
]


def graph_named(a: str, b: str, c: str) -> Value:
    x, w = Value(2.0, name=a), Value(-3.0, name=b)
    y = (x * w).tanh()
    y.name = c
    return y


def shape(root: Value, **kw: Any) -> tuple[int, int, int]:
    drawn = rendered(draw(root, **kw))
    return len(drawn.nodes), len(drawn.edges), len(drawn.clusters)


@pytest.mark.parametrize("name", HOSTILE)
@pytest.mark.parametrize("view", ["forward", "backward", "both"])
def test_hostile_names_do_not_change_the_structure(name: str, view: str) -> None:
    benign = shape(graph_named("x", "w", "y"), view=view)
    hostile = graph_named(name, name + "2", name + "3")
    assert shape(hostile, view=view) == benign
    drawn = rendered(draw(hostile, view=view))
    one_line = "\n" not in name and "\r" not in name and "\x00" not in name and "\t" not in name
    if one_line:
        assert name in [t.replace("\u2060", "") for t in drawn.texts()]


@settings(max_examples=25)
@given(st.text(min_size=1, max_size=30))
def test_any_name_keeps_the_structure(name: str) -> None:
    assert shape(graph_named(name, name, name), view="backward") == (6, 5, 0)


class FakeModule:
    """Just enough of nn.Module: one sub-module under a hostile name, whose call makes ``y``."""

    def __init__(self, name: str, w: Value) -> None:
        self.name, self.w, self.inner = name, w, object()

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        yield f"{self.name}.w", self.w

    def named_modules(self) -> Iterator[tuple[str, Any]]:
        yield "", self
        yield self.name, self.inner

    def __call__(self, x: Value) -> Value:
        with Scope(self.inner):  # what nn.Module.__call__ does
            return (self.w * x).tanh()


@pytest.mark.parametrize("name", HOSTILE[:6])
def test_hostile_module_names_stay_labels(name: str) -> None:
    w, x = Value(0.5), Value(2.0, name="x")
    model = FakeModule(name, w)
    y = model(x)
    drawn = rendered(draw(y, "backward", model=model))
    assert len(drawn.clusters) == 1
    assert len(drawn.nodes) == 4 + 2  # w, x, w*x, tanh and their two ops
    collapsed = rendered(draw(y, "backward", model=model, collapse="neuron"))
    assert len(collapsed.nodes) == 2  # x and the module's box
    assert name.splitlines()[0] in collapsed.texts()  # the box's title, as text


def test_hostile_names_in_the_step_trace_and_page(tmp_path: Any) -> None:
    y = graph_named("</script><script>alert(1)</script>", "<!--", "]]>")
    trace = steps(y)
    assert "</script><script>alert(1)</script>" in str(trace)
    page = trace.write_player(str(tmp_path / "p.html")).read_text(encoding="utf-8")
    assert page.count("</script>") == 2  # the JSON block and the player script; none from the name
    assert "<script>alert" not in page


def test_html_escapes_the_markup_characters() -> None:
    assert html('<a href="x">&</a>') == "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
    assert html("a\nb") == "a<BR/>b"
    assert html("x\x00") == "x\ufffd"
    assert html("∂L/∂w {}[];") == "∂L/∂w {}[];"


@given(st.text())
def test_html_output_has_no_raw_markup(text: str) -> None:
    out = html(text).replace("<BR/>", "")
    assert "<" not in out and ">" not in out and '"' not in out
    assert all(part.split(";")[0] in {"amp", "lt", "gt", "quot", "#39", "#92", "#8288"} for part in out.split("&")[1:])
    assert "\\" not in out


def test_quoted_is_never_taken_for_html() -> None:
    from graphviz.quoting import quote

    assert quote(quoted("<b>x</b>")) == '"<b>x</b>"'
    assert quoted("a\\l\nb") == "a\\\\l\\nb"


@pytest.mark.parametrize(
    "x, text",
    [(-3, "-3.0"), (0.70710678, "0.7071"), (1e-8, "1e-08"), (2.0, "2.0"), (-0.0, "0.0"), (float("nan"), "nan"),
     (300.0, "300.0"), (123456.0, "1.235e+05")],
)
def test_number_format(x: float, text: str) -> None:
    assert number(x) == text


def test_arrays_are_previewed() -> None:
    assert value_text(np.arange(3.0)) == "[0., 1., 2.]"
    long = value_text(np.arange(100.0))
    assert "..." in long and len(long) < 60
