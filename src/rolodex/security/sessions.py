"""When a web session or an API token ends.

A session ends ``idle_minutes`` after its last use and ``max_hours`` after sign-in,
whichever comes first; each use moves its end on, written at most once a minute
(``RENEW_STEP``) so that a page full of requests is not a write each. An API token ends
when it was asked to (``expires_in``), or never. Both end at once when the user's
password changes or the user is deactivated (the epoch check in
:func:`rolodex.store.tokens.find`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rolodex.config import SessionPolicy
from rolodex.store import tokens
from rolodex.store.store import Store

RENEW_STEP = timedelta(minutes=1)


def now() -> datetime:
    return datetime.now(UTC)


def first_end(policy: SessionPolicy, at: datetime) -> datetime:
    return at + min(timedelta(minutes=policy.idle_minutes), timedelta(hours=policy.max_hours))


def renewed_end(policy: SessionPolicy, session: tokens.Session, at: datetime) -> datetime | None:
    """The session's new end after a use at ``at``, when it is worth writing."""
    if session.kind != "session":
        return None
    deadline = min(
        at + timedelta(minutes=policy.idle_minutes),
        _aware(session.created_at) + timedelta(hours=policy.max_hours),
    )
    current = _aware(session.expires_at) if session.expires_at else None
    return deadline if current is None or deadline - current >= RENEW_STEP else None


def authenticate(store: Store, token: str, policy: SessionPolicy) -> tokens.Session | None:
    """The live session or token ``token`` opens, its end moved on by this use; ``None``
    when it is unknown, revoked, expired, or older than a password change."""
    at = now()
    with store.read() as conn:
        session = tokens.find(conn, token, at)
    if session is None:
        return None
    if session.kind == "session" and at >= _aware(session.created_at) + timedelta(
        hours=policy.max_hours
    ):
        return None  # past the lifetime, whatever its recorded end (settings may shrink)
    end = renewed_end(policy, session, at)
    if end is not None:
        with store.write() as conn:
            tokens.extend(conn, session.token_id, end)
    return session


def _aware(moment: datetime) -> datetime:
    """SQLite gives timestamps back without their zone; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
