"""What many tests do the same way: run an import through the CLI and read its report, write
a small CSV file or mail message, make accounts, start the web app, wait for a job, find a
free port, size a property test. Fixtures live in the ``conftest.py`` files and build on
these; plain functions and constants live here."""

from __future__ import annotations

import csv
import io
import json
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from rolodex.importing.kinds import import_file
from rolodex.importing.options import ImportOptions
from rolodex.security.passwords import HashingPool
from rolodex.services.accounts import create_admin, find
from rolodex.store import schema as t
from rolodex.store import users as sql
from rolodex.store.store import Store

if TYPE_CHECKING:
    import pytest
    from fastapi.testclient import TestClient
    from hypothesis import settings

    from rolodex.config import Settings

# -- an import through the CLI, and its JSON report ------------------------------------------

REPORT_KEYS = {  # docs/importing.md#json-output
    "id",
    "kind",
    "dry_run",
    "rows",
    "created",
    "updated",
    "unchanged",
    "failed",
    "columns",
    "new",
    "errors",
    "warnings",
}
COUNT_KEYS = ("rows", "created", "updated", "unchanged", "failed")


def run_import(cli: Any, path: Any, *flags: str, kind: str = "contacts") -> tuple[int, Any]:
    """Run ``import KIND FILE --json``: (exit code, the JSON document); never a traceback."""
    result = cli("import", kind, path, *flags, "--json")
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stdout, result.stderr
    return result.exit_code, json.loads(result.stdout)


def flat(report: dict[str, Any]) -> list[tuple[int, str]]:
    """The report's errors as (row, column), the way a person finds them in a spreadsheet."""
    return sorted((error["row"], error["column"] or "") for error in report["errors"])


def counts(report: dict[str, Any]) -> dict[str, int]:
    """The report's counts alone: rows, created, updated, unchanged, failed."""
    return {key: report[key] for key in COUNT_KEYS}


def contact_emails(cli: Any) -> list[str]:
    """The stored contacts' emails, sorted, as ``contacts list`` shows them."""
    return sorted(contact["email"] for contact in cli.json("contacts", "list"))


# -- files -----------------------------------------------------------------------------------


def csv_text(header: list[str], *rows: list[str]) -> str:
    """A CSV file's text; cells that need quotes (an argon2 hash has commas) get them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def message(*headers: str | bytes, body: bytes = b"Hello.\r\n") -> bytes:
    """A raw message: the header lines given, then a Subject, a blank line and the body."""
    lines = [h if isinstance(h, bytes) else h.encode() for h in headers]
    return b"\r\n".join([*lines, b"Subject: hi", b"", b""]) + body


# -- accounts --------------------------------------------------------------------------------

ADMIN = ("admin@example.com", "admin-secret")
AGENT = ("agent@example.com", "agent-secret")
INACTIVE = ("gone@example.com", "gone-secret")


def add_accounts(store: Store, team: Path) -> None:
    """:data:`ADMIN`, made as ``rolodex users create-admin`` makes one, then :data:`AGENT` and
    :data:`INACTIVE` from a users import of ``team`` (a file written here), as agents come
    in production."""
    create_admin(store, *ADMIN)
    team.write_text(
        "email,first_name,last_name,password,active\n"
        f"{AGENT[0]},Ada,Agent,{AGENT[1]},true\n"
        f"{INACTIVE[0]},Gil,Gone,{INACTIVE[1]},false\n",
        encoding="utf-8",
    )
    with HashingPool(1) as pool:
        report = import_file("users", team, store, ImportOptions(), pool=pool)
    assert (report.counts.created, report.counts.failed) == (2, 0)


def new_admin(store: Store, email: str, active: bool = True) -> int:
    """A new admin, as ``rolodex users create-admin`` makes one; its id."""
    create_admin(store, email, "a-long-secret")
    user_id = find(store, email).state.id
    assert user_id is not None
    if not active:
        with store.write() as conn:
            sql.change(conn, user_id, active=False)
    return user_id


# -- the web app -----------------------------------------------------------------------------


@contextmanager
def web_clients(
    settings_for: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., TestClient]]:
    """``make(run_worker=True, **overrides)`` starts the app as ``rolodex serve`` runs it, on
    ``settings_for(**overrides)``, and gives a TestClient on it; all of them stop at the end.

    The in-process worker polls the queue every 20 ms instead of every second, so a test
    waits for the job, not for the poll."""
    import functools

    from fastapi.testclient import TestClient

    import rolodex.web.app as web_app
    from rolodex.services.jobs import Worker

    monkeypatch.setattr(web_app, "Worker", functools.partial(Worker, poll=0.02))
    started: list[TestClient] = []

    def make(run_worker: bool = True, **overrides: Any) -> TestClient:
        app = web_app.create_app(settings_for(**overrides), run_worker)
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        started.append(client)
        return client

    try:
        yield make
    finally:
        for client in reversed(started):
            client.__exit__(None, None, None)


# -- jobs ------------------------------------------------------------------------------------

FINAL = {"done", "failed", "interrupted"}
WAIT_LIMIT_SECONDS = 60  # a safety net against a hang, not a measure of speed


# -- the network -----------------------------------------------------------------------------


def free_port() -> int:
    """A port nothing listens on now (aiosmtpd's ready check cannot use port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- property tests --------------------------------------------------------------------------

SCALE = 10 if os.environ.get("HYPOTHESIS_PROFILE") == "ci" else 1
"""CI runs ten times the examples a developer's run does."""


def examples(count: int) -> settings:
    """Hypothesis settings for ``count`` examples (times :data:`SCALE`), with no deadline."""
    from hypothesis import HealthCheck, settings

    return settings(
        max_examples=count * SCALE,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def dangling(store: Store) -> dict[str, int]:
    """Label links and company ids that point at nothing: no key stops them (labels on
    either database, companies on PostgreSQL), only the writers' locks."""
    with store.read() as conn:
        labels = set(conn.scalars(select(t.labels.c.id)))
        links = [
            label_id
            for label_ids in conn.scalars(select(t.contacts.c.label_ids))
            for label_id in label_ids
            if label_id not in labels
        ]
        companies = conn.execute(
            select(t.contacts.c.id).where(
                t.contacts.c.company_id.is_not(None),
                t.contacts.c.company_id.not_in(select(t.companies.c.id)),
            )
        ).all()
    return {"label links": len(links), "company ids": len(companies)}
