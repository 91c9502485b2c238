"""Labels, companies and custom fields: the things contacts refer to."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError

from rolodex.domain import Company, CustomField, FieldType, Label, company_key
from rolodex.errors import Conflict
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
