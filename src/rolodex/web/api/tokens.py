"""Signing in: ``POST /api/tokens`` trades an email and password for a bearer token."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request, Response

from rolodex.security.signin import Attempt, sign_in_evenly
from rolodex.store import tokens
from rolodex.web.deps import SessionDep, SettingsDep, StoreDep, ThrottleDep, client_address
from rolodex.web.schemas import Credentials, Token, errors

router = APIRouter(tags=["tokens"])


@router.post(
    "/tokens",
    status_code=201,
    response_model=Token,
    responses=errors(400, 401, 413, 422, 429),
)
async def create_token(
    body: Credentials,
    request: Request,
    store: StoreDep,
    throttle: ThrottleDep,
    settings: SettingsDep,
) -> Token:
    """401 alike for a wrong password, an unknown email and an inactive user; 429 with
    ``Retry-After`` after repeated failures for the account or from the address. The
    token ends after ``expires_in`` seconds if given, when the user's password changes or
    the user is deactivated, or on ``DELETE /api/tokens/current``."""
    life = timedelta(seconds=body.expires_in) if body.expires_in else None
    attempt = Attempt(body.email, body.password, client_address(request), "api", life)
    token, _ = await sign_in_evenly(store, throttle, attempt, settings.sessions)
    return Token(token=token)


@router.delete("/tokens/current", status_code=204, responses=errors(401))
def revoke_token(session: SessionDep, store: StoreDep) -> Response:
    with store.write() as conn:
        tokens.revoke(conn, session.token_id)
    return Response(status_code=204)
