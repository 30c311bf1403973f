"""Writing a file whole or not at all: what ``nn`` uses for saved models and ``viz`` for pictures.

The data goes to a temporary file in the destination's directory, which is synced to disk and
then renamed over the destination (``os.replace`` is atomic on one file system), and the
directory is synced after the rename. A reader sees the old file or the new one, never half of
one; on any error the temporary file is removed and the old file is left as it was.

A writer killed outright (``kill -9``, a power cut) cannot remove its temporary file. So the
writer holds an advisory lock (``flock``) on it while it writes, which the system lets go when
the process dies, and each write removes the temporaries of earlier writes to the same
destination that nobody holds any more. (Where ``flock`` does not exist, nothing is removed.)

A destination is replaced only where ``open(path, "w")`` could write it: not when the user
lacks write permission on it (``PermissionError``), and, for root too, whom permissions do not
stop, not when no one has write permission on it (mode 0444, say, which marks it read-only).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Union

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock, so stale temporaries stay
    fcntl = None  # type: ignore[assignment]

__all__ = ["write_atomic"]

Payload = Union[bytes, str, Callable[[BinaryIO], object]]


def write_atomic(path: str | os.PathLike[str], data: Payload) -> Path:
    """Write ``data`` to ``path`` whole or not at all and return the path.

    ``data`` is bytes, text (written as UTF-8) or a function that writes to the binary file it
    is given (``lambda f: np.savez(f, **arrays)``). Missing parent directories are created. A
    symbolic link is written through (the file it points to is replaced; the link stays); a
    FIFO, a device or a directory is refused (``OSError``), not replaced. The
    file gets the permissions a plain ``open(path, "w")`` would leave: an existing file keeps
    its mode, a new one gets ``0o666`` less the umask. A destination the user may not write
    (or, for root, one without any write permission) raises ``PermissionError`` and is left as
    it is.
    """
    target = _destination(Path(path))
    directory = target.parent
    directory.mkdir(parents=True, exist_ok=True)
    _check_writable(target)
    fd, tmp = _create_temporary(directory, target.name)
    try:
        # The descriptor, and with it the lock, stays open until the rename is done: another
        # writer's clean-up must not take the file for a dead writer's before then.
        with os.fdopen(fd, "wb", closefd=False) as f:
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
    finally:
        os.close(fd)
    _sync_directory(directory)
    _remove_stale_temporaries(directory, target.name)
    return target


def _destination(target: Path) -> Path:
    """The file to replace: through a symbolic link, the file it points to (the link stays, as
    ``open(path, "w")`` would leave it); never a FIFO, a device or a directory, which a rename
    would replace by a plain file (``OSError``)."""
    if target.is_symlink():
        target = target.resolve()
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return target
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "a directory: give a file name", str(target))
    if not stat.S_ISREG(mode):
        raise OSError(errno.EINVAL, "not a regular file: chainrule writes a file whole (a temporary file "
                                    "renamed over it), which a FIFO or a device cannot be", str(target))
    return target


def _check_writable(target: Path) -> None:
    """Raise ``PermissionError`` if ``open(target, "w")`` would be refused, or if no one may
    write ``target`` (root may, but a file with no write bit was made read-only on purpose)."""
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return
    if not os.access(target, os.W_OK) or (stat.S_ISREG(mode) and not mode & 0o222):
        raise PermissionError(errno.EACCES, "the file is read-only: not replacing it (make it writable first, "
                                            "or save under another name)", str(target))


def _create_temporary(directory: Path, name: str) -> tuple[int, Path]:
    """A new file beside the destination, created with mode 0o666 so the kernel applies the
    umask (``tempfile.mkstemp`` would make it owner-only, and reading the umask means changing it),
    and locked (see :func:`_remove_stale_temporaries`)."""
    while True:
        tmp = directory / f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:
            continue
        if fcntl is None:
            return fd, tmp
        fcntl.flock(fd, fcntl.LOCK_EX)
        if _is_at(fd, tmp):
            return fd, tmp
        # another writer's clean-up removed it between its creation and the lock: start again
        os.close(fd)


def _is_at(fd: int, path: Path) -> bool:
    """Whether ``path`` names the file open as ``fd`` (and not another file, or none)."""
    try:
        here, there = os.fstat(fd), os.stat(path)
    except FileNotFoundError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def _remove_stale_temporaries(directory: Path, name: str) -> None:
    """Remove the temporaries of earlier writes to ``directory / name`` whose writers are gone.

    Only names of :func:`_create_temporary`'s pattern for this destination are looked at, and
    each is removed only while this process holds its lock: a writer at work holds it, a
    killed one does not (the system lets it go). ``flock``, not ``lockf``: a ``lockf`` lock is
    the process's, so a thread of the writer's own process could take it.
    """
    if fcntl is None:
        return
    pattern = re.compile(rf"\.{re.escape(name)}\.[0-9a-f]{{8}}\.tmp")
    with contextlib.suppress(OSError):
        for entry in os.scandir(directory):
            if pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                _remove_if_abandoned(Path(entry.path))


def _remove_if_abandoned(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if _is_at(fd, path):  # (still the file that was locked: not renamed, not replaced)
            os.unlink(path)
    except OSError:  # held: a writer is at work (or the file went away meanwhile)
        pass
    finally:
        os.close(fd)


def _sync_directory(directory: Path) -> None:
    # The rename lives in the directory: sync it too, so it survives a power cut (POSIX only).
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
