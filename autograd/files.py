"""Writing a file whole or not at all: what ``nn`` uses for saved models and ``viz`` for pictures.

The data goes to a temporary file in the destination's directory, which is synced to disk and
then renamed over the destination (``os.replace`` is atomic on one file system), and the
directory is synced after the rename. A reader sees the old file or the new one, never half of
one; on any error the temporary file is removed and the old file is left as it was.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Union

__all__ = ["write_atomic"]

Payload = Union[bytes, str, Callable[[BinaryIO], object]]


def write_atomic(path: str | os.PathLike[str], data: Payload) -> Path:
    """Write ``data`` to ``path`` whole or not at all and return the path.

    ``data`` is bytes, text (written as UTF-8) or a function that writes to the binary file it
    is given (``lambda f: np.savez(f, **arrays)``). Missing parent directories are created. The
    file gets the permissions a plain ``open(path, "w")`` would leave: an existing file keeps
    its mode, a new one gets ``0o666`` less the umask.
    """
    target = Path(path)
    directory = target.parent
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temporary(directory, target.name)
    try:
        with os.fdopen(fd, "wb") as f:
            if callable(data):
                data(f)
            else:
                f.write(data.encode("utf-8") if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _sync_directory(directory)
    return target


def _create_temporary(directory: Path, name: str) -> tuple[int, Path]:
    """A new file beside the destination, created with mode 0o666 so the kernel applies the
    umask (``tempfile.mkstemp`` would make it owner-only, and reading the umask means changing it)."""
    while True:
        tmp = directory / f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666), tmp
        except FileExistsError:
            continue


def _sync_directory(directory: Path) -> None:
    # The rename lives in the directory: sync it too, so it survives a power cut (POSIX only).
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
