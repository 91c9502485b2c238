"""What a file may hold, said before it is written: the accepted columns, and a template.

The import page lists the columns a file of each kind binds to — ours, and for contacts
every custom field there is *now* by its variable name and type — and offers a template to
download, as CSV or as an Excel workbook: the header row and one example row.

Why an example row: it shows the form of each value (a date ``2024-03-31``, a boolean
``true``, a select's first option) where a header alone would leave it to guessing. It is
an example, not a record: its address is on ``example.com`` and the page says to replace it.
Cells whose value must name something that exists (``company_id``, ``labels``,
``labels_id``) and the password are left empty, so the template imports back as it is: its
header binds column for column (no Columns step, no unbound column), and its one row is
either a new contact or, for agents, a row asking for a password.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from rolodex.domain import STANDARD_CONTACT_COLUMNS, USER_COLUMNS, CustomField, FieldType
from rolodex.services.export import BOM

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_TYPE}

OWN_NOTES = {
    "contacts": {
        "email": "Required. The row updates the contact with this address, or creates one.",
        "first_name": "Text, up to 255 characters.",
        "last_name": "Text, up to 255 characters.",
        "company_id": "The ID of an existing company (see Companies).",
        "labels": "Label names separated by : (Marketing:Trial); names are case-sensitive.",
        "labels_id": "Label IDs separated by : (1:3).",
    },
    "users": {
        "email": "Required. The row updates the agent with this address, or creates one.",
        "first_name": "Text, up to 255 characters.",
        "last_name": "Text, up to 255 characters.",
        "password": "At least 6 characters, kept as written; required for a new agent.",
        "password_hash": "Instead of password, from another system: a bcrypt or argon2 hash.",
        "active": "true or false; empty: true for a new agent, as it is for an existing one.",
    },
}
TEMPLATE_LEAVES_OUT = {"users": ("password_hash",)}
"""Accepted, but not in the template: one of ``password``/``password_hash`` per row."""

EXAMPLE = {
    "contacts": {"email": "jane.doe@example.com", "first_name": "Jane", "last_name": "Doe"},
    "users": {"email": "ada.agent@example.com", "first_name": "Ada", "last_name": "Agent"},
}
TYPE_NOTES = {
    FieldType.TEXT: "Text.",
    FieldType.NUMBER: "A number (3.75).",
    FieldType.DATE: "A date, YYYY-MM-DD.",
    FieldType.BOOLEAN: "true or false (yes/no, 1/0).",
    FieldType.SELECT: "One of its options.",
}
TYPE_EXAMPLES = {
    FieldType.TEXT: "",
    FieldType.NUMBER: "3",
    FieldType.DATE: "2024-03-31",
    FieldType.BOOLEAN: "true",
}


@dataclass(frozen=True)
class Accepted:
    """One column a file of a kind may hold."""

    name: str
    type: str
    """``standard`` for ours; a custom field's type (``number``, ``select``…)."""
    note: str
    title: str | None = None
    """A custom field's title (it binds by its title too)."""


def accepted_columns(kind: str, fields: Sequence[CustomField] = ()) -> list[Accepted]:
    """The columns a file of ``kind`` binds to exactly; contacts' custom fields included."""
    own = [Accepted(name, "standard", note) for name, note in OWN_NOTES[kind].items()]
    if kind != "contacts":
        return own
    return own + [Accepted(f.variable_name, f.type.value, _field_note(f), f.title) for f in fields]


def _field_note(custom: CustomField) -> str:
    note = TYPE_NOTES[custom.type]
    if custom.type is FieldType.SELECT and custom.options:
        note = f"One of: {', '.join(custom.options)}."
    return f'Custom field "{custom.title}". {note}'


def template_table(kind: str, fields: Sequence[CustomField] = ()) -> list[list[str]]:
    """The header row and one example row of a template for ``kind``."""
    own = STANDARD_CONTACT_COLUMNS if kind == "contacts" else USER_COLUMNS
    header = [c for c in own if c not in TEMPLATE_LEAVES_OUT.get(kind, ())]
    example = [EXAMPLE[kind].get(name, "") for name in header]
    if kind == "contacts":
        header += [f.variable_name for f in fields]
        example += [_example_value(f) for f in fields]
    return [header, example]


def _example_value(custom: CustomField) -> str:
    if custom.type is FieldType.SELECT:
        return custom.options[0] if custom.options else ""
    return TYPE_EXAMPLES[custom.type]


def template_csv(table: list[list[str]]) -> bytes:
    """UTF-8 with a BOM, as exports are, so Excel on Windows reads it right."""
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(table)
    return (BOM + text.getvalue()).encode("utf-8")


def template_xlsx(table: list[list[str]], sheet: str) -> bytes:
    """A workbook of one sheet, every cell text (so ``1:3`` stays ``1:3``, not a time).
    openpyxl's write-only mode streams rows, never holding a worksheet's cells."""
    from openpyxl import Workbook  # imported here: only a download pays for it

    book = Workbook(write_only=True)
    worksheet = book.create_sheet(sheet)
    for row in table:
        worksheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_file(kind: str, fmt: str, fields: Sequence[CustomField] = ()) -> bytes:
    table = template_table(kind, fields)
    return template_csv(table) if fmt == "csv" else template_xlsx(table, kind)
