"""Reading and changing single agents (the import writes them in batches, see ``unit``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    and_,
    case,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)

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


def by_id(conn: Connection, user_id: int) -> UserRecord | None:
    row = conn.execute(columns().where(t.users.c.id == user_id)).first()
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


def next_epoch(new_hash: Any, new_active: Any) -> ColumnElement[int]:
    """The user's ``auth_epoch`` after a write of this hash and active flag (SQL values or
    Python ones): one more when the password hash changes or an active user is
    deactivated, which ends every token and session the user holds — for good, since a
    reactivation does not give the old epoch back."""
    u = t.users.c
    new_hash = new_hash if isinstance(new_hash, ColumnElement) else literal(new_hash)
    new_active = new_active if isinstance(new_active, ColumnElement) else literal(new_active)
    ends = or_(
        u.password_hash.is_distinct_from(new_hash),
        and_(u.active.is_(True), new_active.is_(False)),
    )
    return case((ends, u.auth_epoch + 1), else_=u.auth_epoch)


def set_password_hash(conn: Connection, user_id: int, password_hash: str) -> None:
    """The same password, hashed anew (an upgrade at sign-in): not a change of password,
    so the user's sessions go on."""
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
            password_hash=user.password_hash,
            role=Role.ADMIN.value,
            active=True,
            updated_at=stamp,
            auth_epoch=t.users.c.auth_epoch + 1,  # a password set anew ends the old sessions
        )
    )


# -- the team page and ``/api/users``: one person at a time, by an admin --------------------------


def last_sign_ins(conn: Connection) -> dict[int, datetime]:
    """When each user last signed in (their newest session or API token), in one query;
    users who never did are missing."""
    k = t.api_tokens.c
    rows = conn.execute(select(k.user_id, func.max(k.created_at)).group_by(k.user_id))
    return {row[0]: row[1] for row in rows}


def active_admin_ids(conn: Connection, lock: bool = False) -> set[int]:
    """The active admins' ids; ``lock`` holds their rows until the transaction ends
    (PostgreSQL's ``FOR UPDATE``; SQLite's write transaction is exclusive already), so two
    admins demoting each other at once cannot both pass the last-admin check."""
    return set(conn.scalars(_active_admins(t.users.c.id, lock)))


def active_admin_keys(conn: Connection, lock: bool = False) -> set[str]:
    """The active admins' email keys, locked as :func:`active_admin_ids` locks them: what a
    users import and its undo check against (docs/importing.md#the-last-active-admin)."""
    return set(conn.scalars(_active_admins(t.users.c.email_key, lock)))


def _active_admins(column: Any, lock: bool) -> Select[Any]:
    """Locked in id order whoever asks (the team page, an import, an undo), so two of them
    at once queue on the same first row instead of deadlocking."""
    u = t.users.c
    query = select(column).where(u.active.is_(True), u.role == Role.ADMIN.value).order_by(u.id)
    return query.with_for_update() if lock else query


def add(conn: Connection, user: UserState) -> int:
    """A new user; returns its id."""
    stamp = datetime.now(UTC)
    row = conn.execute(insert(t.users).returning(t.users.c.id), new_row(user, stamp)).one()
    return int(row[0])


def new_row(user: UserState, stamp: datetime) -> dict[str, Any]:
    """The values that insert ``user``, created and updated at ``stamp``."""
    return {
        "email": user.email,
        "email_key": user.email_key,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "password_hash": user.password_hash,
        "active": user.active,
        "role": user.role.value,
        "created_at": stamp,
        "updated_at": stamp,
    }


def change(
    conn: Connection,
    user_id: int,
    *,
    active: bool | None = None,
    role: Role | None = None,
    password_hash: str | None = None,
) -> None:
    """Set what is given; a new password hash or a deactivation moves ``auth_epoch`` on
    (:func:`next_epoch`), ending the user's sessions and tokens."""
    u = t.users.c
    new_hash = u.password_hash if password_hash is None else literal(password_hash)
    new_active = u.active if active is None else literal(active)
    values: dict[str, Any] = {
        "updated_at": datetime.now(UTC),
        "auth_epoch": next_epoch(new_hash, new_active),
    }
    if active is not None:
        values["active"] = active
    if role is not None:
        values["role"] = role.value
    if password_hash is not None:
        values["password_hash"] = password_hash
    conn.execute(update(t.users).where(u.id == user_id).values(**values))
