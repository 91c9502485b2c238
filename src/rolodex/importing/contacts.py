"""Customer contacts: the batch writer of a contacts import.

A row becomes a :class:`.contact_rows.ContactDraft`: every value parsed, nothing looked up,
and the row's issues (a refused row: its issues only). A batch of drafts is then resolved
against the store — labels, companies and existing contacts, one query each — and merged:
empty values leave stored ones alone, labels are only ever added, custom values are set or
replaced.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from rolodex.domain import (
    STANDARD_CONTACT_COLUMNS,
    ContactState,
    CustomField,
    Email,
    Source,
    company_key,
)
from rolodex.importing import values
from rolodex.importing.columns import Binding, Targets, bind
from rolodex.importing.contact_rows import ContactDraft, ContactRows, given
from rolodex.importing.jsontext import values_json
from rolodex.importing.options import ImportOptions
from rolodex.importing.ports import BatchOutcome, ContactUnit, ContactWrite, StagedContact
from rolodex.importing.reader import RawRow
from rolodex.importing.report import IssueCode, RowIssue
from rolodex.importing.seen import Givers, SeenRows
from rolodex.importing.wording import Wording

CONTACT_TARGETS = ("name", "company")
"""Targets beyond our own columns: reached through other systems' names or ``--map``."""


class _Unmet(NamedTuple):
    label_ids: set[int]
    company_ids: set[int]
    label_names: set[str]
    company_keys: set[str]


@dataclass
class _Planned:
    """A batch ready to write: its refused rows (in ``outcome``), the rows to merge at once,
    and the rows for emails met before with what earlier rows gave of them."""

    outcome: BatchOutcome
    staged: list[StagedContact]
    again: list[ContactDraft]
    givers: dict[str, Givers]
    firsts: dict[str, ContactDraft]

    @property
    def settled(self) -> bool:
        """Is what the batch's rows gave remembered already? Rows for emails met before
        are remembered once merged: the next batch waits for that before it is planned."""
        return not self.again


def contact_targets(fields: Sequence[CustomField]) -> Targets:
    return Targets("contacts", STANDARD_CONTACT_COLUMNS, CONTACT_TARGETS, tuple(fields))


