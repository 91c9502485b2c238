"""Changing the catalog through the API (docs/api.md#the-catalog):
labels, companies and custom fields listed with how many contacts refer to each, renamed,
edited and deleted — by admins only (an agent gets 403 and nothing changes).

A deleted label takes its links with it and a deleted company leaves its contacts unlinked,
so no contact is left pointing at an id that is gone, on SQLite and PostgreSQL alike. An
option some contact holds is never removed from a select field silently: 409, naming it and
how many contacts hold it.
"""

from __future__ import annotations

import json

import pytest

from rolodex.importing.kinds import import_file
from rolodex.importing.options import ImportOptions
from rolodex.services import catalog
from tests.helpers import dangling

PEOPLE = (
    "email,company_id,labels,plan\n"
    "ann@example.com,1,VIP:Trial,pro\n"
    "bob@example.com,1,VIP,pro\n"
    "cy@example.com,2,Trial,basic\n"
    "di@example.com,,,\n"
)


@pytest.fixture
def people(store, write_csv):
    """Labels VIP (2 contacts), Trial (2), Unused (0); Acme (2), Globex (1), Initech (0)."""
    catalog.add_labels(store, ["VIP", "Trial", "Unused"])
    catalog.add_company(store, "Acme", "acme.example")
    catalog.add_company(store, "Globex")
    catalog.add_company(store, "Initech")
    catalog.add_field(store, "plan", "select", ["basic", "pro", "enterprise"], "Plan")
    report = import_file("contacts", write_csv(PEOPLE), store, ImportOptions())
    assert (report.counts.created, report.counts.failed) == (4, 0)


def labels_of(client, headers, email: str) -> list[str]:
    return client.get(f"/api/contacts/{email}", headers=headers).json()["labels"]


# -- counts -----------------------------------------------------------------------------------


def test_labels_with_counts_say_how_many_contacts_carry_each(client, agent, people):
    answer = client.get("/api/labels", headers=agent, params={"counts": "true"})

    assert answer.status_code == 200
    assert [(x["name"], x["contacts"]) for x in answer.json()] == [
        ("VIP", 2),
        ("Trial", 2),
        ("Unused", 0),
    ]


def test_companies_with_counts_say_how_many_contacts_each_has(client, agent, people):
    answer = client.get("/api/companies", headers=agent, params={"counts": "true"})

    assert answer.status_code == 200
    assert [(x["name"], x["domain"], x["contacts"]) for x in answer.json()] == [
        ("Acme", "acme.example", 2),
        ("Globex", None, 1),
        ("Initech", None, 0),
    ]


@pytest.mark.parametrize("resource", ["labels", "companies"])
def test_lists_without_counts_keep_their_shape(client, agent, people, resource):
    answer = client.get(f"/api/{resource}", headers=agent)

    assert all("contacts" not in item for item in answer.json())


# -- labels -----------------------------------------------------------------------------------


def test_renaming_a_label_keeps_it_on_its_contacts(client, admin, people):
    vip = client.get("/api/labels", headers=admin).json()[0]

    answer = client.patch(f"/api/labels/{vip['id']}", headers=admin, json={"name": "Gold"})

    assert answer.status_code == 200, answer.text
    assert answer.json() == {"id": vip["id"], "name": "Gold"}
    assert labels_of(client, admin, "ann@example.com") == ["Gold", "Trial"]
    assert labels_of(client, admin, "bob@example.com") == ["Gold"]


def test_renaming_a_label_to_its_own_name_in_another_case_is_a_rename(client, admin, people):
    vip = client.get("/api/labels", headers=admin).json()[0]

    answer = client.patch(f"/api/labels/{vip['id']}", headers=admin, json={"name": "vip"})

    assert answer.status_code == 200
    assert labels_of(client, admin, "bob@example.com") == ["vip"]


def test_renaming_a_label_to_another_labels_name_is_409_naming_its_id(client, admin, people):
    vip, trial, _ = client.get("/api/labels", headers=admin).json()

    answer = client.patch(f"/api/labels/{vip['id']}", headers=admin, json={"name": "Trial"})

    assert answer.status_code == 409
    assert answer.json() == {"error": f"label 'Trial' already exists (ID {trial['id']})"}
    assert labels_of(client, admin, "bob@example.com") == ["VIP"]


