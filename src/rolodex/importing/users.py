"""Agents: the row parser and batch writer of a users import.

Passwords are the expensive part: each one is an argon2id hash (tens of milliseconds), so
a batch collects every hash and every check it needs and runs them together on all cores
(:class:`~rolodex.passwords.HashingPool`). A password for an existing user is first checked
against the stored hash: the same password again is ``unchanged``, not a new hash, so
importing a file twice writes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from rolodex.domain import USER_COLUMNS, Role, UserState
from rolodex.importing import values
from rolodex.importing.columns import ColumnMap, bind
from rolodex.importing.engine import BatchOutcome
from rolodex.importing.options import ImportOptions
from rolodex.importing.ports import UserUnit
from rolodex.importing.reader import RawRow
from rolodex.importing.report import RowIssue
from rolodex.importing.rows import RowParser, wrong_width
from rolodex.passwords import HashingPool

SECRET_COLUMNS = ("password", "password_hash")


@dataclass(slots=True)
class UserDraft:
    row: int
    email: values.Email | None
    first_name: str | None
    last_name: str | None
    password: str | None = field(repr=False)
    password_hash: str | None = field(repr=False)
    active: bool | None
    issues: list[RowIssue]


class UsersKind:
    name = "users"
    parses_anywhere = False  # holds a hashing pool

    def __init__(self, options: ImportOptions, pool: HashingPool):
        self.options, self.pool = options, pool
        self.columns = ColumnMap((), {}, (), ())

    def prepare(self, header: Sequence[str], unit: UserUnit) -> None:
        self.columns = bind(header, USER_COLUMNS)

    def redact(self, row_values: list[str]) -> list[str]:
        """Passwords and hashes never reach the error file or the import record. In a row
        with the wrong number of values a password may sit in any column, so only the
        email is kept there."""
        if len(row_values) != self.columns.width:
            keep = self.columns.standard.get("email")
            return [v if i == keep else "" for i, v in enumerate(row_values)]
        secret = {self.columns.standard[c] for c in SECRET_COLUMNS if c in self.columns.standard}
        return ["" if i in secret else v for i, v in enumerate(row_values)]

    def parse(self, raw: RawRow) -> UserDraft | list[RowIssue]:
        problem = wrong_width(raw, self.columns)
        if problem:
            return problem
        row = RowParser(raw, self.columns)
        email = row.parse("email", values.parse_email, row.cell("email"))
        first = row.parse("first_name", values.parse_name, row.cell("first_name"), "first_name")
        last = row.parse("last_name", values.parse_name, row.cell("last_name"), "last_name")
        active_text = row.cell("active")
        active = row.parse("active", values.parse_active, active_text) if active_text else None
        password, password_hash = self._secrets(row)
        row.unnamed_cells()
        return UserDraft(raw.row, email, first, last, password, password_hash, active, row.issues)

    def _secrets(self, row: RowParser) -> tuple[str | None, str | None]:
        password = self.columns.get(row.raw.values, "password") or None
        given_hash = (self.columns.get(row.raw.values, "password_hash") or "").strip() or None
        if password and given_hash:
            row.issues.append(
                RowIssue(
                    row.raw.row,
                    "password_hash",
                    "password-and-hash",
                    "give either a password or a password_hash, not both",
                )
            )
            return None, None
        if password is not None:
            password = row.parse("password", values.check_password, password)
        if given_hash is not None:
            given_hash = row.parse("password_hash", values.parse_password_hash, given_hash)
        return password, given_hash

    def apply(self, drafts: list[UserDraft], unit: UserUnit, now: datetime) -> BatchOutcome:
        outcome = BatchOutcome()
        states = unit.users_by_key({d.email.key for d in drafts if d.email})
        before = {key: replace(state) for key, state in states.items()}
        same_password = self._check_known_passwords(drafts, states)
        pending: dict[str, str] = {}
        for draft in drafts:
            issues = draft.issues + _missing_password(draft, states)
            if issues or draft.email is None:
                outcome.issues[draft.row] = issues
                continue
            _count(outcome, _merge(draft, draft.email, states, pending, same_password))
        self._hash_pending(states, pending)
        changed = [s for key, s in sorted(states.items()) if _differs(s, before.get(key))]
        if changed:
            unit.write_users(changed, now, before)
        return outcome

    def _check_known_passwords(
        self, drafts: list[UserDraft], states: dict[str, UserState]
    ) -> dict[str, bool]:
        """For each stored user, does the first password the batch gives them match?"""
        checks: dict[str, tuple[str, str]] = {}
        for d in drafts:
            if d.email and d.password and not d.issues:
                stored = states.get(d.email.key)
                if stored and stored.password_hash and d.email.key not in checks:
                    checks[d.email.key] = (stored.password_hash, d.password)
        results = self.pool.verify_many(list(checks.values()))
        return dict(zip(checks, results, strict=True))

    def _hash_pending(self, states: dict[str, UserState], pending: dict[str, str]) -> None:
        keys = list(pending)
        for key, hashed in zip(keys, self.pool.hash_many([pending[k] for k in keys]), strict=True):
            states[key].password_hash = hashed


def _missing_password(draft: UserDraft, states: dict[str, UserState]) -> list[RowIssue]:
    if draft.email is None or draft.email.key in states:
        return []
    if (
        draft.password
        or draft.password_hash
        or any(issue.column in SECRET_COLUMNS for issue in draft.issues)
    ):
        return []
    return [
        RowIssue(
            draft.row,
            "password",
            "missing-password",
            "a new user needs a password (at least 6 characters) or a password_hash",
        )
    ]


def _merge(
    draft: UserDraft,
    email: values.Email,
    states: dict[str, UserState],
    pending: dict[str, str],
    same_password: dict[str, bool],
) -> str:
    """Apply one row to the batch's view of the users; says created/updated/unchanged."""
    key = email.key
    state = states.get(key)
    created = state is None
    if state is None:
        state = states[key] = UserState(None, email.address, key, role=Role.AGENT)
    changed = created
    for name in ("first_name", "last_name", "active"):
        new = getattr(draft, name)
        if new is not None and new != getattr(state, name):
            setattr(state, name, new)
            changed = True
    if draft.password_hash and draft.password_hash != state.password_hash:
        state.password_hash = draft.password_hash
        pending.pop(key, None)
        changed = True
    if draft.password and _password_changes(key, draft.password, pending, same_password):
        pending[key] = draft.password
        changed = True
    return "created" if created else "updated" if changed else "unchanged"


def _password_changes(
    key: str, password: str, pending: dict[str, str], same_password: dict[str, bool]
) -> bool:
    if key in pending:
        return pending[key] != password
    return not same_password.pop(key, False)


def _differs(state: UserState, before: UserState | None) -> bool:
    return before is None or state != before


def _count(outcome: BatchOutcome, result: str) -> None:
    setattr(outcome, result, getattr(outcome, result) + 1)
