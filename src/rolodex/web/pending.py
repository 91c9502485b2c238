"""Uploads waiting for their Columns step: the file between the upload and the person's
choice of targets, so the browser sends it once.

Kept by this server process, in a private temporary folder, for an hour at most and 32 at a
time (the oldest goes first): a choice made after a restart, or sent to another server,
finds nothing and the page asks for the file again. The dry run then keeps the file in the
database, sealed, as every upload is kept.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path

from fastapi import FastAPI

from rolodex.config import Limits
from rolodex.importing.options import ImportOptions
from rolodex.importing.source import open_source
from rolodex.importing.users import secret_columns
from rolodex.web.wording import PAGES

KEEP_SECONDS = 3600
KEEP_AT_MOST = 32
SAMPLES = 3
SAMPLE_ROWS = 50
SAMPLE_CHARS = 60


@dataclass(frozen=True)
class Sample:
    """A file's header and, for each column, a few of its first non-empty values."""

    header: list[str]
    values: list[list[str]]


def read_samples(path: Path, limits: Limits, kind: str) -> Sample:
    """Up to three non-empty values of each column from the first rows, read as the import
    reads them (Google's export leaves most columns empty, so the first row alone says
    little); passwords of a users file are masked."""
    source = open_source(path, limits, wording=PAGES)
    secret = secret_columns(source.header) if kind == "users" else set()
    found: list[list[str]] = [[] for _ in source.header]
    for raw in islice(source.rows(), SAMPLE_ROWS):
        for at, value in enumerate(raw.values[: len(found)]):
            if value.strip() and len(found[at]) < SAMPLES:
                found[at].append("••••••" if at in secret else _shortened(value))
    return Sample(list(source.header), found)


def _shortened(value: str) -> str:
    return value if len(value) <= SAMPLE_CHARS else value[: SAMPLE_CHARS - 1] + "…"


@dataclass(frozen=True)
class Pending:
    """One upload, with what the upload form asked for."""

    user_id: int
    kind: str
    file_name: str
    path: Path
    sample: Sample
    options: ImportOptions
    since: float = field(default_factory=time.monotonic)


class PendingUploads:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="rolodex-columns-"))
        self.items: OrderedDict[str, Pending] = OrderedDict()
        self.lock = threading.Lock()

    def keep(self, pending: Pending) -> str:
        """Move the spooled upload here; the token that finds it again."""
        token = secrets.token_urlsafe(16)
        path = self.folder / token
        shutil.move(pending.path, path)
        with self.lock:
            self.items[token] = replace(pending, path=path)
            self._expire()
        return token

    def get(self, token: str, user_id: int) -> Pending | None:
        """The upload, only for the person who sent it."""
        with self.lock:
            self._expire()
            found = self.items.get(token)
        return found if found is not None and found.user_id == user_id else None

    def drop(self, token: str) -> None:
        with self.lock:
            found = self.items.pop(token, None)
        if found is not None:
            found.path.unlink(missing_ok=True)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def _expire(self) -> None:
        oldest = time.monotonic() - KEEP_SECONDS
        while self.items:
            token, first = next(iter(self.items.items()))
            if first.since >= oldest and len(self.items) <= KEEP_AT_MOST:
                return
            del self.items[token]
            first.path.unlink(missing_ok=True)


def pending_uploads(app: FastAPI) -> PendingUploads:
    """The app's uploads waiting for their Columns step (made by the app's lifespan)."""
    found: PendingUploads = app.state.pending_uploads
    return found
