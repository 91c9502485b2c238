"""The reader's rules (docs/importing.md#files): the files Excel and friends really write are read
right, and every file that cannot be imported stops with one line saying what to do."""

from __future__ import annotations

import codecs
import csv
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rolodex.config import Limits
from rolodex.errors import FileError
from rolodex.importing.reader import CsvSource, RawRow, open_csv

HEADER = "email,name\r\n"


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "contacts.csv"
    path.write_bytes(data)
    return path


def rows_of(source: CsvSource) -> list[tuple[int, list[str]]]:
    return [(raw.row, raw.values) for raw in source.rows()]


def file_error(path: Path, limits: Limits | None = None) -> FileError:
    with pytest.raises(FileError) as caught:
        open_csv(path, limits or Limits())
    message = caught.value.message
    assert "\n" not in message, "a file error is one line"
    assert "Traceback" not in message
    return caught.value


@pytest.fixture
def csv_field_limit() -> Iterator[None]:
    """csv's limit is process-wide: put back whatever a test changed."""
    before = csv.field_size_limit()
    yield
    csv.field_size_limit(before)


# -- files that are read -------------------------------------------------------------------

READABLE = [
    pytest.param(
        b"email,name\na@x.org,Ann\nb@x.org,Bob\n",
        "utf-8",
        [(2, ["a@x.org", "Ann"]), (3, ["b@x.org", "Bob"])],
        id="plain-utf8-lf",
    ),
    pytest.param(
        codecs.BOM_UTF8 + "email,name\r\na@x.org,Zoë\r\n".encode(),
        "utf-8-sig",
        [(2, ["a@x.org", "Zoë"])],
        id="excel-utf8-bom-crlf",
    ),
    pytest.param(
        b"email,name\ra@x.org,Ann\rb@x.org,Bob\r",
        "utf-8",
        [(2, ["a@x.org", "Ann"]), (3, ["b@x.org", "Bob"])],
        id="old-mac-cr-only",
    ),
    pytest.param(
        b"email,name\r\na@x.org,Ann\nb@x.org,Bob\rc@x.org,Cy",
        "utf-8",
        [(2, ["a@x.org", "Ann"]), (3, ["b@x.org", "Bob"]), (4, ["c@x.org", "Cy"])],
        id="mixed-line-endings-no-final-newline",
    ),
    pytest.param(
        b'email,note\r\na@x.org,"line one\r\nline two, with ""quotes"""\r\nb@x.org,after\r\n',
        "utf-8",
        [(2, ["a@x.org", 'line one\r\nline two, with "quotes"']), (3, ["b@x.org", "after"])],
        id="quoted-line-break-is-one-row",
    ),
    pytest.param(
        b'email,note\n"a@x.org","1\n2\n3"\n\nb@x.org,x\n',
        "utf-8",
        [(2, ["a@x.org", "1\n2\n3"]), (4, ["b@x.org", "x"])],
        id="row-numbers-after-multiline-record-and-blank-line",
    ),
    pytest.param(
        b"email,name\n\na@x.org,Ann\n   \n\nb@x.org,Bob\n",
        "utf-8",
        [(3, ["a@x.org", "Ann"]), (6, ["b@x.org", "Bob"])],
        id="blank-lines-advance-row-numbers",
    ),
    pytest.param(
        b"email,name\r\na@x.org,Ann\r\n,\r\n , \r\n,\r\n",
        "utf-8",
        [(2, ["a@x.org", "Ann"])],
        id="excel-trailing-empty-rows",
    ),
    pytest.param(b"email,name\r\n", "utf-8", [], id="header-only-is-an-empty-import"),
    pytest.param(
        b"email,name\na\x00@x.org,Ann\n",
        "utf-8",
        [(2, ["a\x00@x.org", "Ann"])],
        id="stray-nul-passed-through",
    ),
    pytest.param(b"email\nx\x00\n", "utf-8", [(2, ["x\x00"])], id="stray-nul-in-tiny-file"),
    pytest.param(
        b";;\n\nemail;name\na@x.org;Ann\n",
        "utf-8",
        [(4, ["a@x.org", "Ann"])],
        id="header-after-empty-rows",
    ),
    pytest.param(
        b'email,name\na@x.org,Ann "the boss" Lee\n',
        "utf-8",
        [(2, ["a@x.org", 'Ann "the boss" Lee'])],
        id="quote-inside-unquoted-value-kept",
    ),
    pytest.param(
        b"email,name\na@x.org\nb@x.org,Bob,extra\n",
        "utf-8",
        [(2, ["a@x.org"]), (3, ["b@x.org", "Bob", "extra"])],
        id="ragged-rows-passed-through",
    ),
    pytest.param(
        codecs.BOM_UTF16_LE + "email,name\nb@x.org,Jürgen Müller\n".encode("utf-16-le"),
        "utf-16",
        [(2, ["b@x.org", "Jürgen Müller"])],
        id="utf16-le-bom",
    ),
    pytest.param(
        codecs.BOM_UTF16_BE + "email,name\r\nb@x.org,Jürgen\r\n".encode("utf-16-be"),
        "utf-16",
        [(2, ["b@x.org", "Jürgen"])],
        id="utf16-be-bom",
    ),
]


