"""an index on a contact's label ids on SQLite, to count contacts by label

Revision ID: 0011
Revises: 0010

SQLite counted the contacts carrying a label by opening every contact's JSON array: at a
million contacts, about half a second for one label's page of the contacts list and for the
labels page. A file's contacts carry a few dozen distinct label sets at most, so with the
arrays under an index the count reads each distinct array once and the index's tally of it
(:mod:`rolodex.store.labelling`, ARCHITECTURE.md#the-eighth-sessions-step). PostgreSQL has
its GIN index and its tallies already (migration 0008).
"""

from alembic import op

revision, down_revision = "0011", "0010"  # no branch labels, no dependencies

NAME = "ix_contacts_label_ids"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.create_index(NAME, "contacts", ["label_ids"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index(NAME, table_name="contacts")
