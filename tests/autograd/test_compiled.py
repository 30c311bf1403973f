"""The compiled build (mypyc) and the ``CHAINRULE_PURE`` switch: which code runs is the one asked for."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import autograd
from autograd.compiled import PURE_REQUESTED, compiled_modules

HOT = ["autograd.engine", "autograd.op", "autograd.ops", "autograd.value"]  # setup.py's COMPILED


def _run(code: str, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if k != "CHAINRULE_PURE"} | env
    done = subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.mark.skipif(not os.environ.get("CHAINRULE_EXPECT_COMPILED"), reason="CHAINRULE_EXPECT_COMPILED not set")
@pytest.mark.skipif(PURE_REQUESTED, reason="CHAINRULE_PURE is set")
def test_the_installed_build_is_compiled() -> None:
    # CI sets CHAINRULE_EXPECT_COMPILED: a build that fell back to pure Python must not pass quietly
    assert compiled_modules() == HOT


def test_pure_switch_imports_the_source() -> None:
    code = "import autograd.engine as e; from autograd.compiled import compiled_modules as c; print(c(), e.__file__)"
    modules, file = _run(code, CHAINRULE_PURE="1").split(" ", 1)
    assert modules == "[]" and Path(file).name == "engine.py"


def test_both_builds_compute_the_same_numbers() -> None:
    code = (
        "from autograd import Value, grad\n"
        "x = Value(0.7); y = (x * x.tanh() + (x ** 3).exp() / (1 + x.sigmoid())).log()\n"
        "(d,) = grad(y, [x], create_graph=True); (d2,) = grad(d, [x])\n"
        "print(repr(y.data), repr(d.data), repr(d2))"
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
