"""``POST /api/imports/{id}/undo`` (docs/importing.md#undo), admins only, on SQLite and PostgreSQL.

The answer is the undo's report — ``{id, undo_of, dry_run, restored, removed,
skipped: [{email, changed}], already_undone_by}`` — with ``dry_run`` and ``force`` as query
parameters. The database afterwards is compared as a full dump (see ``test_undo.dump``).
Imports here go through the API too, as a browser would send them.
"""

from __future__ import annotations

from typing import Any

import pytest

from ..test_undo import dump

BASE = "email,first_name,last_name\nann@example.com,Ann,Old\n"
# The import taken back: Ann renamed, Dora created.
IMPORT_A = "email,first_name\nann@example.com,Anna\ndora@example.com,Dora\n"
REPORT_KEYS = {
    "id",
    "undo_of",
    "dry_run",
    "restored",
    "removed",
    "skipped",
    "already_undone_by",
    "labels_removed",
}


@pytest.fixture
def base(imports: Any, admin: dict[str, str]) -> None:
    job = imports.run(admin, BASE)
    assert (job["status"], job["created"]) == ("done", 1)


def import_a(imports: Any, headers: dict[str, str]) -> int:
    job = imports.run(headers, IMPORT_A)
    assert (job["status"], job["created"], job["updated"]) == ("done", 1, 1)
    return int(job["id"])


def test_admin_undo_answers_the_report_and_puts_the_database_back(
    client, store, admin, imports, base
):
    before = dump(store)
    import_id = import_a(imports, admin)

    answer = client.post(f"/api/imports/{import_id}/undo", headers=admin)

    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report == {
        "id": report["id"],
        "undo_of": import_id,
        "dry_run": False,
        "restored": 1,
        "removed": 1,
        "skipped": [],
        "already_undone_by": None,
        "labels_removed": 0,
    }
    assert isinstance(report["id"], int)
    assert dump(store) == before
    assert client.get("/api/contacts/dora@example.com", headers=admin).status_code == 404
    assert client.get("/api/contacts/ann@example.com", headers=admin).json()["first_name"] == "Ann"


def test_dry_run_query_parameter_reports_and_changes_nothing(client, store, admin, imports, base):
    import_id = import_a(imports, admin)
    after_import = dump(store)

    answer = client.post(f"/api/imports/{import_id}/undo?dry_run=true", headers=admin)

    assert answer.status_code == 200, answer.text
    assert {k: answer.json()[k] for k in REPORT_KEYS - {"id"}} == {
        "undo_of": import_id,
        "dry_run": True,
        "restored": 1,
        "removed": 1,
        "skipped": [],
        "already_undone_by": None,
        "labels_removed": 0,
    }
    assert dump(store) == after_import
    real = client.post(f"/api/imports/{import_id}/undo", headers=admin)
    assert (real.json()["dry_run"], real.json()["already_undone_by"]) == (False, None)


def test_a_record_changed_by_a_later_import_is_skipped_and_reported(
    client, store, admin, imports, base
):
    import_id = import_a(imports, admin)
    later = imports.run(admin, "email,last_name\nann@example.com,Later\n")
    assert later["updated"] == 1
    as_changed = client.get("/api/contacts/ann@example.com", headers=admin).json()

    answer = client.post(f"/api/imports/{import_id}/undo", headers=admin)

    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["skipped"] == [
        {"email": "ann@example.com", "changed": ["last_name"], "reason": None}
    ]
    assert (report["restored"], report["removed"]) == (0, 1)
    assert client.get("/api/contacts/ann@example.com", headers=admin).json() == as_changed


def test_force_query_parameter_restores_a_record_changed_since(client, store, admin, imports, base):
    before = dump(store)
    import_id = import_a(imports, admin)
    imports.run(admin, "email,last_name\nann@example.com,Later\n")

    answer = client.post(f"/api/imports/{import_id}/undo?force=true", headers=admin)

    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["restored"], report["removed"], report["skipped"]) == (1, 1, [])
    assert dump(store) == before


def test_a_second_undo_changes_nothing_and_says_which_run_undid_it(
    client, store, admin, imports, base
):
    import_id = import_a(imports, admin)
    first = client.post(f"/api/imports/{import_id}/undo", headers=admin).json()
    after_first = dump(store)

    answer = client.post(f"/api/imports/{import_id}/undo", headers=admin)

    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "id": None,
        "undo_of": import_id,
        "dry_run": False,
        "restored": 0,
        "removed": 0,
        "skipped": [],
        "already_undone_by": first["id"],
        "labels_removed": 0,
    }
    assert dump(store) == after_first


WHO_MAY_NOT = {
    "anonymous": (None, 401),
    "agent": ("agent", 403),
}


@pytest.mark.parametrize("who,status", WHO_MAY_NOT.values(), ids=WHO_MAY_NOT.keys())
def test_only_an_admin_may_undo(client, store, admin, agent, imports, base, who, status):
    import_id = import_a(imports, admin)
    after_import = dump(store)
    headers = {"agent": agent}.get(who or "", {})

    answer = client.post(f"/api/imports/{import_id}/undo", headers=headers)

    assert answer.status_code == status, answer.text
    assert set(answer.json()) == {"error"}
    assert dump(store) == after_import
    allowed = client.post(f"/api/imports/{import_id}/undo", headers=admin).json()
    assert allowed["already_undone_by"] is None


def test_undo_of_an_unknown_import_is_404(client, admin):
    answer = client.post("/api/imports/424242/undo", headers=admin)

    assert answer.status_code == 404, answer.text
    assert "424242" in answer.json()["error"]


def test_undo_of_a_dry_run_import_is_422_with_a_clear_message(client, store, admin, imports, base):
    job = imports.run(admin, IMPORT_A, dry_run=True)
    before = dump(store)

    answer = client.post(f"/api/imports/{job['id']}/undo", headers=admin)

    assert answer.status_code == 422, answer.text
    assert set(answer.json()) == {"error"}
    assert f"import {job['id']} was a dry run" in answer.json()["error"]
    assert dump(store) == before
