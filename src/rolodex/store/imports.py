"""Reading import records back: the history, one run, and its rejected rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    and_,
    delete,
    insert,
    not_,
    or_,
    select,
    update,
)

from rolodex.domain import ADMIN_ONLY_KINDS
from rolodex.importing.ports import ImportMeta, ImportRecord, ImportStatus, Reject
from rolodex.importing.report import Counts
from rolodex.runtime import liveness
from rolodex.store import schema as t

CHUNK = 2000


def new_record(conn: Connection, meta: ImportMeta, status: ImportStatus, **extra: Any) -> int:
    """Record a run (``running`` for the CLI, ``queued`` for a job) and give its id."""
    values = {
        "kind": meta.kind,
        "file_name": meta.file_name,
        "sha256": meta.sha256,
        "dry_run": meta.dry_run,
        "strict": meta.strict,
        "status": status,
        "rows_total": meta.rows_total,
        "rows_done": 0,
        "warnings": list(meta.warnings),
        "header": list(meta.header),
        "options": dict(meta.options),
        "columns": list(meta.columns),
        "actor": meta.actor,
        "started_at": datetime.now(UTC),
        **extra,
    }
    return int(conn.execute(insert(t.imports).returning(t.imports.c.id), values).scalar_one())


def heartbeat(conn: Connection, import_id: int) -> None:
    """The run is alive: its heartbeat is now (only while it is ``running``)."""
    conn.execute(
        update(t.imports)
        .where(t.imports.c.id == import_id, t.imports.c.status == ImportStatus.RUNNING)
        .values(heartbeat_at=datetime.now(UTC))
    )


def dead_runs(conn: Connection, by_worker: bool) -> list[int]:
    """The ``running`` runs, of workers or of the CLI, that :func:`liveness.is_dead` says
    are dead."""
    c = t.imports.c
    worker = c.worker.is_not(None) if by_worker else c.worker.is_(None)
    running = conn.execute(
        select(c.id, c.host, c.boot_id, c.pid, c.heartbeat_at).where(
            c.status == ImportStatus.RUNNING, worker
        )
    ).all()
    return [row.id for row in running if liveness.is_dead(liveness.Runner(*row[1:]))]


def count_values(counts: Counts) -> dict[str, int]:
    """The columns of the import record that keep ``counts`` (``rows`` is ``rows_done``)."""
    values = counts.as_dict()
    values["rows_done"] = values.pop("rows")
    return values


def import_record(row: Row[Any]) -> ImportRecord:
    """A row of ``imports`` as the typed record."""
    values = dict(row._mapping)
    return ImportRecord(**values | {"status": ImportStatus(values["status"])})


def save_progress(conn: Connection, import_id: int, counts: Counts, rejects: list[Reject]) -> None:
    """A batch's counts and rejected rows, in the batch's own transaction."""
    conn.execute(
        update(t.imports).where(t.imports.c.id == import_id).values(**count_values(counts))
    )
    if rejects:
        save_rejects(conn, import_id, rejects)


def save_rejects(conn: Connection, import_id: int, batch: list[Reject]) -> None:
    conn.execute(
        insert(t.import_rejects),
        [
            {"import_id": import_id, "row": r.row, "values": r.values, "error": r.error}
            for r in batch
        ],
    )
    conn.execute(
        insert(t.import_errors),
        [
            {
                "import_id": import_id,
                "row": issue.row,
                "column": issue.column,
                "code": issue.code,
                "message": issue.message,
            }
            for r in batch
            for issue in r.issues
        ],
    )


def forget_rejects(conn: Connection, import_id: int) -> None:
    conn.execute(delete(t.import_rejects).where(t.import_rejects.c.import_id == import_id))
    conn.execute(delete(t.import_errors).where(t.import_errors.c.import_id == import_id))


def agent_may_see() -> ColumnElement[bool]:
    """Runs of a kind anyone may import, and undos of them (an undo of a users import
    lists agents too)."""
    c, target = t.imports.c, t.imports.alias("target")
    admin_only = select(target.c.id).where(target.c.kind.in_(ADMIN_ONLY_KINDS))
    return and_(
        c.kind.not_in(ADMIN_ONLY_KINDS),
        or_(c.undo_of.is_(None), not_(c.undo_of.in_(admin_only))),
    )


def history(conn: Connection, limit: int | None = None, admin: bool = True) -> list[ImportRecord]:
    """The runs, newest first; an agent's history leaves out the admin-only ones."""
    query = select(t.imports).order_by(t.imports.c.id.desc())
    if not admin:
        query = query.where(agent_may_see())
    if limit:
        query = query.limit(limit)
    return [import_record(row) for row in conn.execute(query)]


def record(conn: Connection, import_id: int, admin: bool = True) -> ImportRecord | None:
    """One run, or ``None`` — also when an agent asks for an admin-only one, so its
    existence is not revealed."""
    query = select(t.imports).where(t.imports.c.id == import_id)
    if not admin:
        query = query.where(agent_may_see())
    row = conn.execute(query).first()
    return import_record(row) if row else None


def errors(conn: Connection, import_id: int, limit: int) -> list[dict[str, Any]]:
    e = t.import_errors.c
    query = (
        select(e.row, e.column, e.code, e.message)
        .where(e.import_id == import_id)
        .order_by(e.id)
        .limit(limit)
    )
    return [dict(row._mapping) for row in conn.execute(query)]


def rejects(conn: Connection, import_id: int) -> Iterator[tuple[int, list[str], str]]:
    """Rejected rows in file order, a chunk at a time."""
    r = t.import_rejects.c
    last = 0
    while True:
        query = (
            select(r.row, r["values"], r.error)
            .where(r.import_id == import_id, r.row > last)
            .order_by(r.row)
            .limit(CHUNK)
        )
        chunk = list(conn.execute(query))
        if not chunk:
            return
        yield from ((row, values, error) for row, values, error in chunk)
        last = chunk[-1][0]
