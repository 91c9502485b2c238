"""Column mappings that people choose (the API's ``mapping`` field, the web app's Columns
step), who may ask an import to create records, and the choice remembered per header.

A person who imports Google's export once should not pick its 40 targets again next month:
the choice made in the Columns step is kept for the header it was made for (a SHA-256 of
its cells, per kind), and offered first the next time the same header comes. The API does
not use it: an API import does what its own request says, nothing less reproducible.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rolodex.errors import UsageError
from rolodex.importing.columns import IGNORE, NEW_FIELD, Column, Targets, propose
from rolodex.importing.options import ImportOptions
from rolodex.importing.systems import normalise
from rolodex.store import bindings as sql
from rolodex.store.store import Store, now

CREATED_BY_ADMINS = (
    "Only an admin may create {what} by import: ask an admin, or leave those options out."
)


def parse_mapping(text: str | None) -> dict[str, str]:
    """The API's ``mapping`` form field: a JSON object, header → target."""
    if text is None or not text.strip():
        return {}
    try:
        found = json.loads(text)
    except ValueError:
        raise UsageError("mapping must be a JSON object, header → target") from None
    if not isinstance(found, dict) or not all(isinstance(v, str) for v in found.values()):
        raise UsageError('mapping must be a JSON object of texts, like {"E-mail": "email"}')
    return {str(header): target for header, target in found.items()}


def created_by(options: ImportOptions) -> list[str]:
    """What the run may create besides contacts (labels, companies, custom fields)."""
    fields = options.create_fields or NEW_FIELD in options.mapping.values()
    wanted = [
        ("labels", options.create_labels),
        ("companies", options.create_companies),
        ("custom fields", fields),
    ]
    return [what for what, on in wanted if on]


def creation_refused(options: ImportOptions, is_admin: bool) -> str | None:
    """Why this person may not run the import as asked, if they may not: creating labels,
    companies or fields changes what everyone sees, as their own endpoints do (admins only)."""
    asked = created_by(options)
    if is_admin or not asked:
        return None
    return CREATED_BY_ADMINS.format(what=", ".join(asked))


def header_sha256(header: Sequence[str]) -> str:
    """The key of a header: its cells, trimmed, joined by the unit separator."""
    return hashlib.sha256("\x1f".join(n.strip() for n in header).encode()).hexdigest()


def remembered(store: Store, kind: str, header: Sequence[str], targets: Targets) -> dict[str, str]:
    """The mapping last chosen for this header, without what no longer applies (a column
    bound to a custom field that was deleted since binds as if never chosen)."""
    with store.read() as conn:
        found = sql.find(conn, kind, header_sha256(header)) or {}
    names = {n.strip() for n in header}
    usable = {IGNORE, *targets.all(), *([NEW_FIELD] if targets.has_fields else [])}
    return {
        h: t
        for h, t in found.items()
        if h in names and t in usable and not (t == NEW_FIELD and _a_field_now(h, targets))
    }


def _a_field_now(header: str, targets: Targets) -> bool:
    """A column once chosen as a new field whose field exists now (the import made it)."""
    return targets.spellings.get(normalise(header)) in targets.fields_by_name


def remember(store: Store, kind: str, header: Sequence[str], mapping: Mapping[str, str]) -> None:
    with store.write() as conn:
        sql.save(conn, kind, header_sha256(header), dict(mapping), now())


# -- the Columns step ---------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """What the Columns step shows for one header: each column pre-chosen (as the binding
    would bind it, or as last time), and the targets a column may take."""

    columns: tuple[Column, ...]
    choices: tuple[TargetChoice, ...]
    remembered: bool


TARGET_LABELS = {
    "name": "name (a full name, split)",
    "company": "company (by name)",
    "company_id": "company_id (a company's ID)",
}


@dataclass(frozen=True)
class TargetChoice:
    """One entry of a column's list of targets."""

    value: str
    label: str


def needs_step(header: Sequence[str], targets: Targets) -> bool:
    """Whether a header is anything but exactly ours (each column named as rolodex names
    it, the email among them): then the person sees how it binds before the dry run.
    Raises ``FileError`` for a header no choice can fix (a column named twice)."""
    columns = propose(header, targets)
    bound = {c.target for c in columns}
    return any(c.how not in ("exact", "blank") for c in columns) or not all(
        target in bound for target in targets.required
    )


def step_for(
    store: Store, kind: str, header: Sequence[str], targets: Targets, is_admin: bool
) -> Step:
    mapping = remembered(store, kind, header, targets)
    offered = [TargetChoice(t, TARGET_LABELS.get(t, t)) for t in (*targets.own, *targets.extra)]
    offered += [
        TargetChoice(f.variable_name, f"{f.title} ({f.variable_name})") for f in targets.fields
    ]
    if is_admin and targets.has_fields:
        offered.append(TargetChoice(NEW_FIELD, "a new custom field (text)"))
    offered.append(TargetChoice(IGNORE, "leave out"))
    return Step(tuple(propose(header, targets, mapping)), tuple(offered), bool(mapping))


def chosen_mapping(
    header: Sequence[str], targets: Targets, chosen: Mapping[int, str], is_admin: bool
) -> dict[str, str]:
    """The mapping a Columns step's answer stands for: only the columns whose choice differs
    from what the binding does by itself, and those that bind to nothing (so the report
    still says ``Given Name → first_name`` as the binding found it). Raises ``UsageError``
    for a choice not offered or a required target left without a column."""
    usable = {IGNORE, *targets.all(), *([NEW_FIELD] if is_admin and targets.has_fields else [])}
    mapping: dict[str, str] = {}
    for column in propose(header, targets):
        if column.how == "blank" and not column.name:
            continue
        target = chosen.get(column.index, column.target)
        if target not in usable:
            raise UsageError(
                f"Column {column.letter} ({column.name}): choose one of the listed targets."
            )
        if target != column.target or column.how == "unknown":
            mapping[column.name] = target
    _check_required(header, targets, mapping)
    return mapping


def _check_required(header: Sequence[str], targets: Targets, mapping: Mapping[str, str]) -> None:
    bound = {c.target for c in propose(header, targets, mapping)}
    for target in targets.required:
        if target not in bound:
            raise UsageError(f"Choose the column that holds the {target}: it is required.")
