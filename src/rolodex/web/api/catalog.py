"""Labels, companies and custom fields: anyone signed in reads, admins create and change.

Lists carry how many contacts refer to each entry with ``?counts=true`` (one query per
list). A deleted label takes its links with it; a deleted company leaves its contacts
unlinked; an option some contact holds cannot be removed from a select field (409).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from rolodex.services import catalog, views
from rolodex.store import catalog as sql
from rolodex.web.deps import AdminDep, SessionDep, StoreDep
from rolodex.web.schemas import (
    Company,
    CompanyChange,
    CompanyDeleted,
    CustomField,
    CustomFieldChange,
    Label,
    LabelChange,
    LabelDeleted,
    NewCompany,
    NewCustomField,
    NewLabel,
    errors,
)

router = APIRouter(tags=["catalog"])
CountsQuery = Annotated[
    bool, Query(description="Add `contacts` to each entry: how many contacts refer to it")
]
RecordId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Doc = dict[str, Any]
View = Callable[[Any], Doc]
CHANGE_ERRORS = errors(400, 401, 403, 404, 409, 413, 422)
DELETE_ERRORS = errors(400, 401, 403, 404, 422)


def made(model: type, summary: str, *codes: int) -> Doc:
    """A create route's OpenAPI words: 201, its model (unset fields left out), its refusals."""
    return changed(model, summary, *codes) | {"status_code": 201}


def changed(model: type, summary: str, *codes: int) -> Doc:
    """A change route's OpenAPI words: its model (unset fields left out), its refusals."""
    refusals = errors(*codes) if codes else CHANGE_ERRORS
    return {
        "response_model": model,
        "response_model_exclude_unset": True,
        "summary": summary,
        "responses": refusals,
    }


def deleted(model: type, summary: str) -> Doc:
    return {"response_model": model, "summary": summary, "responses": DELETE_ERRORS}


def _list_route(
    read: Callable[[Any], Any], view: View, counted: Callable[[Any], dict[int, int]]
) -> Callable[..., list[Doc]]:
    """Every entry as the API shows it, with ``contacts`` when ?counts=true (one query)."""

    def route(_: SessionDep, store: StoreDep, counts: CountsQuery = False) -> list[Doc]:
        with store.read() as conn:
            items = [view(item) for item in read(conn)]
            if not counts:
                return items
            found = counted(conn)
            return [{**item, "contacts": found.get(item["id"], 0)} for item in items]

    return route


LISTS: tuple[tuple[str, Any, Callable[[Any], Any], View, Callable[[Any], Any], str], ...] = (
    # path, model, the list, the view, the counts, what the counts say
    (
        "labels",
        list[Label],
        sql.labels,
        views.label,
        sql.label_counts,
        "how many contacts carry each",
    ),
    (
        "companies",
        list[Company],
        sql.companies,
        views.company,
        sql.company_counts,
        "how many contacts are linked to each",
    ),
)
for _path, _model, _read, _view, _counts, _what in LISTS:
    _route = _list_route(_read, _view, _counts)
    _route.__name__ = f"list_{_path}"
    router.get(
        f"/{_path}",
        response_model=_model,
        response_model_exclude_unset=True,
        responses=errors(401, 422),
        summary=f"List {_path} (with ?counts=true: {_what})",
    )(_route)


# -- labels -------------------------------------------------------------------------------------


@router.post("/labels", **made(Label, "Create a label (admins)", 400, 401, 403, 413, 422))
def add_label(body: NewLabel, _: AdminDep, store: StoreDep) -> Doc:
    return views.label(catalog.add_labels(store, [body.name])[0])


@router.patch(
    "/labels/{label_id}",
    **changed(Label, "Rename a label (admins): its contacts carry it under the new name"),
)
def rename_label(label_id: RecordId, body: LabelChange, _: AdminDep, store: StoreDep) -> Doc:
    return views.label(catalog.rename_label(store, label_id, body.name))


@router.delete(
    "/labels/{label_id}",
    **deleted(LabelDeleted, "Delete a label (admins): every contact loses it; the contacts stay"),
)
def delete_label(label_id: RecordId, _: AdminDep, store: StoreDep) -> Doc:
    gone, lost = catalog.delete_label(store, label_id)
    return {**views.label(gone), "contacts": lost}


# -- companies ----------------------------------------------------------------------------------


@router.post(
    "/companies",
    **made(
        Company,
        "Create a company (admins); a name that exists in any case is refused",
        *(400, 401, 403, 409, 413, 422),
    ),
)
def add_company(body: NewCompany, _: AdminDep, store: StoreDep) -> Doc:
    return views.company(catalog.add_company(store, body.name, body.domain))


@router.patch(
    "/companies/{company_id}", **changed(Company, "Change a company's name or domain (admins)")
)
def update_company(company_id: RecordId, body: CompanyChange, _: AdminDep, store: StoreDep) -> Doc:
    domain = body.domain if "domain" in body.model_fields_set else catalog.KEEP
    return views.company(catalog.update_company(store, company_id, body.name, domain))


@router.delete(
    "/companies/{company_id}",
    **deleted(CompanyDeleted, "Delete a company (admins): its contacts stay, with no company"),
)
def delete_company(company_id: RecordId, _: AdminDep, store: StoreDep) -> Doc:
    gone, unlinked = catalog.delete_company(store, company_id)
    return {"id": gone.id, "name": gone.name, "contacts": unlinked}


# -- custom fields ------------------------------------------------------------------------------


@router.get(
    "/fields", response_model=list[CustomField], responses=errors(401), summary="List fields"
)
def list_fields(_: SessionDep, store: StoreDep) -> list[dict[str, Any]]:
    with store.read() as conn:
        return [views.field(item) for item in sql.fields(conn)]


@router.post(
    "/fields",
    status_code=201,
    response_model=CustomField,
    responses=errors(400, 401, 403, 413, 422),
    summary="Create a custom field (admins)",
)
def add_field(body: NewCustomField, _: AdminDep, store: StoreDep) -> dict[str, Any]:
    field = catalog.add_field(store, body.variable_name, body.type, body.options, body.title)
    return views.field(field)


@router.patch(
    "/fields/{field_id}",
    response_model=CustomField,
    responses=CHANGE_ERRORS,
    summary="Change a custom field's title or options (admins); an option in use stays",
)
def update_field(
    field_id: RecordId, body: CustomFieldChange, _: AdminDep, store: StoreDep
) -> dict[str, Any]:
    return views.field(catalog.update_field(store, field_id, body.title, body.options))
