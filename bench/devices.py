"""``make bench-devices``: each speed device of ARCHITECTURE.md#why-each-speed-device-exists
switched on and off.

One generated contacts file (``bench.generate``), a contacts *create* into a fresh database,
timed with the device as the product ships it (on) and switched off, in one run; each side
best of 3, on and off alternating so that a change in the machine's load hits both. Prints
a table (device, database, rows, rows/s on, rows/s off, gain = on ÷ off, and the spread
between runs of one side) and the load average: on a busy machine the spread exceeds most
gains.

A device is switched off from here, never by a branch in the product: an option the product
already has (``ImportOptions.batch_size``, ``parse_in_child_from``), a module constant the
product reads at call time (``store.ANALYZE_FROM``,
``gc_tuning.BULK_THRESHOLDS``), or an engine event added after ``Store.open`` (SQLite
pragmas, PostgreSQL's JIT, ``enable_seqscan``). Each measurement runs in its own process
(``python -m bench.devices --one …``), so a switch never leaks into the next one.

The parsing process is started by the forkserver, which does not inherit what this process
patched; it imports this module afresh as ``__mp_main__`` (with this process's environment),
and the switch named in ``ROLODEX_BENCH_OFF`` is applied again there (of the switches, only
GC pacing acts in that process; the others concern the writing side).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, event

from bench.contacts import prepare
from bench.generate import contacts_file
from rolodex.importing.kinds import import_file
from rolodex.importing.options import ImportOptions
from rolodex.store.store import Store

POSTGRES = os.environ.get("ROLODEX_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
OFF = "ROLODEX_BENCH_OFF"
REPEATS = 3
NEVER = sys.maxsize
THRESHOLD_ROWS = ImportOptions().parse_in_child_from


# -- how each device is switched off -----------------------------------------------------


def gc_unpaced(engine: Engine | None) -> None:
    """Python's default thresholds for the import (parent) and the parsing process."""
    from rolodex.importing import pipeline
    from rolodex.runtime import gc_tuning

    gc_tuning.BULK_THRESHOLDS = pipeline.BULK_THRESHOLDS = gc.get_threshold()


class _AlwaysSeen(dict[str, dict[str, int]]):
    """Givers that claim every email was met before."""

    def __contains__(self, key: object) -> bool:
        return True

    def __missing__(self, key: str) -> dict[str, int]:
        self[key] = {}
        return self[key]


def merge_in_python(engine: Engine | None) -> None:
    """Every row through the importer's row-by-row path (read the contacts, compare and
    merge in Python, write the result), as for a row whose email the file gave before."""
    from rolodex.importing.seen import SeenRows

    found = SeenRows.givers
    SeenRows.givers = lambda self, keys: _AlwaysSeen(found(self, keys))  # type: ignore[method-assign]


def journal_foreign_key(engine: Engine | None) -> None:
    """PostgreSQL checks the journal's ``import_id`` against ``imports`` for every row, as
    before migration 0009."""
    assert engine is not None
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "ALTER TABLE import_journal ADD CONSTRAINT fk_import_journal_import_id_imports "
            "FOREIGN KEY (import_id) REFERENCES imports (id) ON DELETE CASCADE"
        )


def analyze_never(engine: Engine | None) -> None:
    from rolodex.store import store

    store.ANALYZE_FROM = NEVER


def seqscan_allowed(engine: Engine | None) -> None:
    """``Store.unit`` says ``SET LOCAL enable_seqscan = off``; the driver is told ``on``."""
    assert engine is not None
    seen = _Rewrites("SET LOCAL enable_seqscan = off", "SET LOCAL enable_seqscan = on")
    event.listen(engine, "before_cursor_execute", seen.rewrite, retval=True)
    _after_import.append(seen.check)


def jit_on(engine: Engine | None) -> None:
    """The engine connects with ``-c jit=off``; each new connection turns it back on."""
    assert engine is not None
    _on_connect(engine, "SET jit = on")


