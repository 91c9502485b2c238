"""The directory's catalog: labels, companies and custom fields, each with its contacts.

Everyone signed in reads these pages; only admins see and use their forms (an agent who
posts one anyway gets a 403 page). Every change is a form with the session's CSRF token,
answered by a redirect to the list, which says once what was done (post, redirect, get: a
reload sends nothing twice). A deletion first shows a page saying how many contacts it
touches. A refused change shows the form again, as it was typed, with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NamedTuple
from urllib.parse import quote, unquote

from fastapi import HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from rolodex.domain import FieldType
from rolodex.errors import Conflict, UsageError
from rolodex.services import catalog
from rolodex.store import catalog as sql
from rolodex.store import tokens
from rolodex.store.store import Store
from rolodex.web.deps import get_store
from rolodex.web.pages.common import (
    PageSession,
    RecordId,
    checked_form,
    page_router,
    render,
    secure,
    text_field,
)

router = page_router()
NOTICE_COOKIE = "rolodex_notice"
FIELD_TYPES = tuple(kind.value for kind in FieldType)
NOTICES = {
    "label-created": "Label “{name}” created.",
    "label-renamed": "Label renamed to “{name}”.",
    "label-deleted": "Label “{name}” deleted; {count} lost it.",
    "company-created": "Company “{name}” created.",
    "company-saved": "Company “{name}” saved.",
    "company-deleted": "Company “{name}” deleted; {count} now have no company.",
    "field-created": "Custom field “{name}” created.",
    "field-saved": "Custom field “{name}” saved.",
}


def contacts(count: int) -> str:
    return f"{count:,} contact{'' if count == 1 else 's'}"


def notice(request: Request) -> str | None:
    """The line saying what the last change did, from the cookie its redirect set (a cookie,
    not the address: a link from elsewhere cannot make the page say something was done)."""
    try:
        said = json.loads(unquote(request.cookies.get(NOTICE_COOKIE, "")))
        template = NOTICES[said["done"]]
        return template.format(name=str(said["name"])[:255], count=contacts(int(said["count"])))
    except (ValueError, KeyError, TypeError):
        return None


def listing(request: Request, response: Response) -> Response:
    """A list page, which shows the notice once."""
    if NOTICE_COOKIE in request.cookies:
        response.delete_cookie(NOTICE_COOKIE, path="/")
    return response


def done(request: Request, path: str, what: str, name: str, count: int = 0) -> Response:
    """Back to the list, which says what was done (post, redirect, get)."""
    response = RedirectResponse(path, status_code=303)
    said = quote(json.dumps({"done": what, "name": name, "count": count}))
    response.set_cookie(
        NOTICE_COOKIE, said, httponly=True, samesite="strict", secure=secure(request),
        path="/", max_age=60,
    )  # fmt: skip
    return response


def admin_only(session: tokens.Session, what: str) -> None:
    if not session.is_admin:
        raise HTTPException(403, f"Only an admin may change {what}.")


async def admin_form(request: Request, session: tokens.Session, what: str) -> FormData:
    """The posted form, its CSRF token checked, from an admin (anyone else: a 403 page)."""
    form = await checked_form(request, session)
    admin_only(session, what)
    return form


def refused(exc: UsageError) -> int:
    return 409 if isinstance(exc, Conflict) else 422


def delete_page(
    request: Request,
    session: tokens.Session,
    where: tuple[str, str, int],
    name: str,
    consequence: str,
) -> Response:
    """The page that asks before a deletion; ``where``: the list, the record's kind, its ID."""
    nav, what, record_id = where
    context = {
        "nav": nav,
        "what": what,
        "name": name,
        "action": f"/{nav}/{record_id}/delete",
        "back": f"/{nav}",
        "consequence": consequence,
    }
    return render(request, "catalog_delete.html", context, session)


class Counted(NamedTuple):
    """How the pages read a catalog whose entries contacts refer to."""

    what: str
    entries: Callable[[Any], Any]
    one: Callable[[Any, int], Any]
    counts: Callable[[Any], dict[int, int]]


COUNTED = {
    "labels": Counted("label", sql.labels, sql.label, sql.label_counts),
    "companies": Counted("company", sql.companies, sql.company, sql.company_counts),
}


