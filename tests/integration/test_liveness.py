"""A run reads ``running`` only while it is alive (docs/api.md#imports-as-jobs), on SQLite and
PostgreSQL.

Liveness is the heartbeat's age, and the machine's boot ID: a PID that some live process
holds proves nothing (after ``kill -9`` the number is reused). A PID that is gone, on this
host and boot, still proves the run dead at once.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from rolodex.importing.ports import ImportMeta
from rolodex.runtime import liveness
from rolodex.store import imports as records
from rolodex.store import schema as t

META = ImportMeta("contacts", "people.csv", "0" * 64, False, False, ("email",), 3)


@pytest.fixture
def sleeper() -> Iterator[int]:
    """The PID of a live process that is not the run: what a reused PID looks like."""
    child = subprocess.Popen(["sleep", "60"])
    yield child.pid
    child.kill()
    child.wait()


def a_run(store: Any, **columns: Any) -> int:
    run_id = store.start_import(META)
    with store.write() as conn:
        conn.execute(update(t.imports).where(t.imports.c.id == run_id).values(**columns))
    return int(run_id)


def status(store: Any, run_id: int) -> str:
    store.reap_interrupted()
    with store.read() as conn:
        found = records.record(conn, run_id)
    assert found is not None
    return str(found.status)


def seconds_ago(seconds: int) -> datetime:
    return datetime.now(UTC) - timedelta(seconds=seconds)


@pytest.mark.parametrize("holder", ["this test", "a sleep child"])
def test_a_live_pid_with_an_old_heartbeat_is_a_dead_run(store, sleeper, holder):
    pid = os.getpid() if holder == "this test" else sleeper
    run_id = a_run(store, pid=pid, heartbeat_at=seconds_ago(100))

    assert status(store, run_id) == "interrupted"


def test_a_run_of_an_earlier_boot_is_dead_whatever_its_pid_and_heartbeat(store):
    run_id = a_run(store, pid=os.getpid(), boot_id="00000000-0000-0000-0000-000000000000")

    assert status(store, run_id) == "interrupted"


def test_a_run_without_a_heartbeat_is_dead(store):
    run_id = a_run(store, pid=os.getpid(), heartbeat_at=None)

    assert status(store, run_id) == "interrupted"


def test_a_run_elsewhere_with_an_old_heartbeat_is_dead(store):
    run_id = a_run(store, host="elsewhere.example", boot_id=None, heartbeat_at=seconds_ago(100))

    assert status(store, run_id) == "interrupted"


def test_a_gone_pid_of_this_boot_is_dead_at_once(store):
    ended = subprocess.Popen(["true"])
    ended.wait()
    run_id = a_run(store, pid=ended.pid)

    assert status(store, run_id) == "interrupted"


@pytest.mark.parametrize("where", ["here", "elsewhere"])
def test_a_fresh_heartbeat_of_a_live_run_is_left_running(store, where):
    other = {"host": "elsewhere.example", "pid": 1} if where == "elsewhere" else {}
    run_id = a_run(store, heartbeat_at=seconds_ago(5), **other)

    assert status(store, run_id) == "running"


def test_a_run_records_its_host_boot_and_pid_and_starts_alive(store):
    run_id = store.start_import(META)
    with store.read() as conn:
        found = records.record(conn, run_id)
    assert found is not None
    assert (found.host, found.boot_id, found.pid) == (
        liveness.here()["host"],
        liveness.boot_id(),
        os.getpid(),
    )
    assert found.heartbeat_at is not None


def test_the_heartbeat_thread_keeps_a_run_fresh(store):
    run_id = a_run(store, heartbeat_at=seconds_ago(1000))

    with liveness.Heartbeat(lambda: store.beat(run_id), every=0.05):
        time.sleep(0.5)

    with store.read() as conn:
        found = records.record(conn, run_id)
    assert found is not None
    beat = found.heartbeat_at
    assert (beat if beat.tzinfo else beat.replace(tzinfo=UTC)) > seconds_ago(10)
    assert status(store, run_id) == "running"
