"""The tables. SQLAlchemy Core only: the engine works on plain values, not ORM objects.

Every email has its match key (:func:`rolodex.domain.email_key`) in a column of
its own with a unique index, so case-insensitive uniqueness is the database's job too —
SQLite's ``NOCASE`` would fold ASCII only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects import postgresql

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)


def _run_part(name: str, *columns: Column[Any]) -> Table:
    """A table of what belongs to one import run (keyed by its ``import_id`` first), and
    goes with it."""
    run = Column(
        "import_id", Integer, ForeignKey("imports.id", ondelete="CASCADE"), primary_key=True
    )
    return Table(name, metadata, run, *columns)


def _entity(name: str, *columns: Any) -> Table:
    """A table of things with an integer ``id`` of their own."""
    return Table(name, metadata, Column("id", Integer, primary_key=True), *columns)


def _person() -> list[Column[Any]]:
    """What contacts and users share: an address, its match key, and a name."""
    return [
        Column("email", String(320), nullable=False),
        Column("email_key", String(320), nullable=False, unique=True),
        Column("first_name", String(255)),
        Column("last_name", String(255)),
    ]


def _timestamps() -> list[Column[object]]:
    return [
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
    ]


companies = _entity(
    "companies",
    Column("name", String(255), nullable=False),
    Column("domain", String(255)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # domain.company_key(name); NULL only for a duplicate kept from before migration 0003
    Column("name_key", String(255), unique=True),
)

labels = _entity(
    "labels",
    Column("name", String(255), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

custom_fields = _entity(
    "custom_fields",
    Column("variable_name", String(64), nullable=False, unique=True),
    Column("title", String(255), nullable=False),
    Column("type", String(16), nullable=False),
    Column("options", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

LABEL_IDS = JSON().with_variant(postgresql.ARRAY(Integer), "postgresql")
"""A contact's label ids, sorted: ``integer[]`` under a GIN index on PostgreSQL (migration
0008), a JSON array on SQLite."""

CUSTOM = JSON().with_variant(postgresql.JSONB(), "postgresql")
"""A contact's custom values: field id (as text, JSON's only key type) → canonical value."""

contacts = _entity(
    "contacts",
    *_person(),
    Column("company_id", Integer, ForeignKey("companies.id", ondelete="SET NULL")),
    Column("source", String(16), nullable=False),
    *_timestamps(),
    Column("label_ids", LABEL_IDS, nullable=False, default=list),
    Column("custom", CUSTOM, nullable=False, default=dict),
)
"""Labels and custom values live on the contact's row, not in link tables: an import writes
one row per contact (ARCHITECTURE.md#the-data-layout). Nothing in the database stops an id
in ``label_ids`` from pointing nowhere, so deleting a label takes it off every contact in
the same transaction (:func:`rolodex.store.catalog.delete_label`), and an import locks the
labels it links (:meth:`rolodex.store.unit.SqlUnit.write_contacts`)."""

users = _entity(
    "users",
    *_person(),
    Column("password_hash", Text),
    Column("active", Boolean, nullable=False),
    Column("role", String(16), nullable=False),
    *_timestamps(),
    Column("auth_epoch", Integer, nullable=False, server_default="0"),
)
"""``auth_epoch`` goes up when the password changes or the user is deactivated: every
token and session stamped with an older epoch is dead (:mod:`rolodex.store.tokens`)."""

imports = _entity(
    "imports",
    Column("kind", String(16), nullable=False),
    Column("file_name", String(1024), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("dry_run", Boolean, nullable=False),
    Column("strict", Boolean, nullable=False),
    Column("status", String(16), nullable=False),
    Column("rows_total", Integer, nullable=False, default=0),
    Column("rows_done", Integer, nullable=False, default=0),
    Column("created", Integer, nullable=False, default=0),
    Column("updated", Integer, nullable=False, default=0),
    Column("unchanged", Integer, nullable=False, default=0),
    Column("failed", Integer, nullable=False, default=0),
    # an undo run: records it put back as they were, and records it removed (it created none)
    Column("restored", Integer, nullable=False, default=0, server_default="0"),
    Column("removed", Integer, nullable=False, default=0, server_default="0"),
    Column("warnings", JSON, nullable=False),
    Column("header", JSON, nullable=False),
    Column("options", JSON, nullable=False, default=dict),
    Column("columns", JSON),
    Column("new_names", JSON),
    Column("actor", String(320)),
    Column("host", String(255)),
    Column("boot_id", String(36)),  # /proc/sys/kernel/random/boot_id of the run's machine
    Column("pid", Integer),
    Column("worker", String(255)),
    Column("heartbeat_at", DateTime(timezone=True)),
    Column("undo_of", Integer, ForeignKey("imports.id", ondelete="SET NULL")),
    Column("undone_by", Integer),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Index("ix_imports_status", "status"),
)

import_errors = _entity(
    "import_errors",
    Column("import_id", Integer, ForeignKey("imports.id", ondelete="CASCADE"), nullable=False),
    Column("row", Integer, nullable=False),
    Column("column", String(255)),
    Column("code", String(64), nullable=False),
    Column("message", Text, nullable=False),
    Index("ix_import_errors_import_id", "import_id"),
)

import_rejects = _run_part(
    "import_rejects",
    Column("row", Integer, primary_key=True),
    Column("values", JSON, nullable=False),
    Column("error", Text, nullable=False),
)

import_uploads = _run_part(
    "import_uploads",
    Column("seq", Integer, primary_key=True),
    Column("data", LargeBinary, nullable=False),
)
"""An uploaded file kept in the database, so a worker on any machine can run the job."""

import_journal = _run_part(
    "import_journal",
    Column("entity", String(16), primary_key=True),
    Column("key", String(320), primary_key=True),
    Column("created", Boolean, nullable=False),
    Column("before", JSON),
    Column("after", JSON, nullable=False),
)
"""What an import changed, record by record: the state before (``None`` when the import
created the record) and after, so undo can restore it and see later changes."""

api_tokens = _entity(
    "api_tokens",
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),
    Column("csrf", String(64)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Column("auth_epoch", Integer, nullable=False, server_default="0"),
    Column("expires_at", DateTime(timezone=True)),
)
"""Bearer tokens and web sessions; only a SHA-256 of the token is stored."""

header_bindings = Table(
    "header_bindings",
    metadata,
    Column("kind", String(16), primary_key=True),
    Column("header_sha256", String(64), primary_key=True),
    Column("mapping", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
"""The column choice last made in the web app's Columns step for a header (a SHA-256 of
its cells), so the next file from the same system comes pre-filled with it."""

__all__ = [
    "api_tokens",
    "companies",
    "contacts",
    "custom_fields",
    "import_errors",
    "import_journal",
    "import_rejects",
    "import_uploads",
    "imports",
    "labels",
    "metadata",
    "users",
]
