"""Migration 0011 puts SQLite's label ids under an index, which counting contacts by label
reads (``store/labelling.py``); PostgreSQL has had its GIN index since 0008. What the counts
say is held by the contacts list and labels page tests, on both databases."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from tests.integration.test_migration_label_columns import migrations

INDEX = "ix_contacts_label_ids"


def indexes(conn: sa.Connection) -> set[str]:
    return {index["name"] or "" for index in sa.inspect(conn).get_indexes("contacts")}


def test_sqlite_gets_the_index_and_loses_it_on_the_way_down(db_url: str) -> None:
    with migrations(db_url) as (conn, config):
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        command.upgrade(config, "0010")
        before = indexes(conn)
        assert (INDEX in before) == (conn.dialect.name == "postgresql")

        command.upgrade(config, "0011")
        assert indexes(conn) == before | {INDEX}

        command.downgrade(config, "0010")
        assert indexes(conn) == before
