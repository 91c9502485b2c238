"""docs/api.md#imports-as-jobs: ``POST /api/imports`` takes a workbook, and its ``sheet`` field
picks the sheet; the job (spooled under any name, run by the worker) reads the sheet that was asked
for."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parents[2] / "fixtures" / "workbooks"


def upload(client, headers, name: str, **form: str):
    data = (FIXTURES / name).read_bytes()
    return client.post(
        "/api/imports",
        headers=headers,
        data={"kind": "contacts", **form},
        files={"file": (name, data, "application/octet-stream")},
    )


def emails(client, headers) -> list[str]:
    answer = client.get("/api/contacts", headers=headers, params={"per_page": 500})
    return sorted(contact["email"] for contact in answer.json()["items"])


@pytest.mark.parametrize("name", ["contacts.xlsx", "contacts.xls", "contacts.ods"])
def test_the_sheet_field_picks_the_sheet_the_worker_reads(client, admin, imports, name):
    answer = upload(client, admin, name, sheet="Team")
    assert answer.status_code == 202, answer.text
    job = imports.wait(admin, answer.json()["id"])
    assert job["status"] == "done", job
    assert (job["rows_total"], job["created"], job["failed"]) == (2, 2, 0)
    assert emails(client, admin) == ["tom@example.com", "uma@example.com"]


def test_without_a_sheet_the_first_is_read(client, admin):
    """The first sheet's header names custom fields this database lacks: a header error."""
    answer = upload(client, admin, "contacts.xlsx")
    assert answer.status_code == 422
    assert "'seats'" in answer.json()["error"]
    assert "bind to nothing" in answer.json()["error"]


@pytest.mark.parametrize(
    ("name", "sheet", "says"),
    [
        ("contacts.xlsx", "Nope", "its sheets are 'Contacts', 'Team'"),
        ("encrypted.xlsx", "", "password"),
        ("damaged.xlsx", "", "damaged"),
    ],
)
def test_an_unusable_workbook_or_sheet_is_422_at_once(client, admin, name, sheet, says):
    answer = upload(client, admin, name, sheet=sheet)
    assert answer.status_code == 422
    assert says in answer.json()["error"]
