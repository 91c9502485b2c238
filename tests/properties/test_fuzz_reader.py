"""docs/importing.md#file-errors, a fuzz target (hypothesis) over the CSV reader and the value
parsers.

Bounded by the number of examples (a few hundred by default, ten times as many with
``HYPOTHESIS_PROFILE=ci``), never by a clock. What must hold for any input:

* ``open_csv`` and ``rows()`` raise nothing but ``FileError``; ``rows()`` yields exactly
  ``rows_total`` rows, numbered upwards from after the header, the same on every call;
* a table written by Python's ``csv`` module (any delimiter, line ending, Unicode encoding)
  reads back as it was written, blank rows aside;
* the limits on values and rows refuse a file exactly when it goes over them;
* every value parser raises nothing but ``ValueProblem``, and what it returns parses again
  to itself — through export's formula neutralisation too — so an export imports back
  unchanged.
"""

from __future__ import annotations

import codecs
import csv
import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from rolodex.config import Limits
from rolodex.domain import CustomField, FieldType, email_key
from rolodex.errors import FileError
from rolodex.importing import values
from rolodex.importing.reader import CsvSource, open_csv
from rolodex.importing.report import ValueProblem
from rolodex.services.export import neutralise
from tests.helpers import examples


def read(content: bytes, limits: Limits | None = None) -> tuple[CsvSource, list] | FileError:
    """Open and read a file of ``content``; a ``FileError`` is returned, anything else raised."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "file.csv"
        path.write_bytes(content)
        try:
            source = open_csv(path, limits or Limits())
            rows = list(source.rows())
            assert list(source.rows()) == rows, "rows() must give the same rows every time"
        except FileError as error:
            assert error.message.strip()
            return error
    return source, rows


# -- the reader on any bytes -----------------------------------------------------------------

HOSTILE = st.sampled_from(
    [*",;\t\"'\r\n =:@", "\x00", "\x1b", "\x85", "\u2028", "\ufeff", "\u202e", "é", "日", "a", "1"]
)


@st.composite
def hostile_bytes(draw: st.DrawFn) -> bytes:
    text = draw(st.text(HOSTILE, max_size=200))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "cp1252"]))
    data = text.encode(encoding, errors="replace")
    prefix = draw(st.sampled_from([b"", b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, b"\xff"]))
    return prefix + data


@examples(300)
@given(content=st.one_of(st.binary(max_size=300), hostile_bytes()))
def test_the_reader_gives_rows_or_a_file_error_for_any_bytes(content):
    outcome = read(content)
    if isinstance(outcome, FileError):
        return
    source, rows = outcome
    assert len(rows) == source.rows_total
    numbers = [row.row for row in rows]
    assert numbers == sorted(set(numbers))
    assert all(number >= 2 for number in numbers)
    assert all("".join(row.values).strip() for row in rows), "blank rows are skipped"
    assert source.delimiter in (",", ";", "\t")


# -- the reader on well-formed tables --------------------------------------------------------

HEADER_NAME = st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True)
CELL = st.text(
    st.characters(exclude_categories=["Cs", "Cc"]) | st.sampled_from([*"\r\n\t,;\"' "]),
    max_size=12,
)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[list[str]], str]:
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    width = draw(st.integers(1 if delimiter == "," else 2, 5))
    header = draw(st.lists(HEADER_NAME, min_size=width, max_size=width))
    rows = draw(st.lists(st.lists(CELL, min_size=width, max_size=width), max_size=8))
    return [header, *rows], delimiter


def write(table: list[list[str]], delimiter: str, newline: str) -> str:
    """RFC 4180 as spreadsheets write it. Python's writer quotes a value holding a line break
    only when the break is part of its line terminator, so with LF or CR alone every value
    is quoted (otherwise the file itself would be ambiguous)."""
    quoting = csv.QUOTE_MINIMAL if newline == "\r\n" else csv.QUOTE_ALL
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline, quoting=quoting)
    writer.writerows(table)
    return buffer.getvalue()


@examples(200)
@given(
    table=tables(),
    newline=st.sampled_from(["\r\n", "\n", "\r"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom", "utf-16-be-bom"]),
)
def test_a_table_written_by_csv_reads_back_as_it_was(table, newline, encoding):
    written, delimiter = table
    header, *rows = written
    text = write(written, delimiter, newline)
    if encoding == "utf-16-le-bom":
        content = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    elif encoding == "utf-16-be-bom":
        content = codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    else:
        content = text.encode(encoding)
    outcome = read(content)
    assert not isinstance(outcome, FileError), outcome
    source, read_rows = outcome
    assert (source.header, source.delimiter, source.warnings[1:]) == (header, delimiter, ())
    expected = [(n, row) for n, row in enumerate(rows, 2) if "".join(row).strip()]
    assert [(row.row, row.values) for row in read_rows] == expected


@examples(150)
@given(table=tables(), limit=st.integers(1, 12))
def test_a_value_over_the_limit_is_refused_exactly_when_there_is_one(table, limit):
    rows, delimiter = table
    longest = max(len(cell) for row in rows for cell in row)
    outcome = read(write(rows, delimiter, "\n").encode(), Limits(max_field_chars=limit))
    if longest > limit:
        assert isinstance(outcome, FileError), (longest, limit)
        assert "ROLODEX_MAX_FIELD_CHARS" in outcome.message
    else:
        assert not isinstance(outcome, FileError), outcome


@examples(150)
@given(table=tables(), limit=st.integers(1, 6))
def test_a_file_over_the_rows_limit_is_refused_exactly_when_it_is(table, limit):
    (header, *rows), delimiter = table[0], table[1]
    filled = sum(1 for row in rows if "".join(row).strip())
    content = write([header, *rows], delimiter, "\r\n").encode()
    outcome = read(content, Limits(max_rows=limit))
    if filled > limit:
        assert isinstance(outcome, FileError)
        assert "ROLODEX_MAX_ROWS" in outcome.message
    else:
        assert not isinstance(outcome, FileError), outcome


# -- the value parsers -----------------------------------------------------------------------

ANY_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(st.sampled_from([*"'=+-@ \t\r\n.0123456789eE:,", "\x00", "\u00a0", "\u3000"])),
)
FIELDS = [
    CustomField(1, "notes", "Notes", FieldType.TEXT),
    CustomField(2, "seats", "Seats", FieldType.NUMBER),
    CustomField(3, "renewal", "Renewal", FieldType.DATE),
    CustomField(4, "vip", "VIP", FieldType.BOOLEAN),
    CustomField(5, "plan", "Plan", FieldType.SELECT, ("basic", "pro", " Pro", "=x")),
]


def parsed(parser, *args):  # type: ignore[no-untyped-def]
    """The parser's result, or ``None`` for a ValueProblem; any other exception escapes."""
    try:
        return parser(*args)
    except ValueProblem as problem:
        assert problem.code and problem.message
        assert "\n" not in problem.message
        return None


