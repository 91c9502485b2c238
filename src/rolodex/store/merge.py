"""A batch of contacts merged into the table by the database: staged, matched, compared,
counted, upserted and journaled in set-based statements.

Reading each contact back into Python to compare it, and writing the difference, cost more
than the database spends storing it (ARCHITECTURE.md#the-merge-in-the-database). Here the
rows go into a session-local staging table (PostgreSQL by ``COPY``, SQLite by one
``executemany``), and then:

1. each staged row is matched with its contact, marked with whether it would change it (a
   value given that differs, a label not yet carried, a custom value new or different:
   :data:`CHANGES`), and, for the undo journal, with the state of each contact it would
   change;
2. one ``INSERT … SELECT … ORDER BY email_key ON CONFLICT`` writes the new and the changed
   (keys in the same order in every transaction, so two imports cannot deadlock), merging
   labels and values with what is stored;
3. the journal takes one row per contact written, its state before and after (one write,
   where a ``before`` row then updated with its ``after`` took two: the journal was half
   the cost of an update on PostgreSQL);
4. created, updated and unchanged are counted.

On PostgreSQL the four are one statement (:data:`MERGE_POSTGRESQL`, data-modifying CTEs);
SQLite, which has no ``RETURNING`` for a CTE, marks the staged rows with an ``UPDATE`` and
runs the others one by one.

The staged rows must have distinct email keys: the importer sends a row whose email the
file gave before through its row-by-row path instead (it may disagree with that row).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from rolodex.importing.jsontext import ids_json
from rolodex.importing.ports import Merged, StagedContact
from rolodex.store import bulk, snapshot

STAGE = "stage_merge"
COLUMNS = "email, email_key, first_name, last_name, company_id, label_ids, custom"

CREATE = {
    "postgresql": (
        f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} (email text, email_key text, "
        "first_name text, last_name text, company_id integer, label_ids integer[], "
        "custom jsonb, contact_id integer, changed boolean, before json) ON COMMIT DELETE ROWS"
    ),
    "sqlite": (
        f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} (email TEXT, email_key TEXT, "
        "first_name TEXT, last_name TEXT, company_id INTEGER, label_ids TEXT, custom TEXT, "
        "contact_id INTEGER, changed INTEGER, before TEXT)"
    ),
}

_GIVEN_DIFFERS = " OR ".join(
    f"(s.{column} IS NOT NULL AND s.{column} IS DISTINCT FROM c.{column})"
    for column in ("first_name", "last_name", "company_id")
)
CHANGES = {
    "postgresql": (
        f"{_GIVEN_DIFFERS} OR NOT (s.label_ids <@ c.label_ids) OR NOT (c.custom @> s.custom)"
    ),
    "sqlite": (
        f"{_GIVEN_DIFFERS} "
        "OR (s.label_ids <> c.label_ids AND EXISTS (SELECT 1 FROM json_each(s.label_ids) AS n "
        "WHERE n.value NOT IN (SELECT value FROM json_each(c.label_ids)))) "
        "OR (s.custom <> c.custom AND EXISTS (SELECT 1 FROM json_each(s.custom) AS n "
        "WHERE n.value IS NOT (SELECT o.value FROM json_each(c.custom) AS o WHERE o.key = n.key)))"
    ),
}
"""Would merging the staged row ``s`` change the stored contact ``c``? Empty values leave
a field alone, labels only add up, custom values are set or replaced: the importer's
rules (docs/importing.md#unchanged-rows). On SQLite, JSON text equal to what is stored
(as a re-import's is) needs no look inside."""

MATCH = (
    f"UPDATE {STAGE} AS s SET contact_id = c.id, changed = ({{changes}}), before = {{before}} "
    "FROM contacts AS c WHERE c.email_key = s.email_key"
)
"""SQLite: step 1, marking the staged rows themselves."""

UPSERT = (
    "INSERT INTO contacts (email, email_key, first_name, last_name, company_id, source, "
    "created_at, updated_at, label_ids, custom) "
    "SELECT email, email_key, first_name, last_name, company_id, {mark}, {mark}, {mark}, "
    "label_ids, custom FROM {rows} WHERE contact_id IS NULL OR changed ORDER BY email_key "
    "ON CONFLICT (email_key) DO UPDATE SET {update}"
)

_JOURNAL_ROWS = (
    "INSERT INTO import_journal (import_id, entity, key, created, before, after) "
    "SELECT {mark}, 'contact', c.email_key, s.contact_id IS NULL, s.before, {state} "
    "{rows} ON CONFLICT (import_id, entity, key) DO UPDATE SET after = excluded.after"
)
"""The journal's rows from staged rows ``s`` and the contacts ``c`` they left. A contact
journaled earlier in the import (a run resumed after a crash) keeps its first ``before``."""

JOURNAL = _JOURNAL_ROWS.replace(
    "{rows}",
    f"FROM {STAGE} AS s JOIN contacts AS c ON c.email_key = s.email_key "
    "WHERE s.contact_id IS NULL OR s.changed",
)

COUNT = (
    "SELECT COALESCE(SUM(CASE WHEN contact_id IS NULL THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN changed THEN 1 ELSE 0 END), 0), COUNT(*) "
    f"FROM {STAGE}"
)

MERGE_POSTGRESQL = (
    "WITH matched AS (SELECT s.email, s.email_key, s.first_name, s.last_name, s.company_id, "
    "s.label_ids, s.custom, c.id AS contact_id, m.changed, {before} AS before "
    f"FROM {STAGE} AS s LEFT JOIN contacts AS c ON c.email_key = s.email_key "
    "CROSS JOIN LATERAL (SELECT c.id IS NOT NULL AND ({changes}) AS changed) AS m), "
    "written AS ("
    + UPSERT.replace("{rows}", "matched")
    + " RETURNING email_key, first_name, last_name, company_id, label_ids, custom, email, "
    "(xmax = 0) AS inserted){journaled} "
    "SELECT COUNT(*) FILTER (WHERE contact_id IS NULL), COUNT(*) FILTER (WHERE changed), "
    "COUNT(*), (SELECT COUNT(*) FILTER (WHERE NOT inserted) FROM written) FROM matched"
)
"""PostgreSQL: match, upsert, journal and count in one statement, one round trip where
there were four; the matched rows stay in the statement's own memory, where marking the
staged rows rewrote each of them (ARCHITECTURE.md#the-merge-in-the-database). The journal
takes the state each contact was left in from what the upsert returns. All of it sees one
snapshot: a contact another import created after it was taken is one the upsert finds
(``xmax <> 0``) though the match did not, and it counts as updated."""

JOURNALED = (
    ", journaled AS ("
    + _JOURNAL_ROWS.replace("{rows}", "FROM written AS c JOIN matched AS s USING (email_key)")
    + ")"
)


def merge(
    conn: Connection,
    rows: Sequence[StagedContact],
    update: str,
    source: str,
    now: datetime,
    journal: int | None,
) -> Merged:
    """Merge ``rows`` (distinct email keys) into the contacts; ``update`` is the
    ``ON CONFLICT … DO UPDATE SET`` list of the contacts upsert."""
    dialect = conn.dialect.name
    conn.exec_driver_sql(CREATE[dialect])
    _stage(conn, rows)
    stamp = bulk.timestamp(conn, now)
    if dialect == "postgresql":
        new, changed, staged, not_inserted = _merge_postgresql(
            conn, update, (source, stamp, stamp), journal
        )
        # A contact another import created between the match and the upsert was updated.
        raced = not_inserted - changed
    else:
        new, changed, staged = _merge_sqlite(conn, update, (source, stamp, stamp), journal)
        raced = 0  # SQLite's writer holds the whole database: no one else inserts
    conn.exec_driver_sql(f"DELETE FROM {STAGE}")
    return Merged(created=new - raced, updated=changed + raced, unchanged=staged - new - changed)


def _merge_postgresql(
    conn: Connection, update: str, marks: tuple[Any, ...], journal: int | None
) -> tuple[int, int, int, int]:
    changes, state = CHANGES["postgresql"], snapshot.CONTACT_JSON["postgresql"]
    journaled = "" if journal is None else JOURNALED
    statement = MERGE_POSTGRESQL.format(
        before="NULL" if journal is None else f"CASE WHEN m.changed THEN {state} END",
        changes=changes,
        update=update,
        journaled=journaled.format(mark="%s", state=state),
        mark="%s",
    )
    params = marks if journal is None else (*marks, journal)
    new, changed, staged, not_inserted = conn.exec_driver_sql(statement, params).one()
    return int(new), int(changed), int(staged), int(not_inserted)


def _merge_sqlite(
    conn: Connection, update: str, marks: tuple[Any, ...], journal: int | None
) -> tuple[int, int, int]:
    changes, state = CHANGES["sqlite"], snapshot.CONTACT_JSON["sqlite"]
    before = "NULL" if journal is None else f"CASE WHEN {changes} THEN {state} END"
    conn.exec_driver_sql(MATCH.format(changes=changes, before=before))
    conn.exec_driver_sql(UPSERT.format(mark="?", update=update, rows=STAGE), marks)
    if journal is not None:
        conn.exec_driver_sql(JOURNAL.format(mark="?", state=state), (journal,))
    new, changed, staged = conn.exec_driver_sql(COUNT).one()
    return int(new), int(changed), int(staged)


def _stage(conn: Connection, rows: Sequence[StagedContact]) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(
            f"INSERT INTO {STAGE} ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [_as_sqlite(row) for row in rows],
        )
        return
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor, cursor.copy(f"COPY {STAGE} ({COLUMNS}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row((*row[:5], _array(row.label_ids), row.custom))


def _array(ids: list[int]) -> str:
    """Label ids as PostgreSQL's array literal: psycopg adapts a list element by element,
    at twice the cost of the whole row's other values."""
    return "{" + ",".join(map(str, ids)) + "}"


def _as_sqlite(row: StagedContact) -> tuple[Any, ...]:
    return (*row[:5], ids_json(row.label_ids), row.custom)
