"""Memory benchmark: the peak memory of one epoch of Tensor MLP training, with and without the
intermediate gradients.

``backward()`` leaves a ``.grad`` on every node it reaches, intermediates too, which is what
the teaching views show (the pictures and traces compute their own, though). A training loop
needs the parameters' only: ``backward(keep_intermediate=False)`` frees each intermediate
gradient as soon as the chain rule has passed it on. This measures both on the tensor
benchmark's network (``bench/tensor.py``: 64-128-64-10, tanh, softmax cross-entropy, SGD, one
epoch of 1,797 rows), float64, batches of 32 and 256, with ``tracemalloc`` (numpy reports its
arrays to it), against the hand-written numpy epoch as the floor.

    python bench/memory.py
    python bench/memory.py --rows 512
"""

from __future__ import annotations

import argparse
import gc
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/tensor.py, the network and its data
import tensor as bench  # noqa: E402


def chainrule_epoch(X: np.ndarray, y: np.ndarray, batch: int, keep_intermediate: bool) -> Callable[[], float]:
    """The tensor benchmark's chainrule epoch, with ``backward(keep_intermediate=...)``."""
    from autograd import Tensor, cross_entropy, no_grad

    params = [(Tensor(W), Tensor(b)) for W, b in bench.initial_weights(X.dtype.type)]

    def epoch() -> float:
        for s in bench.batches(len(X), batch):
            h: Any = X[s]
            for k, (W, b) in enumerate(params):
                h = h @ W + b
                if k < len(params) - 1:
                    h = h.tanh()
            loss = cross_entropy(h, y[s])
            loss.backward(keep_intermediate=keep_intermediate)
            with no_grad():
                for W, b in params:
                    W.data = W.data - bench.LR * W.grad
                    b.data = b.data - bench.LR * b.grad
                    W.grad = b.grad = None
        return loss.item()

    return epoch


def peak_bytes(epoch: Callable[[], Any]) -> int:
    """The peak of memory allocated during one epoch, above what was allocated before it
    (a warm-up epoch first: caches and first-use allocations are not the epoch's)."""
    epoch()
    gc.collect()
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        epoch()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - before


def measure(rows: int = 1797, batch_sizes: tuple[int, ...] = (32, 256)) -> list[tuple[str, int, int]]:
    """``(engine, batch, peak bytes)`` for each engine and batch size."""
    X, y = bench.data(np.float64, n=rows)
    results = []
    for batch in batch_sizes:
        results.append(("numpy by hand", batch, peak_bytes(bench.numpy_epoch(X, y, batch))))
        for keep in (True, False):
            name = f"chainrule backward(keep_intermediate={keep})"
            results.append((name, batch, peak_bytes(chainrule_epoch(X, y, batch, keep))))
    return results


def table(results: list[tuple[str, int, int]]) -> str:
    floor = {batch: peak for name, batch, peak in results if name == "numpy by hand"}
    lines = ["| engine | batch | peak MB | x numpy by hand |", "|---|---:|---:|---:|"]
    for name, batch, peak in results:
        lines.append(f"| {name} | {batch} | {peak / 1e6:.2f} | {peak / floor[batch]:.2f}x |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[tuple[str, int, int]]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1797)
    args = parser.parse_args(argv)
    results = measure(args.rows)
    print(f"peak memory of one epoch, MLP {'-'.join(map(str, bench.SIZES))}, {args.rows} rows, float64 (tracemalloc)")
    print(table(results))
    return results


if __name__ == "__main__":
    main()
