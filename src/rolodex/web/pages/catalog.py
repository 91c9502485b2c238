"""The directory's catalog: labels, companies and custom fields, each with its contacts.

Everyone signed in reads these pages; only admins see and use their forms (an agent who
posts one anyway gets a 403 page). Every change is a form with the session's CSRF token,
answered by a redirect to the list, which says once what was done (post, redirect, get: a
reload sends nothing twice). A deletion first shows a page saying how many contacts it
touches. A refused change shows the form again, as it was typed, with the reason.
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import quote, unquote

from fastapi import HTTPException, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from rolodex.domain import MAX_ID, FieldType
from rolodex.errors import Conflict, UsageError
from rolodex.services import catalog
from rolodex.store import catalog as sql
from rolodex.store import tokens
from rolodex.store.store import Store
from rolodex.web.deps import get_store
from rolodex.web.pages.common import (
    PageSession,
    checked_form,
    page_router,
    render,
    secure,
    text_field,
)

router = page_router()
RecordId = Annotated[int, PathParam(ge=1, le=MAX_ID)]
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


def refused(exc: UsageError) -> int:
    return 409 if isinstance(exc, Conflict) else 422


# -- labels -------------------------------------------------------------------------------------


def labels_page(
    request: Request, session: tokens.Session, form: dict[str, Any] | None = None
) -> Response:
    with get_store(request).read() as conn:
        items, counts = sql.labels(conn), sql.label_counts(conn)
    context = {
        "nav": "labels",
        "labels": [(item, counts.get(item.id, 0)) for item in items],
        "notice": notice(request),
        "form": form or {},
    }
    status = (form or {}).get("status", 200)
    return listing(request, render(request, "labels.html", context, session, status))


@router.get("/labels")
def list_labels(request: Request, session: PageSession) -> Response:
    return labels_page(request, session)


@router.post("/labels")
async def create_label(request: Request, session: PageSession) -> Response:
    form = await checked_form(request, session)
    admin_only(session, "labels")
    name = text_field(form, "name")
    try:
        made = await run_in_threadpool(catalog.add_labels, get_store(request), [name])
    except UsageError as exc:
        return labels_page(request, session, {"name": name, "error": exc.message, "status": 422})
    return done(request, "/labels", "label-created", made[0].name)


def _label(store: Store, label_id: int) -> tuple[Any, int]:
    with store.read() as conn:
        found = sql.label(conn, label_id)
        if found is None:
            raise HTTPException(404, f"There is no label with ID {label_id}.")
        return found, sql.label_counts(conn).get(label_id, 0)


@router.get("/labels/{label_id}/edit")
def rename_label_form(label_id: RecordId, request: Request, session: PageSession) -> Response:
    admin_only(session, "labels")
    label, count = _label(get_store(request), label_id)
    context = {"nav": "labels", "label": label, "count": count, "name": label.name}
    return render(request, "label_edit.html", context, session)


@router.post("/labels/{label_id}/edit")
async def rename_label(label_id: RecordId, request: Request, session: PageSession) -> Response:
    form = await checked_form(request, session)
    admin_only(session, "labels")
    store, name = get_store(request), text_field(form, "name")
    try:
        renamed = await run_in_threadpool(catalog.rename_label, store, label_id, name)
    except UsageError as exc:
        label, count = _label(store, label_id)
        context = {"nav": "labels", "label": label, "count": count, "name": name}
        return render(
            request, "label_edit.html", {**context, "error": exc.message}, session, refused(exc)
        )
    return done(request, "/labels", "label-renamed", renamed.name)


@router.get("/labels/{label_id}/delete")
def delete_label_form(label_id: RecordId, request: Request, session: PageSession) -> Response:
    admin_only(session, "labels")
    label, count = _label(get_store(request), label_id)
    context = {
        "nav": "labels",
        "what": "label",
        "name": label.name,
        "action": f"/labels/{label_id}/delete",
        "back": "/labels",
        "consequence": f"{contacts(count)} carry it and will lose it; the contacts themselves "
        "stay. Files that name the label will be refused until it exists again.",
    }
    return render(request, "catalog_delete.html", context, session)


@router.post("/labels/{label_id}/delete")
async def delete_label(label_id: RecordId, request: Request, session: PageSession) -> Response:
    await checked_form(request, session)
    admin_only(session, "labels")
    gone, lost = await run_in_threadpool(catalog.delete_label, get_store(request), label_id)
    return done(request, "/labels", "label-deleted", gone.name, lost)


# -- companies ----------------------------------------------------------------------------------


def companies_page(
    request: Request, session: tokens.Session, form: dict[str, Any] | None = None
) -> Response:
    with get_store(request).read() as conn:
        items, counts = sql.companies(conn), sql.company_counts(conn)
    context = {
        "nav": "companies",
        "companies": [(item, counts.get(item.id, 0)) for item in items],
        "notice": notice(request),
        "form": form or {},
    }
    status = (form or {}).get("status", 200)
    return listing(request, render(request, "companies.html", context, session, status))


@router.get("/companies")
def list_companies(request: Request, session: PageSession) -> Response:
    return companies_page(request, session)


@router.post("/companies")
async def create_company(request: Request, session: PageSession) -> Response:
    form = await checked_form(request, session)
    admin_only(session, "companies")
    name, domain = text_field(form, "name"), text_field(form, "domain")
    try:
        made = await run_in_threadpool(catalog.add_company, get_store(request), name, domain)
    except UsageError as exc:
        typed = {"name": name, "domain": domain, "error": exc.message, "status": refused(exc)}
        return companies_page(request, session, typed)
    return done(request, "/companies", "company-created", made.name)


def _company(store: Store, company_id: int) -> tuple[Any, int]:
    with store.read() as conn:
        found = sql.company(conn, company_id)
        if found is None:
            raise HTTPException(404, f"There is no company with ID {company_id}.")
        return found, sql.company_counts(conn).get(company_id, 0)


@router.get("/companies/{company_id}/edit")
def edit_company_form(company_id: RecordId, request: Request, session: PageSession) -> Response:
    admin_only(session, "companies")
    company, count = _company(get_store(request), company_id)
    context = {
        "nav": "companies",
        "company": company,
        "count": count,
        "form": {"name": company.name, "domain": company.domain or ""},
    }
    return render(request, "company_edit.html", context, session)


@router.post("/companies/{company_id}/edit")
async def edit_company(company_id: RecordId, request: Request, session: PageSession) -> Response:
    form = await checked_form(request, session)
    admin_only(session, "companies")
    store = get_store(request)
    name, domain = text_field(form, "name"), text_field(form, "domain")
    try:
        saved = await run_in_threadpool(catalog.update_company, store, company_id, name, domain)
    except UsageError as exc:
        company, count = _company(store, company_id)
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
    company, count = _company(get_store(request), company_id)
    context = {
        "nav": "companies",
        "what": "company",
        "name": company.name,
        "action": f"/companies/{company_id}/delete",
        "back": "/companies",
        "consequence": f"{contacts(count)} belong to it; they stay, with no company.",
    }
    return render(request, "catalog_delete.html", context, session)


@router.post("/companies/{company_id}/delete")
async def delete_company(company_id: RecordId, request: Request, session: PageSession) -> Response:
    await checked_form(request, session)
    admin_only(session, "companies")
    store = get_store(request)
    gone, unlinked = await run_in_threadpool(catalog.delete_company, store, company_id)
    return done(request, "/companies", "company-deleted", gone.name, unlinked)


# -- custom fields ------------------------------------------------------------------------------


def options_of(text: str) -> list[str]:
    """The options box: one option a line, blank lines left out."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def fields_page(
    request: Request, session: tokens.Session, form: dict[str, Any] | None = None
) -> Response:
    with get_store(request).read() as conn:
        items = sql.fields(conn)
    context = {
        "nav": "fields",
        "fields": items,
        "types": FIELD_TYPES,
        "notice": notice(request),
        "form": form or {"type": "text"},
    }
    status = (form or {}).get("status", 200)
    return listing(request, render(request, "fields.html", context, session, status))


@router.get("/fields")
def list_fields(request: Request, session: PageSession) -> Response:
    return fields_page(request, session)


@router.post("/fields")
async def create_field(request: Request, session: PageSession) -> Response:
    form = await checked_form(request, session)
    admin_only(session, "custom fields")
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
        return fields_page(request, session, {**typed, "error": exc.message, "status": 422})
    return done(request, "/fields", "field-created", made.title)


def _field(store: Store, field_id: int) -> Any:
    with store.read() as conn:
        found = sql.field(conn, field_id)
    if found is None:
        raise HTTPException(404, f"There is no custom field with ID {field_id}.")
    return found


@router.get("/fields/{field_id}/edit")
def edit_field_form(field_id: RecordId, request: Request, session: PageSession) -> Response:
    admin_only(session, "custom fields")
    field = _field(get_store(request), field_id)
    typed = {"title": field.title, "options": "\n".join(field.options)}
    context = {"nav": "fields", "field": field, "form": typed}
    return render(request, "field_edit.html", context, session)


@router.post("/fields/{field_id}/edit")
async def edit_field(field_id: RecordId, request: Request, session: PageSession) -> Response:
    form = await checked_form(request, session)
    admin_only(session, "custom fields")
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
