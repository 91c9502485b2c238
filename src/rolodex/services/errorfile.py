"""The error file: rejected rows in their original columns, plus a last column ``error``.

It is meant to be opened in a spreadsheet, fixed, and imported again as it is: the importer
ignores a last column named ``error``. Values a spreadsheet would run as formulas are
neutralised (the importer takes the ``'`` off again).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TextIO

from rolodex.importing.columns import ERROR_COLUMN
from rolodex.services.export import write_rows


def error_table(
    header: Sequence[str], rejects: Iterable[tuple[int, list[str], str]]
) -> tuple[list[str], Iterator[list[str]]]:
    """The error file's header and rows; an ``error`` column the file already had is
    replaced, and a short row is padded so its error stands under ``error``."""
    names = list(header)
    had_error_column = bool(names) and names[-1].strip() == ERROR_COLUMN
    width = len(names)
    if had_error_column:
        names = names[:-1]

    def rows() -> Iterator[list[str]]:
        for _, values, error in rejects:
            old_error = had_error_column and len(values) == width
            kept = values[:-1] if old_error else values
            yield [*kept, *[""] * (len(names) - len(kept)), error]

    return [*names, ERROR_COLUMN], rows()


def write_error_file(
    out: TextIO, header: Sequence[str], rejects: Iterable[tuple[int, list[str], str]]
) -> int:
    return write_rows(out, *error_table(header, rejects))
