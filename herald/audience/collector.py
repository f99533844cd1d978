"""Fewer garbage collections while an import runs.

An import allocates tens of objects per row, nearly none of them in reference cycles, and
CPython's collector scans the young objects every 700 allocations and every object the
process holds (its modules' functions and classes among them, a hundred thousand) every
70,000: a fifth of an import's time, measured, went on scans that found next to nothing. During an
import the objects that exist at its start are set aside (`gc.freeze`), and young objects
are collected every 100,000 allocations instead, which still bounds what cycles can hold.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

IMPORT_THRESHOLDS = (100_000, 50, 1000)

_running = 0  # imports running in this process (the API may run several)
_saved: tuple[int, int, int] | None = None


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect less often until the last import running in this process ends."""
    global _running, _saved
    if _running == 0:
        _saved = gc.get_threshold()
        gc.freeze()
        gc.set_threshold(*IMPORT_THRESHOLDS)
    _running += 1
    try:
        yield
    finally:
        _running -= 1
        if _running == 0 and _saved is not None:
            gc.set_threshold(*_saved)
            gc.unfreeze()
            _saved = None
