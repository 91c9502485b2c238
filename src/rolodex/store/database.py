"""One URL in, a ready database out: driver choice, SQLite pragmas, automatic migration.

``postgresql://user@host:port/db`` is accepted as PostgreSQL's own tools write it and is
mapped to psycopg 3. SQLite runs in WAL mode with a long busy timeout, and write
transactions start with ``BEGIN IMMEDIATE`` so that two imports at once queue up instead of
failing with ``database is locked``.

A new SQLite file is created ``0600`` before SQLite opens it: it holds password hashes and
sealed uploads. SQLite then gives its ``-wal`` and ``-shm`` files the database file's own mode
(``findCreateFileMode`` in ``os_unix.c``), so they are private too.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from rolodex.errors import StoreError, UsageError

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_MS = 120_000
WRITE = {"rolodex_write": True}
"""Execution options for a connection that will write: on SQLite it takes the write lock
at ``BEGIN`` (``BEGIN IMMEDIATE``), so it waits for another writer instead of failing later."""


def normalise_url(url: str) -> str:
    """Map the URL a user writes to the one SQLAlchemy needs (psycopg 3 for PostgreSQL)."""
    for prefix in ("postgresql://", "postgres://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str) -> Engine:
    """Create the engine for ``url`` and bring its schema up to date."""
    try:
        parsed = make_url(normalise_url(url))
    except ArgumentError:
        raise UsageError(
            f"'{url}' is not a database URL: use sqlite:///path.db or "
            "postgresql://user@host:port/dbname"
        ) from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise UsageError(f"'{url}': rolodex works with SQLite and PostgreSQL only")
    if backend == "sqlite" and parsed.host:
        raise UsageError(f"'{url}' names no file: write sqlite:///{parsed.host} (three slashes)")
    if backend == "sqlite" and parsed.database in (None, "", ":memory:"):
        raise UsageError(
            f"'{url}' is an in-memory database, gone when the command ends: "
            "give a file, like sqlite:///rolodex.db"
        )
    try:
        engine = create_engine(parsed, **_engine_options(backend))
    except ArgumentError as exc:
        raise UsageError(f"'{url}' is not a usable database URL: {exc}") from None
    if backend == "sqlite":
        _create_private(Path(str(parsed.database)))
        _tune_sqlite(engine)
    migrate(engine)
    return engine


def _engine_options(backend: str) -> dict[str, Any]:
    if backend == "sqlite":
        return {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}}
    # No JIT: rolodex runs many small statements, and a bulk import's before the planner
    # has statistics for the tables it fills look expensive enough to JIT-compile — 170 ms
    # of compiling for a 5 ms query, every batch.
    return {"pool_pre_ping": True, "connect_args": {"options": "-c jit=off"}}


def _create_private(path: Path) -> None:
    """Create the SQLite file readable by its owner only (``0600``), whatever the umask.

    An existing file keeps its mode: someone may have shared it with a group on purpose. A
    missing folder is left for SQLite to report ("unable to open database file").
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except (FileExistsError, FileNotFoundError):
        return
    except OSError as exc:
        raise StoreError(f"cannot create the database file {path}: {exc.strerror}") from exc
    os.close(fd)


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=NORMAL",
            "foreign_keys=ON",
            "cache_size=-32768",  # 32 MB of pages: index updates of a bulk import stay in memory
            f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("rolodex_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def migrate(engine: Engine) -> None:
    """Upgrade the schema to the newest migration, if it is not there yet."""
    from alembic import command  # loaded when a database is opened, not for --help
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    try:
        with engine.connect() as conn:
            if MigrationContext.configure(conn).get_current_revision() == head:
                return
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot open the database {engine.url!r}: {_reason(exc)}") from exc


def _reason(exc: SQLAlchemyError) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
