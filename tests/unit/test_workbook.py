"""docs/importing.md#workbooks: known by content, the sheet asked for, cells as a person reads
them, error cells named, the sheet's own row numbers, and the file errors.

The fixtures under ``tests/fixtures/workbooks`` were written by LibreOffice (see the README
there); the odd layouts below are written with openpyxl at test time.
"""

from __future__ import annotations

import gzip
import io
import pickle
import shutil
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook

from rolodex.config import Limits
from rolodex.errors import FileError
from rolodex.importing.cells import cell_text
from rolodex.importing.reader import CsvSource, RawRow
from rolodex.importing.source import open_source
from rolodex.importing.workbook import WorkbookSource

FIXTURES = Path(__file__).parents[1] / "fixtures" / "workbooks"
FORMATS = {
    "xlsx": "an Excel workbook",
    "xls": "an Excel 97-2003 workbook",
    "ods": "an OpenDocument spreadsheet",
}
HEADER = [
    "email",
    "first_name",
    "last_name",
    "company_id",
    "seats",
    "ratio",
    "since",
    "last_seen",
    "vip",
    "score",
]
CONTACTS_ROWS = [
    RawRow(
        4,
        [
            "ann@example.com",
            "Ann",
            "Lee",
            "1",
            "3",
            "2.5",
            "2024-03-15",
            "2024-03-15 09:30:00",
            "true",
            "6",
        ],
    ),
    RawRow(
        5,
        [
            "bob@example.com",
            "Bob",
            "Roe",
            "",
            "1250",
            "0.3",
            "2023-12-31",
            "2024-01-02 23:59:59",
            "false",
            "1251",
        ],
    ),
    RawRow(
        7,
        ["cy@example.com", "Cy", "Dunn", "", "0", "12345678901", "", "", "", ""],
        ((9, "#DIV/0!"),),
    ),
    RawRow(
        8,
        ["dee@example.com", "Dee", "", "", "-7", "0.000001", "", "", "", ""],
        ((2, "#N/A"),),
    ),
    RawRow(9, ["eve@example.com", "Eve", "Ng", "", "42", "", "", "", "", ""]),
]


def open_fixture(
    tmp_path: Path, kind: str, sheet: str | None = None, limits: Limits | None = None
) -> WorkbookSource:
    """The fixture under a name that says nothing: the content alone must tell."""
    path = tmp_path / "upload.csv"
    shutil.copyfile(FIXTURES / f"contacts.{kind}", path)
    source = open_source(path, limits or Limits(), sheet)
    assert isinstance(source, WorkbookSource)
    return source


def file_error(path: Path, sheet: str | None = None, limits: Limits | None = None) -> str:
    with pytest.raises(FileError) as caught:
        open_source(path, limits or Limits(), sheet)
    message = caught.value.message
    assert "\n" not in message
    return message


