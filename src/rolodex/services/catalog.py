"""Creating labels, companies and custom fields, with the checks that keep imports sound.

A label name cannot hold ``:`` (it separates names in a CSV cell); a custom field's
variable name must be usable as a CSV header and must not shadow a standard column.
"""

from __future__ import annotations

from collections.abc import Sequence

from rolodex.domain import (
    STANDARD_CONTACT_COLUMNS,
    VARIABLE_NAME,
    Company,
    CustomField,
    FieldType,
    Label,
)
from rolodex.errors import Conflict, UsageError
from rolodex.importing.values import has_control
from rolodex.store import catalog as sql
from rolodex.store.store import Store

MAX_NAME = 255
RESERVED = {*STANDARD_CONTACT_COLUMNS, "error", "id", "source", "created_at", "updated_at"}


def add_labels(store: Store, names: Sequence[str]) -> list[Label]:
    cleaned = [_label_name(name) for name in names]
    repeated = sorted({n for n in cleaned if cleaned.count(n) > 1})
    if repeated:
        raise UsageError(f"label '{repeated[0]}' is given twice")
    with store.write() as conn:
        for name in cleaned:
            existing = sql.label_by_name(conn, name)
            if existing:
                raise UsageError(f"label '{name}' already exists (ID {existing.id})")
        return sql.add_labels(conn, cleaned)


def _printable(text: str, what: str) -> str:
    """Names are typed by people and matched against CSV cells, which refuse control
    characters: so do names."""
    if has_control(text) or "\x00" in text:
        raise UsageError(f"{what} cannot hold control characters (such as NUL or a line break)")
    return text.strip()


def _label_name(name: str) -> str:
    name = _printable(name, "a label name")
    if not name:
        raise UsageError("a label name cannot be empty")
    if ":" in name:
        raise UsageError(f"label '{name}': a name cannot hold ':', which separates labels in CSV")
    if len(name) > MAX_NAME:
        raise UsageError(f"a label name can have at most {MAX_NAME} characters")
    return name


def add_company(store: Store, name: str, domain: str | None = None) -> Company:
    name = _printable(name, "a company name")
    if not name or len(name) > MAX_NAME:
        raise UsageError(f"a company needs a name of 1 to {MAX_NAME} characters")
    domain = _printable(domain or "", "a domain").lower() or None
    if domain and (" " in domain or "." not in domain or "@" in domain):
        raise UsageError(f"'{domain}' is not a domain name (like example.com)")
    with store.write() as conn:
        existing = sql.company_by_name(conn, name)
        if existing:
            raise Conflict(f"company '{existing.name}' already exists (ID {existing.id})")
        return sql.add_company(conn, name, domain)


def add_field(
    store: Store,
    variable_name: str,
    type_: str = "text",
    options: Sequence[str] = (),
    title: str | None = None,
) -> CustomField:
    field = _check_field(
        _printable(variable_name, "a variable name"),
        type_,
        [_printable(option, "an option") for option in options],
        _printable(title or "", "a title") or None,
    )
    with store.write() as conn:
        if any(f.variable_name == field.variable_name for f in sql.fields(conn)):
            raise UsageError(f"a custom field named '{field.variable_name}' already exists")
        return sql.add_field(conn, field)


def _check_field(name: str, type_: str, options: Sequence[str], title: str | None) -> CustomField:
    if not VARIABLE_NAME.fullmatch(name) or len(name) > 64:
        raise UsageError(
            f"'{name}' cannot be a variable name: use lower-case letters, digits and _, "
            "starting with a letter (at most 64 characters)"
        )
    if name in RESERVED:
        raise UsageError(f"'{name}' is a standard column; choose another variable name")
    try:
        kind = FieldType(type_)
    except ValueError:
        raise UsageError(
            f"'{type_}' is not a field type: use " + ", ".join(t.value for t in FieldType)
        ) from None
    cleaned = tuple(dict.fromkeys(o.strip() for o in options if o.strip()))
    if kind is FieldType.SELECT and not cleaned:
        raise UsageError("a select field needs its options, e.g. --options basic,pro")
    if kind is not FieldType.SELECT and cleaned:
        raise UsageError("only a select field takes --options")
    return CustomField(0, name, (title or "").strip() or name, kind, cleaned)
