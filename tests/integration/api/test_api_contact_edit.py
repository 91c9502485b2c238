"""One contact through the API: ``GET /api/contacts/{contact}`` by ID or by email, and
``PATCH /api/contacts/{contact}`` — admins change names, company, labels and custom values,
checked by the importer's own value parsers; agents read only (403). Only the keys sent
change; ``null`` clears. A refused change is a 422 naming each field, and writes nothing.
On SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest

from rolodex.importing.kinds import import_file
from rolodex.importing.options import ImportOptions
from rolodex.services import catalog
from rolodex.services.undo import undo_import

PEOPLE = "email,first_name,last_name,labels\nann@example.com,Ann,Lee,Trial\nbob@example.com,Bob,,\n"


@pytest.fixture
def people(store, write_csv):
    catalog.add_labels(store, ["Trial", "VIP"])
    catalog.add_company(store, "Acme", None)
    catalog.add_field(store, "plan", "select", ["basic", "pro"])
    catalog.add_field(store, "score", "number", [])
    catalog.add_field(store, "active", "boolean", [])
    report = import_file("contacts", write_csv(PEOPLE), store, ImportOptions())
    assert report.counts.created == 2
    return report.id


def ann(client, headers):
    return client.get("/api/contacts/ann@example.com", headers=headers).json()


def test_one_contact_by_id_is_the_contact_by_email(client, agent, people):
    by_email = ann(client, agent)

    by_id = client.get(f"/api/contacts/{by_email['id']}", headers=agent)

    assert by_id.status_code == 200
    assert by_id.json() == by_email


def test_an_admin_changes_only_what_the_request_names(client, admin, people):
    before = ann(client, admin)

    answer = client.patch(
        f"/api/contacts/{before['id']}",
        headers=admin,
        json={
            "last_name": "King",
            "company_id": 1,
            "labels": ["VIP"],
            "custom_fields": {"plan": "pro", "score": 2.50, "active": True},
        },
    )

    assert answer.status_code == 200, answer.text
    after = answer.json()
    assert after == ann(client, admin)
    assert (after["first_name"], after["last_name"], after["company_id"]) == ("Ann", "King", 1)
    assert after["labels"] == ["VIP"]
    assert after["custom_fields"] == {"active": True, "plan": "pro", "score": 2.5}
    assert after["updated_at"] > before["updated_at"]


def test_null_clears_a_value(client, admin, people):
    contact = ann(client, admin)
    client.patch(
        f"/api/contacts/{contact['id']}",
        headers=admin,
        json={"company_id": 1, "custom_fields": {"plan": "pro"}},
    )

    answer = client.patch(
        "/api/contacts/ann@example.com",
        headers=admin,
        json={"last_name": None, "company_id": None, "labels": [], "custom_fields": {"plan": None}},
    )

    assert answer.status_code == 200, answer.text
    cleared = answer.json()
    assert (cleared["last_name"], cleared["company_id"], cleared["labels"]) == (None, None, [])
    assert cleared["custom_fields"] == {}


REFUSED = {
    "unknown label": ({"labels": ["Trial", "vip"]}, "labels: there is no label named 'vip'"),
    "unknown company": ({"company_id": 77}, "company_id: there is no company with ID 77"),
    "not an option": ({"custom_fields": {"plan": "gold"}}, "plan: 'gold' is not one of"),
    "not a number": ({"custom_fields": {"score": "1,5"}}, "score: '1,5' is not a number"),
    "not a boolean": ({"custom_fields": {"active": "maybe"}}, "active: 'maybe' is not a valid"),
    "unknown field": ({"custom_fields": {"nope": "x"}}, "nope: there is no custom field"),
    "name too long": ({"first_name": "x" * 300}, "first_name: "),
    "control character": ({"last_name": "a\u0007b"}, "last_name: "),
}


@pytest.mark.parametrize("body,message", REFUSED.values(), ids=REFUSED.keys())
def test_a_bad_value_is_a_422_naming_its_field_and_nothing_changes(
    client, admin, people, body, message
):
    before = ann(client, admin)

    answer = client.patch(
        "/api/contacts/ann@example.com", headers=admin, json={"first_name": "Zed", **body}
    )

    assert answer.status_code == 422
    assert set(answer.json()) == {"error"}
    assert message in answer.json()["error"]
    assert "--" not in answer.json()["error"]  # no CLI flags in an API or page message
    assert ann(client, admin) == before


def test_every_problem_is_named_at_once(client, admin, people):
    answer = client.patch(
        "/api/contacts/ann@example.com",
        headers=admin,
        json={"labels": ["Nope"], "custom_fields": {"plan": "gold"}},
    )

    assert answer.status_code == 422
    assert "labels: " in answer.json()["error"]
    assert "plan: " in answer.json()["error"]


def test_an_agent_cannot_change_a_contact(client, agent, people):
    before = ann(client, agent)

    answer = client.patch(
        "/api/contacts/ann@example.com", headers=agent, json={"first_name": "Eve"}
    )

    assert answer.status_code == 403
    assert ann(client, agent) == before


def test_a_change_through_the_api_is_seen_by_the_undo_of_the_import(client, admin, people, store):
    client.patch("/api/contacts/ann@example.com", headers=admin, json={"first_name": "Annie"})

    report = undo_import(store, people)

    assert [(s.email, s.changed) for s in report.skipped] == [("ann@example.com", ["first_name"])]
    assert ann(client, admin)["first_name"] == "Annie"


def test_the_patch_is_described_in_openapi(client):
    operation = client.get("/openapi.json").json()["paths"]["/api/contacts/{contact}"]["patch"]

    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/ContactChanges"}
    assert {"200", "401", "403", "404", "422"} <= set(operation["responses"])
