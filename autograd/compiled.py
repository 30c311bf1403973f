"""Which build of the engine runs: compiled with mypyc, or the Python source.

Installing chainrule compiles the modules every op and every backward step runs through
(``autograd/engine.py``, ``op.py``, ``ops.py``, ``value.py``, ``tensor.py``, ``tensor_ops.py`` and
``functional.py``; ``COMPILED`` in ``setup.py``) with mypyc where it can: the same source files,
turned into C extension modules that Python imports in place of the ``.py`` files beside them.
They compute the same numbers, bit for bit; the compiled build is about twice as fast on scalar
graphs, and it takes an op on small tensors from microseconds of Python to a fraction of one.

One difference: compiled code checks the annotated classes of arguments on entry. The public
API annotates what users pass with protocols where numpy takes numpy's own numbers
(``axis: SupportsIndex``), so ``t.sum(axis=np.int64(1))`` works in both builds; but a flag such
as ``create_graph`` must be a real ``bool`` in the compiled build (``create_graph=1`` is a
``TypeError``), and a few type errors are worded by that check rather than by chainrule.

Set ``CHAINRULE_PURE=1`` in the environment before the first ``import autograd`` to run the
Python source anyway: to step through ``backward`` in a debugger, or to try an edit to the engine
without rebuilding. :func:`compiled_modules` tells which modules run compiled.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import math
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

__all__ = ["PURE_REQUESTED", "compiled_modules", "warn_if_stale"]

_PACKAGE = Path(__file__).resolve().parent
_SUFFIXES = tuple(importlib.machinery.EXTENSION_SUFFIXES)  # what a compiled module's file ends with

PURE_REQUESTED: bool = os.environ.get("CHAINRULE_PURE", "") not in ("", "0")
"""``CHAINRULE_PURE`` was set (to anything but ``0``) when ``autograd`` was first imported."""


class _SourceFirst(importlib.abc.MetaPathFinder):
    """Finds ``autograd``'s own modules as ``.py`` source, even where a compiled module lies
    beside the file (Python's default finder prefers extension modules)."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        source = _source(fullname)
        if not fullname.startswith("autograd.") or fullname.count(".") != 1 or not source.is_file():
            return None
        return importlib.util.spec_from_file_location(fullname, source)


def compiled_modules() -> list[str]:
    """The ``autograd`` modules imported so far that run compiled, e.g. ``["autograd.engine", …]``."""
    found = []
    for name, module in list(sys.modules.items()):
        file = Path(str(getattr(module, "__file__", "")))
        # (the shared library the compiled modules link to has no source of its own: not listed)
        if name.startswith("autograd.") and file.name.endswith(_SUFFIXES) and _source(name).is_file():
            found.append(name)
    return sorted(found)


def _source(name: str) -> Path:
    return _PACKAGE / (name.rpartition(".")[2] + ".py")


def warn_if_stale() -> None:
    """Warn when a compiled module is older than its source: the edit is not what runs."""
    modules = compiled_modules()
    if not modules:
        return
    # The code lives in one shared library beside the modules' thin shims, and a rebuild rewrites
    # only the files whose content changed: the build time is that of the newest binary.
    built = max((f.stat().st_mtime for f in _PACKAGE.iterdir() if f.name.endswith(_SUFFIXES)), default=math.inf)
    for name in modules:
        source = _source(name)
        # A second of slack: installing a wheel writes all the files in one go, in no set order.
        if source.stat().st_mtime > built + 1.0:
            warnings.warn(
                f"{source} changed after it was compiled, so the old compiled code runs: rebuild "
                "(pip install -e ., or make) or set CHAINRULE_PURE=1 to run the source",
                RuntimeWarning,
                stacklevel=3,
            )


if PURE_REQUESTED and not any(isinstance(f, _SourceFirst) for f in sys.meta_path):
    sys.meta_path.insert(0, _SourceFirst())
