"""Workbooks (.xlsx/.xlsm, .xls, .ods) → the same rows the CSV reader gives
(docs/importing.md#workbooks).

Known by content, never by name: a ZIP holding ``xl/workbook.xml`` is Excel, a ZIP whose
``mimetype`` says so is OpenDocument, an OLE2 container is Excel 97-2003 (or, holding an
``EncryptedPackage``, an encrypted .xlsx, which calamine reports as password protected).

python-calamine reads all three. It was chosen by measurement (``docs/workbooks.md``): on
100,000 rows it reads 17 times as fast as openpyxl's read-only mode, which alone would be
slower than a whole CSV import. What it costs: calamine loads the whole sheet, 60-70 MB
per 100,000 rows of 8 columns, in each process that reads it.

As for CSV, :func:`open_workbook` checks the sheet once (header, row count, limits) so a
file-level problem stops the import before anything is written, and
:meth:`WorkbookSource.rows` reads it again each time it is called, in whichever process.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from xml.etree.ElementTree import ParseError

import python_calamine as calamine
import xlrd  # type: ignore[import-untyped]

from rolodex.config import Limits
from rolodex.errors import FileError
from rolodex.importing.cells import cell_text
from rolodex.importing.error_cells import ErrorCells, error_cells
from rolodex.importing.reader import RawRow, read_head
from rolodex.importing.values import show

__all__ = ["WorkbookSource", "open_workbook", "workbook_kind"]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
KIND_NAMES = {
    "xlsx": "an Excel workbook",
    "xls": "an Excel 97-2003 workbook",
    "ods": "an OpenDocument spreadsheet",
}
_SAVE_AGAIN = "Open it in the spreadsheet program and save it again."
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_UNREADABLE = (calamine.CalamineError, ValueError, zipfile.BadZipFile, xlrd.XLRDError, ParseError)


@dataclass(frozen=True)
class WorkbookSource:
    """One sheet that passed the checks. Holds settings only, so it pickles: the pipeline
    sends it to a second process, which opens the workbook again."""

    path: Path
    kind: str
    sheet: str
    header: list[str]
    rows_total: int
    _header_index: int = field(default=0, repr=False)
    """Where the header stands among the sheet's rows (0: the first)."""
    warnings: tuple[str, ...] = ()
    _limits: Limits = field(default_factory=Limits, repr=False)

    @property
    def description(self) -> str:
        return f"sheet {show(self.sheet)} of {KIND_NAMES[self.kind]}"

    @property
    def decimal_comma(self) -> bool:
        return False

    def rows(self) -> Iterator[RawRow]:
        """The records after the header, numbered as the sheet numbers its rows; blank
        rows advance the number only. A cell holding ``#N/A`` is "" in ``values`` and
        named in ``cell_errors``."""
        width = len(self.header)
        with _opened(self.path, self.kind) as book:
            sheet = book.get_sheet_by_name(self.sheet)
            errors = _errors_by_row(self.path, self.kind, self.sheet, sheet)
            for index, cells in islice(enumerate(sheet.iter_rows()), self._header_index + 1, None):
                found = errors.get(index, ())
                if found or not _blank(cells):
                    values = list(map(cell_text, cells))
                    yield RawRow(index + 1, _cut(values, width, found), found)


def workbook_kind(path: Path, head: bytes, limits: Limits) -> str | None:
    """``xlsx``, ``xls``, ``ods``, or ``None`` for a file that is not a workbook."""
    if head.startswith(_OLE2):
        return "xls"
    if head.startswith(_ZIP):
        return _zip_kind(path, limits)
    return None


def open_workbook(
    path: Path, limits: Limits, sheet: str | None = None, kind: str | None = None
) -> WorkbookSource:
    """Check the sheet once, so a file-level problem stops the import before any write."""
    path = Path(path)
    kind = kind or workbook_kind(path, read_head(path, limits), limits)
    if kind is None:
        raise FileError(f"The file {path.name} is not a workbook (.xlsx, .xls or .ods).")
    with _opened(path, kind) as book:
        name = _sheet_name(book.sheet_names, sheet)
        loaded = book.get_sheet_by_name(name)
        errors = _errors_by_row(path, kind, name, loaded)
        header_index, header, total = _scan(loaded, errors, limits)
    return WorkbookSource(path, kind, name, header, total, header_index, _limits=limits)


# -- what the file is ------------------------------------------------------------------------


def _zip_kind(path: Path, limits: Limits) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                kind = "xlsx"
            elif "mimetype" in names and _member_head(archive, "mimetype") == _ODS_MIMETYPE:
                kind = "ods"
            elif "xl/workbook.bin" in names:
                raise FileError(
                    "The file is an Excel binary workbook (.xlsb), which rolodex does not "
                    "read. Save it as .xlsx or CSV."
                )
            else:
                return None
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise FileError(
            f"The file is a damaged ZIP archive (a damaged .xlsx or .ods?). {_SAVE_AGAIN}"
        ) from exc
    if unpacked > limits.max_file_bytes:
        raise FileError(
            f"The workbook unpacks to {unpacked:,} bytes, over the limit of "
            f"{limits.max_file_bytes:,} (ROLODEX_MAX_FILE_BYTES). Split it or raise the limit."
        )
    return kind


