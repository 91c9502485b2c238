"""The team, as an admin keeps it: list, add, deactivate and reactivate, reset a password,
make admin or agent (docs/api.md#the-team). The team page and ``/api/users`` are two front
ends over this.

The rules, whatever the front end:

- Passwords follow the users import's rule (:func:`rolodex.importing.values.check_password`)
  and are stored only as argon2id hashes. A *temporary* password is generated here, handed
  back once in :attr:`Outcome.temporary_password` for the admin to pass on, and kept nowhere
  in plain text: asking again makes a new one.
- A password reset or a deactivation ends every session and token the person holds
  (``auth_epoch``, :func:`rolodex.store.users.next_epoch`); a reactivation does not bring
  them back.
- The team always keeps an active admin: demoting or deactivating the last one is refused
  with :class:`~rolodex.errors.LastAdmin`, checked with the admins' rows locked so that two
  admins demoting each other at once cannot both succeed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from rolodex.domain import Role, UserState
from rolodex.errors import Conflict, LastAdmin, NotFound, UsageError
from rolodex.importing import values
from rolodex.importing.report import ValueProblem
from rolodex.security.passwords import hash_password
from rolodex.services.accounts import email_key_of
from rolodex.store import users as sql
from rolodex.store.store import Store

MAX_PASSWORD = values.MAX_PASSWORD
TEMPORARY_PASSWORD_BYTES = 12  # 16 characters of base64url: 96 random bits
NAME_LIMIT = 255


@dataclass(frozen=True)
class Member:
    """One person of the team as the team page and ``GET /api/users`` show them."""

    record: sql.UserRecord
    last_sign_in: datetime | None


@dataclass(frozen=True)
class NewMember:
    email: str
    first_name: str | None = None
    last_name: str | None = None
    role: Role = Role.AGENT
    password: str | None = None  # None: generate a temporary password


@dataclass(frozen=True)
class Change:
    """What to change about one person; ``None`` leaves it as it is."""

    active: bool | None = None
    role: Role | None = None
    password: str | None = None
    temporary_password: bool = False


@dataclass(frozen=True)
class Outcome:
    member: Member
    temporary_password: str | None = None  # shown once, then gone


def members(store: Store) -> list[Member]:
    """Everyone, in the order they were added; two queries whatever the team's size."""
    with store.read() as conn:
        signed_in = sql.last_sign_ins(conn)
        return [Member(r, signed_in.get(r.state.id or 0)) for r in sql.every(conn)]


def has_active_admin(store: Store) -> bool:
    with store.read() as conn:
        return bool(sql.active_admin_ids(conn))


def member(store: Store, user_id: int) -> Member:
    with store.read() as conn:
        found = sql.by_id(conn, user_id)
        if found is None:
            raise NotFound(f"there is no user with ID {user_id}")
        return Member(found, sql.last_sign_ins(conn).get(user_id))


def add(store: Store, new: NewMember) -> Outcome:
    """A new active member; with no password given, a temporary one is made and returned."""
    temporary = None if new.password is not None else generate_password()
    password_hash = _hashed(new.password if new.password is not None else temporary)
    address = email_key_of(new.email)
    user = UserState(
        None,
        address.address,
        address.key,
        _name(new.first_name, "first name"),
        _name(new.last_name, "last name"),
        password_hash,
        True,
        new.role,
    )
    with store.write() as conn:
        if sql.by_key(conn, address.key) is not None:
            raise Conflict(f"{address.address} is on the team already")
        user_id = sql.add(conn, user)
    return Outcome(member(store, user_id), temporary)


def change(store: Store, user_id: int, wanted: Change) -> Outcome:
    """Apply ``wanted`` to one person, or refuse it whole."""
    if wanted.password is not None and wanted.temporary_password:
        raise UsageError("give a new password or ask for a temporary one, not both")
    temporary = generate_password() if wanted.temporary_password else None
    new_password = wanted.password if wanted.password is not None else temporary
    password_hash = _hashed(new_password) if new_password is not None else None
    with store.write() as conn:
        found = sql.by_id(conn, user_id)
        if found is None:
            raise NotFound(f"there is no user with ID {user_id}")
        if _takes_an_admin_away(found.state, wanted) and not (
            sql.active_admin_ids(conn, lock=True) - {user_id}
        ):
            raise _last_admin(found.state, wanted)
        sql.change(
            conn, user_id, active=wanted.active, role=wanted.role, password_hash=password_hash
        )
    return Outcome(member(store, user_id), temporary)


def _takes_an_admin_away(user: UserState, wanted: Change) -> bool:
    """Would the change leave this active admin demoted or inactive?"""
    stays_admin = (wanted.role or user.role) is Role.ADMIN
    stays_active = user.active if wanted.active is None else wanted.active
    return user.active and user.role is Role.ADMIN and not (stays_admin and stays_active)


def _last_admin(user: UserState, wanted: Change) -> LastAdmin:
    what = "deactivated" if wanted.active is False else "made an agent"
    return LastAdmin(
        f"{user.email} is the last active admin and cannot be {what}: make another active "
        "member an admin first, so that someone can still manage the team"
    )


def generate_password() -> str:
    """A temporary password: random, URL-safe (easy to pass on), within the password rule."""
    return values.check_password(secrets.token_urlsafe(TEMPORARY_PASSWORD_BYTES))


def _hashed(password: str | None) -> str:
    try:
        return hash_password(values.check_password(password or ""))
    except ValueProblem as problem:
        raise UsageError(problem.message) from None


def _name(text: str | None, what: str) -> str | None:
    cleaned = (text or "").strip()
    if any(c < " " or c == "\x7f" for c in cleaned):
        raise UsageError(f"the {what} holds an invisible control character: remove it")
    if len(cleaned) > NAME_LIMIT:
        raise UsageError(f"the {what} is too long: use at most {NAME_LIMIT} characters")
    return cleaned or None
