"""the column choices of the web app's Columns step, remembered per header

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0006", "0005"  # no branch labels, no dependencies


def upgrade() -> None:
    op.create_table(
        "header_bindings",
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("header_sha256", sa.String(64), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "header_sha256", name="pk_header_bindings"),
    )


def downgrade() -> None:
    op.drop_table("header_bindings")
