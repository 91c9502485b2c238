"""The store: one object over one database, handed to the engine and the front ends.

It opens transactions (:meth:`Store.unit`) but never decides when to commit an import's
rows — the engine does. Database failures become :class:`StoreError` here, at the
boundary, so front ends never show a driver's traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, update
from sqlalchemy.exc import SQLAlchemyError

from rolodex.errors import StoreError
from rolodex.importing.ports import ACTIVE, ImportMeta, ImportStatus, Reject, RunEnd
from rolodex.importing.report import Counts
from rolodex.runtime import liveness
from rolodex.runtime.iterutil import batched
from rolodex.store import imports as records
from rolodex.store import labelling
from rolodex.store import schema as t
from rolodex.store.database import WRITE, make_engine
from rolodex.store.unit import SqlUnit

WRITE_CHUNK = 2000
ANALYZE_FROM = 10_000
"""New contacts before the first refresh of PostgreSQL's statistics during imports."""
ANALYZED = ("email_key", "label_ids")
"""The columns of ``contacts`` whose statistics imports refresh (:meth:`Store._keep_statistics`)."""


def now() -> datetime:
    return datetime.now(UTC)


def describe(exc: SQLAlchemyError) -> str:
    """The driver's own first line, which says what went wrong without the traceback."""
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]