def list_page(
    request: Request, session: tokens.Session, nav: str, form: dict[str, Any] | None = None
) -> Response:
    """A list page (labels, companies, fields) with its create form, as typed when refused;
    it shows the notice once."""
    with get_store(request).read() as conn:
        if nav == "fields":
            rows: dict[str, Any] = {"fields": sql.fields(conn), "types": FIELD_TYPES}
        else:
            read = COUNTED[nav]
            found = read.counts(conn)
            rows = {nav: [(item, found.get(item.id, 0)) for item in read.entries(conn)]}
    form = form or ({"type": "text"} if nav == "fields" else {})
    context = {"nav": nav, **rows, "notice": notice(request), "form": form}
    page = render(request, f"{nav}.html", context, session, form.get("status", 200))
    return listing(request, page)


def _list_route(nav: str) -> Callable[[Request, tokens.Session], Response]:
    def route(request: Request, session: PageSession) -> Response:
        return list_page(request, session, nav)

    route.__name__ = f"list_{nav}"
    return route


for _nav in ("labels", "companies", "fields"):
    router.get(f"/{_nav}")(_list_route(_nav))


def _found(found: Any, what: str, record_id: int) -> Any:
    if found is None:
        raise HTTPException(404, f"There is no {what} with ID {record_id}.")
    return found


def _counted(store: Store, nav: str, record_id: int) -> tuple[Any, int]:
    """A label or a company, and how many contacts refer to it (404 when there is none)."""
    read = COUNTED[nav]
    with store.read() as conn:
        found = _found(read.one(conn, record_id), read.what, record_id)
        return found, read.counts(conn).get(record_id, 0)


# -- labels -------------------------------------------------------------------------------------


@router.post("/labels")
async def create_label(request: Request, session: PageSession) -> Response:
    form = await admin_form(request, session, "labels")
    name = text_field(form, "name")
    try:
        made = await run_in_threadpool(catalog.add_labels, get_store(request), [name])
    except UsageError as exc:
        typed = {"name": name, "error": exc.message, "status": 422}
        return list_page(request, session, "labels", typed)
    return done(request, "/labels", "label-created", made[0].name)


@router.get("/labels/{label_id}/edit")
def rename_label_form(label_id: RecordId, request: Request, session: PageSession) -> Response:
    admin_only(session, "labels")
    label, count = _counted(get_store(request), "labels", label_id)
    context = {"nav": "labels", "label": label, "count": count, "name": label.name}
    return render(request, "label_edit.html", context, session)


@router.post("/labels/{label_id}/edit")
async def rename_label(label_id: RecordId, request: Request, session: PageSession) -> Response:
    form = await admin_form(request, session, "labels")
    store, name = get_store(request), text_field(form, "name")
    try:
        renamed = await run_in_threadpool(catalog.rename_label, store, label_id, name)
    except UsageError as exc:
        label, count = _counted(store, "labels", label_id)
        context = {"nav": "labels", "label": label, "count": count, "name": name}
        return render(
            request, "label_edit.html", {**context, "error": exc.message}, session, refused(exc)
        )
    return done(request, "/labels", "label-renamed", renamed.name)


@router.get("/labels/{label_id}/delete")
def delete_label_form(label_id: RecordId, request: Request, session: PageSession) -> Response:
    admin_only(session, "labels")
    label, count = _counted(get_store(request), "labels", label_id)
    consequence = (
        f"{contacts(count)} carry it and will lose it; the contacts themselves "
        "stay. Files that name the label will be refused until it exists again."
    )
    return delete_page(request, session, ("labels", "label", label_id), label.name, consequence)


@router.post("/labels/{label_id}/delete")
async def delete_label(label_id: RecordId, request: Request, session: PageSession) -> Response:
    await admin_form(request, session, "labels")
    gone, lost = await run_in_threadpool(catalog.delete_label, get_store(request), label_id)
    return done(request, "/labels", "label-deleted", gone.name, lost)


# -- companies ----------------------------------------------------------------------------------


@router.post("/companies")
async def create_company(request: Request, session: PageSession) -> Response:
    form = await admin_form(request, session, "companies")
    name, domain = text_field(form, "name"), text_field(form, "domain")
    try:
        made = await run_in_threadpool(catalog.add_company, get_store(request), name, domain)
    except UsageError as exc:
        typed = {"name": name, "domain": domain, "error": exc.message, "status": refused(exc)}
        return list_page(request, session, "companies", typed)
    return done(request, "/companies", "company-created", made.name)


