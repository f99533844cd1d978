"""The interpreter's settings while an import runs: fewer garbage collections, and the
database's thread handed the GIL sooner.

An import allocates tens of objects per row, nearly none of them in reference cycles, and
CPython's collector scans the young objects every 700 allocations and every object the
process holds (its modules' functions and classes among them, a hundred thousand) every
70,000: about a fifth of an import's time, measured, went on scans that found next to nothing.
During an import the objects that exist at its start are set aside (`gc.freeze`), and young
objects are collected every 100,000 allocations instead, which still bounds what cycles hold.

SQLite writes a batch on its own thread, which needs the GIL between statements, while this
thread prepares the next batch in pure Python. With the default 5 ms switch interval the
database's thread was measured not to start a batch until this one had prepared the next
(writes and preparation took turns instead of overlapping); at 0.5 ms they overlap, and 100,000
rows took 4.3 s instead of 5.4 s.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager

IMPORT_THRESHOLDS = (100_000, 50, 1000)
IMPORT_SWITCH_INTERVAL = 0.0005

_running = 0  # imports running in this process (the API may run several)
_saved: tuple[tuple[int, int, int], float] | None = None


@contextmanager
def import_tuning() -> Iterator[None]:
    """The import's settings until the last import running in this process ends."""
    global _running, _saved
    if _running == 0:
        _saved = gc.get_threshold(), sys.getswitchinterval()
        gc.freeze()
        gc.set_threshold(*IMPORT_THRESHOLDS)
        sys.setswitchinterval(IMPORT_SWITCH_INTERVAL)
    _running += 1
    try:
        yield
    finally:
        _running -= 1
        if _running == 0 and _saved is not None:
            thresholds, interval = _saved
            gc.set_threshold(*thresholds)
            sys.setswitchinterval(interval)
            gc.unfreeze()
            _saved = None
