"""CSV export that imports back as it is.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a CR as a
formula; such values get a leading ``'`` unless ``raw`` is asked for. The importer removes
exactly one ``'`` before those characters, so an exported file re-imports as ``unchanged``.
Front ends start the file with :data:`BOM` unless asked not to.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import TextIO

from rolodex.domain import STANDARD_CONTACT_COLUMNS, CustomField, UserState
from rolodex.importing.values import FORMULA_PREFIXES
from rolodex.store.contacts import ContactView

USER_EXPORT_COLUMNS = ("email", "first_name", "last_name", "active")
BOM = "\ufeff"
"""Written first by default, as in the error file: without it Excel on Windows reads UTF-8
as Windows-1252 and shows ``García`` as ``GarcÃ­a``. The importer reads it as ``utf-8-sig``."""


def neutralise(value: str, raw: bool = False) -> str:
    """Prefix a ``'`` to a value a spreadsheet would run. A value that already starts with
    ``'`` before such a character gets one more even in ``raw`` mode (it is no formula):
    the importer removes exactly one, so both exports import back unchanged."""
    rest = value.lstrip("'")
    if rest.startswith(FORMULA_PREFIXES) and (not raw or rest != value):
        return "'" + value
    return value


def contact_header(fields: Sequence[CustomField]) -> list[str]:
    return [*STANDARD_CONTACT_COLUMNS, *(f.variable_name for f in fields)]


def contact_row(view: ContactView, fields: Sequence[CustomField]) -> list[str]:
    return [
        view.email,
        view.first_name or "",
        view.last_name or "",
        str(view.company_id or ""),
        ":".join(name for _, name in view.labels),
        ":".join(str(label_id) for label_id, _ in view.labels),
        *(view.custom.get(f.variable_name, "") for f in fields),
    ]


def user_row(user: UserState) -> list[str]:
    return [user.email, user.first_name or "", user.last_name or "", str(user.active).lower()]


def csv_chunks(
    header: Sequence[str], rows: Iterable[Sequence[str]], raw: bool = False, size: int = 1 << 16
) -> Iterator[str]:
    """The same CSV as :func:`write_rows`, as text chunks of about ``size`` characters, so
    an HTTP download streams in constant memory."""
    buffer = io.StringIO()
    write_rows(buffer, header, [], raw)
    for row in rows:
        write_rows(buffer, None, [row], raw)
        if buffer.tell() >= size:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_rows(
    out: TextIO, header: Sequence[str] | None, rows: Iterable[Sequence[str]], raw: bool = False
) -> int:
    """Write a CSV (RFC 4180, CRLF as Excel writes it), after the header unless it is
    ``None`` (a continuation); returns the number of records."""
    writer = csv.writer(out, lineterminator="\r\n")
    if header is not None:
        writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([neutralise(value, raw) for value in row])
        count += 1
    return count
