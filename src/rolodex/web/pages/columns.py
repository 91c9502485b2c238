"""The Columns step of the web app's import: a file whose header is not exactly ours (an
export from Google or Outlook, a spreadsheet's own names) shows each column with a few of
its values and where it goes, pre-chosen as the binding would bind it — or as it was chosen
the last time the same header came — to change before the dry run.

The choice is sent as the import's mapping (the CLI's ``--map``), so the dry run, the
confirmed run and their reports bind exactly as the person saw it; it is remembered for the
header when the dry run is made.
"""

from __future__ import annotations

from dataclasses import replace

from fastapi import HTTPException, Request, Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from rolodex.config import Settings
from rolodex.errors import FileError, UsageError
from rolodex.importing.columns import NEW_FIELD
from rolodex.importing.kinds import targets_of
from rolodex.security.sealing import Sealer
from rolodex.services import jobs
from rolodex.services.mappings import chosen_mapping, creation_refused, remember, step_for
from rolodex.store import tokens
from rolodex.store.store import Store
from rolodex.web.deps import get_sealer, get_settings, get_store
from rolodex.web.pages import common
from rolodex.web.pages.common import PageSession, checked_form, render, text_field, ticked
from rolodex.web.pages.preview import Preview, read_preview, show_preview
from rolodex.web.pending import Pending, pending_uploads

router = common.page_router()
GONE = (
    "This upload is no longer here (uploads wait an hour for their columns, on the server "
    "that took them). Choose the file again."
)


def _pending(request: Request, session: tokens.Session, token: str) -> Pending:
    found = pending_uploads(request.app).get(token[:64], session.user_id)
    if found is None:
        raise HTTPException(404, GONE)
    return found


def step_page(
    request: Request,
    session: tokens.Session,
    pending: Pending,
    chosen: dict[int, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    targets = targets_of(pending.kind, get_store(request))
    step = step_for(
        get_store(request), pending.kind, pending.sample.header, targets, session.is_admin
    )
    picked = {c.index: (chosen or {}).get(c.index, c.target) for c in step.columns}
    context = {
        "nav": "import",
        "pending": pending,
        "step": step,
        "picked": picked,
        "samples": pending.sample.values,
        "options": pending.options,
        "error": error,
        "new_field": NEW_FIELD,
    }
    return render(request, "columns.html", context, session, status)


@router.get("/imports/columns/{token}")
def columns_step(token: str, request: Request, session: PageSession) -> Response:
    return step_page(request, session, _pending(request, session, token))


@router.post("/imports/columns/{token}")
async def choose_columns(token: str, request: Request, session: PageSession) -> Response:
    """Run the dry run with the columns as chosen; the step again, saying why, if it cannot."""
    form = await checked_form(request, session)
    pending = _pending(request, session, token)
    chosen = _chosen(form, len(pending.sample.header))
    options = replace(
        pending.options,
        strict=ticked(form, "strict"),
        create_labels=ticked(form, "create_labels"),
        create_companies=ticked(form, "create_companies"),
    )
    pending = replace(pending, options=options)
    refused = creation_refused(options, session.is_admin)
    if refused:
        return step_page(request, session, pending, chosen, refused, 403)
    settings: Settings = get_settings(request)
    try:
        checked = await run_in_threadpool(
            dry_run, get_store(request), settings, pending, chosen, session, get_sealer(request)
        )
    except (FileError, UsageError) as exc:
        return step_page(request, session, pending, chosen, exc.message, 422)
    pending_uploads(request.app).drop(token[:64])
    return show_preview(request, checked)


def dry_run(
    store: Store,
    settings: Settings,
    pending: Pending,
    chosen: dict[int, str],
    session: tokens.Session,
    sealer: Sealer,
) -> tuple[int, Preview]:
    """Queue the dry run with the chosen mapping, and remember the choice for the header."""
    header = pending.sample.header
    targets = targets_of(pending.kind, store)
    mapping = chosen_mapping(header, targets, chosen, session.is_admin)
    options = replace(
        pending.options,
        dry_run=True,
        mapping=mapping,
        actor=session.email,
        file_name=pending.file_name,
    )
    job = jobs.Submission(pending.kind, pending.path, pending.file_name, options)
    import_id = jobs.submit(store, job, sealer)
    remember(store, pending.kind, header, mapping)
    return import_id, read_preview(pending.path, settings.limits, pending.kind)


def _chosen(form: FormData, width: int) -> dict[int, str]:
    """The target chosen for each column (``target-INDEX``), as sent."""
    found: dict[int, str] = {}
    for index in range(width):
        value = text_field(form, f"target-{index}", 128)
        if value:
            found[index] = value
    return found
