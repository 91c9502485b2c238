"""The inbound SMTP listener: mail for the mailbox's addresses is accepted and its senders
stored; any other recipient is refused with 550, so the listener is never an open relay."""

from __future__ import annotations

import asyncio
from typing import Any

from aiosmtpd.controller import Controller

from rolodex.importing.ports import ImportStore
from rolodex.importing.report import ValueProblem
from rolodex.importing.values import parse_email
from rolodex.mail.capture import capture
from rolodex.mail.sources import RawMessage

MAX_MESSAGE_BYTES = 25 * 1024 * 1024


class CaptureHandler:
    """aiosmtpd handler; the database work runs in a thread so the loop keeps serving."""

    def __init__(self, store: ImportStore, mailbox_keys: frozenset[str]):
        self.store, self.mailbox_keys = store, mailbox_keys

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
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
        try:
            await asyncio.to_thread(capture, [message], self.store, self.mailbox_keys)
        except Exception:  # the sender must hear "try later", not lose the message
            return "451 4.3.0 Could not store the message now; please try again later"
        return "250 OK: message accepted"


def make_controller(
    store: ImportStore, mailbox_keys: frozenset[str], host: str, port: int
) -> Controller:
    return Controller(
        CaptureHandler(store, mailbox_keys),
        hostname=host,
        port=port,
        data_size_limit=MAX_MESSAGE_BYTES,
        ready_timeout=10,
    )
