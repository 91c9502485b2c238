"""an undo run keeps what it restored and what it removed, not "updated"

Revision ID: 0007
Revises: 0006

Before this, an undo run stored everything it touched as ``updated`` and said the split
only in a warning line (``restored 3, removed 113, skipped 0``). Existing undo runs get
their counts back from that line.
"""

import re

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0007", "0006"  # no branch labels, no dependencies

OLD_LINE = re.compile(r"^restored (\d+), removed (\d+), skipped (\d+)$")


def upgrade() -> None:
    with op.batch_alter_table("imports") as batch:
        batch.add_column(sa.Column("restored", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("removed", sa.Integer(), nullable=False, server_default="0"))
    imports = sa.table(
        "imports",
        sa.column("id", sa.Integer()),
        sa.column("kind", sa.String()),
        sa.column("rows_done", sa.Integer()),
        sa.column("updated", sa.Integer()),
        sa.column("restored", sa.Integer()),
        sa.column("removed", sa.Integer()),
        sa.column("rows_total", sa.Integer()),
        sa.column("warnings", sa.JSON()),
    )
    conn = op.get_bind()
    undos = conn.execute(
        sa.select(imports.c.id, imports.c.warnings).where(imports.c.kind == "undo")
    )
    for undo_id, warnings in list(undos):
        lines = list(warnings or [])
        found = next((m for m in map(OLD_LINE.match, lines) if m), None)
        if found is None:
            continue
        conn.execute(
            sa.update(imports)
            .where(imports.c.id == undo_id)
            .values(
                restored=int(found.group(1)),
                removed=int(found.group(2)),
                updated=0,
                rows_total=imports.c.rows_done,
                warnings=[line for line in lines if not OLD_LINE.match(line)],
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("imports") as batch:
        batch.drop_column("removed")
        batch.drop_column("restored")
