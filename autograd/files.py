"""Writing a file whole or not at all: what ``nn`` uses for saved models and ``viz`` for pictures.

The data goes to a temporary file in the destination's directory, which is flushed to disk and
then renamed over the destination (``os.replace`` is atomic on one file system). A reader sees
the old file or the new one, never half of one; on any error the temporary file is removed and
the old file is left as it was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Union

__all__ = ["write_atomic"]

Payload = Union[bytes, str, Callable[[BinaryIO], object]]


def write_atomic(path: str | os.PathLike[str], data: Payload) -> Path:
    """Write ``data`` to ``path`` whole or not at all and return the path.

    ``data`` is bytes, text (written as UTF-8) or a function that writes to the binary file it
    is given (``lambda f: np.savez(f, **arrays)``). Missing parent directories are created. The
    file gets the permissions a plain ``open(path, "w")`` would give it (``0o666`` less the
    umask), not the owner-only mode of a temporary file.
    """
    target = Path(path)
    directory = target.parent
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            if callable(data):
                data(f)
            else:
                f.write(data.encode("utf-8") if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target


def _umask() -> int:
    # The only portable way to read the umask is to set it and put it back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
