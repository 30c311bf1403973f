"""Scalar engine benchmark: chainrule ``Value`` against micrograd 0.1.0, side by side.

Both engines build the same random scalar graph (ops both have: ``+``, ``*``, ``*`` by a
constant, ``relu``, ``** 2``), drawn in advance so random-number cost stays out of the timing,
then backpropagate from its output. Every node feeds the output (op ``k`` always consumes node
``k``), and the plan is simulated on floats first so that no value overflows.

    python bench/engine.py              # 30,000 ops, best of 3, plus the 1,000,000-node chain
    python bench/engine.py --ops 100000 --repeat 5

Reports nodes per second (ops of the plan / seconds for forward + backward), memory per op
(tracemalloc over the whole graph kept alive after backward, after ``gc.collect()``, since
micrograd's closures form reference cycles) and the ratios chainrule / micrograd.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ADD, MUL, MUL_CONST, RELU, SQUARE = range(5)


@dataclass(frozen=True)
class Plan:
    inputs: list[float]
    steps: list[tuple[int, int, int, float]]  # (op, index of a, index of b, constant)


def make_plan(n_ops: int, width: int = 16, seed: int = 0) -> Plan:
    rng = random.Random(seed)
    inputs = [rng.uniform(-1, 1) for _ in range(width)]
    values = list(inputs)
    steps = []
    for k in range(n_ops):
        op = rng.randrange(5)
        j = rng.randrange(len(values))
        c = rng.uniform(-1, 1)
        a, b = values[k], values[j]
        out = [a + b, a * b, a * c, max(a, 0.0), a * a][op]
        if abs(out) > 10.0:  # keep every value finite: fall back to a shrinking op
            op, out = MUL_CONST, a * c
        values.append(out)
        steps.append((op, k, j, c))
    return Plan(inputs, steps)


def build(value: Callable[[float], Any], plan: Plan) -> Any:
    nodes = [value(x) for x in plan.inputs]
    push = nodes.append
    for op, i, j, c in plan.steps:
        a = nodes[i]
        if op == ADD:
            push(a + nodes[j])
        elif op == MUL:
            push(a * nodes[j])
        elif op == MUL_CONST:
            push(a * c)
        elif op == RELU:
            push(a.relu())
        else:
            push(a**2)
    out = nodes[-1]
    for node in nodes[-len(plan.inputs) : -1]:  # the last nodes nobody consumed yet
        out = out + node
    return out


def timed(value: Callable[[float], Any], plan: Plan) -> tuple[float, float]:
    """One forward and one forward+backward time, in seconds, from a collected heap."""
    gc.collect()
    t0 = time.perf_counter()
    out = build(value, plan)
    t1 = time.perf_counter()
    out.backward()
    t2 = time.perf_counter()
    del out
    return t1 - t0, t2 - t0


def memory(value: Callable[[float], Any], plan: Plan) -> int:
    gc.collect()
    tracemalloc.start()
    out = build(value, plan)
    out.backward()
    gc.collect()
    used, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del out
    return used


def chain(value: Callable[[float], Any], n: int) -> str:
    x = value(1.0)
    y = x
    try:
        t0 = time.perf_counter()
        for _ in range(n):
            y = y + 1e-6
        y.backward()
        return f"ok in {time.perf_counter() - t0:.1f} s (dy/dx = {x.grad:g})"
    except RecursionError:
        return f"RecursionError (recursion limit {sys.getrecursionlimit()})"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ops", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--chain", type=int, default=1_000_000)
    args = parser.parse_args(argv)

    from micrograd.engine import Value as MicroValue

    from autograd import Value

    plan = make_plan(args.ops)
    n = len(plan.steps) + len(plan.inputs) - 1
    engines = {"chainrule": Value, "micrograd 0.1.0": MicroValue}
    # Rounds alternate between the engines, so that both meet the same state of a shared
    # machine (its speed drifts by tens of percent over a minute here); best of the rounds.
    best = {name: (float("inf"), float("inf")) for name in engines}
    for _ in range(args.repeat):
        for name, cls in engines.items():
            fwd, total = timed(cls, plan)
            best[name] = (min(best[name][0], fwd), min(best[name][1], total))
    rows = {name: (*best[name], memory(cls, plan) / n) for name, cls in engines.items()}
    ours, theirs = rows["chainrule"], rows["micrograd 0.1.0"]
    python = sys.version.split()[0]
    print(f"random scalar graph: {n:,} ops (+, *, * const, relu, **2), best of {args.repeat}, Python {python}")
    print("| engine | forward ms | forward+backward ms | k nodes/s | bytes/op |")
    print("|---|---:|---:|---:|---:|")
    for name, (fwd, total, mem) in rows.items():
        print(f"| {name} | {fwd * 1e3:.1f} | {total * 1e3:.1f} | {n / total / 1e3:.0f} | {mem:.0f} |")
    print(f"| **ratio** chainrule/micrograd | {theirs[0] / ours[0]:.2f}x faster | {theirs[1] / ours[1]:.2f}x faster | "
          f"{theirs[1] / ours[1]:.2f}x | {ours[2] / theirs[2]:.2f}x the memory |")
    print()
    print(f"{args.chain:,}-node chain, forward + backward:")
    print(f"  chainrule: {chain(Value, args.chain)}")
    print(f"  micrograd: {chain(MicroValue, min(args.chain, 5_000))}")


if __name__ == "__main__":
    main()
