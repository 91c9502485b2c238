"""Header binding: each cell of the file's first row → the target whose values it holds.

People bring files other systems wrote (Google's ``E-mail 1 - Value``, Outlook's
``Vorname``), so a header is matched in four ways, the first that answers wins:

1. ``--map`` (or the web app's Columns step): the person said so;
2. our own names exactly — the standard columns and each custom field's variable name;
3. the same names written another way (case, spaces, ``-``, ``_``, ``.`` ignored), and a
   custom field by its title;
4. the names other systems export (:mod:`rolodex.importing.systems`).

A column that none of these bind is a file error unless the run says what to do with it
(ignore it, or make it a new text custom field), because dropping a column silently loses
data. The binding is reported with every run, so nobody has to guess what went where.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from rolodex.domain import VARIABLE_NAME, CustomField, FieldType
from rolodex.errors import FileError, UsageError
from rolodex.importing.systems import normalise, system_targets
from rolodex.importing.values import show
from rolodex.importing.wording import CLI, Wording

ERROR_COLUMN = "error"
IGNORE = "ignore"
NEW_FIELD = "new"
"""A ``--map`` target: make the column a new text custom field named from its header."""

SHOWN_UNBOUND = 10


def spreadsheet_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: how Excel names a column, so users can find it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class Targets:
    """What one kind's columns can bind to."""

    kind: str
    own: tuple[str, ...]
    """Our column names, matched exactly (rule 2) or written another way (rule 3)."""
    extra: tuple[str, ...]
    """Targets reached only through other systems' names or ``--map`` (``name``, ``company``)."""
    fields: tuple[CustomField, ...] = ()
    required: tuple[str, ...] = ("email",)

    @cached_property
    def fields_by_name(self) -> dict[str, CustomField]:
        return {f.variable_name: f for f in self.fields}

    def valid(self, target: str) -> bool:
        return target in self.own or target in self.extra or target in self.fields_by_name

    def all(self) -> list[str]:
        return [*self.own, *self.extra, *self.fields_by_name]

    @cached_property
    def spellings(self) -> dict[str, str]:
        """Normalised name → target, for rule 3: our names, then the fields' titles."""
        found: dict[str, str] = {}
        for target in (*self.own, *self.fields_by_name):
            found.setdefault(normalise(target), target)
        for custom in self.fields:
            found.setdefault(normalise(custom.title), custom.variable_name)
        return found

    @cached_property
    def systems(self) -> dict[str, str]:
        """Other systems' names for what this kind holds: a users file takes the names a
        contacts export gives an email or a name too (``E-mail Address``, ``Full Name``)."""
        allowed = {*self.own, *self.extra}
        found = {**system_targets("contacts"), **system_targets(self.kind)}
        return {k: v for k, v in found.items() if v in allowed}

    @property
    def has_fields(self) -> bool:
        """Only contacts have custom fields (so only they take ``--create-fields``)."""
        return self.kind == "contacts"


@dataclass(frozen=True)
class BindOptions:
    mapping: Mapping[str, str] = field(default_factory=dict)
    """Header → target, before every other rule; the target ``ignore`` leaves it out."""
    ignore_unknown: bool = False
    create_fields: bool = False
    labels_separator: str | None = None
    wording: Wording = CLI
    """How the front end names the ways out of a header problem."""


@dataclass(frozen=True)
class Column:
    """One header cell and where its values go."""

    index: int
    name: str
    target: str
    how: str
    """``map``, ``exact``, ``spelling``, ``system``, ``new-field``, ``unknown`` (ignored by
    ``--ignore-unknown``) or ``blank`` (no name, or the error file's ``error`` column)."""

    @property
    def letter(self) -> str:
        return spreadsheet_letter(self.index)


