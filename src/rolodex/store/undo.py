"""Putting records back as an import's journal says they were."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, delete, select, update

from rolodex.domain import Role
from rolodex.store import labelling, references
from rolodex.store import schema as t
from rolodex.store.snapshot import Snapshot
from rolodex.store.users import next_epoch

CHUNK = 1000


def entries(conn: Connection, import_id: int) -> Iterator[list[dict[str, Any]]]:
    """The journal of an import, a chunk at a time, in key order."""
    j = t.import_journal.c
    last: tuple[str, str] = ("", "")
    while True:
        query = (
            select(j.entity, j.key, j.created, j.before, j.after)
            .where(j.import_id == import_id)
            .where((j.entity > last[0]) | ((j.entity == last[0]) & (j.key > last[1])))
            .order_by(j.entity, j.key)
            .limit(CHUNK)
        )
        chunk = [dict(row._mapping) for row in conn.execute(query)]
        if not chunk:
            return
        yield chunk
        last = (chunk[-1]["entity"], chunk[-1]["key"])


def has_journal(conn: Connection, import_id: int) -> bool:
    j = t.import_journal.c
    return conn.execute(select(j.key).where(j.import_id == import_id).limit(1)).first() is not None


def delete_records(conn: Connection, entity: str, ids: list[int]) -> None:
    table = t.contacts if entity == "contact" else t.users
    if ids:
        conn.execute(delete(table).where(table.c.id.in_(ids)))


def delete_unused_labels(conn: Connection, names: list[str]) -> int:
    """Remove labels an import created, unless a contact carries them now."""
    if not names:
        return 0
    carried = labelling.carried(conn)
    result = conn.execute(
        delete(t.labels).where(t.labels.c.name.in_(names), t.labels.c.id.not_in(carried))
    )
    return int(result.rowcount or 0)


def restore_contact(conn: Connection, contact_id: int, before: Snapshot) -> None:
    """Put a contact back as ``before`` says, less the labels deleted since; a company
    deleted since is not brought back as a dangling id (the contact stays, unlinked)."""
    names = {"first_name": before["first_name"], "last_name": before["last_name"]}
    labels = sorted(references.lock_existing(conn, t.labels, before["label_ids"]))
    company = references.lock_if_exists(conn, t.companies, before["company_id"])
    custom = before["custom"]
    _set(conn, t.contacts, contact_id, **names, company_id=company, label_ids=labels, custom=custom)


def restore_user(conn: Connection, user_id: int, before: Snapshot) -> None:
    _set(
        conn,
        t.users,
        user_id,
        first_name=before["first_name"],
        last_name=before["last_name"],
        password_hash=before["password_hash"],
        active=before["active"],
        role=Role(before["role"]).value,
        auth_epoch=next_epoch(before["password_hash"], before["active"]),
    )


def _set(conn: Connection, table: Table, row_id: int, **values: Any) -> None:
    """Put ``values`` back on one row, stamped as updated now."""
    conn.execute(
        update(table).where(table.c.id == row_id).values(**values, updated_at=datetime.now(UTC))
    )


def undone_partly(conn: Connection, import_id: int) -> bool:
    """Has an earlier (real, not dry) undo of this import run, skipping some records?"""
    c = t.imports.c
    query = select(c.id).where(c.undo_of == import_id, c.dry_run.is_(False)).limit(1)
    return conn.execute(query).first() is not None


def mark_undone(conn: Connection, import_id: int, undo_id: int) -> None:
    conn.execute(update(t.imports).where(t.imports.c.id == import_id).values(undone_by=undo_id))


def prune(conn: Connection, before: datetime) -> int:
    """Forget the journals (and kept uploads) of runs finished before ``before``."""
    c = t.imports.c
    old = select(c.id).where(c.finished_at < before)
    removed = conn.execute(
        delete(t.import_journal).where(t.import_journal.c.import_id.in_(old))
    ).rowcount
    conn.execute(delete(t.import_uploads).where(t.import_uploads.c.import_id.in_(old)))
    return int(removed or 0)