def sqlite_journal_default(engine: Engine | None) -> None:
    """SQLite's defaults: rollback journal, ``synchronous=FULL``."""
    assert engine is not None
    _on_connect(engine, "PRAGMA journal_mode=DELETE", "PRAGMA synchronous=FULL")


def sqlite_cache_default(engine: Engine | None) -> None:
    """SQLite's default page cache (2 MB) instead of 32 MB."""
    assert engine is not None
    _on_connect(engine, "PRAGMA cache_size=-2000")


def planner_defaults(engine: Engine | None) -> None:
    seqscan_allowed(engine)
    analyze_never(engine)
    jit_on(engine)


class _Rewrites:
    def __init__(self, old: str, new: str) -> None:
        self.old, self.new, self.count = old, new, 0

    def rewrite(self, conn: Any, cursor: Any, statement: str, *rest: Any) -> tuple[str, Any]:
        if statement == self.old:
            self.count += 1
            statement = self.new
        return statement, rest[0]

    def check(self) -> None:
        if not self.count:
            raise SystemExit(f"the product never ran {self.old!r}: the switch measured nothing")


_after_import: list[Callable[[], None]] = []


def _on_connect(engine: Engine, *statements: str) -> None:
    """Run after the product's own connect listener (listeners run in order), on
    connections made from now: those the migration left in the pool are dropped."""

    def run(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for statement in statements:
            cursor.execute(statement)
        cursor.close()
        dbapi_connection.commit()

    event.listen(engine, "connect", run)
    engine.dispose()


# -- the devices -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Device:
    name: str
    databases: tuple[str, ...]
    on: ImportOptions = field(default_factory=ImportOptions)
    off: ImportOptions = field(default_factory=ImportOptions)
    switch_off: Callable[[Engine | None], None] | None = None
    rows: int | None = None
    """A fixed size (the parsing process's threshold); ``None``: ``--rows``."""


BOTH = ("sqlite", "postgresql")
PG = ("postgresql",)
CHILD, NO_CHILD = ImportOptions(parse_in_child_from=0), ImportOptions(parse_in_child_from=NEVER)
DEVICES = {
    d.name: d
    for d in (
        Device("parsing process", BOTH, CHILD, NO_CHILD),
        Device(
            f"parsing process at {THRESHOLD_ROWS:,}", BOTH, CHILD, NO_CHILD, rows=THRESHOLD_ROWS
        ),
        Device("GC pacing", BOTH, switch_off=gc_unpaced),
        Device("batch 2,000 vs 500", BOTH, off=ImportOptions(batch_size=500)),
        Device("batch 2,000 vs 10,000", BOTH, off=ImportOptions(batch_size=10_000)),
        Device("merge in the database", BOTH, switch_off=merge_in_python),
        Device("seqscan off", PG, switch_off=seqscan_allowed),
        Device("ANALYZE at doublings", PG, switch_off=analyze_never),
        Device("journal without foreign key", PG, switch_off=journal_foreign_key),
        Device("JIT off", PG, switch_off=jit_on),
        Device("planner: all three", PG, switch_off=planner_defaults),
        Device("WAL + synchronous=NORMAL", ("sqlite",), switch_off=sqlite_journal_default),
        Device("32 MB page cache", ("sqlite",), switch_off=sqlite_cache_default),
    )
}
"""What each row compares; ARCHITECTURE.md's speed section names these rows."""


# -- one measurement, in its own process -------------------------------------------------


def one(device: Device, state: str, url: str, path: Path, rows: int) -> float:
    """Seconds for a create of ``rows`` rows into the fresh database at ``url``."""
    store = Store.open(url)
    try:
        prepare(store)
        if state == "off" and device.switch_off is not None:
            device.switch_off(store.engine)
        options = device.on if state == "on" else device.off
        start = time.perf_counter()
        report = import_file("contacts", path, store, options)
        seconds = time.perf_counter() - start
    finally:
        store.close()
    for check in _after_import:
        check()
    if report.counts.created != rows or report.counts.failed:
        raise SystemExit(f"{device.name} {state}: expected {rows} created, got {report.as_dict()}")
    return seconds


# -- the run -----------------------------------------------------------------------------------


def measure(device: Device, state: str, database: str, path: Path, rows: int) -> float:
    name = f"rolodex_devices_{os.getpid()}"
    url = f"sqlite:///{path.with_name(name + '.db')}" if database == "sqlite" else _fresh(name)
    command = ["--one", device.name, state, url, str(path), str(rows)]
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.devices", *command],
            capture_output=True,
            text=True,
            env=os.environ | {OFF: device.name if state == "off" else ""},
        )
    finally:
        _drop(database, path.with_name(name + ".db"), name)
    if done.returncode:
        raise SystemExit(f"{device.name} {state} on {database} failed:\n{done.stderr[-2000:]}")
    return float(json.loads(done.stdout.strip().splitlines()[-1])["seconds"])


