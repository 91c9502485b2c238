"""The floor an import cannot beat: the same rows loaded the plainest way the database has.

SQLite: ``csv`` + ``executemany`` into equivalent plain tables, one transaction.
PostgreSQL: ``COPY`` into equivalent plain tables. Both write what an import of a
generated file writes: the contact, its label links and its two custom values.
"""

from __future__ import annotations

import csv
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from bench.generate import LABELS

TABLES = (
    "CREATE TABLE contacts (id INTEGER PRIMARY KEY, email TEXT NOT NULL, email_key TEXT NOT NULL"
    " UNIQUE, first_name TEXT, last_name TEXT, company_id INTEGER, source TEXT NOT NULL,"
    " created_at TEXT NOT NULL, updated_at TEXT NOT NULL)",
    "CREATE TABLE contact_labels (contact_id INTEGER NOT NULL, label_id INTEGER NOT NULL,"
    " PRIMARY KEY (contact_id, label_id))",
    "CREATE TABLE custom_values (contact_id INTEGER NOT NULL, field_id INTEGER NOT NULL,"
    " value TEXT NOT NULL, PRIMARY KEY (contact_id, field_id))",
)
LABEL_IDS = {name: i + 1 for i, name in enumerate(LABELS)}


def _records(path: Path) -> Iterator[tuple[int, list[str]]]:
    with path.open(newline="", encoding="utf-8") as stream:
        reader = csv.reader(stream)
        next(reader)
        yield from enumerate(reader, start=1)


def sqlite_floor(path: Path, database: Path) -> float:
    """Seconds to load ``path`` with csv + executemany into plain SQLite tables."""
    conn = sqlite3.connect(database, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    for table in TABLES:
        conn.execute(table)
    now = datetime.now(UTC).isoformat()
    start = time.perf_counter()
    contacts, links, values = [], [], []
    for i, row in _records(path):
        email, first, last, company, labels, _, plan, seats = row
        contacts.append((i, email, email.lower(), first, last, int(company), "import", now, now))
        links += [(i, LABEL_IDS[name]) for name in labels.split(":")]
        values += [(i, 1, plan), (i, 2, seats)]
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO contacts VALUES (?,?,?,?,?,?,?,?,?)", contacts)
    conn.executemany("INSERT INTO contact_labels VALUES (?,?)", links)
    conn.executemany("INSERT INTO custom_values VALUES (?,?,?)", values)
    conn.execute("COMMIT")
    seconds = time.perf_counter() - start
    conn.close()
    return seconds


def postgres_floor(path: Path, url: str) -> float:
    """Seconds to COPY ``path``'s rows into plain PostgreSQL tables (created fresh)."""
    with psycopg.connect(url, autocommit=True) as conn:
        for name in ("contacts", "contact_labels", "custom_values"):
            conn.execute(f"DROP TABLE IF EXISTS floor_{name}")
        for table in TABLES:
            conn.execute(
                table.replace("CREATE TABLE ", "CREATE TABLE floor_").replace(
                    "INTEGER PRIMARY KEY", "INTEGER PRIMARY KEY", 1
                )
            )
        now = datetime.now(UTC).isoformat()
        start = time.perf_counter()
        with conn.transaction(), conn.cursor() as cur:
            with cur.copy("COPY floor_contacts FROM STDIN") as copy:
                for i, row in _records(path):
                    copy.write_row(
                        (i, row[0], row[0].lower(), row[1], row[2], int(row[3]), "import", now, now)
                    )
            with cur.copy("COPY floor_contact_labels FROM STDIN") as copy:
                for i, row in _records(path):
                    for name in row[4].split(":"):
                        copy.write_row((i, LABEL_IDS[name]))
            with cur.copy("COPY floor_custom_values FROM STDIN") as copy:
                for i, row in _records(path):
                    copy.write_row((i, 1, row[6]))
                    copy.write_row((i, 2, row[7]))
        seconds = time.perf_counter() - start
        for name in ("contacts", "contact_labels", "custom_values"):
            conn.execute(f"DROP TABLE IF EXISTS floor_{name}")
    return seconds
