"""Load a script that is not part of a package (``examples/NN_name.py``, ``bench/tensor.py``) as a
module, to call its functions."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def load_script(path: Path) -> ModuleType:
    """The script at ``path``, imported under a private module name."""
    spec = importlib.util.spec_from_file_location(f"script_{path.parent.name}_{path.stem}", path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_example(name: str) -> ModuleType:
    """The example ``examples/<name>.py``."""
    return load_script(EXAMPLES / f"{name}.py")
