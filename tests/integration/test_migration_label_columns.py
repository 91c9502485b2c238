"""Migration 0008 moves a contact's labels and custom values from the link tables onto its
row (``label_ids``, ``custom``) and back again on downgrade, on SQLite and PostgreSQL, with
nothing lost either way (ARCHITECTURE.md#the-data-layout)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from rolodex.store import catalog
from rolodex.store import contacts as read
from rolodex.store.database import MIGRATIONS, normalise_url
from rolodex.store.store import Store

NOW = datetime(2026, 1, 2, tzinfo=UTC)
LINKS = [(1, 1), (1, 3), (2, 3), (3, 2)]
"""(contact id, label id) as rolodex stored them before 0008."""
VALUES = [(1, 1, "pro"), (1, 2, "12"), (3, 1, "basic")]
"""(contact id, field id, value)"""


@contextmanager
def migrations(url: str) -> Iterator[tuple[sa.Connection, Config]]:
    engine = sa.create_engine(normalise_url(url))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            yield conn, config
    finally:
        engine.dispose()


def database_at_0007(url: str) -> None:
    """Three labels, two fields and four contacts, linked as rolodex kept them before 0008."""
    with migrations(url) as (conn, config):
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        command.upgrade(config, "0007")
        insert = conn.execute
        insert(
            sa.text("INSERT INTO labels (id, name, created_at) VALUES (:id, :name, :t)"),
            [{"id": i, "name": n, "t": NOW} for i, n in enumerate(["VIP", "Trial", "Beta"], 1)],
        )
        insert(
            sa.text(
                "INSERT INTO custom_fields (id, variable_name, title, type, options, created_at) "
                "VALUES (:id, :name, :name, :type, '[]', :t)"
            ),
            [{"id": 1, "name": "plan", "type": "text", "t": NOW},
             {"id": 2, "name": "seats", "type": "number", "t": NOW}],
        )  # fmt: skip
        insert(
            sa.text(
                "INSERT INTO contacts (id, email, email_key, source, created_at, updated_at) "
                "VALUES (:id, :email, :email, 'import', :t, :t)"
            ),
            [{"id": i, "email": f"p{i}@example.com", "t": NOW} for i in range(1, 5)],
        )
        insert(
            sa.text("INSERT INTO contact_labels (contact_id, label_id) VALUES (:c, :l)"),
            [{"c": c, "l": label} for c, label in LINKS],
        )
        insert(
            sa.text("INSERT INTO custom_values (contact_id, field_id, value) VALUES (:c, :f, :v)"),
            [{"c": c, "f": f, "v": v} for c, f, v in VALUES],
        )


def test_upgrade_puts_each_contacts_labels_and_values_on_its_row(db_url: str) -> None:
    database_at_0007(db_url)

    store = Store.open(db_url)  # migrates to the head
    try:
        with store.read() as conn:
            people = {v.email: v for v in read.every(conn)}
            beta, _ = read.page(conn, 3, None, 0, 10)
            counts = catalog.label_counts(conn)
    finally:
        store.close()
    assert {email: v.labels for email, v in people.items()} == {
        "p1@example.com": [(1, "VIP"), (3, "Beta")],
        "p2@example.com": [(3, "Beta")],
        "p3@example.com": [(2, "Trial")],
        "p4@example.com": [],
    }
    assert people["p1@example.com"].custom == {"plan": "pro", "seats": "12"}
    assert people["p3@example.com"].custom == {"plan": "basic"}
    assert people["p4@example.com"].custom == {}
    assert [v.email for v in beta] == ["p1@example.com", "p2@example.com"]
    assert counts == {1: 1, 2: 1, 3: 2}


def test_downgrade_puts_them_back_in_the_link_tables_and_upgrade_again_reads_them(
    db_url: str,
) -> None:
    database_at_0007(db_url)
    with migrations(db_url) as (conn, config):
        command.upgrade(config, "head")
        command.downgrade(config, "0007")
        links = conn.execute(sa.text("SELECT contact_id, label_id FROM contact_labels")).all()
        values = conn.execute(
            sa.text("SELECT contact_id, field_id, value FROM custom_values")
        ).all()
        columns = {c["name"] for c in sa.inspect(conn).get_columns("contacts")}
        command.upgrade(config, "head")

    assert sorted(map(tuple, links)) == LINKS
    assert sorted(map(tuple, values)) == VALUES
    assert not {"label_ids", "custom"} & columns
    store = Store.open(db_url)
    try:
        with store.read() as conn:
            again = {v.email: v.labels for v in read.every(conn)}
    finally:
        store.close()
    assert again["p1@example.com"] == [(1, "VIP"), (3, "Beta")]


def test_a_link_to_a_label_that_is_gone_does_not_become_a_dangling_id(db_url: str) -> None:
    """SQLite kept foreign keys unenforced in some old databases: such a link is dropped."""
    database_at_0007(db_url)
    with migrations(db_url) as (conn, config):
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE contact_labels DROP CONSTRAINT "
                                 "fk_contact_labels_label_id_labels")  # fmt: skip
        conn.exec_driver_sql("INSERT INTO contact_labels (contact_id, label_id) VALUES (4, 99)")
        command.upgrade(config, "head")
        stored = conn.execute(sa.text("SELECT label_ids FROM contacts WHERE id = 4")).scalar()

    assert stored in ([], "[]")
