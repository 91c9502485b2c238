"""A contact's labels as a column of ids on its row, in each database's own terms.

PostgreSQL keeps ``integer[]`` under a GIN index, so "contacts with label 5" is an index
search (``label_ids @> ARRAY[5]``); SQLite keeps a JSON array and reads it with
``json_each`` (a scan: 0.3 s for a million contacts, ARCHITECTURE.md#the-data-layout).

No foreign key guards the ids, so the two ways an id could come to point nowhere are
closed here: deleting a label deletes its row first and then takes it off every contact
(:func:`without`), and a writer links only labels it has locked against that delete
(:func:`lock_existing`).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, Connection, Integer, exists, func, select
from sqlalchemy.dialects import postgresql

from rolodex.store import schema as t


def carrying(dialect: str, label_id: Any) -> ColumnElement[bool]:
    """The contact carries ``label_id`` (a value, or a column such as ``labels.id``)."""
    label_ids = t.contacts.c.label_ids
    if dialect == "postgresql":
        return label_ids.bool_op("@>")(postgresql.array([label_id], type_=Integer))
    each = func.json_each(label_ids).table_valued("value")
    return exists(select(1).select_from(each).where(each.c.value == label_id))


def without(dialect: str, label_id: int) -> ColumnElement[Any]:
    """The contact's label ids less ``label_id``, still sorted."""
    label_ids = t.contacts.c.label_ids
    if dialect == "postgresql":
        return func.array_remove(label_ids, label_id)
    each = func.json_each(label_ids).table_valued("value")
    kept = select(func.json_group_array(each.c.value)).where(each.c.value != label_id)
    return kept.scalar_subquery()


COUNTS = {
    "postgresql": (
        "SELECT l.id, count(*) FROM contacts CROSS JOIN unnest(contacts.label_ids) AS l(id) "
        "GROUP BY l.id"
    ),
    "sqlite": (
        "SELECT l.value, count(*) FROM contacts JOIN json_each(contacts.label_ids) AS l "
        "GROUP BY l.value"
    ),
}


def counts(conn: Connection) -> dict[int, int]:
    """Label id → how many contacts carry it, in one pass over the contacts."""
    return {int(label_id): count for label_id, count in conn.exec_driver_sql(COUNTS[_of(conn)])}


def lock_existing(conn: Connection, ids: Collection[int]) -> set[int]:
    """Which of ``ids`` are labels now, each locked (PostgreSQL ``FOR KEY SHARE``) until the
    transaction ends: a label deleted at the same moment is either gone here, or its delete
    waits and then takes it off what this transaction wrote. SQLite's writer holds the whole
    database, so there a plain read is as good."""
    if not ids:
        return set()
    labels = t.labels.c
    query = select(labels.id).where(labels.id.in_(sorted(ids)))
    if _of(conn) == "postgresql":
        query = query.order_by(labels.id).with_for_update(key_share=True)
    return set(conn.scalars(query))


def _of(conn: Connection) -> str:
    return conn.dialect.name
