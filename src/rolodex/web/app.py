"""The FastAPI application, built by :func:`create_app` — nothing is opened at import time.

On start it opens the store and the hashing pool and, unless told not to, runs an import
worker in a thread of its own (with SQLite that is the only worker; with PostgreSQL any
number of ``rolodex worker`` processes may join it).
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from rolodex import __version__
from rolodex.config import Settings
from rolodex.importing.options import ImportOptions
from rolodex.jobs import Worker
from rolodex.passwords import HashingPool
from rolodex.sealing import Sealer
from rolodex.store.store import Store
from rolodex.web import api, errors, pages

STATIC = Path(__file__).with_name("static")


def create_app(settings: Settings, run_worker: bool = True) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = Store.open(settings.database_url)
        pool = HashingPool()
        app.state.settings, app.state.store, app.state.pool = settings, store, pool
        sealer = Sealer.from_settings(settings)
        app.state.sealer = sealer
        worker = Worker(store, pool, ImportOptions(limits=settings.limits), sealer=sealer)
        thread = threading.Thread(target=worker.run_forever, name="import-worker", daemon=True)
        if run_worker:
            thread.start()
        app.state.worker = worker
        try:
            yield
        finally:
            worker.stop()
            if run_worker:
                thread.join(timeout=30)
            pool.close()
            store.close()

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
    return app
