"""imports remember the boot of the machine that runs them

Revision ID: 0004
Revises: 0003

With ``host`` and ``pid``, ``boot_id`` (``/proc/sys/kernel/random/boot_id``) tells a run of
this machine before a restart — dead, whatever its PID now names — from one of this boot
(see ``rolodex.runtime.liveness``). Older rows keep ``NULL``: their heartbeat decides.
"""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0004", "0003"  # no branch labels, no dependencies


def upgrade() -> None:
    with op.batch_alter_table("imports") as batch:
        batch.add_column(sa.Column("boot_id", sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("imports") as batch:
        batch.drop_column("boot_id")
