"""One contact: every field, the imports that touched it, and — for admins — its edit form.

Agents read, admins change: the form is shown to admins only, and a post from anyone else
is refused (403). A change goes through :func:`rolodex.services.contacts.edit_contact`, the
same as ``PATCH /api/contacts/{id}``; a refused one shows the form again as it was typed,
each problem beside its field.
"""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from rolodex.domain import email_key
from rolodex.errors import NotFound
from rolodex.services.contacts import ContactChanges, FieldIssue, edit_contact
from rolodex.store import catalog, tokens
from rolodex.store import contacts as read
from rolodex.store.contacts import ContactView
from rolodex.store.store import Store
from rolodex.web.deps import get_store
from rolodex.web.pages.common import PageSession, checked_form, page_router, render, text_field
from rolodex.web.pages.common import RecordId as ContactId

router = page_router()
SAVED = {"1": "Saved.", "0": "Nothing changed: the contact was already like that."}


@router.get("/contacts/{contact_id}")
def contact_view(
    contact_id: ContactId, request: Request, session: PageSession, saved: str = ""
) -> Response:
    store = get_store(request)
    context = _context(store, _contact(store, contact_id), session)
    context["saved"] = SAVED.get(saved)
    return render(request, "contact.html", context, session)


@router.post("/contacts/{contact_id}")
async def contact_edit(contact_id: ContactId, request: Request, session: PageSession) -> Response:
    form = await checked_form(request, session)
    if not session.is_admin:
        raise HTTPException(403, "Only an admin may change a contact; agents can read it.")
    store = get_store(request)
    changes = changes_of(form)
    result = await run_in_threadpool(edit_contact, store, contact_id, changes)
    if not result.issues:
        saved = "1" if result.changed else "0"
        return RedirectResponse(f"/contacts/{contact_id}?saved={saved}", status_code=303)
    context = _context(store, result.contact, session)
    context["issues"] = _by_field(result.issues)
    if "contact" not in context["issues"]:  # changed meanwhile: show it as it is now
        context["typed"] = changes
    return render(request, "contact.html", context, session, status=422)


def changes_of(form: FormData) -> ContactChanges:
    """The edit form as the service takes it: the form shows every field, so each is sent
    (an empty one clears), and the ticked labels are all the contact's labels."""
    custom = {
        key.removeprefix("custom."): text_field(form, key, 70_000)
        for key in form
        if key.startswith("custom.")
    }
    return ContactChanges(
        first_name=text_field(form, "first_name"),
        last_name=text_field(form, "last_name"),
        company_id=text_field(form, "company_id", 32),
        labels=[value for value in form.getlist("labels") if isinstance(value, str)],
        custom=custom,
        seen=text_field(form, "seen", 64) or None,
    )


def _contact(store: Store, contact_id: int) -> ContactView:
    with store.read() as conn:
        view = read.by_id(conn, contact_id)
    if view is None:
        raise NotFound(f"There is no contact with ID {contact_id}.")
    return view


def _context(store: Store, view: ContactView, session: tokens.Session) -> dict[str, Any]:
    with store.read() as conn:
        fields = catalog.fields(conn)
        touching = read.imports_touching(conn, email_key(view.email), session.is_admin)
        company = read.company_names(conn, [view.company_id] if view.company_id else [])
        editing = session.is_admin
        companies = catalog.companies(conn) if editing else []
        labels = catalog.labels(conn) if editing else []
    titles = {"first_name": "First name", "last_name": "Last name", "company_id": "Company"}
    titles |= {"labels": "Labels"} | {f.variable_name: f.title for f in fields}
    return {
        "nav": "contacts",
        "titles": titles,
        "contact": view,
        "label_names": [name for _, name in view.labels],
        "company_name": company.get(view.company_id or 0),
        "fields": fields,
        "imports": touching,
        "editing": editing,
        "companies": companies,
        "labels": labels,
        "typed": None,
        "issues": {},
        "saved": None,
    }


def _by_field(issues: list[FieldIssue]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for issue in issues:
        found.setdefault(issue.field, []).append(issue.message)
    return found