@pytest.mark.parametrize(
    "name", ["", "  ", "A:B", "x" * 256], ids=["empty", "blank", "colon", "long"]
)
def test_a_label_name_that_cannot_be_is_refused_on_rename(client, admin, people, name):
    vip = client.get("/api/labels", headers=admin).json()[0]

    answer = client.patch(f"/api/labels/{vip['id']}", headers=admin, json={"name": name})

    assert answer.status_code == 422
    assert labels_of(client, admin, "bob@example.com") == ["VIP"]


def test_deleting_a_label_says_how_many_contacts_lost_it_and_leaves_no_link(
    client, admin, people, store
):
    vip = client.get("/api/labels", headers=admin).json()[0]

    answer = client.delete(f"/api/labels/{vip['id']}", headers=admin)

    assert answer.status_code == 200, answer.text
    assert answer.json() == {"id": vip["id"], "name": "VIP", "contacts": 2}
    assert [x["name"] for x in client.get("/api/labels", headers=admin).json()] == [
        "Trial",
        "Unused",
    ]
    assert labels_of(client, admin, "ann@example.com") == ["Trial"]
    assert labels_of(client, admin, "bob@example.com") == []
    assert client.get("/api/contacts", headers=admin).json()["total"] == 4
    assert dangling(store) == {"label links": 0, "company ids": 0}


def test_a_deleted_labels_name_can_be_used_again(client, admin, people):
    vip = client.get("/api/labels", headers=admin).json()[0]
    client.delete(f"/api/labels/{vip['id']}", headers=admin)

    answer = client.post("/api/labels", headers=admin, json={"name": "VIP"})

    assert answer.status_code == 201
    assert labels_of(client, admin, "bob@example.com") == []


# -- companies --------------------------------------------------------------------------------


def companies_of(client, headers) -> dict[str, int | None]:
    items = client.get("/api/contacts", headers=headers).json()["items"]
    return {item["email"]: item["company_id"] for item in items}


def test_editing_a_company_changes_its_name_and_domain(client, admin, people):
    acme = client.get("/api/companies", headers=admin).json()[0]

    answer = client.patch(
        f"/api/companies/{acme['id']}",
        headers=admin,
        json={"name": "Acme Corp", "domain": "ACME.example.org"},
    )

    assert answer.status_code == 200, answer.text
    assert answer.json() == {"id": acme["id"], "name": "Acme Corp", "domain": "acme.example.org"}
    assert companies_of(client, admin)["ann@example.com"] == acme["id"]


CHANGES = {
    "name only: the domain stays": ({"name": "Acme Ltd"}, ("Acme Ltd", "acme.example")),
    "domain only": ({"domain": "acme.test"}, ("Acme", "acme.test")),
    "domain null: removed": ({"domain": None}, ("Acme", None)),
    "domain empty: removed": ({"domain": ""}, ("Acme", None)),
    "its own name in capitals": ({"name": "ACME"}, ("ACME", "acme.example")),
}


@pytest.mark.parametrize("body,expected", CHANGES.values(), ids=CHANGES.keys())
def test_a_company_change_leaves_what_it_does_not_name(client, admin, people, body, expected):
    acme = client.get("/api/companies", headers=admin).json()[0]

    answer = client.patch(f"/api/companies/{acme['id']}", headers=admin, json=body)

    assert answer.status_code == 200, answer.text
    assert (answer.json()["name"], answer.json()["domain"]) == expected


@pytest.mark.parametrize("name", ["Globex", " globex ", "GLOBEX"])
def test_renaming_a_company_to_another_companys_name_is_409_naming_its_id(
    client, admin, people, name
):
    acme, globex, _ = client.get("/api/companies", headers=admin).json()

    answer = client.patch(f"/api/companies/{acme['id']}", headers=admin, json={"name": name})

    assert answer.status_code == 409
    assert answer.json() == {"error": f"company 'Globex' already exists (ID {globex['id']})"}
    assert client.get("/api/companies", headers=admin).json()[0] == acme


