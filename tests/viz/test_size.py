"""The size guard: a picture too big to lay out is refused at once, with the ways out."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograd import Value, topological_order
from tests.viz.svg import rendered
from viz import MAX_NODES, GraphTooLarge, draw
from viz.cli import main
from viz.render import Options, Scene

nn = pytest.importorskip("nn")


def chain(length: int) -> Value:
    """``x * 1.0001`` ``length`` times: one value, one op and one constant per link."""
    y = Value(1.0, name="x")
    for _ in range(length):
        y = y * 1.0001
    return y


@pytest.mark.parametrize("hide_constants", [False, True])
def test_the_count_is_what_graphviz_draws(hide_constants: bool) -> None:
    y = chain(5)
    drawn = rendered(draw(y, hide_constants=hide_constants))
    assert Scene(y).size(Options(hide_constants=hide_constants)) == len(drawn.nodes)
    assert len(drawn.nodes) == (1 + 5 + 5 if hide_constants else 1 + 5 + 5 + 5)


@pytest.mark.parametrize("collapse", [None, "neuron", "layer"])
def test_the_count_with_modules_is_what_graphviz_draws(collapse: str | None) -> None:
    model = nn.MLP(2, [4, 4, 1], seed=0)
    loss = (1.0 - model([0.3, -0.2])).relu()
    options = Options(view="backward", collapse=collapse, hide_constants=True)
    drawn = rendered(draw(loss, "backward", model=model, collapse=collapse, hide_constants=True))
    assert Scene(loss, model=model).size(options) == len(drawn.nodes)


def test_a_big_graph_is_refused_with_its_size_and_the_ways_out() -> None:
    y = chain(1000)
    with pytest.raises(GraphTooLarge) as info:
        draw(y)
    message = str(info.value)
    assert info.value.count == 3001 and info.value.limit == MAX_NODES
    assert "3,001 nodes" in message and f"max_nodes={MAX_NODES:,}" in message
    assert "collapse=" in message and "viz.explore" in message and "max_nodes=3001" in message
    assert len(rendered(draw(y, hide_constants=True, max_nodes=3001)).nodes) == 2001  # the limit, raised


def test_a_long_chain_is_refused_before_anything_is_drawn() -> None:
    """200,000 links: counted and refused without naming or labelling a single node."""
    y = chain(200_000)
    with pytest.raises(GraphTooLarge, match="600,001 nodes"):
        draw(y, "backward")
    assert len(topological_order(y)) == 400_001  # (the graph is intact)


def test_collapsing_brings_a_batch_under_the_limit() -> None:
    from nn import data, losses

    model = nn.MLP(2, [16, 16, 1], seed=0)
    X, y = data.moons(8, seed=0)
    loss = losses.hinge(model(X), y)
    with pytest.raises(GraphTooLarge, match="collapse='neuron' or 'layer'") as info:
        draw(loss, "backward", model=model)
    assert info.value.count > MAX_NODES
    assert Scene(loss, model=model).size(Options(collapse="layer")) < 100


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "100"])
def test_max_nodes_must_be_a_positive_int(bad: object) -> None:
    with pytest.raises(ValueError, match="max_nodes must be a positive int"):
        draw(Value(1.0), max_nodes=bad)  # type: ignore[arg-type]


def test_the_command_line_refuses_and_names_its_own_flags(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "big.svg"
    assert main(["--model", "mlp", "--view", "backward", "--max-nodes", "50", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "more than --max-nodes 50" in err and "--collapse" in err and "--explore" in err
    assert not out.exists()
    assert main(["--model", "mlp", "--collapse", "layer", "--max-nodes", "50", "-o", str(out)]) == 0
    assert out.exists()
