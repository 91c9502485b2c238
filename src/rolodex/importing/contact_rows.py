"""A contacts row made a :class:`ContactDraft`: every value parsed, nothing looked up.

Three paths, one result. The careful path (:class:`.rows.RowParser`) collects every issue
of a row. The fast path assumes a row is good and hands it to the careful path at the
first doubt. The batch path does the fast path's work a column at a time for a whole
batch: each cell trimmed by ``map``, each distinct label cell, ID, company and custom value
parsed once, control characters and formula escapes looked for once in the batch's text.
It hands every row it doubts to :meth:`ContactRows.parse`, so it only ever makes the draft
the fast path would (ARCHITECTURE.md#the-eighth-sessions-step); ``tests/unit/
test_contact_drafts.py`` holds the three paths to one another.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterable, Sequence
from itertools import chain
from typing import Any, Generic, NamedTuple, TypeVar

from rolodex.domain import CustomField, Email
from rolodex.importing import values
from rolodex.importing.columns import Binding
from rolodex.importing.jsontext import values_json
from rolodex.importing.reader import RawRow
from rolodex.importing.report import RowIssue, ValueProblem
from rolodex.importing.rows import RowParser, fitted

K = TypeVar("K", bound=Hashable)
T = TypeVar("T", bound=Hashable)
V = TypeVar("V")


class ContactDraft(NamedTuple):
    """A row with every value parsed; ``None`` and empty lists mean 'leave as it is'.

    A named tuple: drafts are parsed in a second process and pickled across."""

    row: int
    email: Email | None
    first_name: str | None
    last_name: str | None
    company_id: int | None
    company_name: str | None
    label_names: list[str]
    label_ids: list[int]
    custom: dict[int, str]
    issues: list[RowIssue]
    custom_json: str
    """``custom`` as the JSON text the database stages (:func:`.jsontext.values_json`)."""
    gives: str
    """The fields the row gives, comma-separated, as :mod:`.seen` records them
    (:func:`given`)."""

    @classmethod
    def refused(cls, row: int, issues: list[RowIssue]) -> ContactDraft:
        """A row refused before any value was read: its issues and nothing else."""
        return cls(row, None, None, None, None, None, [], [], {}, issues, "{}", "")


def draft(
    row: int,
    email: Email | None,
    first_name: str | None,
    last_name: str | None,
    company_id: int | None,
    company_name: str | None,
    label_names: list[str],
    label_ids: list[int],
    custom: dict[int, str],
    issues: list[RowIssue],
) -> ContactDraft:
    """A parsed row, with the text the importing process would otherwise write for it
    written here, on the parsing process's core: the custom values' JSON and the fields
    given (ARCHITECTURE.md#the-sixth-sessions-step). A company named gives ``company_id``:
    the row is refused if the name finds none."""
    company = company_id is not None or bool(company_name)
    return ContactDraft(
        row,
        email,
        first_name,
        last_name,
        company_id,
        company_name,
        label_names,
        label_ids,
        custom,
        issues,
        values_json(custom),
        given(first_name, last_name, company, custom),
    )


def given(
    first_name: str | None, last_name: str | None, company: bool, custom: Iterable[int]
) -> str:
    """The names ``contacts._given_values`` gives, without the values, comma-separated
    (once per row, in the parsing process)."""
    return _joined(_standard_given(first_name, last_name, company), _custom_given(custom))


def _standard_given(first_name: str | None, last_name: str | None, company: bool) -> str:
    return _STANDARD_GIVEN[first_name is not None, last_name is not None, company]


_STANDARD_GIVEN = {
    (first, last, company): ",".join(
        name
        for name, gives in (("first_name", first), ("last_name", last), ("company_id", company))
        if gives
    )
    for first in (False, True)
    for last in (False, True)
    for company in (False, True)
}


def _custom_given(custom: Iterable[int]) -> str:
    return ",".join(map(str, custom))


def _joined(standard: str, custom: str) -> str:
    return f"{standard},{custom}" if standard and custom else standard or custom


_KEPT = 10_000
"""How many distinct cells (or sets of cells) a parser keeps parsed, per target."""


class _CellsMet(Generic[K, V]):
    """A few label combinations and select options fill a whole file, so the fast path
    parses each distinct cell once: up to :data:`_KEPT` of them (a few MB at most). A bad
    one raises every time, and is not kept."""

    def __init__(self) -> None:
        self._parsed: dict[K, V] = {}

    def parsed(self, key: K, parse: Callable[..., V], *args: Any) -> V:
        """``parse(*args)``, which depends on nothing but ``key``."""
        value = self._parsed.get(key)
        if value is None:
            value = parse(*args)
            if len(self._parsed) < _KEPT:
                self._parsed[key] = value
        return value


SCALARS = ("email", "first_name", "last_name", "name", "company_id", "company", "labels_id")
"""The targets a row takes one value of (the first non-empty), in :meth:`_parse_good`'s
order."""


class _Custom(NamedTuple):
    """A row's custom values, with what the draft writes of them."""

    values: dict[int, str]
    json: str
    given: str


_REFUSED: Any = object()
"""A distinct cell's parse raised: its rows go to the fast path, and on to the careful one."""


class ContactRows:
    """The contacts parser of one file's columns; it pickles, to run in the parsing process."""

    def __init__(
        self,
        binding: Binding,
        custom: tuple[tuple[CustomField, tuple[int, ...]], ...],
        max_labels: int,
        decimal_comma: bool = False,
    ):
        self.binding = binding
        self.custom = custom
        self.max_labels = max_labels
        self.decimal_comma = decimal_comma
        self.positions = tuple(binding.at(target) for target in SCALARS)
        self.label_columns = tuple((at, binding.labels_split(at)) for at in binding.at("labels"))
        self._labels_met: _CellsMet[tuple[str | None, str], list[str]] = _CellsMet()
        self._values_met: _CellsMet[tuple[int, str], str] = _CellsMet()
        self._known: dict[str, dict[Any, Any]] = {
            name: {} for name in ("company_id", "company", "labels_id", "labels", "custom")
        }
        """What the batch path parsed of each distinct cell (or cells), by target."""

    def parse(self, raw: RawRow) -> ContactDraft:
        """The fast path for a good row; any doubt, and the careful path finds every issue."""
        fit = fitted(raw, self.binding)
        if isinstance(fit, list):
            return ContactDraft.refused(raw.row, fit)
        raw = fit
        try:
            made = self._parse_good(raw)
        except ValueProblem:
            made = None
        return self._parse_all(raw) if made is None else made

    # -- the fast path -----------------------------------------------------------------

    def _parse_good(self, raw: RawRow) -> ContactDraft | None:
        """Parse a row assuming every value is good: ``None`` (a cell that needs the careful
        path) or ``ValueProblem`` (a bad value) at the first doubt. Checks for control
        characters once per row, not once per cell."""
        cells = raw.values
        joined = "".join(cells)
        if (
            raw.cell_errors
            or values.has_control(joined)
            or any(cells[i].strip() for i in self.binding.unnamed)
        ):
            return None
        # Without an apostrophe in the row, no cell escapes a formula: trimming is strip.
        trim = str.strip if "'" not in joined else values.trim
        email, first, last, full, company, company_name, ids = [
            _pick(cells, at, trim) for at in self.positions
        ]
        custom = self._custom_values([_pick(cells, at, trim) for _, at in self.custom])
        first_name = values.parse_name(first, "first_name")
        last_name = values.parse_name(last, "last_name")
        if full and first_name is None and last_name is None:
            first_name, last_name = values.split_full_name(full)
        return draft(
            raw.row,
            values.parse_email(values.first_address(email)),
            first_name,
            last_name,
            _company_id(company),
            _company_name(company_name),
            self._label_names([trim(cells[at]) for at, _ in self.label_columns]),
            self._label_ids(ids),
            custom,
            [],
        )

    def _label_names(self, texts: Sequence[str]) -> list[str]:
        """The labels named by a row's label cells (trimmed), one cell per labels column."""
        names: list[str] = []
        for text, (_, separator) in zip(texts, self.label_columns, strict=True):
            if text:
                key = (separator, text)
                names += self._labels_met.parsed(
                    key, _split_labels, text, self.max_labels, separator
                )
        return list(dict.fromkeys(names)) if len(self.label_columns) > 1 else names

    def _label_ids(self, text: str) -> list[int]:
        return values.parse_label_ids(text, self.max_labels) if text else []

    def _custom_values(self, texts: Sequence[str]) -> dict[int, str]:
        """A row's custom values from its custom cells (trimmed), one per bound field."""
        custom = {}
        for (field, _), text in zip(self.custom, texts, strict=True):
            if text:
                custom[field.id] = self._values_met.parsed(
                    (field.id, text), values.parse_custom, field, text, self.decimal_comma
                )
        return custom

    # -- the batch path ----------------------------------------------------------------

    def parse_batch(self, raws: list[RawRow]) -> list[ContactDraft]:
        """:meth:`parse` of each row, a column at a time for the rows that are plainly good
        (the right width, no spreadsheet error, control character or apostrophe, nothing in
        an unnamed column); a row any cell of which does not parse goes to :meth:`parse`."""
        plain = self._plain(raws)
        if not plain:
            return [self.parse(raw) for raw in raws]
        made = self._columns(plain)
        return [made.get(raw.row) or self.parse(raw) for raw in raws]

    def _plain(self, raws: list[RawRow]) -> list[RawRow]:
        """The rows the batch path takes: nothing in them the fast path would doubt before
        parsing a value."""
        width, unnamed = self.binding.width, self.binding.unnamed
        rows = [raw for raw in raws if len(raw.values) == width and not raw.cell_errors]
        if not _plain_text("\n".join(chain.from_iterable(raw.values for raw in rows))):
            rows = [raw for raw in rows if _plain_text("".join(raw.values))]
        if unnamed:
            rows = [raw for raw in rows if not any(raw.values[i].strip() for i in unnamed)]
        return rows

    def _columns(self, rows: list[RawRow]) -> dict[int, ContactDraft]:
        """The drafts of plain rows whose every cell parses, by row number."""
        count = len(rows)
        columns = list(zip(*(raw.values for raw in rows), strict=True))
        email, first, last, full, company, company_name, ids = [
            _picked(columns, at, count) for at in self.positions
        ]
        emails = _each(list(map(values.first_address, email)), values.parse_email)
        first_names = _each(first, _first_name)
        last_names = _each(last, _last_name)
        for i, name in enumerate(full):
            if name and first_names[i] is None and last_names[i] is None:
                try:
                    first_names[i], last_names[i] = values.split_full_name(name)
                except ValueProblem:
                    first_names[i] = _REFUSED
        known = self._known
        company_ids = _each_distinct(company, _company_id, known["company_id"])
        company_names = _each_distinct(company_name, _company_name, known["company"])
        label_ids = _each_distinct(ids, self._label_ids, known["labels_id"])
        labels = _per_row([_picked(columns, (at,), count) for at, _ in self.label_columns], count)
        label_names = _each_distinct(labels, self._label_names, known["labels"])
        cells = _per_row([_picked(columns, at, count) for _, at in self.custom], count)
        customs = _each_distinct(cells, self._custom, known["custom"])
        parsed = (emails, first_names, last_names, company_ids, company_names)
        refused = {
            i
            for column in (*parsed, label_ids, label_names, customs)
            for i, value in enumerate(column)
            if value is _REFUSED
        }
        good: list[RawRow | None] = [None if i in refused else raw for i, raw in enumerate(rows)]
        made = {}
        for raw, address, first_name, last_name, company_id, named, names, ids_, custom in zip(
            good, *parsed, label_names, label_ids, customs, strict=True
        ):
            if raw is None:
                continue
            by_company = company_id is not None or bool(named)
            standard = _STANDARD_GIVEN[first_name is not None, last_name is not None, by_company]
            made[raw.row] = ContactDraft(
                raw.row,
                address,
                first_name,
                last_name,
                company_id,
                named,
                list(names),
                list(ids_),
                dict(custom.values),
                [],
                custom.json,
                _joined(standard, custom.given),
            )
        return made

    def _custom(self, texts: Sequence[str]) -> _Custom:
        custom = self._custom_values(texts)
        return _Custom(custom, values_json(custom), _custom_given(custom))

    # -- the careful path --------------------------------------------------------------

    def _parse_all(self, raw: RawRow) -> ContactDraft:
        row = RowParser(raw, self.binding)
        limit = self.max_labels
        text, column = row.cell("email")
        email = row.parse(column, values.parse_email, _first_address(text))
        first, last = row.names()
        company, column = row.cell("company_id")
        company_id = row.parse(column, values.parse_id, company, "company") if company else None
        company_name, column = row.cell("company")
        if company_name:
            company_name = row.parse(column, values.parse_company_name, company_name)
        ids, column = row.cell("labels_id")
        label_ids = row.parse(column, values.parse_label_ids, ids, limit)
        names = self._all_labels(row, limit)
        custom = self._all_custom(row)
        row.unnamed_cells()
        return draft(
            raw.row,
            email,
            first,
            last,
            company_id,
            company_name or None,
            names,
            label_ids or [],
            custom,
            row.issues,
        )

    def _all_labels(self, row: RowParser, limit: int) -> list[str]:
        names: list[str] = []
        for at, separator in self.label_columns:
            column = self.binding.name_of(at)
            if at in row.errors:
                continue
            text = row.parse(column, values.clean, row.raw.values[at])
            if text:
                names += row.parse(column, _split_labels, text, limit, separator) or []
        return list(dict.fromkeys(names))

    def _all_custom(self, row: RowParser) -> dict[int, str]:
        parsed: dict[int, str] = {}
        for field, _ in self.custom:
            text, column = row.cell(field.variable_name)
            if text:
                parse = functools.partial(
                    values.parse_custom, field, decimal_comma=self.decimal_comma
                )
                value = row.parse(column, parse, text)
                if value is not None:
                    parsed[field.id] = value
        return parsed


def _pick(cells: list[str], positions: tuple[int, ...], trim: Callable[[str], str]) -> str:
    """The first non-empty trimmed cell of a target's columns (fast path: no control
    character in the row, checked once)."""
    for at in positions:
        text = trim(cells[at])
        if text:
            return text
    return ""


def _picked(columns: list[tuple[str, ...]], positions: tuple[int, ...], count: int) -> list[str]:
    """:func:`_pick` of every row, a column at a time (the batch path: ``str.strip``)."""
    if not positions:
        return [""] * count
    texts = list(map(str.strip, columns[positions[0]]))
    for at in positions[1:]:
        others = map(str.strip, columns[at])
        texts = [text or other for text, other in zip(texts, others, strict=True)]
    return texts


def _per_row(columns: list[list[str]], count: int) -> list[tuple[str, ...]]:
    return list(zip(*columns, strict=True)) if columns else [()] * count


def _plain_text(text: str) -> bool:
    return "'" not in text and not values.has_control(text)


def _each(texts: list[T], parse: Callable[[T], V]) -> list[V]:
    """``parse`` of each text, or :data:`_REFUSED` where it raises."""
    parsed: list[V] = []
    for text in texts:
        try:
            parsed.append(parse(text))
        except ValueProblem:
            parsed.append(_REFUSED)
    return parsed


def _each_distinct(texts: list[T], parse: Callable[[T], V], known: dict[T, V]) -> list[V]:
    """:func:`_each`, parsing each distinct text once (the parsers are pure). ``known`` keeps
    what earlier batches parsed, up to about :data:`_KEPT` texts."""
    distinct = set(texts)
    new = distinct.difference(known)
    if new and len(known) < _KEPT:
        known.update(zip(new, _each(list(new), parse), strict=True))
    elif new:  # ``known`` is full: this batch's texts only, not a copy of all it keeps
        batch = dict(zip(new, _each(list(new), parse), strict=True))
        batch.update((text, known[text]) for text in distinct - new)
        return list(map(batch.__getitem__, texts))
    return list(map(known.__getitem__, texts))


def _first_name(text: str) -> str | None:
    return values.parse_name(text, "first_name")


def _last_name(text: str) -> str | None:
    return values.parse_name(text, "last_name")


def _company_id(text: str) -> int | None:
    return values.parse_id(text, "company") if text else None


def _company_name(text: str) -> str | None:
    return values.parse_company_name(text) if text else None


def _split_labels(text: str, limit: int, separator: str | None) -> list[str]:
    if separator == ":":
        return values.parse_label_names(text, limit)
    return values.parse_foreign_labels(text, limit, separator)


def _first_address(text: str | None) -> str | None:
    return None if text is None else values.first_address(text)
