"""Contacts: a filtered page, one contact (read by ID or email, changed by admins), and the
export — all of it or a filter's — as a CSV stream."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, TypedDict

from fastapi import APIRouter, HTTPException, Path, Query
from fastapi.responses import StreamingResponse

from rolodex.errors import UsageError
from rolodex.importing import values
from rolodex.importing.report import ValueProblem
from rolodex.importing.values import MAX_ID_DIGITS, clean, parse_email
from rolodex.services import views
from rolodex.services.contacts import ContactChanges, edit_contact
from rolodex.services.export import BOM, contact_header, contact_row, csv_chunks
from rolodex.store import catalog as sql
from rolodex.store import contacts as read
from rolodex.store.contacts import ContactView
from rolodex.store.store import Store
from rolodex.web.deps import AdminDep, SessionDep, StoreDep
from rolodex.web.schemas import Contact, ContactPage, errors
from rolodex.web.schemas import ContactChanges as ContactChangesBody

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


ContactRef = Annotated[
    str,
    Path(
        description="The contact's ID (a number, as the contacts list and its page show "
        "it) or its email address (any case)",
    ),
]


def contact_by_ref(store: Store, ref: str) -> ContactView:
    """The contact a path names, by ID (digits) or by email; 404 when there is none."""
    with store.read() as conn:
        view = None
        if ref.isascii() and ref.isdigit():
            if len(ref) <= MAX_ID_DIGITS:
                view = read.by_id(conn, int(ref))
        else:
            try:
                view = read.by_key(conn, parse_email(clean(ref)).key)
            except ValueProblem:
                view = None
    if view is None:
        what = f"ID {ref}" if ref.isascii() and ref.isdigit() else f"the email {ref}"
        raise HTTPException(404, f"There is no contact with {what}")
    return view


def contact_json(store: Store, view: ContactView) -> dict[str, Any]:
    with store.read() as conn:
        fields = {f.variable_name: f for f in sql.fields(conn)}
    return views.contact(view, fields)


@router.get("/contacts/{contact}", response_model=Contact, responses=errors(401, 404, 422))
def show_contact(contact: ContactRef, _: SessionDep, store: StoreDep) -> dict[str, Any]:
    """One contact, by ID or by email."""
    return contact_json(store, contact_by_ref(store, contact))


@router.patch(
    "/contacts/{contact}", response_model=Contact, responses=errors(400, 401, 403, 404, 413, 422)
)
def change_contact(
    contact: ContactRef, body: ContactChangesBody, _: AdminDep, store: StoreDep
) -> dict[str, Any]:
    """Change a contact's names, company, labels or custom values (admins only). Values are
    checked as an import checks them; a 422 names every field with a problem, and then
    nothing changed. The change counts as one since any earlier import, for its undo."""
    view = contact_by_ref(store, contact)
    result = edit_contact(store, view.id, changes_of(body))
    if result.issues:
        raise UsageError("; ".join(f"{i.field}: {i.message}" for i in result.issues))
    return contact_json(store, result.contact)


def changes_of(body: ContactChangesBody) -> ContactChanges:
    """The request's keys as the service takes them: a key not sent changes nothing;
    ``null`` clears."""
    sent = body.model_fields_set

    def text(name: str) -> str | None:
        value = getattr(body, name)
        return None if name not in sent else "" if value is None else str(value)

    return ContactChanges(
        first_name=text("first_name"),
        last_name=text("last_name"),
        company_id=text("company_id"),
        labels=None if "labels" not in sent else list(body.labels or []),
        custom={name: as_text(value) for name, value in (body.custom_fields or {}).items()},
    )


def as_text(value: str | bool | int | float | None) -> str:
    """A JSON custom value as a cell would hold it: ``true``, ``12``, ``3.5``; null clears."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def export_lines(
    store: Store,
    bom: bool = True,
    label: str | None = None,
    q: str | None = None,
    raw: bool = False,
) -> Iterator[str]:
    """The export, a few hundred rows at a time, so memory stays flat; the BOM first
    unless ``bom`` is false, as the CLI writes it. ``label`` and ``q`` filter as the
    contacts list does (an unknown label: the header alone)."""
    if bom:
        yield BOM
    with store.read() as conn:
        fields = sql.fields(conn)
        label_id = None
        if label:
            found = sql.label_by_name(conn, label)
            if found is None:
                yield from csv_chunks(contact_header(fields), [], raw)
                return
            label_id = found.id
        rows = (contact_row(view, fields) for view in read.every(conn, label_id, q))
        yield from csv_chunks(contact_header(fields), rows, raw)


@router.get(
    "/export/contacts.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}, **errors(401, 422)},
)
def export_contacts(
    _: SessionDep,
    store: StoreDep,
    bom: bool = True,
    raw: bool = False,
    label: Annotated[str | None, Query(max_length=255)] = None,
    q: Annotated[str | None, Query(max_length=320)] = None,
) -> StreamingResponse:
    """The CLI's ``export contacts``: ``bom=false`` leaves out the UTF-8 BOM, ``raw=true``
    the formula guard; ``label`` and ``q`` export what the contacts list shows for them."""
    if any(values.has_control(text) for text in (label or "", q or "")):
        raise UsageError("label and q cannot hold control characters")
    return StreamingResponse(
        export_lines(store, bom, label, q, raw),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="contacts.csv"'},
    )
