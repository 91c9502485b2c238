"""Reading contacts back: one contact, a filtered page, or all of them for export; and
the imports whose journal holds a contact.

Contacts are read in chunks, and each chunk's labels and custom values in one query each,
so an export of a million contacts streams in constant memory.

The search (:func:`matching`) splits the text into words; every word must be part of the
email, the first name or the last name, so ``Alan Turing`` and ``turing alan`` both find
Alan Turing, and ``turing@`` or ``example.com`` find addresses. A word is matched with
``LIKE '%word%'``, which no B-tree index serves: a search reads the contacts table once
(one query for the page, one for the count), never once per row.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import MISSING, dataclass, field, fields
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    and_,
    func,
    or_,
    select,
    update,
)

from rolodex.store import labelling, references
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


VIEW_COLUMNS = (
    *(f.name for f in fields(ContactView) if f.default_factory is MISSING),
    "label_ids",
    "custom",
)
"""What :func:`_views` reads: the columns of :class:`ContactView`'s own fields, then the
label ids and custom values it names."""


def _columns() -> Select[Any]:
    return select(*(t.contacts.c[name] for name in VIEW_COLUMNS))


def by_key(conn: Connection, key: str) -> ContactView | None:
    row = conn.execute(_columns().where(t.contacts.c.email_key == key)).first()
    return _views(conn, [row])[0] if row else None


MAX_ID = 2**31 - 1
"""The largest id PostgreSQL's ``integer`` holds: a larger one is no contact, not an error."""


def by_id(conn: Connection, contact_id: int) -> ContactView | None:
    if not 0 < contact_id <= MAX_ID:
        return None
    row = conn.execute(_columns().where(t.contacts.c.id == contact_id)).first()
    return _views(conn, [row])[0] if row else None


def page(
    conn: Connection, label_id: int | None, q: str | None, offset: int, limit: int
) -> tuple[list[ContactView], int]:
    dialect = conn.dialect.name
    query = _filtered(_columns(), dialect, label_id, q)
    if label_id is not None and not (q and q.split()):
        total = labelling.count(conn, label_id)
    else:
        total = conn.execute(_filtered(select(func.count()), dialect, label_id, q)).scalar_one()
    rows = conn.execute(query.order_by(t.contacts.c.id).offset(offset).limit(limit))
    return _views(conn, rows), int(total)


def every(
    conn: Connection, label_id: int | None = None, q: str | None = None
) -> Iterator[ContactView]:
    """All contacts (with a label, matching a search) by id, a chunk at a time (keyset
    paging, not OFFSET)."""
    last = 0
    while True:
        query = _filtered(_columns(), conn.dialect.name, label_id, q)
        query = query.where(t.contacts.c.id > last).order_by(t.contacts.c.id).limit(CHUNK)
        chunk = _views(conn, conn.execute(query))
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].id


def _filtered(query: Select[Any], dialect: str, label_id: int | None, q: str | None) -> Select[Any]:
    query = query.select_from(t.contacts)
    if label_id is not None:
        query = query.where(labelling.carrying(dialect, label_id))
    if q and q.split():
        query = query.where(matching(q))
    return query


def matching(q: str) -> ColumnElement[bool]:
    """Every word of ``q`` is part of the email, the first name or the last name."""
    return and_(*(_word(word) for word in dict.fromkeys(q.lower().split())))


def _word(word: str) -> ColumnElement[bool]:
    c = t.contacts.c
    pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(
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


def company_names(conn: Connection, ids: Collection[int]) -> dict[int, str]:
    """The names of the companies of a page of contacts, in one query."""
    if not ids:
        return {}
    query = select(t.companies.c.id, t.companies.c.name).where(t.companies.c.id.in_(list(ids)))
    return {id_: name for id_, name in conn.execute(query)}


def imports_touching(conn: Connection, key: str, admin: bool = True) -> list[dict[str, Any]]:
    """The runs whose undo journal holds the contact with match key ``key``, newest first.

    Joined from the (few) import records to the journal on its whole primary key
    ``(import_id, entity, key)``: one index lookup per run, never a scan of the journal."""
    i, j = t.imports.c, t.import_journal.c
    query = (
        select(i.id, i.kind, i.file_name, i.started_at, i.actor, i.undone_by, j.created)
        .join(
            t.import_journal,
            and_(j.import_id == i.id, j.entity == "contact", j.key == key),
        )
        .order_by(i.id.desc())
    )
    if not admin:
        query = query.where(i.kind != "users")
    return [dict(row._mapping) for row in conn.execute(query)]


def _views(conn: Connection, rows: Iterable[Row[Any]]) -> list[ContactView]:
    """Views of rows of :func:`_columns`, their label ids and custom field ids named in two
    queries for all of them."""
    rows = list(rows)
    label_ids = {label_id for row in rows for label_id in row.label_ids}
    labels = {}
    if label_ids:
        query = select(t.labels.c.id, t.labels.c.name).where(t.labels.c.id.in_(label_ids))
        labels = {id_: name for id_, name in conn.execute(query)}
    names = {}
    if any(row.custom for row in rows):
        query = select(t.custom_fields.c.id, t.custom_fields.c.variable_name)
        names = {str(id_): name for id_, name in conn.execute(query)}
    views = []
    for row in rows:
        view = ContactView(*tuple(row)[:-2])
        view.labels = [(i, labels[i]) for i in row.label_ids if i in labels]
        view.custom = {names[k]: v for k, v in row.custom.items() if k in names}
        views.append(view)
    return views


def lock(conn: Connection, contact_id: int) -> ContactView | None:
    """The contact, read for a change in this transaction (PostgreSQL locks its row, so
    an import writing it at once waits, and the change is compared with what is stored)."""
    query = _columns().where(t.contacts.c.id == contact_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(of=t.contacts)
    row = conn.execute(query).first()
    return _views(conn, [row])[0] if row else None


def save(conn: Connection, contact_id: int, edit: Edit) -> None:
    """Write a contact's names, company, labels and custom values as ``edit`` says, and
    stamp ``updated_at``: the undo of an earlier import sees the contact changed since."""
    c = t.contacts.c
    conn.execute(
        update(t.contacts)
        .where(c.id == contact_id)
        .values(
            first_name=edit.first_name,
            last_name=edit.last_name,
            company_id=references.lock_if_exists(conn, t.companies, edit.company_id),
            label_ids=sorted(references.lock_existing(conn, t.labels, edit.label_ids)),
            custom={str(k): v for k, v in sorted(edit.custom.items())},
            updated_at=edit.at,
        )
    )


@dataclass(frozen=True)
class Edit:
    """A contact's editable state as it is to be stored: ``custom`` is field id → value in
    canonical text (a field without a value is left out)."""

    first_name: str | None
    last_name: str | None
    company_id: int | None
    label_ids: frozenset[int]
    custom: dict[int, str]
    at: datetime
