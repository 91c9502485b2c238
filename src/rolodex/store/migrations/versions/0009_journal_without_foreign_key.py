"""the undo journal's import id checked by the importer, not per row by PostgreSQL

Revision ID: 0009
Revises: 0008

On PostgreSQL a foreign key is checked by a trigger once per inserted row: the journal's
``import_id`` was looked up (and its ``imports`` row locked) 2,000 times a batch, always
the same run. That was 13–15% of the server's time for a contacts import
(ARCHITECTURE.md#the-merge-in-the-database). Only an import writes its journal, with the
id of the run it started and committed before, and runs are never deleted, so nothing is
lost: ``tests/integration/test_import_journal.py`` holds that every journal row names a
run. SQLite keeps the key (its check costs little, and dropping it means copying the
table).
"""

from alembic import op

revision, down_revision = "0009", "0008"  # no branch labels, no dependencies

NAME = "fk_import_journal_import_id_imports"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(NAME, "import_journal", type_="foreignkey")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_foreign_key(
            NAME, "import_journal", "imports", ["import_id"], ["id"], ondelete="CASCADE"
        )