def _fresh(name: str) -> str:
    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return POSTGRES.rsplit("/", 1)[0] + "/" + name


def _drop(database: str, sqlite_file: Path, name: str) -> None:
    if database == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(sqlite_file) + suffix).unlink(missing_ok=True)
    else:
        with psycopg.connect(POSTGRES, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@dataclass(frozen=True)
class Result:
    rows: int
    on: list[float]
    off: list[float]
    """Seconds of each run."""

    def cells(self) -> list[str]:
        on, off = self.rows / min(self.on), self.rows / min(self.off)
        spread = max(max(runs) / min(runs) for runs in (self.on, self.off)) - 1
        return [f"{self.rows:,}", f"{on:,.0f}", f"{off:,.0f}", f"{on / off:.2f}", f"{spread:.0%}"]


def best_of(device: Device, database: str, path: Path, rows: int) -> Result:
    """``REPEATS`` runs each, on and off alternating (on first, then off first, …)."""
    result = Result(rows, [], [])
    for i in range(REPEATS):
        for state in ("on", "off") if i % 2 == 0 else ("off", "on"):
            getattr(result, state).append(measure(device, state, database, path, rows))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.devices")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--databases", nargs="+", default=list(BOTH), choices=BOTH)
    parser.add_argument("--devices", nargs="+", default=list(DEVICES), choices=list(DEVICES))
    args = parser.parse_args()
    table = Table("device", "database", "rows", "rows/s on", "rows/s off", "gain ×", "spread")
    table.title = "speed devices, on and off (create, best of 3)"
    table.caption = "spread: slowest ÷ fastest run of one side, the wider side, − 1; "
    table.caption += "a gain nearer 1 than 1 + spread is within the noise"
    console = Console(width=140)
    load_before = _load()
    with tempfile.TemporaryDirectory() as tmp:
        files: dict[int, Path] = {}
        for name in args.devices:
            device = DEVICES[name]
            rows = device.rows or args.rows
            if rows not in files:
                files[rows] = contacts_file(Path(tmp) / f"contacts-{rows}.csv", rows)
            for database in (d for d in args.databases if d in device.databases):
                cells = best_of(device, database, files[rows], rows).cells()
                table.add_row(name, database, *cells)
                console.print(" · ".join([name, database, *cells]), style="dim")
    console.print(table)
    cores = os.cpu_count()
    console.print(
        f"load average (1, 5, 15 min), {cores} cores: {load_before} before, {_load()} after"
    )


def _load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def _one_from_argv(argv: list[str]) -> None:
    name, state, url, path, rows = argv
    print(json.dumps({"seconds": one(DEVICES[name], state, url, Path(path), int(rows))}))


if __name__ == "__mp_main__":  # the parsing process, started by the forkserver
    switched = DEVICES.get(os.environ.get(OFF, ""))
    if switched is not None and switched.switch_off is gc_unpaced:
        gc_unpaced(None)

if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        _one_from_argv(sys.argv[2:])
    else:
        main()
