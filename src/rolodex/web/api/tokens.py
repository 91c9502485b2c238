"""Signing in: ``POST /api/tokens`` trades an email and password for a bearer token."""

from __future__ import annotations

import asyncio
import functools
import threading
import time
from collections import deque

from fastapi import APIRouter, HTTPException, Response
from starlette.concurrency import run_in_threadpool

from rolodex import accounts
from rolodex.passwords import FAILED_CHECK_FLOOR_SECONDS
from rolodex.store import tokens
from rolodex.web.deps import SessionDep, StoreDep
from rolodex.web.schemas import Credentials, Token, errors

router = APIRouter(tags=["tokens"])
WRONG = "Wrong email or password, or the account is inactive"


def sign_in(store: StoreDep, email: str, password: str, kind: str) -> tuple[str, str]:
    """A new token for an active user whose password matches; the same 401, after the same
    argon2 work, for a wrong password, an unknown email and an inactive user."""
    check = accounts.check_password(store, email, password)
    if not check.ok or check.user is None or not check.user.active or check.user.id is None:
        raise HTTPException(401, WRONG)
    with store.write() as conn:
        return tokens.issue(conn, check.user.id, kind)


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


async def sign_in_evenly(store: StoreDep, email: str, password: str, kind: str) -> tuple[str, str]:
    """:func:`sign_in` off the event loop; a refusal answers as :class:`RefusalPace` says,
    so an unknown account, one with rolodex's hash and one with a costly foreign hash take
    the same time. The wait is a sleep on the loop, holding no thread."""
    started = time.monotonic()
    try:
        return await run_in_threadpool(sign_in, store, email, password, kind)
    except HTTPException:
        took = time.monotonic() - started
        await asyncio.sleep(refusal_pace().answer_after(took) - took)
        raise


@router.post("/tokens", status_code=201, response_model=Token, responses=errors(400, 401, 422))
async def create_token(body: Credentials, store: StoreDep) -> Token:
    token, _ = await sign_in_evenly(store, body.email, body.password, "api")
    return Token(token=token)


@router.delete("/tokens/current", status_code=204, responses=errors(401))
def revoke_token(session: SessionDep, store: StoreDep) -> Response:
    with store.write() as conn:
        tokens.revoke(conn, session.token_id)
    return Response(status_code=204)
