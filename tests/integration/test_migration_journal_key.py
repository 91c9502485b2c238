"""Migration 0009 takes the foreign key off the undo journal's ``import_id`` on PostgreSQL
(a per-row check of the same run, 13–15% of the server's time for an import) and puts it
back on the way down. SQLite keeps its key. Every journal row still names a run:
``test_import_journal.py`` holds that for what imports write."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from tests.integration.test_migration_label_columns import migrations

KEY = "fk_import_journal_import_id_imports"


def journal_keys(conn: sa.Connection) -> list[str | None]:
    return [key["name"] for key in sa.inspect(conn).get_foreign_keys("import_journal")]


def test_the_journal_key_goes_on_postgresql_only_and_comes_back_down(db_url: str) -> None:
    with migrations(db_url) as (conn, config):
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        command.upgrade(config, "0008")
        assert len(journal_keys(conn)) == 1
        postgresql = conn.dialect.name == "postgresql"

        command.upgrade(config, "0009")
        assert len(journal_keys(conn)) == (0 if postgresql else 1)

        command.downgrade(config, "0008")
        keys = sa.inspect(conn).get_foreign_keys("import_journal")
        assert [(k["referred_table"], k["constrained_columns"]) for k in keys] == [
            ("imports", ["import_id"])
        ]
        if postgresql:
            assert keys[0]["name"] == KEY
            assert keys[0]["options"].get("ondelete") == "CASCADE"
