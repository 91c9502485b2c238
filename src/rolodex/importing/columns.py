"""Header binding: the names in the file's first row → where each known column sits.

A header problem stops the import before anything is written (:class:`FileError`), and the
message names the column as the user sees it in a spreadsheet (its name and letter). This is
the one place a future header-mapping step (other names → ours) plugs in.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from rolodex.domain import CustomField
from rolodex.errors import FileError
from rolodex.importing.values import show

ERROR_COLUMN = "error"


@dataclass(frozen=True)
class ColumnMap:
    """Positions of the columns an importer reads; everything else in the file is ignored."""

    names: tuple[str, ...]
    standard: dict[str, int]
    custom: tuple[tuple[int, CustomField], ...]
    unnamed: tuple[int, ...]

    @property
    def width(self) -> int:
        return len(self.names)

    def get(self, values: Sequence[str], column: str) -> str | None:
        """The raw cell of a standard column, or ``None`` when the file lacks the column."""
        at = self.standard.get(column)
        return None if at is None else values[at]


def spreadsheet_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: how Excel names a column, so users can find it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def bind(
    header: Sequence[str],
    standard: Sequence[str],
    custom_fields: Sequence[CustomField] = (),
    required: Sequence[str] = ("email",),
) -> ColumnMap:
    names = tuple(name.strip() for name in header)
    if any("@" in name for name in names):
        raise FileError(
            "Header: the first row holds an email address, so it looks like data, not the "
            "column names: add a first row naming the columns, like " + ",".join(standard[:4])
        )
    custom_by_name = {field.variable_name: field for field in custom_fields}
    problems = _name_problems(names, standard, custom_by_name)
    problems += [
        f"the file has no '{column}' column: the first row must name the columns, "
        f"and '{column}' is required"
        for column in required
        if column not in names
    ]
    if problems:
        raise FileError(_one_line(problems))
    return ColumnMap(
        names=names,
        standard={name: i for i, name in enumerate(names) if name in standard},
        custom=tuple((i, custom_by_name[n]) for i, n in enumerate(names) if n in custom_by_name),
        unnamed=tuple(i for i, name in enumerate(names) if not name),
    )


def _name_problems(
    names: tuple[str, ...], standard: Sequence[str], custom: dict[str, CustomField]
) -> list[str]:
    known = [*standard, *custom]
    seen: dict[str, int] = {}
    problems = []
    for i, name in enumerate(names):
        where = f"column {spreadsheet_letter(i)}"
        if not name or (name == ERROR_COLUMN and i == len(names) - 1):
            continue
        if name != name.lower():
            lower = show(name.lower())
            problems.append(f"{where} {show(name)} must be written in lower case: {lower}")
        elif name in seen:
            problems.append(
                f"{where} {show(name)} appears twice "
                f"(also column {spreadsheet_letter(seen[name])}): remove one of them"
            )
        elif name not in known:
            problems.append(f"{where} {show(name)} is not a known column{_close(name, known)}")
        seen.setdefault(name, i)
    return problems


def _close(name: str, known: Sequence[str]) -> str:
    matches = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    if matches:
        return " (did you mean " + " or ".join(f"'{m}'" for m in matches) + "?)"
    return " or custom field; known columns are " + ", ".join(known)


def _one_line(problems: list[str]) -> str:
    text = "; ".join(problems)
    return "Header: " + text[0].upper() + text[1:] + "."
