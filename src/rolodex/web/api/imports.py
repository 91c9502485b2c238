"""Imports as jobs: upload (202), watch, fetch the error file, list the history."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Path, Request, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from rolodex.config import Settings
from rolodex.domain import MAX_ID
from rolodex.errors import FileError, UsageError
from rolodex.importing.columns import UnboundColumns
from rolodex.importing.kinds import KINDS
from rolodex.importing.options import ImportOptions
from rolodex.importing.ports import ImportRecord, ImportStatus
from rolodex.security.sealing import Sealer
from rolodex.services import jobs, uploads, views
from rolodex.services.errorfile import error_table
from rolodex.services.export import csv_chunks
from rolodex.services.mappings import creation_refused, parse_mapping
from rolodex.services.undo import undo_import
from rolodex.store import imports as records
from rolodex.store.store import Store
from rolodex.web import wording
from rolodex.web.deps import (
    AdminDep,
    CallerFirst,
    SessionDep,
    SettingsDep,
    StoreDep,
    from_the_pages,
    get_sealer,
)
from rolodex.web.schemas import ImportFileProblem, Job, UndoResult, errors

router = APIRouter(tags=["imports"])
upload_router = APIRouter(tags=["imports"], route_class=CallerFirst)
"""The upload route: its caller is known (401) before a byte of the file is read."""
ImportId = Annotated[int, Path(description="An import's id")]
MAX_FILE_NAME = 255
SUMMARY_ERRORS = ImportOptions().max_listed_errors
"""As many errors as the CLI's ``--json`` lists, so both give the same document."""
COUNTS = ("created", "updated", "unchanged", "failed")
UNDO_COUNTS = ("restored", "removed")
"""An undo run's own counts, with ``unchanged`` (left alone); its ``created`` and ``updated``
are 0. An import's summary is the CLI's import JSON exactly, so it has none of these."""


def job_document(store: Store, record: ImportRecord) -> dict[str, Any]:
    """The API's view of an import record; ``summary`` is the CLI's import JSON once done."""
    document = views.import_record(record) | {"summary": None}
    if record.status == ImportStatus.DONE:
        with store.read() as conn:
            found = records.errors(conn, record.id, SUMMARY_ERRORS)
        document["summary"] = {
            "id": record.id,
            "kind": record.kind,
            "dry_run": record.dry_run,
            "rows": record.rows_done,
            **{k: getattr(record, k) for k in COUNTS},
            **({k: getattr(record, k) for k in UNDO_COUNTS} if record.kind == "undo" else {}),
            "columns": record.columns or [],
            "new": record.new_names or {"labels": [], "companies": [], "fields": []},
            "errors": [{k: e[k] for k in ("row", "column", "code", "message")} for e in found],
            "warnings": record.warnings,
        }
    return document


def _visible(store: Store, import_id: int, admin: bool) -> ImportRecord:
    """The import record, or 404 — also for an id no import can have (0, or past the
    database's integer range, which would otherwise fail inside the database), and for
    an admin-only run asked for by an agent: 404 rather than 403, so an agent cannot tell
    which ids are users imports (the history leaves them out too)."""
    if not 1 <= import_id <= MAX_ID:
        raise HTTPException(404, f"There is no import with ID {import_id}")
    with store.read() as conn:
        record = records.record(conn, import_id, admin)
    if record is None:
        raise HTTPException(404, f"There is no import with ID {import_id}")
    return record


def upload_name(name: str | None) -> str:
    """The name recorded for an upload: printable, at most 255 characters, never empty."""
    printable = "".join(c for c in name or "" if c.isprintable()).strip()
    if len(printable) > MAX_FILE_NAME:
        _, dot, ext = printable.rpartition(".")
        keep = f".{ext}" if dot and len(ext) <= 10 else ""
        printable = printable[: MAX_FILE_NAME - len(keep)] + keep
    return printable or "upload.csv"


def spool_upload(upload: UploadFile, limit: int) -> FilePath:
    """Copy the upload to a file of our own, refusing (413) past ``limit`` bytes."""
    handle, name = tempfile.mkstemp(suffix=".csv")
    path, size = FilePath(name), 0
    with open(handle, "wb") as out:
        while chunk := upload.file.read(1 << 20):
            size += len(chunk)
            if size > limit:
                out.close()
                path.unlink(missing_ok=True)
                raise HTTPException(413, f"The file is larger than the limit of {limit:,} bytes")
            out.write(chunk)
    return path


def _flag(description: str) -> Any:
    return Form(description=description)


