"""Agents: the row parser and batch writer of a users import.

Passwords are the expensive part: each one is an argon2id hash (tens of milliseconds), so
a batch collects every hash and every check it needs and runs them together on all cores
(:class:`~rolodex.security.passwords.HashingPool`). A password for an existing user is first checked
against the stored hash: the same password again is ``unchanged``, not a new hash, so
importing a file twice writes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from rolodex.domain import USER_COLUMNS, Email, Role, UserState
from rolodex.errors import FileError
from rolodex.importing import values
from rolodex.importing.columns import Binding, Targets, bind, propose
from rolodex.importing.options import ImportOptions
from rolodex.importing.ports import BatchOutcome, UserUnit
from rolodex.importing.reader import RawRow
from rolodex.importing.report import IssueCode, RowIssue
from rolodex.importing.rows import RowParser, fitted
from rolodex.security.passwords import HashingPool

SECRET_TARGETS = ("password", "password_hash")
"""The issue code of a row that would deactivate the last active admin."""
USER_TARGETS = Targets("users", USER_COLUMNS, ("name",))


def secret_columns(header: Sequence[str]) -> set[int]:
    """The positions whose cells are never shown, decided by what each column *binds* to
    (``password``, ``password_hash``) — and any whose name says password, in case the person
    binds it there in the Columns step: the one place a display asks. A header that does not
    bind at all hides every column."""
    try:
        columns = propose(header, USER_TARGETS)
    except FileError:
        return set(range(len(header)))
    return {
        c.index for c in columns if c.target in SECRET_TARGETS or "password" in c.name.casefold()
    }


def email_column(header: Sequence[str]) -> int | None:
    """Where the email binds (the first such column), if the header binds at all."""
    try:
        columns = propose(header, USER_TARGETS)
    except FileError:
        return None
    return next((c.index for c in columns if c.target == "email"), None)


@dataclass(slots=True)
class UserDraft:
    row: int
    email: Email | None
    first_name: str | None
    last_name: str | None
    password: str | None = field(repr=False)
    password_hash: str | None = field(repr=False)
    active: bool | None
    issues: list[RowIssue]
    active_column: str = "active"
    """The header of the column ``active`` came from, for an issue about it."""

    @classmethod
    def refused(cls, row: int, issues: list[RowIssue]) -> UserDraft:
        """A row refused before any value was read: its issues and nothing else."""
        return cls(row, None, None, None, None, None, None, issues)


class UsersKind:
    name = "users"
    parses_anywhere = False  # holds a hashing pool

    def __init__(self, options: ImportOptions, pool: HashingPool):
        self.options, self.pool = options, pool
        self.binding = Binding(())

    def prepare(
        self, header: Sequence[str], unit: UserUnit, decimal_comma: bool = False
    ) -> Binding:
        """A users file holds no numbers, so ``decimal_comma`` changes nothing."""
        self.binding = bind(header, USER_TARGETS, self.options.binding)
        return self.binding

    def redact(self, row_values: list[str]) -> list[str]:
        """Passwords and hashes never reach the error file or the import record: the
        columns bound to them are blanked, whatever their header says. In a row with the
        wrong number of values a password may sit in any column, so only the email is kept
        there."""
        if len(row_values) != self.binding.width:
            keep = self.binding.at("email")[:1]
            return [v if i in keep else "" for i, v in enumerate(row_values)]
        secret = {i for target in SECRET_TARGETS for i in self.binding.at(target)}
        return ["" if i in secret else v for i, v in enumerate(row_values)]

    def parse(self, raw: RawRow) -> UserDraft:
        fit = fitted(raw, self.binding)
        if isinstance(fit, list):
            return UserDraft.refused(raw.row, fit)
        raw = fit
        row = RowParser(raw, self.binding)
        text, column = row.cell("email")
        email = row.parse(column, values.parse_email, text and values.first_address(text))
        first, last = row.names()
        active_text, column = row.cell("active")
        active = row.parse(column, values.parse_active, active_text) if active_text else None
        password, password_hash = self._secrets(row)
        row.unnamed_cells()
        return UserDraft(
            raw.row, email, first, last, password, password_hash, active, row.issues, column
        )

    def _secrets(self, row: RowParser) -> tuple[str | None, str | None]:
        password, password_column = self._untrimmed(row.raw, "password")
        given_hash, hash_column = self._untrimmed(row.raw, "password_hash")
        given_hash = (given_hash or "").strip() or None
        if password and given_hash:
            row.issues.append(
                RowIssue(
                    row.raw.row,
                    hash_column,
                    IssueCode.PASSWORD_AND_HASH,
                    "give either a password or a password_hash, not both",
                )
            )
            return None, None
        if password is not None:
            password = row.parse(password_column, values.check_password, password)
        if given_hash is not None:
            given_hash = row.parse(hash_column, values.parse_password_hash, given_hash)
        return password, given_hash

    def _secret_columns(self) -> set[str]:
        return {self.binding.name_of(i) for t in SECRET_TARGETS for i in self.binding.at(t)}

    def _untrimmed(self, raw: RawRow, target: str) -> tuple[str | None, str]:
        """A password exactly as given (never trimmed), from the first non-empty column."""
        at = self.binding.at(target)
        for i in at:
            if raw.values[i]:
                return raw.values[i], self.binding.name_of(i)
        return None, self.binding.name_of(at[0]) if at else target

    def apply(self, drafts: list[UserDraft], unit: UserUnit, now: datetime) -> BatchOutcome:
        outcome = BatchOutcome()
        admins = self._admins_if_needed(drafts, unit)  # locked first, then the users read
        states = unit.users_by_key({d.email.key for d in drafts if d.email})
        before = {key: replace(state) for key, state in states.items()}
        same_password = self._check_known_passwords(drafts, states)
        pending: dict[str, str] = {}
        for draft in drafts:
            issues = draft.issues + _missing_password(draft, states, self._secret_columns())
            issues += _last_admin(draft, states, admins)
            if issues or draft.email is None:
                outcome.issues[draft.row] = issues
                continue
            _count(outcome, _merge(draft, draft.email, states, pending, same_password))
            _follow_admins(states[draft.email.key], admins)
        self._hash_pending(states, pending)
        changed = [s for key, s in sorted(states.items()) if _differs(s, before.get(key))]
        if changed:
            unit.write_users(changed, now, before)
        return outcome

    def _admins_if_needed(self, drafts: list[UserDraft], unit: UserUnit) -> set[str]:
        """The active admins, locked, when a row may deactivate one; a batch that
        deactivates nobody cannot take the last admin away, so it locks nothing."""
        if any(d.active is False for d in drafts):
            return unit.active_admin_keys()
        return set()

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


def _missing_password(
    draft: UserDraft, states: dict[str, UserState], secret_columns: set[str]
) -> list[RowIssue]:
    """A new user needs a password, unless the row already says what is wrong with the
    one it gave."""
    if draft.email is None or draft.email.key in states:
        return []
    if (
        draft.password
        or draft.password_hash
        or any(issue.column in secret_columns for issue in draft.issues)
    ):
        return []
    return [
        RowIssue(
            draft.row,
            "password",
            IssueCode.MISSING_PASSWORD,
            "a new user needs a password (at least 6 characters) or a password_hash",
        )
    ]


def _last_admin(draft: UserDraft, states: dict[str, UserState], admins: set[str]) -> list[RowIssue]:
    """A row deactivating the last active admin is refused
    (docs/importing.md#the-last-active-admin): ``admins`` is who is active admin after the
    rows before this one, in file order, so of a file deactivating every admin the rows go
    through until the one that would leave none."""
    state = states.get(draft.email.key) if draft.email else None
    if state is None or draft.active is not False or not _is_active_admin(state):
        return []
    if admins - {state.email_key}:
        return []
    return [
        RowIssue(
            draft.row,
            draft.active_column,
            IssueCode.LAST_ACTIVE_ADMIN,
            f"{state.email} is the last active admin and cannot be deactivated, or nobody "
            "could manage the team: make another person admin on the Team page first, or "
            "leave them active",
        )
    ]


def _follow_admins(state: UserState, admins: set[str]) -> None:
    """Keep ``admins`` up with a row just applied (an import may reactivate an admin)."""
    if _is_active_admin(state):
        admins.add(state.email_key)
    else:
        admins.discard(state.email_key)


def _is_active_admin(state: UserState) -> bool:
    return state.active and state.role is Role.ADMIN


def _merge(
    draft: UserDraft,
    email: Email,
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
