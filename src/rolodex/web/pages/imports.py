"""The upload form and one import: preview, dry-run result, confirm, progress, summary."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

import fastapi
from fastapi import HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from rolodex.config import Settings
from rolodex.errors import FileError
from rolodex.importing.kinds import KINDS, targets_of
from rolodex.importing.options import ImportOptions
from rolodex.importing.ports import ENDED, ImportRecord, ImportStatus
from rolodex.runtime.sizes import size_text
from rolodex.security.sealing import Sealer
from rolodex.services import jobs, uploads
from rolodex.services.mappings import creation_refused, needs_step
from rolodex.services.templates import Accepted, accepted_columns
from rolodex.services.undo import offers_undo
from rolodex.services.uploads import TooManyUploads
from rolodex.store import catalog, tokens
from rolodex.store import imports as records
from rolodex.store.jobs import has_upload
from rolodex.store.store import Store
from rolodex.web.api.imports import SUMMARY_ERRORS, job_document, spool_upload, upload_name
from rolodex.web.deps import get_sealer, get_settings, get_store
from rolodex.web.pages.common import (
    ImportId,
    PageSession,
    checked_form,
    page_router,
    render,
    text_field,
    ticked,
)
from rolodex.web.pages.preview import Preview, preview_of, read_preview, show_preview
from rolodex.web.pending import Pending, PendingUploads, pending_uploads, read_samples
from rolodex.web.wording import PAGES, summary_on_pages

router = page_router()


@dataclass(frozen=True)
class Choice:
    """What the upload form asked for."""

    kind: str
    strict: bool
    create_labels: bool
    upload: UploadFile | None
    create_companies: bool = False

    @classmethod
    def of(cls, form: FormData) -> Choice:
        upload = form.get("file")
        return cls(
            kind=text_field(form, "kind", 32) or "contacts",
            strict=ticked(form, "strict"),
            create_labels=ticked(form, "create_labels"),
            upload=upload if isinstance(upload, UploadFile) and upload.filename else None,
            create_companies=ticked(form, "create_companies"),
        )

    @property
    def options(self) -> ImportOptions:
        return ImportOptions(
            strict=self.strict,
            create_labels=self.create_labels,
            create_companies=self.create_companies,
            wording=PAGES,
        )

    @property
    def file_name(self) -> str:
        name = (self.upload.filename or "") if self.upload else ""
        return upload_name(Path(name.replace("\\", "/")).name)

    def problem(self, session: tokens.Session) -> tuple[int, str] | None:
        if self.kind not in KINDS:
            return 422, "Choose what the file holds: contacts or agents."
        if self.kind == "users" and not session.is_admin:
            return 403, "Only an admin may import agents (users)."
        if self.upload is None:
            return 422, "Choose a CSV file to upload."
        refused = creation_refused(self.options, session.is_admin)
        return None if refused is None else (403, refused)


def form_page(
    request: Request,
    session: tokens.Session,
    choice: Choice | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    settings: Settings = get_settings(request)
    context = {
        "nav": "import",
        "choice": choice or Choice("contacts", False, False, None),
        "error": error,
        "max_upload": size_text(settings.max_upload_bytes),
        "accepted": accepted_by_kind(get_store(request), session),
    }
    return render(request, "import_form.html", context, session, status)


def accepted_by_kind(store: Store, session: tokens.Session) -> dict[str, list[Accepted]]:
    """The columns each kind the person may import takes; contacts' custom fields as
    they are now."""
    with store.read() as conn:
        fields = catalog.fields(conn)
    kinds = [kind for kind in KINDS if may_import(session, kind)]
    return {kind: accepted_columns(kind, fields) for kind in kinds}


@router.get("/")
def import_form(request: Request, session: PageSession) -> Response:
    return form_page(request, session)


@router.post("/imports/preview")
async def preview_upload(request: Request, session: PageSession) -> Response:
    """Check an upload with a dry-run job, then show its page (preview, result, confirm)."""
    settings: Settings = get_settings(request)
    form = await checked_form(request, session)
    try:
        choice = Choice.of(form)
        problem = choice.problem(session)
        if problem is not None:
            return form_page(request, session, choice, problem[1], problem[0])
        store = get_store(request)
        pending = pending_uploads(request.app)
        checked = await run_in_threadpool(
            check_upload, store, settings, choice, session, pending, get_sealer(request)
        )
    except HTTPException as exc:  # past the size limit while copying
        return form_page(request, session, Choice.of(form), str(exc.detail), exc.status_code)
    except FileError as exc:
        return form_page(request, session, Choice.of(form), exc.message, 422)
    except TooManyUploads as exc:
        page = form_page(request, session, Choice.of(form), exc.message, 429)
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    finally:
        await form.close()
    if isinstance(checked, str):
        return RedirectResponse(f"/imports/columns/{checked}", status_code=303)
    return show_preview(request, checked)


def check_upload(
    store: Store,
    settings: Settings,
    choice: Choice,
    session: tokens.Session,
    pending: PendingUploads,
    sealer: Sealer,
) -> tuple[int, Preview] | str:
    """Queue the dry run of the uploaded file (its first rows come back for the preview);
    or, when its header is not exactly ours, keep it for the Columns step (its token)."""
    assert choice.upload is not None
    uploads.admit(store, settings.uploads, session.email)
    # A parsed form holds Starlette's UploadFile; the spooler reads only ``.file``.
    upload = cast(fastapi.UploadFile, choice.upload)
    path = spool_upload(upload, settings.max_upload_bytes)
    try:
        sample = read_samples(path, settings.limits, choice.kind)
        if needs_step(sample.header, targets_of(choice.kind, store)):
            kept = Pending(session.user_id, choice.kind, choice.file_name, path, sample,
                           replace(choice.options, limits=settings.limits))  # fmt: skip
            return pending.keep(kept)
        options = replace(
            choice.options,
            dry_run=True,
            limits=settings.limits,
            actor=session.email,
            file_name=choice.file_name,
        )
        job = jobs.Submission(choice.kind, path, choice.file_name, options)
        import_id = jobs.submit(store, job, sealer)
        return import_id, read_preview(path, settings.limits, choice.kind)
    finally:
        path.unlink(missing_ok=True)


def import_record(store: Store, import_id: int, session: tokens.Session) -> ImportRecord:
    """The run, or 404 — also an admin-only run for an agent, as the API does."""
    with store.read() as conn:
        record = records.record(conn, import_id, session.is_admin)
    if record is None:
        raise HTTPException(404, f"There is no import with ID {import_id}.")
    return record


def may_import(session: tokens.Session, kind: str) -> bool:
    return kind != "users" or session.is_admin


def undoable(session: tokens.Session, record: ImportRecord) -> bool:
    """Whether a page offers this run an Undo button: admins only, runs that can be undone."""
    return session.is_admin and offers_undo(record)


@router.get("/imports/{import_id}")
def import_page(import_id: ImportId, request: Request, session: PageSession) -> Response:
    store = get_store(request)
    record = import_record(store, import_id, session)
    job = job_document(store, record)
    job["summary"] = summary_on_pages(job["summary"])  # a CLI run's "--create-labels" too
    final = job["status"] in ENDED
    note = confirm_note(session, job, bool(record.strict))
    context = {
        "nav": "history",
        "job": job,
        "options": record.options or {},
        "strict": bool(record.strict),
        "final": final,
        "preview": preview_of(request, record) if record.dry_run else None,
        "can_confirm": record.dry_run and job["status"] == ImportStatus.DONE and note is None,
        "confirm_note": note if record.dry_run and job["status"] == ImportStatus.DONE else None,
        "errors_cut": bool(job["summary"]) and job["failed"] > len(job["summary"]["errors"]),
        "summary_errors": SUMMARY_ERRORS,
        "percent": _percent(job["rows_done"], job["rows_total"], final),
        "can_undo": final and undoable(session, record),
    }
    return render(request, "import.html", context, session)


def confirm_note(session: tokens.Session, job: dict[str, Any], strict: bool) -> str | None:
    """Why a finished dry run cannot usefully be confirmed, if it cannot."""
    if not may_import(session, job["kind"]):
        return "Only an admin may import agents (users)."
    if strict and job["failed"]:
        return (
            "Strict: with rows rejected, nothing would be written. Fix them (the error file "
            "has them) and upload the file again."
        )
    if not job["created"] + job["updated"] + job["unchanged"]:
        return "No row of this file can be imported. Fix the rows and upload it again."
    return None


def _percent(done: int, total: int, final: bool) -> int:
    if final:
        return 100
    return min(100, math.floor(100 * done / total)) if total else 0


@router.post("/imports/{import_id}/confirm")
async def confirm_import(import_id: ImportId, request: Request, session: PageSession) -> Response:
    """Queue the real run of a finished dry run, from the file the dry run kept."""
    await checked_form(request, session)
    store = get_store(request)
    record = import_record(store, import_id, session)
    if not record.dry_run or record.status != ImportStatus.DONE:
        raise HTTPException(409, "Only a finished dry run can be confirmed.")
    if not may_import(session, record.kind):
        raise HTTPException(403, "Only an admin may import agents (users).")
    settings: Settings = get_settings(request)
    with store.read() as conn:
        kept = has_upload(conn, import_id)
    if not kept:
        raise HTTPException(
            409,
            f"The file of this dry run is no longer kept (files are kept "
            f"{settings.uploads.hours} hours): upload it again.",
        )
    new_id = await run_in_threadpool(
        queue_real_run, store, settings, record, session.email, get_sealer(request)
    )
    return RedirectResponse(f"/imports/{new_id}", status_code=303)


def queue_real_run(
    store: Store, settings: Settings, record: ImportRecord, actor: str, sealer: Sealer
) -> int:
    base = ImportOptions(limits=settings.limits)
    options = replace(jobs.options_of(record, base), dry_run=False, actor=actor)
    with jobs.stored_upload(store, record.id, sealer) as path:
        job = jobs.Submission(record.kind, path, record.file_name, options, confirms=record.id)
        return jobs.submit(store, job, sealer)