@upload_router.post(
    "/imports",
    status_code=202,
    response_model=Job,
    responses=errors(400, 401, 403, 413, 422, 429, unprocessable=ImportFileProblem),
)
async def upload_import(
    request: Request,
    session: SessionDep,
    store: StoreDep,
    settings: SettingsDep,
    kind: Annotated[str, Form(description="contacts or users (admins)")],
    file: Annotated[UploadFile, File(description="The CSV file")],
    dry_run: Annotated[bool, _flag("Check every row, write nothing")] = False,
    strict: Annotated[bool, _flag("One rejected row and nothing is written")] = False,
    create_labels: Annotated[bool, _flag("Create unknown labels (admins)")] = False,
    create_companies: Annotated[
        bool, _flag("Create companies a `company` column names that do not exist (admins)")
    ] = False,
    create_fields: Annotated[
        bool, _flag("Make each column that binds to nothing a new text custom field (admins)")
    ] = False,
    ignore_unknown: Annotated[bool, _flag("Leave out the columns that bind to nothing")] = False,
    mapping: Annotated[
        str | None,
        Form(
            description="A JSON object, header → target (one of our columns, a custom field's "
            "variable name, `name`, `company`, `ignore`, or `new`: a new custom field, admins), "
            "before every other binding rule",
            examples=['{"E-mail 1 - Value": "email", "Notes": "ignore"}'],
        ),
    ] = None,
    labels_separator: Annotated[
        str | None, _flag("The separator of every labels column (default: `:` for `labels`)")
    ] = None,
    sheet: Annotated[
        str | None,
        Form(max_length=255, description="A workbook's sheet to read (default: the first)"),
    ] = None,
) -> Any:
    if kind not in KINDS:
        return JSONResponse({"error": "kind must be 'contacts' or 'users'"}, status_code=422)
    if kind == "users" and not session.is_admin:
        raise HTTPException(403, "Only an admin may import users")
    try:
        chosen = parse_mapping(mapping)
    except UsageError as error:
        return JSONResponse({"error": error.message}, status_code=422)
    options = ImportOptions(
        dry_run=dry_run,
        strict=strict,
        create_labels=create_labels,
        create_companies=create_companies,
        create_fields=create_fields,
        ignore_unknown=ignore_unknown,
        mapping=chosen,
        labels_separator=labels_separator or None,
        limits=settings.limits,
        actor=session.email,
        file_name=upload_name(file.filename),
        sheet=sheet or None,
    )
    refused = creation_refused(options, session.is_admin)
    if refused:
        raise HTTPException(403, refused)
    sealer = get_sealer(request)
    return await run_in_threadpool(_queue, store, kind, file, options, settings, sealer)


def _queue(
    store: Store,
    kind: str,
    file: UploadFile,
    options: ImportOptions,
    settings: Settings,
    sealer: Sealer,
) -> Any:
    uploads.admit(store, settings.uploads, options.actor or "")
    path = spool_upload(file, settings.max_upload_bytes)
    try:
        import_id = jobs.submit(
            store, jobs.Submission(kind, path, options.file_name or "upload.csv", options), sealer
        )
    except UnboundColumns as error:
        return JSONResponse({"error": error.message, "columns": error.columns}, status_code=422)
    except (FileError, UsageError) as error:
        return JSONResponse({"error": error.message}, status_code=422)
    finally:
        path.unlink(missing_ok=True)
    return JSONResponse(job_document(store, _visible(store, import_id, True)), status_code=202)


@router.get(
    "/imports", response_model=list[Job], response_model_exclude_unset=True, responses=errors(401)
)
def list_imports(session: SessionDep, store: StoreDep) -> list[dict[str, Any]]:
    store.reap_interrupted()
    with store.read() as conn:
        history = records.history(conn, limit=500, admin=session.is_admin)
    return [job_document(store, record) for record in history]


@router.get(
    "/imports/{import_id}",
    response_model=Job,
    response_model_exclude_unset=True,  # an import's summary has no undo counts
    responses=errors(401, 404, 422),
)
def show_import(import_id: ImportId, session: SessionDep, store: StoreDep) -> dict[str, Any]:
    return job_document(store, _visible(store, import_id, session.is_admin))


def error_file_lines(
    store: Store, import_id: int, header: list[str], on_pages: bool = False
) -> Iterator[bytes]:
    """The error file, streamed; UTF-8 with a BOM, as the CLI writes it, for Excel. For the
    web app (``on_pages``) each error is in the pages' words, whoever ran the import."""
    yield "\ufeff".encode()
    with store.read() as conn:
        rejects = records.rejects(conn, import_id)
        if on_pages:
            rejects = ((row, values, wording.on_pages(error)) for row, values, error in rejects)
        names, rows = error_table(header, rejects)
        for chunk in csv_chunks(names, rows):
            yield chunk.encode("utf-8")


@router.get(
    "/imports/{import_id}/errors.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}, **errors(401, 404, 422)},
)
def error_file(
    import_id: ImportId, request: Request, session: SessionDep, store: StoreDep
) -> StreamingResponse:
    """The rejected rows with a last column ``error``. Downloaded from the web app (its
    session, not a token), the errors name the pages' controls, not the CLI's flags."""
    record = _visible(store, import_id, session.is_admin)
    return StreamingResponse(
        error_file_lines(store, import_id, record.header, from_the_pages(request)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="import-{import_id}-errors.csv"'},
    )


@router.post(
    "/imports/{import_id}/undo",
    response_model=UndoResult,
    responses=errors(400, 401, 403, 404, 422),
)
def undo(
    import_id: ImportId,
    session: AdminDep,
    store: StoreDep,
    dry_run: bool = False,
    force: bool = False,
) -> dict[str, Any]:
    """Take an import back (admins). Records changed since are skipped unless ``force``."""
    _visible(store, import_id, True)
    return undo_import(store, import_id, dry_run, force, session.email).as_dict()
