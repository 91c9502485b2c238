"""The import queue and its workers (docs/api.md#imports-as-jobs, docs/importing.md#import-runs).

Any number of workers — threads, or ``rolodex worker`` processes — share one queue: no job
runs twice. A job whose worker died (its process gone on this machine, or its heartbeat
stopped on another) is taken up again and ends in the same final state as a run that was
never interrupted. A strict import with a bad row still ends ``done``, with nothing written.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from rolodex.importing.options import ImportOptions
from rolodex.importing.ports import ImportRecord
from rolodex.security.passwords import HashingPool
from rolodex.services import views
from rolodex.services.jobs import Submission, Worker, submit
from rolodex.store import catalog as sql
from rolodex.store import contacts as read
from rolodex.store import imports as records
from rolodex.store import jobs as queue
from rolodex.store import schema as t
from rolodex.store.store import Store
from tests.helpers import AGENT

from .conftest import bearer

RECORD_KEYS = ("kind", "status", "dry_run", "rows_total", "rows_done", "warnings")
COUNT_KEYS = ("created", "updated", "unchanged", "failed")


class RecordingWorker(Worker):
    """A worker that notes each job it takes, to show no job is taken twice."""

    def __init__(self, store: Store, base: ImportOptions | None = None):
        super().__init__(store, HashingPool(1), base or ImportOptions(), poll=0.01)
        self.ran: list[int] = []

    def _run(self, record: ImportRecord) -> None:
        self.ran.append(record.id)
        super()._run(record)

    def drain(self) -> None:
        while self.run_once():
            pass


def queue_import(store: Store, path: Path, **flags: bool) -> int:
    return submit(store, Submission("contacts", path, path.name, ImportOptions(**flags)))


def record(store: Store, job_id: int) -> dict[str, Any]:
    """The job's record, as a dict to compare and subscript."""
    with store.read() as conn:
        found = records.record(conn, job_id)
    assert found is not None
    return asdict(found)


def outcome(store: Store, job_id: int) -> dict[str, Any]:
    """What a run left behind, as a user sees it: the contacts, the labels, the job's record,
    its errors and its rejected rows (IDs and times aside)."""
    with store.read() as conn:
        fields = {f.variable_name: f for f in sql.fields(conn)}
        contacts = [views.contact(view, fields) for view in read.every(conn)]
        labels = sorted(label.name for label in sql.labels(conn))
        errors = records.errors(conn, job_id, 1000)
        rejects = list(records.rejects(conn, job_id))
    job = record(store, job_id)
    return {
        "contacts": sorted(
            (
                {k: v for k, v in c.items() if k not in ("id", "created_at", "updated_at")}
                | {"labels_id": None}
                for c in contacts
            ),
            key=lambda c: c["email"],
        ),
        "labels": labels,
        "job": {k: job[k] for k in RECORD_KEYS + COUNT_KEYS},
        "errors": errors,
        "rejects": rejects,
    }


@pytest.fixture
def jobs_store(db_url):
    opened = Store.open(db_url)
    yield opened
    opened.close()


def job_file(tmp_path: Path, n: int) -> Path:
    path = tmp_path / f"job-{n}.csv"
    path.write_text(
        "email,first_name\n"
        f"a{n}@example.com,A{n}\n"
        f"b{n}@example.com,B{n}\n"
        "not-an-email,X\n"
        f"c{n}@example.com,C{n}\n",
        encoding="utf-8",
    )
    return path


def contact_count(store: Store) -> int:
    with store.read() as conn:
        return sum(1 for _ in read.every(conn))


# -- no job runs twice -----------------------------------------------------------------------------


def test_two_worker_threads_run_each_queued_job_exactly_once(db_url, jobs_store, tmp_path):
    job_ids = [queue_import(jobs_store, job_file(tmp_path, n)) for n in range(10)]
    workers = [RecordingWorker(Store.open(db_url)) for _ in range(2)]
    start = threading.Barrier(len(workers))

    def work(worker: RecordingWorker) -> None:
        start.wait()
        worker.drain()

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for worker in workers:
        worker.store.close()

    assert sorted(workers[0].ran + workers[1].ran) == job_ids
    for job_id in job_ids:
        job = record(jobs_store, job_id)
        assert job["status"] == "done"
        assert [job[k] for k in ("rows_done", *COUNT_KEYS)] == [4, 3, 0, 0, 1]
    assert contact_count(jobs_store) == 30


