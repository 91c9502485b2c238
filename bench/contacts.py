"""Contacts import speed: create, unchanged re-import and update, in rows per second.

Run as ``python -m bench.contacts URL ROWS WORKDIR [--xlsx]``, it prints one JSON document
with the three phases and the process's peak RSS, so each size is measured in a fresh
process. ``--xlsx`` imports the same rows from .xlsx workbooks instead of CSV files.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench.generate import COMPANIES, LABELS, contacts_file, contacts_workbook
from rolodex.importing.kinds import import_file
from rolodex.importing.options import ImportOptions
from rolodex.services import catalog
from rolodex.store import contacts as read
from rolodex.store import schema as t
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
    if getattr(report.counts, expect) != rows or report.counts.failed:
        raise SystemExit(f"{name}: expected {rows} {expect}, got {report.as_dict()}")
    return Phase(name, rows, seconds)


def run(url: str, first: Path, second: Path, rows: int) -> tuple[list[Phase], float]:
    """The three phases against a fresh database at ``url``, then the contacts list
    filtered by one label on what they left."""
    store = Store.open(url)
    try:
        prepare(store)
        phases = [
            timed(store, "create", first, rows, "created"),
            timed(store, "unchanged", first, rows, "unchanged"),
            timed(store, "update", second, rows, "updated"),
        ]
        return phases, label_page_ms(store)
    finally:
        store.close()


def label_page_ms(store: Store, label: str = LABELS[3]) -> float:
    """The first page of the contacts carrying ``label`` (two in five do), with their
    count, as the contacts list asks for it: the median of five, in milliseconds."""
    with store.read() as conn:
        [label_id] = conn.scalars(select(t.labels.c.id).where(t.labels.c.name == label))
        times = []
        for _ in range(5):
            start = time.perf_counter()
            read.page(conn, label_id, None, 0, 50)
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def without_journal() -> None:
    """For the journal's cost: every import unit made as if no run asked for a journal."""
    from rolodex.store import unit

    made = unit.SqlUnit.__init__

    def unjournaled(self: unit.SqlUnit, conn: Any, transaction: Any, journal: Any = None) -> None:
        made(self, conn, transaction, None)

    unit.SqlUnit.__init__ = unjournaled  # type: ignore[method-assign]


def main(url: str, rows: int, workdir: Path, xlsx: bool = False) -> None:
    if xlsx:
        first = contacts_workbook(workdir / f"contacts-{rows}.xlsx", rows)
        second = contacts_workbook(workdir / f"contacts-{rows}-updated.xlsx", rows, updated=True)
    else:
        first = contacts_file(workdir / f"contacts-{rows}.csv", rows)
        second = contacts_file(workdir / f"contacts-{rows}-updated.csv", rows, updated=True)
    reset_peak_rss()
    with ParserPeak() as parser:
        phases, page_ms = run(url, first, second, rows)
    result = {
        "phases": [asdict(p) for p in phases],
        "peak_rss_kib": peak_rss_kib(),
        "label_page_ms": page_ms,
    }
    print(json.dumps(result | {"parser_peak_rss_kib": parser.peak_kib}))


def reset_peak_rss() -> None:
    """Forget the high-water mark inherited from the parent (it survives fork and exec):
    what is measured is this import's own peak."""
    with open("/proc/self/clear_refs", "w") as control:
        control.write("5")


def peak_rss_kib(pid: int | str = "self") -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:  # the process ended between listing and reading
        return 0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class ParserPeak:
    """The peak RSS of the import's parsing process (a grandchild, by way of the
    forkserver, so ``RUSAGE_CHILDREN`` never sees it): its own high-water mark, read from
    /proc every 50 ms while it runs."""

    def __init__(self) -> None:
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> ParserPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.wait(0.05):
            for pid in _parsers():
                self.peak_kib = max(self.peak_kib, peak_rss_kib(pid))


def _parsers() -> list[str]:
    """Processes the forkserver started (the parser; the forkserver itself is smaller)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                    if b"forkserver" in cmdline.read():
                        found.append(entry)
            except OSError:
                continue
    return found


if __name__ == "__main__":
    if "--no-journal" in sys.argv:
        without_journal()
    main(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), xlsx="--xlsx" in sys.argv)
