"""Refuse a request body past its limit before it is read, not after it is spooled.

Starlette parses a form into temporary files as it arrives, and FastAPI parses the body
of a route before the route's dependencies (who is calling) are solved: a chunked 300 MiB
upload without a token reached ~285 MiB of the temp directory before its 401. This
middleware sits in front of the app:

- a declared ``Content-Length`` past the limit is answered 413 at once, without reading
  a byte of the body;
- a body of unknown length (``Transfer-Encoding: chunked``) is counted as it is received,
  and the read that goes past the limit raises :class:`BodyTooLarge` — a 413 that the
  app's handlers answer in their usual shape, the API's ``{"error"}`` or a page.

The limit is chosen per request (an upload's is the file limit plus room for the form
around it, a sign-in's a few KiB), by the ``limit_for`` given, with the words that
explain it to the person refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass(frozen=True)
class Allowance:
    """How many bytes a request's body may hold, and what to say past them."""

    size: int
    refusal: str


class BodyTooLarge(HTTPException):
    def __init__(self, allowance: Allowance):
        super().__init__(413, allowance.refusal)


class BodyLimit:
    def __init__(
        self,
        app: ASGIApp,
        limit_for: Callable[[Scope], Allowance],
        refuse: Callable[[Scope, BodyTooLarge], Response],
    ):
        self.app, self.limit_for, self.refuse = app, limit_for, refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        allowance = self.limit_for(scope)
        declared = declared_length(scope)
        if declared is not None and declared > allowance.size:
            await self.refuse(scope, BodyTooLarge(allowance))(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > allowance.size:
                raise BodyTooLarge(allowance)
            return message

        await self.app(scope, counted, send)


def declared_length(scope: Scope) -> int | None:
    """The ``Content-Length`` sent, if any and a number (h11 refuses a malformed one)."""
    value = Headers(scope=scope).get("content-length", "")
    return int(value) if value.isdigit() else None
