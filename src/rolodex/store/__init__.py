"""Persistence: SQLAlchemy Core tables, the connection factory, migrations, and the
adapters that give the import engine what it asks for in one query per batch."""
