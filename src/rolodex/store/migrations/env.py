"""Alembic runs migrations on the connection rolodex hands it (see ``database.migrate``)."""

from alembic import context

from rolodex.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
