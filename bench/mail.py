"""Inbound mail speed at two sizes: time must grow linearly with the messages."""

from __future__ import annotations

import time
from pathlib import Path

from rolodex.mail.capture import capture
from rolodex.mail.senders import mailbox_keys_of
from rolodex.mail.sources import iter_messages
from rolodex.store.store import Store


def write_mbox(path: Path, messages: int, senders: int = 5_000) -> Path:
    with path.open("wb") as out:
        for i in range(messages):
            out.write(b"From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n")
            out.write(f"From: Person {i % senders} <person{i % senders}@example.com>\n".encode())
            out.write(b"To: help@desk.example\nSubject: hello\n\nBody line.\n\n")
    return path


def rate(workdir: Path, messages: int) -> float:
    """Messages per second for one ingest of ``messages`` into a fresh SQLite database."""
    mbox = write_mbox(workdir / f"mail-{messages}.mbox", messages)
    store = Store.open(f"sqlite:///{workdir / f'mail-{messages}.db'}")
    try:
        start = time.perf_counter()
        summary = capture(iter_messages([mbox]), store, mailbox_keys_of(["help@desk.example"]))
        seconds = time.perf_counter() - start
    finally:
        store.close()
    assert summary.messages == messages
    return messages / seconds
