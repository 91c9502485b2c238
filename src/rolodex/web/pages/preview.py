"""The first rows of an uploaded file, as the import page shows them."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.responses import RedirectResponse

from rolodex.config import Limits, Settings
from rolodex.errors import FileError
from rolodex.importing import users, values
from rolodex.importing.ports import ImportRecord
from rolodex.importing.report import ValueProblem
from rolodex.importing.source import open_source
from rolodex.services.jobs import stored_upload
from rolodex.web.deps import get_sealer, get_settings, get_store
from rolodex.web.wording import PAGES

PREVIEW_ROWS = 10
PREVIEW_COLUMNS = 30
CELL_CHARS = 120
HIDDEN = "••••••"


@dataclass(frozen=True)
class Preview:
    header: list[str]
    rows: list[tuple[int, list[str]]]
    rows_total: int
    hidden_columns: int


def read_preview(path: Path, limits: Limits, kind: str, sheet: str | None = None) -> Preview:
    """The first rows as the importer reads them, cut to fit a page; secrets masked."""
    source = open_source(path, limits, sheet, wording=PAGES)
    width = min(len(source.header), PREVIEW_COLUMNS)
    mask = Mask.of(source.header) if kind == "users" else None
    rows = []
    for raw in islice(source.rows(), PREVIEW_ROWS):
        cells = mask.hide(raw.values) if mask else raw.values
        padded = [*cells[:width], *[""] * (width - len(cells))]
        rows.append((raw.row, [_cut(v) for v in padded]))
    header = [_cut(name) for name in source.header[:width]]
    return Preview(header, rows, source.rows_total, len(source.header) - width)


@dataclass(frozen=True)
class Mask:
    """What a users file's preview may show: never a cell of a column that binds to a
    password or a hash; and in a row whose width differs from the header's, where a
    password may have slid into any column, nothing but a valid email in the email
    column."""

    width: int
    secret: frozenset[int]
    email: int | None

    @classmethod
    def of(cls, header: list[str]) -> Mask:
        return cls(len(header), frozenset(users.secret_columns(header)), users.email_column(header))

    def hide(self, cells: list[str]) -> list[str]:
        if len(cells) == self.width:
            return [HIDDEN if i in self.secret and v else v for i, v in enumerate(cells)]
        return ["" if i != self.email or not _is_email(v) else v for i, v in enumerate(cells)]


def _is_email(text: str) -> bool:
    try:
        values.parse_email(values.clean(text))
    except ValueProblem:
        return False
    return True


def _cut(value: str) -> str:
    return value if len(value) <= CELL_CHARS else value[: CELL_CHARS - 1] + "…"


class Previews:
    """The previews of recent uploads by import ID, so a page shows them without reading
    the stored file again. Bounded; one missing (after a restart, or made by another
    server) is rebuilt from the file kept in the database."""

    def __init__(self, size: int = 64):
        self.size = size
        self.items: OrderedDict[int, Preview] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, import_id: int) -> Preview | None:
        with self.lock:
            return self.items.get(import_id)

    def put(self, import_id: int, preview: Preview) -> None:
        with self.lock:
            self.items[import_id] = preview
            while len(self.items) > self.size:
                self.items.popitem(last=False)


def previews(app: FastAPI) -> Previews:
    found: Previews | None = getattr(app.state, "page_previews", None)
    if found is None:
        found = app.state.page_previews = Previews()
    return found


def show_preview(request: Request, checked: tuple[int, Preview]) -> Response:
    """Keep a dry run's preview and go to its page (post, redirect, get)."""
    previews(request.app).put(*checked)
    return RedirectResponse(f"/imports/{checked[0]}", status_code=303)


def preview_of(request: Request, record: ImportRecord) -> Preview | None:
    cache = previews(request.app)
    preview = cache.get(record.id)
    if preview is None:
        settings: Settings = get_settings(request)
        with stored_upload(get_store(request), record.id, get_sealer(request)) as path:
            try:
                preview = read_preview(path, settings.limits, record.kind)
            except FileError:
                return None
        cache.put(record.id, preview)
    return preview
