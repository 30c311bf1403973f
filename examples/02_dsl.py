"""Step 2 of the ladder: the notes' equations as text (002, logistic regression on one example).

The program below is the page's derivation typed in; the engine differentiates it and the
printout checks the notes' closed forms dz = y - t, dw = x dz, db = dz.
Run: python examples/02_dsl.py
"""

from __future__ import annotations

from typing import Any

from autograd import dsl

PROGRAM = """
# logistic regression, one example (002_5f5d998247d0da0f.txt)
z = w1*x1 + w2*x2 + b
y = sigmoid(z)
L = -(t*log(y) + (1 - t)*log(1 - y))
"""


def main(values: dict[str, float] | None = None) -> dict[str, Any]:
    program = dsl.parse(PROGRAM)
    values = values or {"x1": 1.0, "x2": 2.0, "w1": 0.1, "w2": -0.2, "b": 0.0, "t": 1.0}
    out = program(values)
    out["L"].backward()
    dz = out["y"].data - values["t"]
    print("the program, as the engine reads it back:")
    print("  " + str(program).strip().replace("\n", "\n  "))
    print(f"inputs {program.inputs}, outputs {program.outputs}")
    print(f"L = {out['L'].data:.6f}")
    print(f"{'':6}{'engine':>12}{'notes':>12}")
    print(f"{'dL/dz':6}{out['z'].grad:>12.6f}{dz:>12.6f}   (y - t)")
    for w, x in (("w1", "x1"), ("w2", "x2")):
        print(f"{'dL/d' + w:6}{out[w].grad:>12.6f}{values[x] * dz:>12.6f}   ({x} dz)")
    print(f"{'dL/db':6}{out['b'].grad:>12.6f}{dz:>12.6f}   (dz)")
    return {"program": program, "nodes": out, "dz": dz}


if __name__ == "__main__":
    main()
