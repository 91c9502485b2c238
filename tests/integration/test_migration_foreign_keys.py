"""Migrations 0009 and 0010 take two foreign keys off on PostgreSQL, each checked by a
trigger once per written row: the undo journal's ``import_id`` (always the same run) and a
contact's ``company_id`` (a few dozen companies, 2,000 times a batch). Both come back on the
way down; SQLite keeps both. Every journal row still names a run
(``test_import_journal.py``), and no contact's company points nowhere
(``test_company_links.py``)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command

from tests.integration.test_migration_label_columns import migrations

KEYS = {
    "0009": ("import_journal", "fk_import_journal_import_id_imports", "imports", "import_id"),
    "0010": ("contacts", "fk_contacts_company_id_companies", "companies", "company_id"),
}
ON_DELETE = {"0009": "CASCADE", "0010": "SET NULL"}


def keys_of(conn: sa.Connection, table: str) -> list[dict]:  # type: ignore[type-arg]
    return sa.inspect(conn).get_foreign_keys(table)


@pytest.mark.parametrize("revision", sorted(KEYS))
def test_the_key_goes_on_postgresql_only_and_comes_back_down(db_url: str, revision: str) -> None:
    table, name, referred, column = KEYS[revision]
    before = f"{int(revision) - 1:04d}"
    with migrations(db_url) as (conn, config):
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        command.upgrade(config, before)
        assert len(keys_of(conn, table)) == 1
        postgresql = conn.dialect.name == "postgresql"

        command.upgrade(config, revision)
        assert len(keys_of(conn, table)) == (0 if postgresql else 1)

        command.downgrade(config, before)
        keys = keys_of(conn, table)
        assert [(k["referred_table"], k["constrained_columns"]) for k in keys] == [
            (referred, [column])
        ]
        if postgresql:
            assert keys[0]["name"] == name
            assert keys[0]["options"].get("ondelete") == ON_DELETE[revision]


def test_the_company_key_comes_back_over_contacts_linked_and_not(db_url: str) -> None:
    """On a populated database: links to companies survive both ways, and on the way down
    a company id pointing nowhere (none should) is cleared rather than failing."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with migrations(db_url) as (conn, config):
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        command.upgrade(config, "0009")
        conn.execute(
            sa.text(
                "INSERT INTO companies (id, name, name_key, created_at) "
                "VALUES (1, 'Acme', 'acme', :t)"
            ),
            {"t": now},
        )
        insert = sa.text(
            "INSERT INTO contacts (email, email_key, company_id, source, created_at, updated_at, "
            "label_ids, custom) VALUES (:e, :e, :c, 'import', :t, :t, :l, :j)"
        )
        empty = "{}" if conn.dialect.name == "postgresql" else "[]"
        conn.execute(insert, {"e": "ann@example.com", "c": 1, "t": now, "l": empty, "j": "{}"})
        command.upgrade(config, "0010")
        if conn.dialect.name == "postgresql":  # only without the key can an id dangle
            conn.execute(insert, {"e": "bob@example.com", "c": 7, "t": now, "l": empty, "j": "{}"})

        command.downgrade(config, "0009")
        linked = dict(conn.execute(sa.text("SELECT email, company_id FROM contacts")).all())
        assert linked["ann@example.com"] == 1
        assert linked.get("bob@example.com") is None
