"""The import's interfaces, all in one place: what the engine needs from a file, from a
kind of record and from storage, and nothing more.

The engine reads rows from a :class:`RowSource` (a CSV file or a workbook's sheet, see
:mod:`.source`). An :class:`ImportKind` (contacts, users) binds the header, parses each row
(a :class:`Parser`; a :class:`PortableParser` may run on a second core, see :mod:`.pipeline`)
and applies a batch. It writes through the storage protocols; :mod:`rolodex.store` implements
them for SQLite and PostgreSQL. Every method that takes a collection answers with one query for the
whole collection, never one per row. Nothing here commits: the engine decides transactions
through :meth:`ImportStore.unit`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, NamedTuple, Protocol, TypeVar, runtime_checkable

from rolodex.domain import ContactState, CustomField, UserState
from rolodex.importing.columns import Binding
from rolodex.importing.reader import RawRow
from rolodex.importing.report import Counts, NewThings, RowIssue


class ImportStatus(StrEnum):
    """Where a run stands. A CLI run starts ``running``; an uploaded one ``queued``, until a
    worker takes it. It ends ``done``, ``failed`` (an error stopped it) or ``interrupted``
    (Ctrl-C, or its process died)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


@dataclass(frozen=True)
class RunEnd:
    """How a run ended, as its record keeps it."""

    status: ImportStatus
    counts: Counts
    warnings: Sequence[str]
    new: Mapping[str, list[str]] | None = None
    """What the run created (or, a dry run, would have), by kind of thing."""


ACTIVE = (ImportStatus.QUEUED, ImportStatus.RUNNING)
"""Still going: not to be undone, nor confirmed."""
ENDED = (ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.INTERRUPTED)


@dataclass(frozen=True)
class ImportRecord:
    """One run as the store keeps it (docs/importing.md#import-runs): what the history, the API,
    the pages and the worker read. Its fields are the ``imports`` table's columns."""

    id: int
    kind: str
    file_name: str
    sha256: str
    dry_run: bool
    strict: bool
    status: ImportStatus
    rows_total: int
    rows_done: int
    created: int
    updated: int
    unchanged: int
    failed: int
    restored: int
    """An undo run's records put back as they were (0 for an import)."""
    removed: int
    """An undo run's records created by the import and taken away (0 for an import)."""
    warnings: list[str]
    header: list[str]
    options: dict[str, Any]
    """:meth:`ImportOptions.recorded`, and ``confirms`` for the real run of a dry run."""
    columns: list[dict[str, str]] | None
    new_names: dict[str, list[str]] | None
    actor: str | None
    host: str | None
    boot_id: str | None
    pid: int | None
    worker: str | None
    heartbeat_at: datetime | None
    undo_of: int | None
    undone_by: int | None
    started_at: datetime
    finished_at: datetime | None

    @property
    def counts(self) -> Counts:
        return Counts(self.rows_done, self.created, self.updated, self.unchanged, self.failed)


class RowSource(Protocol):
    """A file that passed its checks, whatever its format: header and row count are settled.

    It pickles (the pipeline sends it to a second process) and ``rows()`` reads the file
    again each time it is called, so it holds settings, never open files or rows.
    """

    @property
    def header(self) -> list[str]: ...
    @property
    def rows_total(self) -> int:
        """The rows ``rows()`` yields, known before the first is read (for progress)."""

    @property
    def warnings(self) -> tuple[str, ...]: ...
    @property
    def description(self) -> str:
        """What was read, for a person: "a CSV file", "sheet 'Team' of an Excel workbook"."""

    @property
    def decimal_comma(self) -> bool:
        """Numbers may be written ``3,75``: a file separated by ``;``, as European Excel
        saves one (a workbook's numbers are numbers, so never)."""

    def rows(self) -> Iterator[RawRow]: ...


class Draft(Protocol):
    """What a kind's parser makes of a row, good or not: the one way a row's issues travel.
    A row the parser refuses outright (a wrong number of fields) is a draft with no values
    and its issues; the kind's ``apply`` reports every draft's issues with its own."""

    @property
    def row(self) -> int: ...
    @property
    def issues(self) -> list[RowIssue]: ...


class Parser(Protocol):
    def parse(self, raw: RawRow) -> Draft: ...


@runtime_checkable
class ParsesBatches(Parser, Protocol):
    """A parser that does a batch's rows faster together than one by one."""

    def parse_batch(self, raws: list[RawRow]) -> list[Any]:
        """``[parse(raw) for raw in raws]``, exactly."""


@runtime_checkable
class PortableParser(Parser, Protocol):
    """A parser whose results can cross to this process from the second one."""

    def pack(self, parsed: Any) -> Any:
        """What ``parse`` made, as plain tuples and lists: those pickle several times
        faster than named tuples or dataclasses, which are rebuilt one call each."""

    def unpack(self, packed: Any) -> Any:
        """The inverse of :meth:`pack`, in the parent."""


D = TypeVar("D", bound=Draft)
U = TypeVar("U", contravariant=True)


