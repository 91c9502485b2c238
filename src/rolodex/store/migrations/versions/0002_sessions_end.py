"""sessions and tokens end: expiry, and a credentials epoch per user

Revision ID: 0002
Revises: 0001

``users.auth_epoch`` goes up by one when a user's password is changed or the user is
deactivated; a token or session is live only while its ``auth_epoch`` (stamped when it
was issued) is the user's. ``api_tokens.expires_at``: when a token or session ends (NULL:
an API token issued without ``expires_in``). Existing rows start at epoch 0, so tokens
issued before the upgrade stay valid until the next change.
"""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0002", "0001"  # no branch labels, no dependencies


def upgrade() -> None:
    op.add_column(
        "users", sa.Column("auth_epoch", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column(
        "api_tokens", sa.Column("auth_epoch", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("api_tokens", sa.Column("expires_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as table:
        table.drop_column("expires_at")
        table.drop_column("auth_epoch")
    with op.batch_alter_table("users") as table:
        table.drop_column("auth_epoch")
