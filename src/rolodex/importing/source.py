"""Which reader a file needs, told by its first bytes: a workbook, else CSV
(docs/importing.md#workbooks)."""

from __future__ import annotations

from pathlib import Path

from rolodex.config import Limits
from rolodex.errors import FileError
from rolodex.importing.ports import RowSource
from rolodex.importing.reader import open_csv, read_head
from rolodex.importing.values import show
from rolodex.importing.wording import CLI, Wording
from rolodex.importing.workbook import open_workbook, workbook_kind

__all__ = ["open_source"]


def open_source(
    path: Path,
    limits: Limits,
    sheet: str | None = None,
    encoding: str | None = None,
    wording: Wording = CLI,
) -> RowSource:
    """The checked file, ready to stream; ``sheet`` names a workbook's sheet (default: the
    first), ``encoding`` a CSV file's (default: found). Raises ``FileError`` for a file that
    cannot be imported as a whole."""
    path = Path(path)
    kind = workbook_kind(path, read_head(path, limits), limits)
    if kind is not None:
        return open_workbook(path, limits, sheet or None, kind)
    if sheet:
        raise FileError(
            f"The sheet {show(sheet)} was asked for, but the file is CSV, which has no "
            "sheets. Leave the sheet out."
        )
    return open_csv(path, limits, encoding, wording)
