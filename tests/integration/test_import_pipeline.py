"""Parsing on a second core (``rolodex.importing.pipeline``): a large contacts file is read
and parsed in a child process and its batches come through a pipe.

The rule is that nobody can tell: the same file gives the same report, the same database,
the same rejected rows and the same journal whether it was parsed in the child or in this
process. A problem in the child (a file that changed since the pre-pass, an error in a row,
the child dying) reaches the parent as the same ``FileError`` an in-process run would raise,
never as a hang, an ``EOFError`` or a traceback; and a child is never left running.
"""

from __future__ import annotations

import collections
import csv
import fcntl
import io
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import termios
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest.mock import PropertyMock, patch

import pytest
from sqlalchemy import select

from rolodex.config import Limits
from rolodex.domain import CustomField, Email, FieldType
from rolodex.errors import FileError
from rolodex.importing import pipeline
from rolodex.importing.contacts import ContactDraft, ContactsKind
from rolodex.importing.engine import run_import
from rolodex.importing.kinds import import_file
from rolodex.importing.options import ImportOptions
from rolodex.importing.reader import CsvSource, RawRow, open_csv
from rolodex.importing.report import ImportReport, RowIssue
from rolodex.services.errorfile import write_error_file
from rolodex.store import imports as records
from rolodex.store.schema import metadata
from rolodex.store.store import Store
from tests.conftest import Cli

ROLODEX = Path(sys.executable).parent / "rolodex"
PARSER_NAME = "rolodex-parser"
BATCH = 100
ROWS = 3000
NEVER = 10**12
HANG_GUARD_SECONDS = 60  # a safety net against a hang, not a measure of speed
FORCE_TERMINAL = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")

HEADER = [
    "email",
    "first_name",
    "last_name",
    "company_id",
    "labels",
    "labels_id",
    "plan",
    "seats",
    "renewal",
    "active",
    "note",
]
NOTE = 'Zoë said "hi" \\ back, ünïcödé ✓'


# -- the file --------------------------------------------------------------------------------


def good(n: int) -> list[str]:
    return [
        f"person{n}@example.com",
        f"First{n}",
        f"Lästname{n}",
        "1" if n % 2 else "2",
        "Trial:VIP" if n % 3 else "Früh",
        "1",
        "pro" if n % 2 else "basic",
        f"{n % 50}.50",
        "2024-03-31",
        "yes" if n % 2 else "false",
        f"{NOTE} {n}",
    ]


def _another_label(labels: str) -> str:
    """A label the row does not carry yet, so a later row for its email changes it."""
    return "VIP" if "Früh" in labels else "Früh"


def baseline_row(n: int) -> list[str]:
    """A contact stored before the import (rows of kind 11 and 12 meet it again)."""
    return [f"base{n}@example.com", f"Base{n}", "", "1", "Trial", "", "basic", "3", "", "", ""]


def contacts_row(n: int) -> list[str] | None:
    """Row ``n`` of the big file (``None``: a blank line). One kind of row per ``n % 40``."""
    kind = n % 40
    row = good(n)
    if kind == 1:
        row[0] = f"not-an-email-{n}"
    elif kind == 2:
        row[4] = f"Nope{n % 3}"  # unknown label
    elif kind == 3:
        row[5] = "999"  # unknown label id
    elif kind == 4:
        row[3] = "999"  # unknown company
    elif kind == 5:
        row[2] = "Bad\x07Name"  # a control character
    elif kind == 6:
        row = row[:-2]  # wrong number of fields
    elif kind == 7:
        row = good(n - 7)  # the same email again, a few rows later: mostly the same batch
        row[1], row[4] = "", _another_label(row[4])  # merges: empty keeps, labels add
    elif kind == 8 and n >= 1000:
        row = good(n - 1008)  # the same email again, in another batch, upper case:
        row[0] = row[0].upper()  # it repeats what rows n-1008 and n-1001 gave: unchanged
        row[2], row[7], row[4] = "", "", _another_label(row[4])
    elif kind == 9:
        row[1] = row[2] = ""  # no names: NULL
        row[4] = row[5] = row[10] = ""
    elif kind == 10:
        row[7] = "1,5"  # not a number
    elif kind == 11:
        row = baseline_row(n)  # as stored: unchanged
    elif kind == 12:
        row = baseline_row(n)  # stored, now changed
        row[2], row[4], row[10] = "Updated", "VIP", f"{NOTE} 'quoted'"
    elif kind == 13:
        return None  # a blank line: skipped, but it still counts for the row numbers
    elif kind == 14:
        row[4] = "trial"  # a label differing in case only
    elif kind == 15:
        row[3] = "abc"  # a malformed company id
    elif kind == 16:
        row[0] = f"  MiXeD{n}@Example.COM "  # spaces and case: stored trimmed, keyed lower
    elif kind == 17:
        row[8] = "2024-02-30"  # not a real date
    elif kind == 18:
        row[6] = "Pro"  # a select option in the wrong case
    return row


