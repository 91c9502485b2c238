"""a contact's company checked by the writers, not per row by PostgreSQL

Revision ID: 0010
Revises: 0009

On PostgreSQL a foreign key is checked by a trigger once per written row: each contact an
import wrote looked its company up and locked it, a few dozen companies 2,000 times a
batch. That was a sixth of the time of the import's upsert statement
(ARCHITECTURE.md#the-merge-in-the-database). The writers now lock the companies they link
once per batch, and deleting a company locks it before it unlinks its contacts, as labels
already do (:mod:`rolodex.store.references`). SQLite keeps the key (its check costs
little, and dropping it means copying the table). On the way down, a company id that
points nowhere (none should) is cleared before the key comes back.
"""

from alembic import op

revision, down_revision = "0010", "0009"  # no branch labels, no dependencies

NAME = "fk_contacts_company_id_companies"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(NAME, "contacts", type_="foreignkey")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE contacts SET company_id = NULL WHERE company_id IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM companies WHERE companies.id = contacts.company_id)"
        )
        op.create_foreign_key(
            NAME, "contacts", "companies", ["company_id"], ["id"], ondelete="SET NULL"
        )
