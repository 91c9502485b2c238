"""docs/importing.md#import-runs, concurrency: two imports of the same emails at once — one file in
ascending, one in descending order, different names, labels and values — as two real processes, 20
times over (as two threads with their own connections, let go together, and a few times as two real
``rolodex`` processes), on SQLite and PostgreSQL.

Both must finish (SQLite waits for the lock rather than failing with ``database is
locked``; PostgreSQL shows no deadlock and no ``cannot affect row a second time``), with no
duplicate contact, no label lost (labels are only added, so each contact ends with the union),
and each contact's fields all from one of the two files.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from rolodex.importing.kinds import import_file
from rolodex.importing.options import ImportOptions
from rolodex.importing.report import ImportReport
from rolodex.store.store import Store

ROLODEX = Path(sys.executable).parent / "rolodex"
REPETITIONS = 20
PROCESS_REPETITIONS = 3
CONTACTS = 200
FORBIDDEN = (
    "database is locked",
    "deadlock",
    "cannot affect row a second time",
    "Traceback",
    "could not serialize",
)
SIDES = {
    "a": {"labels": {"FromA", "Shared"}, "order": 1},
    "b": {"labels": {"FromB", "Shared"}, "order": -1},
}


def email(repetition: int, n: int) -> str:
    return f"r{repetition:02}-c{n:03}@example.com"


def write_side(folder: Path, repetition: int, side: str) -> Path:
    """The same emails as the other side, in the opposite order, with this side's values.
    Case differs between the sides, so matching is on the key, not the spelling."""
    numbers = sorted(range(CONTACTS), reverse=SIDES[side]["order"] < 0)
    labels = ":".join(sorted(SIDES[side]["labels"]))
    lines = ["email,first_name,last_name,labels,notes"]
    for n in numbers:
        address = email(repetition, n)
        address = address.upper() if side == "b" else address
        lines.append(f"{address},{side}-first-{n},{side}-last-{n},{labels},{side}-note-{n}")
    path = folder / f"{side}-{repetition}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def start(db_url: str) -> subprocess.Popen[str]:
    """``rolodex import contacts -``: the process starts up, then waits for its standard
    input, so two of them can be let go at the same moment (see :func:`release`)."""
    return subprocess.Popen(
        [str(ROLODEX), "--db", db_url, "import", "contacts", "-", "--create-labels", "--json"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


READ_SYSCALL = {"x86_64": "0", "aarch64": "63"}.get(platform.machine())


def reading_stdin(pid: int) -> bool:
    """Whether the process is blocked reading its standard input (Linux only)."""
    try:
        parts = Path(f"/proc/{pid}/syscall").read_text().split()
    except OSError:
        return True  # cannot tell: go on without the start line
    return READ_SYSCALL is None or (parts[:2] == [READ_SYSCALL, "0x0"])


def release(processes: list[subprocess.Popen[str]], contents: list[str]) -> None:
    """Feed each process its file, wait until every one has started up and is reading,
    then close all inputs together, so the imports really run at the same time."""
    for process, content in zip(processes, contents, strict=True):
        assert process.stdin is not None
        process.stdin.write(content)
        process.stdin.flush()
    for _ in range(6000):
        if all(reading_stdin(p.pid) or p.poll() is not None for p in processes):
            break
        time.sleep(0.01)
    for process in processes:
        assert process.stdin is not None
        process.stdin.close()
        process.stdin = None  # closed: communicate() must not flush it again


def run_in_threads(db_url: str, paths: list[Path], batch_size: int) -> list[ImportReport]:
    """Both imports through the core, each on its own store (its own connections), let go
    together by a barrier; an exception of either is returned as it is, for the assertion."""
    barrier = threading.Barrier(len(paths))
    results: list[ImportReport | BaseException | None] = [None] * len(paths)

    def run(index: int) -> None:
        store = Store.open(db_url)
        options = ImportOptions(create_labels=True, batch_size=batch_size)
        try:
            barrier.wait(timeout=60)
            results[index] = import_file("contacts", paths[index], store, options)
        except BaseException as exc:  # reported by the assertion below
            results[index] = exc
        finally:
            store.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(paths))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    problems = [r for r in results if not isinstance(r, ImportReport)]
    assert problems == [], problems
    return [r for r in results if isinstance(r, ImportReport)]


@pytest.mark.slow
def test_two_imports_of_the_same_emails_at_once(cli, db_url, tmp_path):
    assert cli("fields", "add", "notes", "--type", "text").exit_code == 0
    for repetition in range(REPETITIONS):
        paths = [write_side(tmp_path, repetition, side) for side in SIDES]
        batch_size = (CONTACTS, 50, 7)[repetition % 3]  # one batch, or batches interleaving
        for report in run_in_threads(db_url, paths, batch_size):
            assert (report.counts.rows, report.counts.failed, report.exit_code) == (
                CONTACTS,
                0,
                0,
            ), report
    check_everything(cli, range(REPETITIONS))


def test_two_imports_at_once_count_each_contact_created_once(cli, db_url, tmp_path):
    """Each run's report is true: a contact the other run created meanwhile is counted as
    updated, not created, so between them the two runs created each contact once."""
    assert cli("fields", "add", "notes", "--type", "text").exit_code == 0
    for repetition in range(6):
        paths = [write_side(tmp_path, repetition, side) for side in SIDES]
        reports = run_in_threads(db_url, paths, (CONTACTS, 50, 7)[repetition % 3])
        created = [report.counts.created for report in reports]
        assert sum(created) == CONTACTS, (repetition, created)
        for report in reports:
            assert (
                report.counts.created + report.counts.updated + report.counts.unchanged == CONTACTS
            )


@pytest.mark.slow
def test_two_cli_processes_import_the_same_emails_at_once(cli, db_url, tmp_path):
    """The same through the console script, as two admins would run it: the output is what
    they see, and it never shows a lock, a deadlock or a traceback."""
    assert cli("fields", "add", "notes", "--type", "text").exit_code == 0
    for repetition in range(PROCESS_REPETITIONS):
        contents = [write_side(tmp_path, repetition, side).read_text() for side in SIDES]
        processes = [start(db_url) for _ in contents]
        release(processes, contents)
        for process in processes:
            stdout, stderr = process.communicate(timeout=300)
            for text in FORBIDDEN:
                assert text.lower() not in (stdout + stderr).lower(), (repetition, stderr)
            assert process.returncode in (0, 1), (repetition, process.returncode, stderr)
            report = json.loads(stdout)
            assert (report["rows"], report["failed"]) == (CONTACTS, 0), report["errors"][:3]
    check_everything(cli, range(PROCESS_REPETITIONS))


def check_everything(cli, repetitions: range) -> None:
    contacts = cli.json("contacts", "list")
    assert len(contacts) == len(repetitions) * CONTACTS
    for repetition in repetitions:
        check_repetition(contacts, repetition)
    records = cli.json("imports", "list")
    assert len(records) == 2 * len(repetitions)
    assert {record["status"] for record in records} == {"done"}


def check_repetition(everyone: list[dict], repetition: int) -> None:
    prefix = f"r{repetition:02}-"
    contacts = [c for c in everyone if c["email"].lower().startswith(prefix)]
    keys = [c["email"].lower() for c in contacts]
    assert len(keys) == len(set(keys)) == CONTACTS, "a duplicate or a lost contact"
    assert set(keys) == {email(repetition, n) for n in range(CONTACTS)}
    union = set().union(*(side["labels"] for side in SIDES.values()))
    for contact in contacts:
        n = int(contact["email"].lower()[len(prefix) + 1 :].split("@")[0])
        assert set(contact["labels"]) == union, contact
        sides = {
            contact["first_name"].split("-")[0],
            contact["last_name"].split("-")[0],
            contact["custom_fields"]["notes"].split("-")[0],
        }
        assert len(sides) == 1, f"fields from both files: {contact}"
        side = sides.pop()
        assert contact["first_name"] == f"{side}-first-{n}"
        assert contact["last_name"] == f"{side}-last-{n}"
        assert contact["custom_fields"]["notes"] == f"{side}-note-{n}"
