"""Garbage collection paced for bulk work.

An import allocates millions of short-lived containers (rows, drafts, states) that
reference counting frees at once; Python's cyclic collector, left at its defaults, still
walks them every 700 allocations and, as the heap grows, walks every live object too.
Measured on a 100k-row file: parsing 1.8 s → 1.1 s, unpickling a parsed batch 4× faster.
Collections still run, only less often, so a rare reference cycle is still freed. (Not
``gc.freeze``: frozen garbage waits for a full collection that then rarely comes — a test
suite that leaves engines to the collector ran out of database connections.)
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

BULK_THRESHOLDS = (100_000, 50, 1000)

_lock = threading.Lock()
_active = 0
_saved: tuple[int, int, int] = gc.get_threshold()


@contextmanager
def bulk_work() -> Iterator[None]:
    """Collect rarely inside the block; nested and concurrent blocks (threads of a server)
    share one setting, and the last one out puts the old thresholds back."""
    global _active, _saved
    with _lock:
        if _active == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(*BULK_THRESHOLDS)
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0:
                gc.set_threshold(*_saved)
