"""Login throttling against a real ``rolodex serve`` (docs/api.md#throttled-sign-in).

The review: 30 wrong passwords then the right one gave 201, and 16 clients made ~300
guesses in 10 s. Here the same attacks, bounded to 31 requests and to 300 requests or
10 s: the right password is 429 with ``Retry-After``, and of the 300 concurrent guesses
only the 5 free ones reach a password check.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .served import ADMIN, Served, serve

pytestmark = pytest.mark.slow

CLIENTS = 16
GUESSES = 300
WITHIN_SECONDS = 10


@pytest.fixture
def server(tmp_path: Path):  # type: ignore[no-untyped-def]
    with serve(tmp_path) as served:
        yield served


def sign_in(served: Served, password: str) -> tuple[int, dict[str, str]]:
    body = json.dumps({"email": ADMIN[0], "password": password}).encode()
    request = urllib.request.Request(
        served.url + "/api/tokens", body, {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}
    except urllib.error.HTTPError as refused:
        return refused.code, {k.lower(): v for k, v in refused.headers.items()}


def test_thirty_wrong_passwords_then_the_right_one_is_429(server):
    started = time.monotonic()
    statuses = [sign_in(server, f"wrong-{i}")[0] for i in range(30)]

    status, headers = sign_in(server, ADMIN[1])

    print(f"31 requests in {time.monotonic() - started:.2f}s")  # the figure, for pytest -s
    assert statuses == [401] * 5 + [429] * 25
    assert status == 429
    assert 1 <= int(headers["retry-after"]) <= 30


def test_sixteen_clients_guessing_at_once_get_five_password_checks(server):
    deadline = time.monotonic() + WITHIN_SECONDS

    def guess(i: int) -> int:
        return sign_in(server, f"guess-{i}")[0] if time.monotonic() < deadline else 0

    started = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as clients:
        statuses = list(clients.map(guess, range(GUESSES)))
    seconds = time.monotonic() - started

    print(f"{len(statuses)} guesses in {seconds:.2f}s: {statuses.count(401)} checked")
    assert statuses.count(401) == 5
    assert statuses.count(429) == GUESSES - 5
    assert sign_in(server, ADMIN[1])[0] == 429
