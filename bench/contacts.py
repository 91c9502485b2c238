"""Contacts import speed: create, unchanged re-import and update, in rows per second."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from bench.generate import COMPANIES, LABELS, contacts_file
from rolodex import catalog
from rolodex.importing.kinds import import_file
from rolodex.importing.options import ImportOptions
from rolodex.store.store import Store


@dataclass(frozen=True)
class Phase:
    name: str
    rows: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds


def prepare(store: Store) -> None:
    catalog.add_labels(store, LABELS)
    for i in range(COMPANIES):
        catalog.add_company(store, f"Company {i}")
    catalog.add_field(store, "plan", "select", ["basic", "pro", "enterprise"])
    catalog.add_field(store, "seats", "number")


def timed(store: Store, name: str, path: Path, rows: int, expect: str) -> Phase:
    start = time.perf_counter()
    report = import_file("contacts", path, store, ImportOptions())
    seconds = time.perf_counter() - start
    counted = getattr(report, expect)
    if counted != rows or report.failed:
        raise SystemExit(f"{name}: expected {rows} {expect}, got {report.as_dict()}")
    return Phase(name, rows, seconds)


def run(url: str, workdir: Path, rows: int) -> list[Phase]:
    """The three phases against a fresh database at ``url``."""
    first = contacts_file(workdir / f"contacts-{rows}.csv", rows)
    second = contacts_file(workdir / f"contacts-{rows}-updated.csv", rows, updated=True)
    store = Store.open(url)
    try:
        prepare(store)
        return [
            timed(store, "create", first, rows, "created"),
            timed(store, "unchanged", first, rows, "unchanged"),
            timed(store, "update", second, rows, "updated"),
        ]
    finally:
        store.close()
