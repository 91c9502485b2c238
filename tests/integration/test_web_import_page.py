"""The import page says what a file may hold, and offers a template to start from.

It lists the accepted columns — for contacts ours and every custom field there is now, by
variable name and type; for agents (admins only) theirs — and links templates as CSV and
Excel, served by ``GET /api/templates/{contacts,users}.{csv,xlsx}``: the header row with
the current custom fields and one example row. A template imports back as it is: its
header binds column for column (no unbound column, no Columns step). On SQLite and
PostgreSQL.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from python_calamine import CalamineWorkbook

from rolodex.services import catalog
from rolodex.store.store import Store

from . import test_web_pages as pages
from .test_web_pages import text_of, upload

# The web pages' fixtures: the app with its worker, an admin and an agent signed in.
accounts, make_client, client = pages.accounts, pages.make_client, pages.client
admin, agent = pages.admin, pages.agent

CONTACT_COLUMNS = ["email", "first_name", "last_name", "company_id", "labels", "labels_id"]
USER_TEMPLATE_COLUMNS = ["email", "first_name", "last_name", "password", "active"]


@pytest.fixture
def fields(store: Store) -> None:
    catalog.add_field(store, "plan", "select", ["basic", "pro"], "Plan")
    catalog.add_field(store, "renewal", "date", title="Renewal date")
    catalog.add_field(store, "seats", "number")


def rows_of(answer: Any, fmt: str) -> list[list[str]]:
    """A downloaded template as rows of text, read as the importer reads each format."""
    assert answer.status_code == 200, answer.text
    if fmt == "csv":
        assert answer.content.startswith(b"\xef\xbb\xbf")  # a BOM, for Excel
        text = answer.content.decode("utf-8-sig")
        return [line.split(",") for line in text.splitlines()]
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(answer.content)).get_sheet_by_index(0)
    return [[str(cell) for cell in row] for row in sheet.to_python()]


def checked_through_the_page(client: TestClient, template: bytes, kind: str) -> Any:
    """Upload a template on the import page: it goes straight to the dry run (no Columns
    step, no unbound column), and every column binds to its own name."""
    answer = upload(client, template, kind)
    assert answer.status_code == 303, text_of(answer.text)
    assert "/imports/columns/" not in answer.headers["location"]
    job = pages.wait(client, pages.id_of(answer))
    assert job["status"] == "done"
    assert all(c["column"] == c["target"] for c in job["summary"]["columns"])
    return job


# -- the accepted columns ------------------------------------------------------------------------


def test_the_import_page_lists_the_accepted_columns_with_the_custom_fields(
    fields: None, agent: TestClient
) -> None:
    raw = agent.get("/").text
    assert 'data-kind="users"' not in raw  # an agent imports contacts only
    page = text_of(raw)
    for name in CONTACT_COLUMNS:
        assert f" {name} " in page
    assert 'plan select Custom field "Plan". One of: basic, pro.' in page
    assert 'renewal date Custom field "Renewal date". A date, YYYY-MM-DD.' in page
    assert "seats number" in page
    assert "password" not in page  # an agent imports contacts only


def test_an_admin_sees_the_agents_columns_too(admin: TestClient) -> None:
    page = admin.get("/").text
    assert 'data-kind="users"' in page
    assert "password_hash" in text_of(page)
    assert 'href="/api/templates/users.xlsx"' in page


def test_a_field_added_later_is_listed_at_once(store: Store, agent: TestClient) -> None:
    assert "member_rating" not in agent.get("/").text
    catalog.add_field(store, "member_rating", "number")
    assert "member_rating" in agent.get("/").text


# -- templates -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_contacts_template_has_the_custom_fields_and_an_example_row(
    fields: None, agent: TestClient, fmt: str
) -> None:
    page = agent.get("/").text
    assert f'href="/api/templates/contacts.{fmt}"' in page
    header, example = rows_of(agent.get(f"/api/templates/contacts.{fmt}"), fmt)
    assert header == [*CONTACT_COLUMNS, "plan", "renewal", "seats"]
    assert dict(zip(header, example, strict=True)) == {
        "email": "jane.doe@example.com",
        "first_name": "Jane",
        "last_name": "Doe",
        "company_id": "",
        "labels": "",
        "labels_id": "",
        "plan": "basic",
        "renewal": "2024-03-31",
        "seats": "3",
    }


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_contacts_template_imports_back_without_an_unbound_column(
    fields: None, agent: TestClient, fmt: str
) -> None:
    template = agent.get(f"/api/templates/contacts.{fmt}").content
    job = checked_through_the_page(agent, template, "contacts")
    assert (job["summary"]["created"], job["summary"]["failed"]) == (1, 0)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_users_template_is_for_admins_and_imports_back(
    admin: TestClient, make_client: Any, fmt: str
) -> None:
    header, _ = rows_of(admin.get(f"/api/templates/users.{fmt}"), fmt)
    assert header == USER_TEMPLATE_COLUMNS
    template = admin.get(f"/api/templates/users.{fmt}").content
    job = checked_through_the_page(admin, template, "users")
    assert job["summary"]["errors"][0]["column"] == "password"  # the example has none

    other = make_client()
    pages.log_in(other, *pages.AGENT)
    assert other.get(f"/api/templates/users.{fmt}").status_code == 403
    assert make_client().get(f"/api/templates/users.{fmt}").status_code == 401


def test_the_templates_are_described_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for kind in ("contacts", "users"):
        for fmt in ("csv", "xlsx"):
            operation = paths[f"/api/templates/{kind}.{fmt}"]["get"]
            assert "401" in operation["responses"]
    assert "403" in paths["/api/templates/users.csv"]["get"]["responses"]
    xlsx = paths["/api/templates/contacts.xlsx"]["get"]["responses"]["200"]["content"]
    assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in xlsx
