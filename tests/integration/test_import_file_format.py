"""The CSV file (docs/importing.md#files, docs/importing.md#the-header,
docs/importing.md#file-errors): encodings, delimiters, quoting, line endings, row numbers, and
the files that cannot be imported at all (exit 2, one line, nothing written)."""

from __future__ import annotations

import codecs
import gzip
import io
import json
import zipfile

import pytest

from tests.helpers import contact_emails, flat, run_import

HEADER = "email,first_name,last_name\n"


def names(cli, email):
    contact = cli.json("contacts", "show", email)
    return contact["first_name"], contact["last_name"]


# -- encodings -------------------------------------------------------------------------------

ACCENTED = HEADER + "zoe@example.com,Zoë,Müller-Lüdenscheidt\n"


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(ACCENTED.encode("utf-8"), id="utf8-no-bom"),
        pytest.param(codecs.BOM_UTF8 + ACCENTED.encode("utf-8"), id="utf8-bom"),
        pytest.param(codecs.BOM_UTF16_LE + ACCENTED.encode("utf-16-le"), id="utf16-le-bom"),
        pytest.param(codecs.BOM_UTF16_BE + ACCENTED.encode("utf-16-be"), id="utf16-be-bom"),
    ],
)
def test_unicode_encodings_are_read_without_a_warning(cli, write_csv, content):
    code, report = run_import(cli, write_csv(content))
    assert code == 0
    assert (report["created"], report["failed"]) == (1, 0)
    assert report["warnings"] == []
    assert names(cli, "zoe@example.com") == ("Zoë", "Müller-Lüdenscheidt")


def test_utf8_bom_does_not_stick_to_the_first_column_name(cli, write_csv):
    # The BOM sits before "email": read as text it would make an unknown column "\ufeffemail".
    path = write_csv(codecs.BOM_UTF8 + b"email\nbom@example.com\n")
    code, report = run_import(cli, path)
    assert (code, report["created"]) == (0, 1)


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        pytest.param("zoe@example.com,Zoë,Müller\n", "Zoë", "Müller", id="latin-letters"),
        pytest.param("zoe@example.com,Zoë,Price €5\n", "Zoë", "Price €5", id="euro-sign-0x80"),
        pytest.param(
            "zoe@example.com,Renée,O’Brien\n", "Renée", "O’Brien", id="curly-apostrophe-0x92"
        ),
    ],
)
def test_windows_1252_fallback_reads_accents_right_and_says_so(cli, write_csv, text, first, last):
    path = write_csv((HEADER + text).encode("cp1252"))
    code, report = run_import(cli, path)
    assert code == 0
    assert report["created"] == 1
    assert any("1252" in warning for warning in report["warnings"]), report["warnings"]
    assert names(cli, "zoe@example.com") == (first, last)


def test_windows_1252_is_detected_even_when_the_first_accent_is_far_down(cli, write_csv):
    rows = "".join(f"person{n}@example.com,Plain,Name\n" for n in range(400))
    path = write_csv((HEADER + rows + "zoe@example.com,Zoë,Müller\n").encode("cp1252"))
    code, report = run_import(cli, path)
    assert (code, report["created"]) == (0, 401)
    assert any("1252" in warning for warning in report["warnings"]), report["warnings"]
    assert names(cli, "zoe@example.com") == ("Zoë", "Müller")


# -- line endings ----------------------------------------------------------------------------

ROWS = ["email,first_name", "a@example.com,Ann", "b@example.com,Bob", "not-an-email,Cy"]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("\n".join(ROWS) + "\n", id="lf"),
        pytest.param("\r\n".join(ROWS) + "\r\n", id="crlf"),
        pytest.param("\r".join(ROWS) + "\r", id="cr-old-mac"),
        pytest.param(ROWS[0] + "\r\n" + ROWS[1] + "\n" + ROWS[2] + "\r" + ROWS[3], id="mixed"),
        pytest.param("\r\n".join(ROWS), id="crlf-no-final-line-break"),
    ],
)
def test_line_endings(cli, write_csv, content):
    code, report = run_import(cli, write_csv(content))
    assert code == 1
    assert (report["rows"], report["created"], report["failed"]) == (3, 2, 1)
    assert flat(report) == [(4, "email")]
    assert names(cli, "b@example.com") == ("Bob", None)


