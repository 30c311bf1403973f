"""Build chainrule, compiling the engine's hot modules with mypyc where it can.

Everything else about the package lives in ``pyproject.toml``. The modules listed in ``COMPILED``
are the ones every op and every backward step runs through. mypyc turns the same source files
into C extension modules, which Python imports in place of the ``.py`` files beside them: about
2x faster on scalar graphs, a few microseconds less per op on tensors, same behaviour
(``autograd/compiled.py`` tells which build runs, and ``CHAINRULE_PURE=1`` at run time imports
the source instead).

The compiled build is optional. Set ``CHAINRULE_PURE=1`` while installing to skip it; without
mypyc or without a C compiler the install goes on as pure Python, with a warning.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext

COMPILED = [
    "autograd/engine.py", "autograd/op.py", "autograd/ops.py", "autograd/value.py",
    "autograd/tensor.py", "autograd/tensor_ops.py", "autograd/functional.py",
]


def _warn(message: str) -> None:
    print(f"chainrule: {message}; installing the pure Python engine", file=sys.stderr)


def _pure_requested() -> bool:
    return os.environ.get("CHAINRULE_PURE", "") not in ("", "0")


def _remove_binaries(paths: list[str]) -> None:
    """Delete compiled modules: those a failed build wrote, and those an earlier build left in
    the source tree (an editable install imports them, in place of the ``.py`` files)."""
    here = Path(__file__).resolve().parent / "autograd"
    for path in [*map(Path, paths), *here.glob("*.so"), *here.glob("*.pyd")]:
        path.unlink(missing_ok=True)


class OptionalBuildExt(build_ext):
    """``build_ext`` that falls back to pure Python when the C build fails.

    A failed build removes what it wrote: a module's compiled shim without the shared library
    it links to would make ``import autograd`` fail, where the ``.py`` file alone works.
    """

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # the compiler's errors come in several classes, all final here
            _warn(f"compiling with mypyc failed ({exc})")
            _remove_binaries(self.get_outputs())


def ext_modules() -> list[Any]:
    if _pure_requested():
        _remove_binaries([])
        return []
    try:
        from mypyc.build import mypycify

        # One shared library for all of them, inside the package: autograd/_compiled__mypyc*.so
        return list(mypycify(COMPILED, opt_level="3", group_name="autograd._compiled"))
    except ImportError:
        _warn("mypyc (part of mypy) is not installed")
    except SystemExit:  # mypycify exits on a type error (a newer mypy may find new ones)
        _warn("mypyc found type errors (printed above)")
    _remove_binaries([])
    return []


setup(ext_modules=ext_modules(), cmdclass={"build_ext": OptionalBuildExt})
