"""``rolodex serve`` as a user starts it, for tests that attack a real server: a free port,
a temporary SQLite file and a temporary directory of its own (``TMPDIR``), so a test can
see what the server spooled — the files it holds open there, deleted or not."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROLODEX = Path(sys.executable).parent / "rolodex"
START_LIMIT_SECONDS = 60  # a safety net against a hang, not a measure of speed
ADMIN = ("admin@example.com", "a-long-admin-password")
FORCE_TERMINAL = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")


@dataclass(frozen=True)
class Served:
    port: int
    process: subprocess.Popen[bytes]
    tmp: Path
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def spooled_bytes(self) -> int:
        """Bytes in the files the server holds open in its temp directory (a spooled
        upload is an unlinked file: invisible to ``ls``, not to ``/proc``)."""
        total = 0
        fds = Path(f"/proc/{self.process.pid}/fd")
        for fd in fds.iterdir() if fds.exists() else ():
            try:
                if os.readlink(fd).startswith(str(self.tmp)):
                    total += os.stat(fd).st_size
            except OSError:
                continue  # closed while we looked
        return total

    def tmp_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.tmp.rglob("*") if p.is_file())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def environment(base: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in FORCE_TERMINAL}
    env.update(
        ROLODEX_DATABASE_URL=f"sqlite:///{base / 'rolodex.db'}",
        ROLODEX_KEY_FILE=str(base / "secret.key"),
        TMPDIR=str(base / "tmp"),
        **settings,
    )
    return env


@contextmanager
def serve(base: Path, **settings: str) -> Iterator[Served]:
    """Make an admin, start the server with these ``ROLODEX_*`` settings, stop it after."""
    (base / "tmp").mkdir()
    env = environment(base, **settings)
    made = subprocess.run(
        [str(ROLODEX), "users", "create-admin", ADMIN[0]],
        input=ADMIN[1] + "\n", env=env, cwd=base, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    port, log = free_port(), base / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(ROLODEX), "serve", "--port", str(port), "--smtp-port", "0"],
            env=env, cwd=base, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    served = Served(port, process, base / "tmp", log)
    try:
        _wait_until_up(served)
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(served: Served) -> None:
    deadline = time.monotonic() + START_LIMIT_SECONDS
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            raise AssertionError(f"rolodex serve exited:\n{served.log.read_text()}")
        try:
            with urllib.request.urlopen(served.url + "/login", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise AssertionError(f"rolodex serve did not start:\n{served.log.read_text()}")
