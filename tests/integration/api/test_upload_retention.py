"""Uploaded files are not kept for ever (docs/api.md#uploaded-files).

The review found every dry-run upload kept indefinitely — users files with passwords
included. Now a dry run's file goes once the run that confirmed it is done; any file goes
``ROLODEX_UPLOAD_HOURS`` after upload once its run has ended (checked at each upload and by
the idle worker); and a person may keep ``ROLODEX_MAX_PENDING_UPLOADS`` files at most.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from rolodex.config import UploadPolicy
from rolodex.store import schema as t
from tests.helpers import ADMIN, WAIT_LIMIT_SECONDS

CONTACTS = "email,first_name\nann@example.com,Ann\n"


def kept(store, import_id: int) -> bool:  # type: ignore[no-untyped-def]
    u = t.import_uploads.c
    with store.read() as conn:
        count = conn.execute(select(func.count()).where(u.import_id == import_id)).scalar_one()
    return bool(count)


def gone_soon(store, import_id: int) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT_LIMIT_SECONDS
    while kept(store, import_id):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def age(store, import_id: int, hours: float) -> None:  # type: ignore[no-untyped-def]
    with store.write() as conn:
        conn.execute(
            update(t.imports)
            .where(t.imports.c.id == import_id)
            .values(started_at=datetime.now(UTC) - timedelta(hours=hours))
        )


def csrf(client, path: str) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r'name="csrf" value="([^"]*)"', client.get(path).text)
    assert found
    return found.group(1)


def test_a_dry_runs_file_goes_once_its_confirmed_run_is_done(client, admin, store, imports):
    data = {"email": ADMIN[0], "password": ADMIN[1], "csrf": csrf(client, "/login")}
    assert client.post("/login", data=data, follow_redirects=False).status_code == 303
    dry = imports.run(admin, CONTACTS, dry_run=True)
    assert kept(store, dry["id"])

    answer = client.post(
        f"/imports/{dry['id']}/confirm",
        data={"csrf": csrf(client, f"/imports/{dry['id']}")},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    real = imports.wait(admin, int(answer.headers["location"].rsplit("/", 1)[1]))

    assert (real["status"], real["created"]) == ("done", 1)
    # The worker drops the files just after it marks the run done.
    assert gone_soon(store, dry["id"]) and gone_soon(store, real["id"])
    again = client.post(
        f"/imports/{dry['id']}/confirm", data={"csrf": csrf(client, f"/imports/{dry['id']}")}
    )
    assert again.status_code == 409
    assert "no longer kept" in again.text


def test_an_unconfirmed_dry_runs_file_goes_after_the_upload_hours(client, admin, store, imports):
    old = imports.run(admin, CONTACTS, dry_run=True)
    recent = imports.run(admin, CONTACTS, dry_run=True)
    age(store, old["id"], 24.5)

    imports.run(admin, CONTACTS, dry_run=True)  # an upload: the check runs

    assert not kept(store, old["id"])
    assert kept(store, recent["id"])


def test_the_idle_worker_drops_old_files_with_no_upload_needed(make_client, admin, store, imports):
    old = imports.run(admin, CONTACTS, dry_run=True)
    age(store, old["id"], 24.5)

    make_client()  # another server: its worker, idle, checks at once

    deadline = time.monotonic() + WAIT_LIMIT_SECONDS
    while kept(store, old["id"]):
        assert time.monotonic() < deadline, "the idle worker never dropped the old file"
        time.sleep(0.05)


def test_past_the_pending_uploads_cap_an_upload_is_429(make_client, store, accounts):
    from .conftest import Imports, bearer

    client = make_client(run_worker=False, uploads=UploadPolicy(hours=24, max_pending=2))
    imports, headers = Imports(client), bearer(store, ADMIN[0])
    for _ in range(2):
        assert imports.upload(headers, CONTACTS, dry_run=True).status_code == 202

    refused = imports.upload(headers, CONTACTS, dry_run=True)

    assert refused.status_code == 429
    assert set(refused.json()) == {"error"}
    assert "2 uploads waiting" in refused.json()["error"]
    assert 0 < int(refused.headers["Retry-After"]) <= 24 * 3600
    assert len(client.get("/api/imports", headers=headers).json()) == 3  # 2 + the accounts'
