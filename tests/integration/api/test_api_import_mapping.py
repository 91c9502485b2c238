"""Files from other systems through the API (docs/importing.md#binding-columns,
docs/api.md#imports-as-jobs): ``POST /api/imports`` takes ``mapping`` (a JSON object, header →
target), ``ignore_unknown``, ``create_fields``, ``create_companies`` and ``labels_separator``;
columns that bind to nothing are a 422 whose ``columns`` carry a suggestion for each, so a client
can offer a mapping step; asking an import to create labels, companies or fields is for admins.
"""

from __future__ import annotations

import json

import pytest

from rolodex.services import catalog
from rolodex.store.store import Store

from .conftest import Imports

OTHER_SYSTEM = (
    "E-mail 1 - Value,Given Name,Member Ratng,Organization 1 - Name,Group Membership\n"
    "ann@example.com,Ann,4,Acme,VIP ::: * myContacts\n"
    "bob@example.com,Bob,2,Acme,\n"
)


def upload(client, headers, content: str, **form: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/imports",
        headers=headers,
        data={"kind": "contacts", **form},
        files={"file": ("export.csv", content.encode(), "text/csv")},
    )


def history(client, headers) -> list[int]:  # type: ignore[no-untyped-def]
    return [job["id"] for job in client.get("/api/imports", headers=headers).json()]


def test_unbound_columns_are_a_422_with_a_suggestion_for_each(client, admin):
    before = history(client, admin)

    answer = upload(client, admin, OTHER_SYSTEM)

    assert answer.status_code == 422
    body = answer.json()
    assert set(body) == {"error", "columns"}
    assert "Member Ratng" in body["error"]
    assert len(body["error"].splitlines()) == 1
    assert body["columns"] == [
        {"column": "E-mail 1 - Value", "target": "email"},
        {"column": "Given Name", "target": "first_name"},
        {"column": "Member Ratng", "target": None},
        {"column": "Organization 1 - Name", "target": "company"},
        {"column": "Group Membership", "target": "labels"},
    ]
    assert history(client, admin) == before


def test_a_mapping_binds_the_columns_and_the_summary_shows_the_binding(
    client, admin, imports: Imports, store: Store
):
    catalog.add_labels(store, ["VIP"])
    catalog.add_company(store, "Acme", None)
    mapping = {"Member Ratng": "ignore", "Given Name": "last_name"}

    answer = upload(client, admin, OTHER_SYSTEM, mapping=json.dumps(mapping))

    assert answer.status_code == 202, answer.text
    job = imports.wait(admin, answer.json()["id"])
    assert (job["status"], job["created"], job["failed"]) == ("done", 2, 0)
    columns = {c["column"]: c["target"] for c in job["summary"]["columns"]}
    assert columns["Given Name"] == "last_name"
    assert columns["Member Ratng"] == "ignore"
    ann = client.get("/api/contacts/ann@example.com", headers=admin).json()
    assert (ann["first_name"], ann["last_name"], ann["labels"]) == (None, "Ann", ["VIP"])


def test_create_flags_and_a_new_field_mapping_create_what_they_say(client, admin, imports: Imports):
    form = {
        "mapping": json.dumps({"Member Ratng": "new"}),
        "create_companies": "true",
        "create_labels": "true",
        "labels_separator": ":::",
    }
    answer = upload(client, admin, OTHER_SYSTEM, **form)

    assert answer.status_code == 202, answer.text
    job = imports.wait(admin, answer.json()["id"])
    assert job["summary"]["new"] == {
        "labels": ["VIP"],
        "companies": ["Acme"],
        "fields": ["member_ratng"],
    }
    assert [f["variable_name"] for f in client.get("/api/fields", headers=admin).json()] == [
        "member_ratng"
    ]
    assert [c["name"] for c in client.get("/api/companies", headers=admin).json()] == ["Acme"]


def test_ignore_unknown_leaves_unbound_columns_out(client, admin, imports: Imports, store: Store):
    catalog.add_labels(store, ["VIP"])
    catalog.add_company(store, "Acme", None)
    answer = upload(client, admin, OTHER_SYSTEM, ignore_unknown="true")

    job = imports.wait(admin, answer.json()["id"])
    assert job["created"] == 2
    assert {"column": "Member Ratng", "target": "ignore"} in job["summary"]["columns"]


@pytest.mark.parametrize(
    "form",
    [
        {"create_labels": "true"},
        {"create_companies": "true"},
        {"create_fields": "true"},
        {"mapping": json.dumps({"Member Ratng": "new"})},
    ],
    ids=["create_labels", "create_companies", "create_fields", "a new field in the mapping"],
)
def test_only_admins_may_create_records_by_import(client, agent, admin, form):
    before = history(client, admin)

    answer = upload(client, agent, OTHER_SYSTEM, **form)

    assert answer.status_code == 403
    assert set(answer.json()) == {"error"}
    assert "Only an admin may create" in answer.json()["error"]
    assert history(client, admin) == before


@pytest.mark.parametrize(
    ("mapping", "says"),
    [
        ("{not json", "JSON object"),
        ('["email"]', "JSON object"),
        ('{"E-mail 1 - Value": 3}', "JSON object"),
        ('{"Fax": "email"}', "no column of that name"),
        ('{"Given Name": "shoe_size"}', "not something a column can fill"),
    ],
    ids=["not JSON", "a list", "a number as target", "an unknown header", "an unknown target"],
)
def test_a_bad_mapping_is_a_422_error(client, admin, mapping, says):
    answer = upload(client, admin, OTHER_SYSTEM, mapping=mapping)

    assert answer.status_code == 422
    assert set(answer.json()) == {"error"}
    assert says in answer.json()["error"]


def test_openapi_documents_the_mapping_fields_and_the_422_with_columns(client):
    spec = client.get("/openapi.json").json()
    post = spec["paths"]["/api/imports"]["post"]
    form_ref = post["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"]
    form = spec["components"]["schemas"][form_ref.rsplit("/", 1)[1]]["properties"]
    for name in ("create_companies", "create_fields", "ignore_unknown", "mapping",
                 "labels_separator", "create_labels"):  # fmt: skip
        assert form[name].get("description"), name
    problem_ref = post["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
    problem = spec["components"]["schemas"][problem_ref.rsplit("/", 1)[1]]
    assert set(problem["properties"]) == {"error", "columns"}
    assert problem["required"] == ["error"]
