"""The web app at ``/``: server-rendered pages over the same store and jobs as the API.

Signing in sets an HttpOnly, SameSite=Lax session cookie; every form post then carries the
session's CSRF token in a hidden ``csrf`` field (the sign-in form has a token of its own, in
a short-lived cookie), so another site cannot post a form in the person's name.

An upload is checked by a dry-run job first: the page shows the file's first rows and, when
the job ends, what the import would do. "Confirm import" queues the real run from the copy
of the file the dry run kept in the database, so the browser sends the file only once.

Errors on a page are pages: :class:`PageRoute` turns every refusal (400, 403, 404, 409, 413,
422) into HTML and an anonymous visit into a redirect to ``/login``; no input gives a 5xx.
"""

from __future__ import annotations

import contextlib
import functools
import hmac
import math
import secrets
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Annotated, Any, cast
from urllib.parse import quote, urlencode

import fastapi
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, Response
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from rolodex import jobs, uploads
from rolodex.config import Limits, Settings
from rolodex.errors import FileError, NotFound, StoreError, UsageError
from rolodex.importing import users, values
from rolodex.importing.kinds import KINDS, targets_of
from rolodex.importing.options import ImportOptions
from rolodex.importing.report import ValueProblem
from rolodex.importing.source import open_source
from rolodex.mappings import creation_refused, needs_step
from rolodex.sealing import Sealer
from rolodex.security.sessions import authenticate
from rolodex.security.signin import Attempt, SignInRefused, TooManyAttempts, sign_in_evenly
from rolodex.store import catalog as catalog_sql
from rolodex.store import imports as records
from rolodex.store import tokens
from rolodex.store.jobs import has_upload, upload_chunks
from rolodex.store.store import Store
from rolodex.undo import undo_import
from rolodex.uploads import TooManyUploads
from rolodex.views import iso
from rolodex.web.api.contacts import contact_page
from rolodex.web.api.imports import SUMMARY_ERRORS, job_document, spool_upload, upload_name
from rolodex.web.deps import SESSION_COOKIE, client_address, get_settings, get_store, get_throttle
from rolodex.web.pending import Pending, PendingUploads, pending_uploads, read_samples

LOGIN_CSRF_COOKIE = "rolodex_login_csrf"
MAX_ID = 2**31 - 1
PREVIEW_ROWS = 10
PREVIEW_COLUMNS = 30
CELL_CHARS = 120
HIDDEN = "••••••"
PER_PAGE = 50
HISTORY_LIMIT = 200
FINAL = frozenset({"done", "failed", "interrupted"})
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
TITLES = {
    400: "The request could not be read",
    403: "Not allowed",
    404: "Not found",
    405: "Not possible on this page",
    409: "Not possible now",
    413: "The file is too large",
    415: "That cannot be read here",
    422: "That cannot be used",
    429: "Too many attempts",
    503: "The database is unavailable",
}


# -- pages are HTML, errors included ------------------------------------------------------------


class SignInFirst(Exception):
    """An anonymous visit: answered with a redirect to the sign-in page."""

    def __init__(self, next_path: str):
        super().__init__(next_path)
        self.next_path = next_path