@router.get("/companies/{company_id}/edit")
def edit_company_form(company_id: RecordId, request: Request, session: PageSession) -> Response:
    admin_only(session, "companies")
    company, count = _counted(get_store(request), "companies", company_id)
    context = {
        "nav": "companies",
        "company": company,
        "count": count,
        "form": {"name": company.name, "domain": company.domain or ""},
    }
    return render(request, "company_edit.html", context, session)


@router.post("/companies/{company_id}/edit")
async def edit_company(company_id: RecordId, request: Request, session: PageSession) -> Response:
    form = await admin_form(request, session, "companies")
    store = get_store(request)
    name, domain = text_field(form, "name"), text_field(form, "domain")
    try:
        saved = await run_in_threadpool(catalog.update_company, store, company_id, name, domain)
    except UsageError as exc:
        company, count = _counted(store, "companies", company_id)
        context = {
            "nav": "companies",
            "company": company,
            "count": count,
            "form": {"name": name, "domain": domain, "error": exc.message},
        }
        return render(request, "company_edit.html", context, session, refused(exc))
    return done(request, "/companies", "company-saved", saved.name)


@router.get("/companies/{company_id}/delete")
def delete_company_form(company_id: RecordId, request: Request, session: PageSession) -> Response:
    admin_only(session, "companies")
    company, count = _counted(get_store(request), "companies", company_id)
    consequence = f"{contacts(count)} belong to it; they stay, with no company."
    where = ("companies", "company", company_id)
    return delete_page(request, session, where, company.name, consequence)


@router.post("/companies/{company_id}/delete")
async def delete_company(company_id: RecordId, request: Request, session: PageSession) -> Response:
    await admin_form(request, session, "companies")
    store = get_store(request)
    gone, unlinked = await run_in_threadpool(catalog.delete_company, store, company_id)
    return done(request, "/companies", "company-deleted", gone.name, unlinked)


# -- custom fields ------------------------------------------------------------------------------


def options_of(text: str) -> list[str]:
    """The options box: one option a line, blank lines left out."""
    return [line.strip() for line in text.splitlines() if line.strip()]


@router.post("/fields")
async def create_field(request: Request, session: PageSession) -> Response:
    form = await admin_form(request, session, "custom fields")
    typed = {
        key: text_field(form, key, 64_000) for key in ("variable_name", "title", "type", "options")
    }
    store, options = get_store(request), options_of(typed["options"])
    try:
        made = await run_in_threadpool(
            catalog.add_field,
            store,
            typed["variable_name"],
            typed["type"] or "text",
            options,
            typed["title"] or None,
        )
    except UsageError as exc:
        return list_page(request, session, "fields", {**typed, "error": exc.message, "status": 422})
    return done(request, "/fields", "field-created", made.title)


def _field(store: Store, field_id: int) -> Any:
    with store.read() as conn:
        found = sql.field(conn, field_id)
    return _found(found, "custom field", field_id)


@router.get("/fields/{field_id}/edit")
def edit_field_form(field_id: RecordId, request: Request, session: PageSession) -> Response:
    admin_only(session, "custom fields")
    field = _field(get_store(request), field_id)
    typed = {"title": field.title, "options": "\n".join(field.options)}
    context = {"nav": "fields", "field": field, "form": typed}
    return render(request, "field_edit.html", context, session)


@router.post("/fields/{field_id}/edit")
async def edit_field(field_id: RecordId, request: Request, session: PageSession) -> Response:
    form = await admin_form(request, session, "custom fields")
    store = get_store(request)
    field = _field(store, field_id)
    typed = {key: text_field(form, key, 64_000) for key in ("title", "options")}
    options = options_of(typed["options"]) if field.type is FieldType.SELECT else None
    try:
        saved = await run_in_threadpool(
            catalog.update_field, store, field_id, typed["title"], options
        )
    except UsageError as exc:
        context = {"nav": "fields", "field": field, "form": {**typed, "error": exc.message}}
        return render(request, "field_edit.html", context, session, refused(exc))
    return done(request, "/fields", "field-saved", saved.title)
