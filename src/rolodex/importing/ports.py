"""What the import engine needs from storage, and nothing more.

The engine is written against these protocols; :mod:`rolodex.store` implements them for
SQLite and PostgreSQL. Every method that takes a collection answers with one query for the
whole collection, never one per row. Nothing here commits: the engine decides transactions
through :meth:`ImportStore.unit`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from rolodex.domain import ContactState, CustomField, UserState
from rolodex.importing.report import ImportReport, RowIssue


@dataclass(frozen=True)
class ImportMeta:
    """What the import record says about a run before it starts."""

    kind: str
    file_name: str
    sha256: str
    dry_run: bool
    strict: bool
    header: tuple[str, ...]
    rows_total: int
    actor: str | None = None
    warnings: tuple[str, ...] = ()
    options: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Reject:
    """A rejected row as the error file shows it: original values and what was wrong."""

    row: int
    values: list[str]
    issues: list[RowIssue]

    @property
    def error(self) -> str:
        return "; ".join(
            f"{issue.column}: {issue.message}" if issue.column else issue.message
            for issue in self.issues
        )


@dataclass
class Counts:
    """How far a run got: what the import record keeps, batch by batch."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0

    @classmethod
    def of(cls, report: ImportReport) -> Counts:
        return cls(report.rows, report.created, report.updated, report.unchanged, report.failed)

    def apply_to(self, report: ImportReport) -> None:
        report.rows, report.created, report.updated = self.rows, self.created, self.updated
        report.unchanged, report.failed = self.unchanged, self.failed


@dataclass
class ContactWrite:
    """The final state of one contact after a batch, and what changed against the store."""

    state: ContactState
    before: ContactState | None
    new_label_ids: set[int] = field(default_factory=set)
    changed_custom: dict[int, str] = field(default_factory=dict)


class ContactUnit(Protocol):
    """One transaction's view of contacts and what they refer to."""

    def custom_fields(self) -> list[CustomField]: ...
    def label_ids_by_name(self, names: Collection[str]) -> dict[str, int]: ...
    def labels_differing_in_case(self, names: Collection[str]) -> dict[str, str]: ...
    def existing_label_ids(self, ids: Collection[int]) -> set[int]: ...
    def existing_company_ids(self, ids: Collection[int]) -> set[int]: ...
    def create_labels(self, names: Sequence[str]) -> dict[str, int]: ...
    def contacts_by_key(self, keys: Collection[str]) -> dict[str, ContactState]: ...
    def write_contacts(
        self, writes: Sequence[ContactWrite], source: str, now: datetime
    ) -> set[str]:
        """Write the batch; answers the keys the import took for new but that another run
        created meanwhile (they were updated, not created)."""

    def rollback(self) -> None: ...
    def save_progress(self, import_id: int, counts: Counts, rejects: Sequence[Reject]) -> None:
        """Record a batch's counts and rejected rows in the batch's own transaction."""


class UserUnit(Protocol):
    """One transaction's view of agents."""

    def users_by_key(self, keys: Collection[str]) -> dict[str, UserState]: ...
    def write_users(
        self, users: Sequence[UserState], now: datetime, before: dict[str, UserState]
    ) -> None: ...


class ImportUnit(ContactUnit, UserUnit, Protocol):
    """A transaction of the store: one unit serves every kind of import, so the engine
    need not know which kind it runs."""


class ImportStore(Protocol):
    def unit(self, journal: int | None = None) -> AbstractContextManager[ImportUnit]: ...
    def start_import(self, meta: ImportMeta) -> int: ...
    def resume_import(self, import_id: int, meta: ImportMeta, keep: bool) -> Counts:
        """Mark a queued (or orphaned) run as running; ``keep``: continue from the
        batches it committed (their counts come back), else start it over."""

    def record_progress(self, import_id: int, rows_done: int) -> None: ...
    def finish_import(
        self,
        import_id: int,
        status: str,
        counts: Counts,
        warnings: Sequence[str],
        rejects: Iterator[Reject],
    ) -> None: ...