class ContactsKind:
    """The contacts import: what the engine calls for each batch."""

    name = "contacts"
    parses_anywhere = True

    def __init__(self, options: ImportOptions):
        self.options = options
        self.binding = Binding(())
        self.label_cache: dict[str, int] = {}
        self.company_cache: dict[str, list[int]] = {}
        self.company_names: dict[int, str] = {}
        """A company the file named → its name as first written, for messages."""
        self.known_label_ids: set[int] = set()
        self.known_company_ids: set[int] = set()
        self.case_hints: dict[str, str] = {}
        self.missing = _Unmet(set(), set(), set(), set())
        """Looked up and not found, and not to be created by this run."""
        self.field_ids: dict[int, int] = {}
        """Placeholder id of a field ``--create-fields`` makes → its id once created."""
        self.rows = ContactRows(self.binding, (), options.limits.max_labels_per_cell)
        self._seen: SeenRows | None = None

    def prepare(
        self, header: Sequence[str], unit: ContactUnit, decimal_comma: bool = False
    ) -> Binding:
        targets = contact_targets(unit.custom_fields())
        self.binding = binding = bind(header, targets, self.options.binding)
        fields = {*targets.fields, *binding.new_fields}
        custom = tuple(
            (f, binding.at(f.variable_name)) for f in fields if binding.at(f.variable_name)
        )
        limit = self.options.limits.max_labels_per_cell
        self.rows = ContactRows(binding, custom, limit, decimal_comma)
        return binding

    def redact(self, values_: list[str]) -> list[str]:
        return values_

    @property
    def seen(self) -> SeenRows:
        """Made on the first batch, in the writing process: the parsing process (which
        gets a pickled copy of this kind) never needs it."""
        if self._seen is None:
            self._seen = SeenRows()
        return self._seen

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_seen": None}

    def parse(self, raw: RawRow) -> ContactDraft:
        return self.rows.parse(raw)

    def parse_batch(self, raws: list[RawRow]) -> list[ContactDraft]:
        return self.rows.parse_batch(raws)

    def pack(self, parsed: ContactDraft) -> tuple[Any, ...]:
        email = parsed.email
        return (parsed[0], None if email is None else tuple(email), *parsed[2:])

    def unpack(self, packed: tuple[Any, ...]) -> ContactDraft:
        row, email, *rest = packed
        return ContactDraft(row, None if email is None else Email(*email), *rest)

    def apply(self, drafts: list[ContactDraft], unit: ContactUnit, now: datetime) -> BatchOutcome:
        """Resolve what the batch names (creating what the options allow), then write it."""
        outcome = BatchOutcome()
        self._create_fields(drafts, unit, outcome)
        self._resolve_references(drafts, unit, outcome)
        return self.write(self._planned(drafts, outcome), unit, now)

    def plan(self, drafts: list[ContactDraft]) -> _Planned | None:
        """The batch made ready for :meth:`write` from what earlier batches looked up, with
        no query; ``None`` when it names something not met yet or has fields to create (it
        then goes through :meth:`apply`)."""
        if self._fields_to_create(drafts) or any(self._unmet(drafts)):
            return None
        return self._planned(drafts, BatchOutcome())

    def _planned(self, drafts: list[ContactDraft], outcome: BatchOutcome) -> _Planned:
        """Rows whose email the file gives for the first time are staged to merge all at
        once; a row for an email met before may disagree with the earlier row, so it waits
        to be merged one by one after them."""
        # What earlier batches' rows gave of each email, and this batch's first rows.
        givers = self.seen.givers({d.email.key for d in drafts if d.email})
        firsts: dict[str, ContactDraft] = {}
        staged: list[StagedContact] = []
        again: list[ContactDraft] = []
        for draft in drafts:
            issues = draft.issues + self._reference_issues(draft)
            if issues or draft.email is None:
                outcome.issues[draft.row] = issues
                continue
            resolved = self._resolved(draft)
            key = draft.email.key
            if key in firsts:  # a second row for an email this batch gave first
                givers[key] = _givers(firsts.pop(key))
            if key in givers:
                again.append(resolved)
                continue
            firsts[key] = resolved
            staged.append(self._staged(resolved, draft.email))
        planned = _Planned(outcome, staged, again, givers, firsts)
        if planned.settled:
            self._remember(planned)
        return planned

    def write(self, planned: _Planned, unit: ContactUnit, now: datetime) -> BatchOutcome:
        """Merge a planned batch: its first rows at once, then the others one by one."""
        outcome = planned.outcome
        if planned.staged:
            merged = unit.merge_contacts(planned.staged, Source.IMPORT, now)
            outcome.created, outcome.updated, outcome.unchanged = merged
        if planned.again:
            self._merge_again(planned.again, planned.givers, unit, now, outcome)
            self._remember(planned)
        return outcome

    def _remember(self, planned: _Planned) -> None:
        self.seen.record(
            {key: value for key, value in planned.givers.items() if value},
            [(key, d.row, d.gives) for key, d in planned.firsts.items() if d.gives],
        )

    def _staged(self, draft: ContactDraft, email: Email) -> StagedContact:
        return StagedContact(
            email.address,
            email.key,
            draft.first_name,
            draft.last_name,
            draft.company_id,
            sorted(self._label_ids(draft)),
            draft.custom_json,
        )

    def _label_ids(self, draft: ContactDraft) -> set[int]:
        """Every label the row names, by name or by ID."""
        return {self.label_cache[n] for n in draft.label_names}.union(draft.label_ids)

    def _merge_again(
        self,
        drafts: list[ContactDraft],
        givers: dict[str, Givers],
        unit: ContactUnit,
        now: datetime,
        outcome: BatchOutcome,
    ) -> None:
        """Rows for emails met earlier in the file, against the contacts as the earlier
        rows left them: refused where they disagree with an earlier row, else merged."""
        states = unit.contacts_by_key({d.email.key for d in drafts if d.email})
        # The stored state of each contact this changes (None: it creates it).
        before: dict[str, ContactState | None] = {}
        for draft in drafts:
            assert draft.email is not None
            given = givers[draft.email.key]
            conflicts = self._conflicts(draft, states.get(draft.email.key), given)
            if conflicts:
                outcome.issues[draft.row] = conflicts
                continue
            for name in _names(draft.gives):
                given.setdefault(name, draft.row)
            self._merge(draft, draft.email, states, before, outcome)
        writes = [_write(states[key], before[key]) for key in sorted(before)]
        if writes:
            raced = unit.write_contacts(writes, Source.IMPORT, now)
            outcome.created -= len(raced)
            outcome.updated += len(raced)

    def _create_fields(
        self, drafts: list[ContactDraft], unit: ContactUnit, outcome: BatchOutcome
    ) -> None:
        """``--create-fields``: the new fields are made with the first batch that writes a
        row, in its transaction (so a dry run rolls them back with everything else)."""
        if not self._fields_to_create(drafts):
            return
        new_fields = self.binding.new_fields
        ids = unit.create_fields(new_fields)
        self.field_ids = {f.id: ids[f.variable_name] for f in new_fields}
        outcome.new.fields += [f.variable_name for f in new_fields]

    def _fields_to_create(self, drafts: list[ContactDraft]) -> bool:
        return bool(
            self.binding.new_fields
            and not self.field_ids
            and any(d.email and not d.issues for d in drafts)
        )

    def _resolved(self, draft: ContactDraft) -> ContactDraft:
        """The draft with its company named by id and new fields by their real ids."""
        if not (self.field_ids or (draft.company_id is None and draft.company_name)):
            return draft  # nearly every row: named by id already (``_replace`` costs 1.5 µs)
        company_id = draft.company_id
        if company_id is None and draft.company_name:
            company_id = self.company_cache[company_key(draft.company_name)][0]
            self.company_names.setdefault(company_id, draft.company_name)
        if not self.field_ids:
            return draft._replace(company_id=company_id)
        custom = {self.field_ids.get(k, k): v for k, v in draft.custom.items()}
        return draft._replace(
            company_id=company_id,
            custom=custom,
            custom_json=values_json(custom),
            gives=given(draft.first_name, draft.last_name, company_id is not None, custom),
        )

    def _resolve_references(
        self, drafts: list[ContactDraft], unit: ContactUnit, outcome: BatchOutcome
    ) -> None:
        """Look up every label, label ID and company the batch names that no batch looked
        up before, a query each; with ``--create-labels`` / ``--create-companies``, create
        the missing ones named by rows that are otherwise good (a rejected row applies
        nothing, not even a new label).

        What is looked up and missing stays missing for the rest of the run (unless the run
        may create it), so that later batches naming it again need no query and can be
        planned ahead: the run sees the catalog as it first looked at it."""
        ids, companies, names, company_names = self._unmet(drafts)
        if ids:
            self.known_label_ids |= unit.existing_label_ids(ids)
        if companies:
            self.known_company_ids |= unit.existing_company_ids(companies)
        if names:
            self.label_cache.update(unit.label_ids_by_name(names))
        if company_names:
            self.company_cache.update(unit.company_ids_by_name(company_names))
        self._create_missing(drafts, unit, outcome)
        unknown = names - self.label_cache.keys()
        if unknown:
            self.case_hints.update(unit.labels_differing_in_case(sorted(unknown)))
        self.missing.label_ids.update(ids - self.known_label_ids)
        self.missing.company_ids.update(companies - self.known_company_ids)
        if not self.options.create_labels:
            self.missing.label_names.update(unknown)
        if not self.options.create_companies:
            self.missing.company_keys.update(company_names - self.company_cache.keys())

    def _unmet(self, drafts: list[ContactDraft]) -> _Unmet:
        """What the batch names that no earlier batch looked up: label IDs, company IDs,
        label names, company names (folded)."""
        missing = self.missing
        return _Unmet(
            {i for d in drafts for i in d.label_ids} - self.known_label_ids - missing.label_ids,
            {d.company_id for d in drafts if d.company_id}
            - self.known_company_ids
            - missing.company_ids,
            {n for d in drafts for n in d.label_names}
            - self.label_cache.keys()
            - missing.label_names,
            {company_key(d.company_name) for d in drafts if d.company_name}
            - self.company_cache.keys()
            - missing.company_keys,
        )

    def _create_missing(
        self, drafts: list[ContactDraft], unit: ContactUnit, outcome: BatchOutcome
    ) -> None:
        if not (self.options.create_labels or self.options.create_companies):
            return
        creatable = [d for d in drafts if d.email and not d.issues and not self._id_issues(d)]
        if self.options.create_labels:
            wanted = {n: None for d in creatable for n in d.label_names}
            missing = sorted(wanted.keys() - self.label_cache.keys())
            if missing:
                self.label_cache.update(unit.create_labels(missing))
                outcome.new.labels += missing
        if self.options.create_companies:
            by_fold: dict[str, str] = {}
            for d in creatable:
                if d.company_name and company_key(d.company_name) not in self.company_cache:
                    by_fold.setdefault(company_key(d.company_name), d.company_name)
            if by_fold:
                created = unit.create_companies(list(by_fold.values()))
                self.company_cache.update({key: [id_] for key, id_ in created.items()})
                outcome.new.companies += list(by_fold.values())

    def _reference_issues(self, draft: ContactDraft) -> list[RowIssue]:
        """With ``--create-labels`` a new name is no problem: it was created, or would have
        been, had the row no other one (the same for companies)."""
        issues = []
        if draft.label_names and not self.options.create_labels:
            unknown = [n for n in draft.label_names if n not in self.label_cache]
            if unknown:
                issues = _unknown_labels(draft.row, unknown, self.case_hints, self.options.wording)
        if draft.label_ids or (draft.company_id and draft.company_id not in self.known_company_ids):
            issues += self._id_issues(draft)
        if draft.company_name:
            issues += self._company_issues(draft)
        return issues

    def _conflicts(
        self, draft: ContactDraft, state: ContactState | None, given: Givers
    ) -> list[RowIssue]:
        """A later row for an email met earlier in the file merges into it, but where both
        give a field different values it is refused, naming the earlier row: otherwise the
        file would flip the contact back and forth on every run, never ``unchanged``."""
        if state is None or not given:
            return []
        issues = []
        for name, new in _given_values(draft):
            earlier = given.get(name)
            old = _stored(state, name)
            if earlier is None or old is None or old == new:
                continue
            column = self._column_of(name)
            issues.append(
                RowIssue(
                    draft.row,
                    column,
                    IssueCode.CONFLICTING_DUPLICATE,
                    f"row {earlier} has the same email with {column} "
                    f"{self._shown(column, name, old)}, and this row gives "
                    f"{self._shown(column, name, new)}: rows for one email merge, "
                    "so keep one value (or leave this cell empty)",
                )
            )
        return issues

    def _shown(self, column: str, name: str, value: object) -> str:
        """A value as the file's column holds it: a company by its name where the file
        names companies (by ID if the file never named it)."""
        if name == "company_id" and column != "company_id":
            named = self.company_names.get(value) if isinstance(value, int) else None
            return values.show(named) if named else f"ID {value}"
        return values.show(str(value))

    def _column_of(self, name: str) -> str:
        """The file's column for a field name as :func:`_given_values` names it."""
        if name.isdigit():
            field_id = int(name)
            for field, at in self.rows.custom:
                if self.field_ids.get(field.id, field.id) == field_id:
                    return self.binding.name_of(at[0])
            return name
        for target in _FILLED_FROM.get(name, (name,)):
            at = self.binding.at(target)
            if at:
                return self.binding.name_of(at[0])
        return name

    def _company_issues(self, draft: ContactDraft) -> list[RowIssue]:
        name = draft.company_name or ""
        column = self.binding.name_of(self.binding.at("company")[0])
        ids = self.company_cache.get(company_key(name), [])
        message = None
        if not ids and not self.options.create_companies:
            code = IssueCode.UNKNOWN_COMPANY
            message = (
                f"there is no company named {values.show(name)}: create it first, or "
                + self.options.wording.create_companies
            )
        elif len(ids) > 1:
            code = IssueCode.AMBIGUOUS_COMPANY
            listed = ", ".join(str(i) for i in ids)
            message = (
                f"{len(ids)} companies are named {values.show(name)} (IDs {listed}): give "
                "the one you mean in company_id instead"
            )
        elif ids and draft.company_id is not None and ids[0] != draft.company_id:
            code = IssueCode.COMPANY_MISMATCH
            message = (
                f"company_id {draft.company_id} and company {values.show(name)} (ID {ids[0]}) "
                "are different companies: make them agree, or leave one of them empty"
            )
        return [] if message is None else [RowIssue(draft.row, column, code, message)]

    def _id_issues(self, draft: ContactDraft) -> list[RowIssue]:
        issues = [
            RowIssue(
                draft.row,
                "labels_id",
                IssueCode.UNKNOWN_LABEL_ID,
                f"there is no label with ID {label_id}: {self.options.wording.label_ids}",
            )
            for label_id in draft.label_ids
            if label_id not in self.known_label_ids
        ]
        if draft.company_id and draft.company_id not in self.known_company_ids:
            issues.append(
                RowIssue(
                    draft.row,
                    "company_id",
                    IssueCode.UNKNOWN_COMPANY,
                    f"there is no company with ID {draft.company_id}: create it first, or "
                    + self.options.wording.company_ids,
                )
            )
        return issues

    def _merge(
        self,
        draft: ContactDraft,
        email: Email,
        states: dict[str, ContactState],
        before: dict[str, ContactState | None],
        outcome: BatchOutcome,
    ) -> None:
        key = email.key
        state = states.get(key)
        label_ids = self._label_ids(draft)
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