def _member_head(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as member:
        return member.read(len(_ODS_MIMETYPE) + 2).strip()


@contextmanager
def _opened(path: Path, kind: str) -> Iterator[calamine.CalamineWorkbook]:
    """The workbook, with calamine's errors told as one line saying what to do.

    calamine picks its reader by the file's extension, and an upload is spooled under any
    name: it is handed a link named for what the content is."""
    try:
        with tempfile.TemporaryDirectory(prefix="rolodex-") as folder:
            named = Path(folder) / f"workbook.{kind}"
            named.symlink_to(path.resolve())
            with calamine.CalamineWorkbook.from_path(str(named)) as book:
                yield book
    except calamine.PasswordError as exc:
        raise _encrypted() from exc
    except _UNREADABLE as exc:
        if kind == "xls" and _holds_encrypted_package(path):
            raise _encrypted() from exc
        raise FileError(
            f"The file looks like {KIND_NAMES[kind]} but cannot be read ({_reason(exc)}): "
            f"it may be damaged. {_SAVE_AGAIN}"
        ) from exc
    except OSError as exc:
        raise FileError(f"The file {path} cannot be read ({exc.strerror or exc}).") from exc


def _encrypted() -> FileError:
    return FileError(
        "The workbook is protected by a password (encrypted), which rolodex cannot open. "
        "Save a copy without the password and import that."
    )


def _holds_encrypted_package(path: Path) -> bool:
    """An encrypted .xlsx is an OLE2 container with an ``EncryptedPackage`` stream (Excel's
    "Encrypt with password"); its directory names the stream in UTF-16."""
    with path.open("rb") as stream:
        return any(_ENCRYPTED_PACKAGE in chunk for chunk in iter(lambda: stream.read(1 << 20), b""))


def _reason(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text if len(text) <= 80 else text[:79] + "…"


def _sheet_name(names: list[str], wanted: str | None) -> str:
    """The first sheet, or the one asked for (exactly, else ignoring case as Excel does)."""
    if not names:
        raise FileError(f"The workbook has no sheets. {_SAVE_AGAIN}")
    if wanted is None:
        return names[0]
    if wanted in names:
        return wanted
    folded = [name for name in names if name.casefold() == wanted.casefold()]
    if len(folded) == 1:
        return folded[0]
    listed = ", ".join(show(name) for name in names[:20])
    more = f" and {len(names) - 20} more" if len(names) > 20 else ""
    raise FileError(
        f"The workbook has no sheet named {show(wanted)}: its sheets are {listed}{more}."
    )


# -- the sheet ---------------------------------------------------------------------------------


def _errors_by_row(
    path: Path, kind: str, name: str, sheet: calamine.CalamineSheet
) -> dict[int, tuple[tuple[int, str], ...]]:
    """Error cells by sheet row, each as (index in the row's values, error text)."""
    found: ErrorCells = error_cells(path, kind, name)
    first_column = sheet.start[1] if sheet.start else 0
    by_row: dict[int, list[tuple[int, str]]] = {}
    for (row, column), text in sorted(found.items()):
        by_row.setdefault(row, []).append((column - first_column, text))
    return {row: tuple(cells) for row, cells in by_row.items()}


def _scan(
    sheet: calamine.CalamineSheet, errors: dict[int, tuple[tuple[int, str], ...]], limits: Limits
) -> tuple[int, list[str], int]:
    """The header's index and names, and how many records ``rows()`` will yield."""
    if sheet.start is None:
        raise _empty()
    rows = enumerate(sheet.iter_rows())
    header: list[str] = []
    header_index = 0
    for header_index, cells in rows:
        _check_lengths(cells, header_index, limits.max_field_chars)
        if not _blank(cells):
            header = list(map(cell_text, cells))
            break
    while header and not header[-1]:
        header.pop()
    if not header:
        raise _empty()
    total = 0
    for index, cells in rows:
        _check_lengths(cells, index, limits.max_field_chars)
        if index in errors or not _blank(cells):
            total += 1
            if total > limits.max_rows:
                raise _too_many_rows(limits.max_rows)
    return header_index, header, total


def _blank(cells: Sequence[object]) -> bool:
    """Nothing but empty cells (calamine gives "" for those) or spaces, as for CSV."""
    if cells.count("") == len(cells):
        return True
    return all(type(cell) is str for cell in cells) and not "".join(cells).strip()  # type: ignore[arg-type]


def _cut(values: list[str], width: int, errors: tuple[tuple[int, str], ...]) -> list[str]:
    """Every row of a sheet is as wide as its widest; cut the empty cells past the header
    (a note far to the right on one row must not make every row the wrong width)."""
    keep = max([width, *(at + 1 for at, _ in errors)])
    while len(values) > keep and not values[-1]:
        values.pop()
    return values


def _check_lengths(cells: Sequence[object], index: int, max_chars: int) -> None:
    for cell in cells:
        if type(cell) is str and len(cell) > max_chars:
            raise FileError(
                f"Row {index + 1}: a value is {len(cell):,} characters long, over the limit "
                f"of {max_chars:,} (ROLODEX_MAX_FIELD_CHARS). Shorten the value or raise the "
                "limit.",
                row=index + 1,
            )


def _empty() -> FileError:
    return FileError(
        "The sheet is empty: it has no header row. Put the column names in the first row "
        "of the sheet, or choose another sheet."
    )


def _too_many_rows(max_rows: int) -> FileError:
    return FileError(
        f"The sheet has more rows than the limit of {max_rows:,} (ROLODEX_MAX_ROWS), not "
        "counting the header. Split it into smaller files or raise the limit."
    )
