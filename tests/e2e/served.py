"""``rolodex serve`` as a user starts it, for tests that attack a real server: a free port,
a temporary SQLite file and a temporary directory of its own (``TMPDIR``), so a test can
see what the server spooled — the files it holds open there, deleted or not.

:func:`serve_site` is the browser tests' usual start: the server with an agent besides the admin,
filled from the command line as an admin on the server's machine fills it."""

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import StorageState

ROLODEX = Path(sys.executable).parent / "rolodex"
START_LIMIT_SECONDS = 60  # a safety net against a hang, not a measure of speed
ADMIN = ("admin@example.com", "a-long-admin-password")
AGENT = ("agent@example.com", "an-agent-password")
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


def rolodex(
    base: Path, *args: str, cwd: Path | None = None, stdin: str = "", codes: tuple[int, ...] = (0,)
) -> str:
    """Run ``rolodex`` on the database of the server in ``base``; its standard output.
    ``codes``: the exit codes meant (1 where some rows are rejected on purpose)."""
    done = subprocess.run(
        [str(ROLODEX), *args], input=stdin, env=environment(base), cwd=cwd or base,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode in codes, (args, done.stdout, done.stderr)
    return done.stdout


@dataclass
class Site:
    """A served app for the browser tests: its URL, the server's directory, the files the
    tests upload (and the command line reads), and the signed-in browser sessions kept so
    far (``Tabs`` in ``browsing.py`` keeps one per person, so each signs in once)."""

    url: str
    base: Path
    files: Path
    sessions: dict[str, StorageState] = field(default_factory=dict)

    def cli(self, *args: str, codes: tuple[int, ...] = (0,)) -> str:
        """``rolodex ARGS`` on this site's database, run in its files' directory."""
        return rolodex(self.base, *args, cwd=self.files, codes=codes)


@contextmanager
def serve_site(
    root: Path,
    files: dict[str, str | bytes] | None = None,
    setup: list[list[str]] | None = None,
    rejects: bool = False,
) -> Iterator[Site]:
    """:func:`serve` in ``root/served`` with the admin and an agent (``AGENT``, by a users
    import: import #1), ``files`` written to ``root/files``, then each ``setup`` command
    run there (``["import", "contacts", "people.csv"]``), each to exit 0 — or, with
    ``rejects``, 1 too: files whose rejected rows are the point."""
    base, folder = root / "served", root / "files"
    base.mkdir()
    folder.mkdir()
    agents = f"email,first_name,last_name,password\n{AGENT[0]},Alex,Agent,{AGENT[1]}\n"
    for name, content in {"agents.csv": agents, **(files or {})}.items():
        target = folder / name
        target.write_bytes(content) if isinstance(content, bytes) else target.write_text(content)
    with serve(base) as served:
        built = Site(served.url, base, folder)
        for args in [["import", "users", "agents.csv"], *(setup or [])]:
            built.cli(*args, codes=(0, 1) if rejects else (0,))
        yield built
