"""Child processes: how rolodex starts them, and how many cores it may use."""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import os


def available_cpus() -> int:
    """Cores this process may run on (CPU affinity honoured where the platform has it)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def start_context() -> (
    multiprocessing.context.ForkServerContext | multiprocessing.context.SpawnContext
):
    """``forkserver`` where available, else ``spawn``.

    Not ``fork``: children are made inside uvicorn or a CLI that may already run threads,
    and forking a process with threads can copy a lock held by another thread into the
    child, which then deadlocks (Python 3.12 warns about it; 3.14 stops defaulting to it). A
    forkserver child starts from a small clean process and costs a few tens of milliseconds;
    ``spawn`` (macOS, Windows) is the same idea at a fresh interpreter's cost. Both import
    the parent's main module: a script that starts children needs the usual
    ``if __name__ == "__main__":`` guard (console scripts and uvicorn already have it).
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")
