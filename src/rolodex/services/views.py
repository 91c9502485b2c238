"""JSON shapes shared by the CLI and the HTTP API (docs/commands.md#contacts,
docs/commands.md#catalog)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from rolodex.domain import Company, CustomField, FieldType, Label
from rolodex.importing.ports import ImportRecord
from rolodex.store.contacts import ContactView


def contact(view: ContactView, fields: dict[str, CustomField]) -> dict[str, Any]:
    return {
        "id": view.id,
        "email": view.email,
        "first_name": view.first_name,
        "last_name": view.last_name,
        "company_id": view.company_id,
        "labels": [name for _, name in view.labels],
        "labels_id": [label_id for label_id, _ in view.labels],
        "custom_fields": {
            name: typed(value, fields.get(name)) for name, value in sorted(view.custom.items())
        },
        "source": view.source,
        "created_at": iso(view.created_at),
        "updated_at": iso(view.updated_at),
    }


def typed(value: str, field: CustomField | None) -> Any:
    """A custom value as JSON: booleans and numbers as such, dates and text as strings."""
    if field is None:
        return value
    if field.type is FieldType.BOOLEAN:
        return value == "true"
    if field.type is FieldType.NUMBER:
        return int(value) if "." not in value else float(value)
    return value


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC; SQLite hands timestamps back without their zone, which is UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def label(item: Label) -> dict[str, Any]:
    return {"id": item.id, "name": item.name}


def company(item: Company) -> dict[str, Any]:
    return {"id": item.id, "name": item.name, "domain": item.domain}


def field(item: CustomField) -> dict[str, Any]:
    return {
        "id": item.id,
        "variable_name": item.variable_name,
        "title": item.title,
        "type": item.type.value,
        "options": list(item.options),
    }


def import_record(row: ImportRecord) -> dict[str, Any]:
    """An import run as ``imports list --json`` and the API show it."""
    return {
        "id": row.id,
        "kind": row.kind,
        "file": row.file_name,
        "sha256": row.sha256,
        "dry_run": row.dry_run,
        "status": row.status,
        "rows": row.rows_done,
        "rows_done": row.rows_done,
        "rows_total": row.rows_total,
        "created": row.created,
        "updated": row.updated,
        "unchanged": row.unchanged,
        "failed": row.failed,
        "restored": row.restored,
        "removed": row.removed,
        "warnings": row.warnings,
        "who": row.actor,
        "undo_of": row.undo_of,
        "undone_by": row.undone_by,
        "started_at": iso(row.started_at),
        "finished_at": iso(row.finished_at),
    }
