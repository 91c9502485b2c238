"""Fixtures of the HTTP API tests (docs/api.md), on SQLite and PostgreSQL alike.

``client`` is the app as ``rolodex serve`` runs it — lifespan, store, hashing pool and the
import worker thread — driven through Starlette's TestClient (httpx). Server errors come
back as 500 answers, never as exceptions, so a test can say "no 5xx".

Accounts: ``admin`` is made as ``rolodex users create-admin`` makes it; ``agent`` and an
inactive user come from a users import, as agents do in production. ``admin`` and ``agent``
are ``Authorization`` headers of bearer tokens issued as ``POST /api/tokens`` issues them
(``test_api_auth.py`` signs in through the endpoint itself). Uploads are sealed with a key
of the test's own, so nothing is written to the home directory.
"""

from __future__ import annotations

import base64
import functools
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql

from rolodex.config import Settings
from rolodex.store import tokens, users
from rolodex.store.database import make_engine
from rolodex.store.schema import metadata
from rolodex.store.store import Store
from tests.helpers import ADMIN, AGENT, FINAL, WAIT_LIMIT_SECONDS, add_accounts, web_clients

# -- the app ---------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def secret_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """One key seals queued uploads for the test, its app, its CLI runs and the worker
    processes it starts; no key file is made in the home directory."""
    monkeypatch.setenv("ROLODEX_SECRET_KEY", base64.urlsafe_b64encode(bytes(range(32))).decode())
    monkeypatch.setenv("ROLODEX_KEY_FILE", str(tmp_path / "secret.key"))


def settings_for(db_url: str, **overrides: Any) -> Settings:
    """The settings ``rolodex serve`` would read from this environment, for ``db_url``."""
    return replace(Settings.from_env({**os.environ, "ROLODEX_DATABASE_URL": db_url}), **overrides)


@pytest.fixture
def make_client(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., TestClient]]:
    """Start an app on the test database: ``make_client(run_worker=False, max_upload_bytes=N)``
    (:func:`tests.helpers.web_clients`)."""
    with web_clients(functools.partial(settings_for, db_url), monkeypatch) as make:
        yield make


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


# -- accounts --------------------------------------------------------------------------------------


@pytest.fixture
def accounts(store: Store, tmp_path: Path) -> None:
    """An admin, an active agent and an inactive agent."""
    add_accounts(store, tmp_path / "agents.csv")


def sign_in(client: TestClient, email: str, password: str) -> dict[str, str]:
    answer = client.post("/api/tokens", json={"email": email, "password": password})
    assert answer.status_code == 201, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def bearer(store: Store, email: str) -> dict[str, str]:
    """A token issued as ``POST /api/tokens`` issues it, without the argon2 work of a sign-in
    (``test_api_auth.py`` covers signing in itself)."""
    with store.write() as conn:
        found = users.by_key(conn, email)
        assert found is not None and found.state.id is not None
        token, _ = tokens.issue(conn, found.state.id, "api", datetime.now(UTC), None)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def admin(client: TestClient, store: Store, accounts: None) -> dict[str, str]:
    return bearer(store, ADMIN[0])


@pytest.fixture
def agent(client: TestClient, store: Store, accounts: None) -> dict[str, str]:
    return bearer(store, AGENT[0])


# -- imports through the API -----------------------------------------------------------------------


class Imports:
    """Upload a file and wait for its job, as a browser or a script would."""

    def __init__(self, client: TestClient):
        self.client = client

    def upload(
        self,
        headers: dict[str, str],
        content: str | bytes,
        kind: str = "contacts",
        name: str = "upload.csv",
        **flags: bool,
    ) -> Any:
        data = content.encode("utf-8") if isinstance(content, str) else content
        form = {"kind": kind, **{key: "true" if on else "false" for key, on in flags.items()}}
        return self.client.post(
            "/api/imports", headers=headers, data=form, files={"file": (name, data, "text/csv")}
        )

    def wait(self, headers: dict[str, str], job_id: int) -> dict[str, Any]:
        """Poll ``GET /api/imports/{id}`` until the job is in a final state."""
        deadline = time.monotonic() + WAIT_LIMIT_SECONDS
        while True:
            answer = self.client.get(f"/api/imports/{job_id}", headers=headers)
            assert answer.status_code == 200, answer.text
            job: dict[str, Any] = answer.json()
            if job["status"] in FINAL:
                return job
            assert time.monotonic() < deadline, f"job {job_id} never finished: {job}"
            time.sleep(0.02)

    def run(
        self, headers: dict[str, str], content: str | bytes, kind: str = "contacts", **flags: bool
    ) -> dict[str, Any]:
        """Upload, expect 202, and return the finished job."""
        answer = self.upload(headers, content, kind, **flags)
        assert answer.status_code == 202, answer.text
        return self.wait(headers, answer.json()["id"])


@pytest.fixture
def imports(client: TestClient) -> Imports:
    return Imports(client)


# -- a second database of the same kind, for comparing the API with the CLI ------------------------


@pytest.fixture(scope="session")
def other_postgres_url(postgres_url: str) -> Iterator[str]:
    database = postgres_url.rsplit("/", 1)[1] + "_other"
    server = postgres_url.rsplit("/", 1)[0] + "/postgres"
    name = sql.Identifier(database)
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    url = postgres_url.rsplit("/", 1)[0] + "/" + database
    make_engine(url).dispose()
    yield url
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


@pytest.fixture
def other_db_url(db_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """An empty database of the same kind as ``db_url``."""
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'other.db'}"
    url: str = request.getfixturevalue("other_postgres_url")
    engine = make_engine(url)
    tables = ", ".join(table.name for table in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    engine.dispose()
    return url


@pytest.fixture
def other_cli(cli: Any, other_db_url: str) -> Any:
    """``rolodex --db OTHER …``, run in-process like the ``cli`` fixture."""
    return type(cli)(other_db_url)


@pytest.fixture
def dead_pid() -> int:
    """The id of a process of this machine that has ended."""
    ended = subprocess.Popen(["true"])
    ended.wait()
    return ended.pid
