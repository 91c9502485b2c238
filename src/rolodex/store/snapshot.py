"""The journal of an import: each record it wrote, as it was before and after.

A snapshot is plain JSON of what an import can change — a contact's names, company,
labels and custom values; a user's names, password hash and active flag — so undo can put
it back, and can tell whether anything changed it since (the current snapshot differs from
the journal's ``after``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Connection

from rolodex.domain import ContactState, UserState
from rolodex.store import bulk

Snapshot = dict[str, Any]


def _person(state: ContactState | UserState) -> Snapshot:
    return {"email": state.email, "first_name": state.first_name, "last_name": state.last_name}


def contact(state: ContactState | None) -> Snapshot | None:
    if state is None:
        return None
    return {
        **_person(state),
        "company_id": state.company_id,
        "label_ids": sorted(state.label_ids),
        "custom": {str(k): v for k, v in sorted(state.custom.items())},
    }


def user(state: UserState | None) -> Snapshot | None:
    if state is None:
        return None
    return {
        **_person(state),
        "password_hash": state.password_hash,
        "active": state.active,
        "role": state.role.value,
    }


CONTACT_JSON = {
    "sqlite": (
        "json_object('email', c.email, 'first_name', c.first_name, 'last_name', c.last_name, "
        "'company_id', c.company_id, 'label_ids', json(c.label_ids), 'custom', json(c.custom))"
    ),
    "postgresql": (
        "json_build_object('email', c.email, 'first_name', c.first_name, 'last_name', "
        "c.last_name, 'company_id', c.company_id, 'label_ids', to_json(c.label_ids), "
        "'custom', c.custom)"
    ),
}
""":func:`contact`, built by the database from the contact's row: a contacts import journals
tens of thousands of contacts a second, and JSON made in Python would cost more than
writing the contacts themselves."""


def journal_contacts_before(conn: Connection, import_id: int, keys: Collection[str]) -> None:
    """Journal the stored state of contacts about to change; a contact the import wrote
    before (an earlier batch, a duplicate row) keeps its first entry. Run before writing;
    ``after`` waits as ``{}`` for :func:`journal_contacts_after`."""
    state = CONTACT_JSON[conn.dialect.name]
    bulk.execute_in(
        conn,
        f"INSERT INTO import_journal (import_id, entity, key, created, before, after) "
        f"SELECT {bulk.placeholder(conn)}, 'contact', c.email_key, FALSE, {state}, '{{{{}}}}' "
        "FROM contacts c WHERE c.{where} "
        "ON CONFLICT (import_id, entity, key) DO NOTHING",
        "email_key",
        keys,
        (import_id,),
    )


def journal_contacts_after(conn: Connection, import_id: int, keys: Collection[str]) -> None:
    """Journal the state the import left contacts in; those without an entry yet are the
    ones it created. Run after writing."""
    state = CONTACT_JSON[conn.dialect.name]
    bulk.execute_in(
        conn,
        f"INSERT INTO import_journal (import_id, entity, key, created, before, after) "
        f"SELECT {bulk.placeholder(conn)}, 'contact', c.email_key, TRUE, NULL, {state} "
        "FROM contacts c WHERE c.{where} "
        "ON CONFLICT (import_id, entity, key) DO UPDATE SET after = excluded.after",
        "email_key",
        keys,
        (import_id,),
    )


JOURNAL = bulk.Upsert(
    "import_journal",
    ("import_id", "entity", "key", "created", "before", "after"),
    ("import_id", "entity", "key"),
    (("after", "excluded.after"),),
)


def record(
    conn: Connection,
    import_id: int,
    entity: str,
    entries: Sequence[tuple[str, Snapshot | None, Snapshot | None]],
) -> None:
    """Journal a batch; a record written again later in the same import keeps its first
    ``before`` and takes the new ``after``."""
    rows = [
        (import_id, entity, key, before is None, bulk.as_json(before), bulk.as_json(after))
        for key, before, after in sorted(entries, key=lambda entry: entry[0])
    ]
    bulk.run(conn, JOURNAL, rows)
