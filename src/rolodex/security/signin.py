"""Signing in, for the API's ``POST /api/tokens`` and the web's ``POST /login`` alike.

A wrong password, an unknown email and an inactive user get the same refusal after the
same argon2 work; past the throttle's allowance (:mod:`rolodex.security.throttle`) an
attempt is refused before any password is checked, known account or not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from rolodex import accounts
from rolodex.config import SessionPolicy
from rolodex.errors import RolodexError
from rolodex.security import sessions
from rolodex.security.throttle import LoginThrottle
from rolodex.store import tokens
from rolodex.store.store import Store

WRONG = "Wrong email or password, or the account is inactive"


class SignInRefused(RolodexError):
    """The email and password do not open an active account (which of these, untold)."""


class TooManyAttempts(RolodexError):
    """Too many failed attempts for this account or from this address; wait and retry."""

    def __init__(self, retry_after: int):
        super().__init__(f"Too many sign-in attempts: try again in {retry_after} seconds")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Attempt:
    email: str
    password: str
    address: str
    kind: str  # "api" (a bearer token) or "session" (the web app's cookie)
    expires_in: timedelta | None = None  # an API token's life; None: until revoked


def sign_in(
    store: Store, throttle: LoginThrottle, attempt: Attempt, policy: SessionPolicy
) -> tuple[str, str]:
    """A new token and CSRF secret for an active user whose password matches: a session
    ends as ``policy`` says, an API token after ``expires_in`` if given."""
    wait = throttle.attempt(attempt.email, attempt.address)
    if wait:
        raise TooManyAttempts(math.ceil(wait))
    check = accounts.check_password(store, attempt.email, attempt.password)
    user = check.user
    if not check.ok or user is None or not user.active or user.id is None:
        raise SignInRefused(WRONG)
    throttle.succeeded(attempt.email, attempt.address)
    at = sessions.now()
    if attempt.kind == "session":
        end: datetime | None = sessions.first_end(policy, at)
    else:
        end = at + attempt.expires_in if attempt.expires_in else None
    with store.write() as conn:
        return tokens.issue(conn, user.id, attempt.kind, at, end)
