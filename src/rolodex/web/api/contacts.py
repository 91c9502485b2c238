"""Contacts: a filtered page, one contact, and the whole export as a CSV stream."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, TypedDict

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import StreamingResponse

from rolodex.errors import UsageError
from rolodex.importing import values
from rolodex.importing.report import ValueProblem
from rolodex.importing.values import clean, parse_email
from rolodex.services import views
from rolodex.services.export import BOM, contact_header, contact_row, csv_chunks
from rolodex.store import catalog as sql
from rolodex.store import contacts as read
from rolodex.store.store import Store
from rolodex.web.deps import SessionDep, StoreDep
from rolodex.web.schemas import Contact, ContactPage, errors

router = APIRouter(tags=["contacts"])


class ContactPageData(TypedDict):
    """One page of contacts as :class:`ContactPage` validates it; typed, so that the web
    page can use ``total`` as the number it is."""

    items: list[dict[str, Any]]
    total: int


def contact_page(
    store: Store, label: str | None, q: str | None, page: int, per_page: int
) -> ContactPageData:
    with store.read() as conn:
        label_id = None
        if label:
            found = sql.label_by_name(conn, label)
            if found is None:
                return {"items": [], "total": 0}
            label_id = found.id
        views_, total = read.page(conn, label_id, q, (page - 1) * per_page, per_page)
        fields = {f.variable_name: f for f in sql.fields(conn)}
    return {"items": [views.contact(v, fields) for v in views_], "total": total}


@router.get("/contacts", response_model=ContactPage, responses=errors(401, 422))
def list_contacts(
    _: SessionDep,
    store: StoreDep,
    label: Annotated[str | None, Query(max_length=255)] = None,
    q: Annotated[str | None, Query(max_length=320)] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 50,
) -> ContactPageData:
    if any(values.has_control(text) for text in (label or "", q or "")):
        raise UsageError("label and q cannot hold control characters")
    return contact_page(store, label, q, page, per_page)


@router.get("/contacts/{email}", response_model=Contact, responses=errors(401, 404, 422))
def show_contact(email: str, _: SessionDep, store: StoreDep) -> dict[str, object]:
    try:
        key = parse_email(clean(email)).key
    except ValueProblem:
        raise HTTPException(404, f"There is no contact with the email {email}") from None
    with store.read() as conn:
        view = read.by_key(conn, key)
        fields = {f.variable_name: f for f in sql.fields(conn)}
    if view is None:
        raise HTTPException(404, f"There is no contact with the email {email}")
    return views.contact(view, fields)


def export_lines(store: Store, bom: bool = True) -> Iterator[str]:
    """The export, a few hundred rows at a time, so memory stays flat; the BOM first
    unless ``bom`` is false, as the CLI writes it."""
    if bom:
        yield BOM
    with store.read() as conn:
        fields = sql.fields(conn)
        rows = (contact_row(view, fields) for view in read.every(conn))
        yield from csv_chunks(contact_header(fields), rows)


@router.get(
    "/export/contacts.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}, **errors(401, 422)},
)
def export_contacts(_: SessionDep, store: StoreDep, bom: bool = True) -> StreamingResponse:
    """The CLI's ``export contacts``; ``bom=false`` leaves out the UTF-8 BOM."""
    return StreamingResponse(
        export_lines(store, bom),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="contacts.csv"'},
    )
