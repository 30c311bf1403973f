"""Saved files that are hostile, odd or left behind: bounded loads, no litter, the file's own mode.

Oracles: the model's own values before a refused load (nothing changes), the directory listing
(what a save leaves), tracemalloc's peak (what a load allocated), and ``open(path, "w")``'s rule
for whom a file may be replaced by.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from autograd.files import write_atomic
from nn import MLP, StateDictError

MB = 1 << 20


def _values(model: MLP) -> list[float]:
    return [p.data for p in model.parameters()]


def _saved(tmp_path: Path) -> Path:
    path = tmp_path / "model.npz"
    MLP(3, [4, 2], seed=1).save(path)
    return path


def _add_entry(path: Path, name: str, size: int, header: bytes = b"") -> None:
    """Append a deflated entry of ``header`` and then ``size`` zero bytes: a few hundred
    kilobytes on disk for hundreds of megabytes when read."""
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open(name, "w", force_zip64=True) as f:
            f.write(header)
            chunk = bytes(8 * MB)
            for _ in range(size // len(chunk)):
                f.write(chunk)


def _load_peak(model: MLP, path: Path) -> tuple[BaseException | None, int]:
    """Load ``path`` into ``model``; what it raised and the most memory it held meanwhile."""
    tracemalloc.start()
    try:
        model.load(path)
        raised = None
    except BaseException as exc:
        raised = exc
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return raised, peak


def test_an_unexpected_huge_entry_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = _saved(tmp_path)
    _add_entry(path, "bomb.npy", 512 * MB)
    assert path.stat().st_size < 2 * MB  # a zip bomb: small on disk
    model = MLP(3, [4, 2], seed=2)
    before = _values(model)
    raised, peak = _load_peak(model, path)
    assert isinstance(raised, StateDictError) and "unexpected bomb" in str(raised)
    assert peak < 4 * MB  # nothing of the 512 MB was read
    assert _values(model) == before


def test_an_expected_entry_larger_than_its_parameter_is_refused_unread(tmp_path: Path) -> None:
    # layers.0.neurons.0.b is a 0-d float64: its header says so, but the entry goes on for 512 MB
    path = _saved(tmp_path)
    with zipfile.ZipFile(path) as z:
        header = z.read("layers.0.neurons.0.b.npy")[:128]
        others = {i.filename: z.read(i) for i in z.infolist() if i.filename != "layers.0.neurons.0.b.npy"}
    with zipfile.ZipFile(path, "w") as z:
        for name, data in others.items():
            z.writestr(name, data)
    _add_entry(path, "layers.0.neurons.0.b.npy", 512 * MB, header)
    model = MLP(3, [4, 2], seed=2)
    before = _values(model)
    raised, peak = _load_peak(model, path)
    assert isinstance(raised, StateDictError) and "its header describes" in str(raised)
    assert peak < 4 * MB
    assert _values(model) == before


def test_an_entry_whose_header_announces_a_huge_array_is_refused_unread(tmp_path: Path) -> None:
    # a header that claims the shape (100000, 1000) for a weight the model holds as a number
    path = _saved(tmp_path)
    big = np.lib.format.header_data_from_array_1_0(np.zeros(1))
    big["shape"] = (100_000, 1_000)
    with zipfile.ZipFile(path) as z:
        kept = {i.filename: z.read(i) for i in z.infolist() if i.filename != "layers.1.neurons.1.w.3.npy"}
    with zipfile.ZipFile(path, "w") as z:
        for name, data in kept.items():
            z.writestr(name, data)
    with zipfile.ZipFile(path, "a") as z, z.open("layers.1.neurons.1.w.3.npy", "w") as f:
        np.lib.format.write_array_header_1_0(f, big)
    model = MLP(3, [4, 2], seed=2)
    raised, peak = _load_peak(model, path)
    assert isinstance(raised, StateDictError) and "(100000, 1000)" in str(raised)
    assert peak < 4 * MB


def test_many_long_unexpected_names_give_a_short_message(tmp_path: Path) -> None:
    path = _saved(tmp_path)
    with zipfile.ZipFile(path, "a") as z:
        for i in range(200):
            z.writestr(f"{i}{'x' * 5000}.npy", b"")
    with pytest.raises(StateDictError, match="and 180 more") as info:
        MLP(3, [4, 2], seed=2).load(path)
    assert len(str(info.value)) < 3000


def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "model.npz"
    os.mkfifo(fifo)
    outcome: list[Any] = []

    def load() -> None:
        try:
            MLP(3, [4, 2], seed=2).load(fifo)
        except BaseException as exc:
            outcome.append(exc)

    loader = threading.Thread(target=load, daemon=True)
    loader.start()
    loader.join(10)
    if loader.is_alive():  # blocked in open(), waiting for a writer: give it one, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        loader.join(10)
        pytest.fail("loading a FIFO blocked")
    assert isinstance(outcome[0], StateDictError) and "not a regular file" in str(outcome[0])


def test_a_directory_is_refused_as_a_directory(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        MLP(3, [4, 2], seed=2).load(tmp_path)


_WRITER = textwrap.dedent("""
    import sys, time
    from autograd.files import write_atomic

    def write(f):
        f.write(b"x" * 1000)
        f.flush()
        print("writing", flush=True)
        time.sleep(60)

    write_atomic(sys.argv[1], write)
