"""What the parsing process writes for the importing process
(ARCHITECTURE.md#the-sixth-sessions-step) must say what the draft's own values say: the
fields a row gives, in the order a conflict check reads them, and its custom values' JSON.
And the parser's fast path for good rows must make the draft its careful path makes."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from rolodex.domain import CustomField, FieldType
from rolodex.importing.contacts import ContactsKind, _draft, _given_values, _names
from rolodex.importing.options import ImportOptions
from rolodex.importing.reader import RawRow
from rolodex.importing.report import ValueProblem

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
        fast = kind._parse_good(raw)
    except ValueProblem:
        fast = None  # the careful path then finds the issue
    if fast is not None:
        assert fast == kind._parse_all(raw)