@examples(400)
@given(raw=ANY_TEXT)
def test_every_parser_answers_a_value_or_a_value_problem(raw):
    for parser, args in [
        (values.clean, ()),
        (values.parse_email, ()),
        (values.parse_name, ("first_name",)),
        (values.parse_id, ("company",)),
        (values.parse_label_names, (5,)),
        (values.parse_label_ids, (5,)),
        (values.parse_boolean, ("vip",)),
        (values.parse_active, ()),
        (values.check_password, ()),
        (values.parse_password_hash, ()),
    ]:
        parsed(parser, raw, *args)
    for field in FIELDS:
        if raw:
            parsed(values.parse_custom, field, raw)
    shown = values.show(raw)
    assert shown.isprintable(), shown


PADDING = st.sampled_from(["", "", " ", "'", "\t", "\u00a0"])
TYPED = {
    FieldType.TEXT: ANY_TEXT,
    FieldType.NUMBER: st.from_regex(r"-?[0-9]{0,6}(\.[0-9]{0,6})?", fullmatch=True),
    FieldType.DATE: st.dates().map(lambda day: day.isoformat()),
    FieldType.BOOLEAN: st.sampled_from(["true", "FALSE", "Yes", "no", "1", "0"]),
    FieldType.SELECT: st.sampled_from(["basic", "pro", " Pro", "=x", "Basic"]),
}


@st.composite
def custom_cells(draw: st.DrawFn) -> tuple[CustomField, str]:
    """A field and a cell for it: mostly well-typed, with padding and a formula guard."""
    field = draw(st.sampled_from(FIELDS))
    value = draw(st.one_of(TYPED[field.type], ANY_TEXT))
    return field, draw(PADDING) + value + draw(PADDING)


@examples(400)
@given(cell=custom_cells(), raw_export=st.booleans())
def test_a_stored_custom_value_exports_and_parses_back_to_itself(cell, raw_export):
    field, raw = cell
    cleaned = parsed(values.clean, raw)
    assume(cleaned)
    stored = parsed(values.parse_custom, field, cleaned)
    assume(stored is not None)
    exported = neutralise(stored, raw=raw_export)
    assert values.parse_custom(field, values.clean(exported)) == stored


@examples(400)
@given(raw=ANY_TEXT, raw_export=st.booleans())
def test_a_stored_name_exports_and_reads_back_to_itself(raw, raw_export):
    cleaned = parsed(values.clean, raw)
    stored = parsed(values.parse_name, cleaned or "", "first_name") if cleaned else None
    assume(stored is not None)
    assert values.clean(neutralise(stored, raw=raw_export)) == stored


@examples(300)
@given(
    local=st.text(
        st.characters(categories=["Ll", "Lu", "Nd", "Lo", "Mn"]) | st.sampled_from(list("._+-'=")),
        min_size=1,
        max_size=20,
    ),
    domain=st.sampled_from(
        ["example.com", "EXAMPLE.COM", "bücher.de", "BÜCHER.de", "xn--bcher-kva.de", "straße.de"]
    ),
)
def test_a_stored_address_parses_back_to_itself_and_its_key(local, domain):
    email = parsed(values.parse_email, f"{local}@{domain}")
    assume(email is not None)
    again = values.parse_email(values.clean(neutralise(email.address)))
    assert (again.address, again.key) == (email.address, email.key)
    assert email_key(email.address) == email.key


@pytest.mark.parametrize(
    "text",
    ['"",' * 100 + '"' * 100 + "0" + '"' * 100 + "0", "a" * 100_000, "'" * 10_000 + "="],
    ids=["sniffer-redos", "long-run", "apostrophes"],
)
def test_parsers_and_reader_answer_pathological_inputs(text):
    for parser in (values.clean, values.parse_email, values.parse_password_hash):
        parsed(parser, text)
    outcome = read(("email\n" + text + "\n").encode())
    assert isinstance(outcome, FileError) or outcome[0].rows_total == 1