# -- delimiters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "word"),
    [
        pytest.param(
            'email;first_name;last_name\nann@example.com;Ann;"Lee, Jr."\n',
            "semicolon",
            id="semicolon-european-excel",
        ),
        pytest.param(
            "email\tfirst_name\tlast_name\nann@example.com\tAnn\tLee, Jr.\n", "tab", id="tab"
        ),
    ],
)
def test_semicolon_or_tab_delimiter_is_used_and_reported(cli, write_csv, content, word):
    code, report = run_import(cli, write_csv(content))
    assert code == 0
    assert report["created"] == 1
    assert any(word in warning.lower() for warning in report["warnings"]), report["warnings"]
    assert names(cli, "ann@example.com") == ("Ann", "Lee, Jr.")


def test_excel_unicode_text_utf16_tab_separated_crlf(cli, write_csv):
    text = 'email\tfirst_name\tlast_name\r\nzoe@example.com\tZoë\t"Lee, Jr."\r\n'
    code, report = run_import(cli, write_csv(codecs.BOM_UTF16_LE + text.encode("utf-16-le")))
    assert (code, report["created"]) == (0, 1)
    assert any("tab" in warning.lower() for warning in report["warnings"]), report["warnings"]
    assert names(cli, "zoe@example.com") == ("Zoë", "Lee, Jr.")


def test_comma_header_stays_comma_even_when_values_hold_semicolons(cli, write_csv):
    path = write_csv("email,first_name,last_name\nann@example.com,Ann;Marie,Lee\n")
    code, report = run_import(cli, path)
    assert code == 0
    assert report["warnings"] == []
    assert names(cli, "ann@example.com") == ("Ann;Marie", "Lee")


# -- quoting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        pytest.param('"Doe, Jane"', "Doe, Jane", id="quoted-comma"),
        pytest.param('"The ""Boss"""', 'The "Boss"', id="doubled-quotes"),
        pytest.param('"Line one\nLine two"', "Line one\nLine two", id="quoted-lf"),
        pytest.param('"Line one\r\nLine two"', "Line one\r\nLine two", id="quoted-crlf"),
        pytest.param('"plain"', "plain", id="quoted-plain"),
    ],
)
def test_rfc4180_quoted_values(cli, write_csv, cell, stored):
    assert cli("fields", "add", "notes", "--type", "text").exit_code == 0
    path = write_csv(f"email,notes,first_name\nann@example.com,{cell},Ann\n")
    code, report = run_import(cli, path)
    assert (code, report["created"], report["failed"]) == (0, 1, 0)
    contact = cli.json("contacts", "show", "ann@example.com")
    assert contact["custom_fields"] == {"notes": stored}
    assert contact["first_name"] == "Ann"


@pytest.mark.parametrize("newline", [pytest.param("\n", id="lf"), pytest.param("\r\n", id="crlf")])
def test_a_record_spanning_several_lines_counts_as_one_row(cli, write_csv, newline):
    assert cli("fields", "add", "notes", "--type", "text").exit_code == 0
    lines = [
        "email,notes",
        'a@example.com,"first line',
        "second line",
        'third line"',
        "broken-address,one line",
        'c@example.com,"two',
        'lines"',
        "also@broken@example.com,",
    ]
    code, report = run_import(cli, write_csv(newline.join(lines) + newline))
    assert code == 1
    assert (report["rows"], report["created"], report["failed"]) == (4, 2, 2)
    assert flat(report) == [(3, "email"), (5, "email")]


def test_blank_lines_still_count_as_spreadsheet_rows(cli, write_csv):
    path = write_csv("email,first_name\na@example.com,Ann\n\nnot-an-email,Bob\n")
    code, report = run_import(cli, path)
    assert code == 1
    assert flat(report) == [(4, "email")]


