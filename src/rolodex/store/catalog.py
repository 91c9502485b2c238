"""Labels, companies and custom fields: the things contacts refer to."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from rolodex.domain import Company, CustomField, FieldType, Label, company_key
from rolodex.errors import Conflict
from rolodex.store import labelling, references
from rolodex.store import schema as t


def labels(conn: Connection) -> list[Label]:
    return [
        Label(*row)
        for row in conn.execute(select(t.labels.c.id, t.labels.c.name).order_by(t.labels.c.id))
    ]


def label_by_name(conn: Connection, name: str) -> Label | None:
    row = conn.execute(
        select(t.labels.c.id, t.labels.c.name).where(t.labels.c.name == name)
    ).first()
    return Label(*row) if row else None


def add_labels(conn: Connection, names: Sequence[str]) -> list[Label]:
    stamp = datetime.now(UTC)
    result = conn.execute(
        insert(t.labels).returning(t.labels.c.id, t.labels.c.name, sort_by_parameter_order=True),
        [{"name": name, "created_at": stamp} for name in names],
    )
    return [Label(*row) for row in result]


def companies(conn: Connection) -> list[Company]:
    query = select(t.companies.c.id, t.companies.c.name, t.companies.c.domain)
    return [Company(*row) for row in conn.execute(query.order_by(t.companies.c.id))]


def company_by_name(conn: Connection, name: str) -> Company | None:
    """The company whose name is ``name`` in any case, trimmed (:func:`company_key`)."""
    query = select(t.companies.c.id, t.companies.c.name, t.companies.c.domain)
    row = conn.execute(query.where(t.companies.c.name_key == company_key(name))).first()
    return Company(*row) if row else None


def add_company(conn: Connection, name: str, domain: str | None) -> Company:
    """Insert a company. The unique ``name_key`` is the last word when two sessions add the
    same name at once (the caller's check cannot see the other's uncommitted row)."""
    values = {
        "name": name,
        "name_key": company_key(name),
        "domain": domain,
        "created_at": datetime.now(UTC),
    }
    try:
        row = conn.execute(insert(t.companies).returning(t.companies.c.id), values).scalar_one()
    except IntegrityError:
        raise Conflict(f"company '{name}' already exists") from None
    return Company(row, name, domain)


def fields(conn: Connection) -> list[CustomField]:
    query = select(t.custom_fields).order_by(t.custom_fields.c.id)
    return [
        CustomField(r.id, r.variable_name, r.title, FieldType(r.type), tuple(r.options))
        for r in conn.execute(query)
    ]


def add_field(conn: Connection, field: CustomField) -> CustomField:
    new_id = conn.execute(
        insert(t.custom_fields).returning(t.custom_fields.c.id),
        {
            "variable_name": field.variable_name,
            "title": field.title,
            "type": field.type.value,
            "options": list(field.options),
            "created_at": datetime.now(UTC),
        },
    ).scalar_one()
    return CustomField(new_id, field.variable_name, field.title, field.type, field.options)


# -- how many contacts refer to each: one query per list ----------------------------------------


def label_counts(conn: Connection) -> dict[int, int]:
    """Label id → how many contacts carry it (labels no one carries are absent)."""
    return labelling.counts(conn)


def company_counts(conn: Connection) -> dict[int, int]:
    """Company id → how many contacts are linked to it (unlinked companies are absent)."""
    c = t.contacts.c
    query = select(c.company_id, func.count()).where(c.company_id.is_not(None))
    return {company_id: count for company_id, count in conn.execute(query.group_by(c.company_id))}


def option_counts(conn: Connection, field_id: int, options: Sequence[str]) -> dict[str, int]:
    """Of these options of a select field, those some contact holds, with how many."""
    value = t.contacts.c.custom[str(field_id)].as_string()
    query = select(value, func.count()).where(value.in_(list(options))).group_by(value)
    return {value: count for value, count in conn.execute(query)} if options else {}


# -- one record by id ---------------------------------------------------------------------------


def label(conn: Connection, label_id: int) -> Label | None:
    query = select(t.labels.c.id, t.labels.c.name).where(t.labels.c.id == label_id)
    row = conn.execute(query).first()
    return Label(*row) if row else None


def company(conn: Connection, company_id: int) -> Company | None:
    query = select(t.companies.c.id, t.companies.c.name, t.companies.c.domain)
    row = conn.execute(query.where(t.companies.c.id == company_id)).first()
    return Company(*row) if row else None


def field(conn: Connection, field_id: int) -> CustomField | None:
    return next((f for f in fields(conn) if f.id == field_id), None)


# -- changes ------------------------------------------------------------------------------------


def rename_label(conn: Connection, label_id: int, name: str) -> None:
    """Rename in place: contacts refer to the id, so every link follows. The unique name is
    the last word when two sessions take the same name at once."""
    try:
        conn.execute(update(t.labels).where(t.labels.c.id == label_id).values(name=name))
    except IntegrityError:
        raise Conflict(f"label '{name}' already exists") from None


def delete_label(conn: Connection, label_id: int) -> int:
    """Delete a label and take it off every contact (the contacts stay); how many contacts
    lost it. Their ``updated_at`` moves: a contact's labels are part of it. The label's row
    goes first, so an import linking it at the same moment either finds it gone or makes
    this wait until it has written (:mod:`rolodex.store.references`)."""
    conn.execute(delete(t.labels).where(t.labels.c.id == label_id))
    dialect = conn.dialect.name
    lost = conn.execute(
        update(t.contacts)
        .where(labelling.carrying(dialect, label_id))
        .values(label_ids=labelling.without(dialect, label_id), updated_at=datetime.now(UTC))
    ).rowcount
    labelling.forget(conn, label_id)
    return int(lost or 0)


def update_company(conn: Connection, item: Company) -> None:
    values = {"name": item.name, "name_key": company_key(item.name), "domain": item.domain}
    try:
        conn.execute(update(t.companies).where(t.companies.c.id == item.id).values(values))
    except IntegrityError:
        raise Conflict(f"company '{item.name}' already exists") from None


def delete_company(conn: Connection, company_id: int) -> int:
    """Delete a company; its contacts stay, unlinked. How many were linked. The company is
    locked first, so an import linking it at the same moment either finds it gone or
    makes this wait until it has written (:mod:`rolodex.store.references`)."""
    references.lock_for_delete(conn, t.companies, company_id)
    c = t.contacts.c
    unlinked = conn.execute(
        update(t.contacts)
        .where(c.company_id == company_id)
        .values(company_id=None, updated_at=datetime.now(UTC))
    ).rowcount
    conn.execute(delete(t.companies).where(t.companies.c.id == company_id))
    return int(unlinked or 0)


def update_field(conn: Connection, item: CustomField) -> None:
    """A field's title and options; its variable name and type stay what they are."""
    values = {"title": item.title, "options": list(item.options)}
    conn.execute(update(t.custom_fields).where(t.custom_fields.c.id == item.id).values(values))
