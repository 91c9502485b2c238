"""The journal of a contacts import, built by the database as JSON
(``rolodex.store.snapshot.journal_contacts_before/after``), on SQLite and PostgreSQL.

It must say exactly what :func:`rolodex.store.snapshot.contact` says of the same state —
undo compares and restores with it: ``after`` is the state the import left, ``before`` the
state before the import (``None`` and ``created`` for a contact it created). A contact the
import writes twice (in two batches, or twice in one batch) keeps its first ``before`` and
its ``created`` flag, and takes the last ``after``. Contacts it left alone or rejected are
not journaled.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from rolodex.domain import ContactState, email_key
from rolodex.importing.kinds import import_file
from rolodex.importing.options import ImportOptions
from rolodex.store import snapshot, undo
from rolodex.store.store import Store
from tests.integration.test_import_pipeline import add_catalog

HEADER = ["email", "first_name", "last_name", "company_id", "labels"]
FIELDS = ["plan", "seats", "renewal", "active", "note"]
TRICKY = 'Zoë said "hi" \\ back\\\\slash; ✓ 日本 \'single\' {"json": [1]}'

BASELINE = [
    # email, first, last, company, labels, plan, seats, renewal, active, note
    ["keep@example.com", "Kim", "Keep", "2", "VIP", "basic", "3", "", "", TRICKY],
    ["upd@example.com", "Una", "", "", "Früh", "", "", "2023-01-01", "true", "old"],
    ["bare@example.com", "", "", "", "", "", "", "", "", ""],
    ["twice@example.com", "Tom", "", "1", "Früh", "basic", "", "", "", ""],
    ["samebatch@example.com", "Sam", "Same", "", "", "", "1", "", "", ""],
    ["rejected@example.com", "Rex", "", "", "", "", "", "", "", ""],
]

IMPORT = [
    # batch 1: a creation with no names and every kind of custom value; an update
    ["new1@example.com", "", "", "1", "VIP:Trial", "pro", "2.50", "2024-02-29", "yes", TRICKY],
    ["upd@example.com", "", "Neu", "", "Trial", "", "10", "", "", f"new {TRICKY}"],
    # batch 2: the first of two writes in two batches; a creation with non-ASCII names
    ["twice@example.com", "One", "", "", "Trial", "", "", "", "", ""],
    ["new2@example.com", "Ünïcode", "", "", "", "", "", "", "", 'ß \\ "'],
    # batch 3: a contact with nothing gets a company; the second write of "twice"
    ["bare@example.com", "", "", "2", "", "", "", "", "no", ""],
    ["TWICE@example.com", "", "Two", "2", "VIP", "pro", "", "", "", ""],
    # batch 4: the contact created in batch 1, written again; one left as it is
    ["new1@example.com", "Later", "", "", "Früh", "", "", "", "", ""],
    ["keep@example.com", "Kim", "Keep", "2", "VIP", "basic", "3", "", "", TRICKY],
    # batch 5: created, then changed by the next row of the same batch
    ["dup@example.com", "Dup", "", "", "", "", "", "", "", ""],
    ["Dup@example.com", "", "Licate", "", "Trial", "basic", "", "", "", ""],
    # batch 6: an existing contact, twice in one batch
    ["samebatch@example.com", "Sam2", "", "", "VIP", "", "", "", "", ""],
    ["samebatch@example.com", "", "", "1", "", "", "2", "", "", ""],
    # batch 7: a rejected row for an existing contact: nothing written, nothing journaled
    ["rejected@example.com", "Rex2", "", "", "Nope", "", "", "", "", ""],
]
CREATED = {"new1@example.com", "new2@example.com", "dup@example.com"}
UPDATED = {"upd@example.com", "twice@example.com", "bare@example.com", "samebatch@example.com"}


def write(path: Path, rows: list[list[str]]) -> Path:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER + FIELDS)
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def catalog(cli: Any) -> None:
    add_catalog(cli)


def states(store: Store, keys: set[str]) -> dict[str, ContactState]:
    with store.unit() as unit:
        found = unit.contacts_by_key(keys)
        unit.rollback()
    return found


def journal(store: Store, import_id: int) -> dict[str, dict[str, Any]]:
    with store.read() as conn:
        entries = [entry for chunk in undo.entries(conn, import_id) for entry in chunk]
    assert all(entry["entity"] == "contact" for entry in entries)
    return {entry["key"]: entry for entry in entries}


def run(store: Store, path: Path, batch_size: int) -> int:
    report = import_file("contacts", path, store, ImportOptions(batch_size=batch_size))
    assert report.id is not None
    return report.id


def test_the_journal_says_what_snapshot_contact_says_before_and_after(store, catalog, tmp_path):
    everyone = {email_key(row[0]) for row in BASELINE + IMPORT}
    run(store, write(tmp_path / "baseline.csv", BASELINE), batch_size=1000)
    before = states(store, everyone)
    assert set(before) == {email_key(row[0]) for row in BASELINE}

    import_id = run(store, write(tmp_path / "import.csv", IMPORT), batch_size=2)

    after = states(store, everyone)
    entries = journal(store, import_id)
    assert set(entries) == CREATED | UPDATED, "unchanged and rejected contacts are not journaled"
    for key, entry in entries.items():
        assert entry["after"] == snapshot.contact(after[key]), key
        assert entry["before"] == snapshot.contact(before.get(key)), key
        assert entry["created"] is (key in CREATED), key

    # What the rows above mean to exercise is really there (not two empty snapshots).
    new1 = entries["new1@example.com"]["after"]
    assert new1 == {
        "email": "new1@example.com",
        "first_name": "Later",
        "last_name": None,
        "company_id": 1,
        "label_ids": [1, 2, 3],
        "custom": {"1": "pro", "2": "2.5", "3": "2024-02-29", "4": "true", "5": TRICKY},
    }
    assert entries["upd@example.com"]["before"]["label_ids"] == [3]
    assert entries["upd@example.com"]["after"]["label_ids"] == [1, 3]
    assert entries["upd@example.com"]["before"]["last_name"] is None
    assert entries["bare@example.com"]["before"] == {
        "email": "bare@example.com",
        "first_name": None,
        "last_name": None,
        "company_id": None,
        "label_ids": [],
        "custom": {},
    }
    assert entries["new2@example.com"]["after"]["first_name"] == "Ünïcode"
    assert entries["new2@example.com"]["after"]["custom"] == {"5": 'ß \\ "'}


def test_a_contact_written_in_two_batches_keeps_its_first_before_and_created_flag(
    store, catalog, tmp_path
):
    run(store, write(tmp_path / "baseline.csv", BASELINE), batch_size=1000)
    first_state = snapshot.contact(states(store, {"twice@example.com"})["twice@example.com"])

    import_id = run(store, write(tmp_path / "import.csv", IMPORT), batch_size=2)

    entries = journal(store, import_id)
    twice = entries["twice@example.com"]
    assert twice["created"] is False
    assert twice["before"] == first_state
    assert twice["before"]["first_name"] == "Tom", "not the state batch 2 left"
    assert (twice["after"]["first_name"], twice["after"]["last_name"]) == ("One", "Two")
    assert twice["after"]["label_ids"] == [1, 2, 3]

    new1 = entries["new1@example.com"]
    assert new1["created"] is True, "created in batch 1, written again in batch 4"
    assert new1["before"] is None
    assert new1["after"]["first_name"] == "Later"

    dup = entries["dup@example.com"]
    assert (dup["created"], dup["before"]) == (True, None)
    assert (dup["after"]["first_name"], dup["after"]["last_name"]) == ("Dup", "Licate")

    same = entries["samebatch@example.com"]
    assert same["created"] is False
    assert (same["before"]["first_name"], same["before"]["custom"]) == ("Sam", {"2": "1"})
    assert (same["after"]["first_name"], same["after"]["company_id"]) == ("Sam2", 1)
    assert same["after"]["custom"] == {"2": "2"}


def test_every_journal_row_names_a_run_that_exists(store, catalog, tmp_path):
    """On PostgreSQL no foreign key checks it (migration 0009): the importer writes only its
    own run's id, and runs are never deleted."""
    run(store, write(tmp_path / "baseline.csv", BASELINE), batch_size=1000)
    run(store, write(tmp_path / "import.csv", IMPORT), batch_size=2)
    with store.read() as conn:
        orphans = conn.exec_driver_sql(
            "SELECT COUNT(*) FROM import_journal AS j "
            "WHERE NOT EXISTS (SELECT 1 FROM imports AS i WHERE i.id = j.import_id)"
        ).scalar_one()
        journaled = conn.exec_driver_sql("SELECT COUNT(*) FROM import_journal").scalar_one()
    assert (journaled, orphans) == (len(BASELINE) + len(CREATED | UPDATED), 0)


@pytest.mark.parametrize("batch_size", [1, 2, 3, 1000])
def test_the_journal_does_not_depend_on_the_batch_size(store, catalog, tmp_path, batch_size):
    """Only its first ``before`` and last ``after`` count, however the rows are cut."""
    everyone = {email_key(row[0]) for row in BASELINE + IMPORT}
    run(store, write(tmp_path / "baseline.csv", BASELINE), batch_size=1000)
    before = {k: snapshot.contact(v) for k, v in states(store, everyone).items()}

    import_id = run(store, write(tmp_path / "import.csv", IMPORT), batch_size=batch_size)

    after = {k: snapshot.contact(v) for k, v in states(store, everyone).items()}
    entries = journal(store, import_id)
    assert {k: (e["created"], e["before"], e["after"]) for k, e in entries.items()} == {
        key: (key in CREATED, before.get(key), after[key]) for key in CREATED | UPDATED
    }
