"""Agents one at a time: check a password (and upgrade its hash), bootstrap an admin.

Used by the CLI now and the web login later; the batch import lives in ``importing.users``.
"""

from __future__ import annotations

from dataclasses import dataclass

from rolodex.domain import Email, UserState
from rolodex.errors import NotFound, UsageError
from rolodex.importing import values
from rolodex.importing.report import ValueProblem
from rolodex.security.passwords import hash_password, verify_password
from rolodex.store import users as sql
from rolodex.store.store import Store


def email_key_of(email: str) -> Email:
    try:
        return values.parse_email(values.clean(email))
    except ValueProblem as problem:
        raise UsageError(problem.message) from None


def find(store: Store, email: str) -> sql.UserRecord:
    with store.read() as conn:
        record = sql.by_key(conn, email_key_of(email).key)
    if record is None:
        raise NotFound(f"there is no user with the email {email}")
    return record


@dataclass(frozen=True)
class Check:
    ok: bool
    user: UserState | None


def check_password(store: Store, email: str, password: str) -> Check:
    """Does ``password`` open this account? On success, a hash made with older or foreign
    parameters is replaced with rolodex's argon2id; the same work is done for an unknown
    email, so the time taken does not tell whether it exists."""
    try:
        key = values.parse_email(values.clean(email)).key
    except ValueProblem:
        key = None
    with store.read() as conn:
        record = sql.by_key(conn, key) if key else None
    user = record.state if record else None
    result = verify_password(user.password_hash if user else None, password)
    if result.ok and result.new_hash and user and user.id is not None:
        with store.write() as conn:
            sql.set_password_hash(conn, user.id, result.new_hash)
    return Check(result.ok and user is not None, user)


def create_admin(store: Store, email: str, password: str) -> tuple[UserState, bool]:
    """Create an active admin with this password, or promote the existing user; returns the
    user and whether it was created."""
    try:
        values.check_password(password)
    except ValueProblem as problem:
        raise UsageError(problem.message) from None
    address = email_key_of(email)
    with store.write() as conn:
        record = sql.by_key(conn, address.key)
        user = record.state if record else UserState(None, address.address, address.key)
        user.password_hash = hash_password(password)
        sql.save_admin(conn, user)
    return user, record is None
