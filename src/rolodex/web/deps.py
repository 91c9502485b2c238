"""What every route may ask for: the store, the signed-in user, admin rights, CSRF.

The API authenticates with ``Authorization: Bearer TOKEN``; the web app with an HttpOnly
session cookie, and then every unsafe request must also carry the session's CSRF token
(form field ``csrf`` or header ``X-CSRF-Token``), which another site cannot read.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Coroutine
from typing import Annotated, Any, TypeVar

from fastapi import Depends, HTTPException, Request, Response
from fastapi.routing import APIRoute

from rolodex.config import Settings
from rolodex.security.passwords import HashingPool
from rolodex.security.sealing import Sealer
from rolodex.security.sessions import authenticate
from rolodex.security.throttle import LoginThrottle
from rolodex.store import tokens
from rolodex.store.store import Store

SESSION_COOKIE = "rolodex_session"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
T = TypeVar("T")


def _app_state(name: str, kind: type[T]) -> Callable[[Request], T]:
    """A dependency handing out what the app built once when it started (``app.state``)."""

    def get(request: Request) -> T:
        found: T = getattr(request.app.state, name)
        return found

    get.__name__ = get.__qualname__ = f"get_{name}"
    return get


get_store = _app_state("store", Store)
get_settings = _app_state("settings", Settings)
get_pool = _app_state("pool", HashingPool)
get_sealer = _app_state("sealer", Sealer)  # built once: its key derivation is not free
get_throttle = _app_state("throttle", LoginThrottle)


def client_address(request: Request) -> str:
    """The peer's address (behind a proxy, as uvicorn's ``--forwarded-allow-ips`` says)."""
    return request.client.host if request.client else "unknown"


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ThrottleDep = Annotated[LoginThrottle, Depends(get_throttle)]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def from_the_pages(request: Request) -> bool:
    """Whether the caller is the web app itself (its session cookie), not an API client
    (a bearer token): what it downloads is in the pages' words."""
    return _bearer(request) is None


SIGN_IN_FIRST = "Sign in first: send Authorization: Bearer TOKEN (POST /api/tokens)"


def _caller(request: Request, store: Store) -> tokens.Session | None:
    token = _bearer(request) or request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    return authenticate(store, token, get_settings(request).sessions)


async def current_session(request: Request, store: StoreDep) -> tokens.Session:
    """The signed-in user; 401 without a valid token or session."""
    session = _caller(request, store)
    if session is None:
        raise HTTPException(401, SIGN_IN_FIRST)
    if _bearer(request) is None:
        await _check_csrf(request, session)
    return session


class CallerFirst(APIRoute):
    """A route that answers 401 before its body is read. FastAPI reads (and spools) a form
    body before it solves the route's dependencies, so without this an anonymous upload
    reaches the temp directory in full before its 401; the dependencies still run after,
    as for any route."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def identified(request: Request) -> Response:
            if _caller(request, get_store(request)) is None:
                raise HTTPException(401, SIGN_IN_FIRST)
            return await handler(request)

        return identified


async def _check_csrf(request: Request, session: tokens.Session) -> None:
    if request.method not in UNSAFE:
        return
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf")
        sent = value if isinstance(value, str) else None
    if (
        not sent
        or not session.csrf
        or not hmac.compare_digest(sent.encode(), session.csrf.encode())
    ):
        raise HTTPException(403, "The form is out of date (CSRF check failed): reload the page")


SessionDep = Annotated[tokens.Session, Depends(current_session)]


def admin_session(session: SessionDep) -> tokens.Session:
    if not session.is_admin:
        raise HTTPException(403, "Only an admin may do this")
    return session


AdminDep = Annotated[tokens.Session, Depends(admin_session)]
