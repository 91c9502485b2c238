"""Labels and custom values are staged as JSON text written by encoders of their own
(``importing/jsontext.py``, faster than json's general encoder): what they write must be exactly
what ``json.dumps`` writes, or a re-import's text would differ from the stored text and the
"unchanged" short-cut on SQLite would look inside every row."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from rolodex.importing.jsontext import ids_json, values_json


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@given(st.lists(st.integers(min_value=1, max_value=2**31 - 1)))
def test_label_ids_are_written_as_json_dumps_writes_them(ids: list[int]) -> None:
    assert ids_json(ids) == dumps(ids)
    assert json.loads(ids_json(ids)) == ids


@given(st.dictionaries(st.integers(min_value=1, max_value=2**31 - 1), st.text()))
def test_custom_values_are_written_as_json_dumps_writes_them(values: dict[int, str]) -> None:
    assert values_json(values) == dumps(values)
    assert json.loads(values_json(values)) == {str(k): v for k, v in values.items()}


def test_quotes_backslashes_control_characters_and_non_ascii_survive() -> None:
    tricky = {5: 'Zoë said "hi" \\ back\n\t✓ 日本 \x00'}
    assert values_json(tricky) == dumps(tricky)
    assert values_json({}) == "{}" and ids_json([]) == "[]"
