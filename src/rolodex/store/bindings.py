"""Remembered header bindings: one row per (kind, header), the last choice wins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select

from rolodex.store import schema as t
from rolodex.store.dialect import insert


def find(conn: Connection, kind: str, header_sha256: str) -> dict[str, str] | None:
    """The mapping remembered for this header, if any."""
    found = conn.execute(
        select(t.header_bindings.c.mapping).where(
            t.header_bindings.c.kind == kind, t.header_bindings.c.header_sha256 == header_sha256
        )
    ).scalar_one_or_none()
    return dict(found) if isinstance(found, dict) else None


def save(
    conn: Connection, kind: str, header_sha256: str, mapping: dict[str, str], at: datetime
) -> None:
    """Remember ``mapping`` for this header, replacing an older choice."""
    row = {"kind": kind, "header_sha256": header_sha256, "mapping": mapping, "updated_at": at}
    stmt = insert(conn, t.header_bindings).values(row)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["kind", "header_sha256"],
            set_={"mapping": stmt.excluded.mapping, "updated_at": stmt.excluded.updated_at},
        )
    )