_FILLED_FROM = {
    "first_name": ("first_name", "name"),
    "last_name": ("last_name", "name"),
    "company_id": ("company_id", "company"),
}
"""The targets a field's value may come from, in the order a row takes them."""


def _given_values(draft: ContactDraft) -> list[tuple[str, object]]:
    """The single-valued fields a draft gives, by name (a custom field by its id); labels
    only add up, so they never disagree."""
    given: list[tuple[str, object]] = [
        (name, value)
        for name, value in (
            ("first_name", draft.first_name),
            ("last_name", draft.last_name),
            ("company_id", draft.company_id),
        )
        if value is not None
    ]
    return given + [(str(field), value) for field, value in draft.custom.items()]


def _names(gives: str) -> list[str]:
    """The field names of :attr:`ContactDraft.gives`."""
    return gives.split(",") if gives else []


def _givers(draft: ContactDraft) -> Givers:
    """The fields a single row gave, each by that row."""
    return dict.fromkeys(_names(draft.gives), draft.row)


def _stored(state: ContactState, name: str) -> object:
    if name.isdigit():
        return state.custom.get(int(name))
    return getattr(state, name)


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


def _unknown_labels(
    row: int, unknown: list[str], by_case: dict[str, str], wording: Wording
) -> list[RowIssue]:
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
                IssueCode.UNKNOWN_LABEL,
                f"there is no label named {values.show(name)}{hint}: create it first, "
                f"or {wording.create_labels}",
            )
        )
    return issues
