"""Reading one row's cells: every problem of the row collected, not just the first."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from rolodex.importing import values
from rolodex.importing.columns import ColumnMap
from rolodex.importing.reader import RawRow
from rolodex.importing.report import RowIssue, ValueProblem

T = TypeVar("T")


class RowParser:
    """Collects every problem of one row instead of stopping at the first."""

    def __init__(self, raw: RawRow, columns: ColumnMap):
        self.raw, self.columns = raw, columns
        self.issues = [_error_cell(raw, columns, at, error) for at, error in raw.cell_errors]
        self.errors = {at for at, _ in raw.cell_errors}

    def cell(self, column: str, at: int | None = None) -> str | None:
        """The trimmed cell; "" when the file lacks the column, ``None`` when the value is
        refused (the issue is recorded, and no further parser sees the value)."""
        index = self.columns.standard.get(column) if at is None else at
        if index is None:
            return ""
        if index in self.errors:
            return None
        return self.parse(column, values.clean, self.raw.values[index])

    def parse(
        self, column: str, parser: Callable[..., T], text: str | None, *extra: object
    ) -> T | None:
        """``parser(text, *extra)``, or ``None`` with the issue recorded; a refused cell
        (``None``) is not parsed again, so one bad value makes one issue."""
        if text is None:
            return None
        try:
            return parser(text, *extra)
        except ValueProblem as problem:
            self.issues.append(RowIssue(self.raw.row, column, problem.code, problem.message))
            return None

    def unnamed_cells(self) -> None:
        for at in self.columns.unnamed:
            if self.raw.values[at].strip():
                self.issues.append(
                    RowIssue(
                        self.raw.row,
                        None,
                        "value-without-column",
                        f"{values.show(self.raw.values[at])} stands in a column with no "
                        "name in the header: name the column or clear the cell",
                    )
                )


def _error_cell(raw: RawRow, columns: ColumnMap, at: int, error: str) -> RowIssue:
    """A workbook cell showing ``#N/A`` or ``#DIV/0!``: its value is unknown, so the row is
    refused rather than imported with the cell taken as empty."""
    return RowIssue(
        raw.row,
        columns.names[at] if at < columns.width else None,
        "error-cell",
        f"the cell holds the spreadsheet error {error}: fix the formula or clear the cell",
    )


def wrong_width(raw: RawRow, columns: ColumnMap) -> list[RowIssue] | None:
    if len(raw.values) == columns.width:
        return None
    return [
        RowIssue(
            raw.row,
            None,
            "wrong-field-count",
            f"this row has {len(raw.values)} values but the header has {columns.width} "
            "columns: look for a missing or extra separator, or an unquoted comma",
        )
    ]
