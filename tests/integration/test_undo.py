"""``rolodex imports undo ID [--dry-run] [--force] [--json]`` and ``rolodex imports prune``
(docs/importing.md#undo: every import can be taken back exactly), on SQLite and PostgreSQL.

An undo removes the records the import created and gives the records it changed back their
fields, labels and custom values (users: names, password hash, active flag): the database
after the undo equals the database before the import. Here "equals" is a full dump of every
table — contacts, their labels and custom values, labels, companies, custom fields, users —
but the import bookkeeping, ``updated_at`` aside.

A record changed after the import (a later import, inbound mail) is never overwritten
silently: the undo skips it and reports its email and what changed; ``--force`` restores it
anyway. An undo is itself a recorded run; a second undo changes nothing and says so. An
import killed part-way is undone too. Journals older than the retention are pruned, and an
import whose journal was pruned can no longer be undone.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from rolodex.store import schema as t
from rolodex.store.schema import metadata
from tests import helpers

BOOKKEEPING = {"imports", "import_errors", "import_rejects", "import_uploads", "import_journal"}
WAIT_LIMIT_SECONDS = 120  # a safety net against a hang, not a measure of speed


MOVES_ON = {"updated_at", "auth_epoch"}
"""Columns an undo moves forward, not back: ``auth_epoch`` goes up when an undo restores
an older password, so sessions opened with the imported one end
(docs/api.md#sessions-and-tokens)."""


def dump(store: Any) -> dict[str, list[dict[str, Any]]]:
    """Every table but the import bookkeeping, row by row in primary-key order, without
    the columns that move on: what "the database is as it was" means."""
    tables: dict[str, list[dict[str, Any]]] = {}
    with store.read() as conn:
        for table in metadata.sorted_tables:
            if table.name in BOOKKEEPING:
                continue
            rows = conn.execute(select(table).order_by(*table.primary_key.columns))
            tables[table.name] = [
                {k: v for k, v in row._mapping.items() if k not in MOVES_ON} for row in rows
            ]
    return tables


def run_import(cli: Any, kind: str, path: Path, *flags: str) -> dict[str, Any]:
    """``import KIND FILE --json``: the report (whatever the exit code)."""
    report: dict[str, Any] = helpers.run_import(cli, path, *flags, kind=kind)[1]
    return report


def undo(cli: Any, import_id: int, *flags: str) -> dict[str, Any]:
    """``imports undo ID --json``: it must succeed and print one JSON document."""
    result = cli("imports", "undo", str(import_id), *flags, "--json")
    assert result.exit_code == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def history(cli: Any) -> dict[int, dict[str, Any]]:
    return {run["id"]: run for run in cli.json("imports", "list")}


def contact(cli: Any, email: str) -> Any:
    return cli.json("contacts", "show", email)


# -- what is there before the import being undone ----------------------------------------------

BASELINE_CONTACTS = (
    "email,first_name,last_name,company_id,labels,plan,seats\n"
    "ann@example.com,Ann,Old,1,Marketing,basic,5\n"
    "bob@example.com,,,,,,\n"
    "cleo@example.com,Cleo,Stone,2,Trial:VIP,pro,\n"
)
BASELINE_USERS = (
    "email,first_name,last_name,password,active\n"
    "ada@example.com,Ada,Agent,ada-secret,true\n"
    "gil@example.com,Gil,Gone,gil-secret,false\n"
)


@pytest.fixture
def baseline(cli: Any, write_csv: Any) -> None:
    """Labels, two companies (IDs 1 and 2), two custom fields, three contacts, an admin and
    two agents — all written before the import a test takes back."""
    for args in (
        ("labels", "add", "Marketing", "Trial", "VIP"),
        ("companies", "add", "Acme"),
        ("companies", "add", "Globex"),
        ("fields", "add", "plan", "--type", "select", "--options", "basic,pro"),
        ("fields", "add", "seats", "--type", "number"),
    ):
        assert cli(*args).exit_code == 0
    assert cli("users", "create-admin", "boss@example.com", stdin="boss-secret\n").exit_code == 0
    contacts = run_import(cli, "contacts", write_csv(BASELINE_CONTACTS, "baseline.csv"))
    users = run_import(cli, "users", write_csv(BASELINE_USERS, "agents.csv"))
    assert (contacts["created"], contacts["failed"]) == (3, 0)
    assert (users["created"], users["failed"]) == (2, 0)


# -- import, undo: the database as it was ---------------------------------------------------------


@dataclass(frozen=True)
class Case:
    content: str
    restored: int
    removed: int
    flags: tuple[str, ...] = ()


CONTACT_IMPORTS = {
    "only creates": Case(
        "email,first_name,last_name,company_id,labels,plan,seats\n"
        "new1@example.com,New,One,1,Trial:VIP,pro,3\n"
        "new2@example.com,,,,,,\n",
        restored=0,
        removed=2,
    ),
    "names changed and filled": Case(
        "email,first_name,last_name\nann@example.com,Anna,Newname\nbob@example.com,Bob,\n",
        restored=2,
        removed=0,
    ),
    "company changed and set": Case(
        "email,company_id\nann@example.com,2\nbob@example.com,1\n", restored=2, removed=0
    ),
    "labels added": Case(
        "email,labels\nann@example.com,Trial:VIP\nbob@example.com,Marketing\n",
        restored=2,
        removed=0,
    ),
    "custom values set and replaced": Case(
        "email,plan,seats\nann@example.com,pro,12\nbob@example.com,basic,\n",
        restored=2,
        removed=0,
    ),
    "creates, updates and failing rows": Case(
        "email,first_name,company_id,labels\n"
        "new@example.com,New,,\n"
        "ann@example.com,Anna,,Trial\n"
        "not-an-email,Nobody,,\n"
        "bob@example.com,Bob,99,\n"
        "cleo@example.com,Cleo,,Nope\n",
        restored=1,
        removed=1,
    ),
    "the same email twice in one file": Case(
        "email,first_name,labels\n"
        "new@example.com,First,\n"
        "NEW@example.com,Second,Trial\n"
        "ann@example.com,Anna,\n"
        "ann@example.com,Annie,VIP\n",
        restored=1,
        removed=1,
    ),
    "labels created by --create-labels": Case(
        "email,labels\nann@example.com,Brand-new\nnew@example.com,Brand-new:Other\n",
        restored=1,
        removed=1,
        flags=("--create-labels",),
    ),
    "a file that changes nothing": Case(BASELINE_CONTACTS, restored=0, removed=0),
}


@pytest.mark.parametrize("case", CONTACT_IMPORTS.values(), ids=CONTACT_IMPORTS.keys())
def test_undo_of_a_contacts_import_leaves_the_database_as_before(
    cli, store, baseline, write_csv, case
):
    before = dump(store)
    imported = run_import(cli, "contacts", write_csv(case.content), *case.flags)
    assert (dump(store) != before) == bool(case.restored or case.removed)

    undone = undo(cli, imported["id"])

    assert undone["skipped"] == []
    assert (undone["restored"], undone["removed"]) == (case.restored, case.removed)
    assert dump(store) == before


def test_undo_of_a_users_import_removes_new_users_and_restores_hashes_and_active_flags(
    cli, store, baseline, write_csv
):
    before = dump(store)
    imported = run_import(
        cli,
        "users",
        write_csv(
            "email,first_name,last_name,password,active\n"
            "ada@example.com,,Lovelace,ada-new-secret,false\n"
            "gil@example.com,,,,true\n"
            "boss@example.com,Big,,,\n"
            "neo@example.com,Neo,New,neo-secret,\n"
        ),
    )
    assert (imported["created"], imported["updated"], imported["failed"]) == (1, 3, 0)

    undone = undo(cli, imported["id"])

    assert (undone["restored"], undone["removed"], undone["skipped"]) == (3, 1, [])
    assert dump(store) == before
    assert cli("users", "verify", "ada@example.com", stdin="ada-secret\n").exit_code == 0
    assert cli("users", "verify", "ada@example.com", stdin="ada-new-secret\n").exit_code != 0
    assert cli("users", "show", "neo@example.com").exit_code == 1


# -- a record changed since the import -------------------------------------------------------------

# The import taken back: it changes Ann's company (1 → 2) and creates Dora without names.
IMPORT_A = "email,company_id\nann@example.com,2\ndora@example.com,1\n"


def later_import(content: str):  # type: ignore[no-untyped-def]
    def change(cli: Any, tmp_path: Path) -> None:
        path = tmp_path / "later.csv"
        path.write_text(content, encoding="utf-8")
        report = run_import(cli, "contacts", path)
        assert (report["updated"], report["failed"]) == (1, 0)

    return change


def inbound_mail(sender: str):  # type: ignore[no-untyped-def]
    def change(cli: Any, tmp_path: Path) -> None:
        path = tmp_path / "message.eml"
        path.write_bytes(
            f"From: {sender}\r\nTo: support@acme.example\r\nSubject: hi\r\n\r\nHello.\r\n".encode()
        )
        result = cli("mail", "ingest", path)
        assert result.exit_code == 0, result.stderr

    return change


@dataclass(frozen=True)
class Later:
    change: Any
    email: str
    changed: list[str]
    restored: int  # of the other record the import wrote
    removed: int


LATER_CHANGES = {
    "a later import changed a name": Later(
        later_import("email,last_name\nann@example.com,Later\n"),
        "ann@example.com",
        ["last_name"],
        0,
        1,
    ),
    "a later import changed the company": Later(
        later_import("email,company_id\nann@example.com,1\n"),
        "ann@example.com",
        ["company_id"],
        0,
        1,
    ),
    "a later import added a label": Later(
        later_import("email,labels\nann@example.com,VIP\n"), "ann@example.com", ["labels"], 0, 1
    ),
    "a later import set a custom value": Later(
        later_import("email,plan\nann@example.com,pro\n"), "ann@example.com", ["plan"], 0, 1
    ),
    "inbound mail filled the empty names": Later(
        inbound_mail("Dora Explorer <dora@example.com>"),
        "dora@example.com",
        ["first_name", "last_name"],
        1,
        0,
    ),
}


@pytest.fixture(autouse=True)
def no_mailbox_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ROLODEX_MAILBOX_ADDRESSES", raising=False)
    monkeypatch.delenv("ROLODEX_JOURNAL_DAYS", raising=False)


@pytest.mark.parametrize("later", LATER_CHANGES.values(), ids=LATER_CHANGES.keys())
def test_a_record_changed_since_the_import_is_skipped_and_reported(
    cli, store, baseline, write_csv, tmp_path, later
):
    imported = run_import(cli, "contacts", write_csv(IMPORT_A))
    later.change(cli, tmp_path)
    as_changed = contact(cli, later.email)

    undone = undo(cli, imported["id"])

    assert undone["skipped"] == [{"email": later.email, "changed": later.changed, "reason": None}]
    assert (undone["restored"], undone["removed"]) == (later.restored, later.removed)
    assert contact(cli, later.email) == as_changed
    other = "dora@example.com" if later.email == "ann@example.com" else "ann@example.com"
    if other == "ann@example.com":
        assert contact(cli, other)["company_id"] == 1
    else:
        assert cli("contacts", "show", other).exit_code == 1


def test_the_text_report_names_each_skipped_record_and_what_changed(
    cli, baseline, write_csv, tmp_path
):
    imported = run_import(cli, "contacts", write_csv(IMPORT_A))
    later_import("email,first_name,last_name\nann@example.com,Anna,Later\n")(cli, tmp_path)

    result = cli("imports", "undo", str(imported["id"]))

    assert result.exit_code == 0, result.stderr
    assert "0 records were restored, 1 removed, 1 skipped" in result.stdout
    assert "skipped ann@example.com: changed since: first_name, last_name" in result.stdout
    assert "--force" in result.stdout


@pytest.mark.parametrize("later", LATER_CHANGES.values(), ids=LATER_CHANGES.keys())
def test_force_restores_a_record_changed_since_the_import(
    cli, store, baseline, write_csv, tmp_path, later
):
    before = dump(store)
    imported = run_import(cli, "contacts", write_csv(IMPORT_A))
    later.change(cli, tmp_path)

    undone = undo(cli, imported["id"], "--force")

    assert undone["skipped"] == []
    assert (undone["restored"], undone["removed"]) == (1, 1)
    assert dump(store) == before


def test_force_after_an_undo_that_skipped_records_restores_them(
    cli, store, baseline, write_csv, tmp_path
):
    """The first undo says "Use --force to restore those too."; doing so must work."""
    before = dump(store)
    imported = run_import(cli, "contacts", write_csv(IMPORT_A))
    later_import("email,last_name\nann@example.com,Later\n")(cli, tmp_path)
    first = undo(cli, imported["id"])
    assert [s["email"] for s in first["skipped"]] == ["ann@example.com"]

    forced = undo(cli, imported["id"], "--force")

    assert (forced["restored"], forced["removed"], forced["skipped"]) == (1, 0, [])
    assert dump(store) == before


def test_undoing_the_later_import_then_the_earlier_one_restores_both(
    cli, store, baseline, write_csv, tmp_path
):
    before = dump(store)
    earlier = run_import(cli, "contacts", write_csv(IMPORT_A))
    later = run_import(
        cli, "contacts", write_csv("email,last_name,labels\nann@example.com,Later,VIP\n", "b.csv")
    )

    second = undo(cli, later["id"])
    first = undo(cli, earlier["id"])

    assert (second["restored"], second["removed"], second["skipped"]) == (1, 0, [])
    assert (first["restored"], first["removed"], first["skipped"]) == (1, 1, [])
    assert dump(store) == before


# -- undo twice ------------------------------------------------------------------------------------


def test_a_second_undo_changes_nothing_and_says_so(cli, store, baseline, write_csv):
    imported = run_import(cli, "contacts", write_csv(IMPORT_A))
    first = undo(cli, imported["id"])
    after_first, runs = dump(store), history(cli)

    second = undo(cli, imported["id"])
    text = cli("imports", "undo", str(imported["id"]))

    assert second == {
        "id": None,
        "undo_of": imported["id"],
        "dry_run": False,
        "restored": 0,
        "removed": 0,
        "skipped": [],
        "already_undone_by": first["id"],
        "labels_removed": 0,
    }
    assert text.exit_code == 0
    assert f"Import {imported['id']} was already undone (run {first['id']})" in text.stdout
    assert "nothing changed" in text.stdout
    assert dump(store) == after_first
    assert history(cli) == runs


# -- an undo is a recorded run ---------------------------------------------------------------------


def test_an_undo_is_recorded_as_a_run_and_marks_the_import_undone(cli, baseline, write_csv):
    imported = run_import(cli, "contacts", write_csv(IMPORT_A))

    undone = undo(cli, imported["id"])

    listed = cli.json("imports", "list")
    runs = {run["id"]: run for run in listed}
    assert listed[0]["id"] == undone["id"]  # newest first
    assert {k: runs[undone["id"]][k] for k in ("kind", "status", "dry_run", "undo_of")} == {
        "kind": "undo",
        "status": "done",
        "dry_run": False,
        "undo_of": imported["id"],
    }
    assert runs[undone["id"]]["undone_by"] is None
    assert (runs[imported["id"]]["undone_by"], runs[imported["id"]]["undo_of"]) == (
        undone["id"],
        None,
    )
    shown = cli.json("imports", "show", str(undone["id"]))
    assert (shown["kind"], shown["undo_of"]) == ("undo", imported["id"])


def test_a_dry_run_undo_changes_nothing_and_a_real_undo_can_follow(cli, store, baseline, write_csv):
    before = dump(store)
    imported = run_import(cli, "contacts", write_csv(IMPORT_A))
    after_import = dump(store)

    dry = undo(cli, imported["id"], "--dry-run")

    assert dry == {
        "id": dry["id"],
        "undo_of": imported["id"],
        "dry_run": True,
        "restored": 1,
        "removed": 1,
        "skipped": [],
        "already_undone_by": None,
        "labels_removed": 0,
    }
    assert dump(store) == after_import
    assert history(cli)[imported["id"]]["undone_by"] is None
    real = undo(cli, imported["id"])
    assert (real["restored"], real["removed"], real["dry_run"]) == (1, 1, False)
    assert dump(store) == before


def test_a_dry_run_undo_is_recorded_as_a_dry_run_of_that_import(cli, baseline, write_csv):
    imported = run_import(cli, "contacts", write_csv(IMPORT_A))

    dry = undo(cli, imported["id"], "--dry-run")

    assert isinstance(dry["id"], int)
    recorded = history(cli)[dry["id"]]
    assert {k: recorded[k] for k in ("kind", "status", "dry_run", "undo_of")} == {
        "kind": "undo",
        "status": "done",
        "dry_run": True,
        "undo_of": imported["id"],
    }


def test_a_dry_run_undo_in_text_says_what_would_be_done(cli, baseline, write_csv):
    imported = run_import(cli, "contacts", write_csv(IMPORT_A))

    result = cli("imports", "undo", str(imported["id"]), "--dry-run")

    assert result.exit_code == 0, result.stderr
    assert "Dry run: 1 records would be restored, 1 removed, 0 skipped" in result.stdout


# -- what cannot be undone -------------------------------------------------------------------------


def a_dry_run_import(cli: Any, write_csv: Any) -> int:
    return int(run_import(cli, "contacts", write_csv(IMPORT_A), "--dry-run")["id"])


def an_undo_run(cli: Any, write_csv: Any) -> int:
    return int(undo(cli, run_import(cli, "contacts", write_csv(IMPORT_A))["id"])["id"])


def an_unknown_id(cli: Any, write_csv: Any) -> int:
    return 4242


REFUSED = {
    "a dry-run import": (a_dry_run_import, 2, "was a dry run"),
    "an undo run": (an_undo_run, 2, "is itself an undo"),
    "an unknown import ID": (an_unknown_id, 1, "there is no import with ID 4242"),
}


@pytest.mark.parametrize("make,code,message", REFUSED.values(), ids=REFUSED.keys())
def test_undo_refuses_what_cannot_be_undone(cli, store, baseline, write_csv, make, code, message):
    import_id = make(cli, write_csv)
    before, runs = dump(store), history(cli)

    result = cli("imports", "undo", str(import_id))

    assert result.exit_code == code
    assert result.stdout == ""
    assert message in result.stderr
    assert str(import_id) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1  # one line, no traceback
    assert dump(store) == before
    assert history(cli) == runs


# -- an import killed part-way ---------------------------------------------------------------------

BIG_ROWS = 100_000


def write_big_file(path: Path) -> None:
    """Updates of the three baseline contacts first, then many new contacts."""
    with path.open("w", encoding="utf-8") as out:
        out.write("email,first_name,last_name,labels,plan\n")
        out.write("ann@example.com,Anna,Big,VIP,pro\n")
        out.write("bob@example.com,Bob,Big,Trial,basic\n")
        out.write("cleo@example.com,Cleopatra,,Marketing,\n")
        for i in range(BIG_ROWS - 3):
            out.write(f"person{i:06d}@example.com,Person,{i},,\n")


def wait_for_a_committed_batch(store: Any, process: subprocess.Popen[bytes]) -> int:
    """The running import's id, once at least one of its batches is committed."""
    c = t.imports.c
    query = select(c.id, c.rows_done).where(c.status == "running", c.kind == "contacts")
    deadline = time.monotonic() + WAIT_LIMIT_SECONDS
    while True:
        with store.read() as conn:
            running = conn.execute(query).first()
        if running is not None and running.rows_done > 0:
            return int(running.id)
        assert process.poll() is None, "the import ended before any batch was seen committed"
        assert time.monotonic() < deadline, "no batch was committed"
        time.sleep(0.01)


def test_undo_of_a_killed_import_restores_what_it_had_written(
    cli, store, baseline, db_url, tmp_path
):
    big = tmp_path / "big.csv"
    write_big_file(big)
    before = dump(store)
    rolodex = Path(sys.executable).with_name("rolodex")
    env = {k: v for k, v in os.environ.items() if k != "ROLODEX_DATABASE_URL"}
    process = subprocess.Popen(
        [rolodex, "--db", db_url, "import", "contacts", big],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        import_id = wait_for_a_committed_batch(store, process)
        assert process.poll() is None, "the import finished before it could be killed"
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()

    killed = history(cli)[import_id]
    assert killed["status"] == "interrupted"
    assert 0 < killed["rows"] < BIG_ROWS
    assert (killed["updated"], killed["failed"]) == (3, 0)
    assert killed["created"] == killed["rows"] - 3

    undone = undo(cli, import_id)

    assert (undone["restored"], undone["removed"], undone["skipped"]) == (
        3,
        killed["created"],
        [],
    )
    assert dump(store) == before
    assert history(cli)[import_id]["undone_by"] == undone["id"]


# -- journal retention and prune ------------------------------------------------------------------


def age(store: Any, import_id: int, days: int) -> None:
    """Make a run look as if it ended ``days`` days ago."""
    when = datetime.now(UTC) - timedelta(days=days)
    with store.write() as conn:
        conn.execute(
            update(t.imports)
            .where(t.imports.c.id == import_id)
            .values(started_at=when, finished_at=when)
        )


def aged_import(cli: Any, store: Any, write_csv: Any, days: int, n: int) -> int:
    content = "email,first_name\n" + "".join(f"aged{days}-{i}@example.com,A\n" for i in range(n))
    import_id = int(run_import(cli, "contacts", write_csv(content, f"aged{days}.csv"))["id"])
    age(store, import_id, days)
    return import_id


RETENTION = {
    # how the retention is given: (env, prune options, age pruned, age kept)
    "default of 30 days": ({}, (), 40, 20),
    "--older-than 10": ({}, ("--older-than", "10"), 20, 5),
    "ROLODEX_JOURNAL_DAYS=10": ({"ROLODEX_JOURNAL_DAYS": "10"}, (), 20, 5),
    "--older-than over ROLODEX_JOURNAL_DAYS": (
        {"ROLODEX_JOURNAL_DAYS": "100"},
        ("--older-than", "10"),
        20,
        5,
    ),
}


@pytest.mark.parametrize("env,options,old,recent", RETENTION.values(), ids=RETENTION.keys())
def test_prune_forgets_the_journals_older_than_the_retention(
    cli, store, baseline, write_csv, monkeypatch, env, options, old, recent
):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    pruned = aged_import(cli, store, write_csv, old, n=3)
    kept = aged_import(cli, store, write_csv, recent, n=2)
    before_undo = dump(store)

    result = cli("imports", "prune", *options)

    assert result.exit_code == 0, result.stderr
    assert "3 journal entries removed" in result.stdout
    refused = cli("imports", "undo", str(pruned))
    assert refused.exit_code == 2
    assert f"the journal of import {pruned} was pruned" in refused.stderr
    assert dump(store) == before_undo
    assert undo(cli, kept)["removed"] == 2


def test_prune_without_a_retention_keeps_the_journals_of_recent_imports(
    cli, store, baseline, write_csv
):
    before = dump(store)
    imported = run_import(cli, "contacts", write_csv(IMPORT_A))

    result = cli("imports", "prune")

    assert result.exit_code == 0, result.stderr
    assert "0 journal entries removed" in result.stdout
    assert undo(cli, imported["id"])["restored"] == 1
    assert dump(store) == before


def test_prune_older_than_0_days_forgets_every_finished_runs_journal(
    cli, store, baseline, write_csv
):
    imported = run_import(cli, "contacts", write_csv(IMPORT_A))
    age(store, imported["id"], 1)

    result = cli("imports", "prune", "--older-than", "0")

    assert result.exit_code == 0, result.stderr
    # the baseline contacts import (3) and the import above (2); the users import (2) too
    assert "7 journal entries removed" in result.stdout
    assert cli("imports", "undo", str(imported["id"])).exit_code == 2
