"""docs/importing.md#import-runs, faults: an import of a 200k-row file killed part-way (SIGKILL: no
handler runs, as when a server is cut off), then run again.

What was committed is whole batches only; the killed run's record reads ``interrupted``, not
``running`` forever; and running the file again ends in exactly the state of a run that was
never interrupted (compared as full dumps: contacts, labels, custom values).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import text

from rolodex.domain import email_key
from rolodex.store import contacts
from rolodex.store.database import make_engine
from rolodex.store.store import Store
from tests.conftest import Cli

ROLODEX = Path(sys.executable).parent / "rolodex"
ROWS = 200_000
BATCH = 2000  # ImportOptions' default batch size, which the CLI uses
KILL_AFTER_ROWS = 10 * BATCH


def is_bad(n: int) -> bool:
    return n % 1000 == 999


def write_file(path: Path) -> Path:
    """Contacts with names, a label on every third and a number on each; one row in a
    thousand has a bad address (rejected rows are part of the run too)."""
    lines = ["email,first_name,last_name,labels,seats"]
    for n in range(ROWS):
        address = f"bad-address-{n}" if is_bad(n) else f"row{n}@example.com"
        lines.append(f"{address},First{n},Last{n},{'Trial' if n % 3 == 0 else ''},{n % 50}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def valid_rows_among_first(count: int) -> int:
    return count - sum(1 for n in range(count) if is_bad(n))


def prepare(url: str) -> Cli:
    cli = Cli(url)
    assert cli("labels", "add", "Trial").exit_code == 0
    assert cli("fields", "add", "seats", "--type", "number").exit_code == 0
    return cli


def start_import(url: str, path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(ROLODEX), "--db", url, "import", "contacts", str(path), "--json"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def query(url: str, statement: str) -> list[tuple[Any, ...]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(statement))]
    finally:
        engine.dispose()


def rows_done(url: str) -> int:
    return int(query(url, "SELECT COALESCE(MAX(rows_done), 0) FROM imports")[0][0])


def dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Everything an import writes, keyed by the email match key, not by generated IDs."""
    return {
        "contacts": query(
            url,
            "SELECT email_key, email, first_name, last_name, company_id, source "
            "FROM contacts ORDER BY email_key",
        ),
        "labels": query(url, "SELECT name FROM labels ORDER BY name"),
        "contact_labels": [(key, name) for key, labels, _ in _sets(url) for name in sorted(labels)],
        "custom_values": [
            (key, name, value)
            for key, _, custom in _sets(url)
            for name, value in sorted(custom.items())
        ],
    }


def _sets(url: str) -> list[tuple[str, list[str], dict[str, str]]]:
    """Each contact's labels and custom values by name, in email key order."""
    store = Store.open(url)
    try:
        with store.read() as conn:
            views = list(contacts.every(conn))
    finally:
        store.close()
    return sorted((email_key(v.email), [name for _, name in v.labels], v.custom) for v in views)


def expected_dump() -> dict[str, list[tuple[Any, ...]]]:
    """The state the file describes, written out by hand."""
    good = [n for n in range(ROWS) if not is_bad(n)]
    by_key = sorted(good, key=lambda n: f"row{n}@example.com")
    return {
        "contacts": [
            (f"row{n}@example.com", f"row{n}@example.com", f"First{n}", f"Last{n}", None, "import")
            for n in by_key
        ],
        "labels": [("Trial",)],
        "contact_labels": [(f"row{n}@example.com", "Trial") for n in by_key if n % 3 == 0],
        "custom_values": [(f"row{n}@example.com", "seats", str(n % 50)) for n in by_key],
    }


