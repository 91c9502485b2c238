"""Signing in, for the API's ``POST /api/tokens`` and the web's ``POST /login`` alike.

A wrong password, an unknown email and an inactive user get the same refusal after the
same argon2 work; past the throttle's allowance (:mod:`rolodex.security.throttle`) an
attempt is refused before any password is checked, known account or not.
"""

from __future__ import annotations

import asyncio
import functools
import math
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from starlette.concurrency import run_in_threadpool

from rolodex.config import SessionPolicy
from rolodex.errors import RolodexError
from rolodex.security import sessions
from rolodex.security.passwords import FAILED_CHECK_FLOOR_SECONDS
from rolodex.security.throttle import LoginThrottle
from rolodex.services import accounts
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


class RefusalPace:
    """How long a refused sign-in takes to answer: the slowest of the last :data:`WINDOW`
    refusals, and never under :data:`FAILED_CHECK_FLOOR_SECONDS` nor over :data:`CEILING`.

    The floor alone covers the costliest hash allowed on an idle machine (~0.5 s); on a
    loaded one a bcrypt-13 check took 1.7 s against 1.1 s for the others, which told them
    apart. Answering every refusal as slowly as the slowest recent one keeps them alike.
    """

    WINDOW = 64
    CEILING = 5.0

    def __init__(self) -> None:
        self._recent: deque[float] = deque(maxlen=self.WINDOW)
        self._lock = threading.Lock()

    def answer_after(self, took: float) -> float:
        """Record a refusal that took ``took`` seconds; the seconds it should take in all."""
        with self._lock:
            self._recent.append(min(took, self.CEILING))
            return max(FAILED_CHECK_FLOOR_SECONDS, *self._recent)


@functools.cache
def refusal_pace() -> RefusalPace:
    """The process's pace, made on first use."""
    return RefusalPace()


async def sign_in_evenly(
    store: Store, throttle: LoginThrottle, attempt: Attempt, policy: SessionPolicy
) -> tuple[str, str]:
    """:func:`sign_in` off the event loop; a refusal answers as :class:`RefusalPace` says,
    so an unknown account, one with rolodex's hash and one with a costly foreign hash take
    the same time. The wait is a sleep on the loop, holding no thread. (Past the throttle
    the answer is at once: it checks no password, so it tells nothing.)"""
    started = time.monotonic()
    try:
        return await run_in_threadpool(sign_in, store, throttle, attempt, policy)
    except SignInRefused:
        took = time.monotonic() - started
        await asyncio.sleep(refusal_pace().answer_after(took) - took)
        raise
