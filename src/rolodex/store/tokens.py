"""Bearer tokens and web sessions. Only a SHA-256 of a token is stored: a copy of the
database does not let anyone log in.

A token is live while it is not revoked, not past ``expires_at`` (sessions always have
one, API tokens when asked for), its user is active, and the user's ``auth_epoch`` is
still the one stamped at issue: a password change or a deactivation moves the epoch on
(:func:`rolodex.store.users.next_epoch`), and every older token dies with it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, insert, or_, select, update

from rolodex.domain import Role
from rolodex.store import schema as t


@dataclass(frozen=True)
class Session:
    token_id: int
    user_id: int
    email: str
    role: Role
    kind: str
    csrf: str | None
    created_at: datetime
    expires_at: datetime | None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(
    conn: Connection, user_id: int, kind: str, now: datetime, expires_at: datetime | None
) -> tuple[str, str]:
    """A new token (and CSRF secret) for the user, stamped with the user's current epoch;
    only the token's digest is kept."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    epoch = select(t.users.c.auth_epoch).where(t.users.c.id == user_id).scalar_subquery()
    conn.execute(
        insert(t.api_tokens).values(
            user_id=user_id,
            token_hash=digest(token),
            kind=kind,
            csrf=csrf,
            created_at=now,
            auth_epoch=epoch,
            expires_at=expires_at,
        )
    )
    return token, csrf


def find(conn: Connection, token: str, now: datetime) -> Session | None:
    """The live session of an active user holding ``token``, if any."""
    k, u = t.api_tokens.c, t.users.c
    row = conn.execute(
        select(k.id, u.id, u.email, u.role, k.kind, k.csrf, k.created_at, k.expires_at)
        .join(t.users, t.users.c.id == k.user_id)
        .where(
            k.token_hash == digest(token),
            k.revoked_at.is_(None),
            u.active.is_(True),
            k.auth_epoch == u.auth_epoch,
            or_(k.expires_at.is_(None), k.expires_at > now),
        )
    ).first()
    if row is None:
        return None
    return Session(row[0], row[1], row[2], Role(row[3]), row[4], row[5], row[6], row[7])


def extend(conn: Connection, token_id: int, expires_at: datetime) -> None:
    conn.execute(
        update(t.api_tokens).where(t.api_tokens.c.id == token_id).values(expires_at=expires_at)
    )


def revoke(conn: Connection, token_id: int) -> None:
    conn.execute(
        update(t.api_tokens)
        .where(t.api_tokens.c.id == token_id)
        .values(revoked_at=datetime.now(UTC))
    )
