"""What the parsing process writes for the importing process
(ARCHITECTURE.md#the-sixth-sessions-step) must say what the draft's own values say: the
fields a row gives, in the order a conflict check reads them, and its custom values' JSON."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from rolodex.importing.contacts import _draft, _given_values, _names

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
