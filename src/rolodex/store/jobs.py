"""The queue of import jobs, kept in the ``imports`` table itself.

A worker claims the oldest queued job with ``SELECT … FOR UPDATE SKIP LOCKED`` on
PostgreSQL (SQLite serialises writers anyway, so a plain select inside ``BEGIN IMMEDIATE``
does the same): no job runs twice. A running job's worker refreshes ``heartbeat_at``; a job
whose worker is dead (:func:`rolodex.runtime.liveness.is_dead`: heartbeat stopped, machine restarted
or process gone) goes back to the queue and is taken up where it stopped.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import BinaryIO

from sqlalchemy import Connection, delete, distinct, func, insert, select, update

from rolodex.importing.ports import ENDED, ImportMeta, ImportRecord, ImportStatus
from rolodex.runtime import liveness
from rolodex.security.sealing import Sealer
from rolodex.store import imports as records
from rolodex.store import schema as t

UPLOAD_CHUNK = 1 << 20


def enqueue(conn: Connection, meta: ImportMeta, upload: BinaryIO, sealer: Sealer) -> int:
    """Record a queued run and keep its file in the database, sealed, a chunk per row."""
    import_id = records.new_record(conn, meta, ImportStatus.QUEUED)
    seq = 0
    while chunk := upload.read(UPLOAD_CHUNK):
        conn.execute(
            insert(t.import_uploads),
            {"import_id": import_id, "seq": seq, "data": sealer.seal(chunk)},
        )
        seq += 1
    return int(import_id)


def claim(conn: Connection, worker: str) -> ImportRecord | None:
    """Take the oldest queued job for ``worker``, or ``None`` when the queue is empty."""
    query = (
        select(t.imports)
        .where(t.imports.c.status == ImportStatus.QUEUED)
        .order_by(t.imports.c.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    row = conn.execute(query).first()
    if row is None:
        return None
    conn.execute(
        update(t.imports)
        .where(t.imports.c.id == row.id)
        .values(
            status=ImportStatus.RUNNING,
            worker=worker,
            heartbeat_at=datetime.now(UTC),
            **liveness.here(),
        )
    )
    return records.import_record(row)


def upload_chunks(conn: Connection, import_id: int, sealer: Sealer) -> Iterator[bytes]:
    u = t.import_uploads.c
    seq = 0
    while True:
        data = conn.execute(
            select(u.data).where(u.import_id == import_id, u.seq == seq)
        ).scalar_one_or_none()
        if data is None:
            return
        yield sealer.open(bytes(data))
        seq += 1


def forget_upload(conn: Connection, import_id: int) -> None:
    """A finished real run no longer needs its file (a dry run keeps it, to be confirmed)."""
    conn.execute(delete(t.import_uploads).where(t.import_uploads.c.import_id == import_id))


def has_upload(conn: Connection, import_id: int) -> bool:
    u = t.import_uploads.c
    return conn.execute(select(u.seq).where(u.import_id == import_id).limit(1)).first() is not None


def forget_uploads_before(conn: Connection, cutoff: datetime) -> int:
    """Drop the files of runs that have ended and were started before ``cutoff`` (a dry
    run not confirmed in time; a failed run); the number of runs whose file went."""
    c = t.imports.c
    ended = select(c.id).where(c.status.in_(ENDED), c.started_at < cutoff)
    u = t.import_uploads
    gone = conn.execute(
        select(func.count(distinct(u.c.import_id))).where(u.c.import_id.in_(ended))
    ).scalar_one()
    conn.execute(delete(u).where(u.c.import_id.in_(ended)))
    return int(gone)


def pending_uploads(conn: Connection, actor: str) -> list[datetime]:
    """When each run of ``actor`` whose file is still kept was started, oldest first."""
    c, u = t.imports.c, t.import_uploads.c
    kept = select(u.import_id).distinct()
    query = select(c.started_at).where(c.actor == actor, c.id.in_(kept)).order_by(c.started_at)
    return [_aware(moment) for moment in conn.execute(query).scalars()]


def requeue_orphans(conn: Connection) -> list[int]:
    """Jobs whose worker is dead go back to the queue, to be taken up where they stopped."""
    orphans = records.dead_runs(conn, by_worker=True)
    if orphans:
        c = t.imports.c
        conn.execute(
            update(t.imports)
            .where(c.id.in_(orphans), c.status == ImportStatus.RUNNING)
            .values(status=ImportStatus.QUEUED, worker=None)
        )
    return orphans


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
