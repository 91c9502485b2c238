"""Reading contacts back: one contact, a filtered page, or all of them for export.

Contacts are read in chunks, and each chunk's labels and custom values in one query each,
so an export of a million contacts streams in constant memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, func, or_, select

from rolodex.store import schema as t

CHUNK = 1000


@dataclass
class ContactView:
    id: int
    email: str
    first_name: str | None
    last_name: str | None
    company_id: int | None
    source: str
    created_at: datetime
    updated_at: datetime
    labels: list[tuple[int, str]] = field(default_factory=list)
    custom: dict[str, str] = field(default_factory=dict)
    """variable name → value in canonical text"""


def _columns() -> Select[Any]:
    c = t.contacts.c
    return select(
        c.id, c.email, c.first_name, c.last_name, c.company_id, c.source, c.created_at, c.updated_at
    )


def by_key(conn: Connection, key: str) -> ContactView | None:
    row = conn.execute(_columns().where(t.contacts.c.email_key == key)).first()
    return _complete(conn, [ContactView(*row)])[0] if row else None


def page(
    conn: Connection, label_id: int | None, q: str | None, offset: int, limit: int
) -> tuple[list[ContactView], int]:
    query = _filtered(_columns(), label_id, q)
    total = conn.execute(_filtered(select(func.count()), label_id, q)).scalar_one()
    rows = conn.execute(query.order_by(t.contacts.c.id).offset(offset).limit(limit))
    return _complete(conn, [ContactView(*row) for row in rows]), int(total)


def every(conn: Connection, label_id: int | None = None) -> Iterator[ContactView]:
    """All contacts by id, a chunk at a time (keyset paging, not OFFSET)."""
    last = 0
    while True:
        query = _filtered(_columns(), label_id, None).where(t.contacts.c.id > last)
        chunk = [
            ContactView(*r) for r in conn.execute(query.order_by(t.contacts.c.id).limit(CHUNK))
        ]
        if not chunk:
            return
        yield from _complete(conn, chunk)
        last = chunk[-1].id


def _filtered(query: Select[Any], label_id: int | None, q: str | None) -> Select[Any]:
    query = query.select_from(t.contacts)
    if label_id is not None:
        linked = select(t.contact_labels.c.contact_id).where(
            t.contact_labels.c.label_id == label_id
        )
        query = query.where(t.contacts.c.id.in_(linked))
    if q:
        text = q.strip().lower()
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        c = t.contacts.c
        query = query.where(
            or_(
                *(
                    column.like(pattern, escape="\\")
                    for column in (
                        c.email_key,
                        func.lower(c.email),
                        func.lower(c.first_name),
                        func.lower(c.last_name),
                    )
                )
            )
        )
    return query


def _complete(conn: Connection, views: Sequence[ContactView]) -> list[ContactView]:
    by_id = {v.id: v for v in views}
    if not by_id:
        return []
    links = (
        select(t.contact_labels.c.contact_id, t.labels.c.id, t.labels.c.name)
        .join(t.labels, t.labels.c.id == t.contact_labels.c.label_id)
        .where(t.contact_labels.c.contact_id.in_(list(by_id)))
        .order_by(t.labels.c.id)
    )
    for contact_id, label_id, name in conn.execute(links):
        by_id[contact_id].labels.append((label_id, name))
    values = (
        select(
            t.custom_values.c.contact_id, t.custom_fields.c.variable_name, t.custom_values.c.value
        )
        .join(t.custom_fields, t.custom_fields.c.id == t.custom_values.c.field_id)
        .where(t.custom_values.c.contact_id.in_(list(by_id)))
    )
    for contact_id, name, value in conn.execute(values):
        by_id[contact_id].custom[name] = value
    return list(views)
