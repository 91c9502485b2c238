"""Signing in and out."""

from __future__ import annotations

import contextlib
import secrets

from fastapi import HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from rolodex.errors import StoreError
from rolodex.security.signin import Attempt, SignInRefused, TooManyAttempts, sign_in_evenly
from rolodex.services import team
from rolodex.store import tokens
from rolodex.web.deps import SESSION_COOKIE, client_address, get_settings, get_store, get_throttle
from rolodex.web.pages.common import (
    PageSession,
    SignInFirst,
    checked_form,
    page_router,
    page_session,
    render,
    safe_next,
    same,
    secure,
    text_field,
)

router = page_router()
LOGIN_CSRF_COOKIE = "rolodex_login_csrf"


def login_page(
    request: Request, next_path: str, error: str | None = None, email: str = "", status: int = 200
) -> HTMLResponse:
    """The sign-in form, with a fresh token that the post must bring back (a cookie and a
    field: another site can send neither), so no one is signed in to an account not theirs.
    While no active admin exists, it names the command that makes the first one."""
    token = secrets.token_urlsafe(16)
    context = {
        "next": next_path,
        "login_csrf": token,
        "error": error,
        "email": email,
        "no_admin": _no_admin(request),
    }
    response = render(request, "login.html", context, status=status)
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure(request),
        path="/login", max_age=3600,
    )  # fmt: skip
    return response


def _no_admin(request: Request) -> bool:
    """Whether no active admin exists (with the database away: unknown, so no hint)."""
    with contextlib.suppress(StoreError):
        return not team.has_active_admin(get_store(request))
    return False


@router.get("/login")
def login_form(request: Request) -> Response:
    next_path = safe_next(request.query_params.get("next"))
    with contextlib.suppress(SignInFirst):
        page_session(request)
        return RedirectResponse(next_path, status_code=303)
    return login_page(request, next_path)


SIGN_IN_FORM = "application/x-www-form-urlencoded"


@router.post("/login")
async def login(request: Request) -> Response:
    """Sign in. Only a small URL-encoded form is read (the body limit keeps it to a few
    KiB): a multipart body, which Starlette would spool to disk part by part, is 415."""
    if request.headers.get("content-type", "").partition(";")[0].strip().lower() != SIGN_IN_FORM:
        raise HTTPException(415, "Sign in with the form on this page.")
    form = await request.form()
    email, password = text_field(form, "email", 320), text_field(form, "password", 1024)
    next_path = safe_next(text_field(form, "next"))
    if not same(form.get("csrf"), request.cookies.get(LOGIN_CSRF_COOKIE)):
        message = "The sign-in form was out of date. Please try again."
        return login_page(request, next_path, message, email, status=403)
    if not email.strip() or not password:
        return login_page(request, next_path, "Enter your email and password.", email, 422)
    attempt = Attempt(email, password, client_address(request), "session")
    try:
        token, _ = await sign_in_evenly(
            get_store(request),
            get_throttle(request),
            attempt,
            get_settings(request).sessions,
        )
    except SignInRefused as refused:
        return login_page(request, next_path, refused.message, email, status=401)
    except TooManyAttempts as throttled:
        page = login_page(request, next_path, throttled.message, email, status=429)
        page.headers["Retry-After"] = str(throttled.retry_after)
        return page
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="lax", secure=secure(request), path="/"
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
async def logout(request: Request, session: PageSession) -> Response:
    await checked_form(request, session)
    with get_store(request).write() as conn:
        tokens.revoke(conn, session.token_id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
