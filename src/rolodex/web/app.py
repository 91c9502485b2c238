"""The FastAPI application, built by :func:`create_app` — nothing is opened at import time.

On start it opens the store and the hashing pool and, unless told not to, runs an import
worker in a thread of its own (with SQLite that is the only worker; with PostgreSQL any
number of ``rolodex worker`` processes may join it).
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import Scope

from rolodex import __version__
from rolodex.config import Settings
from rolodex.importing.options import ImportOptions
from rolodex.security.passwords import HashingPool
from rolodex.security.sealing import Sealer
from rolodex.security.throttle import LoginThrottle
from rolodex.services.jobs import Worker
from rolodex.store.store import Store
from rolodex.web import api, errors, pages
from rolodex.web.bodylimit import Allowance, BodyLimit, BodyTooLarge
from rolodex.web.pages.common import error_page
from rolodex.web.pending import PendingUploads

STATIC = Path(__file__).with_name("static")


def create_app(settings: Settings, run_worker: bool = True) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = Store.open(settings.database_url)
        pool = HashingPool()
        app.state.settings, app.state.store, app.state.pool = settings, store, pool
        app.state.throttle = LoginThrottle(settings.throttle)
        sealer = Sealer.from_settings(settings)
        app.state.sealer = sealer
        options = ImportOptions(limits=settings.limits)
        worker = Worker(store, pool, options, sealer=sealer, uploads=settings.uploads)
        thread = threading.Thread(target=worker.run_forever, name="import-worker", daemon=True)
        if run_worker:
            thread.start()
        app.state.worker = worker
        app.state.pending_uploads = PendingUploads()
        try:
            yield
        finally:
            worker.stop()
            if run_worker:
                thread.join(timeout=30)
            pool.close()
            store.close()
            app.state.pending_uploads.close()

    app = FastAPI(
        title="rolodex",
        version=__version__,
        description="Contacts and agents of a shared inbox: CSV import as jobs, export, "
        "and the records behind them.",
        lifespan=lifespan,
    )
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    errors.install(app)
    app.add_middleware(BodyLimit, limit_for=body_limit(settings), refuse=too_large)
    return app


UPLOADS = frozenset({"/api/imports", "/imports/preview"})
FORM_ROOM = 64 * 1024
"""Room for the form fields and multipart boundaries around an uploaded file."""
SIGN_IN_BYTES = 8 * 1024
"""A sign-in form: an email (320), a password (1,024), a next path and a CSRF token,
each up to three times longer when percent-encoded — under 8 KiB."""


def body_limit(settings: Settings) -> Callable[[Scope], Allowance]:
    """The most bytes a request's body may hold: uploads up to the file limit, the sign-in
    form a few KiB, anything else ``max_body_bytes``."""
    upload = Allowance(
        settings.max_upload_bytes + FORM_ROOM,
        f"The file is larger than the limit of {settings.max_upload_bytes:,} bytes",
    )
    sign_in = Allowance(SIGN_IN_BYTES, f"A sign-in form holds at most {SIGN_IN_BYTES:,} bytes")
    other = Allowance(
        settings.max_body_bytes,
        f"The request body is larger than the limit of {settings.max_body_bytes:,} bytes",
    )

    def limit(scope: Scope) -> Allowance:
        if scope["method"] == "POST" and scope["path"] in UPLOADS:
            return upload
        return sign_in if scope["path"] == "/login" else other

    return limit


def too_large(scope: Scope, error: BodyTooLarge) -> Response:
    if errors.is_api(scope["path"]):
        return errors.error_body(error.status_code, error.detail)
    return error_page(Request(scope), error.status_code, error.detail)
