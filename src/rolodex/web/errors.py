"""One error shape for the API: every refusal under ``/api`` is ``{"error": "message"}``.

FastAPI answers its own refusals (401/403/404/405/413/429 raised as ``HTTPException``, and
422 for a request that does not validate) as ``{"detail": …}``; the handlers here replace
that, so a client reads one key whatever went wrong (docs/api.md#answers-and-errors). A refusal
outside ``/api`` — an unknown page, a wrong method on a page — is an HTML page, as the pages' own
refusals are (:class:`rolodex.web.pages.common.PageRoute`).
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.responses import Response

from rolodex.errors import Conflict, FileError, NotFound, StoreError, UsageError
from rolodex.security.signin import SignInRefused, TooManyAttempts
from rolodex.services.uploads import TooManyUploads
from rolodex.web.pages.common import error_page

API_PREFIX = "/api"


def error_body(status: int, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def is_api(path: str) -> bool:
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def install(app: FastAPI) -> None:
    """Register the handlers that give every refusal its one shape."""

    @app.exception_handler(HTTPException)
    async def refused(request: Request, exc: HTTPException) -> Response:
        if not is_api(request.url.path):
            return error_page(request, exc.status_code, str(exc.detail))
        return error_body(exc.status_code, str(exc.detail), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
        return error_body(422, f"{where}: {first.get('msg', 'invalid request')}")

    @app.exception_handler(UsageError)
    @app.exception_handler(FileError)
    async def unusable(_: Request, exc: UsageError | FileError) -> JSONResponse:
        return error_body(422, exc.message)

    @app.exception_handler(Conflict)
    async def duplicate(_: Request, exc: Conflict) -> JSONResponse:
        return error_body(409, exc.message)

    @app.exception_handler(NotFound)
    async def missing(_: Request, exc: NotFound) -> JSONResponse:
        return error_body(404, exc.message)

    @app.exception_handler(SignInRefused)
    async def refused_sign_in(_: Request, exc: SignInRefused) -> JSONResponse:
        return error_body(401, exc.message)

    @app.exception_handler(TooManyAttempts)
    async def throttled(_: Request, exc: TooManyAttempts) -> JSONResponse:
        return error_body(429, exc.message, {"Retry-After": str(exc.retry_after)})

    @app.exception_handler(TooManyUploads)
    async def too_many_uploads(_: Request, exc: TooManyUploads) -> JSONResponse:
        return error_body(429, exc.message, {"Retry-After": str(exc.retry_after)})

    @app.exception_handler(StoreError)
    async def database(_: Request, exc: StoreError) -> JSONResponse:
        return error_body(503, exc.message)
