"""Reading import records back: the history, one run, and its rejected rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, select

from rolodex.store import schema as t

CHUNK = 2000


def history(conn: Connection, limit: int | None = None) -> list[dict[str, Any]]:
    query = select(t.imports).order_by(t.imports.c.id.desc())
    if limit:
        query = query.limit(limit)
    return [dict(row._mapping) for row in conn.execute(query)]


def record(conn: Connection, import_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(t.imports).where(t.imports.c.id == import_id)).first()
    return dict(row._mapping) if row else None


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
