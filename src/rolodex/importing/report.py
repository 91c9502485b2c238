"""What an import says about itself: per-row issues, counts, warnings.

A row problem is data (:class:`RowIssue`), never an exception: the engine collects them
and the front end renders them, as a table, as JSON, or as an error file.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class IssueCode(StrEnum):
    """The stable code of a row issue: what a script or a test tells issues apart by.

    The values reach the JSON (``"code"`` beside ``"message"``) and the import record, so
    they never change; a new kind of problem gets a new code."""

    # a value of one cell (:mod:`.values`)
    CONTROL_CHARACTER = "control-character"
    MISSING_EMAIL = "missing-email"
    INVALID_EMAIL = "invalid-email"
    TOO_LONG = "too-long"
    INVALID_ID = "invalid-id"
    TOO_MANY_LABELS = "too-many-labels"
    INVALID_BOOLEAN = "invalid-boolean"
    AMBIGUOUS_NUMBER = "ambiguous-number"
    INVALID_NUMBER = "invalid-number"
    INVALID_DATE = "invalid-date"
    INVALID_OPTION = "invalid-option"
    PASSWORD_TOO_SHORT = "password-too-short"
    PASSWORD_HASH_TOO_COSTLY = "password-hash-too-costly"
    INVALID_PASSWORD_HASH = "invalid-password-hash"
    # the row as a whole (:mod:`.rows`)
    WRONG_FIELD_COUNT = "wrong-field-count"
    VALUE_WITHOUT_COLUMN = "value-without-column"
    ERROR_CELL = "error-cell"
    # what the row refers to, and earlier rows (:mod:`.contacts`, :mod:`.users`)
    UNKNOWN_LABEL = "unknown-label"
    UNKNOWN_LABEL_ID = "unknown-label-id"
    UNKNOWN_COMPANY = "unknown-company"
    AMBIGUOUS_COMPANY = "ambiguous-company"
    COMPANY_MISMATCH = "company-mismatch"
    CONFLICTING_DUPLICATE = "conflicting-duplicate"
    PASSWORD_AND_HASH = "password-and-hash"
    MISSING_PASSWORD = "missing-password"
    LAST_ACTIVE_ADMIN = "last-active-admin"


@dataclass(frozen=True)
class RowIssue:
    """One problem with one value of one row.

    ``row`` is the spreadsheet row (header = 1); ``column`` the header name, or ``None``
    when the problem concerns the row as a whole (a wrong number of fields).
    ``code`` is stable (``invalid-email``, ``unknown-label``…) for scripts and tests;
    ``message`` is for the person who will fix the file.
    """

    row: int
    column: str | None
    code: IssueCode
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


class ValueProblem(Exception):
    """Raised by a value parser; the engine adds the row and column and keeps going."""

    def __init__(self, code: IssueCode, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class NewThings:
    """What a run created (a dry run: would have created), by name, in the order made."""

    labels: list[str] = field(default_factory=list)
    companies: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)

    def add(self, other: NewThings) -> None:
        self.labels += other.labels
        self.companies += other.companies
        self.fields += other.fields

    def as_dict(self) -> dict[str, list[str]]:
        return {"labels": self.labels, "companies": self.companies, "fields": self.fields}


@dataclass
class Counts:
    """How far a run got, the one shape of an import's counts: the report's, what the
    import record keeps batch by batch, and an undo's."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class ImportReport:
    """Counts and issues of one run. ``errors`` keeps the first ``max_errors`` issues only,
    so a file of a million bad rows does not fill memory; the error file keeps them all."""

    kind: str
    dry_run: bool = False
    id: int | None = None
    counts: Counts = field(default_factory=Counts)
    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    columns: list[dict[str, str]] = field(default_factory=list)
    """Each header cell and its target, ``{"column", "target"}``
    (docs/importing.md#binding-columns)."""
    column_notes: list[str] = field(default_factory=list)
    """The binding in a few lines for the text report (not in the JSON, which has
    ``columns``)."""
    new: NewThings = field(default_factory=NewThings)
    errors_total: int = 0
    max_errors: int = 1000
    source: str = ""
    """What was read, for the text report: "a CSV file", "sheet 'Team' of an Excel workbook"."""

    def add_issues(self, issues: list[RowIssue]) -> None:
        self.errors_total += len(issues)
        room = self.max_errors - len(self.errors)
        if room > 0:
            self.errors.extend(issues[:room])

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "dry_run": self.dry_run,
            **self.counts.as_dict(),
            "columns": self.columns,
            "new": self.new.as_dict(),
            "errors": [issue.as_dict() for issue in self.errors],
            "warnings": list(self.warnings),
        }

    @property
    def exit_code(self) -> int:
        return 1 if self.counts.failed else 0
