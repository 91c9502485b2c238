"""The inbound SMTP listener: mail for the mailbox's addresses is accepted and its senders
stored; any other recipient is refused with 550, so the listener is never an open relay.

What one client may cost is bounded by :class:`rolodex.config.MailLimits`:

- sessions at once: one more is answered ``421`` and closed before it may say anything;
- recipients (``RCPT``, accepted or refused) per message: past the cap, ``452`` (RFC 5321
  section 4.5.3.1.10), so 5,000 ``RCPT`` cost 5,000 short answers, not 5,000 addresses held;
- message size: announced in ``EHLO`` (``SIZE``); a ``MAIL FROM … SIZE=`` above it, or
  data past it, is ``552`` — aiosmtpd stops keeping the data once it is over;
- contacts per message: the first ``max_contacts_per_message`` senders (From first).
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

from rolodex.config import MailLimits
from rolodex.importing.ports import ImportStore
from rolodex.importing.report import ValueProblem
from rolodex.importing.values import parse_email
from rolodex.mail.capture import capture
from rolodex.mail.sources import RawMessage

TOO_MANY_SESSIONS = b"421 4.7.0 Too many connections at once; try again later\r\n"


class CaptureHandler:
    """aiosmtpd handler; the database work runs in a thread so the loop keeps serving."""

    def __init__(self, store: ImportStore, mailbox_keys: frozenset[str], limits: MailLimits):
        self.store, self.mailbox_keys, self.limits = store, mailbox_keys, limits

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        asked = getattr(envelope, "rolodex_rcpt_count", 0) + 1
        envelope.rolodex_rcpt_count = asked
        if asked > self.limits.max_recipients:
            return f"452 4.5.3 Too many recipients (at most {self.limits.max_recipients})"
        try:
            key = parse_email(address).key
        except ValueProblem:
            return "553 5.1.3 That is not a valid address"
        if key not in self.mailbox_keys:
            return f"550 5.1.1 <{address}>: no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content or b""
        message = RawMessage(f"smtp:{session.peer}", bytes(raw))
        cap = self.limits.max_contacts_per_message
        try:
            await asyncio.to_thread(
                capture, [message], self.store, self.mailbox_keys, max_senders=cap
            )
        except Exception:  # the sender must hear "try later", not lose the message
            return "451 4.3.0 Could not store the message now; please try again later"
        return "250 OK: message accepted"


class _Gate:
    """Sessions open now; the event loop is one thread, so a plain counter will do."""

    def __init__(self, most: int):
        self.most, self.open = most, 0

    def enter(self) -> bool:
        if self.open >= self.most:
            return False
        self.open += 1
        return True

    def leave(self) -> None:
        self.open -= 1


class _BoundedSMTP(SMTP):
    """aiosmtpd's server, refusing a connection past the session cap with ``421``."""

    def __init__(self, handler: CaptureHandler, gate: _Gate, **kwargs: Any):
        super().__init__(handler, **kwargs)
        self._gate, self._admitted = gate, False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if self._admitted or self._gate.enter():
            self._admitted = True
            super().connection_made(transport)
            return
        assert isinstance(transport, asyncio.WriteTransport)
        transport.write(TOO_MANY_SESSIONS)
        transport.close()

    def connection_lost(self, error: Exception | None) -> None:
        if not self._admitted:
            return
        self._gate.leave()
        self._admitted = False
        super().connection_lost(error)


class _BoundedController(Controller):
    def __init__(self, handler: CaptureHandler, limits: MailLimits, **kwargs: Any):
        super().__init__(handler, data_size_limit=limits.max_message_bytes, **kwargs)
        self._gate = _Gate(limits.max_sessions)

    def factory(self) -> SMTP:
        return _BoundedSMTP(self.handler, self._gate, **self.SMTP_kwargs)


def make_controller(
    store: ImportStore,
    mailbox_keys: frozenset[str],
    host: str,
    port: int,
    limits: MailLimits | None = None,
) -> Controller:
    limits = limits or MailLimits()
    return _BoundedController(
        CaptureHandler(store, mailbox_keys, limits),
        limits,
        hostname=host,
        port=port,
        ready_timeout=10,
    )