class PageRoute(APIRoute):
    """A route whose refusals are rendered as pages, not as the API's JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInFirst as exc:
                return RedirectResponse(login_url(exc.next_path), status_code=303)
            except RequestValidationError:
                return error_page(request, 404, "There is no such page.")
            except HTTPException as exc:
                return error_page(request, exc.status_code, str(exc.detail))
            except (FileError, UsageError) as exc:
                return error_page(request, 422, exc.message)
            except NotFound as exc:
                return error_page(request, 404, exc.message)
            except StoreError as exc:
                return error_page(request, 503, exc.message)

        return page


router = APIRouter(include_in_schema=False, route_class=PageRoute)


@functools.cache
def templates() -> Jinja2Templates:
    """Built on first use, not at import time; autoescaping is on for ``.html``."""
    built = Jinja2Templates(directory=Path(__file__).with_name("templates"))
    built.env.filters["num"] = lambda n: f"{n or 0:,}"
    built.env.filters["when"] = when
    built.env.filters["iso"] = lambda m: iso(m) if isinstance(m, datetime) else (m or "")
    return built


def when(moment: datetime | str | None) -> str:
    """A timestamp as a person reads it, in UTC."""
    text = iso(moment) if isinstance(moment, datetime) else moment
    return f"{text[:10]} {text[11:16]} UTC" if text else "—"


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    session: tokens.Session | None = None,
    status: int = 200,
) -> HTMLResponse:
    context = {"session": session, "csrf": session.csrf if session else "", **context}
    response = templates().TemplateResponse(request, name, context, status_code=status)
    response.headers.update(SECURITY_HEADERS)
    return response


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """A refusal as a page, with the menu when the person is signed in."""
    session = None
    if status != 503:  # with the database away, do not ask it who this is
        with contextlib.suppress(SignInFirst, StoreError):
            session = page_session(request)
    title = TITLES.get(status, "Something went wrong")
    context = {"title": title, "message": message}
    return render(request, "error.html", context, session, status)


# -- who is signed in -------------------------------------------------------------------------


def page_session(request: Request) -> tokens.Session:
    """The signed-in person, from the session cookie; anonymous visits go to ``/login``."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        settings: Settings = get_settings(request)
        session = authenticate(get_store(request), token, settings.sessions)
        if session is not None and session.kind == "session":
            return session
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    raise SignInFirst(here if request.method == "GET" else "/")


PageSession = Annotated[tokens.Session, Depends(page_session)]


def same(sent: object, expected: str | None) -> bool:
    """Constant-time equality of two tokens (bytes, so any text compares without error)."""
    if not isinstance(sent, str) or not sent or not expected:
        return False
    return hmac.compare_digest(sent.encode(), expected.encode())


async def checked_form(request: Request, session: tokens.Session) -> FormData:
    """The posted form, once its CSRF token is the session's own (403 otherwise)."""
    form = await request.form()
    if not same(form.get("csrf"), session.csrf):
        raise HTTPException(403, "The form was out of date (CSRF check failed): reload the page")
    return form


def text_field(form: FormData, name: str, limit: int = 1024) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path on this site only, never another site."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return "/"
    return "/" if value.startswith(("/login", "/logout")) else value


def login_url(next_path: str) -> str:
    return "/login" if next_path == "/" else f"/login?next={quote(next_path, safe='/')}"


def secure(request: Request) -> bool:
    return request.url.scheme == "https"


# -- sign in and out --------------------------------------------------------------------------


def login_page(
    request: Request, next_path: str, error: str | None = None, email: str = "", status: int = 200
) -> HTMLResponse:
    """The sign-in form, with a fresh token that the post must bring back (a cookie and a
    field: another site can send neither), so no one is signed in to an account not theirs."""
    token = secrets.token_urlsafe(16)
    context = {"next": next_path, "login_csrf": token, "error": error, "email": email}
    response = render(request, "login.html", context, status=status)
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure(request),
        path="/login", max_age=3600,
    )  # fmt: skip
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    next_path = safe_next(request.query_params.get("next"))
    with contextlib.suppress(SignInFirst):
        page_session(request)
        return RedirectResponse(next_path, status_code=303)
    return login_page(request, next_path)


SIGN_IN_FORM = "application/x-www-form-urlencoded"


