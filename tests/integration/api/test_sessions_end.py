"""Sessions and tokens end (docs/api.md#sessions-and-tokens).

The review: after a users import changed a password the old token and web session still
worked, and a deactivated then reactivated user's old token worked again. Now every token
and session of a user ends when the password is changed (users import, CLI, undo) or the
user is deactivated, and stays dead on reactivation; the hash upgrade at first sign-in is
not a change. Web sessions end after ``ROLODEX_SESSION_IDLE_MINUTES`` idle and
``ROLODEX_SESSION_MAX_HOURS`` after sign-in; an API token may ask for ``expires_in``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import update

from rolodex.store import schema as t
from tests.helpers import ADMIN, AGENT

from .conftest import sign_in


def web_session(client, email: str, password: str) -> None:  # type: ignore[no-untyped-def]
    csrf = re.search(r'name="csrf" value="([^"]*)"', client.get("/login").text)
    assert csrf
    data = {"email": email, "password": password, "csrf": csrf.group(1)}
    assert client.post("/login", data=data, follow_redirects=False).status_code == 303


def signed_in_page(client) -> bool:  # type: ignore[no-untyped-def]
    """Does the session cookie still open a page (rather than lead to /login)?"""
    answer = client.get("/contacts", follow_redirects=False)
    assert answer.status_code in (200, 303)
    return answer.status_code == 200


def users_file(write_csv, rows: str):  # type: ignore[no-untyped-def]
    return write_csv("email,password,active\n" + rows, "team-change.csv")


@pytest.fixture
def holder(client, accounts):  # type: ignore[no-untyped-def]
    """The agent signed in twice: an API token and a web session (the client's cookie)."""
    token = sign_in(client, *AGENT)
    web_session(client, *AGENT)
    assert signed_in_page(client)
    return token


def test_a_password_changed_by_a_cli_users_import_ends_tokens_and_sessions(
    client, holder, cli, write_csv
):
    done = cli("import", "users", users_file(write_csv, f"{AGENT[0]},a-new-password,true\n"))
    assert done.exit_code == 0, done.stderr

    assert client.get("/api/labels", headers=holder).status_code == 401
    assert not signed_in_page(client)
    assert (
        client.post(
            "/api/tokens", json={"email": AGENT[0], "password": "a-new-password"}
        ).status_code
        == 201
    )


def test_the_same_password_imported_again_ends_nothing(client, holder, cli, write_csv):
    done = cli("import", "users", users_file(write_csv, f"{AGENT[0]},{AGENT[1]},true\n"))
    assert done.exit_code == 0, done.stderr

    assert client.get("/api/labels", headers=holder).status_code == 200
    assert signed_in_page(client)


def test_a_deactivated_users_tokens_stay_dead_after_reactivation(client, holder, cli, write_csv):
    off = cli("import", "users", users_file(write_csv, f"{AGENT[0]},,false\n"))
    on = cli("import", "users", users_file(write_csv, f"{AGENT[0]},,true\n"))
    assert (off.exit_code, on.exit_code) == (0, 0), (off.stderr, on.stderr)

    assert client.get("/api/labels", headers=holder).status_code == 401
    assert not signed_in_page(client)
    assert (
        client.post("/api/tokens", json={"email": AGENT[0], "password": AGENT[1]}).status_code
        == 201
    )


def test_create_admin_setting_a_password_ends_the_old_tokens(client, accounts, cli):
    token = sign_in(client, *ADMIN)

    done = cli("users", "create-admin", ADMIN[0], stdin="another-admin-secret\n")
    assert done.exit_code == 0, done.stderr

    assert client.get("/api/labels", headers=token).status_code == 401


def test_the_hash_upgrade_at_first_sign_in_ends_nothing(client, accounts, cli, write_csv, store):
    old_style = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("old-secret")
    path = write_csv(f'email,password_hash\nold@example.com,"{old_style}"\n', "old.csv")
    assert cli("import", "users", path).exit_code == 0

    first = sign_in(client, "old@example.com", "old-secret")  # the hash is upgraded here
    with store.read() as conn:
        stored = conn.execute(t.users.select().where(t.users.c.email == "old@example.com")).one()
    assert stored.password_hash != old_style
    sign_in(client, "old@example.com", "old-secret")

    assert client.get("/api/labels", headers=first).status_code == 200


def age_sessions(store, **values) -> None:  # type: ignore[no-untyped-def]
    with store.write() as conn:
        conn.execute(update(t.api_tokens).where(t.api_tokens.c.kind == "session").values(**values))


def test_an_idle_web_session_ends(client, holder, store):
    age_sessions(store, expires_at=datetime.now(UTC) - timedelta(seconds=1))

    assert not signed_in_page(client)
    assert client.get("/api/labels", headers=holder).status_code == 200  # a token is not a session


def test_a_web_session_ends_after_its_lifetime_however_busy(client, holder, store):
    now = datetime.now(UTC)
    age_sessions(
        store, created_at=now - timedelta(hours=12, seconds=1), expires_at=now + timedelta(hours=1)
    )

    assert not signed_in_page(client)


def test_each_use_moves_the_sessions_end_on_but_not_past_its_lifetime(client, holder, store):
    now = datetime.now(UTC)
    age_sessions(store, expires_at=now + timedelta(minutes=5))
    assert signed_in_page(client)
    with store.read() as conn:
        end = (
            conn.execute(t.api_tokens.select().where(t.api_tokens.c.kind == "session"))
            .one()
            .expires_at
        )
    assert timedelta(minutes=119) < end.replace(tzinfo=UTC) - now <= timedelta(minutes=121)

    age_sessions(
        store,
        created_at=now - timedelta(hours=11, minutes=30),
        expires_at=now + timedelta(minutes=5),
    )
    assert signed_in_page(client)
    with store.read() as conn:
        end = (
            conn.execute(t.api_tokens.select().where(t.api_tokens.c.kind == "session"))
            .one()
            .expires_at
        )
    assert end.replace(tzinfo=UTC) - now <= timedelta(minutes=31)


def test_an_api_token_may_ask_to_end(client, accounts, store):
    answer = client.post(
        "/api/tokens", json={"email": AGENT[0], "password": AGENT[1], "expires_in": 3600}
    )
    assert answer.status_code == 201
    headers = {"Authorization": f"Bearer {answer.json()['token']}"}
    assert client.get("/api/labels", headers=headers).status_code == 200

    with store.write() as conn:
        conn.execute(
            update(t.api_tokens).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )

    assert client.get("/api/labels", headers=headers).status_code == 401


@pytest.mark.parametrize("expires_in", [0, 59, 10**9, "soon"])
def test_an_expiry_out_of_range_is_422(client, accounts, expires_in):
    answer = client.post(
        "/api/tokens", json={"email": AGENT[0], "password": AGENT[1], "expires_in": expires_in}
    )

    assert answer.status_code == 422
    assert set(answer.json()) == {"error"}


def test_expires_in_is_documented(client):
    schema = client.get("/openapi.json").json()["components"]["schemas"]["Credentials"]

    assert "expires_in" in schema["properties"]
