"""Second derivatives and reference cycles: ``grad(create_graph=True)`` makes none, and the cycle
that ``backward(create_graph=True)`` makes (``x.grad`` holds a graph containing ``x``) is gone once
``.grad`` is reset, as ``Node.backward``'s docstring says."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from autograd import Value, grad


@pytest.fixture
def no_collector() -> Iterator[None]:
    """The collector off, so that ``gc.collect()`` counts what only it could free."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_grad_with_create_graph_leaves_no_cycle(no_collector: None) -> None:
    x = Value(3.0)
    (d,) = grad(x * x, [x], create_graph=True)
    assert d.data == 6.0
    del d, x
    assert gc.collect() == 0


def test_backward_with_create_graph_cycles_until_grad_is_reset(no_collector: None) -> None:
    x = Value(3.0)
    (x * x).backward(create_graph=True)
    assert x.grad.data == 6.0
    del x
    assert gc.collect() > 0  # the documented cycle: x.grad is 2 * x
    x = Value(3.0)
    (x * x).backward(create_graph=True)
    x.grad = None
    del x
    assert gc.collect() == 0
