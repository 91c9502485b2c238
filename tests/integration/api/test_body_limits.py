"""Body limits in process (docs/api.md#request-limits); ``tests/e2e/test_served_body_limits.py``
attacks a real server with chunked bodies.

Every request body has a limit, refused with 413 in the API's error shape: an upload's is
the file limit (plus the form around it), any other ``ROLODEX_MAX_BODY_BYTES``, the
sign-in form's 8 KiB — and the sign-in form is URL-encoded only (415 for file parts).
"""

from __future__ import annotations

import pytest

from tests.helpers import ADMIN


def test_a_json_body_past_the_limit_is_413_in_the_error_shape(make_client, admin):
    client = make_client(run_worker=False, max_body_bytes=1000)

    answer = client.post("/api/labels", headers=admin, json={"name": "x" * 2000})

    assert answer.status_code == 413
    assert set(answer.json()) == {"error"}
    assert "1,000 bytes" in answer.json()["error"]


def test_a_sign_in_past_the_limit_is_413_before_the_password_is_checked(client, accounts):
    answer = client.post(
        "/api/tokens",
        content=b'{"email": "' + b"a" * 2_000_000 + b'"}',
        headers={"content-type": "application/json"},
    )

    assert answer.status_code == 413
    assert set(answer.json()) == {"error"}


def test_the_web_sign_in_takes_no_file_parts(client, accounts):
    answer = client.post(
        "/login",
        data={"email": ADMIN[0], "password": ADMIN[1]},
        files={"file": ("x.bin", b"x" * 1000, "application/octet-stream")},
        follow_redirects=False,
    )

    assert answer.status_code == 415
    assert answer.headers["content-type"].startswith("text/html")
    assert "rolodex_session" not in answer.cookies


@pytest.mark.parametrize("size", [9 * 1024, 200 * 1024])
def test_the_web_sign_in_form_is_a_few_kib_at_most(client, accounts, size):
    answer = client.post("/login", data={"email": ADMIN[0], "password": "x" * size})

    assert answer.status_code == 413
    assert answer.headers["content-type"].startswith("text/html")


def test_an_anonymous_upload_is_401_in_the_error_shape(client):
    files = {"file": ("a.csv", b"email\nx@example.com\n", "text/csv")}

    answer = client.post("/api/imports", data={"kind": "contacts"}, files=files)

    assert answer.status_code == 401
    assert set(answer.json()) == {"error"}