WORKER_PROCESS = """
import json, sys
from rolodex.importing.options import ImportOptions
from rolodex.importing.ports import ImportRecord
from rolodex.services.jobs import Worker
from rolodex.security.passwords import HashingPool
from rolodex.store.store import Store

ran = []

class Recording(Worker):
    def _run(self, record):
        ran.append(record.id)
        super()._run(record)

worker = Recording(Store.open(sys.argv[1]), HashingPool(1), ImportOptions())
print("ready", flush=True)
sys.stdin.readline()
while worker.run_once():
    pass
print(json.dumps(ran), flush=True)
"""


def test_two_worker_processes_run_each_queued_job_exactly_once(db_url, jobs_store, tmp_path):
    job_ids = [queue_import(jobs_store, job_file(tmp_path, n)) for n in range(12)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER_PROCESS, db_url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for process in processes:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
    ran: list[int] = []
    outputs = [process.communicate("go\n", timeout=120) for process in processes]

    for process, (out, _) in zip(processes, outputs, strict=True):
        assert process.returncode == 0
        ran += json.loads(out)
    assert sorted(ran) == job_ids
    for job_id in job_ids:
        job = record(jobs_store, job_id)
        assert job["status"] == "done"
        assert [job[k] for k in ("rows_done", *COUNT_KEYS)] == [4, 3, 0, 0, 1]
    assert contact_count(jobs_store) == 36


def test_a_job_queued_through_the_api_is_run_by_a_separate_worker(
    make_client, db_url, store, accounts, jobs_store
):
    client = make_client(run_worker=False)
    agent = bearer(store, AGENT[0])
    answer = client.post(
        "/api/imports",
        headers=agent,
        data={"kind": "contacts"},
        files={"file": ("a.csv", b"email\nann@example.com\nbad\n", "text/csv")},
    )
    job_id = answer.json()["id"]
    assert client.get(f"/api/imports/{job_id}", headers=agent).json()["status"] == "queued"

    worker = RecordingWorker(jobs_store)
    worker.drain()

    job = client.get(f"/api/imports/{job_id}", headers=agent).json()
    assert worker.ran == [job_id]
    assert (job["status"], job["created"], job["failed"]) == ("done", 1, 1)
    assert [(e["row"], e["column"]) for e in job["summary"]["errors"]] == [(3, "email")]


# -- a job whose worker died -----------------------------------------------------------------------

RESUMABLE = (
    "email,first_name,last_name,labels\n"
    "ann@example.com,Ann,Lee,Trial\n"
    "bob@example.com,Bob,,\n"
    "not-an-email,X,,\n"
    "ann@example.com,,,Brand New\n"
    "cy@example.com,Cy,Young,Trial\n"
    "also bad,Y,,\n"
)
SMALL_BATCHES = ImportOptions(batch_size=2)


@pytest.fixture
def normal_run(other_db_url, tmp_path) -> dict[str, Any]:
    """The outcome of RESUMABLE run by one worker that never stopped, on a database of its own."""
    path = tmp_path / "resumable.csv"
    path.write_text(RESUMABLE, encoding="utf-8")
    other = Store.open(other_db_url)
    try:
        job_id = queue_import(other, path, create_labels=True)
        RecordingWorker(other, SMALL_BATCHES).drain()
        result = outcome(other, job_id)
    finally:
        other.close()
    assert result["job"]["status"] == "done"
    assert [result["job"][k] for k in COUNT_KEYS] == [3, 1, 0, 2]
    return result


@pytest.fixture
def resumable_job(jobs_store, tmp_path) -> int:
    path = tmp_path / "resumable.csv"
    path.write_text(RESUMABLE, encoding="utf-8")
    return queue_import(jobs_store, path, create_labels=True)


def claim_as(store: Store, worker: str, **columns: Any) -> int:
    with store.write() as conn:
        claimed = queue.claim(conn, worker)
        assert claimed is not None
        if columns:
            conn.execute(update(t.imports).where(t.imports.c.id == claimed.id).values(**columns))
    return int(claimed.id)


def an_hour_ago() -> datetime:
    return datetime.now(UTC) - timedelta(hours=1)


def test_job_of_a_dead_worker_process_on_this_machine_is_run_again_to_the_same_end(
    jobs_store, resumable_job, normal_run, dead_pid
):
    assert claim_as(jobs_store, "ghost", pid=dead_pid) == resumable_job

    worker = RecordingWorker(jobs_store, SMALL_BATCHES)
    worker.drain()

    assert worker.ran == [resumable_job]
    assert outcome(jobs_store, resumable_job) == normal_run


def test_job_of_a_worker_elsewhere_whose_heartbeat_stopped_is_run_again_to_the_same_end(
    jobs_store, resumable_job, normal_run
):
    claim_as(jobs_store, "far-away", host="elsewhere.example", heartbeat_at=an_hour_ago())

    worker = RecordingWorker(jobs_store, SMALL_BATCHES)
    worker.drain()

    assert worker.ran == [resumable_job]
    assert outcome(jobs_store, resumable_job) == normal_run


@pytest.fixture
def sleeper():
    """A live process that is not the worker: what its PID looks like once reused."""
    child = subprocess.Popen(["sleep", "60"])
    yield child.pid
    child.kill()
    child.wait()


def test_job_whose_pid_another_process_holds_and_heartbeat_stopped_is_run_again(
    jobs_store, resumable_job, normal_run, sleeper
):
    claim_as(jobs_store, "reused-pid", pid=sleeper, heartbeat_at=an_hour_ago())

    worker = RecordingWorker(jobs_store, SMALL_BATCHES)
    worker.drain()

    assert worker.ran == [resumable_job]
    assert outcome(jobs_store, resumable_job) == normal_run


def test_job_of_this_machine_before_it_restarted_is_run_again(
    jobs_store, resumable_job, normal_run
):
    claim_as(jobs_store, "before-reboot", pid=os.getpid(), boot_id="not-this-boot")

    worker = RecordingWorker(jobs_store, SMALL_BATCHES)
    worker.drain()

    assert worker.ran == [resumable_job]


KILLED_AFTER_ITS_FIRST_BATCH = """
import os, signal, sys
import rolodex.services.jobs
from rolodex.importing.options import ImportOptions
from rolodex.importing.ports import ImportRecord
from rolodex.security.passwords import HashingPool
from rolodex.store.store import Store

def die(done, total):
    os.kill(os.getpid(), signal.SIGKILL)

run_import = rolodex.services.jobs.import_file

def import_then_die(*args, **kwargs):
    return run_import(*args, progress=die, **kwargs)

rolodex.services.jobs.import_file = import_then_die
store = Store.open(sys.argv[1])
rolodex.services.jobs.Worker(store, HashingPool(1), ImportOptions(batch_size=2)).run_once()
"""


def test_job_whose_worker_was_killed_part_way_is_finished_to_the_same_end(
    db_url, jobs_store, resumable_job, normal_run
):
    doomed = subprocess.run(
        [sys.executable, "-c", KILLED_AFTER_ITS_FIRST_BATCH, db_url],
        timeout=120,
    )
    assert doomed.returncode == -9
    cut_short = record(jobs_store, resumable_job)
    assert (cut_short["status"], cut_short["rows_done"], cut_short["created"]) == ("running", 2, 2)

    worker = RecordingWorker(jobs_store, SMALL_BATCHES)
    worker.drain()

    assert worker.ran == [resumable_job]
    assert outcome(jobs_store, resumable_job) == normal_run


LIVE_CLAIMS = {
    "a live process on this machine": lambda: {"pid": os.getpid()},
    "a worker elsewhere with a fresh heartbeat": lambda: {
        "host": "elsewhere.example",
        "heartbeat_at": datetime.now(UTC),
    },
}


@pytest.mark.parametrize("claimed_by", LIVE_CLAIMS.values(), ids=LIVE_CLAIMS.keys())
def test_job_of_a_live_worker_is_left_to_it(jobs_store, resumable_job, claimed_by):
    claim_as(jobs_store, "alive", **claimed_by())

    assert RecordingWorker(jobs_store).run_once() is False

    job = record(jobs_store, resumable_job)
    assert (job["status"], job["worker"], job["rows_done"]) == ("running", "alive", 0)
    assert contact_count(jobs_store) == 0


# -- strict and dry runs as jobs -------------------------------------------------------------------


def test_strict_job_with_a_bad_row_ends_done_with_nothing_written(jobs_store, tmp_path):
    job_id = queue_import(jobs_store, job_file(tmp_path, 1), strict=True)

    RecordingWorker(jobs_store).drain()

    job = record(jobs_store, job_id)
    assert job["status"] == "done"
    assert [job[k] for k in ("rows_done", *COUNT_KEYS)] == [4, 0, 0, 0, 1]
    assert any("Nothing was written" in warning for warning in job["warnings"])
    assert contact_count(jobs_store) == 0


def test_dry_run_job_ends_done_with_the_counts_and_nothing_written(jobs_store, tmp_path):
    job_id = queue_import(jobs_store, job_file(tmp_path, 1), dry_run=True)

    RecordingWorker(jobs_store).drain()

    job = record(jobs_store, job_id)
    assert (job["status"], job["dry_run"]) == ("done", True)
    assert [job[k] for k in ("rows_done", *COUNT_KEYS)] == [4, 3, 0, 0, 1]
    assert contact_count(jobs_store) == 0