def wait_for_committed_batches(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 300
    while rows_done(url) < KILL_AFTER_ROWS:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the import never got going"
        time.sleep(0.05)
    assert process.poll() is None, "the import finished before it could be cut off"


def kill_part_way(url: str, path: Path) -> int:
    """Start the import, SIGKILL it once some batches are committed; the rows committed."""
    process = start_import(url, path)
    try:
        wait_for_committed_batches(url, process)
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()  # reaped: a zombie would still look alive
    assert process.returncode == -signal.SIGKILL
    return rows_done(url)


@pytest.mark.slow
def test_an_import_killed_part_way_then_run_again_ends_as_an_uninterrupted_run(
    cli, db_url, reference_url, tmp_path
):
    path = write_file(tmp_path / "contacts.csv")
    prepare(db_url)
    reference_cli = prepare(reference_url)
    reference = start_import(reference_url, path)  # meanwhile, in its own database

    committed = kill_part_way(db_url, path)

    # Whole batches only: the rows counted as done are exactly the rows written.
    assert committed % BATCH == 0 and KILL_AFTER_ROWS <= committed < ROWS
    contacts = query(db_url, "SELECT COUNT(*) FROM contacts")[0][0]
    assert contacts == valid_rows_among_first(committed)

    # The killed run reads "interrupted", in the list and on its own.
    [killed] = cli.json("imports", "list")
    assert (killed["status"], killed["rows"]) == ("interrupted", committed), killed
    shown = cli.json("imports", "show", str(killed["id"]))
    assert shown["status"] == "interrupted"

    # Running the same file again completes it: what was written counts as unchanged.
    result = cli("import", "contacts", path, "--json")
    again = json.loads(result.stdout)
    assert result.exit_code == 1  # the bad addresses
    assert again["rows"] == ROWS
    assert again["failed"] == ROWS - valid_rows_among_first(ROWS)
    assert again["unchanged"] == contacts
    assert again["created"] == valid_rows_among_first(ROWS) - contacts
    assert again["updated"] == 0

    stdout, stderr = reference.communicate(timeout=600)
    assert reference.returncode == 1, stderr
    assert json.loads(stdout)["created"] == valid_rows_among_first(ROWS)
    final = dump(db_url)
    assert final == dump(reference_url)
    assert final == expected_dump()

    statuses = [(r["status"], r["rows"]) for r in cli.json("imports", "list")]
    assert statuses == [("done", ROWS), ("interrupted", committed)]
    assert [r["status"] for r in reference_cli.json("imports", "list")] == ["done"]


@pytest.mark.slow
@pytest.mark.postgres
def test_connection_lost_mid_import_is_a_clear_error_then_the_rerun_completes(
    postgres_url, tmp_path
):
    """Every connection of the import is cut by the server (pg_terminate_backend) while the
    server stays up: the run stops with one line naming the database, no traceback; what it
    committed is whole batches; its record does not read ``running``; running the file again
    completes it. A real restart, of a private cluster, is in test_postgres_restart.py."""
    url = postgres_url
    with psycopg.connect(url, autocommit=True) as conn:  # the shared per-worker database
        tables = ", ".join(
            t
            for (t,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version'"
            )
        )
        conn.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    cli = prepare(url)
    path = write_file(tmp_path / "contacts.csv")
    process = start_import(url, path)
    try:
        wait_for_committed_batches(url, process)
        with psycopg.connect(url, autocommit=True) as conn:
            cut = conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchall()
        assert cut, "no connection of the import was found"
        stdout, stderr = process.communicate(timeout=300)
    finally:
        process.kill()
        process.wait()
    check_cut_off_then_rerun(url, cli, path, process.returncode, stdout, stderr)


def check_cut_off_then_rerun(
    url: str, cli: Cli, path: Path, returncode: int, stdout: str, stderr: str
) -> None:
    """After an import's connections were lost mid-run (its output and exit code given):
    a clear error and no half batch, or nothing lost; then a re-run completes it."""
    assert "Traceback" not in stdout + stderr
    if returncode == 1:
        # The cut fell between two batches: the pool noticed the dead connection on its next
        # checkout, opened a new one, and the run went on to the end — also nothing lost.
        assert rows_done(url) == ROWS
        assert dump(url) == expected_dump()
        return
    assert returncode == 2, (returncode, stdout, stderr)
    message = stderr.strip().splitlines()
    assert len(message) == 1 and "database" in message[0].lower(), stderr

    committed = rows_done(url)
    assert committed % BATCH == 0 and committed >= KILL_AFTER_ROWS
    contacts = query(url, "SELECT COUNT(*) FROM contacts")[0][0]
    assert contacts == valid_rows_among_first(committed), "a half batch was left behind"
    [record] = cli.json("imports", "list")
    assert record["status"] in ("failed", "interrupted"), record

    result = cli("import", "contacts", path, "--json")
    again = json.loads(result.stdout)
    assert (result.exit_code, again["rows"], again["unchanged"]) == (1, ROWS, contacts)
    assert dump(url) == expected_dump()