@dataclass(frozen=True)
class Binding:
    """The header bound: for each target, the columns that fill it, in file order."""

    columns: tuple[Column, ...]
    labels_separator: str | None = None
    new_fields: tuple[CustomField, ...] = ()
    """Fields ``--create-fields`` will make; until they exist their ids are negative."""

    @property
    def width(self) -> int:
        return len(self.columns)

    @cached_property
    def positions(self) -> dict[str, tuple[int, ...]]:
        found: dict[str, list[int]] = {}
        for column in self.columns:
            if column.target != IGNORE:
                found.setdefault(column.target, []).append(column.index)
        return {target: tuple(at) for target, at in found.items()}

    def at(self, target: str) -> tuple[int, ...]:
        return self.positions.get(target, ())

    @cached_property
    def needed_width(self) -> int:
        """How many cells a row must have to reach every column that binds to something."""
        bound = [c.index for c in self.columns if c.target != IGNORE]
        return max(bound, default=-1) + 1

    @cached_property
    def unnamed(self) -> tuple[int, ...]:
        return tuple(c.index for c in self.columns if c.how == "blank" and not c.name)

    def name_of(self, index: int) -> str:
        return self.columns[index].name

    def is_exactly_ours(self) -> bool:
        """True when every column was named as rolodex names it: no step to show."""
        return all(c.how in ("exact", "blank") for c in self.columns)

    def labels_split(self, index: int) -> str | None:
        """The separator of a labels column; ``None``: other systems' rules (``,`` ``;``
        `` ::: ``), for any labels column not named exactly ``labels``."""
        if self.labels_separator is not None:
            return self.labels_separator
        return ":" if self.columns[index].name == "labels" else None

    def report(self) -> list[dict[str, str]]:
        return [{"column": c.name, "target": c.target} for c in self.columns]

    def summary(self) -> list[str]:
        """A few readable lines: columns not named as ours, then the ignored ones."""
        lines = [
            f"{c.name} → {c.target}" + (" (new field)" if c.how == "new-field" else "")
            for c in self.columns
            if c.how in ("map", "spelling", "system", "new-field") and c.target != IGNORE
        ]
        ignored = [c.name for c in self.columns if c.target == IGNORE and c.name]
        ignored = [n for n in ignored if n != ERROR_COLUMN]
        if ignored:
            shown = ", ".join(ignored[:SHOWN_UNBOUND])
            rest = len(ignored) - SHOWN_UNBOUND
            more = f", … ({rest} more)" if rest > 0 else ""
            noun = "column" if len(ignored) == 1 else "columns"
            lines.append(f"{len(ignored)} {noun} ignored: {shown}{more}")
        return lines


class UnboundColumns(FileError):
    """Columns that bind to nothing. ``columns`` has every header cell with its target, or
    for an unbound one the suggested target (``None`` when nothing is close), so a front end
    can offer a mapping step."""

    def __init__(self, message: str, columns: list[dict[str, str | None]]):
        super().__init__(message)
        self.columns = columns


def bind(header: Sequence[str], targets: Targets, options: BindOptions = BindOptions()) -> Binding:
    """Bind every header cell, or raise ``FileError`` naming what cannot be bound."""
    columns = _bind_all(header, targets, options.mapping, options.wording)
    unbound = [c for c in columns if c.how == "unknown"]
    if unbound and not (options.ignore_unknown or options.create_fields):
        raise _unbound_error(columns, unbound, targets, options.wording)
    new_fields: list[CustomField] = []
    if options.create_fields or any(c.target == NEW_FIELD for c in columns):
        columns, new_fields = _with_new_fields(columns, targets, options.create_fields)
    _check_required(columns, targets, options.wording)
    return Binding(tuple(columns), options.labels_separator, tuple(new_fields))


def propose(
    header: Sequence[str], targets: Targets, mapping: Mapping[str, str] | None = None
) -> list[Column]:
    """What :func:`bind` would do, for a mapping step to show and change: every column
    with its target; an unbound one (``how == "unknown"``) with the suggested target, or
    ``ignore``. A missing ``email`` column is no error here: the step is where to fix it."""
    return [
        Column(c.index, c.name, _suggest(c.name, targets) or IGNORE, c.how)
        if c.how == "unknown"
        else c
        for c in _bind_all(header, targets, mapping or {})
    ]


def _bind_all(
    header: Sequence[str], targets: Targets, mapping: Mapping[str, str], wording: Wording = CLI
) -> list[Column]:
    names = tuple(name.strip() for name in header)
    if any("@" in name for name in names):
        raise FileError(
            "Header: the first row holds an email address, so it looks like data, not the "
            "column names: add a first row naming the columns, like " + ",".join(targets.own[:4])
        )
    _check_twice(names)
    checked = _checked_mapping(mapping, names, targets, wording)
    return [_bind_one(i, name, names, targets, checked) for i, name in enumerate(names)]


# -- the rules ----------------------------------------------------------------------------


def _bind_one(
    index: int, name: str, names: tuple[str, ...], targets: Targets, mapping: dict[str, str]
) -> Column:
    if name in mapping:
        return Column(index, name, mapping[name], "map")
    if not name or (name == ERROR_COLUMN and index == len(names) - 1):
        return Column(index, name, IGNORE, "blank")
    if name in targets.own or name in targets.fields_by_name:
        return Column(index, name, name, "exact")
    key = normalise(name)
    if key in targets.spellings:
        return Column(index, name, targets.spellings[key], "spelling")
    if key in targets.systems:
        return Column(index, name, targets.systems[key], "system")
    return Column(index, name, IGNORE, "unknown")


