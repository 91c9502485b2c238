"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL tests use one database per xdist worker, migrated once and truncated before each
test. Where no server answers they skip, saying why — except under CI, where a missing
server fails the run (``.ci/run`` starts it).
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from rolodex.store.database import make_engine
from rolodex.store.schema import metadata
from rolodex.store.store import Store

POSTGRES_URL = os.environ.get(
    "ROLODEX_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(autouse=True, scope="session")
def _private_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Key files and other per-user state go to a temporary home, not the tester's own."""
    old = os.environ.get("HOME")
    os.environ["HOME"] = str(tmp_path_factory.mktemp("home"))
    yield
    if old is not None:
        os.environ["HOME"] = old


def _postgres_reachable() -> str | None:
    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]
    return None


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh database of this worker's own, with the schema migrated once."""
    problem = _postgres_reachable()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL must run under CI but is not reachable: {problem}")
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_URL} ({problem})")
    with _fresh_database("rolodex_test") as url:
        make_engine(url).dispose()
        yield url


@contextmanager
def _fresh_database(prefix: str) -> Iterator[str]:
    """An empty PostgreSQL database of this test process's own, dropped afterwards."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    database = f"{prefix}_{worker}_{os.getpid()}"
    name = sql.Identifier(database)
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + "/" + database
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def _truncate(url: str) -> None:
    engine = make_engine(url)
    tables = ", ".join(table.name for table in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'rolodex.db'}"
    url: str = request.getfixturevalue("postgres_url")
    _truncate(url)
    return url


@pytest.fixture
def reference_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    """A second, empty database of the same kind as ``db_url``, to compare two runs."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'reference.db'}"
        return
    with _fresh_database("rolodex_reference") as url:
        yield url


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = Store.open(db_url)
    yield opened
    opened.close()


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.delenv("ROLODEX_DATABASE_URL", raising=False)
    return Cli(db_url)


class Cli:
    """Runs ``rolodex --db URL …`` in-process, as the console script would."""

    def __init__(self, db_url: str):
        self.db_url = db_url

    def __call__(self, *args: str | Path, stdin: str = "") -> Result:
        from rolodex.cli import main

        out, err = io.StringIO(), io.StringIO()
        argv = ["rolodex", "--db", self.db_url, *map(str, args)]
        old_argv, old_stdin = sys.argv, sys.stdin
        sys.argv, sys.stdin = argv, io.TextIOWrapper(io.BytesIO(stdin.encode()))
        code = 0
        try:
            with redirect_stdout(out), redirect_stderr(err):
                main()
        except SystemExit as done:
            code = int(done.code or 0)
        finally:
            sys.argv, sys.stdin = old_argv, old_stdin
        return Result(code, out.getvalue(), err.getvalue())

    def json(self, *args: str | Path) -> object:
        import json

        result = self(*args, "--json")
        assert result.stdout, result.stderr
        return json.loads(result.stdout)


@pytest.fixture
def write_csv(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a CSV file from text (or bytes) and return its path."""

    def write(content: str | bytes, name: str = "file.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return write
