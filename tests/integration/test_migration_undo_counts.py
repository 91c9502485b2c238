"""Migration 0007 gives an undo run its own counts, restored and removed. Undo runs recorded
before it kept everything they touched as ``updated`` and the split only in a warning line
(``restored 1, removed 2, skipped 0``): the migration reads the split back from that line,
so old undo runs read as truthfully as new ones. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from rolodex.store import imports as records
from rolodex.store.database import MIGRATIONS, make_engine, normalise_url
from rolodex.store.store import Store

RUN = {"file_name": "people.csv", "sha256": "0" * 64, "strict": True, "dry_run": False}


def _database_at_0006(url: str) -> None:
    """A database as rolodex left it before 0007: an import, and an undo of it."""
    engine = sa.create_engine(normalise_url(url))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    insert = sa.text(
        "INSERT INTO imports (id, kind, file_name, sha256, dry_run, strict, status, rows_total, "
        "rows_done, created, updated, unchanged, failed, warnings, header, options, undo_of, "
        "started_at) VALUES (:id, :kind, :file_name, :sha256, :dry_run, :strict, 'done', "
        ":rows_total, :rows_done, :created, :updated, 0, 0, :warnings, '[]', '{}', :undo_of, :t)"
    )
    now = datetime.now(UTC)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        config.attributes["connection"] = conn
        command.upgrade(config, "0006")
        conn.execute(
            insert,
            [
                RUN | {"id": 1, "kind": "contacts", "rows_total": 3, "rows_done": 3,
                       "created": 2, "updated": 1, "warnings": "[]", "undo_of": None, "t": now},
                RUN | {"id": 2, "kind": "undo", "rows_total": 0, "rows_done": 3, "created": 0,
                       "updated": 3, "warnings": json.dumps(["restored 1, removed 2, skipped 0"]),
                       "undo_of": 1, "t": now},
            ],
        )  # fmt: skip
    engine.dispose()


def test_an_undo_run_recorded_before_0007_reads_as_restored_and_removed(db_url: str) -> None:
    _database_at_0006(db_url)

    make_engine(db_url).dispose()  # migrates to the head

    store = Store.open(db_url)
    try:
        with store.read() as conn:
            imported, undone = records.record(conn, 1), records.record(conn, 2)
    finally:
        store.close()
    assert imported is not None and undone is not None
    assert (imported.created, imported.updated, imported.restored) == (2, 1, 0)
    assert (undone.restored, undone.removed, undone.updated) == (1, 2, 0)
    assert (undone.rows_done, undone.rows_total, undone.warnings) == (3, 3, [])
