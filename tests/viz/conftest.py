"""Fixtures for the viz tests: the lecture neuron and hand-built graphs."""

from __future__ import annotations

import pytest

from autograd import Value
from viz.demo import lecture_neuron


@pytest.fixture
def neuron() -> Value:
    """micrograd's neuron: o = tanh(x1 w1 + x2 w2 + b), every node named."""
    return lecture_neuron()


@pytest.fixture
def product() -> Value:
    """c = a * b with a = 2, b = -3."""
    a, b = Value(2.0, name="a"), Value(-3.0, name="b")
    c = a * b
    c.name = "c"
    return c
