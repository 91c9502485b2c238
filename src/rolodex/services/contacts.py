"""Changing one contact by hand — the web app's contact page and ``PATCH /api/contacts/{id}``.

What may change: the names, the company, the labels and the custom values (the email is the
match key imports and mail use, so it stays). Every value goes through the importer's own
parsers (:mod:`rolodex.importing.values`), so what an import refuses is refused here in the
same words; each problem is a :class:`FieldIssue` naming its field, and a change with any
problem writes nothing.

Unlike an import, an edit may take things away: an empty name or company clears it, the
labels given are the contact's labels from now on, and an empty custom value removes it.

An edit is recorded like any change: the contact's ``updated_at`` moves, and what it
changed is in the stored state that undo compares with its journal's ``after`` — so undoing
an earlier import that touched the contact leaves it alone and names it, unless forced
(:mod:`rolodex.services.undo`). An edit that changes nothing writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Connection

from rolodex.domain import CustomField
from rolodex.errors import NotFound
from rolodex.importing import values
from rolodex.importing.report import ValueProblem
from rolodex.services.views import iso
from rolodex.store import catalog
from rolodex.store import contacts as sql
from rolodex.store.contacts import ContactView, Edit
from rolodex.store.store import Store


@dataclass(frozen=True)
class ContactChanges:
    """What to change, as typed; ``None`` leaves a field as it is, ``""`` clears it.

    ``labels`` is the whole new set, by name; ``custom`` maps a custom field's variable
    name to its new value (fields not named keep theirs)."""

    first_name: str | None = None
    last_name: str | None = None
    company_id: str | None = None
    labels: Sequence[str] | None = None
    custom: Mapping[str, str] = field(default_factory=dict)
    seen: str | None = None
    """The contact's ``updated_at`` (ISO 8601) when the form was shown: if it has moved
    since, someone else changed the contact meanwhile, and the form would silently undo
    that change — so nothing is written and the form is shown again as it is now."""


@dataclass(frozen=True)
class FieldIssue:
    """One problem with one field: ``field`` is ``first_name``, ``last_name``,
    ``company_id``, ``labels`` or a custom field's variable name; ``code`` is stable."""

    field: str
    code: str
    message: str


@dataclass
class EditResult:
    contact: ContactView
    issues: list[FieldIssue]
    changed: bool = False


def edit_contact(store: Store, contact_id: int, changes: ContactChanges) -> EditResult:
    """Check ``changes`` and, when every value is good, write them in one transaction."""
    with store.write() as conn:
        current = sql.lock(conn, contact_id)
        if current is None:
            raise NotFound(f"there is no contact with ID {contact_id}")
        if changes.seen is not None and changes.seen != iso(current.updated_at):
            return EditResult(current, [_changed_meanwhile(current)])
        issues: list[FieldIssue] = []
        wanted = _wanted(conn, current, changes, issues)
        if issues or wanted == _as_edit(conn, current, wanted.at):
            return EditResult(current, issues)
        sql.save(conn, contact_id, wanted)
        saved = sql.by_id(conn, contact_id)
    assert saved is not None
    return EditResult(saved, [], changed=True)


def _changed_meanwhile(current: ContactView) -> FieldIssue:
    return FieldIssue(
        "contact",
        "changed-meanwhile",
        f"someone else changed this contact at {when(current.updated_at)}, after you opened "
        "it: the form now shows it as it is; make your change again",
    )


def when(moment: datetime) -> str:
    text = iso(moment) or ""
    return f"{text[:10]} {text[11:19]} UTC"


def _wanted(
    conn: Connection, current: ContactView, changes: ContactChanges, issues: list[FieldIssue]
) -> Edit:
    fields = {f.variable_name: f for f in catalog.fields(conn)}
    first = _checked(issues, "first_name", changes.first_name, current.first_name)
    last = _checked(issues, "last_name", changes.last_name, current.last_name)
    company = current.company_id
    if changes.company_id is not None:
        company = _company(conn, changes.company_id, issues)
    label_ids = {label_id for label_id, _ in current.labels}
    if changes.labels is not None:
        label_ids = _labels(conn, changes.labels, issues)
    custom = {fields[name].id: value for name, value in current.custom.items() if name in fields}
    for name, text in changes.custom.items():
        _custom(fields.get(name), name, text, custom, issues)
    return Edit(first, last, company, frozenset(label_ids), custom, datetime.now(UTC))


def _as_edit(conn: Connection, view: ContactView, at: datetime) -> Edit:
    ids = {f.variable_name: f.id for f in catalog.fields(conn)}
    custom = {ids[name]: value for name, value in view.custom.items() if name in ids}
    labels = frozenset(label_id for label_id, _ in view.labels)
    return Edit(view.first_name, view.last_name, view.company_id, labels, custom, at)


def _checked(
    issues: list[FieldIssue],
    column: str,
    given: str | None,
    stored: str | None,
) -> str | None:
    if given is None:
        return stored
    try:
        return values.parse_name(values.clean(given), column.replace("_", " "))
    except ValueProblem as problem:
        issues.append(FieldIssue(column, problem.code, problem.message))
        return stored


def _company(conn: Connection, given: str, issues: list[FieldIssue]) -> int | None:
    try:
        text = values.clean(given)
        if not text:
            return None
        company_id = values.parse_id(text, "company")
    except ValueProblem as problem:
        issues.append(FieldIssue("company_id", problem.code, problem.message))
        return None
    known = {company.id for company in catalog.companies(conn)}
    if company_id not in known:
        issues.append(
            FieldIssue(
                "company_id",
                "unknown-company",
                f"there is no company with ID {company_id}: choose one from the Company list",
            )
        )
    return company_id


def _labels(conn: Connection, names: Sequence[str], issues: list[FieldIssue]) -> set[int]:
    by_name = {label.name: label.id for label in catalog.labels(conn)}
    by_case = {name.lower(): name for name in by_name}
    found: set[int] = set()
    for given in names:
        try:
            name = values.clean(given)
        except ValueProblem as problem:
            issues.append(FieldIssue("labels", problem.code, problem.message))
            continue
        if not name:
            continue
        if name in by_name:
            found.add(by_name[name])
            continue
        near = by_case.get(name.lower())
        hint = f" (labels are case-sensitive: did you mean {values.show(near)}?)" if near else ""
        issues.append(
            FieldIssue(
                "labels",
                "unknown-label",
                f"there is no label named {values.show(name)}{hint}: choose from the labels "
                "listed, or have an admin add it on the Labels page",
            )
        )
    return found


def _custom(
    field_: CustomField | None,
    name: str,
    text: str,
    custom: dict[int, str],
    issues: list[FieldIssue],
) -> None:
    if field_ is None:
        shown = values.show(name)
        issues.append(
            FieldIssue(
                name if name.isprintable() else shown[1:-1],
                "unknown-field",
                f"there is no custom field {shown}",
            )
        )
        return
    try:
        value = values.clean(text)
        if value:
            custom[field_.id] = values.parse_custom(field_, value)
        else:
            custom.pop(field_.id, None)
    except ValueProblem as problem:
        issues.append(FieldIssue(name, problem.code, problem.message))
