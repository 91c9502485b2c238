"""a contact's labels and custom values on its own row

Revision ID: 0008
Revises: 0007

The link tables ``contact_labels`` and ``custom_values`` become two columns of
``contacts``: ``label_ids`` (PostgreSQL ``integer[]`` under a GIN index, SQLite a JSON
array) and ``custom`` (PostgreSQL ``jsonb``, SQLite a JSON object; field id as text →
value). An import then writes one row per contact instead of one per contact, label and
value, each checked against two foreign keys (ARCHITECTURE.md#the-data-layout gives the
figures). Label ids are kept sorted. A label or a field that no longer exists is dropped on
the way in either direction, so no id is left pointing nowhere.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision, down_revision = "0008", "0007"  # no branch labels, no dependencies

COPY_IN = {
    "postgresql": (
        "UPDATE contacts SET label_ids = l.ids FROM (SELECT contact_id, "
        "array_agg(label_id ORDER BY label_id) AS ids FROM contact_labels "
        "GROUP BY contact_id) AS l WHERE l.contact_id = contacts.id",
        "UPDATE contacts SET custom = v.custom FROM (SELECT contact_id, "
        "jsonb_object_agg(field_id::text, value) AS custom FROM custom_values "
        "GROUP BY contact_id) AS v WHERE v.contact_id = contacts.id",
    ),
    "sqlite": (
        "UPDATE contacts SET label_ids = (SELECT json_group_array(label_id) FROM "
        "(SELECT label_id FROM contact_labels WHERE contact_id = contacts.id "
        "ORDER BY label_id)) WHERE id IN (SELECT contact_id FROM contact_labels)",
        "UPDATE contacts SET custom = (SELECT json_group_object(field_id, value) FROM "
        "(SELECT field_id, value FROM custom_values WHERE contact_id = contacts.id "
        "ORDER BY field_id)) WHERE id IN (SELECT contact_id FROM custom_values)",
    ),
}

COPY_OUT = {
    "postgresql": (
        "INSERT INTO contact_labels (contact_id, label_id) SELECT c.id, l.id FROM contacts c "
        "CROSS JOIN unnest(c.label_ids) AS ids(label_id) JOIN labels l ON l.id = ids.label_id",
        "INSERT INTO custom_values (contact_id, field_id, value) SELECT c.id, f.id, v.value "
        "FROM contacts c CROSS JOIN jsonb_each_text(c.custom) AS v "
        "JOIN custom_fields f ON f.id::text = v.key",
    ),
    "sqlite": (
        "INSERT INTO contact_labels (contact_id, label_id) SELECT c.id, l.id FROM contacts c "
        "JOIN json_each(c.label_ids) AS ids JOIN labels l ON l.id = ids.value",
        "INSERT INTO custom_values (contact_id, field_id, value) SELECT c.id, f.id, v.value "
        "FROM contacts c JOIN json_each(c.custom) AS v "
        "JOIN custom_fields f ON CAST(f.id AS TEXT) = v.key",
    ),
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    postgres = dialect == "postgresql"
    # Plain ALTER TABLE, never a batch copy of the table: SQLite would drop the old copy
    # and with it, by ON DELETE CASCADE, the very links this moves.
    op.add_column(
        "contacts",
        sa.Column(
            "label_ids",
            postgresql.ARRAY(sa.Integer()) if postgres else sa.JSON(),
            nullable=False,
            server_default=sa.text("'{}'" if postgres else "'[]'"),
        ),
    )
    op.add_column(
        "contacts",
        sa.Column(
            "custom",
            postgresql.JSONB() if postgres else sa.JSON(),
            nullable=False,
            server_default=sa.text("'{}'"),
        ),
    )
    # Links to labels or fields that are gone would become ids pointing nowhere.
    op.execute("DELETE FROM contact_labels WHERE label_id NOT IN (SELECT id FROM labels)")
    op.execute("DELETE FROM custom_values WHERE field_id NOT IN (SELECT id FROM custom_fields)")
    for statement in COPY_IN[dialect]:
        op.execute(statement)
    op.drop_table("contact_labels")
    op.drop_table("custom_values")
    if postgres:
        op.create_index("ix_contacts_label_ids", "contacts", ["label_ids"], postgresql_using="gin")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "contact_labels",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("label_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_contact_labels_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["label_id"],
            ["labels.id"],
            name=op.f("fk_contact_labels_label_id_labels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contact_id", "label_id", name=op.f("pk_contact_labels")),
    )
    op.create_index("ix_contact_labels_label_id", "contact_labels", ["label_id"])
    op.create_table(
        "custom_values",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_custom_values_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["field_id"],
            ["custom_fields.id"],
            name=op.f("fk_custom_values_field_id_custom_fields"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contact_id", "field_id", name=op.f("pk_custom_values")),
    )
    for statement in COPY_OUT[dialect]:
        op.execute(statement)
    if dialect == "postgresql":
        op.drop_index("ix_contacts_label_ids", table_name="contacts")
    op.drop_column("contacts", "custom")  # ALTER TABLE … DROP COLUMN (SQLite 3.35+)
    op.drop_column("contacts", "label_ids")
