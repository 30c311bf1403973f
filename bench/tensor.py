"""Tensor benchmark: one epoch of MLP training, chainrule ``Tensor`` against its peers.

The same MLP 64-128-64-10 (tanh, softmax cross-entropy, plain SGD, lr 0.1) trains for one epoch
on 1,797 x 64 inputs (the size of the digits data set; seeded random data, so no download) with:
chainrule ``Tensor``, PyTorch 2.13.0 on the CPU, DeZero, and a hand-written numpy forward and
backward (the limit for any numpy-based engine; also without the loss value, the gradient
only, as it was until session 8). Float64 and float32, batch sizes 32 and 256,
all in one run: in each of 3 rounds every engine of every cell in turn gets a warm-up epoch and
3 timed epochs (see :func:`best_ms`); the best epoch is reported.

    python bench/tensor.py
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np

SIZES = (64, 128, 64, 10)
LR = 0.1
Epoch = Callable[[], float | None]  # one epoch; returns its last step's loss (None: not computed)


def data(dtype: type, n: int = 1797, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, SIZES[0])).astype(dtype), rng.integers(0, SIZES[-1], n)


def initial_weights(dtype: type, seed: int = 1) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    return [((rng.standard_normal((i, o)) / np.sqrt(i)).astype(dtype), np.zeros(o, dtype=dtype))
            for i, o in zip(SIZES, SIZES[1:])]


def batches(n: int, size: int) -> list[slice]:
    return [slice(i, min(i + size, n)) for i in range(0, n, size)]


def numpy_epoch(X: np.ndarray, y: np.ndarray, batch: int, with_loss: bool = True) -> Epoch:
    """Forward and backward written out in numpy: the limit for any numpy-based engine.

    With ``with_loss`` (the reference the targets are judged against) each step also computes
    its mean loss, stably, as every engine does (their cross-entropy returns it); without, it
    computes the gradient only, as this reference did until session 8 (kept for comparison).
    """
    params = initial_weights(X.dtype.type)

    def epoch() -> float | None:
        step_loss = None
        for s in batches(len(X), batch):
            xb, yb = X[s], y[s]
            acts = [xb]
            for k, (W, b) in enumerate(params):
                z = acts[-1] @ W + b
                acts.append(np.tanh(z) if k < len(params) - 1 else z)
            logits = acts[-1]
            rows = np.arange(len(yb))
            shifted = logits - logits.max(axis=1, keepdims=True)
            e = np.exp(shifted)
            total = e.sum(axis=1, keepdims=True)
            if with_loss:  # log of each row's total minus the shifted logit of its label, averaged
                step_loss = (np.log(total[:, 0]) - shifted[rows, yb]).sum() / len(yb)
            p = e / total
            p[rows, yb] -= 1
            d = p / len(yb)
            for k in range(len(params) - 1, -1, -1):
                W, b = params[k]
                gW, gb = acts[k].T @ d, d.sum(axis=0)
                if k:
                    d = (d @ W.T) * (1 - acts[k] ** 2)
                params[k] = (W - LR * gW, b - LR * gb)
        return None if step_loss is None else float(step_loss)

    return epoch


def chainrule_epoch(X: np.ndarray, y: np.ndarray, batch: int) -> Epoch:
    from autograd import Tensor, cross_entropy, no_grad

    params = [(Tensor(W), Tensor(b)) for W, b in initial_weights(X.dtype.type)]

    def epoch() -> float:
        for s in batches(len(X), batch):
            h: Any = X[s]  # the batch as a plain array: a constant, so no gradient is computed for it
            for k, (W, b) in enumerate(params):
                h = h @ W + b
                if k < len(params) - 1:
                    h = h.tanh()
            loss = cross_entropy(h, y[s])
            loss.backward()
            with no_grad():
                for W, b in params:
                    W.data = W.data - LR * W.grad
                    b.data = b.data - LR * b.grad
                    W.grad = b.grad = None
        return loss.item()

    return epoch


def torch_epoch(X: np.ndarray, y: np.ndarray, batch: int) -> Epoch:
    import torch

    dtype = torch.float64 if X.dtype == np.float64 else torch.float32
    params = [(torch.tensor(W, dtype=dtype, requires_grad=True), torch.tensor(b, dtype=dtype, requires_grad=True))
              for W, b in initial_weights(X.dtype.type)]
    flat = [p for pair in params for p in pair]
    opt = torch.optim.SGD(flat, lr=LR)
    tX, ty = torch.tensor(X, dtype=dtype), torch.tensor(y)

    def epoch() -> float:
        for s in batches(len(X), batch):
            h = tX[s]
            for k, (W, b) in enumerate(params):
                h = h @ W + b
                if k < len(params) - 1:
                    h = torch.tanh(h)
            loss = torch.nn.functional.cross_entropy(h, ty[s])
            opt.zero_grad()
            loss.backward()
            opt.step()
        return float(loss.item())

    return epoch


def dezero_epoch(X: np.ndarray, y: np.ndarray, batch: int) -> Epoch:
    if not hasattr(np, "int"):  # DeZero 0.0.13 still uses the alias numpy 1.24 removed
        np.int = int  # type: ignore[attr-defined]
    import dezero
    import dezero.functions as F

    params = [(dezero.Parameter(W), dezero.Parameter(b)) for W, b in initial_weights(X.dtype.type)]

    def epoch() -> float:
        for s in batches(len(X), batch):
            h = dezero.Variable(X[s])
            for k, (W, b) in enumerate(params):
                h = F.matmul(h, W) + b
                if k < len(params) - 1:
                    h = F.tanh(h)
            loss = F.softmax_cross_entropy(h, y[s])
            for W, b in params:
                W.cleargrad()
                b.cleargrad()
            loss.backward()
            for W, b in params:
                W.data -= LR * W.grad.data
                b.data -= LR * b.grad.data
        return float(loss.data)

    return epoch


ENGINES: dict[str, Callable[[np.ndarray, np.ndarray, int], Epoch]] = {
    "numpy by hand": numpy_epoch,
    "numpy by hand, no loss value": lambda X, y, batch: numpy_epoch(X, y, batch, with_loss=False),
    "chainrule Tensor": chainrule_epoch,
    "PyTorch 2.13 CPU": torch_epoch,
    "DeZero": dezero_epoch,
}


Cell = tuple[type, int]  # (dtype, batch size)


def best_ms(cells: dict[Cell, dict[str, Epoch]], rounds: int, repeat: int) -> dict[Cell, dict[str, float]]:
    """Best epoch time of each engine in each cell, in ms.

    Each round gives every engine of every cell, in turn, one warm-up epoch and ``repeat`` timed
    ones: a block per engine, so that no engine runs while another's thread pool is still
    spinning (OpenBLAS and PyTorch's OpenMP both busy-wait after a call). The rounds go over
    all the cells before the next one starts, so that a slow spell of the machine (they last
    seconds here) falls on one round of a cell, not on all of them, or on one engine only.
    """
    best = {cell: dict.fromkeys(epochs, float("inf")) for cell, epochs in cells.items()}
    for _ in range(rounds):
        for cell, epochs in cells.items():
            for name, epoch in epochs.items():
                epoch()
                for _ in range(repeat):
                    t0 = time.perf_counter()
                    epoch()
                    best[cell][name] = min(best[cell][name], time.perf_counter() - t0)
    return {cell: {name: seconds * 1e3 for name, seconds in row.items()} for cell, row in best.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3, help="timed epochs per engine and round")
    args = parser.parse_args(argv)
    cells: dict[Cell, dict[str, Epoch]] = {}
    for dtype in (np.float64, np.float32):
        X, y = data(dtype)
        for batch in (32, 256):
            cells[dtype, batch] = {name: make(X, y, batch) for name, make in ENGINES.items()}
    times = best_ms(cells, args.rounds, args.repeat)
    results = {name: [times[cell][name] for cell in cells] for name in ENGINES}
    head = " | ".join(f"{np.dtype(dt).name} b{bs}" for dt, bs in cells)
    print(f"MLP 64-128-64-10, one epoch of 1,797 examples, ms (best of {args.rounds} x {args.repeat})")
    print(f"| engine | {head} |")
    print("|---|" + "---:|" * len(cells))
    for name, row in results.items():
        print(f"| {name} | " + " | ".join(f"{v:.1f}" for v in row) + " |")
    ours = results["chainrule Tensor"]
    for peer in ENGINES:
        if peer == "chainrule Tensor":
            continue
        print(f"| chainrule / {peer} | " + " | ".join(f"{o / p:.2f}x" for o, p in zip(ours, results[peer])) + " |")


if __name__ == "__main__":
    main()
