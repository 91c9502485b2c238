"""Ids a contact keeps of catalog records that no foreign key guards on PostgreSQL: its
labels (``label_ids``, an array no key can reach) and its company (``company_id``, whose key
migration 0010 took off: checked once per row, it was a sixth of an import's statement).

Two ways could leave an id pointing nowhere, and both are closed by the same order of
locks. A writer links only records it has locked (:func:`lock_existing`), and a delete
locks the record's row before it takes the id off every contact: so a delete either waits
for the writer to commit and then unlinks what it wrote, or the writer finds the record
gone and links nothing. SQLite's writer holds the whole database, so there a plain read
is as good (and SQLite keeps the company's key).
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Connection, Table, select


def lock_existing(conn: Connection, table: Table, ids: Collection[int]) -> set[int]:
    """Which of ``ids`` are rows of ``table`` now, each locked (PostgreSQL ``FOR KEY
    SHARE``, in id order) until the transaction ends."""
    if not ids:
        return set()
    column = table.c.id
    query = select(column).where(column.in_(sorted(ids)))
    if conn.dialect.name == "postgresql":
        query = query.order_by(column).with_for_update(key_share=True)
    return set(conn.scalars(query))


def lock_if_exists(conn: Connection, table: Table, row_id: int | None) -> int | None:
    """``row_id``, locked as :func:`lock_existing` locks, if it is a row of ``table`` now;
    else ``None``: a writer putting back or setting a link to a record deleted a moment ago
    leaves the contact unlinked, as the delete would have had the write come first."""
    if row_id is None or not lock_existing(conn, table, [row_id]):
        return None
    return row_id


def lock_for_delete(conn: Connection, table: Table, row_id: int) -> None:
    """Lock a record about to be deleted, before its id is taken off the contacts: a writer
    holding it (:func:`lock_existing`) commits first, and the delete then sees its rows."""
    column = table.c.id
    conn.execute(select(column).where(column == row_id).with_for_update())
