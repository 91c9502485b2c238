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

On PostgreSQL, ``label_tallies`` keeps how many contacts carry each label, as deltas that
statement triggers on ``contacts`` append (no row is ever updated, so writers never wait
on one another): counting a label's contacts by reading them took 0.2 s at a million
(rolodex.store.labelling).
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

TALLIES = (
    "CREATE TABLE label_tallies (label_id integer NOT NULL, contacts integer NOT NULL)",
    "CREATE INDEX ix_label_tallies_label_id ON label_tallies (label_id)",
    """CREATE FUNCTION tally_labels() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM label_tallies;
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO label_tallies (label_id, contacts)
      SELECT l, count(*) FROM added CROSS JOIN unnest(added.label_ids) AS l GROUP BY l;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO label_tallies (label_id, contacts)
      SELECT l, -count(*) FROM removed CROSS JOIN unnest(removed.label_ids) AS l GROUP BY l;
  ELSE
    INSERT INTO label_tallies (label_id, contacts)
      SELECT l, sum(d) FROM (
        SELECT l, 1 AS d FROM added CROSS JOIN unnest(added.label_ids) AS l
        UNION ALL
        SELECT l, -1 FROM removed CROSS JOIN unnest(removed.label_ids) AS l
      ) AS x GROUP BY l HAVING sum(d) <> 0;
  END IF;
  RETURN NULL;
END $$""",
    "CREATE TRIGGER contacts_tally_insert AFTER INSERT ON contacts "
    "REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION tally_labels()",
    "CREATE TRIGGER contacts_tally_update AFTER UPDATE ON contacts "
    "REFERENCING OLD TABLE AS removed NEW TABLE AS added "
    "FOR EACH STATEMENT EXECUTE FUNCTION tally_labels()",
    "CREATE TRIGGER contacts_tally_delete AFTER DELETE ON contacts "
    "REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION tally_labels()",
    "CREATE TRIGGER contacts_tally_truncate AFTER TRUNCATE ON contacts "
    "FOR EACH STATEMENT EXECUTE FUNCTION tally_labels()",
    "INSERT INTO label_tallies (label_id, contacts) SELECT l, count(*) FROM contacts "
    "CROSS JOIN unnest(contacts.label_ids) AS l GROUP BY l",
)
"""PostgreSQL's running count of each label's contacts, made and filled."""

UNTALLY = (
    "DROP TRIGGER contacts_tally_insert ON contacts",
    "DROP TRIGGER contacts_tally_update ON contacts",
    "DROP TRIGGER contacts_tally_delete ON contacts",
    "DROP TRIGGER contacts_tally_truncate ON contacts",
    "DROP FUNCTION tally_labels()",
    "DROP TABLE label_tallies",
)

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
        for statement in TALLIES:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    _link_table("contact_labels", "label_id", "labels")
    op.create_index("ix_contact_labels_label_id", "contact_labels", ["label_id"])
    value = sa.Column("value", sa.Text(), nullable=False)
    _link_table("custom_values", "field_id", "custom_fields", value)
    for statement in COPY_OUT[dialect]:
        op.execute(statement)
    if dialect == "postgresql":
        for statement in UNTALLY:
            op.execute(statement)
        op.drop_index("ix_contacts_label_ids", table_name="contacts")
    op.drop_column("contacts", "custom")  # ALTER TABLE … DROP COLUMN (SQLite 3.35+)
    op.drop_column("contacts", "label_ids")


def _link_table(name: str, key: str, target: str, *more: sa.Column[str]) -> None:
    """A link table as migration 0001 made it: contact → ``target``, both cascading."""
    op.create_table(
        name,
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column(key, sa.Integer(), nullable=False),
        *more,
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f(f"fk_{name}_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            [key], [f"{target}.id"], name=op.f(f"fk_{name}_{key}_{target}"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("contact_id", key, name=op.f(f"pk_{name}")),
    )