# -- unterminated quote ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "row"),
    [
        pytest.param(
            'email,first_name\nok@example.com,Ann\nbad@example.com,"Bob\n'
            "c@example.com,Cy\nd@example.com,Dee\n",
            3,
            id="quote-never-closed",
        ),
        pytest.param(
            'email,first_name\nok@example.com,Ann\nbad@example.com,"Bob\n'
            'c@example.com,Cy\nd@example.com,"Dee"\n',
            3,
            id="quote-closed-by-a-later-row",
        ),
        pytest.param(
            'email,first_name\nok@example.com,"Ann\nMarie"\nbad@example.com,"Bob\n'
            "c@example.com,Cy\n",
            3,
            id="after-a-multi-line-record",
        ),
        pytest.param('"email,first_name\nok@example.com,Ann\n', 1, id="in-the-header"),
    ],
)
def test_unterminated_quote_is_a_file_error_naming_the_row_it_opened(cli, write_csv, content, row):
    path = write_csv(content)
    code, report = run_import(cli, path)
    assert code == 2
    assert set(report) == {"error"}
    assert f"row {row}" in report["error"].lower(), report["error"]
    plain = cli("import", "contacts", path)
    assert plain.exit_code == 2
    assert f"row {row}" in plain.stderr.lower(), plain.stderr
    assert contact_emails(cli) == []


# -- not a CSV file ------------------------------------------------------------------------------


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    return buffer.getvalue()


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.mark.parametrize(
    ("content", "looks_like"),
    [
        pytest.param(_zip(), "zip", id="xlsx-zip-renamed-csv"),
        pytest.param(gzip.compress(b"email\na@example.com\n"), "gzip", id="gzip-renamed-csv"),
        pytest.param(PNG, "png", id="png-renamed-csv"),
    ],
)
def test_a_file_that_is_not_text_says_what_it_looks_like(cli, write_csv, content, looks_like):
    path = write_csv(content, name="contacts.csv")
    code, report = run_import(cli, path)
    assert code == 2
    assert looks_like in report["error"].lower(), report["error"]
    plain = cli("import", "contacts", path)
    assert plain.exit_code == 2
    assert looks_like in plain.stderr.lower()
    assert "Traceback" not in plain.stderr
    assert contact_emails(cli) == []


# -- empty and header-only files ------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"", id="zero-bytes"),
        pytest.param(codecs.BOM_UTF8, id="utf8-bom-only"),
        pytest.param(codecs.BOM_UTF16_LE, id="utf16-bom-only"),
        pytest.param(b"\n\n\r\n", id="blank-lines-only"),
    ],
)
def test_empty_file_is_a_file_error(cli, write_csv, content):
    path = write_csv(content)
    code, report = run_import(cli, path)
    assert code == 2
    assert "empty" in report["error"].lower(), report["error"]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"email,first_name,last_name\n", id="header-lf"),
        pytest.param(b"email,first_name,last_name", id="header-no-line-break"),
        pytest.param(b"email,first_name,last_name\r\n\r\n", id="header-and-blank-line"),
        pytest.param(
            codecs.BOM_UTF16_LE + "email,first_name\r\n".encode("utf-16-le"), id="utf16-header"
        ),
    ],
)
def test_header_only_is_a_valid_empty_import(cli, write_csv, content):
    code, report = run_import(cli, write_csv(content))
    assert code == 0
    assert {k: report[k] for k in ("rows", "created", "updated", "unchanged", "failed")} == {
        "rows": 0,
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "failed": 0,
    }
    assert report["errors"] == []


# -- how a file error is told ----------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"email,email\na@example.com,x\n", id="bad-header"),
        pytest.param(gzip.compress(b"email\n"), id="not-text"),
        pytest.param(b'email\n"a@example.com\n', id="unterminated-quote"),
    ],
)
def test_file_error_as_json_is_one_error_object_with_exit_2(cli, write_csv, content):
    result = cli("import", "contacts", write_csv(content), "--json")
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert list(document) == ["error"]
    assert isinstance(document["error"], str) and document["error"].strip()
    assert contact_emails(cli) == []


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"email,email\na@example.com,x\n", id="bad-header"),
        pytest.param(b"", id="empty"),
        pytest.param(_zip(), id="zip"),
    ],
)
def test_file_error_without_json_is_one_line_on_stderr(cli, write_csv, content):
    result = cli("import", "contacts", write_csv(content))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "name", [pytest.param("nowhere.csv", id="missing"), pytest.param("", id="a-folder")]
)
def test_a_path_that_is_not_a_file_is_a_file_error(cli, tmp_path, name):
    code, report = run_import(cli, tmp_path / name)
    assert code == 2
    assert report["error"].strip()
