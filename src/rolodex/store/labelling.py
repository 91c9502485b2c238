"""A contact's labels as a column of ids on its row, in each database's own terms.

PostgreSQL keeps ``integer[]`` under a GIN index, so "contacts with label 5" is an index
search (``label_ids @> ARRAY[5]``); SQLite keeps a JSON array and reads it with
``json_each`` (a scan for the page's rows; the count goes over an index, below).

How many contacts carry a label: PostgreSQL reads it from ``label_tallies``, deltas that
statement triggers on ``contacts`` append (migration 0008), since counting 400,000 of a
million contacts by reading them takes 0.2 s; :func:`compact` folds the deltas up at the
end of each import. SQLite counts over its index on ``label_ids`` (migration 0011): the
contacts share a few dozen distinct label sets, so each distinct array is opened once and
counted by the index (``_SETS``).

No foreign key guards the ids: :mod:`rolodex.store.references` says how none comes to
point nowhere (a writer links only labels it has locked, and deleting a label deletes its
row first, then takes it off every contact with :func:`without`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    String,
    TextualSelect,
    and_,
    column,
    exists,
    func,
    select,
    text,
    type_coerce,
)
from sqlalchemy.dialects import postgresql

from rolodex.store import schema as t


def carrying(dialect: str, label_id: int) -> ColumnElement[bool]:
    """The contact carries ``label_id``. On SQLite, ``json_each`` reads only the arrays
    whose text holds the id's digits: the ``LIKE`` costs a fraction of opening the array,
    and most contacts of a large list lack any one label (ARCHITECTURE.md#the-data-layout)."""
    label_ids = t.contacts.c.label_ids
    if dialect == "postgresql":
        return label_ids.bool_op("@>")(postgresql.array([label_id], type_=Integer))
    each = func.json_each(label_ids).table_valued("value")
    digits = type_coerce(label_ids, String).like(f"%{label_id}%")
    return and_(digits, exists(select(1).select_from(each).where(each.c.value == label_id)))


def without(dialect: str, label_id: int) -> ColumnElement[Any]:
    """The contact's label ids less ``label_id``, still sorted."""
    label_ids = t.contacts.c.label_ids
    if dialect == "postgresql":
        return func.array_remove(label_ids, label_id)
    each = func.json_each(label_ids).table_valued("value")
    kept = select(func.json_group_array(each.c.value)).where(each.c.value != label_id)
    return kept.scalar_subquery()


_SETS = "(SELECT label_ids, count(*) AS contacts FROM contacts GROUP BY label_ids) AS sets"
"""SQLite: each distinct set of label ids and how many contacts carry it, read off the index
on ``label_ids`` in one pass."""

COUNTS = {
    "postgresql": (
        "SELECT label_id, SUM(contacts) FROM label_tallies GROUP BY label_id "
        "HAVING SUM(contacts) <> 0"
    ),
    "sqlite": (
        f"SELECT l.value, SUM(sets.contacts) FROM {_SETS} JOIN json_each(sets.label_ids) AS l "
        "GROUP BY l.value"
    ),
}


def counts(conn: Connection) -> dict[int, int]:
    """Label id → how many contacts carry it (labels no one carries are absent)."""
    return {int(label_id): int(n) for label_id, n in conn.exec_driver_sql(COUNTS[_of(conn)])}


CARRIED = {
    "postgresql": "SELECT label_id FROM label_tallies GROUP BY label_id HAVING SUM(contacts) > 0",
    "sqlite": f"SELECT DISTINCT l.value FROM {_SETS} JOIN json_each(sets.label_ids) AS l",
}


def carried(conn: Connection) -> TextualSelect:
    """The ids of the labels some contact carries, as a subquery (``id IN …``)."""
    return text(CARRIED[_of(conn)]).columns(column("label_id", Integer))


COUNT = {
    "postgresql": "SELECT COALESCE(SUM(contacts), 0) FROM label_tallies WHERE label_id = %s",
    "sqlite": (
        f"SELECT COALESCE(SUM(sets.contacts), 0) FROM {_SETS} WHERE sets.label_ids LIKE ? "
        "AND EXISTS (SELECT 1 FROM json_each(sets.label_ids) WHERE value = ?)"
    ),
}


def count(conn: Connection, label_id: int) -> int:
    """How many contacts carry ``label_id`` (SQLite: as :func:`carrying` finds them, the
    ``LIKE`` first, for a file whose every contact has a set of its own)."""
    if _of(conn) == "postgresql":
        return int(conn.exec_driver_sql(COUNT["postgresql"], (label_id,)).scalar_one())
    found = conn.exec_driver_sql(COUNT["sqlite"], (f"%{label_id}%", label_id))
    return int(found.scalar_one())


def compact(conn: Connection) -> None:
    """Fold PostgreSQL's tally deltas into one row per label. Exact with writers at work:
    the rows summed are exactly the rows this deleted, and a delta committed meanwhile is
    left for next time."""
    if _of(conn) == "postgresql":
        conn.exec_driver_sql(
            "WITH folded AS (DELETE FROM label_tallies RETURNING label_id, contacts) "
            "INSERT INTO label_tallies (label_id, contacts) SELECT label_id, SUM(contacts) "
            "FROM folded GROUP BY label_id HAVING SUM(contacts) <> 0"
        )


def forget(conn: Connection, label_id: int) -> None:
    """A deleted label's tally (its delete took it off every contact first)."""
    if _of(conn) == "postgresql":
        conn.exec_driver_sql("DELETE FROM label_tallies WHERE label_id = %s", (label_id,))


def _of(conn: Connection) -> str:
    return conn.dialect.name
