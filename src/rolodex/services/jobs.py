"""Imports as background jobs: what the web app queues and ``rolodex worker`` runs.

``submit`` checks the file at once — a file error is known before anything is queued — and
queues it with the file kept in the database. A :class:`Worker` takes jobs one at a time
and runs them through the same engine as the CLI, so the results are the same.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from rolodex.config import Settings, UploadPolicy
from rolodex.errors import StoreError
from rolodex.importing.engine import describe_run
from rolodex.importing.kinds import import_file, prepare_check
from rolodex.importing.options import ImportOptions
from rolodex.importing.ports import ImportRecord
from rolodex.importing.source import open_source
from rolodex.runtime.liveness import Heartbeat
from rolodex.security.passwords import HashingPool
from rolodex.security.sealing import Sealer
from rolodex.services import uploads
from rolodex.store import jobs as queue
from rolodex.store.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Submission:
    kind: str
    path: Path
    file_name: str
    options: ImportOptions
    confirms: int | None = None
    """The dry run this real run confirms: its file is dropped when this run is done."""


def default_sealer() -> Sealer:
    """The sealer of this machine's settings, for callers that were not handed one."""
    return Sealer.from_settings(Settings.from_env())


def submit(store: Store, job: Submission, sealer: Sealer | None = None) -> int:
    """Queue an import; raises ``FileError`` (nothing queued) when the file is unusable."""
    options = job.options
    source = open_source(job.path, options.limits, options.sheet, options.encoding, options.wording)
    binding = prepare_check(job.kind, source.header, store, job.options)
    meta = describe_run(job.kind, job.path, source, job.options, binding)
    meta = replace(
        meta,
        file_name=job.file_name,
        options={**meta.options, **({"confirms": job.confirms} if job.confirms else {})},
    )
    with store.write() as conn, job.path.open("rb") as upload:
        return queue.enqueue(conn, meta, upload, sealer or default_sealer())


@contextlib.contextmanager
def stored_upload(store: Store, import_id: int, sealer: Sealer) -> Iterator[Path]:
    """The file a queued import kept in the database, as a temporary file."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload.csv"
        with store.read() as conn, path.open("wb") as out:
            for chunk in queue.upload_chunks(conn, import_id, sealer):
                out.write(chunk)
        yield path


def options_of(record: ImportRecord, base: ImportOptions) -> ImportOptions:
    return replace(
        base,
        dry_run=bool(record.dry_run),
        strict=bool(record.strict),
        **ImportOptions.from_recorded(record.options or {}),
        actor=record.actor,
        file_name=record.file_name,
    )


class Worker:
    """Runs queued imports until stopped; any number of them may share one PostgreSQL."""

    def __init__(
        self,
        store: Store,
        pool: HashingPool,
        base: ImportOptions,
        poll: float = 1.0,
        sealer: Sealer | None = None,
        uploads: UploadPolicy | None = None,
    ):
        self.store, self.pool, self.base, self.poll = store, pool, base, poll
        self.sealer = sealer or default_sealer()
        self.uploads = uploads
        self.purged_at = float("-inf")
        self.name = f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"
        self.stopping = threading.Event()

    def run_forever(self) -> None:
        while not self.stopping.is_set():
            try:
                ran = self.run_once()
            except StoreError as error:
                log.warning("worker: %s", error)
                ran = False
            if not ran:
                self._purge_now_and_then()
                self.stopping.wait(self.poll)

    def stop(self) -> None:
        self.stopping.set()

    def _purge_now_and_then(self) -> None:
        """While idle, drop the uploads kept past their time (every ``PURGE_EVERY``)."""
        if self.uploads is None:
            return
        now = time.monotonic()
        if now - self.purged_at >= uploads.PURGE_EVERY.total_seconds():
            self.purged_at = now
            uploads.purge(self.store, self.uploads)

    def run_once(self) -> bool:
        """Take one job and run it; False when there was none."""
        with self.store.write() as conn:
            queue.requeue_orphans(conn)
            record = queue.claim(conn, self.name)
        if record is None:
            return False
        self._run(record)
        return True

    def _run(self, record: ImportRecord) -> None:
        job_id = int(record.id)
        with Heartbeat(lambda: self.store.beat(job_id)):
            self._carry_out(job_id, record)

    def _carry_out(self, job_id: int, record: ImportRecord) -> None:
        try:
            with stored_upload(self.store, job_id, self.sealer) as path:
                options = options_of(record, self.base)
                import_file(record.kind, path, self.store, options, pool=self.pool, job_id=job_id)
            if not record.dry_run:
                confirmed = (record.options or {}).get("confirms")
                with self.store.write() as conn:
                    for done_with in (job_id, confirmed):
                        if done_with:
                            queue.forget_upload(conn, int(done_with))
        except Exception:  # a job must end in a final state, whatever went wrong
            log.exception("import %s failed", job_id)
            self.store.mark_failed(job_id)