def test_deleting_a_company_unlinks_its_contacts_who_stay(client, admin, people, store):
    acme = client.get("/api/companies", headers=admin).json()[0]

    answer = client.delete(f"/api/companies/{acme['id']}", headers=admin)

    assert answer.status_code == 200, answer.text
    assert answer.json() == {"id": acme["id"], "name": "Acme", "contacts": 2}
    assert companies_of(client, admin) == {
        "ann@example.com": None,
        "bob@example.com": None,
        "cy@example.com": 2,
        "di@example.com": None,
    }
    assert dangling(store) == {"label links": 0, "company ids": 0}


def test_an_undo_after_a_company_was_deleted_leaves_no_dangling_company(
    client, admin, people, imports, store
):
    """The journal remembers the deleted company's id; undo must not bring it back."""
    job = imports.run(admin, "email,first_name\nann@example.com,Annie\n")
    client.delete("/api/companies/1", headers=admin)

    undone = client.post(f"/api/imports/{job['id']}/undo", headers=admin, params={"force": "true"})

    assert undone.status_code == 200, undone.text
    assert undone.json()["restored"] == 1
    assert companies_of(client, admin)["ann@example.com"] is None
    assert dangling(store) == {"label links": 0, "company ids": 0}


def test_an_undo_after_a_label_was_deleted_leaves_no_dangling_link(
    client, admin, people, imports, store
):
    job = imports.run(admin, "email,first_name\nann@example.com,Annie\n")
    client.delete("/api/labels/1", headers=admin)

    undone = client.post(f"/api/imports/{job['id']}/undo", headers=admin, params={"force": "true"})

    assert undone.status_code == 200, undone.text
    assert undone.json()["restored"] == 1
    assert labels_of(client, admin, "ann@example.com") == ["Trial"]
    assert dangling(store) == {"label links": 0, "company ids": 0}


# -- custom fields ----------------------------------------------------------------------------


def plan_field(client, headers) -> dict:
    return next(
        f for f in client.get("/api/fields", headers=headers).json() if f["variable_name"] == "plan"
    )


def test_editing_a_field_changes_its_title_and_options(client, admin, people):
    plan = plan_field(client, admin)

    answer = client.patch(
        f"/api/fields/{plan['id']}",
        headers=admin,
        json={"title": "Plan name", "options": ["basic", "pro", "team"]},
    )

    assert answer.status_code == 200, answer.text
    assert answer.json() == {**plan, "title": "Plan name", "options": ["basic", "pro", "team"]}
    assert plan_field(client, admin) == answer.json()


def test_an_option_no_contact_holds_can_be_removed(client, admin, people):
    plan = plan_field(client, admin)

    answer = client.patch(
        f"/api/fields/{plan['id']}", headers=admin, json={"options": ["basic", "pro"]}
    )

    assert answer.status_code == 200
    assert answer.json()["options"] == ["basic", "pro"]
    assert answer.json()["title"] == "Plan"


def test_removing_an_option_contacts_hold_is_409_saying_how_many(client, admin, people):
    plan = plan_field(client, admin)

    answer = client.patch(
        f"/api/fields/{plan['id']}", headers=admin, json={"options": ["basic", "enterprise"]}
    )

    assert answer.status_code == 409
    assert answer.json() == {
        "error": "an option some contacts hold cannot be removed: 'pro' (held by 2 "
        "contacts); keep it, or give those contacts another value first"
    }
    assert plan_field(client, admin) == plan


def test_a_field_change_cannot_give_a_text_field_options(client, admin, people):
    field = client.post("/api/fields", headers=admin, json={"variable_name": "city"}).json()

    answer = client.patch(f"/api/fields/{field['id']}", headers=admin, json={"options": ["a"]})

    assert answer.status_code == 422
    assert "--" not in answer.json()["error"]


def test_a_select_field_keeps_at_least_one_option(client, admin, people):
    field = client.post(
        "/api/fields",
        headers=admin,
        json={"variable_name": "size", "type": "select", "options": ["s"]},
    ).json()

    answer = client.patch(f"/api/fields/{field['id']}", headers=admin, json={"options": []})

    assert answer.status_code == 422
    assert "--" not in answer.json()["error"]


# -- who may -----------------------------------------------------------------------------------

