"""The compiled build (mypyc) and the ``CHAINRULE_PURE`` switch: which code runs is the one asked for."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import autograd
from autograd.compiled import PURE_REQUESTED, compiled_modules

HOT = [  # setup.py's COMPILED
    "autograd.engine", "autograd.functional", "autograd.op", "autograd.ops", "autograd.tensor", "autograd.tensor_ops",
    "autograd.value",
]


def _run(code: str, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if k != "CHAINRULE_PURE"} | env
    done = subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.mark.skipif(not os.environ.get("CHAINRULE_EXPECT_COMPILED"), reason="CHAINRULE_EXPECT_COMPILED not set")
@pytest.mark.skipif(PURE_REQUESTED, reason="CHAINRULE_PURE is set")
def test_the_installed_build_is_compiled() -> None:
    # CI sets CHAINRULE_EXPECT_COMPILED: a build that fell back to pure Python must not pass quietly
    assert compiled_modules() == HOT


def test_setup_and_makefile_list_the_same_modules() -> None:
    # the Makefile reinstalls when one of them changes, so that the compiled code never lags behind
    root = Path(__file__).resolve().parents[2]
    tree = ast.parse((root / "setup.py").read_text())
    (listed,) = [node.value for node in tree.body
                 if isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == ["COMPILED"]]
    in_setup = sorted(ast.literal_eval(listed))
    makefile = (root / "Makefile").read_text().replace("\\\n", " ")
    (line,) = re.findall(r"^COMPILED = (.*)$", makefile, flags=re.MULTILINE)
    assert sorted(line.split()) == in_setup
    assert [p.removesuffix(".py").replace("/", ".") for p in in_setup] == HOT


def test_pure_switch_imports_the_source() -> None:
    code = "import autograd.engine as e; from autograd.compiled import compiled_modules as c; print(c(), e.__file__)"
    modules, file = _run(code, CHAINRULE_PURE="1").split(" ", 1)
    assert modules == "[]" and Path(file).name == "engine.py"


def test_both_builds_compute_the_same_numbers() -> None:
    code = (
        "from autograd import Value, grad\n"
        "x = Value(0.7); y = (x * x.tanh() + (x ** 3).exp() / (1 + x.sigmoid())).log()\n"
        "(d,) = grad(y, [x], create_graph=True); (d2,) = grad(d, [x])\n"
        "print(repr(y.data), repr(d.data), repr(d2))\n"
        "import numpy as np; from autograd import Tensor, cross_entropy\n"
        "W = Tensor(np.linspace(-1, 1, 12).reshape(4, 3)); X = np.linspace(0, 2, 15).reshape(5, 3)\n"
        "loss = cross_entropy((X @ W.T).tanh() * 2.0, np.array([0, 3, 1, 2, 3])); loss.backward()\n"
        "print(loss.data.tobytes().hex(), W.grad.tobytes().hex())"
    )
    assert _run(code) == _run(code, CHAINRULE_PURE="1")


def test_a_stale_compiled_module_is_reported(tmp_path: Path) -> None:
    if not compiled_modules():
        pytest.skip("the Python source runs: nothing compiled to go stale")
    # a copy of the package whose engine.py is newer than its compiled module
    copy = tmp_path / "autograd"
    subprocess.run(["cp", "-r", str(Path(autograd.__file__).parent), str(copy)], check=True)
    source = copy / "engine.py"
    newer = source.stat().st_mtime + 60
    os.utime(source, (newer, newer))
    code = "import warnings; warnings.simplefilter('error'); import autograd"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode != 0 and "engine.py changed after it was compiled" in done.stderr
