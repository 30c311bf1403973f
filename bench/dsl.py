"""How a DSL program's call time grows with its number of statements (issue 17: it was quadratic).

Each program is a chain, ``v0=x*0.5+1``, ``v1=v0*0.5+1``, …, so every statement reads the
one before (written tightly: a program is at most 100,000 characters). A call's time per
statement should stay flat as the program grows (before issue 17: 0.23 / 0.76 / 3.08 s per
call for 1,000 / 2,000 / 4,000 statements).

What growth is left at a few thousand statements is Python's cyclic garbage collector, which
visits the whole live graph more often as it grows: with ``gc.disable()`` around the calls,
1,000 / 2,000 / 4,000 / 5,000 statements took 3.3 / 3.7 / 5.1 / 5.6 µs per statement on numbers
and 10.1 / 12.1 / 14.1 / 13.8 on arrays (Python source, issue 17's session).

    python bench/dsl.py                    # numbers (Values), then arrays (Tensors)
    python bench/dsl.py --sizes 500 1000
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np

from autograd import dsl


def chain(n: int) -> dsl.Program:
    """The program of ``n`` chained statements."""
    lines = ["v0=x*0.5+1"] + [f"v{i}=v{i - 1}*0.5+1" for i in range(1, n)]
    return dsl.parse("\n".join(lines))


def seconds_per_call(program: dsl.Program, x: Any, repeat: int = 3) -> float:
    """The best of ``repeat`` calls, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        program(x=x)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 4000, 5000])
    args = parser.parse_args()
    print("| statements | numbers: s per call | µs per statement | arrays: s per call | µs per statement |")
    print("|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        program = chain(n)
        scalar = seconds_per_call(program, 0.5)
        array = seconds_per_call(program, np.array([0.5, 1.5]))
        print(f"| {n:,} | {scalar:.3f} | {scalar / n * 1e6:.1f} | {array:.3f} | {array / n * 1e6:.1f} |")


if __name__ == "__main__":
    main()
