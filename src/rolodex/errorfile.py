"""The error file: rejected rows in their original columns, plus a last column ``error``.

It is meant to be opened in a spreadsheet, fixed, and imported again as it is: the importer
ignores a last column named ``error``. Values a spreadsheet would run as formulas are
neutralised (the importer takes the ``'`` off again).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TextIO

from rolodex.export import write_rows
from rolodex.importing.columns import ERROR_COLUMN


def write_error_file(
    out: TextIO, header: Sequence[str], rejects: Iterable[tuple[int, list[str], str]]
) -> int:
    """Write the rejected rows; an ``error`` column the file already had is replaced."""
    names = list(header)
    had_error_column = bool(names) and names[-1].strip() == ERROR_COLUMN
    width = len(names)
    if had_error_column:
        names = names[:-1]

    def rows() -> Iterable[list[str]]:
        for _, values, error in rejects:
            old_error = had_error_column and len(values) == width
            kept = values[:-1] if old_error else values
            yield [*kept, *[""] * (len(names) - len(kept)), error]

    return write_rows(out, [*names, ERROR_COLUMN], rows())
