"""Reading and changing single agents (the import writes them in batches, see ``unit``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, Select, insert, select, update

from rolodex.domain import Role, UserState
from rolodex.store import schema as t

CHUNK = 1000


@dataclass(frozen=True)
class UserRecord:
    state: UserState
    created_at: datetime
    updated_at: datetime


def columns() -> Select[*tuple[Any, ...]]:
    """A user's columns, read by name in :func:`record`."""
    u = t.users.c
    return select(
        u.id,
        u.email,
        u.email_key,
        u.first_name,
        u.last_name,
        u.password_hash,
        u.active,
        u.role,
        u.created_at,
        u.updated_at,
    )


def record(row: Row[*tuple[Any, ...]]) -> UserRecord:
    """A row of :func:`columns` as a record; the role column holds the enum's value."""
    state = UserState(
        row.id,
        row.email,
        row.email_key,
        row.first_name,
        row.last_name,
        row.password_hash,
        row.active,
        Role(row.role),
    )
    return UserRecord(state, row.created_at, row.updated_at)


def by_key(conn: Connection, key: str) -> UserRecord | None:
    row = conn.execute(columns().where(t.users.c.email_key == key)).first()
    return record(row) if row else None


def every(conn: Connection) -> Iterator[UserRecord]:
    last = 0
    while True:
        rows = conn.execute(
            columns().where(t.users.c.id > last).order_by(t.users.c.id).limit(CHUNK)
        )
        chunk = [record(row) for row in rows]
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].state.id or 0


def set_password_hash(conn: Connection, user_id: int, password_hash: str) -> None:
    conn.execute(
        update(t.users)
        .where(t.users.c.id == user_id)
        .values(password_hash=password_hash, updated_at=datetime.now(UTC))
    )


def save_admin(conn: Connection, user: UserState) -> None:
    """Create the user as an active admin, or promote the existing one."""
    stamp = datetime.now(UTC)
    if user.id is None:
        conn.execute(
            insert(t.users),
            {
                "email": user.email,
                "email_key": user.email_key,
                "password_hash": user.password_hash,
                "active": True,
                "role": Role.ADMIN.value,
                "created_at": stamp,
                "updated_at": stamp,
            },
        )
        return
    conn.execute(
        update(t.users)
        .where(t.users.c.id == user.id)
        .values(
            password_hash=user.password_hash, role=Role.ADMIN.value, active=True, updated_at=stamp
        )
    )
