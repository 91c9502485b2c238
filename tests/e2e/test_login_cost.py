"""Imported password hashes are no denial of service (docs/api.md#imported-hashes-and-sign-in-cost),
against a real ``rolodex serve`` on a temporary SQLite database.

Users come in with the costliest hashes real systems write (Django's argon2 default, bcrypt
13); one holds a hash stored before the caps (m=1 GiB, t=16, p=64), which is never run. A
wrong password answers 401 no sooner than the floor for every kind of account, unknown
included, and a burst of wrong logins queues at the gate instead of holding every hash's
memory at once. Bounded: a few dozen requests, each with a timeout.
"""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import argon2
import bcrypt
import httpx
import pytest

from rolodex.security.passwords import FAILED_CHECK_FLOOR_SECONDS

ROLODEX = Path(sys.executable).parent / "rolodex"
OVER_CAP = "$argon2id$v=19$m=1048576,t=16,p=64$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2g"
KINDS = ("unknown", "plain", "django", "bcrypt13", "overcap")
TIMEOUT = 60.0


@dataclass
class Server:
    url: str
    pid: int


def users_csv() -> str:
    django = argon2.PasswordHasher(memory_cost=102_400, time_cost=2, parallelism=8)
    rows = [
        ["plain@example.com", "plain-secret", ""],
        ["django@example.com", "", django.hash("django-secret")],
        ["bcrypt13@example.com", "", bcrypt.hashpw(b"bcrypt-secret", bcrypt.gensalt(13)).decode()],
        ["overcap@example.com", "overcap-secret", ""],
    ]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["email", "password", "password_hash"])
    writer.writerows(rows)
    return out.getvalue()


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("login-cost")
    database = tmp / "rolodex.db"
    env = {
        **os.environ,
        "ROLODEX_DATABASE_URL": f"sqlite:///{database}",
        # This file measures what a password check costs, not the throttle in front of it
        # (tests/e2e/test_served_login_throttle.py does): let every attempt through.
        "ROLODEX_LOGIN_ACCOUNT_FAILURES": "100000",
        "ROLODEX_LOGIN_ADDRESS_FAILURES": "100000",
    }
    (tmp / "users.csv").write_text(users_csv(), encoding="utf-8")
    made = subprocess.run(
        [str(ROLODEX), "import", "users", str(tmp / "users.csv")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    with sqlite3.connect(database) as conn:  # a hash stored before the caps existed
        conn.execute(
            "UPDATE users SET password_hash = ? WHERE email = 'overcap@example.com'", (OVER_CAP,)
        )
    port = free_port()
    log = (tmp / "serve.log").open("wb")
    serving = subprocess.Popen(
        [str(ROLODEX), "serve", "--port", str(port), "--smtp-port", "0"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        assert serving.poll() is None, (tmp / "serve.log").read_text()
        try:
            httpx.get(url + "/openapi.json", timeout=2)
            break
        except httpx.TransportError:
            assert time.monotonic() < deadline, "rolodex serve did not come up"
            time.sleep(0.2)
    yield Server(url, serving.pid)
    serving.terminate()
    serving.wait(timeout=30)


def sign_in(server: Server, email: str, password: str) -> tuple[int, float]:
    started = time.monotonic()
    answer = httpx.post(
        server.url + "/api/tokens", json={"email": email, "password": password}, timeout=TIMEOUT
    )
    return answer.status_code, time.monotonic() - started


def peak_mib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM"))
    return int(line.split()[1]) // 1024


def test_wrong_passwords_answer_alike_for_every_kind_of_account(server: Server) -> None:
    for kind in KINDS:  # one round sets the pace: refusals answer as slowly as the slowest
        sign_in(server, f"{kind}@example.com", "wrong-password")
    times: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for _ in range(3):
        for kind in KINDS:
            code, took = sign_in(server, f"{kind}@example.com", "wrong-password")
            assert code == 401
            times[kind].append(took)
    medians = {kind: statistics.median(took) for kind, took in times.items()}
    print("wrong-login seconds (median of 3):", {k: round(v, 3) for k, v in medians.items()})

    assert min(min(took) for took in times.values()) >= FAILED_CHECK_FLOOR_SECONDS
    assert max(medians.values()) - min(medians.values()) < 0.35, medians


@pytest.mark.parametrize(
    "kind,password",
    [("plain", "plain-secret"), ("django", "django-secret"), ("bcrypt13", "bcrypt-secret")],
)
def test_the_right_password_still_signs_in(server: Server, kind: str, password: str) -> None:
    code, _ = sign_in(server, f"{kind}@example.com", password)
    assert code == 201


def test_a_burst_of_wrong_logins_holds_bounded_memory_and_ends(server: Server) -> None:
    before = peak_mib(server.pid)
    started = time.monotonic()
    with ThreadPoolExecutor(16) as burst:
        emails = ["django@example.com", "overcap@example.com"] * 8
        answers = list(burst.map(lambda e: sign_in(server, e, "wrong-password"), emails))
    elapsed = time.monotonic() - started
    after = peak_mib(server.pid)
    print(f"16 wrong logins at once: {elapsed:.1f} s, peak RSS {before} -> {after} MiB")

    assert {code for code, _ in answers} == {401}
    # Eight Django checks at once would hold 800 MiB; the gate lets two run (512 MiB cap).
    assert after - before < 450
    assert elapsed < 60
