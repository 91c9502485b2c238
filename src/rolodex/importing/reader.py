"""Bytes → rows: encoding, delimiter, quoting and the file-level checks, nothing more.

:func:`open_csv` runs one cheap streaming pre-pass over the whole file, so that every
problem that stops the import (not text, not decodable, an unclosed quote, a value or a
file over the limits) is found before anything is written. :meth:`CsvSource.rows` then
streams the records again, in constant memory, as many times as it is called.

Binding the header to columns and checking values belong to other modules: a row with the
wrong number of fields or a control character in a value is passed through as it was read.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import NamedTuple

from rolodex.config import Limits
from rolodex.errors import FileError
from rolodex.importing import encodings
from rolodex.importing.wording import CLI, Wording
from rolodex.runtime.sizes import size_text

__all__ = ["CsvSource", "RawRow", "open_csv", "read_head"]

WINDOWS_1252 = "cp1252"
_C1_ERRORS = "rolodex-cp1252-c1"
_ESCAPE = "surrogateescape"
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
_HEAD_BYTES = 8192
_HEADER_PEEK_CHARS = 65536
_BINARY_SHARE = 0.10
_BINARY_MIN_BYTES = 4  # so one stray NUL in a tiny file stays a row problem
# Bytes that never appear in a text file (tab, line feed, form feed, carriage return do).
_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in b"\t\n\x0c\r") + b"\x7f"

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_MAGIC: tuple[tuple[bytes, str], ...] = (
    # Workbooks are recognised before this (see :mod:`rolodex.importing.workbook`): a ZIP or
    # an Office container that gets here is neither a CSV file nor a workbook.
    (b"PK\x03\x04", "is a ZIP archive, not a CSV file or a workbook. Unpack it first."),
    (b"PK\x05\x06", "is an empty ZIP archive, not a CSV file or a workbook."),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "looks like an Office document, not a CSV file or a workbook. Choose the CSV file.",
    ),
    (b"\x1f\x8b", "is compressed (gzip). Decompress it first, then import the CSV file inside."),
    (b"\x89PNG\r\n\x1a\n", "looks like a PNG image, not a CSV file. Choose the CSV file."),
    (b"\xff\xd8\xff", "looks like a JPEG image, not a CSV file. Choose the CSV file."),
    (b"GIF87a", "looks like a GIF image, not a CSV file. Choose the CSV file."),
    (b"GIF89a", "looks like a GIF image, not a CSV file. Choose the CSV file."),
    (b"%PDF-", "looks like a PDF document, not a CSV file. Export the data as CSV instead."),
)

_NO_SEPARATORS = str.maketrans("", "", ",;")
_DELIMITER_WARNINGS = {
    ";": "Columns are separated by semicolons (as European Excel saves CSV), not commas.",
    "\t": "Columns are separated by tabs, not commas.",
}


class RawRow(NamedTuple):
    """One record as read, with the spreadsheet row number the person will look for.

    ``row`` counts records, not physical lines (a quoted line break stays in one row), and
    blank records count too, as they do in a spreadsheet. A named tuple because rows cross
    a process boundary (see :mod:`rolodex.importing.pipeline`).
    """

    row: int
    values: list[str]
    cell_errors: tuple[tuple[int, str], ...] = ()
    """Cells a workbook holds a spreadsheet error in (``#N/A``…): (index in ``values``,
    the error as the sheet shows it). Their value is ""; a CSV file has none."""


@dataclass(frozen=True)
class CsvSource:
    """A file that passed the pre-pass: its encoding, delimiter and header are settled.

    ``rows_total`` is known before the first row is read, so a front end can show progress.
    """

    path: Path
    encoding: str
    delimiter: str
    header: list[str]
    rows_total: int
    warnings: tuple[str, ...] = ()
    _header_row: int = field(default=1, repr=False)
    _limits: Limits = field(default_factory=Limits, repr=False)
    _errors: str = field(default="strict", repr=False)
    _wording: Wording = field(default=CLI, repr=False)

    @property
    def description(self) -> str:
        return "a CSV file"

    @property
    def decimal_comma(self) -> bool:
        return self.delimiter == ";"

    def rows(self) -> Iterator[RawRow]:
        """Stream the records after the header; blank ones advance the row number only."""
        _ensure_field_limit(self._limits.max_field_chars)
        try:
            with _open_text(self.path, self.encoding, self._errors) as text:
                records = _records(text, self.delimiter, self._limits, self._wording)
                deque(islice(records, self._header_row), maxlen=0)
                for row, values in records:
                    if "".join(values).strip():
                        yield RawRow(row, values)
        except UnicodeDecodeError as exc:
            raise FileError(_changed_message(self.path)) from exc
        except OSError as exc:
            raise _unreadable(self.path, exc) from exc


def open_csv(
    path: Path, limits: Limits, encoding: str | None = None, wording: Wording = CLI
) -> CsvSource:
    """Check the whole file once, so a file-level problem stops the import before any write.

    ``encoding`` (``--encoding``) wins over everything, a BOM included: a person who names
    it means it. Without it a BOM decides, then UTF-8, then :mod:`.encodings` guesses.
    """
    path = Path(path)
    given = None if encoding is None else _given_encoding(encoding)
    try:
        head = _check_bytes(path, limits)
        _ensure_field_limit(limits.max_field_chars)
        if given is not None:
            return _scan_source(path, given, limits, wording)
        return _decode_and_scan(path, head, limits, wording)
    except OSError as exc:
        raise _unreadable(path, exc) from exc


# -- bytes ---------------------------------------------------------------------------------


def _check_bytes(path: Path, limits: Limits) -> bytes:
    """Refuse, from the size and the first bytes, what cannot be a CSV file."""
    head = read_head(path, limits)
    _check_magic(head)
    return head


def read_head(path: Path, limits: Limits) -> bytes:
    """The first bytes of a regular file within the size limit; they tell what it is."""
    if not path.is_file():
        raise FileError(_missing_message(path))
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise FileError(
                f"The file is {size_text(size, exact=True)}, over the limit of "
                f"{size_text(limits.max_file_bytes, exact=True)} (ROLODEX_MAX_FILE_BYTES). "
                "Split it into smaller files or raise the limit."
            )
        with path.open("rb") as raw:
            return raw.read(_HEAD_BYTES)
    except OSError as exc:
        raise _unreadable(path, exc) from exc


def _check_magic(head: bytes) -> None:
    """Name what a non-text file looks like: people pick the .xlsx next to the .csv."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise FileError(f"The file {what}")
    if _bom_encoding(head) in ("utf-16", "utf-32") or not head:
        return
    control = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if control >= _BINARY_MIN_BYTES and control / len(head) > _BINARY_SHARE:
        raise FileError(
            "The file does not look like a text file (it holds many NUL or control bytes). "
            "Save the spreadsheet as CSV (UTF-8) and import that file."
        )


