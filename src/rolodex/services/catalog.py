"""Labels, companies and custom fields: creating and changing them, with the checks that
keep imports sound.

A label name cannot hold ``:`` (it separates names in a CSV cell); a custom field's
variable name must be usable as a CSV header and must not shadow a standard column.
Changes never leave a dangling id: a deleted label takes its links with it, a deleted
company leaves its contacts unlinked, and an option some contact holds cannot be removed
(the refusal says how many hold it). Messages name no CLI flag or web control: the CLI,
the API and the pages all show them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from enum import Enum

from sqlalchemy import Connection

from rolodex.domain import (
    STANDARD_CONTACT_COLUMNS,
    VARIABLE_NAME,
    Company,
    CustomField,
    FieldType,
    Label,
)
from rolodex.errors import Conflict, NotFound, UsageError
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
    name, domain = _company_name(name), _domain(domain)
    with store.write() as conn:
        existing = sql.company_by_name(conn, name)
        if existing:
            raise Conflict(f"company '{existing.name}' already exists (ID {existing.id})")
        return sql.add_company(conn, name, domain)


def _company_name(name: str) -> str:
    name = _printable(name, "a company name")
    if not name or len(name) > MAX_NAME:
        raise UsageError(f"a company needs a name of 1 to {MAX_NAME} characters")
    return name


def _domain(domain: str | None) -> str | None:
    domain = _printable(domain or "", "a domain").lower() or None
    if domain and (" " in domain or "." not in domain or "@" in domain):
        raise UsageError(f"'{domain}' is not a domain name (like example.com)")
    if domain and len(domain) > MAX_NAME:
        raise UsageError(f"a domain can have at most {MAX_NAME} characters")
    return domain


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
        raise UsageError("a select field needs its options (such as basic and pro)")
    if kind is not FieldType.SELECT and cleaned:
        raise UsageError(f"only a select field has options; this one is {kind.value}")
    return CustomField(0, name, (title or "").strip() or name, kind, cleaned)


# -- changing what exists -----------------------------------------------------------------------


def rename_label(store: Store, label_id: int, name: str) -> Label:
    name = _label_name(name)
    with store.write() as conn:
        _label(conn, label_id)
        existing = sql.label_by_name(conn, name)
        if existing and existing.id != label_id:
            raise Conflict(f"label '{name}' already exists (ID {existing.id})")
        sql.rename_label(conn, label_id, name)
        return Label(label_id, name)


def delete_label(store: Store, label_id: int) -> tuple[Label, int]:
    """Delete a label and its links; the label, and how many contacts lost it (they stay)."""
    with store.write() as conn:
        gone = _label(conn, label_id)
        return gone, sql.delete_label(conn, label_id)


class Keep(Enum):
    """A value left as it is by a change (``None`` means "none" for a domain)."""

    KEEP = "keep"


KEEP = Keep.KEEP


def update_company(
    store: Store, company_id: int, name: str | None = None, domain: str | Keep | None = KEEP
) -> Company:
    """A company's new name or domain (``None`` name, ``KEEP`` domain: as it is; a ``None``
    or empty domain removes it). A name another company has, in any case, is refused."""
    with store.write() as conn:
        current = _company(conn, company_id)
        name = current.name if name is None else _company_name(name)
        domain = current.domain if isinstance(domain, Keep) else _domain(domain)
        existing = sql.company_by_name(conn, name)
        if existing and existing.id != company_id:
            raise Conflict(f"company '{existing.name}' already exists (ID {existing.id})")
        changed = Company(company_id, name, domain)
        sql.update_company(conn, changed)
        return changed


def delete_company(store: Store, company_id: int) -> tuple[Company, int]:
    """Delete a company; the company, and how many contacts were linked to it (they stay,
    unlinked)."""
    with store.write() as conn:
        gone = _company(conn, company_id)
        return gone, sql.delete_company(conn, company_id)


def update_field(
    store: Store, field_id: int, title: str | None = None, options: Sequence[str] | None = None
) -> CustomField:
    """A field's new title and options (``None``: as it is). Its variable name and type
    stay: files and stored values depend on them."""
    with store.write() as conn:
        current = _field(conn, field_id)
        new_title = _printable(title, "a title") if title is not None else current.title
        new_options = (
            current.options
            if options is None
            else tuple(_printable(option, "an option") for option in options)
        )
        checked = _check_field(current.variable_name, current.type, new_options, new_title)
        changed = replace(checked, id=field_id)
        _refuse_removing_held(conn, current, changed.options)
        sql.update_field(conn, changed)
        return changed


def _refuse_removing_held(conn: Connection, current: CustomField, kept: Sequence[str]) -> None:
    """An option some contact holds stays: removing it would leave values no import could
    write again. The refusal names each such option and how many contacts hold it."""
    removed = [option for option in current.options if option not in kept]
    held = sql.option_counts(conn, current.id, removed)
    if held:
        named = ", ".join(
            f"'{option}' (held by {count} contact{'' if count == 1 else 's'})"
            for option, count in held.items()
        )
        raise Conflict(
            f"an option some contacts hold cannot be removed: {named}; keep it, or give "
            "those contacts another value first"
        )


def _label(conn: Connection, label_id: int) -> Label:
    found = sql.label(conn, label_id)
    if found is None:
        raise NotFound(f"there is no label with ID {label_id}")
    return found


def _company(conn: Connection, company_id: int) -> Company:
    found = sql.company(conn, company_id)
    if found is None:
        raise NotFound(f"there is no company with ID {company_id}")
    return found


def _field(conn: Connection, field_id: int) -> CustomField:
    found = sql.field(conn, field_id)
    if found is None:
        raise NotFound(f"there is no custom field with ID {field_id}")
    return found
