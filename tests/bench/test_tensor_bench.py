"""The tensor benchmark compares like with like: every engine trains the same network the same way."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from tests.examples.loader import ROOT, load_script

PEERS = {"PyTorch 2.13 CPU": "torch", "DeZero": "dezero"}  # engines whose package may be missing


def test_every_engine_reaches_the_same_losses_as_numpy_by_hand() -> None:
    bench = load_script(ROOT / "bench" / "tensor.py")
    X, y = bench.data(np.float64, n=200)  # 7 steps of 32, the last one short
    reference = None
    for name, make in bench.ENGINES.items():
        if name in PEERS and importlib.util.find_spec(PEERS[name]) is None:
            continue
        epoch = make(X, y, 32)
        losses = [epoch(), epoch()]  # the second epoch starts from the weights the first one left
        if name == "numpy by hand":
            reference = losses
        elif losses[0] is not None:
            assert losses == pytest.approx(reference, rel=1e-10), name
    assert reference is not None and reference[1] < reference[0]  # the loss goes down
