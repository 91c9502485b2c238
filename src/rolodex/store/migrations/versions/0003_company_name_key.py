"""company names unique in any case

Revision ID: 0003
Revises: 0002

``companies.name_key`` holds :func:`rolodex.domain.company_key` of the name (trimmed,
casefolded — computed here in Python, because SQLite's ``lower()`` folds ASCII only) under a
unique index, so ``Contoso Ltd`` cannot be added twice.

A database may already hold duplicates (``Contoso Ltd`` and ``contoso ltd``). They are kept
as they are: renaming one would change a name people chose and see, and merging would move
contacts between companies — neither is a schema migration's call, and an import that names
such a company already reports it as ambiguous, naming both IDs. The oldest company (lowest
ID) of each name gets the key; the later duplicates keep ``NULL``, which a unique index
allows any number of times on SQLite and PostgreSQL. Every new company gets its key, so no
new duplicate can appear.
"""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0003", "0002"  # no branch labels, no dependencies


def _key(name: str) -> str:
    """rolodex.domain.company_key as of this migration (a migration never imports app code
    that may change after it)."""
    return name.strip().casefold()


def upgrade() -> None:
    with op.batch_alter_table("companies") as batch:
        batch.add_column(sa.Column("name_key", sa.String(length=255), nullable=True))
    companies = sa.table(
        "companies", sa.column("id", sa.Integer), sa.column("name"), sa.column("name_key")
    )
    conn = op.get_bind()
    seen: set[str] = set()
    for company_id, name in conn.execute(
        sa.select(companies.c.id, companies.c.name).order_by("id")
    ):
        key = _key(name)
        if key in seen:
            continue
        seen.add(key)
        conn.execute(companies.update().where(companies.c.id == company_id).values(name_key=key))
    with op.batch_alter_table("companies") as batch:
        batch.create_unique_constraint(op.f("uq_companies_name_key"), ["name_key"])


def downgrade() -> None:
    with op.batch_alter_table("companies") as batch:
        batch.drop_constraint(op.f("uq_companies_name_key"), type_="unique")
        batch.drop_column("name_key")
