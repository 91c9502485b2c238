"""Bulk upserts at the speed of the database, not of an ORM.

The hot path of an import writes tens of thousands of rows a second; SQLAlchemy's
per-row parameter processing would cost more than the database itself. SQLite (3.24+) and
PostgreSQL share the ``INSERT … ON CONFLICT … DO UPDATE SET col = excluded.col`` syntax:

* SQLite gets it through the driver's ``executemany`` (one prepared statement, run in C);
* PostgreSQL gets the rows by ``COPY`` into a session-local staging table, then one
  set-based ``INSERT … SELECT … ORDER BY key ON CONFLICT``: keys in the same order in every
  transaction, so two imports at once cannot deadlock.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Sequence
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

    def update_sql(self) -> str:
        """``col = expr, …``: what follows ``DO UPDATE SET``."""
        return ", ".join(f"{c} = {expr}" for c, expr in self.update)

    def sql(self, placeholder: str) -> str:
        marks = ", ".join([placeholder] * len(self.columns))
        action = "DO UPDATE SET " + self.update_sql() if self.update else "DO NOTHING"
        return (
            f"INSERT INTO {self.table} ({', '.join(self.columns)}) VALUES ({marks}) "
            f"ON CONFLICT ({', '.join(self.keys)}) {action}"
        )

    def staged(self) -> str:
        """The PostgreSQL form: from the staging table, in key order."""
        columns = ", ".join(self.columns)
        return self.sql("%s").replace(
            f"VALUES ({', '.join(['%s'] * len(self.columns))})",
            f"SELECT {columns} FROM {self.stage} ORDER BY {', '.join(self.keys)}",
        )

    @property
    def stage(self) -> str:
        return f"stage_{self.table}"


COPY_FROM = 200
"""Fewer rows than this go by executemany: a COPY round trip is not worth it."""


def run(conn: Connection, upsert: Upsert, rows: Sequence[tuple[Any, ...]]) -> None:
    if not rows:
        return
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(upsert.sql("?"), list(rows))
    elif len(rows) < COPY_FROM:
        conn.exec_driver_sql(upsert.sql("%s"), list(rows))
    else:
        _copy_then_upsert(conn, upsert, rows)


def upsert_inserted(
    conn: Connection, upsert: Upsert, rows: Sequence[tuple[Any, ...]], key: str
) -> set[Any] | None:
    """Like :func:`run`, and on PostgreSQL also say which ``key`` values were inserted (not
    updated). ``None`` on SQLite, where a write transaction holds the whole database, so
    what an import read is still true when it writes."""
    if not rows or conn.dialect.name == "sqlite":
        run(conn, upsert, rows)
        return None
    returned = _copy_then_upsert(conn, upsert, rows, f" RETURNING {key}, (xmax = 0)")
    return {value for value, inserted in returned if inserted}


def _copy_then_upsert(
    conn: Connection, upsert: Upsert, rows: Sequence[tuple[Any, ...]], returning: str = ""
) -> list[tuple[Any, ...]]:
    columns = ", ".join(upsert.columns)
    conn.exec_driver_sql(
        f"CREATE TEMP TABLE IF NOT EXISTS {upsert.stage} ON COMMIT DELETE ROWS AS "
        f"SELECT {columns} FROM {upsert.table} WITH NO DATA"
    )
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY {upsert.stage} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(upsert.staged() + returning)
        returned = cursor.fetchall() if returning else []
        cursor.execute(f"TRUNCATE {upsert.stage}")
    return returned


IN_CHUNK = 5000
"""Keys per ``IN (…)`` list on SQLite; well below its limit of bound parameters."""


def fetch_in(
    conn: Connection, query: str, column: str, keys: Collection[Any]
) -> Iterator[tuple[Any, ...]]:
    """Rows of ``query`` whose ``column`` is one of ``keys``; ``{where}`` in the query
    marks the condition. Straight through the driver's cursor: SQLAlchemy's result
    machinery costs more per row than SQLite takes to find it."""
    cursor = conn.connection.cursor()
    try:
        for statement, params in _in_parts(conn, query, column, keys, ()):
            cursor.execute(statement, params)
            yield from cursor.fetchall()
    finally:
        cursor.close()


def execute_in(
    conn: Connection, statement: str, column: str, keys: Collection[Any], params: tuple[Any, ...]
) -> None:
    """Run ``statement`` for the rows whose ``column`` is one of ``keys`` (``{where}``, the
    last placeholder in it); ``params`` fill the placeholders before it."""
    for sql, values in _in_parts(conn, statement, column, keys, params):
        conn.exec_driver_sql(sql, values)


def _in_parts(
    conn: Connection, query: str, column: str, keys: Collection[Any], params: tuple[Any, ...]
) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """PostgreSQL gets every key in one array parameter; SQLite, ``IN`` lists of at most
    :data:`IN_CHUNK` keys."""
    if not keys:
        return
    if conn.dialect.name == "postgresql":
        yield query.format(where=f"{column} = ANY(%s)"), (*params, list(keys))
        return
    for part in chunks(keys):
        yield query.format(where=f"{column} IN ({', '.join('?' * len(part))})"), (*params, *part)


def chunks(items: Collection[Any], size: int = IN_CHUNK) -> list[list[Any]]:
    """``items`` sorted, in lists of at most ``size`` (one ``IN (…)`` list each)."""
    ordered = sorted(items)
    return [ordered[i : i + size] for i in range(0, len(ordered), size)]


def placeholder(conn: Connection) -> str:
    return "?" if conn.dialect.name == "sqlite" else "%s"


def timestamp(conn: Connection, moment: datetime) -> Any:
    """A timestamp as the driver should get it: SQLite stores the text SQLAlchemy reads back
    (UTC, no zone); psycopg takes the datetime itself."""
    if conn.dialect.name == "sqlite":
        return moment.strftime("%Y-%m-%d %H:%M:%S.%f")
    return moment


def as_json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)
