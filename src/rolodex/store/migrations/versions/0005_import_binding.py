"""imports keep their column binding and what they created

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0005", "0004"  # no branch labels, no dependencies


def upgrade() -> None:
    with op.batch_alter_table("imports") as batch:
        batch.add_column(sa.Column("columns", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("new_names", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("imports") as batch:
        batch.drop_column("new_names")
        batch.drop_column("columns")