""")


def _start_writer(path: Path) -> subprocess.Popen[str]:
    """A process in the middle of ``write_atomic(path, ...)``, once this returns."""
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(path)], stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None and writer.stdout.readline() == "writing\n"
    return writer


def _temporaries(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_saves_killed_midway_leave_no_temporaries_after_the_next_save(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    for _ in range(3):
        writer = _start_writer(path)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    assert len(_temporaries(tmp_path)) == 3  # what kill -9 leaves
    other = tmp_path / "other.npz"
    other_writer = _start_writer(other)
    other_writer.send_signal(signal.SIGKILL)
    other_writer.wait()
    MLP(3, [4, 2], seed=1).save(path)
    assert _temporaries(tmp_path) == [f".other.npz.{_temporaries(tmp_path)[0].split('.')[3]}.tmp"]  # another target's
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["model.npz"]


def test_a_save_under_way_keeps_its_temporary(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    writer = _start_writer(path)  # another process, writing
    try:
        MLP(3, [4, 2], seed=1).save(path)
        assert len(_temporaries(tmp_path)) == 1  # the live writer's, left alone
    finally:
        writer.kill()
        writer.wait()
    # the same within one process: another thread writing
    entered, release = threading.Event(), threading.Event()

    def slow(f: Any) -> None:
        f.write(b"y")
        entered.set()
        release.wait(10)

    thread = threading.Thread(target=write_atomic, args=(tmp_path / "model.npz", slow))
    thread.start()
    try:
        assert entered.wait(10)
        MLP(3, [4, 2], seed=1).save(path)  # removes the killed writer's, not the thread's
        assert len(_temporaries(tmp_path)) == 1
    finally:
        release.set()
        thread.join(10)
    assert path.read_bytes() == b"y" and _temporaries(tmp_path) == []


def test_a_read_only_file_is_not_replaced(tmp_path: Path) -> None:
    path = _saved(tmp_path)
    before = path.read_bytes()
    path.chmod(0o444)
    with pytest.raises(PermissionError, match="read-only"):
        MLP(3, [4, 2], seed=9).save(path)  # refused for root too: nobody may write it
    assert path.read_bytes() == before and stat.S_IMODE(path.stat().st_mode) == 0o444
    assert _temporaries(tmp_path) == []


def test_a_file_the_user_may_not_write_is_not_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As a user without write permission on it (tests may run as root, whom permissions do not stop):
    path = _saved(tmp_path)
    before = path.read_bytes()
    monkeypatch.setattr(os, "access", lambda p, mode, **_: not (mode & os.W_OK and Path(p) == path))
    with pytest.raises(PermissionError):
        MLP(3, [4, 2], seed=9).save(path)
    assert path.read_bytes() == before
