"""Throttled sign-in, API and web (docs/api.md#throttled-sign-in); ``tests/e2e`` has it against a
real server. The review: 30 wrong passwords then the right one gave 201."""

from __future__ import annotations

import re

import pytest

from tests.helpers import ADMIN, AGENT

WRONG_GUESSES = 30


def guess(client, email: str, password: str):  # type: ignore[no-untyped-def]
    return client.post("/api/tokens", json={"email": email, "password": password})


@pytest.mark.parametrize("email", [AGENT[0], "nobody@example.com"], ids=["known", "unknown"])
def test_thirty_wrong_passwords_then_the_right_one_is_429_with_retry_after(client, accounts, email):
    statuses = [guess(client, email, f"wrong-{i}").status_code for i in range(WRONG_GUESSES)]

    right = guess(client, email, AGENT[1])

    assert statuses == [401] * 5 + [429] * 25  # the same for an account that does not exist
    assert right.status_code == 429
    assert set(right.json()) == {"error"}
    assert 1 <= int(right.headers["Retry-After"]) <= 30


def test_the_lock_ends_and_the_right_password_works_again(client, accounts):
    now = [0.0]
    client.app.state.throttle.clock = lambda: now[0]
    for i in range(6):
        guess(client, AGENT[0], f"wrong-{i}")

    now[0] += 31

    assert guess(client, AGENT[0], AGENT[1]).status_code == 201


def test_one_address_guessing_many_accounts_is_slowed_too(client, accounts):
    for i in range(20):
        assert guess(client, f"user{i}@example.com", "guess").status_code == 401

    assert guess(client, ADMIN[0], ADMIN[1]).status_code == 429


def test_the_web_sign_in_is_throttled_alike(client, accounts):
    def log_in(password: str):  # type: ignore[no-untyped-def]
        form = client.get("/login").text
        csrf = re.search(r'name="csrf" value="([^"]*)"', form)
        assert csrf
        data = {"email": AGENT[0], "password": password, "csrf": csrf.group(1)}
        return client.post("/login", data=data, follow_redirects=False)

    statuses = [log_in(f"wrong-{i}").status_code for i in range(WRONG_GUESSES)]
    right = log_in(AGENT[1])

    assert statuses == [401] * 5 + [429] * 25
    assert right.status_code == 429
    assert "Retry-After" in right.headers
    assert "Too many sign-in attempts" in right.text
    assert "rolodex_session" not in right.cookies


def test_429_is_documented_for_the_sign_in(client):
    assert "429" in client.get("/openapi.json").json()["paths"]["/api/tokens"]["post"]["responses"]
