"""Migration 0003 makes company names unique in any case without breaking a database that
already holds duplicates: they are kept (an import naming one reports it as ambiguous), and
no new duplicate can be added."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from rolodex.errors import Conflict
from rolodex.services import catalog
from rolodex.store import catalog as sql
from rolodex.store.database import MIGRATIONS, make_engine, normalise_url
from rolodex.store.store import Store


def _database_at_0001(url: str) -> None:
    """A database as rolodex left it before 0003, holding two spellings of one company."""
    engine = sa.create_engine(normalise_url(url))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        now = datetime.now(UTC)
        conn.execute(
            sa.text("INSERT INTO companies (name, created_at) VALUES (:n, :t)"),
            [{"n": n, "t": now} for n in ("Contoso Ltd", "contoso ltd", "Globex")],
        )
    engine.dispose()


def test_existing_duplicate_names_survive_the_migration_and_no_new_one_is_made(db_url):
    _database_at_0001(db_url)

    make_engine(db_url).dispose()  # migrates to the head

    store = Store.open(db_url)
    try:
        with store.read() as conn:
            names = [c.name for c in sql.companies(conn)]
        assert names == ["Contoso Ltd", "contoso ltd", "Globex"]
        for name in ("CONTOSO LTD", "globex"):
            try:
                catalog.add_company(store, name)
            except Conflict as refused:
                assert "already exists (ID " in refused.message
            else:
                raise AssertionError(f"{name!r} was added twice")
        assert catalog.add_company(store, "Initech").name == "Initech"
    finally:
        store.close()
