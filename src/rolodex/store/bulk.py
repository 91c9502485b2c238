"""Bulk upserts sent straight to the driver's ``executemany``.

The hot path of an import writes tens of thousands of rows a second; SQLAlchemy's
per-row parameter processing would cost more than the database itself. SQLite (3.24+) and
PostgreSQL share the ``INSERT … ON CONFLICT … DO UPDATE SET col = excluded.col`` syntax, so
one statement serves both; only the placeholder and the timestamp format differ.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection


@dataclass(frozen=True)
class Upsert:
    """``INSERT INTO table (columns) … ON CONFLICT (keys) DO …``.

    ``update`` maps a column to its SQL on conflict (``excluded.x``, ``COALESCE(…)``);
    empty means DO NOTHING.
    """

    table: str
    columns: tuple[str, ...]
    keys: tuple[str, ...]
    update: tuple[tuple[str, str], ...] = ()

    def sql(self, placeholder: str) -> str:
        marks = ", ".join([placeholder] * len(self.columns))
        action = (
            "DO UPDATE SET " + ", ".join(f"{c} = {expr}" for c, expr in self.update)
            if self.update
            else "DO NOTHING"
        )
        return (
            f"INSERT INTO {self.table} ({', '.join(self.columns)}) VALUES ({marks}) "
            f"ON CONFLICT ({', '.join(self.keys)}) {action}"
        )


def run(conn: Connection, upsert: Upsert, rows: Sequence[tuple[Any, ...]]) -> None:
    if rows:
        placeholder = "?" if conn.dialect.name == "sqlite" else "%s"
        conn.exec_driver_sql(upsert.sql(placeholder), list(rows))


def timestamp(conn: Connection, moment: datetime) -> Any:
    """A timestamp as the driver should get it: SQLite stores the text SQLAlchemy reads back
    (UTC, no zone); psycopg takes the datetime itself."""
    if conn.dialect.name == "sqlite":
        return moment.strftime("%Y-%m-%d %H:%M:%S.%f")
    return moment


def as_json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)
