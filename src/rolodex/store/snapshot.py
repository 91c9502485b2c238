"""The journal of an import: each record it wrote, as it was before and after.

A snapshot is plain JSON of what an import can change — a contact's names, company,
labels and custom values; a user's names, password hash and active flag — so undo can put
it back, and can tell whether anything changed it since (the current snapshot differs from
the journal's ``after``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from rolodex.domain import ContactState, UserState
from rolodex.store import bulk

Snapshot = dict[str, Any]


def contact(state: ContactState | None) -> Snapshot | None:
    if state is None:
        return None
    return {
        "email": state.email,
        "first_name": state.first_name,
        "last_name": state.last_name,
        "company_id": state.company_id,
        "label_ids": sorted(state.label_ids),
        "custom": {str(k): v for k, v in sorted(state.custom.items())},
    }


def user(state: UserState | None) -> Snapshot | None:
    if state is None:
        return None
    return {
        "email": state.email,
        "first_name": state.first_name,
        "last_name": state.last_name,
        "password_hash": state.password_hash,
        "active": state.active,
        "role": state.role.value,
    }


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
