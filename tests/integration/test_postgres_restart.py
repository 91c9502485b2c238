"""docs/importing.md#import-runs, faults: PostgreSQL really restarted mid-import.

The shared server is used by parallel test workers, so it is not the one restarted: each test
gets a private, throwaway cluster (initdb, trust auth, its own port and socket directory) and
restarts that one. Where a cluster cannot be made (no PostgreSQL binaries, or running as root
with no ``postgres`` user to run them as) the test skips, saying why — except under CI, where
that fails the run, as in tests/conftest.py.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

from tests.helpers import free_port
from tests.integration.test_faults import (
    check_cut_off_then_rerun,
    prepare,
    start_import,
    wait_for_committed_batches,
    write_file,
)


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(f"a private PostgreSQL cluster must be possible under CI: {reason}")
    pytest.skip(reason)


@dataclass
class PrivatePostgres:
    url: str
    binaries: Path
    data: Path
    log: Path
    as_owner: list[str]  # prefix running a command as the cluster's owner (initdb refuses root)

    def pg_ctl(self, *args: str) -> None:
        command = [*self.as_owner, str(self.binaries / "pg_ctl"), "-D", str(self.data), "-w", *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (command, done.stdout, done.stderr, self.server_log())

    def server_log(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def restart(self, mode: str) -> None:
        """Stop, then start again. ``fast``: an orderly shutdown that terminates every session
        (open transactions roll back). ``immediate``: as a crash, connections just close and
        the server recovers from its WAL on the way up."""
        self.pg_ctl("-m", mode, "stop")
        self.pg_ctl("-l", str(self.log), "start")


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: tuple(int(n) for n in p.parts[-3].split(".") if n.isdigit()),
    )
    if not found:
        _unavailable("no PostgreSQL binaries under /usr/lib/postgresql/*/bin")
    binaries = found[-1].parent
    as_owner: list[str] = []
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            _unavailable("running as root and there is no postgres user to run initdb as")
        as_owner = ["runuser", "-u", "postgres", "--"]

    base = Path(tempfile.mkdtemp(prefix="rolodex-pg-", dir="/tmp"))  # one the owner can reach
    if as_owner:
        os.chown(base, owner.pw_uid, owner.pw_gid)
    port = free_port()
    cluster = PrivatePostgres(
        url=f"postgresql://postgres@127.0.0.1:{port}/postgres",
        binaries=binaries,
        data=base / "data",
        log=base / "server.log",
        as_owner=as_owner,
    )
    initdb = [*as_owner, str(binaries / "initdb"), "-D", str(cluster.data), "-U", "postgres"]
    initdb += ["-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]
    try:
        done = subprocess.run(initdb, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (done.stdout, done.stderr)
        with (cluster.data / "postgresql.conf").open("a") as conf:  # kept across restarts
            conf.write(
                f"listen_addresses = '127.0.0.1'\nport = {port}\n"
                f"unix_socket_directories = '{base}'\nfsync = off\n"
            )
        cluster.pg_ctl("-l", str(cluster.log), "start")
        yield cluster
    finally:
        try:
            if (cluster.data / "postmaster.pid").exists():
                cluster.pg_ctl("-m", "immediate", "stop")
        finally:
            shutil.rmtree(base, ignore_errors=True)


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_postgres_restarted_mid_import_is_a_clear_error_then_the_rerun_completes(
    private_postgres, tmp_path, mode
):
    """The server restarts while batches are being written: the run stops with one line
    naming the database, no traceback (or, if it reconnected between batches, finishes with
    nothing lost); what it committed is whole batches; its record does not read ``running``;
    running the file again completes it."""
    url = private_postgres.url
    cli = prepare(url)
    path = write_file(tmp_path / "contacts.csv")
    process = start_import(url, path)
    try:
        wait_for_committed_batches(url, process)
        private_postgres.restart(mode)
        stdout, stderr = process.communicate(timeout=300)
    finally:
        process.kill()
        process.wait()
    check_cut_off_then_rerun(url, cli, path, process.returncode, stdout, stderr)