@pytest.mark.parametrize(("data", "encoding", "expected"), READABLE)
def test_reads_rows_with_spreadsheet_numbers(
    tmp_path: Path, data: bytes, encoding: str, expected: list[tuple[int, list[str]]]
) -> None:
    source = open_csv(write(tmp_path, data), Limits())
    assert source.encoding == encoding
    assert source.header[0] == "email"
    assert rows_of(source) == expected
    assert source.rows_total == len(expected)


def test_header_is_kept_as_read(tmp_path: Path) -> None:
    """Binding trims and reports names; the reader must not hide what the file said."""
    source = open_csv(write(tmp_path, b" email , Name,\na@x.org,Ann,\n"), Limits())
    assert source.header == [" email ", " Name", ""]


def test_rows_can_be_read_twice(tmp_path: Path) -> None:
    """A dry run and the real run (or a retry) read the same source again."""
    source = open_csv(write(tmp_path, b"email\na@x.org\n\nb@x.org\n"), Limits())
    assert rows_of(source) == rows_of(source) == [(2, ["a@x.org"]), (4, ["b@x.org"])]
    assert all(isinstance(raw, RawRow) for raw in source.rows())


@pytest.mark.parametrize(
    ("data", "delimiter", "warning"),
    [
        pytest.param(b"email;name\na@x.org;M, Ann\n", ";", "semicolons", id="european-excel"),
        pytest.param(b"email\tname\na@x.org\tAnn\n", "\t", "tabs", id="tab-separated"),
        pytest.param(b"email;name\tx\na@x.org;A\tB\n", ";", "semicolons", id="tie-semicolon"),
        pytest.param(b"email,na;me\na@x.org,Ann\n", ",", None, id="comma-wins-on-header"),
        pytest.param(b"email\na@x.org\n", ",", None, id="single-column"),
    ],
)
def test_delimiter_comes_from_the_header_line(
    tmp_path: Path, data: bytes, delimiter: str, warning: str | None
) -> None:
    source = open_csv(write(tmp_path, data), Limits())
    assert source.delimiter == delimiter
    assert len(rows_of(source)) == 1
    if warning is None:
        assert source.warnings == ()
    else:
        assert any(warning in w for w in source.warnings)


def test_semicolon_file_keeps_commas_inside_values(tmp_path: Path) -> None:
    source = open_csv(write(tmp_path, b"email;name\na@x.org;Lee, Ann\n"), Limits())
    assert rows_of(source) == [(2, ["a@x.org", "Lee, Ann"])]


# -- encodings -----------------------------------------------------------------------------