@router.post("/login")
async def login(request: Request) -> Response:
    """Sign in. Only a small URL-encoded form is read (the body limit keeps it to a few
    KiB): a multipart body, which Starlette would spool to disk part by part, is 415."""
    if request.headers.get("content-type", "").partition(";")[0].strip().lower() != SIGN_IN_FORM:
        raise HTTPException(415, "Sign in with the form on this page.")
    form = await request.form()
    email, password = text_field(form, "email", 320), text_field(form, "password", 1024)
    next_path = safe_next(text_field(form, "next"))
    if not same(form.get("csrf"), request.cookies.get(LOGIN_CSRF_COOKIE)):
        message = "The sign-in form was out of date. Please try again."
        return login_page(request, next_path, message, email, status=403)
    if not email.strip() or not password:
        return login_page(request, next_path, "Enter your email and password.", email, 422)
    attempt = Attempt(email, password, client_address(request), "session")
    try:
        token, _ = await sign_in_evenly(
            get_store(request),
            get_throttle(request),
            attempt,
            get_settings(request).sessions,
        )
    except SignInRefused as refused:
        return login_page(request, next_path, refused.message, email, status=401)
    except TooManyAttempts as throttled:
        page = login_page(request, next_path, throttled.message, email, status=429)
        page.headers["Retry-After"] = str(throttled.retry_after)
        return page
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="lax", secure=secure(request), path="/"
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
async def logout(request: Request, session: PageSession) -> Response:
    await checked_form(request, session)
    with get_store(request).write() as conn:
        tokens.revoke(conn, session.token_id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# -- the upload form --------------------------------------------------------------------------


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


def ticked(form: FormData, name: str) -> bool:
    """Whether a checkbox was ticked (browsers send ``on``, scripts ``true``)."""
    return text_field(form, name, 8).lower() in {"true", "on", "1", "yes"}


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
    }
    return render(request, "import_form.html", context, session, status)


def size_text(size: int) -> str:
    """A byte count as a person reads it: 100 MB."""
    value = float(size)
    for unit in ("bytes", "KB", "MB"):
        if value < 1024:
            return f"{value:,.0f} {unit}"
        value /= 1024
    return f"{value:,.1f} GB"


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
        checked = await run_in_threadpool(check_upload, store, settings, choice, session, pending)
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
    previews(request.app).put(*checked)
    return RedirectResponse(f"/imports/{checked[0]}", status_code=303)


