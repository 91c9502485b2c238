"""Reading one row's cells: every problem of the row collected, not just the first."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from rolodex.importing import values
from rolodex.importing.columns import Binding
from rolodex.importing.reader import RawRow
from rolodex.importing.report import IssueCode, RowIssue, ValueProblem

T = TypeVar("T")


class RowParser:
    """Collects every problem of one row instead of stopping at the first.

    Issues name the column as the file names it (``E-mail 1 - Value``, not ``email``), so
    the person finds the cell in their spreadsheet."""

    def __init__(self, raw: RawRow, binding: Binding):
        self.raw, self.binding = raw, binding
        self.issues = [_error_cell(raw, binding, at, error) for at, error in raw.cell_errors]
        self.errors = {at for at, _ in raw.cell_errors}

    def cells(self, target: str) -> list[tuple[str, str]]:
        """Every non-empty cell bound to ``target`` as (trimmed text, column name), in file
        order; a refused cell (a control character, a spreadsheet error) is recorded and
        left out."""
        found = []
        for at in self.binding.at(target):
            column = self.binding.name_of(at)
            if at in self.errors:
                continue
            text = self.parse(column, values.clean, self.raw.values[at])
            if text:
                found.append((text, column))
        return found

    def cell(self, target: str) -> tuple[str | None, str]:
        """The first non-empty cell bound to ``target`` and its column: several columns
        may fill one target (Outlook's ``E-mail Address``, ``E-mail 2 Address``). The text
        is "" when every such cell is empty or the file lacks the target, ``None`` when a
        cell was refused (so no further parser sees the row's value)."""
        at = self.binding.at(target)
        before = len(self.issues)
        found = self.cells(target)
        if len(self.issues) > before or self.errors.intersection(at):
            return None, self.binding.name_of(at[0])
        if found:
            return found[0]
        return "", self.binding.name_of(at[0]) if at else target

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

    def names(self) -> tuple[str | None, str | None]:
        """(first name, last name): their own columns, else the ``name`` column split in two
        when neither of them holds anything."""
        first = self._name("first_name")
        last = self._name("last_name")
        full, column = self.cell("name")
        if full and first is None and last is None:
            return self.parse(column, values.split_full_name, full) or (None, None)
        return first, last

    def _name(self, target: str) -> str | None:
        text, column = self.cell(target)
        return self.parse(column, values.parse_name, text, target)

    def unnamed_cells(self) -> None:
        for at in self.binding.unnamed:
            if self.raw.values[at].strip():
                self.issues.append(
                    RowIssue(
                        self.raw.row,
                        None,
                        IssueCode.VALUE_WITHOUT_COLUMN,
                        f"{values.show(self.raw.values[at])} stands in a column with no "
                        "name in the header: name the column or clear the cell",
                    )
                )


def _error_cell(raw: RawRow, binding: Binding, at: int, error: str) -> RowIssue:
    """A workbook cell showing ``#N/A`` or ``#DIV/0!``: its value is unknown, so the row is
    refused rather than imported with the cell taken as empty."""
    return RowIssue(
        raw.row,
        binding.name_of(at) if at < binding.width else None,
        IssueCode.ERROR_CELL,
        f"the cell holds the spreadsheet error {error}: fix the formula or clear the cell",
    )


def fitted(raw: RawRow, binding: Binding) -> RawRow | list[RowIssue]:
    """The row as wide as the header, or the issue of a row that is not.

    Outlook leaves out a row's trailing empty cells (89 values under 92 columns); where the
    cells left out are all in columns that bind to nothing, nothing can have shifted into a
    bound column, so the row is read with them empty. Otherwise a row of another width is
    refused: a missing or extra separator moves values into the wrong columns."""
    width = len(raw.values)
    if width == binding.width:
        return raw
    if binding.needed_width <= width < binding.width:
        return raw._replace(values=raw.values + [""] * (binding.width - width))
    return [
        RowIssue(
            raw.row,
            None,
            IssueCode.WRONG_FIELD_COUNT,
            f"this row has {width} values but the header has {binding.width} "
            "columns: look for a missing or extra separator, or an unquoted comma",
        )
    ]
