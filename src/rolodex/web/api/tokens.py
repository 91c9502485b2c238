"""Signing in: ``POST /api/tokens`` trades an email and password for a bearer token."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response
from starlette.concurrency import run_in_threadpool

from rolodex import accounts
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


@router.post("/tokens", status_code=201, response_model=Token, responses=errors(400, 401, 413, 422))
async def create_token(body: Credentials, store: StoreDep) -> Token:
    token, _ = await run_in_threadpool(sign_in, store, body.email, body.password, "api")
    return Token(token=token)


@router.delete("/tokens/current", status_code=204, responses=errors(401))
def revoke_token(session: SessionDep, store: StoreDep) -> Response:
    with store.write() as conn:
        tokens.revoke(conn, session.token_id)
    return Response(status_code=204)
