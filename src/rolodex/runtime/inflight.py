"""One task at a time on a thread of its own, while the caller gets the next one ready.

An import writes a batch and then waits for the database; the next batch's Python work
(receiving it from the parsing process, resolving it from caches) need not wait with it.
Waiting for a database server releases the GIL, so the two overlap there; the engine does
not use this on SQLite, whose statements run in this process and measured slower with it
(ARCHITECTURE.md#the-seventh-sessions-step).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from types import TracebackType


class InFlight:
    def __init__(self, name: str):
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._task: Future[None] | None = None

    def start(self, task: Callable[[], None]) -> None:
        """Run ``task`` on the thread; the one before must have been waited for."""
        assert self._task is None, "one task at a time"
        self._task = self._pool.submit(task)

    def wait(self) -> bool:
        """Wait for the task in flight, raising what it raised; ``False`` if there was none."""
        task, self._task = self._task, None
        if task is None:
            return False
        task.result()
        return True

    def __enter__(self) -> InFlight:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """The task in flight ends before the caller goes on, however the block ends (an
        import's batch is committed or rolled back before its run is recorded as ended).
        Its error is raised, unless the block is raising one already."""
        try:
            if exc_type is None:
                self.wait()
            elif self._task is not None:
                wait_for([self._task])
        finally:
            self._pool.shutdown(wait=True)