CHANGES_BY_AGENT = {
    "rename a label": ("patch", "/api/labels/1", {"name": "Gold"}),
    "delete a label": ("delete", "/api/labels/1", None),
    "create a label": ("post", "/api/labels", {"name": "New"}),
    "edit a company": ("patch", "/api/companies/1", {"name": "Other"}),
    "delete a company": ("delete", "/api/companies/1", None),
    "create a company": ("post", "/api/companies", {"name": "New"}),
    "edit a field": ("patch", "/api/fields/1", {"title": "Other"}),
    "create a field": ("post", "/api/fields", {"variable_name": "new"}),
}


@pytest.mark.parametrize("method,path,body", CHANGES_BY_AGENT.values(), ids=CHANGES_BY_AGENT.keys())
def test_an_agent_changes_nothing_403(client, agent, people, cli, method, path, body):
    before = [cli.json(kind, "list") for kind in ("labels", "companies", "fields")]
    kwargs = {"json": body} if body is not None else {}

    answer = client.request(method.upper(), path, headers=agent, **kwargs)

    assert answer.status_code == 403
    assert set(answer.json()) == {"error"}
    assert [cli.json(kind, "list") for kind in ("labels", "companies", "fields")] == before


@pytest.mark.parametrize("method,path,body", CHANGES_BY_AGENT.values(), ids=CHANGES_BY_AGENT.keys())
def test_anonymous_changes_are_401(client, people, method, path, body):
    kwargs = {"json": body} if body is not None else {}

    assert client.request(method.upper(), path, **kwargs).status_code == 401


MISSING = {
    "rename an unknown label": ("patch", "/api/labels/99", {"name": "X"}),
    "delete an unknown label": ("delete", "/api/labels/99", None),
    "edit an unknown company": ("patch", "/api/companies/99", {"name": "X"}),
    "delete an unknown company": ("delete", "/api/companies/99", None),
    "edit an unknown field": ("patch", "/api/fields/99", {"title": "X"}),
}


@pytest.mark.parametrize("method,path,body", MISSING.values(), ids=MISSING.keys())
def test_an_unknown_id_is_404(client, admin, people, method, path, body):
    kwargs = {"json": body} if body is not None else {}

    answer = client.request(method.upper(), path, headers=admin, **kwargs)

    assert answer.status_code == 404
    assert set(answer.json()) == {"error"}


@pytest.mark.parametrize(
    "path", ["/api/labels/0", "/api/labels/x", "/api/companies/-1", "/api/fields/99999999999"]
)
def test_an_id_that_cannot_be_is_422_never_5xx(client, admin, people, path):
    assert client.patch(path, headers=admin, json={"name": "X", "title": "X"}).status_code == 422


def test_openapi_documents_every_change(client):
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]

    for path, method, codes in [
        ("/api/labels/{label_id}", "patch", {"200", "403", "404", "409", "422"}),
        ("/api/labels/{label_id}", "delete", {"200", "403", "404"}),
        ("/api/companies/{company_id}", "patch", {"200", "403", "404", "409", "422"}),
        ("/api/companies/{company_id}", "delete", {"200", "403", "404"}),
        ("/api/fields/{field_id}", "patch", {"200", "403", "404", "409", "422"}),
    ]:
        operation = paths[path][method]
        assert operation["summary"], (path, method)
        assert codes <= set(operation["responses"]), (path, method)
    assert "counts" in [p["name"] for p in paths["/api/labels"]["get"]["parameters"]]
    assert "counts" in [p["name"] for p in paths["/api/companies"]["get"]["parameters"]]


# -- no 5xx, whatever the body ------------------------------------------------------------------

CHANGE_ROUTES = {
    "label": (("PATCH", "/api/labels/{label_id}"), "/api/labels/1"),
    "company": (("PATCH", "/api/companies/{company_id}"), "/api/companies/1"),
    "field": (("PATCH", "/api/fields/{field_id}"), "/api/fields/1"),
}


@pytest.mark.parametrize("route,url", CHANGE_ROUTES.values(), ids=CHANGE_ROUTES.keys())
def test_arbitrary_change_bodies_get_documented_answers(client, admin, people, route, url):
    from hypothesis import given

    from .test_api_robustness import FUZZ, JSON_BODIES, assert_documented_answer

    @FUZZ
    @given(body=JSON_BODIES)
    def check(body: object) -> None:
        answer = client.patch(url, headers=admin, content=json.dumps(body))
        assert_documented_answer(route, answer)

    check()