def write_rows(path: Path, header: list[str], rows: Iterator[list[str] | None]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            if row is None:
                out.write("\n")
            else:
                writer.writerow(row)
    return path


def contacts_file(path: Path, rows: int = ROWS) -> Path:
    return write_rows(path, HEADER, (contacts_row(n) for n in range(rows)))


# -- databases ---------------------------------------------------------------------------------


def add_catalog(cli: Cli) -> None:
    """Labels (1 Trial, 2 VIP, 3 Früh), companies 1 and 2, a custom field of each type."""
    for args in (
        ("labels", "add", "Trial", "VIP", "Früh"),
        ("companies", "add", "Acme"),
        ("companies", "add", "Globex"),
        ("fields", "add", "plan", "--type", "select", "--options", "basic,pro"),
        ("fields", "add", "seats", "--type", "number"),
        ("fields", "add", "renewal", "--type", "date"),
        ("fields", "add", "active", "--type", "boolean"),
        ("fields", "add", "note", "--type", "text"),
    ):
        done = cli(*args)
        assert done.exit_code == 0, done.stderr


def prepare(url: str, tmp_path: Path) -> None:
    """Labels (1 Trial, 2 VIP, 3 Früh), companies 1 and 2, five custom fields, and the
    contacts the import will meet again — the same in every database."""
    cli = Cli(url)
    add_catalog(cli)
    baseline = write_rows(
        tmp_path / "baseline.csv",
        HEADER,
        (baseline_row(n) for n in range(ROWS) if n % 40 in (11, 12)),
    )
    result = cli("import", "contacts", baseline, "--json")
    assert result.exit_code == 0, result.stdout + result.stderr


VOLATILE = {"pid", "host", "heartbeat_at", "started_at", "finished_at"}


def dump(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every table, the import's own record, rejects, errors and journal included, row by
    row in primary-key order; only times and the process that ran it left out."""
    store = Store.open(url)
    tables: dict[str, list[dict[str, Any]]] = {}
    try:
        with store.read() as conn:
            for table in metadata.sorted_tables:
                rows = conn.execute(select(table).order_by(*table.primary_key.columns))
                tables[table.name] = [
                    {
                        k: v
                        for k, v in row._mapping.items()
                        if k not in VOLATILE and not k.endswith("_at")
                    }
                    for row in rows
                ]
    finally:
        store.close()
    return tables


def error_file(url: str, import_id: int) -> str:
    """The rejected rows as ``--errors`` writes them."""
    store = Store.open(url)
    try:
        with store.read() as conn:
            record = records.record(conn, import_id)
            assert record is not None
            out = io.StringIO()
            write_error_file(out, record.header, records.rejects(conn, import_id))
            return out.getvalue()
    finally:
        store.close()


def stored_errors(url: str, import_id: int) -> list[dict[str, Any]]:
    store = Store.open(url)
    try:
        with store.read() as conn:
            return records.errors(conn, import_id, limit=NEVER)
    finally:
        store.close()


# -- watching the child ------------------------------------------------------------------------


class SpyContext:
    """The real start context, remembering the processes and pipes it made."""

    def __init__(self, real: Any):
        self.real = real
        self.processes: list[Any] = []
        self.receivers: list[Any] = []

    def Pipe(self, duplex: bool = True) -> Any:
        receiver, sender = self.real.Pipe(duplex=duplex)
        self.receivers.append(receiver)
        return receiver, sender

    def Process(self, *args: Any, **kwargs: Any) -> Any:
        process = self.real.Process(*args, **kwargs)
        self.processes.append(process)
        return process

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Iterator[SpyContext]:
    """Child processes are started even on a one-core machine, and watched; any a failed
    test leaves behind is ended, so that it cannot fail the next test."""
    context = SpyContext(pipeline.start_context())
    monkeypatch.setattr(pipeline, "available_cpus", lambda: 2)
    monkeypatch.setattr(pipeline, "start_context", lambda: context)
    yield context
    for process in context.processes:
        if process.is_alive():
            process.kill()
        process.join()


def live_parsers() -> list[Any]:
    return [p for p in multiprocessing.active_children() if p.name == PARSER_NAME]


@contextmanager
def hang_guard(seconds: int = HANG_GUARD_SECONDS) -> Iterator[None]:
    """Turn a hang into a failure (SIGALRM); never fires when all goes well."""

    def fire(signum: int, frame: Any) -> None:
        raise TimeoutError(f"still waiting after {seconds} s: the parent hangs")

    old = signal.signal(signal.SIGALRM, fire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# -- parsers the child runs (module level: the child imports them by name) ---------------------


def fake_unit() -> Any:
    """The unit ``prepare`` needs: the custom fields, as ``prepare`` created them."""

    class Unit:
        @staticmethod
        def custom_fields() -> list[CustomField]:
            return [
                CustomField(1, "plan", "plan", FieldType.SELECT, ("basic", "pro")),
                CustomField(2, "seats", "seats", FieldType.NUMBER),
                CustomField(3, "renewal", "renewal", FieldType.DATE),
                CustomField(4, "active", "active", FieldType.BOOLEAN),
                CustomField(5, "note", "note", FieldType.TEXT),
            ]

    return Unit()


def prepared(kind: ContactsKind, source: CsvSource) -> ContactsKind:
    kind.prepare(source.header, fake_unit())
    return kind


class RowByRowKind(ContactsKind):
    """Parses a batch one row at a time, so that its ``parse`` meets every row."""

    def parse_batch(self, raws: list[RawRow]) -> list[ContactDraft]:
        return [self.parse(raw) for raw in raws]


class RefusingKind(RowByRowKind):
    """Raises a ``FileError`` naming a row and a column when it meets row ``at``."""

    def __init__(self, options: ImportOptions, at: int):
        super().__init__(options)
        self.at = at

    def parse(self, raw: RawRow) -> ContactDraft:
        if raw.row == self.at:
            raise FileError(f"Row {raw.row}: refused on purpose", row=raw.row, column="email")
        return super().parse(raw)


class DyingKind(RowByRowKind):
    """Kills its own process (SIGKILL: nothing runs after it) when it meets row ``at`` in a
    child process; in the test process it would be the test that died, so it refuses."""

    def __init__(self, options: ImportOptions, at: int):
        super().__init__(options)
        self.at = at

    def parse(self, raw: RawRow) -> ContactDraft:
        if raw.row == self.at:
            assert multiprocessing.parent_process() is not None, "not in a child process"
            os.kill(os.getpid(), signal.SIGKILL)
        return super().parse(raw)


# -- a. the same import either way -------------------------------------------------------------


def import_once(url: str, path: Path, parse_in_child_from: int, **flags: bool) -> ImportReport:
    store = Store.open(url)
    try:
        options = ImportOptions(batch_size=BATCH, parse_in_child_from=parse_in_child_from, **flags)
        return import_file("contacts", path, store, options)
    finally:
        store.close()


def test_an_import_parsed_in_the_child_equals_one_parsed_in_process(
    db_url, reference_url, tmp_path, spy
):
    path = contacts_file(tmp_path / "contacts.csv")
    for url in (db_url, reference_url):
        prepare(url, tmp_path)

    in_child = import_once(db_url, path, parse_in_child_from=0)
    assert len(spy.processes) == 1, "the first run was parsed in a child"
    in_process = import_once(reference_url, path, parse_in_child_from=NEVER)
    assert len(spy.processes) == 1, "the second run was parsed in this process"
    assert spy.processes[0].exitcode == 0
    assert live_parsers() == []

    # The same report (the run's id too: both are the second import of a fresh database).
    assert in_child.as_dict() == in_process.as_dict()
    assert in_child.errors_total == in_process.errors_total
    # …and the right one, so that two equally wrong runs cannot pass.
    report = in_child.as_dict()
    blank = ROWS // 40
    baseline = 2 * ROWS // 40
    rejected = {1, 2, 3, 4, 5, 6, 10, 14, 15, 17, 18}
    assert report["rows"] == ROWS - blank
    assert report["failed"] == sum(1 for n in range(ROWS) if n % 40 in rejected)
    again = sum(1 for n in range(ROWS) if n % 40 == 8 and n >= 1000)
    assert report["unchanged"] == baseline // 2 + again
    assert report["updated"] == sum(1 for n in range(ROWS) if n % 40 in (7, 12))
    assert report["created"] + report["updated"] + report["unchanged"] + report["failed"] == (
        ROWS - blank
    )
    codes = {e["code"] for e in stored_errors(db_url, in_child.id)}
    assert codes == {
        "invalid-email",
        "unknown-label",
        "unknown-label-id",
        "unknown-company",
        "control-character",
        "wrong-field-count",
        "invalid-number",
        "invalid-id",
        "invalid-date",
        "invalid-option",
    }

    # The same database: contacts, labels, custom values, the import record, its rejected
    # rows and errors (in the same order), and its undo journal.
    child_dump, process_dump = dump(db_url), dump(reference_url)
    assert child_dump == process_dump
    assert len(child_dump["import_rejects"]) == report["failed"]
    # Each contact the import created or changed is journaled once, the others not at all.
    journal = child_dump["import_journal"]
    journaled = {(e["entity"], e["key"]) for e in journal if e["import_id"] == in_child.id}
    unchanged = {f"base{n}@example.com" for n in range(ROWS) if n % 40 == 11}
    contacts = {c["email_key"] for c in child_dump["contacts"]}
    assert journaled == {("contact", key) for key in contacts - unchanged}
    assert error_file(db_url, in_child.id) == error_file(reference_url, in_process.id)


# -- b. parsed_batches itself ------------------------------------------------------------------


def pairs(batch: pipeline.ParsedBatch) -> list[tuple[RawRow, Any]]:
    """Each row as read beside its draft."""
    rows = batch.rows()
    assert len(rows) == len(batch.drafts) == len(batch)
    return list(zip(rows, batch.drafts, strict=True))


def same_parsed(left: list[pipeline.ParsedBatch], right: list[pipeline.ParsedBatch]) -> None:
    """Equal, and of the same types: a packed tuple equals a named tuple, so compare types."""
    assert [pairs(batch) for batch in left] == [pairs(batch) for batch in right]
    for batch_l, batch_r in zip(left, right, strict=True):
        for (raw_l, parsed_l), (raw_r, parsed_r) in zip(
            pairs(batch_l), pairs(batch_r), strict=True
        ):
            assert type(raw_l) is type(raw_r) is RawRow
            assert type(parsed_l) is type(parsed_r) is ContactDraft
            assert all(type(i) is RowIssue for i in parsed_l.issues + parsed_r.issues)
            assert parsed_l.email is None or type(parsed_l.email) is Email
            assert parsed_r.email is None or type(parsed_r.email) is Email


@pytest.mark.parametrize("skip", [0, 1, 250, 2899, 2925, 5000])
def test_parsed_batches_in_the_child_equal_those_parsed_in_process(tmp_path, spy, skip):
    source = open_csv(contacts_file(tmp_path / "contacts.csv"), Limits())
    kind = prepared(ContactsKind(ImportOptions()), source)
    with hang_guard():
        in_child = list(pipeline.parsed_batches(source, kind, BATCH, skip, in_child=True))
    in_process = list(pipeline.parsed_batches(source, kind, BATCH, skip, in_child=False))

    assert len(spy.processes) == 1 and spy.processes[0].exitcode == 0
    assert live_parsers() == []
    same_parsed(in_child, in_process)
    rows = [raw for batch in in_process for raw in batch.rows()]
    assert len(rows) == max(0, source.rows_total - skip)
    assert all(len(batch) == BATCH for batch in in_process[:-1])
    if len(rows) > 40:
        # skip counts rows as read (blank lines are not rows), so a resumed run goes on
        # exactly where the previous one stopped.
        everything = [
            raw for batch in pipeline._parse(source, kind, BATCH, 0) for raw in batch.rows()
        ]
        assert rows == everything[skip:]
        parsed = [p for batch in in_process for p in batch.drafts]
        assert any(p.issues for p in parsed) and any(not p.issues for p in parsed)


def test_a_draft_packs_and_unpacks_to_itself(tmp_path):
    source = open_csv(contacts_file(tmp_path / "contacts.csv", rows=200), Limits())
    kind = prepared(ContactsKind(ImportOptions()), source)
    for raw in source.rows():
        parsed = kind.parse(raw)
        packed = kind.pack(parsed)
        assert kind.unpack(packed) == parsed
        unpacked = kind.unpack(packed)
        assert type(unpacked) is type(parsed)
        assert type(packed) is tuple and type(packed[1]) in (tuple, type(None))
        assert unpacked.email is None or type(unpacked.email) is Email


# -- c. errors in the child reach the parent as they are ---------------------------------------


def collect(source: CsvSource, kind: ContactsKind, in_child: bool) -> tuple[list[Any], FileError]:
    """The batches before the error, and the error."""
    batches: list[Any] = []
    with pytest.raises(FileError) as caught, hang_guard():
        for batch in pipeline.parsed_batches(source, kind, BATCH, 0, in_child=in_child):
            batches.append(batch)
    return batches, caught.value


def same_error(left: FileError, right: FileError) -> None:
    assert type(left) is type(right) is FileError
    assert (left.message, left.row, left.column) == (right.message, right.row, right.column)


def good_lines(count: int) -> list[str]:
    return [f"person{n}@example.com,First{n},Last{n}" for n in range(count)]


@pytest.mark.parametrize(
    ("tail", "row", "start"),
    [
        pytest.param(
            b'"unclosed@example.com,Never,Closed\nmore@example.com,A,B\n',
            452,
            "Row 452: a quote opens a value that is never closed",
            id="unterminated-quote",
        ),
        pytest.param(
            b'"text"after@example.com,A,B\n',
            452,
            "Row 452: a quoted value is followed by other characters",
            id="text-after-quote",
        ),
        pytest.param(
            b"caf\xe9@example.com,Caf\xe9,Bar\n",
            None,
            "The file ",
            id="invalid-utf8",
        ),
    ],
)
def test_a_file_changed_after_the_pre_pass_fails_alike_in_the_child(
    tmp_path, spy, tail, row, start
):
    path = tmp_path / "contacts.csv"
    path.write_text("email,first_name,last_name\n" + "\n".join(good_lines(3000)) + "\n")
    source = open_csv(path, Limits())
    assert source.encoding == "utf-8"
    # Rewritten after the pre-pass: 450 good rows, then something the pre-pass would refuse.
    body = ("email,first_name,last_name\n" + "\n".join(good_lines(450)) + "\n").encode()
    rest = "\n".join(good_lines(3000)[450:]).encode()
    path.write_bytes(body + tail + rest)
    kind = prepared(ContactsKind(ImportOptions()), source)

    child_batches, child_error = collect(source, kind, in_child=True)
    process_batches, process_error = collect(source, kind, in_child=False)

    assert len(spy.processes) == 1 and spy.processes[0].exitcode == 0
    same_error(child_error, process_error)
    assert child_error.message.startswith(start), child_error.message
    assert child_error.row == row
    same_parsed(child_batches, process_batches)
    if row is not None:
        assert len(child_batches) == 4  # rows 2…401: the four whole batches before row 452
    if start == "The file ":
        assert "changed while it was being imported" in child_error.message


def test_a_file_error_raised_by_the_parser_in_the_child_keeps_its_row_and_column(tmp_path, spy):
    source = open_csv(contacts_file(tmp_path / "contacts.csv"), Limits())
    kind = prepared(RefusingKind(ImportOptions(), at=777), source)

    child_batches, child_error = collect(source, kind, in_child=True)
    process_batches, process_error = collect(source, kind, in_child=False)

    assert len(spy.processes) == 1 and spy.processes[0].exitcode == 0
    same_error(child_error, process_error)
    assert (child_error.message, child_error.row, child_error.column) == (
        "Row 777: refused on purpose",
        777,
        "email",
    )
    same_parsed(child_batches, process_batches)


# -- d. the child dies, or the parent stops early ----------------------------------------------


KILLED_MESSAGE = "Reading the file stopped unexpectedly (its reading process ended)"


def test_a_child_that_dies_between_batches_is_a_file_error(tmp_path, spy):
    source = open_csv(contacts_file(tmp_path / "contacts.csv"), Limits())
    kind = prepared(DyingKind(ImportOptions(), at=1500), source)

    batches, error = collect(source, kind, in_child=True)

    assert error.message.startswith(KILLED_MESSAGE), error.message
    [child] = spy.processes
    assert child.exitcode == -signal.SIGKILL
    assert live_parsers() == []
    # Every batch parsed before the death came through whole.
    expected = [
        batch
        for batch in pipeline._parse(
            source, prepared(ContactsKind(ImportOptions()), source), BATCH, 0
        )
        if batch.rows()[-1].row < 1500
    ]
    same_parsed(batches, expected)


def pipe_bytes(receiver: Any) -> int:
    """Bytes waiting in the pipe (Linux: FIONREAD)."""
    return int.from_bytes(
        fcntl.ioctl(receiver.fileno(), termios.FIONREAD, b"\0\0\0\0"), sys.byteorder
    )


def wait_until_blocked_sending(receiver: Any, child: Any) -> None:
    """Wait until the child sleeps with data in the pipe: it is blocked sending, the pipe
    full (parsing never sleeps). With batches larger than the pipe, that is part-way
    through sending one."""
    with hang_guard():
        while True:
            assert child.is_alive()
            state = Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            if state == "S" and pipe_bytes(receiver) > 0:
                return
            os.sched_yield()


LINUX_ONLY = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="watches the child through /proc (Linux)"
)

BIG_BATCH = 1000
"""Rows per batch in the tests that stop the child while it waits: one batch pickles to
several times the 64 KiB a pipe holds, so the child is always caught part-way through one."""


@LINUX_ONLY
def test_a_child_killed_while_sending_a_batch_is_a_file_error(tmp_path, spy):
    source = open_csv(contacts_file(tmp_path / "contacts.csv", rows=10_000), Limits())
    kind = prepared(ContactsKind(ImportOptions()), source)
    batches = pipeline.parsed_batches(source, kind, BIG_BATCH, 0, in_child=True)
    try:
        first = next(batches)
        same_parsed([first], [next(pipeline._parse(source, kind, BIG_BATCH, 0))])
        [child], [receiver] = spy.processes, spy.receivers
        assert live_parsers() == [child]
        wait_until_blocked_sending(receiver, child)

        os.kill(child.pid, signal.SIGKILL)
        child.join()

        with pytest.raises(FileError) as caught, hang_guard():
            next(batches)
        assert caught.value.message.startswith(KILLED_MESSAGE)
    finally:
        batches.close()
    assert live_parsers() == []


@LINUX_ONLY
@pytest.mark.parametrize("blocked", [False, True], ids=["at-once", "child-blocked-sending"])
def test_closing_the_batches_early_leaves_no_child_running(tmp_path, spy, blocked):
    source = open_csv(contacts_file(tmp_path / "contacts.csv", rows=10_000), Limits())
    kind = prepared(ContactsKind(ImportOptions()), source)
    batches = pipeline.parsed_batches(source, kind, BIG_BATCH, 0, in_child=True)
    next(batches)
    [child], [receiver] = spy.processes, spy.receivers
    assert live_parsers() == [child], "the child has more to send than the pipe holds"
    if blocked:
        wait_until_blocked_sending(receiver, child)

    with hang_guard():
        batches.close()

    assert live_parsers() == []
    assert not child.is_alive()
    assert child.exitcode == 0, "the child ends quietly on the closed pipe, not killed"
    with pytest.raises(ProcessLookupError):
        os.kill(child.pid, 0)


def test_an_import_whose_child_dies_fails_cleanly_keeping_whole_batches(db_url, tmp_path, spy):
    prepare(db_url, tmp_path)
    path = contacts_file(tmp_path / "contacts.csv")
    options = ImportOptions(batch_size=BATCH, parse_in_child_from=0)
    store = Store.open(db_url)
    try:
        with pytest.raises(FileError) as caught, hang_guard():
            run_import(path, DyingKind(options, at=1500), store, options)
        with store.read() as conn:
            [record, _baseline] = records.history(conn)
            contacts = conn.exec_driver_sql("SELECT COUNT(*) FROM contacts").scalar_one()
    finally:
        store.close()
    assert caught.value.message.startswith(KILLED_MESSAGE)
    assert len(spy.processes) == 1 and live_parsers() == []
    assert record.status == "failed"
    # Exactly the batches before the one holding row 1500 were written, each whole.
    rows = [raw.row for raw in open_csv(path, Limits()).rows()]
    done = rows.index(1500) // BATCH * BATCH
    assert done > 0
    assert record.rows_done == done
    assert record.created + record.updated + record.unchanged + record.failed == done
    assert contacts == 2 * ROWS // 40 + record.created


# -- e. a batch written on a thread while the next is planned ---------------------------------


@pytest.mark.parametrize("flags", [{}, {"dry_run": True}, {"strict": True}])
def test_an_import_planned_ahead_equals_one_applied_batch_after_batch(
    db_url, reference_url, tmp_path, monkeypatch, flags
):
    """The first batch names labels, IDs and companies no batch looked up before, so it is
    applied in turn; every later one is planned while the one before is written."""
    path = contacts_file(tmp_path / "contacts.csv")
    for url in (db_url, reference_url):
        prepare(url, tmp_path)
    written_on: list[str] = []
    write = ContactsKind.write

    def spied(self: ContactsKind, *args: Any) -> Any:
        written_on.append(threading.current_thread().name)
        return write(self, *args)

    monkeypatch.setattr(ContactsKind, "write", spied)
    reports = []
    for url, ahead in ((db_url, True), (reference_url, False)):
        with patch.object(Store, "writes_apart", new_callable=PropertyMock, return_value=ahead):
            reports.append(import_once(url, path, parse_in_child_from=0, **flags))
    planned, applied = reports
    threads = collections.Counter(name.split("_")[0] for name in written_on)
    batches = ROWS // BATCH
    assert threads == {"rolodex-writer": batches - 1, "MainThread": batches + 1}

    assert planned.as_dict() == applied.as_dict()
    assert planned.errors_total == applied.errors_total
    assert dump(db_url) == dump(reference_url)
    assert error_file(db_url, planned.id) == error_file(reference_url, applied.id)


# -- f. the console script, above the default threshold ----------------------------------------


def test_the_console_script_imports_a_file_above_the_threshold(tmp_path):
    rows = 25_000
    assert rows >= ImportOptions().parse_in_child_from
    url = f"sqlite:///{tmp_path / 'rolodex.db'}"
    assert Cli(url)("labels", "add", "Trial").exit_code == 0

    def row(n: int) -> list[str]:
        if n % 1000 == 999:
            return [f"bad-address-{n}", f"First{n}", "", ""]
        if n % 1000 == 0:
            return [f"row{n}@example.com", f"First{n}", "", ""]  # no last name, yet
        if n % 1000 == 500:
            return [f"ROW{n - 500}@example.com", "", f"Again{n}", "Trial"]  # an update
        return [f"row{n}@example.com", f"First{n}", f"Last{n}", "Trial" if n % 3 else ""]

    path = write_rows(
        tmp_path / "contacts.csv",
        ["email", "first_name", "last_name", "labels"],
        (row(n) for n in range(rows)),
    )
    env = {k: v for k, v in os.environ.items() if k not in FORCE_TERMINAL}
    env.pop("ROLODEX_DATABASE_URL", None)
    done = subprocess.run(
        [str(ROLODEX), "--db", url, "import", "contacts", str(path), "--json"],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    assert done.stderr == ""
    assert done.returncode == 1, "the bad addresses"
    report = json.loads(done.stdout)
    bad, again = rows // 1000, rows // 1000
    assert {k: report[k] for k in ("rows", "created", "updated", "unchanged", "failed")} == {
        "rows": rows,
        "created": rows - bad - again,
        "updated": again,
        "unchanged": 0,
        "failed": bad,
    }
    [record] = Cli(url).json("imports", "list")
    assert (record["status"], record["rows"]) == ("done", rows)
