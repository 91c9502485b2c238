"""The import pipeline, the same for every kind of record and every front end.

read (:mod:`.reader`) → bind the header (the kind, with :mod:`.columns`) → parse each row into
a draft carrying its issues, in batches (:mod:`.pipeline`, on a second core for a large file) →
resolve and write (the kind, through the store) → report.

Transactions are decided here and only here:

* by default each batch is its own transaction: a crash leaves whole batches, and running
  the same file again completes it (rows already written count as ``unchanged``);
* ``--strict`` and ``--dry-run`` run every batch in one transaction that is rolled back at
  the end (dry run always, strict when a row failed), so a dry run performs every check,
  sees earlier rows of the same file, and reports the same counts as a real run.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, closing, nullcontext
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import IO, Any

from rolodex.errors import StoreError
from rolodex.importing.columns import Binding
from rolodex.importing.options import ImportOptions, Progress
from rolodex.importing.pipeline import ParsedBatch, parsed_batches
from rolodex.importing.ports import (
    BatchOutcome,
    ImportKind,
    ImportMeta,
    ImportStatus,
    ImportStore,
    ImportUnit,
    PlansAhead,
    Reject,
    RowSource,
    RunEnd,
)
from rolodex.importing.report import Counts, ImportReport, IssueCode, NewThings, RowIssue
from rolodex.importing.source import open_source
from rolodex.runtime.gc_tuning import bulk_work
from rolodex.runtime.inflight import InFlight
from rolodex.runtime.liveness import Heartbeat


def run_import(
    path: Path,
    kind: ImportKind[Any, Any],
    store: ImportStore,
    options: ImportOptions,
    progress: Progress | None = None,
    job_id: int | None = None,
) -> ImportReport:
    """Import ``path``; a ``FileError`` means nothing was written and nothing recorded.

    ``job_id`` names a queued run to carry out (or to take up again after its worker died:
    the batches it committed are skipped, their counts kept)."""
    source = open_source(path, options.limits, options.sheet, options.encoding, options.wording)
    with store.unit() as unit:
        binding = kind.prepare(source.header, unit, source.decimal_comma)
    report = ImportReport(
        kind=kind.name,
        dry_run=options.dry_run,
        warnings=list(source.warnings),
        max_errors=options.max_listed_errors,
        columns=binding.report(),
        column_notes=binding.summary(),
        source=source.description,
    )
    meta = describe_run(kind.name, path, source, options, binding)
    if job_id is None:
        run_id, done = store.start_import(meta), Counts()
    else:
        run_id, done = job_id, store.resume_import(job_id, meta, keep=_batch_by_batch(options))
    report.id = run_id
    report.counts = replace(done)
    # A job's worker beats for it already, from before its upload is unpacked.
    alive: AbstractContextManager[object] = (
        Heartbeat(lambda: store.beat(run_id)) if job_id is None else nullcontext()
    )
    with alive:
        return _Run(kind, store, options, report, progress).execute(source, skip=done.rows)


def _batch_by_batch(options: ImportOptions) -> bool:
    """Dry runs and strict runs are one transaction; the others commit batch by batch."""
    return not (options.dry_run or options.strict)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def describe_run(
    kind: str, path: Path, source: RowSource, options: ImportOptions, binding: Binding
) -> ImportMeta:
    """What the import record says of a run of ``path`` before it starts (a job's too)."""
    return ImportMeta(
        kind=kind,
        file_name=options.file_name or path.name,
        sha256=file_sha256(path),
        dry_run=options.dry_run,
        strict=options.strict,
        header=tuple(source.header),
        rows_total=source.rows_total,
        actor=options.actor,
        warnings=tuple(source.warnings),
        options=options.recorded(),
        columns=tuple(binding.report()),
    )


_Write = Callable[[ImportUnit, datetime], BatchOutcome]
"""Writes a batch in a unit: the kind's ``apply`` of its drafts, or its ``write`` of them
planned."""


class _Run:
    """The state of one run: counts so far and the spool of rejected rows.

    Batch by batch, each batch's rows, rejected rows and counts are committed together, so
    a run cut short leaves a record that says exactly how far it got. In one transaction,
    rejected rows wait in a spool file (constant memory) and are recorded at the end.
    """

    def __init__(
        self,
        kind: ImportKind[Any, Any],
        store: ImportStore,
        options: ImportOptions,
        report: ImportReport,
        progress: Progress | None,
    ):
        self.kind, self.store, self.options = kind, store, options
        self.report, self.progress = report, progress
        self.rows_total = 0
        self.rejects: IO[str]

    @property
    def import_id(self) -> int:
        assert self.report.id is not None
        return self.report.id

    def execute(self, source: RowSource, skip: int = 0) -> ImportReport:
        self.rows_total = source.rows_total
        in_child = (
            self.kind.parses_anywhere
            and source.rows_total - skip >= self.options.parse_in_child_from
        )
        batches = parsed_batches(source, self.kind, self.options.batch_size, skip, in_child)
        status = ImportStatus.FAILED
        with (
            closing(batches),
            bulk_work(),
            tempfile.TemporaryFile("w+", encoding="utf-8") as self.rejects,
        ):
            try:
                if _batch_by_batch(self.options):
                    self._batch_by_batch(batches)
                else:
                    self._in_one_transaction(batches)
                status = ImportStatus.DONE
            except KeyboardInterrupt:
                status = ImportStatus.INTERRUPTED
                raise
            finally:
                self._finish(status)
        return self.report

    def _batch_by_batch(self, batches: Iterator[ParsedBatch]) -> None:
        self._each_batch(batches, self._commit)

    def _in_one_transaction(self, batches: Iterator[ParsedBatch]) -> None:
        with self.store.unit(journal=self.import_id) as unit:
            self._each_batch(batches, partial(self._into, unit))
            if self.options.dry_run or self.report.counts.failed:
                unit.rollback()
        if self.options.strict and self.report.counts.failed:
            self._nothing_written()

    def _each_batch(
        self, batches: Iterator[ParsedBatch], keep: Callable[[ParsedBatch, _Write], None]
    ) -> None:
        """Hand each batch to ``keep`` with what writes it. Where the database works in a
        process of its own and the kind plans ahead, a batch is kept on a thread while
        this one receives and plans the next; a batch that needs the store to be planned
        (a name not met yet) waits for the one before and is applied here."""
        planner: PlansAhead | None = None
        if self.store.writes_apart and isinstance(self.kind, PlansAhead):
            planner = self.kind
        settled = True
        with InFlight("rolodex-writer") as writing:
            for batch in batches:
                if not settled:
                    self._written(writing)
                planned = planner.plan(batch.drafts) if planner else None
                self._written(writing)
                if planned is None:
                    keep(batch, partial(self.kind.apply, batch.drafts))
                    self._progress()
                    settled = True
                else:
                    assert planner is not None
                    writing.start(partial(keep, batch, partial(planner.write, planned)))
                    settled = planned.settled
            self._written(writing)

    def _written(self, writing: InFlight) -> None:
        """Wait for the batch being kept, if any, and report the progress it made."""
        if writing.wait():
            self._progress()

    def _commit(self, batch: ParsedBatch, write: _Write) -> None:
        """Batch by batch: a batch, its rejected rows and the run's counts, committed
        together."""
        with self.store.unit(journal=self.import_id) as unit:
            outcome = write(unit, datetime.now(UTC))
            rejects = self._count(batch, outcome)
            unit.save_progress(self.import_id, replace(self.report.counts), rejects)

    def _into(self, unit: ImportUnit, batch: ParsedBatch, write: _Write) -> None:
        """In the run's one transaction: rejected rows wait in the spool."""
        for reject in self._count(batch, write(unit, datetime.now(UTC))):
            self._spool(reject)
        self.store.record_progress(self.import_id, self.report.counts.rows)

    def _count(self, batch: ParsedBatch, outcome: BatchOutcome) -> list[Reject]:
        issues = outcome.issues
        report, counts = self.report, self.report.counts
        counts.rows += len(batch)
        counts.created += outcome.created
        counts.updated += outcome.updated
        counts.unchanged += outcome.unchanged
        counts.failed += len(issues)
        report.new.add(outcome.new)
        rejects = []
        for raw in batch.rows() if issues else ():
            row_issues = issues.get(raw.row)
            if row_issues:
                report.add_issues(row_issues)
                rejects.append(Reject(raw.row, self.kind.redact(raw.values), row_issues))
        return rejects

    def _spool(self, reject: Reject) -> None:
        issues = [[i.column, i.code, i.message] for i in reject.issues]
        line = json.dumps([reject.row, reject.values, issues], ensure_ascii=False)
        self.rejects.write(line + "\n")

    def _nothing_written(self) -> None:
        report = self.report
        rows, failed = report.counts.rows, report.counts.failed
        report.counts = Counts(rows=rows, failed=failed)
        report.new = NewThings()
        held = f", so its {rows - failed} good rows were held back too" if rows - failed else ""
        report.warnings.append(
            f"Nothing was written: this was a strict run (all or nothing) and {failed} "
            f"of {rows} rows failed{held}. Fix the rejected rows and import again."
        )

    def _progress(self) -> None:
        if self.progress:
            self.progress(self.report.counts.rows, self.rows_total)

    def _finish(self, status: ImportStatus) -> None:
        try:
            report = self.report
            end = RunEnd(status, replace(report.counts), report.warnings, report.new.as_dict())
            self.store.finish_import(self.import_id, end, self._spooled())
        except StoreError:
            if status == ImportStatus.DONE:
                raise

    def _spooled(self) -> Iterator[Reject]:
        """The rejected rows, read back from the spool: never all in memory at once."""
        self.rejects.seek(0)
        for line in self.rejects:
            row, values, issues = json.loads(line)
            yield Reject(
                row, values, [RowIssue(row, col, IssueCode(code), msg) for col, code, msg in issues]
            )