def written(tmp_path: Path, *rows: list[object], name: str = "book.xlsx") -> Path:
    """An .xlsx holding ``rows`` from A1 (None: an empty cell; [] an empty row)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


# -- what the file is -------------------------------------------------------------------


@pytest.mark.parametrize("kind", FORMATS)
def test_a_workbook_is_known_by_its_content_not_its_name(tmp_path, kind):
    source = open_fixture(tmp_path, kind)
    assert source.kind == kind
    assert source.description == f"sheet 'Contacts' of {FORMATS[kind]}"


@pytest.mark.parametrize(
    ("fixture", "name"),
    [("contacts.xlsx", "contacts.xls"), ("contacts.ods", "contacts.xlsx"), ("contacts.xls", "x")],
)
def test_a_workbook_under_another_formats_name_is_read_as_what_it_is(tmp_path, fixture, name):
    path = tmp_path / name
    shutil.copyfile(FIXTURES / fixture, path)
    assert list(open_source(path, Limits()).rows()) == CONTACTS_ROWS


def test_an_encrypted_workbook_under_any_name_says_it_is_protected(tmp_path):
    path = tmp_path / "upload.csv"
    shutil.copyfile(FIXTURES / "encrypted.xlsx", path)
    assert "password" in file_error(path)


def test_a_csv_file_is_still_read_as_csv(tmp_path):
    path = tmp_path / "contacts.xlsx"
    path.write_text("email\nann@example.com\n")
    source = open_source(path, Limits())
    assert isinstance(source, CsvSource)
    assert source.description == "a CSV file"


def _zip(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


NOT_WORKBOOKS = {
    "a Word document (another ZIP)": (_zip(("word/document.xml", b"<w/>")), "ZIP archive"),
    "an OpenDocument text (another ZIP)": (
        _zip(("mimetype", b"application/vnd.oasis.opendocument.text")),
        "ZIP archive",
    ),
    "an Excel binary workbook": (_zip(("xl/workbook.bin", b"\0")), ".xlsb"),
    "gzip": (gzip.compress(b"email\n"), "gzip"),
    "a PDF": (b"%PDF-1.7\n%\xe2\xe3", "PDF"),
    "a PNG image": (b"\x89PNG\r\n\x1a\n" + bytes(50), "PNG image"),
}


@pytest.mark.parametrize(("data", "says"), NOT_WORKBOOKS.values(), ids=NOT_WORKBOOKS.keys())
def test_a_file_that_is_neither_csv_nor_a_workbook_says_what_it_looks_like(tmp_path, data, says):
    path = tmp_path / "contacts.xlsx"
    path.write_bytes(data)
    assert says in file_error(path)


UNREADABLE = {
    "encrypted": ("encrypted.xlsx", "password"),
    "cut short": ("damaged.xlsx", "damaged"),
}


@pytest.mark.parametrize(("name", "says"), UNREADABLE.values(), ids=UNREADABLE.keys())
def test_a_workbook_that_cannot_be_read_is_a_one_line_file_error(name, says):
    assert says in file_error(FIXTURES / name)


def test_a_workbook_whose_xml_is_broken_is_a_file_error(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(_zip(("xl/workbook.xml", b"<workbook><sheets>"), ("[Content_Types].xml", b"")))
    assert "cannot be read" in file_error(path)


def test_a_workbook_that_unpacks_past_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_zip(("xl/workbook.xml", b"<workbook/>"), ("xl/big.xml", b" " * 100_000)))
    assert "unpacks to" in file_error(path, limits=Limits(max_file_bytes=50_000))


# -- sheets ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", FORMATS)
def test_the_first_sheet_is_read_with_its_own_row_numbers(tmp_path, kind):
    """The header is on sheet row 3, below two empty rows; row 6 is empty and skipped."""
    source = open_fixture(tmp_path, kind)
    assert source.header == HEADER
    assert source.rows_total == 5
    assert list(source.rows()) == CONTACTS_ROWS


@pytest.mark.parametrize("kind", FORMATS)
@pytest.mark.parametrize("name", ["Team", "team"])
def test_the_sheet_asked_for_is_read(tmp_path, kind, name):
    source = open_fixture(tmp_path, kind, sheet=name)
    assert source.sheet == "Team"
    assert source.header == ["email", "first_name", "last_name"]
    assert list(source.rows()) == [
        RawRow(2, ["tom@example.com", "Tom", "Kay"]),
        RawRow(3, ["uma@example.com", "Uma", "Ng"]),
    ]


def test_an_unknown_sheet_is_a_file_error_naming_the_sheets(tmp_path):
    path = tmp_path / "book.ods"
    shutil.copyfile(FIXTURES / "contacts.ods", path)
    message = file_error(path, sheet="Agents")
    assert message == "The workbook has no sheet named 'Agents': its sheets are 'Contacts', 'Team'."


def test_a_sheet_for_a_csv_file_is_a_file_error(tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text("email\nann@example.com\n")
    assert "CSV, which has no sheets" in file_error(path, sheet="Team")


def test_an_empty_sheet_is_a_file_error(tmp_path):
    assert "empty" in file_error(written(tmp_path))


def test_a_header_only_sheet_is_a_valid_empty_source(tmp_path):
    source = open_source(written(tmp_path, ["email", "first_name"]), Limits())
    assert (source.header, source.rows_total, list(source.rows())) == (
        ["email", "first_name"],
        0,
        [],
    )


# -- rows and cells ---------------------------------------------------------------------------


def test_data_may_start_in_any_column_and_rows_keep_the_header_width(tmp_path):
    """Calamine reads from the first used column; a note far right on one row does not make
    every other row wider than the header."""
    path = written(
        tmp_path,
        [],
        [None, None, "email", "first_name"],
        [None, None, "ann@example.com", "Ann"],
        [None, None, "bob@example.com", "Bob", None, None, "a note"],
        [None, None, "   ", None],
        [None, None, "cy@example.com", None],
    )
    source = open_source(path, Limits())
    assert source.header == ["email", "first_name"]
    assert list(source.rows()) == [
        RawRow(3, ["ann@example.com", "Ann"]),
        RawRow(4, ["bob@example.com", "Bob", "", "", "a note"]),
        RawRow(6, ["cy@example.com", ""]),
    ]
    assert source.rows_total == 3


def test_an_error_cell_alone_makes_a_row(tmp_path):
    path = written(tmp_path, ["email", "score"], [None, "#REF!"], ["ann@example.com", 1])
    source = open_source(path, Limits())
    assert source.rows_total == 2
    assert list(source.rows()) == [
        RawRow(2, ["", ""], ((1, "#REF!"),)),
        RawRow(3, ["ann@example.com", "1"]),
    ]


def test_the_source_pickles_and_reads_again_the_same(tmp_path):
    source = open_fixture(tmp_path, "xlsx")
    copy = pickle.loads(pickle.dumps(source))
    assert list(copy.rows()) == list(source.rows()) == CONTACTS_ROWS


CELLS = {
    "whole number": (3.0, "3"),
    "decimal": (2.5, "2.5"),
    "no thousands separator": (1250.0, "1250"),
    "float noise": (0.1 + 0.2, "0.3"),
    "no exponent, small": (1e-06, "0.000001"),
    "no exponent, large": (1e20, "100000000000000000000"),
    "15 significant digits": (1 / 3, "0.333333333333333"),
    "negative zero": (-0.0, "0"),
    "integer": (12, "12"),
    "true": (True, "true"),
    "false": (False, "false"),
    "date": (date(2024, 3, 15), "2024-03-15"),
    "date-time": (datetime(2024, 3, 15, 9, 30), "2024-03-15 09:30:00"),
    "date-time to the nearest second": (
        datetime(2024, 3, 15, 9, 29, 59, 999_500),
        "2024-03-15 09:30:00",
    ),
    "time": (time(9, 30), "09:30:00"),
    "duration": (timedelta(hours=36, minutes=5), "36:05:00"),
    "text": (" Ann ", " Ann "),
    "empty": ("", ""),
}


@pytest.mark.parametrize(("value", "text"), CELLS.values(), ids=CELLS.keys())
def test_a_cell_reads_as_a_person_reads_it(value, text):
    assert cell_text(value) == text


# -- limits -----------------------------------------------------------------------------------


def test_more_rows_than_the_limit_is_a_file_error(tmp_path):
    assert "ROLODEX_MAX_ROWS" in file_error(FIXTURES / "contacts.xlsx", limits=Limits(max_rows=4))
    assert open_fixture(tmp_path, "xlsx", limits=Limits(max_rows=5)).rows_total == 5


def test_a_value_over_the_field_limit_is_a_file_error_naming_the_row(tmp_path):
    path = written(tmp_path, ["email"], ["a@example.com"], ["x" * 20])
    with pytest.raises(FileError) as caught:
        open_source(path, Limits(max_field_chars=15))
    assert caught.value.row == 3
    assert "ROLODEX_MAX_FIELD_CHARS" in caught.value.message


def test_a_workbook_over_the_file_size_limit_is_a_file_error():
    assert "ROLODEX_MAX_FILE_BYTES" in file_error(
        FIXTURES / "contacts.xls", limits=Limits(max_file_bytes=1000)
    )
