"""The memory benchmark measures what it says: dropping intermediate gradients lowers the peak."""

from __future__ import annotations

import numpy as np
import pytest

from tests.examples.loader import ROOT, load_script


def test_keep_intermediate_false_trains_the_same_weights_with_a_lower_peak(capsys: pytest.CaptureFixture[str]) -> None:
    memory = load_script(ROOT / "bench" / "memory.py")
    X, y = memory.bench.data(np.float64, n=200)
    losses = [memory.chainrule_epoch(X, y, 32, keep)() for keep in (True, False)]
    assert losses[0] == losses[1]  # the same gradients reach the parameters, bit for bit
    results = memory.main(["--rows", "300"])
    peaks = {(name, batch): peak for name, batch, peak in results}
    for batch in (32, 256):
        kept = peaks["chainrule backward(keep_intermediate=True)", batch]
        dropped = peaks["chainrule backward(keep_intermediate=False)", batch]
        assert peaks["numpy by hand", batch] < dropped < kept
    assert "| chainrule backward(keep_intermediate=False) | 256 |" in capsys.readouterr().out
