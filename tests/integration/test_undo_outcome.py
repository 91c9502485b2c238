"""An undo run says what it did in its own words: records **restored** and **removed** (and
those left alone), never "updated" — in the CLI's ``imports list``/``show``, the API's
``/api/imports/{id}``, the history page and the run's own page. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from rolodex.cli import context
from tests.helpers import ADMIN

from . import test_web_pages as pages
from .test_web_pages import csrf_of, log_in, text_of

# The web pages' fixtures: the app with its worker, an admin and an agent to sign in as.
accounts, make_client, client = pages.accounts, pages.make_client, pages.client
admin, agent = pages.admin, pages.agent

BEFORE = "email,first_name\nann@example.com,Ann\n"
IMPORT = "email,first_name\nann@example.com,Anna\nbob@example.com,Bob\ncleo@example.com,Cleo\n"
"""Against BEFORE: one contact changed (restored by the undo), two created (removed)."""


def imported_then_undone(cli: Any, write_csv: Any) -> tuple[int, int]:
    assert cli("import", "contacts", write_csv(BEFORE, "before.csv")).exit_code == 0
    result = cli("import", "contacts", write_csv(IMPORT, "import.csv"), "--json")
    imported = json.loads(result.stdout)["id"]
    undone = json.loads(cli("imports", "undo", str(imported), "--json").stdout)
    assert (undone["restored"], undone["removed"]) == (1, 2)
    return imported, undone["id"]


def test_the_cli_lists_an_undo_run_as_restored_and_removed(
    cli: Any, write_csv: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    imported, undo_id = imported_then_undone(cli, write_csv)
    runs = {run["id"]: run for run in cli.json("imports", "list")}  # type: ignore[union-attr]
    run = runs[undo_id]
    assert (run["restored"], run["removed"], run["created"], run["updated"]) == (1, 2, 0, 0)
    assert (run["rows_done"], run["rows_total"]) == (3, 3)
    assert run["warnings"] == []

    monkeypatch.setattr(context.out(), "width", 200)  # one line per run, not wrapped cells
    listed = cli("imports", "list").stdout
    assert f"undo of {imported}: restored 1, removed 2, skipped 0" in listed


def test_the_cli_shows_an_undo_run_without_created_or_updated(cli: Any, write_csv: Any) -> None:
    _, undo_id = imported_then_undone(cli, write_csv)
    shown = cli("imports", "show", str(undo_id)).stdout
    assert "restored: 1" in shown
    assert "removed: 2" in shown
    assert "updated:" not in shown
    assert "created:" not in shown


def test_an_import_run_still_counts_created_and_updated(cli: Any, write_csv: Any) -> None:
    imported, _ = imported_then_undone(cli, write_csv)
    run = cli.json("imports", "show", str(imported))
    assert isinstance(run, dict)
    assert (run["created"], run["updated"], run["restored"], run["removed"]) == (2, 1, 0, 0)


def test_the_api_document_of_an_undo_run_says_restored_and_removed(
    cli: Any, write_csv: Any, client: TestClient
) -> None:
    _, undo_id = imported_then_undone(cli, write_csv)
    log_in(client, *ADMIN)
    job = client.get(f"/api/imports/{undo_id}").json()
    assert (job["restored"], job["removed"], job["updated"], job["created"]) == (1, 2, 0, 0)
    summary = job["summary"]
    assert (summary["restored"], summary["removed"], summary["updated"]) == (1, 2, 0)
    properties = client.get("/openapi.json").json()["components"]["schemas"]["Job"]["properties"]
    assert {"restored", "removed"} <= set(properties)


def test_the_history_and_the_run_page_say_restored_and_removed(
    cli: Any, write_csv: Any, client: TestClient
) -> None:
    imported, undo_id = imported_then_undone(cli, write_csv)
    log_in(client, *ADMIN)
    history = text_of(client.get("/imports").text)
    assert f"undo of #{imported} : 1 restored, 2 removed" in history
    page = text_of(client.get(f"/imports/{undo_id}").text)
    assert "Restored 1" in page
    assert "Removed 2" in page
    assert "Updated" not in page


def test_the_undo_page_of_the_web_app_records_the_same_counts(
    cli: Any, write_csv: Any, client: TestClient
) -> None:
    assert cli("import", "contacts", write_csv(BEFORE, "before.csv")).exit_code == 0
    result = cli("import", "contacts", write_csv(IMPORT, "import.csv"), "--json")
    imported = json.loads(result.stdout)["id"]
    log_in(client, *ADMIN)
    form = client.get(f"/imports/{imported}/undo")
    done = client.post(f"/imports/{imported}/undo", data={"csrf": csrf_of(form.text)})
    assert "1 records restored, 2 removed" in text_of(done.text)
    undo_run = client.get("/api/imports").json()[0]
    assert (undo_run["undo_of"], undo_run["restored"], undo_run["removed"]) == (imported, 1, 2)


# -- the import's own page offers Undo ------------------------------------------------------------


def test_the_result_page_of_a_real_import_offers_undo_to_an_admin(admin: TestClient) -> None:
    dry = pages.checked(admin, pages.CONTACTS_ONE_BAD_ROW)
    assert f'href="/imports/{dry}/undo"' not in admin.get(f"/imports/{dry}").text  # a dry run
    real = pages.id_of(pages.confirm(admin, dry))
    pages.wait(admin, real)
    page = admin.get(f"/imports/{real}").text
    assert f'href="/imports/{real}/undo"' in page
    confirmation = admin.get(f"/imports/{real}/undo")
    admin.post(f"/imports/{real}/undo", data={"csrf": csrf_of(confirmation.text)})
    assert "/undo" not in admin.get(f"/imports/{real}").text  # undone: once only


def test_the_result_page_offers_no_undo_to_an_agent(agent: TestClient) -> None:
    real = pages.id_of(pages.confirm(agent, pages.checked(agent, pages.CONTACTS_ONE_BAD_ROW)))
    pages.wait(agent, real)
    assert "/undo" not in agent.get(f"/imports/{real}").text