def test_windows_1252_is_read_with_a_warning(tmp_path: Path) -> None:
    """Excel on Windows saves "CSV" in the ANSI code page: read it, and say so."""
    data = "email,name\r\nm@x.de,Müller\r\nz@x.fr,Zoë – “quoted”\r\n".encode("cp1252")
    source = open_csv(write(tmp_path, data), Limits())
    assert source.encoding == "cp1252"
    assert rows_of(source) == [(2, ["m@x.de", "Müller"]), (3, ["z@x.fr", "Zoë – “quoted”"])]
    assert any("not UTF-8" in w and "Windows-1252" in w for w in source.warnings)


def test_bytes_cp1252_leaves_undefined_become_c1_controls(tmp_path: Path) -> None:
    """The value checks reject the visible control character; the file itself still reads."""
    data = b"email,name\na@x.org,A\x81B\x8d\x8f\x90\x9d\n"
    source = open_csv(write(tmp_path, data), Limits(), encoding="cp1252")
    assert source.encoding == "cp1252"
    assert rows_of(source) == [(2, ["a@x.org", "A\x81B\x8d\x8f\x90\x9d"])]


def test_utf8_is_judged_on_the_whole_file(tmp_path: Path) -> None:
    """A late non-UTF-8 byte means the whole file is Windows-1252, not half of each."""
    body = b"".join(b"u%d@x.org,Ann\n" % i for i in range(20_000))
    data = b"email,name\n" + body + "m@x.de,Müller\n".encode("cp1252")
    source = open_csv(write(tmp_path, data), Limits())
    assert source.encoding == "cp1252"
    assert source.rows_total == 20_001
    assert list(source.rows())[-1] == RawRow(20_002, ["m@x.de", "Müller"])


