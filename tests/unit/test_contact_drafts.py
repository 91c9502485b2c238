"""What the parsing process writes for the importing process
(ARCHITECTURE.md#the-sixth-sessions-step) must say what the draft's own values say: the
fields a row gives, in the order a conflict check reads them, and its custom values' JSON.
And the parser's fast path for good rows must make the draft its careful path makes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolodex.domain import CustomField, FieldType
from rolodex.importing import contact_rows
from rolodex.importing.contact_rows import draft as _draft
from rolodex.importing.contacts import ContactsKind, _given_values, _names
from rolodex.importing.options import ImportOptions, Limits
from rolodex.importing.reader import RawRow
from rolodex.importing.report import ValueProblem
from rolodex.importing.source import open_source
from tests.unit.test_systems import REAL_EXPORTS as REAL

names = st.none() | st.text(min_size=1, max_size=5)
ids = st.integers(min_value=1, max_value=2**31 - 1)


@given(names, names, st.none() | ids, st.dictionaries(ids, st.text(max_size=5)))
def test_a_draft_gives_the_fields_its_values_give(first, last, company_id, custom) -> None:
    draft = _draft(2, None, first, last, company_id, None, [], [], custom, [])
    assert _names(draft.gives) == [name for name, _ in _given_values(draft)]
    assert json.loads(draft.custom_json) == {str(k): v for k, v in custom.items()}


@given(names, names)
def test_a_company_named_gives_the_company_before_it_is_looked_up(first, last) -> None:
    draft = _draft(2, None, first, last, None, "Acme", [], [], {5: "x"}, [])
    resolved = draft._replace(company_id=7)
    assert _names(draft.gives) == [name for name, _ in _given_values(resolved)]


class _Unit:
    @staticmethod
    def custom_fields() -> list[CustomField]:
        return [
            CustomField(1, "plan", "plan", FieldType.SELECT, ("basic", "pro")),
            CustomField(2, "note", "note", FieldType.TEXT),
        ]


HEADER = ["email", "first_name", "last_name", "company", "labels", "note", "plan"]
# Apostrophes where a formula's escape may or may not be (``'=SUM``), in names too.
cells = st.sampled_from(
    [
        *("", " ", "Ann", " Ann ", "O'Brien", "'=SUM(A1)", "''=x", "'Lee", "\u00a0Bo\u00a0"),
        *("Acme", "VIP:Trial", " VIP : 'x ", "'+1", "pro", "'pro", " 'pro' ", "-5", "'-5"),
    ]
)
addresses = st.sampled_from(
    [
        *("ann@example.com", " Bob@Example.COM ", "o'hara@example.com"),
        *("'o'hara@example.com", "'=x@example.com", "'ann@example.com"),
    ]
)


@given(addresses, st.lists(cells, min_size=len(HEADER) - 1, max_size=len(HEADER) - 1))
def test_the_fast_path_makes_the_draft_the_careful_path_makes(address, rest) -> None:
    kind = ContactsKind(ImportOptions())
    kind.prepare(HEADER, _Unit())
    raw = RawRow(2, [address, *rest])
    try:
        fast = kind.rows._parse_good(raw)
    except ValueProblem:
        fast = None  # the careful path then finds the issue
    if fast is not None:
        assert fast == kind.rows._parse_all(raw)


# -- the batch path ------------------------------------------------------------------------

FIELDS = [
    CustomField(1, "plan", "plan", FieldType.SELECT, ("basic", "pro")),
    CustomField(2, "note", "note", FieldType.TEXT),
    CustomField(3, "seats", "seats", FieldType.NUMBER),
    CustomField(4, "since", "since", FieldType.DATE),
    CustomField(5, "vip", "vip", FieldType.BOOLEAN),
]


class _Fields:
    @staticmethod
    def custom_fields() -> list[CustomField]:
        return FIELDS


# Our own columns; then another system's, where two columns fill the email and the labels
# (the first non-empty address wins, labels add up) and one column has no name at all.
BATCH_HEADERS = [
    ["email", "first_name", "last_name", "company_id", "labels", "labels_id", "plan", "seats"],
    [
        *("E-mail Address", "E-mail 2 Address", "First Name", "Last Name", "Name", "Company"),
        *("Categories", "Labels", "note", "plan", "seats", "since", "vip", ""),
        *("company_id", "labels_id"),
    ],
]
# Each column's good values (some for the validator, full names to split, one too long,
# Google's joined addresses, labels by both sets of rules) and, now and then, a cell that
# casts doubt on its row: a control character, a formula's escape, a bad or too long value.
NAMES = ("Ann", " Ann ", "", "\u00a0Bo\u00a0", "Zoë")
GOOD = {
    "email": ("ann@example.com", " Bob@Example.COM ", "Postmaster@Example.com", "Ünï@exämple.com"),
    "E-mail Address": ("ann@example.com", "ann@example.com ::: b@example.com", ""),
    "E-mail 2 Address": ("", "b@example.com"),
    **dict.fromkeys(("first_name", "last_name", "First Name", "Last Name"), NAMES),
    "Name": ("", "Doe, Jane", "Jane Doe", "Jane", "Jane " + "x" * 256),
    "Company": ("", "Acme", " Acme "),
    "labels": ("", "VIP:Trial", "VIP", "Trial : VIP"),
    "Categories": ("", "VIP, Trial", "a ::: b", "VIP;Trial"),
    "Labels": ("", "VIP", "Trial, VIP"),
    "note": ("", "hi", "a longer note"),
    "plan": ("", "basic", "pro"),
    "seats": ("", "3", "3.5", "-2", "12.50"),
    "since": ("", "2026-01-02"),
    "vip": ("", "yes", "no", "TRUE"),
    "": ("",),
    "company_id": ("", "12", " 7 "),
    "labels_id": ("", "3", "3:4"),
}
DOUBTFUL = [
    *("Bo\x07", "x" * 256, "abc", "gold", "maybe", "bad@", "x@localhost", "'=SUM(A1)"),
    *("'Lee", "O'Brien", "02/01/2026", "1,5", "0", "in no column", "''=x", "+1"),
    *("Jane " + "x" * 256, "Jane\x07 Doe"),
]
DOUBTS = st.sampled_from(DOUBTFUL)


@st.composite
def batches(draw: st.DrawFn, header: list[str]) -> list[RawRow]:
    """Rows mostly good and as wide as the header; some not, some with a spreadsheet error."""
    rows = []
    for row in range(2, 2 + draw(st.integers(min_value=1, max_value=15))):
        cells = [
            draw(DOUBTS if draw(st.integers(0, 19)) == 0 else st.sampled_from(GOOD[name]))
            for name in header
        ]
        if draw(st.integers(0, 19)) == 0:
            cells = cells[:-1] if draw(st.booleans()) else [*cells, "extra"]
        errors = ((1, "#N/A"),) if draw(st.integers(0, 29)) == 0 else ()
        rows.append(RawRow(row, cells, errors))
    return rows


@pytest.mark.parametrize("header", BATCH_HEADERS, ids=["ours", "another system's"])
@settings(max_examples=100)
@given(data=st.data())
def test_the_batch_path_makes_the_drafts_row_by_row_parsing_makes(header, data) -> None:
    kind = ContactsKind(ImportOptions())
    kind.prepare(header, _Fields())
    for _ in range(2):  # the second batch meets what the first one parsed, kept
        raws = data.draw(batches(header))
        assert kind.rows.parse_batch(raws) == [kind.rows.parse(raw) for raw in raws]


@pytest.mark.parametrize("header", BATCH_HEADERS, ids=["ours", "another system's"])
def test_every_doubtful_cell_in_every_column_is_parsed_as_row_by_row(header) -> None:
    """Good rows (names given, or a full name to split), then each with one cell made
    doubtful, each doubtful value in each column in turn, a batch of its own (a batch is
    looked at as a whole first)."""
    kind = ContactsKind(ImportOptions())
    kind.prepare(header, _Fields())
    goods = [
        [GOOD[name][-1] for name in header],
        [GOOD[name][1 % len(GOOD[name])] for name in header],
    ]
    for name, empty in (("First Name", ""), ("Last Name", ""), ("Name", "Jane Doe")):
        if name in header:
            goods[1][header.index(name)] = empty
    assert not any(draft.issues for draft in kind.rows.parse_batch([RawRow(2, g) for g in goods]))
    for good in goods:
        for at in range(len(header)):
            for doubt in DOUBTFUL:
                raws = [RawRow(2, good), RawRow(3, [*good[:at], doubt, *good[at + 1 :]])]
                assert kind.rows.parse_batch(raws) == [kind.rows.parse(raw) for raw in raws]


def test_the_batch_path_takes_plain_rows_a_column_at_a_time(monkeypatch) -> None:
    """Rows with nothing to doubt never reach the row-by-row parser."""
    kind = ContactsKind(ImportOptions())
    kind.prepare(BATCH_HEADERS[1], _Fields())
    good = ["ann@example.com", "", "Ann", "Lee", "", "", "VIP", "", "hi", "pro", "3", *[""] * 5]
    raws = [RawRow(2, good), RawRow(3, [*good[:13], "in no column", *good[14:]]), RawRow(4, good)]
    monkeypatch.setattr(kind.rows, "parse", lambda raw: raw.row)
    [first, refused, last] = kind.rows.parse_batch(raws)
    assert (refused, first.row, last.row) == (3, 2, 4)
    assert first.email.key == "ann@example.com" and first.custom == {1: "pro", 2: "hi", 3: "3"}


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# Our sample files, and the real exports where ../shared is there to read them.
SAMPLE_FILES = sorted(
    p
    for folder in (*(FIXTURES / f for f in ("other-systems", "encodings", "workbooks")), REAL)
    for p in folder.glob("*.*")
    if p.suffix in (".csv", ".xlsx", ".ods", ".xls") and p.stem not in ("encrypted", "damaged")
)


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_the_batch_path_reads_every_sample_file_as_row_by_row_parsing_does(path) -> None:
    source = open_source(path, Limits())
    kind = ContactsKind(ImportOptions(ignore_unknown=True))
    kind.prepare(source.header, _Fields(), source.decimal_comma)
    raws = list(source.rows())
    drafts = kind.rows.parse_batch(raws)
    assert drafts and drafts == [kind.rows.parse(raw) for raw in raws]


def test_the_batch_path_parses_alike_once_it_keeps_no_more(monkeypatch) -> None:
    """Past the distinct cells it keeps, a batch's new cells are parsed for it alone."""
    monkeypatch.setattr(contact_rows, "_KEPT", 2)
    kind = ContactsKind(ImportOptions())
    kind.prepare(BATCH_HEADERS[1], _Fields())
    for first in (2, 7, 12):  # each batch meets some cells kept and some new
        raws = [
            RawRow(row, [f"a{row}@example.com", "", "Ann", "Lee", "", f"Acme {row % 6}", "VIP"])
            for row in range(first, first + 5)
        ]
        raws = [
            RawRow(r.row, [*r.values, "", f"n{r.row % 4}", "pro", str(r.row), *[""] * 5])
            for r in raws
        ]
        drafts = kind.rows.parse_batch(raws)
        assert drafts == [kind.rows.parse(raw) for raw in raws]
        assert not any(d.issues for d in drafts)
    assert len(kind.rows._known["company"]) < 15
