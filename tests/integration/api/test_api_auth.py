"""Signing in and who may do what (docs/api.md#signing-in, docs/api.md#who-may-do-what).

``POST /api/tokens`` trades an active user's email and password for a bearer token; a wrong
password, an unknown email and an inactive user get the very same 401. Tokens are stored
hashed and can be revoked. Every endpoint under ``/api`` has a case below: anonymous → 401;
an agent on an admin-only action → 403 (and an admin gets through). A new endpoint without
a case makes ``test_every_api_endpoint_has_an_authorization_case`` fail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.routing import APIRoute

try:  # FastAPI keeps included routers lazily since 0.16x; walk them as they resolve
    from fastapi.routing import iter_route_contexts
except ImportError:  # older FastAPI: app.routes holds the routes themselves

    def iter_route_contexts(routes):  # type: ignore[no-untyped-def]
        return iter(routes)


from rolodex.config import Settings
from rolodex.store import schema as t
from rolodex.web.app import create_app
from tests.helpers import ADMIN, AGENT, INACTIVE

from .conftest import sign_in

CONTACTS_FILE = b"email,first_name\nzoe@example.com,Zoe\n"
USERS_FILE = b"email,first_name,password\nnew.agent@example.com,Neo,new-secret\n"


@dataclass(frozen=True)
class Call:
    """One concrete request to an endpoint, and what a signed-in agent gets from it."""

    method: str
    url: str
    agent_gets: int
    admin_gets: int | None = None
    json: Any = None
    data: dict[str, str] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes, str]] | None = None

    def send(self, client, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        return client.request(
            self.method,
            self.url,
            headers=headers or {},
            json=self.json,
            data=self.data or None,
            files=self.files,
        )


def upload(kind: str, content: bytes, agent_gets: int, admin_gets: int) -> Call:
    return Call(
        "POST",
        "/api/imports",
        agent_gets,
        admin_gets,
        data={"kind": kind},
        files={"file": ("file.csv", content, "text/csv")},
    )


# (method, route path) → a request to it. POST /api/tokens is the one public endpoint.
PUBLIC = {("POST", "/api/tokens")}
CASES: dict[tuple[str, str], Call] = {
    ("DELETE", "/api/tokens/current"): Call("DELETE", "/api/tokens/current", 204),
    ("POST", "/api/imports"): upload("contacts", CONTACTS_FILE, 202, 202),
    ("GET", "/api/imports"): Call("GET", "/api/imports", 200),
    ("GET", "/api/imports/{import_id}"): Call("GET", "/api/imports/424242", 404),
    ("GET", "/api/imports/{import_id}/errors.csv"): Call(
        "GET", "/api/imports/424242/errors.csv", 404
    ),
    ("POST", "/api/imports/{import_id}/undo"): Call("POST", "/api/imports/424242/undo", 403, 404),
    ("GET", "/api/contacts"): Call("GET", "/api/contacts", 200),
    ("GET", "/api/contacts/{contact}"): Call("GET", "/api/contacts/nobody@example.com", 404),
    ("PATCH", "/api/contacts/{contact}"): Call(
        "PATCH", "/api/contacts/424242", 403, 404, json={"first_name": "Zoe"}
    ),
    ("GET", "/api/export/contacts.csv"): Call("GET", "/api/export/contacts.csv", 200),
    ("GET", "/api/labels"): Call("GET", "/api/labels", 200),
    ("POST", "/api/labels"): Call("POST", "/api/labels", 403, 201, json={"name": "VIP"}),
    ("GET", "/api/companies"): Call("GET", "/api/companies", 200),
    ("POST", "/api/companies"): Call("POST", "/api/companies", 403, 201, json={"name": "Acme"}),
    ("GET", "/api/fields"): Call("GET", "/api/fields", 200),
    ("POST", "/api/fields"): Call(
        "POST", "/api/fields", 403, 201, json={"variable_name": "plan", "type": "text"}
    ),
    ("PATCH", "/api/labels/{label_id}"): Call(
        "PATCH", "/api/labels/424242", 403, 404, json={"name": "VIP"}
    ),
    ("DELETE", "/api/labels/{label_id}"): Call("DELETE", "/api/labels/424242", 403, 404),
    ("PATCH", "/api/companies/{company_id}"): Call(
        "PATCH", "/api/companies/424242", 403, 404, json={"name": "Acme"}
    ),
    ("DELETE", "/api/companies/{company_id}"): Call("DELETE", "/api/companies/424242", 403, 404),
    ("PATCH", "/api/fields/{field_id}"): Call(
        "PATCH", "/api/fields/424242", 403, 404, json={"title": "Plan"}
    ),
    ("GET", "/api/users"): Call("GET", "/api/users", 403, 200),
    ("POST", "/api/users"): Call(
        "POST",
        "/api/users",
        403,
        201,
        json={"email": "neo@example.com", "temporary_password": True},
    ),
    ("PATCH", "/api/users/{user_id}"): Call(
        "PATCH", "/api/users/424242", 403, 404, json={"active": True}
    ),
    ("GET", "/api/templates/contacts.csv"): Call("GET", "/api/templates/contacts.csv", 200),
    ("GET", "/api/templates/contacts.xlsx"): Call("GET", "/api/templates/contacts.xlsx", 200),
    ("GET", "/api/templates/users.csv"): Call("GET", "/api/templates/users.csv", 403, 200),
    ("GET", "/api/templates/users.xlsx"): Call("GET", "/api/templates/users.xlsx", 403, 200),
}
ADMIN_ONLY = {
    "create a label": CASES[("POST", "/api/labels")],
    "create a company": CASES[("POST", "/api/companies")],
    "create a custom field": CASES[("POST", "/api/fields")],
    "import users": upload("users", USERS_FILE, 403, 202),
    "undo an import": CASES[("POST", "/api/imports/{import_id}/undo")],
    "change a contact": CASES[("PATCH", "/api/contacts/{contact}")],
    "rename a label": CASES[("PATCH", "/api/labels/{label_id}")],
    "delete a label": CASES[("DELETE", "/api/labels/{label_id}")],
    "edit a company": CASES[("PATCH", "/api/companies/{company_id}")],
    "delete a company": CASES[("DELETE", "/api/companies/{company_id}")],
    "edit a custom field": CASES[("PATCH", "/api/fields/{field_id}")],
    "list the team": CASES[("GET", "/api/users")],
    "add to the team": CASES[("POST", "/api/users")],
    "change a team member": CASES[("PATCH", "/api/users/{user_id}")],
    "download the users template (CSV)": CASES[("GET", "/api/templates/users.csv")],
    "download the users template (XLSX)": CASES[("GET", "/api/templates/users.xlsx")],
}
AGENT_MAY = {key: call for key, call in CASES.items() if call not in ADMIN_ONLY.values()}


def api_endpoints() -> set[tuple[str, str]]:
    app = create_app(Settings(database_url="sqlite:///never-opened.db"))
    return {
        (method, route.path)
        for route in iter_route_contexts(app.routes)
        if isinstance(getattr(route, "original_route", route), APIRoute)
        and route.path.startswith("/api")
        for method in route.methods
    }


def case_id(key: tuple[str, str]) -> str:
    return " ".join(key)


# -- POST /api/tokens ------------------------------------------------------------------------------


def test_sign_in_with_email_and_password_gives_a_bearer_token(client, accounts):
    answer = client.post("/api/tokens", json={"email": AGENT[0], "password": AGENT[1]})

    assert answer.status_code == 201
    assert set(answer.json()) == {"token"}
    token = answer.json()["token"]
    assert (
        client.get("/api/labels", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    )


def test_sign_in_matches_the_email_case_insensitively(client, accounts):
    answer = client.post("/api/tokens", json={"email": "AGENT@Example.COM", "password": AGENT[1]})

    assert answer.status_code == 201


REFUSED = {
    "wrong password": (AGENT[0], "not-the-password"),
    "unknown email": ("nobody@example.com", AGENT[1]),
    "inactive user with the right password": INACTIVE,
    "inactive user with a wrong password": (INACTIVE[0], "not-the-password"),
    "password of another user": (AGENT[0], ADMIN[1]),
    "not an email at all": ("agent", AGENT[1]),
    "empty password": (AGENT[0], ""),
}


@pytest.mark.parametrize("email,password", REFUSED.values(), ids=REFUSED.keys())
def test_refused_sign_in_is_401_with_one_body_for_every_reason(client, accounts, email, password):
    reference = client.post("/api/tokens", json={"email": AGENT[0], "password": "wrong-one"})

    answer = client.post("/api/tokens", json={"email": email, "password": password})

    assert answer.status_code == 401
    assert answer.json() == reference.json()
    assert set(answer.json()) == {"error"}


def test_a_user_made_inactive_loses_the_tokens_already_given(client, accounts, admin, imports):
    agent = sign_in(client, *AGENT)
    job = imports.run(admin, f"email,active\n{AGENT[0]},false\n", kind="users")
    assert (job["status"], job["updated"]) == ("done", 1)

    assert client.get("/api/labels", headers=agent).status_code == 401
    refused = client.post("/api/tokens", json={"email": AGENT[0], "password": AGENT[1]})
    assert refused.status_code == 401


# -- DELETE /api/tokens/current --------------------------------------------------------------------


def test_revoking_the_current_token_signs_it_out(client, agent):
    assert client.get("/api/contacts", headers=agent).status_code == 200

    answer = client.delete("/api/tokens/current", headers=agent)

    assert answer.status_code == 204
    assert answer.content == b""
    assert client.get("/api/contacts", headers=agent).status_code == 401
    assert client.delete("/api/tokens/current", headers=agent).status_code == 401


def test_revoking_one_token_leaves_the_users_other_tokens_working(client, accounts):
    laptop, phone = sign_in(client, *AGENT), sign_in(client, *AGENT)

    assert client.delete("/api/tokens/current", headers=laptop).status_code == 204

    assert client.get("/api/contacts", headers=laptop).status_code == 401
    assert client.get("/api/contacts", headers=phone).status_code == 200


def test_tokens_are_stored_hashed(client, accounts, store):
    tokens = [sign_in(client, *who)["Authorization"].split()[1] for who in (ADMIN, AGENT, AGENT)]

    with store.read() as conn:
        rows = [dict(row._mapping) for row in conn.execute(t.api_tokens.select())]

    assert len(rows) == 3
    stored = " ".join(str(value) for row in rows for value in row.values())
    for token in tokens:
        assert token not in stored


# -- authorization, endpoint by endpoint -----------------------------------------------------------


def test_every_api_endpoint_has_an_authorization_case():
    assert api_endpoints() - PUBLIC == set(CASES)


NO_VALID_TOKEN = {
    "anonymous": {},
    "unknown token": {"Authorization": "Bearer not-a-token-anyone-was-given"},
    "empty bearer": {"Authorization": "Bearer "},
    "basic auth": {"Authorization": "Basic YWRtaW5AZXhhbXBsZS5jb206YWRtaW4tc2VjcmV0"},
    "token without a scheme": {"Authorization": "not-a-token-anyone-was-given"},
}


@pytest.mark.parametrize("key", sorted(CASES), ids=case_id)
def test_anonymous_or_unknown_token_is_401(client, key):
    for who, headers in NO_VALID_TOKEN.items():
        answer = CASES[key].send(client, headers)

        assert answer.status_code == 401, (who, answer.text)
        assert set(answer.json()) == {"error"}, who


@pytest.mark.parametrize("call", ADMIN_ONLY.values(), ids=ADMIN_ONLY.keys())
def test_agent_on_an_admin_only_action_is_403(client, agent, call):
    answer = call.send(client, agent)

    assert answer.status_code == 403, answer.text
    assert set(answer.json()) == {"error"}


@pytest.mark.parametrize("call", ADMIN_ONLY.values(), ids=ADMIN_ONLY.keys())
def test_admin_may_do_the_admin_only_actions(client, admin, call):
    answer = call.send(client, admin)

    assert answer.status_code == call.admin_gets, answer.text


@pytest.mark.parametrize("key", sorted(AGENT_MAY), ids=case_id)
def test_agent_gets_through_to_every_other_endpoint(client, agent, key):
    answer = AGENT_MAY[key].send(client, agent)

    assert answer.status_code == AGENT_MAY[key].agent_gets, answer.text


def test_agent_refused_a_users_import_queues_nothing(client, agent, admin):
    before = client.get("/api/imports", headers=admin).json()

    assert ADMIN_ONLY["import users"].send(client, agent).status_code == 403

    assert client.get("/api/imports", headers=admin).json() == before
    refused = client.post("/api/tokens", json={"email": "new.agent@example.com", "password": "x"})
    assert refused.status_code == 401


def test_agent_refused_a_label_creates_nothing(client, agent):
    assert ADMIN_ONLY["create a label"].send(client, agent).status_code == 403

    assert client.get("/api/labels", headers=agent).json() == []
