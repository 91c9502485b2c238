"""The team page ``/team`` (docs/api.md#the-team), and the first-admin
hint on the login page. Admins list the team and add, deactivate, reactivate, reset and
promote or demote; agents get 403 as from ``/api/users``; the last active admin is kept; a
generated password is shown once; a reset or a deactivation ends the person's sessions and
tokens. Driven through Starlette's TestClient, on SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from rolodex.services import team
from rolodex.store import users
from tests.helpers import ADMIN, AGENT, INACTIVE

from ..test_web_pages import csrf_of, log_in, text_of
from .conftest import sign_in


def signed_in(client: TestClient) -> bool:
    return client.get("/contacts", follow_redirects=False).status_code == 200


def user_id(client: TestClient, email: str) -> int:
    """The person's id, from ``/api/users`` read with the admin's session cookie."""
    return next(u["id"] for u in client.get("/api/users").json() if u["email"] == email)


def post(client: TestClient, path: str, **fields: str) -> Any:
    token = csrf_of(client.get("/team").text)
    return client.post(path, data={"csrf": token, **fields}, follow_redirects=False)


def team_state(client: TestClient) -> dict[str, tuple[str, bool]]:
    """Everyone's (role, active), read back through the API with the admin's cookie."""
    return {u["email"]: (u["role"], u["active"]) for u in client.get("/api/users").json()}


@pytest.fixture
def admin_page(client: TestClient, accounts: None) -> TestClient:
    assert log_in(client, *ADMIN).status_code == 303
    return client


@pytest.fixture
def agent_page(make_client: Any, accounts: None) -> TestClient:
    other = make_client(run_worker=False)
    assert log_in(other, *AGENT).status_code == 303
    return other


# -- who may see it -------------------------------------------------------------------------------


def test_an_admin_sees_everyone_with_role_state_and_last_log_in(admin_page):
    answer = admin_page.get("/team")

    assert answer.status_code == 200
    text = text_of(answer.text)
    for email in (ADMIN[0], AGENT[0], INACTIVE[0]):
        assert email in text
    assert "inactive" in text and "never" in text  # the inactive agent never logged in
    assert 'href="/team" aria-current="page"' in answer.text
    assert "$argon2" not in answer.text


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/team", {"email": "x@example.com", "password": "long-enough", "action": "set"}),
        ("/team/1/active", {"active": "false"}),
        ("/team/1/role", {"role": "agent"}),
        ("/team/1/password", {"action": "temporary"}),
    ],
)
def test_an_agent_is_refused_with_403_and_changes_nothing(admin_page, agent_page, path, fields):
    before = team_state(admin_page)
    token = csrf_of(agent_page.get("/contacts").text)

    answer = agent_page.post(path, data={"csrf": token, **fields}, follow_redirects=False)

    assert answer.status_code == 403
    assert "Only an admin" in text_of(answer.text)
    assert agent_page.get("/team").status_code == 403
    assert 'href="/team"' not in agent_page.get("/contacts").text
    assert team_state(admin_page) == before


def test_a_post_without_the_csrf_token_is_refused(admin_page):
    agent = user_id(admin_page, AGENT[0])

    answer = admin_page.post(f"/team/{agent}/active", data={"active": "false"})

    assert answer.status_code == 403
    assert team_state(admin_page)[AGENT[0]] == ("agent", True)


# -- adding ---------------------------------------------------------------------------------------


def test_a_person_added_with_a_password_can_log_in(admin_page, make_client):
    answer = post(
        admin_page, "/team", email="nia@example.com", first_name="Nia", last_name="Lee",
        role="agent", password="nia-secret", action="set",
    )  # fmt: skip

    assert answer.status_code == 200, text_of(answer.text)
    assert "nia@example.com is on the team as an agent" in text_of(answer.text)
    assert "nia-secret" not in answer.text
    assert log_in(make_client(run_worker=False), "nia@example.com", "nia-secret").status_code == 303


def test_a_temporary_password_is_shown_once_and_opens_the_account(admin_page, make_client):
    answer = post(admin_page, "/team", email="tim@example.com", role="admin", action="temporary")

    assert answer.status_code == 200, text_of(answer.text)
    assert answer.headers["cache-control"] == "no-store"
    shown = re.search(r'id="temporary-password">([^<]+)<', answer.text)
    assert shown, text_of(answer.text)
    temporary = html.unescape(shown.group(1))
    assert temporary not in admin_page.get("/team").text
    assert temporary not in admin_page.get("/api/users").text
    newcomer = make_client(run_worker=False)
    assert log_in(newcomer, "tim@example.com", temporary).status_code == 303
    assert newcomer.get("/team").status_code == 200  # added as an admin


@pytest.mark.parametrize(
    ("fields", "status", "says"),
    [
        ({"email": "x@example.com", "action": "set"}, 422, "“Add with a temporary password”"),
        ({"email": "x@example.com", "password": "short", "action": "set"}, 422, "at least 6"),
        ({"email": "x@example.com", "password": "y" * 1025, "action": "set"}, 422, "too long"),
        ({"email": "nope", "password": "long-enough", "action": "set"}, 422, "email"),
        ({"email": AGENT[0], "password": "long-enough", "action": "set"}, 409, "already"),
    ],
)
def test_a_refused_addition_says_why_in_words_of_the_page(admin_page, fields, status, says):
    before = team_state(admin_page)

    answer = post(admin_page, "/team", **fields)

    assert answer.status_code == status
    message = re.search(r'id="team-problem"><p>(.*?)</p>', answer.text, flags=re.S)
    assert message and says in html.unescape(message.group(1)), text_of(answer.text)
    assert "--" not in html.unescape(message.group(1))  # never a command-line flag
    assert f'value="{html.escape(fields["email"])}"' in answer.text  # the form is kept
    assert team_state(admin_page) == before


# -- the last active admin ------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "fields"), [("active", {"active": "false"}),
                                              ("role", {"role": "agent"})])  # fmt: skip
def test_the_last_active_admin_cannot_be_deactivated_or_demoted(admin_page, path, fields):
    me = user_id(admin_page, ADMIN[0])

    answer = post(admin_page, f"/team/{me}/{path}", **fields)

    assert answer.status_code == 409
    assert "last active admin" in text_of(answer.text)
    assert team_state(admin_page)[ADMIN[0]] == ("admin", True)


def test_with_a_second_admin_the_first_may_step_down(admin_page):
    agent, me = user_id(admin_page, AGENT[0]), user_id(admin_page, ADMIN[0])
    assert post(admin_page, f"/team/{agent}/role", role="admin").status_code == 200

    answer = post(admin_page, f"/team/{me}/role", role="agent")

    assert answer.status_code == 303, text_of(answer.text)  # on to "/", not the team page
    assert answer.headers["location"] == "/"
    assert admin_page.get("/team").status_code == 403  # the role takes effect at once


# -- sessions end ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("password", {"action": "set", "password": "a-new-secret"}),
        ("password", {"action": "temporary"}),
        ("active", {"active": "false"}),
    ],
)
def test_a_reset_or_a_deactivation_ends_the_persons_sessions_and_tokens(
    admin_page, agent_page, path, fields
):
    token = sign_in(admin_page, *AGENT)
    assert signed_in(agent_page)

    answer = post(admin_page, f"/team/{user_id(admin_page, AGENT[0])}/{path}", **fields)

    assert answer.status_code == 200, text_of(answer.text)
    assert "sessions and API tokens have ended" in text_of(answer.text)
    assert not signed_in(agent_page)
    assert admin_page.get("/api/labels", headers=token).status_code == 401
    assert signed_in(admin_page)


def test_a_temporary_reset_replaces_the_password(admin_page, make_client):
    answer = post(admin_page, f"/team/{user_id(admin_page, AGENT[0])}/password",
                  action="temporary")  # fmt: skip

    temporary = html.unescape(re.findall(r'id="temporary-password">([^<]+)<', answer.text)[0])
    fresh = make_client(run_worker=False)
    assert log_in(fresh, *AGENT).status_code == 401
    assert log_in(fresh, AGENT[0], temporary).status_code == 303


def test_reactivation_lets_the_person_log_in_again(admin_page, make_client):
    gone = user_id(admin_page, INACTIVE[0])

    answer = post(admin_page, f"/team/{gone}/active", active="true")

    assert "active again" in text_of(answer.text)
    assert log_in(make_client(run_worker=False), *INACTIVE).status_code == 303


def test_an_empty_new_password_names_the_buttons_and_changes_nothing(admin_page):
    token = sign_in(admin_page, *AGENT)

    answer = post(admin_page, f"/team/{user_id(admin_page, AGENT[0])}/password", action="set")

    assert answer.status_code == 422
    assert "“New password”" in text_of(answer.text)
    assert "“Generate a temporary password”" in text_of(answer.text)
    assert admin_page.get("/api/labels", headers=token).status_code == 200


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/team/2/active", {"active": "maybe"}),
        ("/team/2/role", {"role": "root"}),
        ("/team", {"email": "x@example.com", "role": "root", "action": "temporary"}),
    ],
)
def test_a_tampered_form_is_refused_and_changes_nothing(admin_page, path, fields):
    before = team_state(admin_page)

    answer = post(admin_page, path, **fields)

    assert answer.status_code == 422
    assert team_state(admin_page) == before


@pytest.mark.parametrize("path", ["/team/999/active", "/team/0/active", "/team/x/active"])
def test_an_unknown_person_is_a_404_page(admin_page, path):
    answer = post(admin_page, path, active="false")

    assert answer.status_code == 404
    assert "text/html" in answer.headers["content-type"]


# -- the login page's first-admin hint ------------------------------------------------------------

HINT = "rolodex users create-admin EMAIL"


def test_with_no_admin_the_login_page_names_the_command_that_makes_one(client):
    page = client.get("/login")

    assert page.status_code == 200
    assert HINT in text_of(page.text)
    assert page.text.count('id="first-admin"') == 1
    assert "<var>EMAIL</var>" in page.text
    assert re.search(r"<input[^>]*first-admin", page.text) is None  # not inside the form


def test_with_only_an_inactive_admin_the_hint_stays(client, accounts, store):
    me = next(m for m in team.members(store) if m.record.state.email == ADMIN[0])
    with store.write() as conn:
        users.change(conn, me.record.state.id, active=False)

    assert HINT in text_of(client.get("/login").text)


def test_with_an_admin_the_login_page_does_not_show_the_hint(client, accounts):
    page = text_of(client.get("/login").text)

    assert "create-admin" not in page and "No admin account" not in page