def _bom_encoding(head: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    return None


# -- text ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scan:
    delimiter: str
    header_row: int
    header: list[str]
    rows_total: int


def _decode_and_scan(path: Path, head: bytes, limits: Limits, wording: Wording) -> CsvSource:
    """Try UTF-8 (or the BOM's encoding) on the whole file, strictly; guess only if it fails."""
    encoding = _bom_encoding(head) or "utf-8"
    try:
        scan = _scan(path, encoding, "strict", limits, wording)
        return _source(path, encoding, "strict", scan, limits, (), wording)
    except UnicodeDecodeError as exc:
        if encoding != "utf-8":
            raise FileError(_bad_unicode_message(encoding)) from exc
    guess = encodings.detect(encodings.sample(path))
    return _scan_source(path, guess.encoding, limits, wording, encodings.warning(guess, wording))


def _scan_source(
    path: Path, encoding: str, limits: Limits, wording: Wording, *warnings: str
) -> CsvSource:
    """Scan in an encoding that was given or guessed: a byte it cannot decode is a file
    error naming its row (cp1252's five undefined bytes excepted: see :func:`_decode_as_c1`)."""
    errors = _c1_errors() if encoding == WINDOWS_1252 else _ESCAPE
    try:
        scan = _scan(path, encoding, errors, limits, wording)
    except UnicodeDecodeError as exc:  # bytes surrogateescape cannot carry (UTF-16's)
        raise FileError(_not_in_message(encoding, wording)) from exc
    return _source(path, encoding, errors, scan, limits, warnings, wording)


def _source(
    path: Path,
    encoding: str,
    errors: str,
    scan: _Scan,
    limits: Limits,
    warnings: tuple[str, ...],
    wording: Wording,
) -> CsvSource:
    if scan.delimiter in _DELIMITER_WARNINGS:
        warnings = (_DELIMITER_WARNINGS[scan.delimiter], *warnings)
    return CsvSource(
        path=path,
        encoding=encoding,
        delimiter=scan.delimiter,
        header=scan.header,
        rows_total=scan.rows_total,
        warnings=warnings,
        _header_row=scan.header_row,
        _limits=limits,
        _errors=errors,
        _wording=wording,
    )


def _given_encoding(name: str) -> str:
    try:
        return encodings.codec_name(name)
    except LookupError:
        raise FileError(encodings.unknown(name)) from None


def _scan(path: Path, encoding: str, errors: str, limits: Limits, wording: Wording) -> _Scan:
    delimiter = _detect_delimiter(path, encoding, errors)
    with _open_text(path, encoding, errors) as text:
        records = _records(text, delimiter, limits, wording)
        first = _first_record(records, limits.max_field_chars)
        if first is None:
            raise FileError(
                "The file is empty: it has no header row. Export the spreadsheet again, "
                "with the column names in the first row."
            )
        total = _count_records(records, limits)
    return _Scan(delimiter, first[0], first[1], total)


def _open_text(path: Path, encoding: str, errors: str) -> io.TextIOWrapper:
    """newline="" hands line endings to csv, which knows a quoted break from a record end."""
    return open(path, encoding=encoding, errors=errors, newline="")


def _detect_delimiter(path: Path, encoding: str, errors: str) -> str:
    """Look at the header line only: guessing from the data (csv.Sniffer) can take minutes.

    Lines of separators only are skipped, as the pre-pass skips them when it finds the header.
    """
    with _open_text(path, encoding, errors) as text:
        line = text.readline(_HEADER_PEEK_CHARS)
        while line and not line.translate(_NO_SEPARATORS).strip():
            line = text.readline(_HEADER_PEEK_CHARS)
    if "," in line:
        return ","
    semicolons, tabs = line.count(";"), line.count("\t")
    if semicolons == tabs == 0:
        return ","
    return ";" if semicolons >= tabs else "\t"


def _records(
    text: io.TextIOWrapper, delimiter: str, limits: Limits, wording: Wording
) -> Iterator[tuple[int, list[str]]]:
    """Number the records and turn a csv error, or a byte the encoding could not decode
    (kept as a lone surrogate by surrogateescape), into a message naming the row."""
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    escaped = text.errors == _ESCAPE
    row = 0
    try:
        for row, values in enumerate(reader, 1):
            if escaped and _ESCAPED_BYTE.search("".join(values)):
                raise FileError(_not_in_message(text.encoding, wording, row), row=row)
            yield row, values
    except csv.Error as exc:
        raise _csv_problem(exc, row + 1, limits) from exc


def _first_record(
    records: Iterator[tuple[int, list[str]]], max_chars: int
) -> tuple[int, list[str]] | None:
    for row, values in records:
        joined = "".join(values)
        if len(joined) > max_chars:
            _check_field_lengths(values, row, max_chars)
        if joined.strip():
            return row, values
    return None


def _count_records(records: Iterator[tuple[int, list[str]]], limits: Limits) -> int:
    """Count what rows() will yield; the length of the joined row is a cheap first check."""
    max_chars, max_rows, total = limits.max_field_chars, limits.max_rows, 0
    for row, values in records:
        joined = "".join(values)
        if len(joined) > max_chars:
            _check_field_lengths(values, row, max_chars)
        if joined.strip():
            total += 1
            if total > max_rows:
                raise FileError(
                    f"The file has more rows than the limit of {max_rows:,} "
                    "(ROLODEX_MAX_ROWS), not counting the header. Split it into smaller "
                    "files or raise the limit."
                )
    return total


def _check_field_lengths(values: list[str], row: int, max_chars: int) -> None:
    for value in values:
        if len(value) > max_chars:
            raise _field_too_long(row, max_chars, len(value))


# -- decoding ------------------------------------------------------------------------------


@functools.cache
def _c1_errors() -> str:
    """Register, on first use only, the handler for the 5 bytes cp1252 leaves undefined."""
    codecs.register_error(_C1_ERRORS, _decode_as_c1)
    return _C1_ERRORS


def _decode_as_c1(exc: UnicodeError) -> tuple[str, int]:
    """Map 0x81, 0x8D, 0x8F, 0x90, 0x9D to U+0081… as browsers do, so the value check
    rejects a visible control character instead of the whole file failing to decode."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


def _ensure_field_limit(max_chars: int) -> None:
    """csv's limit is process-wide: raise it to ours, never lower what someone else set."""
    if csv.field_size_limit() < max_chars:
        csv.field_size_limit(max_chars)


# -- messages ------------------------------------------------------------------------------


def _csv_problem(exc: csv.Error, row: int, limits: Limits) -> FileError:
    reason = str(exc)
    if "field larger than field limit" in reason:
        return _field_too_long(row, limits.max_field_chars, None)
    if "unexpected end of data" in reason:
        message = (
            "a quote opens a value that is never closed, so the rest of the file cannot be "
            'read. Add the closing quote (") or remove the opening one.'
        )
    elif "expected after" in reason:
        message = (
            "a quoted value is followed by other characters before the next separator. "
            'Put the whole value in quotes and double each quote inside it ("").'
        )
    else:
        message = f"the line cannot be read as CSV ({reason}). Check the quotes on that row."
    return FileError(f"Row {row}: {message}", row=row)


def _field_too_long(row: int, max_chars: int, length: int | None) -> FileError:
    """csv stops reading at its limit, so then the exact length is not known."""
    size = f"more than {max_chars:,}" if length is None else f"{length:,}"
    return FileError(
        f"Row {row}: a value is {size} characters long, over the limit of {max_chars:,} "
        "(ROLODEX_MAX_FIELD_CHARS). Shorten the value or raise the limit.",
        row=row,
    )


def _bad_unicode_message(encoding: str) -> str:
    name = {"utf-8-sig": "UTF-8", "utf-16": "UTF-16", "utf-32": "UTF-32"}[encoding]
    return (
        f"The file starts with a {name} mark but holds bytes that are not {name}. "
        "Save the spreadsheet again as CSV (UTF-8)."
    )


def _not_in_message(encoding: str, wording: Wording, row: int | None = None) -> str:
    where = "The file holds" if row is None else f"Row {row}: holds"
    return f"{where} bytes that are not {encodings.describe(encoding)}. {wording.encoding_fix}"


def _missing_message(path: Path) -> str:
    if path.is_dir():
        return f"{path} is a folder, not a file. Give the path of the CSV file."
    if path.exists():
        return f"{path} is not a regular file. Give the path of the CSV file."
    return f"The file {path} does not exist. Check the path and the file name."


def _unreadable(path: Path, exc: OSError) -> FileError:
    reason = exc.strerror or str(exc)
    return FileError(
        f"The file {path} cannot be read ({reason}). Check that it exists and that you may read it."
    )


def _changed_message(path: Path) -> str:
    return (
        f"The file {path} changed while it was being imported. Import it again once it is "
        "no longer being written."
    )
