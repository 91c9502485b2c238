"""Customer contacts: the row parser and the batch writer of a contacts import.

A row becomes a :class:`ContactDraft` (every value parsed, nothing looked up) or a list of
issues. A batch of drafts is then resolved against the store — labels, companies and
existing contacts, one query each — and merged: empty values leave stored ones alone,
labels are only ever added, custom values are set or replaced.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from rolodex.domain import STANDARD_CONTACT_COLUMNS, ContactState, Source
from rolodex.importing import values
from rolodex.importing.columns import ColumnMap, bind
from rolodex.importing.engine import BatchOutcome
from rolodex.importing.options import ImportOptions
from rolodex.importing.ports import ContactUnit, ContactWrite
from rolodex.importing.reader import RawRow
from rolodex.importing.report import RowIssue, ValueProblem
from rolodex.importing.rows import RowParser, wrong_width


class ContactDraft(NamedTuple):
    """A row with every value parsed; ``None`` and empty lists mean 'leave as it is'.

    A named tuple: drafts are parsed in a second process and pickled across."""

    row: int
    email: values.Email | None
    first_name: str | None
    last_name: str | None
    company_id: int | None
    label_names: list[str]
    label_ids: list[int]
    custom: dict[int, str]
    issues: list[RowIssue]


class ContactsKind:
    """The contacts import: what the engine calls for each batch."""

    name = "contacts"
    parses_anywhere = True

    def __init__(self, options: ImportOptions):
        self.options = options
        self.columns = ColumnMap((), {}, (), ())
        self.label_cache: dict[str, int] = {}
        self.known_label_ids: set[int] = set()
        self.known_company_ids: set[int] = set()
        self.case_hints: dict[str, str] = {}
        self.positions: tuple[int, ...] = ()

    def prepare(self, header: Sequence[str], unit: ContactUnit) -> None:
        fields = unit.custom_fields()
        self.columns = bind(header, STANDARD_CONTACT_COLUMNS, fields)
        self.positions = tuple(
            self.columns.standard.get(column, -1) for column in STANDARD_CONTACT_COLUMNS
        )

    def redact(self, values_: list[str]) -> list[str]:
        return values_

    def parse(self, raw: RawRow) -> ContactDraft | list[RowIssue]:
        """The fast path for a good row; any doubt, and the careful path finds every issue."""
        problem = wrong_width(raw, self.columns)
        if problem:
            return problem
        try:
            return self._parse_good(raw)
        except ValueProblem:
            return self._parse_all(raw)

    def pack(self, parsed: ContactDraft | list[RowIssue]) -> tuple[Any, ...] | list[RowIssue]:
        if isinstance(parsed, list):
            return parsed
        email = parsed.email
        return (parsed[0], None if email is None else tuple(email), *parsed[2:])

    def unpack(self, packed: tuple[Any, ...] | list[RowIssue]) -> ContactDraft | list[RowIssue]:
        if isinstance(packed, list):
            return packed
        row, email, *rest = packed
        return ContactDraft(row, None if email is None else values.Email(*email), *rest)

    def _parse_good(self, raw: RawRow) -> ContactDraft:
        """Parse a row assuming every value is good; raises ``ValueProblem`` at the first
        doubt. Checks for control characters once per row, not once per cell."""
        cells = raw.values
        if values.has_control("".join(cells)) or any(
            cells[i].strip() for i in self.columns.unnamed
        ):
            raise ValueProblem("check", "check every cell")
        limit = self.options.limits.max_labels_per_cell
        email, first, last, company, names, ids = (
            values.trim(cells[i]) if i >= 0 else "" for i in self.positions
        )
        custom = {}
        for index, field in self.columns.custom:
            text = values.trim(cells[index])
            if text:
                custom[field.id] = values.parse_custom(field, text)
        return ContactDraft(
            raw.row,
            values.parse_email(email),
            values.parse_name(first, "first_name"),
            values.parse_name(last, "last_name"),
            values.parse_id(company, "company") if company else None,
            values.parse_label_names(names, limit),
            values.parse_label_ids(ids, limit),
            custom,
            [],
        )

    def _parse_all(self, raw: RawRow) -> ContactDraft:
        row = RowParser(raw, self.columns)
        limit = self.options.limits.max_labels_per_cell
        email = row.parse("email", values.parse_email, row.cell("email"))
        first = row.parse("first_name", values.parse_name, row.cell("first_name"), "first_name")
        last = row.parse("last_name", values.parse_name, row.cell("last_name"), "last_name")
        company = row.cell("company_id")
        company_id = (
            row.parse("company_id", values.parse_id, company, "company") if company else None
        )
        names = row.parse("labels", values.parse_label_names, row.cell("labels"), limit)
        ids = row.parse("labels_id", values.parse_label_ids, row.cell("labels_id"), limit)
        custom = self._custom(row)
        row.unnamed_cells()
        return ContactDraft(
            raw.row, email, first, last, company_id, names or [], ids or [], custom, row.issues
        )

    def _custom(self, row: RowParser) -> dict[int, str]:
        parsed: dict[int, str] = {}
        for at, field in self.columns.custom:
            text = row.cell(field.variable_name, at)
            if text:
                parse = functools.partial(values.parse_custom, field)
                value = row.parse(field.variable_name, parse, text)
                if value is not None:
                    parsed[field.id] = value
        return parsed

    def apply(self, drafts: list[ContactDraft], unit: ContactUnit, now: datetime) -> BatchOutcome:
        outcome = BatchOutcome()
        self._resolve_references(drafts, unit)
        states = unit.contacts_by_key({d.email.key for d in drafts if d.email})
        # The stored state of each contact this batch changes (None: the batch creates it).
        before: dict[str, ContactState | None] = {}
        for draft in drafts:
            issues = draft.issues + self._reference_issues(draft)
            if issues or draft.email is None:
                outcome.issues[draft.row] = issues
                continue
            self._merge(draft, draft.email, states, before, outcome)
        writes = [_write(states[key], before[key]) for key in sorted(before)]
        if writes:
            raced = unit.write_contacts(writes, Source.IMPORT, now)
            outcome.created -= len(raced)
            outcome.updated += len(raced)
        return outcome

    def _resolve_references(self, drafts: list[ContactDraft], unit: ContactUnit) -> None:
        """Look up every label, label ID and company the batch names, a query each; with
        ``--create-labels``, create the missing labels of rows that are otherwise good (a
        rejected row applies nothing, not even a new label)."""
        ids = {i for d in drafts for i in d.label_ids} - self.known_label_ids
        if ids:
            self.known_label_ids |= unit.existing_label_ids(ids)
        companies = {d.company_id for d in drafts if d.company_id} - self.known_company_ids
        if companies:
            self.known_company_ids |= unit.existing_company_ids(companies)
        names = {n for d in drafts for n in d.label_names} - self.label_cache.keys()
        if not names:
            return
        self.label_cache.update(unit.label_ids_by_name(names))
        if self.options.create_labels:
            wanted = {
                n
                for d in drafts
                if d.email and not d.issues and not self._id_issues(d)
                for n in d.label_names
            }
            missing = sorted(wanted - self.label_cache.keys())
            if missing:
                self.label_cache.update(unit.create_labels(missing))
        unknown = sorted(names - self.label_cache.keys())
        if unknown:
            self.case_hints.update(unit.labels_differing_in_case(unknown))

    def _reference_issues(self, draft: ContactDraft) -> list[RowIssue]:
        """With ``--create-labels`` a new name is no problem: it was created, or would have
        been, had the row no other one."""
        issues = []
        if draft.label_names and not self.options.create_labels:
            unknown = [n for n in draft.label_names if n not in self.label_cache]
            issues = _unknown_labels(draft.row, unknown, self.case_hints)
        if draft.label_ids or draft.company_id:
            issues += self._id_issues(draft)
        return issues

    def _id_issues(self, draft: ContactDraft) -> list[RowIssue]:
        issues = [
            RowIssue(
                draft.row,
                "labels_id",
                "unknown-label-id",
                f"there is no label with ID {label_id}: see `rolodex labels list` for the IDs",
            )
            for label_id in draft.label_ids
            if label_id not in self.known_label_ids
        ]
        if draft.company_id and draft.company_id not in self.known_company_ids:
            issues.append(
                RowIssue(
                    draft.row,
                    "company_id",
                    "unknown-company",
                    f"there is no company with ID {draft.company_id}: create it first, or "
                    "see `rolodex companies list` for the IDs",
                )
            )
        return issues

    def _merge(
        self,
        draft: ContactDraft,
        email: values.Email,
        states: dict[str, ContactState],
        before: dict[str, ContactState | None],
        outcome: BatchOutcome,
    ) -> None:
        key = email.key
        state = states.get(key)
        label_ids = {self.label_cache[n] for n in draft.label_names}.union(draft.label_ids)
        if state is None:
            states[key] = ContactState(
                None,
                email.address,
                key,
                draft.first_name,
                draft.last_name,
                draft.company_id,
                label_ids,
                dict(draft.custom),
            )
            before[key] = None
            outcome.created += 1
        elif _differs(state, draft, label_ids):
            if key not in before:
                before[key] = state.copy()
            _apply(state, draft, label_ids)
            outcome.updated += 1
        else:
            outcome.unchanged += 1


def _differs(state: ContactState, draft: ContactDraft, label_ids: set[int]) -> bool:
    """Would merging the draft change the stored state? Empty values leave it alone."""
    return (
        (draft.first_name is not None and draft.first_name != state.first_name)
        or (draft.last_name is not None and draft.last_name != state.last_name)
        or (draft.company_id is not None and draft.company_id != state.company_id)
        or not label_ids <= state.label_ids
        or any(state.custom.get(field) != value for field, value in draft.custom.items())
    )


def _apply(state: ContactState, draft: ContactDraft, label_ids: set[int]) -> None:
    """Merge a draft into a stored state, in place."""
    if draft.first_name is not None:
        state.first_name = draft.first_name
    if draft.last_name is not None:
        state.last_name = draft.last_name
    if draft.company_id is not None:
        state.company_id = draft.company_id
    state.label_ids |= label_ids
    state.custom.update(draft.custom)


def _write(state: ContactState, before: ContactState | None) -> ContactWrite:
    old_labels = before.label_ids if before else set()
    old_custom = before.custom if before else {}
    return ContactWrite(
        state=state,
        before=before,
        new_label_ids=state.label_ids - old_labels,
        changed_custom={k: v for k, v in state.custom.items() if old_custom.get(k) != v},
    )


def _unknown_labels(row: int, unknown: list[str], by_case: dict[str, str]) -> list[RowIssue]:
    issues = []
    for name in unknown:
        hint = (
            f" (labels are case-sensitive: did you mean {values.show(by_case[name])}?)"
            if name in by_case
            else ""
        )
        issues.append(
            RowIssue(
                row,
                "labels",
                "unknown-label",
                f"there is no label named {values.show(name)}{hint}: create it first, "
                "or import with --create-labels",
            )
        )
    return issues