class Store:
    def __init__(self, engine: Engine):
        self.engine = engine
        self._long_units = 0
        self._analyzed_at = 0
        self._added = 0

    @classmethod
    def open(cls, url: str) -> Store:
        return cls(make_engine(url))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def writes_apart(self) -> bool:
        return self.dialect != "sqlite"

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def unit(self, journal: int | None = None) -> Iterator[SqlUnit]:
        """A write transaction: committed when the block ends, unless rolled back in it.
        With ``journal`` (an import's id), every record written is journaled for undo."""
        try:
            with self.engine.connect().execution_options(**WRITE) as conn:
                unit = SqlUnit(conn, conn.begin(), journal)
                if journal is not None and conn.dialect.name == "postgresql":
                    # An import looks its rows up by key, a few thousand at a time; with
                    # statistics from before the import filled the tables, the planner
                    # would scan the whole table for each batch instead (quadratic).
                    conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
                self._long_units += 1
                try:
                    yield unit
                    if not unit.rolled_back:
                        unit.transaction.commit()
                        self._keep_statistics(conn, unit.contacts_added)
                finally:
                    self._long_units -= 1
        except SQLAlchemyError as exc:
            raise StoreError(f"the database failed: {describe(exc)}") from exc

    def _keep_statistics(self, conn: Any, added: int) -> None:
        """Refresh PostgreSQL's statistics each time imports have doubled the contacts.

        Autovacuum analyzes a table a minute or more after it grew; a bulk import plans
        each batch with what the planner knew before it started (an empty table, say), and
        picks bitmap scans and worse for lookups of a few rows. ANALYZE samples a fixed
        number of rows, so doing it at each doubling costs little over a whole import.

        Only the columns plans depend on are analysed: ``email_key`` (every batch's match
        and upsert) and ``label_ids`` (the contacts list filtered by a label walks the
        primary key when many carry it, and needs to know they do). The names and custom
        values took two thirds of a whole-table ANALYZE's time (0.64 s against 0.22 s at
        100,000 contacts); autovacuum analyses them later."""
        if conn.dialect.name != "postgresql" or not added:
            return
        self._added += added
        if self._added >= max(ANALYZE_FROM, self._analyzed_at):
            conn.exec_driver_sql(f"ANALYZE contacts ({', '.join(ANALYZED)})")
            conn.commit()
            self._analyzed_at, self._added = self._analyzed_at + self._added, 0

    @contextmanager
    def write(self) -> Iterator[Any]:
        """A short transaction for a front end's single change (a label, an import record)."""
        try:
            with self.engine.connect().execution_options(**WRITE) as conn, conn.begin():
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"the database failed: {describe(exc)}") from exc

    @contextmanager
    def read(self) -> Iterator[Any]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"the database failed: {describe(exc)}") from exc

    # -- import records -------------------------------------------------------------

    def start_import(self, meta: ImportMeta) -> int:
        with self.write() as conn:
            return records.new_record(
                conn, meta, ImportStatus.RUNNING, heartbeat_at=now(), **liveness.here()
            )

    def reap_interrupted(self) -> int:
        """Mark as ``interrupted`` the CLI runs that are dead (:func:`liveness.is_dead`:
        heartbeat stopped, machine restarted, or process gone), so none reads ``running``
        forever. A worker's job is the queue's business (``jobs.requeue_orphans``)."""
        with self.write() as conn:
            dead = records.dead_runs(conn, by_worker=False)
            if dead:
                conn.execute(
                    update(t.imports)
                    .where(t.imports.c.id.in_(dead), t.imports.c.status == ImportStatus.RUNNING)
                    .values(status=ImportStatus.INTERRUPTED, finished_at=now())
                )
        return len(dead)

    @staticmethod
    def set_undo_of(conn: Any, undo_id: int, import_id: int) -> None:
        conn.execute(update(t.imports).where(t.imports.c.id == undo_id).values(undo_of=import_id))

    def mark_failed(self, import_id: int) -> None:
        with self.write() as conn:
            conn.execute(
                update(t.imports)
                .where(t.imports.c.id == import_id, t.imports.c.status.in_(ACTIVE))
                .values(status=ImportStatus.FAILED, finished_at=now())
            )

    def beat(self, import_id: int) -> None:
        """Say the run is alive. Best effort, like :meth:`record_progress`, and never
        raises: a missed beat is one of six before the run counts as dead."""
        if self.dialect == "sqlite" and self._long_units:
            return
        try:
            with self.write() as conn:
                records.heartbeat(conn, import_id)
        except StoreError:
            return

    def record_progress(self, import_id: int, rows_done: int) -> None:
        """Best effort: skipped on SQLite while this process holds a long transaction,
        which would otherwise wait for itself."""
        if self.dialect == "sqlite" and self._long_units:
            return
        with self.write() as conn:
            conn.execute(
                update(t.imports)
                .where(t.imports.c.id == import_id)
                .values(rows_done=rows_done, heartbeat_at=now())
            )

    def resume_import(self, import_id: int, meta: ImportMeta, keep: bool) -> Counts:
        with self.write() as conn:
            record = records.record(conn, import_id)
            if record is None:
                raise StoreError(f"there is no import with ID {import_id}")
            counts = record.counts if keep else Counts()
            if not keep:
                records.forget_rejects(conn, import_id)
            conn.execute(
                update(t.imports)
                .where(t.imports.c.id == import_id)
                .values(
                    status=ImportStatus.RUNNING,
                    sha256=meta.sha256,
                    header=list(meta.header),
                    rows_total=meta.rows_total,
                    warnings=list(meta.warnings),
                    heartbeat_at=now(),
                    **liveness.here(),
                    **records.count_values(counts),
                )
            )
        return counts

    def finish_undo(self, undo_id: int, restored: int, removed: int, skipped: int) -> None:
        """An undo run's outcome, in its own words: records restored and removed; those
        left alone (changed since the import) are its ``unchanged``. It creates and
        updates nothing, so those stay 0."""
        touched = restored + removed + skipped
        counts = records.count_values(Counts(rows=touched, unchanged=skipped))
        with self.write() as conn:
            _end_run(conn, undo_id, status=ImportStatus.DONE, rows_total=touched, **counts)
            conn.execute(
                update(t.imports)
                .where(t.imports.c.id == undo_id)
                .values(restored=restored, removed=removed)
            )

    def finish_import(self, import_id: int, end: RunEnd, rejects: Iterator[Reject]) -> None:
        new = dict(end.new) if end.new is not None else None
        counts = records.count_values(end.counts)
        with self.write() as conn:
            _end_run(conn, import_id, status=end.status, warnings=list(end.warnings), **counts)
            conn.execute(update(t.imports).where(t.imports.c.id == import_id).values(new_names=new))
            for batch in batched(rejects, WRITE_CHUNK):
                records.save_rejects(conn, import_id, batch)


def _end_run(conn: Connection, run_id: int, **values: Any) -> None:
    """A run's final record, and PostgreSQL's label tallies folded up (each batch of the run
    appended its own; :func:`rolodex.store.labelling.compact`)."""
    labelling.compact(conn)
    stamped = update(t.imports).where(t.imports.c.id == run_id)
    conn.execute(stamped.values(finished_at=now(), **values))
