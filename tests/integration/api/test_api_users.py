"""The team through the API (docs/api.md#the-team): ``GET/POST
/api/users`` and ``PATCH /api/users/{id}``, admins only, no hash in any answer, a generated
password returned once, the last active admin kept, and a reset or a deactivation ending the
person's sessions and tokens. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from rolodex.store import schema as t
from tests.helpers import ADMIN, AGENT

from .conftest import bearer, sign_in


def ids_by_email(client, admin) -> dict[str, int]:  # type: ignore[no-untyped-def]
    answer = client.get("/api/users", headers=admin)
    assert answer.status_code == 200, answer.text
    return {user["email"]: user["id"] for user in answer.json()}


def no_hash_in(text: str) -> bool:
    return "$argon2" not in text and "password_hash" not in text and "$2b$" not in text


def test_an_admin_lists_the_team_with_state_and_no_hash(client, admin):
    answer = client.get("/api/users", headers=admin)

    assert answer.status_code == 200
    people = {user["email"]: user for user in answer.json()}
    assert set(people) == {ADMIN[0], AGENT[0], "gone@example.com"}
    assert (people[ADMIN[0]]["role"], people[ADMIN[0]]["active"]) == ("admin", True)
    assert (people[AGENT[0]]["role"], people["gone@example.com"]["active"]) == ("agent", False)
    assert people[ADMIN[0]]["last_sign_in_at"]  # the fixture's token
    assert people["gone@example.com"]["last_sign_in_at"] is None
    assert no_hash_in(answer.text)


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("GET", "/api/users", None),
        ("POST", "/api/users", {"email": "new@example.com", "temporary_password": True}),
        ("PATCH", "/api/users/1", {"role": "agent"}),
        ("PATCH", "/api/users/999", {"active": False}),
    ],
)
def test_an_agent_is_refused_with_403_on_every_route(client, admin, agent, method, url, body):
    answer = client.request(method, url, headers=agent, json=body)

    assert answer.status_code == 403, answer.text
    assert set(answer.json()) == {"error"}
    assert "new@example.com" not in ids_by_email(client, admin)
    assert client.get("/api/users").status_code == 401


def test_a_user_added_with_a_password_signs_in_with_it(client, admin):
    body = {"email": "New@Example.com", "first_name": "Nia", "password": "nia-secret"}
    answer = client.post("/api/users", headers=admin, json=body)

    assert answer.status_code == 201, answer.text
    made = answer.json()
    assert (made["email"], made["role"], made["active"]) == ("New@example.com", "agent", True)
    assert made["temporary_password"] is None
    assert no_hash_in(answer.text) and "nia-secret" not in answer.text
    sign_in(client, "new@example.com", "nia-secret")


def test_a_temporary_password_is_shown_once_and_opens_the_account(client, admin, store):
    body = {"email": "temp@example.com", "role": "admin", "temporary_password": True}
    answer = client.post("/api/users", headers=admin, json=body)

    assert answer.status_code == 201, answer.text
    temporary = answer.json()["temporary_password"]
    assert temporary and len(temporary) >= 6
    assert no_hash_in(answer.text)
    later = client.get("/api/users", headers=admin).text
    assert temporary not in later
    with store.read() as conn:
        stored = conn.execute(t.users.select()).mappings().all()
    assert all(temporary not in str(dict(row).values()) for row in stored)
    token = sign_in(client, "temp@example.com", temporary)
    assert client.get("/api/users", headers=token).status_code == 200  # made an admin


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"email": "x@example.com"}, 422),  # neither a password nor a temporary one
        ({"email": "x@example.com", "password": "abc", "temporary_password": True}, 422),
        ({"email": "x@example.com", "password": "short"}, 422),
        ({"email": "not-an-email", "password": "long-enough"}, 422),
        ({"email": "x@example.com", "password": "long-enough", "role": "root"}, 422),
        ({"email": AGENT[0].upper(), "password": "long-enough"}, 409),
    ],
)
def test_a_bad_new_user_is_refused_and_nothing_is_added(client, admin, body, status):
    before = ids_by_email(client, admin)

    answer = client.post("/api/users", headers=admin, json=body)

    assert answer.status_code == status, answer.text
    assert set(answer.json()) == {"error"}
    assert ids_by_email(client, admin) == before


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(client, admin):
    me = ids_by_email(client, admin)[ADMIN[0]]

    for change in ({"role": "agent"}, {"active": False}):
        answer = client.patch(f"/api/users/{me}", headers=admin, json=change)
        assert answer.status_code == 409, answer.text
        assert "last active admin" in answer.json()["error"]
    mine = client.get("/api/users", headers=admin).json()
    assert [(u["role"], u["active"]) for u in mine if u["id"] == me] == [("admin", True)]


def test_with_a_second_admin_the_first_may_step_down(client, admin, store):
    people = ids_by_email(client, admin)
    promote = client.patch(f"/api/users/{people[AGENT[0]]}", headers=admin, json={"role": "admin"})
    assert promote.status_code == 200 and promote.json()["role"] == "admin"

    down = client.patch(f"/api/users/{people[ADMIN[0]]}", headers=admin, json={"role": "agent"})
    assert down.status_code == 200, down.text
    second = bearer(store, AGENT[0])
    last = client.patch(f"/api/users/{people[AGENT[0]]}", headers=second, json={"active": False})
    assert last.status_code == 409, last.text


def test_an_inactive_admin_does_not_count_as_the_team_s_admin(client, admin):
    people = ids_by_email(client, admin)
    gone = people["gone@example.com"]
    assert (
        client.patch(f"/api/users/{gone}", headers=admin, json={"role": "admin"}).status_code == 200
    )

    answer = client.patch(f"/api/users/{people[ADMIN[0]]}", headers=admin, json={"active": False})

    assert answer.status_code == 409, answer.text


def test_a_password_reset_ends_the_users_tokens_and_the_new_one_works(client, admin):
    held = sign_in(client, *AGENT)
    agent_id = ids_by_email(client, admin)[AGENT[0]]

    answer = client.patch(
        f"/api/users/{agent_id}", headers=admin, json={"password": "brand-new-secret"}
    )

    assert answer.status_code == 200, answer.text
    assert answer.json()["temporary_password"] is None and no_hash_in(answer.text)
    assert client.get("/api/labels", headers=held).status_code == 401
    sign_in(client, AGENT[0], "brand-new-secret")
    refused = client.post("/api/tokens", json={"email": AGENT[0], "password": AGENT[1]})
    assert refused.status_code == 401


def test_a_temporary_reset_is_returned_once_and_ends_the_old_tokens(client, admin):
    held = sign_in(client, *AGENT)
    agent_id = ids_by_email(client, admin)[AGENT[0]]

    answer = client.patch(
        f"/api/users/{agent_id}", headers=admin, json={"temporary_password": True}
    )

    temporary = answer.json()["temporary_password"]
    assert answer.status_code == 200 and temporary
    assert client.get("/api/labels", headers=held).status_code == 401
    sign_in(client, AGENT[0], temporary)


def test_deactivation_ends_tokens_and_reactivation_does_not_revive_them(client, admin):
    held = sign_in(client, *AGENT)
    agent_id = ids_by_email(client, admin)[AGENT[0]]

    off = client.patch(f"/api/users/{agent_id}", headers=admin, json={"active": False})
    assert off.status_code == 200 and off.json()["active"] is False
    assert client.get("/api/labels", headers=held).status_code == 401
    on = client.patch(f"/api/users/{agent_id}", headers=admin, json={"active": True})
    assert on.status_code == 200 and on.json()["active"] is True

    assert client.get("/api/labels", headers=held).status_code == 401
    sign_in(client, *AGENT)


def test_a_role_change_alone_keeps_the_users_tokens(client, admin):
    held = sign_in(client, *AGENT)
    agent_id = ids_by_email(client, admin)[AGENT[0]]

    answer = client.patch(f"/api/users/{agent_id}", headers=admin, json={"role": "admin"})

    assert answer.status_code == 200
    assert client.get("/api/users", headers=held).status_code == 200


@pytest.mark.parametrize(
    ("url", "body", "status"),
    [
        ("/api/users/999", {"active": False}, 404),
        ("/api/users/0", {"active": False}, 422),
        ("/api/users/1", {"password": "x", "temporary_password": True}, 422),
        ("/api/users/1", {"password": "\tbad\tpass"}, 422),
        ("/api/users/1", {"role": "owner"}, 422),
    ],
)
def test_a_bad_change_is_refused_without_a_5xx(client, admin, url, body, status):
    answer = client.patch(url, headers=admin, json=body)

    assert answer.status_code == status, answer.text
    assert set(answer.json()) == {"error"}


def test_the_routes_are_described_in_openapi(client):
    paths = client.get("/openapi.json").json()["paths"]

    assert {"get", "post"} <= set(paths["/api/users"])
    patch = paths["/api/users/{user_id}"]["patch"]
    assert {"200", "401", "403", "404", "409", "422"} <= set(patch["responses"])
    assert "409" in paths["/api/users"]["post"]["responses"]