def test_c1_handler_is_not_registered_at_import_time() -> None:
    code = (
        "import codecs, rolodex.importing.reader\n"
        "try:\n    codecs.lookup_error('rolodex-cp1252-c1')\n"
        "except LookupError:\n    print('lazy')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "lazy", result.stderr


# -- files that are refused ----------------------------------------------------------------

REFUSED = [
    pytest.param(b"", "empty", id="zero-bytes"),
    pytest.param(codecs.BOM_UTF8, "empty", id="lone-utf8-bom"),
    pytest.param(codecs.BOM_UTF16_LE, "empty", id="lone-utf16-bom"),
    pytest.param(b"  \r\n\t\r\n\r\n   ", "empty", id="only-whitespace"),
    pytest.param(b",,,\r\n,,,\r\n", "empty", id="only-empty-cells"),
    pytest.param(b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 50, "ZIP archive", id="zip-renamed-csv"),
    pytest.param(b"\x1f\x8b\x08\x00" + b"\x00" * 50, "gzip", id="gzip-renamed-csv"),
    pytest.param(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "PNG image", id="png-renamed-csv"),
    pytest.param(b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image", id="jpeg-renamed-csv"),
    pytest.param(b"GIF89a\x01\x00", "GIF image", id="gif-renamed-csv"),
    pytest.param(b"%PDF-1.7\n%\xe2\xe3", "PDF document", id="pdf-renamed-csv"),
    pytest.param(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, "Office document", id="ole2-renamed-csv"
    ),
    pytest.param(bytes(range(256)) * 4, "not look like a text file", id="binary-blob"),
    pytest.param(
        "email,name\na@x.org,Ann\n".encode("utf-16-le"),
        "not look like a text file",
        id="utf16-without-bom",
    ),
    pytest.param(codecs.BOM_UTF16_LE + b"e\x00m\x00\x00\xdc", "not UTF-16", id="bad-utf16"),
    pytest.param(codecs.BOM_UTF8 + b"email\nM\xfcller\n", "not UTF-8", id="bad-utf8-after-bom"),
]


@pytest.mark.parametrize(("data", "says"), REFUSED)
def test_unusable_file_is_a_file_error(tmp_path: Path, data: bytes, says: str) -> None:
    error = file_error(write(tmp_path, data))
    assert says in error.message
    assert error.row is None


QUOTING = [
    pytest.param(
        b'email,name\na@x.org,Ann\nb@x.org,"Bob\nc@x.org,Cy\n',
        3,
        "never closed",
        id="unclosed-quote-swallowing-the-rest",
    ),
    pytest.param(
        b'email,note\na@x.org,"1\n2"\n\nb@x.org,"open',
        4,
        "never closed",
        id="unclosed-quote-after-multiline-record",
    ),
    pytest.param(
        b'email,name\na@x.org,"abc"def\n', 2, "followed by other characters", id="abc-quote-def"
    ),
    pytest.param(
        ('"",' * 100 + '"' * 100 + "0" + '"' * 100 + "0").encode(),
        1,
        "",
        id="sniffer-redos-input",
    ),
]


@pytest.mark.parametrize(("data", "row", "says"), QUOTING)
def test_broken_quoting_names_the_row_it_opened(
    tmp_path: Path, data: bytes, row: int, says: str
) -> None:
    error = file_error(write(tmp_path, data))
    assert error.row == row
    assert error.message.startswith(f"Row {row}: ")
    assert says in error.message


# -- limits --------------------------------------------------------------------------------


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    path = write(tmp_path, b"email\n" + b"a@x.org\n" * 20)
    error = file_error(path, Limits(max_file_bytes=100))
    assert "ROLODEX_MAX_FILE_BYTES" in error.message
    assert "166 bytes" in error.message and "100 bytes" in error.message


def test_file_at_the_size_limit_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, b"email\n" + b"a@x.org\n" * 20)
    assert open_csv(path, Limits(max_file_bytes=166)).rows_total == 20


@pytest.mark.parametrize(
    ("data", "row", "length"),
    [
        pytest.param(b"email,note\na@x.org,short\nb@x.org," + b"x" * 11, 3, "11", id="value"),
        pytest.param(b"email," + b"h" * 12 + b"\n", 1, "12", id="header-name"),
        pytest.param(b'email,note\na@x.org,"' + b"x\n" * 8 + b'"\n', 2, "16", id="multiline"),
    ],
)
def test_value_over_the_field_limit(tmp_path: Path, data: bytes, row: int, length: str) -> None:
    error = file_error(write(tmp_path, data), Limits(max_field_chars=10))
    assert error.message == (
        f"Row {row}: a value is {length} characters long, over the limit of 10 "
        "(ROLODEX_MAX_FIELD_CHARS). Shorten the value or raise the limit."
    )
    assert error.row == row


def test_field_limit_caught_by_csv_itself(tmp_path: Path, csv_field_limit: None) -> None:
    """When csv's global limit is ours, csv stops first: the row is still named."""
    csv.field_size_limit(5)
    path = write(tmp_path, b"email,note\na@x.org,ok\n\nb@x.org," + b"x" * 50 + b"\n")
    error = file_error(path, Limits(max_field_chars=10))
    assert error.row == 4
    assert error.message.startswith("Row 4: a value is more than 10 characters long")
    assert "ROLODEX_MAX_FIELD_CHARS" in error.message


def test_value_at_the_field_limit_is_read(tmp_path: Path, csv_field_limit: None) -> None:
    csv.field_size_limit(5)
    source = open_csv(write(tmp_path, b"email\n" + b"x" * 10 + b"\n"), Limits(max_field_chars=10))
    assert rows_of(source) == [(2, ["x" * 10])]


def test_too_many_rows(tmp_path: Path) -> None:
    path = write(tmp_path, b"email\n" + b"a@x.org\n" * 4)
    error = file_error(path, Limits(max_rows=3))
    assert "ROLODEX_MAX_ROWS" in error.message and "3" in error.message


def test_blank_rows_do_not_count_towards_the_row_limit(tmp_path: Path) -> None:
    path = write(tmp_path, b"email\n" + b"a@x.org\n,\n\n" * 3)
    assert open_csv(path, Limits(max_rows=3)).rows_total == 3


# -- the file system -----------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    error = file_error(tmp_path / "nope.csv")
    assert "does not exist" in error.message


def test_folder_instead_of_file(tmp_path: Path) -> None:
    error = file_error(tmp_path)
    assert "folder" in error.message
