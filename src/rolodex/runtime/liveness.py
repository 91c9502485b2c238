"""Is the process running an import still alive? Judged by its heartbeat, not its PID.

A running import (``rolodex import`` or a worker's job) writes ``heartbeat_at`` every
:data:`HEARTBEAT_SECONDS` from a thread of its own, whatever its batches are doing. A run
whose heartbeat is older than :data:`STALE_AFTER` (six missed beats) is dead. So is one
recorded on this machine under another boot (``/proc/sys/kernel/random/boot_id``): the
machine restarted since. A PID gives one more, one-way answer: on this host and boot, a PID
that no longer exists proves the run died (a killed import reads ``interrupted`` at once),
but a live PID proves nothing — after ``kill -9`` the number may belong to any new process.
"""

from __future__ import annotations

import functools
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

HEARTBEAT_SECONDS = 10.0
STALE_AFTER = timedelta(seconds=60)
BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


@functools.cache
def boot_id() -> str | None:
    """This boot's random ID (Linux); ``None`` where the system gives none."""
    try:
        return BOOT_ID.read_text(encoding="ascii").strip() or None
    except OSError:
        return None


@dataclass(frozen=True)
class Runner:
    """Where a run said it was running, and when it last said it was alive."""

    host: str | None
    boot: str | None
    pid: int | None
    heartbeat_at: datetime | None


def here() -> dict[str, object]:
    """The columns a run records about itself when it starts or takes a job."""
    return {"host": socket.gethostname(), "boot_id": boot_id(), "pid": os.getpid()}


def is_dead(runner: Runner, now: datetime | None = None) -> bool:
    """Whether the run is certainly dead (see the module docstring for the rules)."""
    now = now or datetime.now(UTC)
    beat = runner.heartbeat_at
    if beat is None or _aware(beat) < now - STALE_AFTER:
        return True
    if runner.host != socket.gethostname():
        return False
    if runner.boot and boot_id() and runner.boot != boot_id():
        return True
    return not _process_exists(runner.pid)


def _process_exists(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Heartbeat:
    """Calls ``beat`` every :data:`HEARTBEAT_SECONDS` on a daemon thread while in the block.

    ``beat`` must not raise for a passing problem (a busy database): it is best effort, and
    six missed beats in a row are what make a run count as dead.
    """

    def __init__(self, beat: Callable[[], None], every: float = HEARTBEAT_SECONDS):
        self._beat, self._every = beat, every
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._done.wait(self._every):
            self._beat()