@dataclass
class BatchOutcome:
    """What a kind did with one batch of parsed rows."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    issues: dict[int, list[RowIssue]] = field(default_factory=dict)
    new: NewThings = field(default_factory=NewThings)


class ImportKind(Protocol, Generic[D, U]):
    """One kind of record (contacts, users): its columns, its row parser, its writer."""

    name: str
    parses_anywhere: bool
    """True when the kind pickles and its ``parse`` needs nothing of this process, so a
    large file can be parsed on a second core (see :mod:`.pipeline`)."""

    def prepare(self, header: Sequence[str], unit: U, decimal_comma: bool = False) -> Binding:
        """Bind the header (raising ``FileError``) and load what parsing needs;
        ``decimal_comma``: numbers may be written ``3,75`` (see ``RowSource``)."""

    def parse(self, raw: RawRow) -> D: ...

    def apply(self, drafts: list[D], unit: U, now: datetime) -> BatchOutcome: ...

    def redact(self, values: list[str]) -> list[str]:
        """The row as the error file may show it (passwords blanked)."""


class Planned(Protocol):
    @property
    def settled(self) -> bool:
        """May the next batch be planned before this one is written?"""


@runtime_checkable
class PlansAhead(Protocol):
    """A kind that can make a batch ready without the store, so that the engine does it
    while the store writes the batch before (see :mod:`.engine`)."""

    def plan(self, drafts: list[Any]) -> Planned | None:
        """The batch ready for :meth:`write`, or ``None`` when it needs the store first
        (the engine then applies it once the batch before is written)."""

    def write(self, planned: Any, unit: Any, now: datetime) -> BatchOutcome: ...


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
    columns: Sequence[Mapping[str, str]] = ()
    """Each header cell and its target, as the report shows them."""


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
class ContactWrite:
    """The final state of one contact after a batch, and what changed against the store."""

    state: ContactState
    before: ContactState | None
    new_label_ids: set[int] = field(default_factory=set)
    changed_custom: dict[int, str] = field(default_factory=dict)


class StagedContact(NamedTuple):
    """A row whose email the file gives for the first time, ready for the database to merge
    (:meth:`ContactUnit.merge_contacts`): every reference resolved, labels by sorted id."""

    email: str
    email_key: str
    first_name: str | None
    last_name: str | None
    company_id: int | None
    label_ids: list[int]
    custom: str
    """The custom values as a JSON object of field id → value
    (:func:`~rolodex.importing.jsontext.values_json`), written by the parsing process."""


class Merged(NamedTuple):
    """What a merge did: contacts created, changed, and found as the rows say already."""

    created: int
    updated: int
    unchanged: int


class ContactUnit(Protocol):
    """One transaction's view of contacts and what they refer to."""

    def custom_fields(self) -> list[CustomField]: ...
    def label_ids_by_name(self, names: Collection[str]) -> dict[str, int]: ...
    def labels_differing_in_case(self, names: Collection[str]) -> dict[str, str]: ...
    def existing_label_ids(self, ids: Collection[int]) -> set[int]: ...
    def existing_company_ids(self, ids: Collection[int]) -> set[int]: ...
    def create_labels(self, names: Sequence[str]) -> dict[str, int]: ...
    def company_ids_by_name(self, names: Collection[str]) -> dict[str, list[int]]:
        """Keyed by the trimmed, case-folded name; two companies may share one."""

    def create_companies(self, names: Sequence[str]) -> dict[str, int]:
        """Create one company per name; answers them keyed as :meth:`company_ids_by_name`."""

    def create_fields(self, fields: Sequence[CustomField]) -> dict[str, int]:
        """Create text fields; answers every field's id by variable name."""

    def merge_contacts(self, rows: Sequence[StagedContact], source: str, now: datetime) -> Merged:
        """Merge rows of distinct emails into the stored contacts, in the database."""

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
    def active_admin_keys(self) -> set[str]:
        """The active admins' email keys, locked until the unit ends."""

    def write_users(
        self, users: Sequence[UserState], now: datetime, before: dict[str, UserState]
    ) -> None: ...


class ImportUnit(ContactUnit, UserUnit, Protocol):
    """A transaction of the store: one unit serves every kind of import, so the engine
    need not know which kind it runs."""


class ImportStore(Protocol):
    @property
    def writes_apart(self) -> bool:
        """Does the database do a batch's work in a process of its own (a server)? The
        engine then plans the next batch meanwhile; where that work is this process's own
        (SQLite), the two would only take turns, and the overlap measured slower."""

    def unit(self, journal: int | None = None) -> AbstractContextManager[ImportUnit]: ...
    def start_import(self, meta: ImportMeta) -> int: ...
    def resume_import(self, import_id: int, meta: ImportMeta, keep: bool) -> Counts:
        """Mark a queued (or orphaned) run as running; ``keep``: continue from the
        batches it committed (their counts come back), else start it over."""

    def record_progress(self, import_id: int, rows_done: int) -> None: ...
    def beat(self, import_id: int) -> None:
        """The run is alive (best effort, never raises)."""

    def finish_import(self, import_id: int, end: RunEnd, rejects: Iterator[Reject]) -> None:
        """Record how the run ended, and its rejected rows."""