def check_upload(
    store: Store,
    settings: Settings,
    choice: Choice,
    session: tokens.Session,
    pending: PendingUploads,
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
        import_id = jobs.submit(store, job, Sealer.from_settings(settings))
        return import_id, read_preview(path, settings.limits, choice.kind)
    finally:
        path.unlink(missing_ok=True)


# -- the preview of a file's first rows --------------------------------------------------------


@dataclass(frozen=True)
class Preview:
    header: list[str]
    rows: list[tuple[int, list[str]]]
    rows_total: int
    hidden_columns: int


def read_preview(path: Path, limits: Limits, kind: str, sheet: str | None = None) -> Preview:
    """The first rows as the importer reads them, cut to fit a page; secrets masked."""
    source = open_source(path, limits, sheet)
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


@contextlib.contextmanager
def stored_upload(store: Store, settings: Settings, import_id: int) -> Iterator[Path]:
    """The file an import kept in the database, as a temporary file."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload.csv"
        with store.read() as conn, path.open("wb") as out:
            for chunk in upload_chunks(conn, import_id, Sealer.from_settings(settings)):
                out.write(chunk)
        yield path


def preview_of(request: Request, record: dict[str, Any]) -> Preview | None:
    cache = previews(request.app)
    preview = cache.get(record["id"])
    if preview is None:
        settings: Settings = get_settings(request)
        with stored_upload(get_store(request), settings, record["id"]) as path:
            try:
                preview = read_preview(path, settings.limits, record["kind"])
            except FileError:
                return None
        cache.put(record["id"], preview)
    return preview


# -- one import: preview, dry-run result, confirm, progress, summary ---------------------------


ImportId = Annotated[int, PathParam(ge=1, le=MAX_ID)]


def import_record(store: Store, import_id: int, session: tokens.Session) -> dict[str, Any]:
    """The run, or 404 — also an admin-only run for an agent, as the API does."""
    with store.read() as conn:
        record = records.record(conn, import_id, session.is_admin)
    if record is None:
        raise HTTPException(404, f"There is no import with ID {import_id}.")
    return record


def may_import(session: tokens.Session, kind: str) -> bool:
    return kind != "users" or session.is_admin


@router.get("/imports/{import_id}")
def import_page(import_id: ImportId, request: Request, session: PageSession) -> Response:
    store = get_store(request)
    record = import_record(store, import_id, session)
    job = job_document(store, record)
    final = job["status"] in FINAL
    note = confirm_note(session, job, bool(record["strict"]))
    context = {
        "nav": "history",
        "job": job,
        "options": record.get("options") or {},
        "strict": bool(record["strict"]),
        "final": final,
        "preview": preview_of(request, record) if record["dry_run"] else None,
        "can_confirm": record["dry_run"] and job["status"] == "done" and note is None,
        "confirm_note": note if record["dry_run"] and job["status"] == "done" else None,
        "errors_cut": bool(job["summary"]) and job["failed"] > len(job["summary"]["errors"]),
        "summary_errors": SUMMARY_ERRORS,
        "percent": _percent(job["rows_done"], job["rows_total"], final),
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
    if not record["dry_run"] or record["status"] != "done":
        raise HTTPException(409, "Only a finished dry run can be confirmed.")
    if not may_import(session, record["kind"]):
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
    new_id = await run_in_threadpool(queue_real_run, store, settings, record, session.email)
    return RedirectResponse(f"/imports/{new_id}", status_code=303)


def queue_real_run(store: Store, settings: Settings, record: dict[str, Any], actor: str) -> int:
    base = ImportOptions(limits=settings.limits)
    options = replace(jobs.options_of(record, base), dry_run=False, actor=actor)
    with stored_upload(store, settings, record["id"]) as path:
        job = jobs.Submission(
            record["kind"], path, record["file_name"], options, confirms=record["id"]
        )
        return jobs.submit(store, job, Sealer.from_settings(settings))


# -- the history ------------------------------------------------------------------------------


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
        "undoable": {item["id"] for item in history if undoable(session, item)},
    }
    return render(request, "history.html", context, session)


# -- undo ---------------------------------------------------------------------------------------


def undoable(session: tokens.Session, record: dict[str, Any]) -> bool:
    """Whether the history offers this run an Undo button (admins, real runs, once)."""
    return (
        session.is_admin
        and record["kind"] in ("contacts", "users")
        and not record["dry_run"]
        and not record["undone_by"]
        and record["status"] in ("done", "failed", "interrupted")
    )


def _check_undoable(session: tokens.Session, record: dict[str, Any]) -> None:
    if not session.is_admin:
        raise HTTPException(403, "Only an admin may undo an import.")
    if not undoable(session, record):
        raise HTTPException(409, "This run cannot be undone: only real imports, once.")


@router.get("/imports/{import_id}/undo")
def undo_confirmation(import_id: ImportId, request: Request, session: PageSession) -> Response:
    """Ask before taking an import back: an undo cannot itself be undone."""
    record = import_record(get_store(request), import_id, session)
    _check_undoable(session, record)
    return render(request, "undo.html", {"nav": "history", "job": record, "result": None}, session)


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


# -- contacts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactQuery:
    """The contacts list's filters, read leniently: a bad value means "no filter"."""

    label: str
    q: str
    page: int

    @classmethod
    def of(cls, request: Request) -> ContactQuery:
        params = request.query_params
        page = params.get("page", "1").strip()
        number = int(page) if page.isdecimal() and len(page) < 8 else 1
        return cls(
            label=_printable(params.get("label", ""))[:255],
            q=_printable(params.get("q", "")).strip()[:320],
            page=max(1, number),
        )

    def url(self, page: int) -> str:
        params = {k: v for k, v in (("label", self.label), ("q", self.q)) if v}
        return "/contacts?" + urlencode({**params, "page": page})


def _printable(text: str) -> str:
    """Without control characters (PostgreSQL refuses NUL in text)."""
    return "".join(c for c in text if c >= " " or c == "\t")


@router.get("/contacts")
def contacts_page(request: Request, session: PageSession) -> Response:
    store = get_store(request)
    query = ContactQuery.of(request)
    found = contact_page(store, query.label or None, query.q or None, query.page, PER_PAGE)
    with store.read() as conn:
        labels = [label.name for label in catalog_sql.labels(conn)]
        companies = {c.id: c.name for c in catalog_sql.companies(conn)}
    total = found["total"]
    pages = max(1, math.ceil(total / PER_PAGE))
    context = {
        "nav": "contacts",
        "query": query,
        "contacts": found["items"],
        "total": total,
        "pages": pages,
        "labels": labels,
        "companies": companies,
        "prev_url": query.url(query.page - 1) if query.page > 1 else None,
        "next_url": query.url(query.page + 1) if query.page < pages else None,
    }
    return render(request, "contacts.html", context, session)