def _check_twice(names: tuple[str, ...]) -> None:
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name and name in seen:
            raise FileError(
                f"Header: column {spreadsheet_letter(i)} {show(name)} appears twice (also "
                f"column {spreadsheet_letter(seen[name])}): rename or remove one of them."
            )
        seen.setdefault(name, i)


def _checked_mapping(
    mapping: Mapping[str, str], names: tuple[str, ...], targets: Targets, wording: Wording
) -> dict[str, str]:
    """``--map`` keys may be written as the header is, or another way (``first name``)."""
    by_spelling = {normalise(n): n for n in reversed(names) if n}
    checked: dict[str, str] = {}
    for header, target in mapping.items():
        name = header.strip()
        if name not in names:
            found = by_spelling.get(normalise(name))
            if found is None:
                raise UsageError(
                    f"{wording.mapping} {show(header)}: the file has no column of that name; "
                    f"its columns are {_listed(n for n in names if n)}"
                )
            name = found
        target = target.strip()
        if not (target in (IGNORE, NEW_FIELD) or targets.valid(target)):
            raise UsageError(
                f"{wording.mapping} {show(header)}={show(target)}: {show(target)} is not "
                f"something a column can fill; use one of {_listed(targets.all())}, "
                f"{NEW_FIELD} (a new custom field) or {IGNORE}"
            )
        checked[name] = target
    return checked


def _check_required(columns: list[Column], targets: Targets, wording: Wording) -> None:
    bound = {c.target for c in columns}
    for target in targets.required:
        if target not in bound:
            raise FileError(
                f"Header: no column holds the {target} (it is required): name one '{target}', "
                f"or {wording.map_required.format(target=target)}."
            )


def _with_new_fields(
    columns: list[Column], targets: Targets, unbound_too: bool
) -> tuple[list[Column], list[CustomField]]:
    """Turn ``new``-mapped (and with ``--create-fields``, unbound) columns into text fields,
    with placeholder ids below zero until the import creates them."""
    taken = {*targets.all(), ERROR_COLUMN, IGNORE, NEW_FIELD, "id"}
    new_fields: list[CustomField] = []
    out: list[Column] = []
    for column in columns:
        if (unbound_too and column.how == "unknown") or column.target == NEW_FIELD:
            variable = _variable_name(column.name, taken)
            taken.add(variable)
            new_fields.append(
                CustomField(-1 - len(new_fields), variable, column.name[:255], FieldType.TEXT)
            )
            column = Column(column.index, column.name, variable, "new-field")
        out.append(column)
    return out, new_fields


def _variable_name(header: str, taken: set[str]) -> str:
    """``Member Rating`` → ``member_rating``; ``2nd Phone`` → ``f_2nd_phone``; unique."""
    base = re.sub(r"[^a-z0-9]+", "_", header.casefold()).strip("_")[:60] or "field"
    if not VARIABLE_NAME.fullmatch(base):
        base = "f_" + base
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    return name


# -- columns that bind to nothing -----------------------------------------------------------


def _suggest(name: str, targets: Targets) -> str | None:
    """A target whose name (ours, a title, another system's) is close to ``name``."""
    known = {**targets.systems, **targets.spellings}
    close = difflib.get_close_matches(normalise(name), list(known), n=1, cutoff=0.75)
    return known[close[0]] if close else None


def _unbound_error(
    columns: list[Column], unbound: list[Column], targets: Targets, wording: Wording
) -> UnboundColumns:
    hints = {c.index: _suggest(c.name, targets) for c in unbound}
    described = []
    for column in unbound[:SHOWN_UNBOUND]:
        hint = hints[column.index]
        maybe = f", perhaps '{hint}'" if hint else ""
        described.append(f"{show(column.name)} ({column.letter}{maybe})")
    rest = len(unbound) - len(described)
    listed = ", ".join(described) + (f" and {rest} more" if rest else "")
    noun = "column binds" if len(unbound) == 1 else f"{len(unbound)} columns bind"
    ways = [wording.ignore_unknown, wording.map]
    if targets.has_fields:
        ways.append(wording.create_fields)
    message = f"Header: {noun} to nothing: {listed}. " + _sentence(ways)
    report: list[dict[str, str | None]] = [
        {"column": c.name, "target": hints[c.index] if c.how == "unknown" else c.target}
        for c in columns
    ]
    return UnboundColumns(message, report)


def _sentence(ways: list[str]) -> str:
    text = ", ".join(ways[:-1]) + ", or " + ways[-1]
    return text[0].upper() + text[1:] + "."


def _listed(names: Iterable[str]) -> str:
    items = list(names)
    return ", ".join(str(n) for n in items[:30]) + (", …" if len(items) > 30 else "")
