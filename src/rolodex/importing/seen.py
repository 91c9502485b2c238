"""Which rows of the file gave which values of each contact, so a later row for the same email
can merge into the earlier one, or be refused where the two disagree.

A million rows make a million emails to remember: kept in a dict that would be about 200 MB.
They live instead in a private scratch SQLite file (``sqlite3.connect("")``: on disk, deleted
when closed), looked up and written once per batch, so memory stays flat whatever the file's
length. This is plumbing of the engine, not the product's database: nothing here survives the
run.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable, Mapping
from itertools import islice

Givers = dict[str, int]
"""A contact's fields that rows of this file gave (``first_name``, ``company``, a custom
field's id as text) → the first row that gave each."""

_CHUNK = 500  # keys per IN list: well under SQLite's limit on bound parameters


class SeenRows:
    def __init__(self) -> None:
        # The engine may write a batch on its writing thread, where rows for emails met
        # before are remembered, while it waits to plan the next: never both at once.
        self._db = sqlite3.connect("", check_same_thread=False)
        self._db.execute("CREATE TABLE seen (key TEXT PRIMARY KEY, givers TEXT) WITHOUT ROWID")

    def givers(self, keys: Collection[str]) -> dict[str, Givers]:
        """What earlier batches recorded for these emails, in one query per 500 keys."""
        found: dict[str, Givers] = {}
        remaining = iter(keys)
        while chunk := list(islice(remaining, _CHUNK)):
            marks = ",".join("?" * len(chunk))
            query = f"SELECT key, givers FROM seen WHERE key IN ({marks})"
            for key, text in self._db.execute(query, chunk):
                found[key] = _decode(text)
        return found

    def record(
        self, givers: Mapping[str, Givers], first_rows: Iterable[tuple[str, int, str]]
    ) -> None:
        """Remember ``givers``, and the emails of ``first_rows``: (key, the one row that gave
        its fields, their names comma-separated), as a parsed row carries them already."""
        entries = [(key, _encode(value)) for key, value in givers.items()]
        entries += [(key, _one_row(row, names)) for key, row, names in first_rows]
        self._db.executemany("INSERT OR REPLACE INTO seen (key, givers) VALUES (?, ?)", entries)

    def close(self) -> None:
        self._db.close()


def _encode(givers: Givers) -> str:
    """Nearly always one row gave every field (``"12 first_name,3"``, a quarter of the JSON's
    cost); JSON when rows of the file shared them. Field names hold no space or comma."""
    rows = set(givers.values())
    if len(rows) == 1:
        return _one_row(rows.pop(), ",".join(givers))
    return json.dumps(givers)


def _one_row(row: int, names: str) -> str:
    return f"{row} {names}"


def _decode(text: str) -> Givers:
    if text.startswith("{"):
        loaded: Givers = json.loads(text)
        return loaded
    row, names = text.split(" ", 1)
    return dict.fromkeys(names.split(","), int(row))
