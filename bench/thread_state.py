"""What one read of per-thread state costs: the ways grad mode could be kept per thread.

Every op reads the engine's mode (grad mode, the open scope, the anomaly flag) two or three
times, so the read is on the hot path. This micro-benchmark times one read of a flag kept:

- in a plain object's slot (one process-wide flag, as before issue 17: not per thread);
- in a ``threading.local`` subclass (what ``autograd.engine._mode`` is);
- in a ``threading.local`` subclass with ``__slots__`` (wrong: it also shows that a local's
  slots are one value shared by every thread);
- in a plain slotted object reached through a ``threading.local`` (two reads);
- in a dict keyed by ``threading.get_ident()``;
- in a ``contextvars.ContextVar`` (the cheapest read, but a context is not a thread: asyncio
  tasks copy it, and Python 3.14's free-threaded build gives new threads a copy of the
  starter's, which would share one mutable state object between threads).

Run ``python bench/thread_state.py``; the numbers are for the interpreter running it (the
compiled build reads ``_mode`` from C: measure it by timing ``bench/engine.py``).
"""

from __future__ import annotations

import contextvars
import threading
import timeit
from threading import get_ident


class Plain:
    __slots__ = ("enabled",)

    def __init__(self) -> None:
        self.enabled = True


class Local(threading.local):
    def __init__(self) -> None:
        self.enabled = True


class SlottedLocal(threading.local):
    __slots__ = ("enabled",)

    def __init__(self) -> None:
        self.enabled = True


def main(number: int = 2_000_000, repeat: int = 7) -> dict[str, float]:
    """Nanoseconds per read, best of ``repeat`` runs of ``number`` reads, for each way."""
    holder = threading.local()
    holder.state = Plain()
    var: contextvars.ContextVar[Plain] = contextvars.ContextVar("mode")
    var.set(Plain())
    names = {"plain": Plain(), "local": Local(), "slotted": SlottedLocal(), "holder": holder,
             "by_ident": {get_ident(): Plain()}, "get_ident": get_ident, "var": var}
    ways = {
        "plain object's slot (process-wide, not per thread)": "plain.enabled",
        "threading.local subclass (engine._mode)": "local.enabled",
        "threading.local subclass with __slots__ (shared!)": "slotted.enabled",
        "threading.local -> plain object's slot": "holder.state.enabled",
        "dict[threading.get_ident()]": "by_ident[get_ident()].enabled",
        "ContextVar.get()": "var.get().enabled",
    }
    results = {}
    for label, statement in ways.items():
        best = min(timeit.repeat(statement, globals=names, number=number, repeat=repeat))
        results[label] = best / number * 1e9
    return results


def slots_are_shared() -> bool:
    """Whether a value set in a local's slot by another thread is seen by this one."""
    local = SlottedLocal()
    thread = threading.Thread(target=lambda: setattr(local, "enabled", False))
    thread.start()
    thread.join()
    return local.enabled is False


if __name__ == "__main__":
    for label, ns in main().items():
        print(f"{label:55s} {ns:6.1f} ns per read")
    print(f"a threading.local's __slots__ are shared by every thread: {slots_are_shared()}")
