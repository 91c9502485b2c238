"""The history of imports, and undoing one."""

from __future__ import annotations

from fastapi import HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool

from rolodex.importing.ports import ImportRecord
from rolodex.services.undo import offers_undo, undo_import
from rolodex.store import imports as records
from rolodex.store import tokens
from rolodex.web.deps import get_store
from rolodex.web.pages.common import (
    ImportId,
    PageSession,
    checked_form,
    page_router,
    render,
    ticked,
)
from rolodex.web.pages.imports import import_record, undoable

router = page_router()
HISTORY_LIMIT = 200


@router.get("/imports")
def history_page(request: Request, session: PageSession) -> Response:
    store = get_store(request)
    store.reap_interrupted()
    with store.read() as conn:
        history = records.history(conn, limit=HISTORY_LIMIT, admin=session.is_admin)
    context = {
        "nav": "history",
        "imports": history,
        "limit": HISTORY_LIMIT,
        "undoable": {item.id for item in history if undoable(session, item)},
    }
    return render(request, "history.html", context, session)


# -- undo ---------------------------------------------------------------------------------------


def _check_undoable(session: tokens.Session, record: ImportRecord) -> None:
    if not session.is_admin:
        raise HTTPException(403, "Only an admin may undo an import.")
    if not offers_undo(record):
        raise HTTPException(409, "This run cannot be undone: only real imports, once.")


@router.get("/imports/{import_id}/undo")
def undo_confirmation(
    import_id: ImportId, request: Request, session: PageSession, force: bool = False
) -> Response:
    """Ask before taking an import back: an undo cannot itself be undone. ``force``: the box
    that restores records changed since comes ticked (*Undo those too…* after an undo that
    left some alone)."""
    record = import_record(get_store(request), import_id, session)
    _check_undoable(session, record)
    context = {"nav": "history", "job": record, "result": None, "force": force}
    return render(request, "undo.html", context, session)


@router.post("/imports/{import_id}/undo")
async def undo_run(import_id: ImportId, request: Request, session: PageSession) -> Response:
    form = await checked_form(request, session)
    store = get_store(request)
    record = import_record(store, import_id, session)
    _check_undoable(session, record)
    force = ticked(form, "force")
    result = await run_in_threadpool(undo_import, store, import_id, False, force, session.email)
    context = {"nav": "history", "job": record, "result": result}
    return render(request, "undo.html", context, session)
