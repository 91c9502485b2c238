"""What every page shares: rendering, refusals as pages, who is signed in, and the
checks on a posted form (its CSRF token, its fields)."""

from __future__ import annotations

import contextlib
import functools
import hmac
from collections.abc import Callable, Coroutine
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from rolodex.config import Settings
from rolodex.domain import MAX_ID
from rolodex.errors import FileError, NotFound, StoreError, UsageError
from rolodex.security.sessions import authenticate
from rolodex.services.views import iso
from rolodex.store import tokens
from rolodex.web.deps import SESSION_COOKIE, get_settings, get_store

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
TITLES = {
    400: "The request could not be read",
    403: "Not allowed",
    404: "Not found",
    405: "Not possible on this page",
    409: "Not possible now",
    413: "The file is too large",
    415: "That cannot be read here",
    422: "That cannot be used",
    429: "Too many attempts",
    503: "The database is unavailable",
}


# -- pages are HTML, errors included ------------------------------------------------------------


class SignInFirst(Exception):
    """An anonymous visit: answered with a redirect to the sign-in page."""

    def __init__(self, next_path: str):
        super().__init__(next_path)
        self.next_path = next_path


class PageRoute(APIRoute):
    """A route whose refusals are rendered as pages, not as the API's JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInFirst as exc:
                return RedirectResponse(login_url(exc.next_path), status_code=303)
            except RequestValidationError:
                return error_page(request, 404, "There is no such page.")
            except HTTPException as exc:
                return error_page(request, exc.status_code, str(exc.detail))
            except (FileError, UsageError) as exc:
                return error_page(request, 422, exc.message)
            except NotFound as exc:
                return error_page(request, 404, exc.message)
            except StoreError as exc:
                return error_page(request, 503, exc.message)

        return page


def page_router() -> APIRouter:
    """A router for one area of pages: hidden from the OpenAPI document, refusals as pages."""
    return APIRouter(include_in_schema=False, route_class=PageRoute)


@functools.cache
def templates() -> Jinja2Templates:
    """Built on first use, not at import time; autoescaping is on for ``.html``."""
    built = Jinja2Templates(directory=Path(__file__).parents[1] / "templates")
    built.env.filters["num"] = lambda n: f"{n or 0:,}"
    built.env.filters["when"] = when
    built.env.filters["iso"] = lambda m: iso(m) if isinstance(m, datetime) else (m or "")
    return built


def when(moment: datetime | str | None) -> str:
    """A timestamp as a person reads it, in UTC."""
    text = iso(moment) if isinstance(moment, datetime) else moment
    return f"{text[:10]} {text[11:16]} UTC" if text else "—"


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    session: tokens.Session | None = None,
    status: int = 200,
) -> HTMLResponse:
    context = {"session": session, "csrf": session.csrf if session else "", **context}
    response = templates().TemplateResponse(request, name, context, status_code=status)
    response.headers.update(SECURITY_HEADERS)
    return response


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """A refusal as a page, with the menu when the person is signed in."""
    session = None
    if status != 503:  # with the database away, do not ask it who this is
        with contextlib.suppress(SignInFirst, StoreError):
            session = page_session(request)
    title = TITLES.get(status, "Something went wrong")
    context = {"title": title, "message": message}
    return render(request, "error.html", context, session, status)


# -- who is signed in -------------------------------------------------------------------------


def page_session(request: Request) -> tokens.Session:
    """The signed-in person, from the session cookie; anonymous visits go to ``/login``."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        settings: Settings = get_settings(request)
        session = authenticate(get_store(request), token, settings.sessions)
        if session is not None and session.kind == "session":
            return session
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    raise SignInFirst(here if request.method == "GET" else "/")


PageSession = Annotated[tokens.Session, Depends(page_session)]


def same(sent: object, expected: str | None) -> bool:
    """Constant-time equality of two tokens (bytes, so any text compares without error)."""
    if not isinstance(sent, str) or not sent or not expected:
        return False
    return hmac.compare_digest(sent.encode(), expected.encode())


async def checked_form(request: Request, session: tokens.Session) -> FormData:
    """The posted form, once its CSRF token is the session's own (403 otherwise)."""
    form = await request.form()
    if not same(form.get("csrf"), session.csrf):
        raise HTTPException(403, "The form was out of date (CSRF check failed): reload the page")
    return form


def text_field(form: FormData, name: str, limit: int = 1024) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path on this site only, never another site."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return "/"
    return "/" if value.startswith(("/login", "/logout")) else value


def login_url(next_path: str) -> str:
    return "/login" if next_path == "/" else f"/login?next={quote(next_path, safe='/')}"


def secure(request: Request) -> bool:
    return request.url.scheme == "https"


def ticked(form: FormData, name: str) -> bool:
    """Whether a checkbox was ticked (browsers send ``on``, scripts ``true``)."""
    return text_field(form, name, 8).lower() in {"true", "on", "1", "yes"}


RecordId = Annotated[int, PathParam(ge=1, le=MAX_ID)]
"""A record's ID in a page's address, refused before the database sees a larger number."""
ImportId = RecordId
