"""Labels, companies and custom fields: anyone signed in reads, admins create and change.

Lists carry how many contacts refer to each entry with ``?counts=true`` (one query per
list). A deleted label takes its links with it; a deleted company leaves its contacts
unlinked; an option some contact holds cannot be removed from a select field (409).
"""

from __future__ import annotations

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
CHANGE_ERRORS = errors(400, 401, 403, 404, 409, 413, 422)


def counted(items: list[dict[str, Any]], counts: dict[int, int]) -> list[dict[str, Any]]:
    return [{**item, "contacts": counts.get(item["id"], 0)} for item in items]


# -- labels -------------------------------------------------------------------------------------


@router.get(
    "/labels",
    response_model=list[Label],
    response_model_exclude_unset=True,
    responses=errors(401, 422),
    summary="List labels (with ?counts=true: how many contacts carry each)",
)
def list_labels(
    _: SessionDep, store: StoreDep, counts: CountsQuery = False
) -> list[dict[str, Any]]:
    with store.read() as conn:
        items = [views.label(item) for item in sql.labels(conn)]
        return counted(items, sql.label_counts(conn)) if counts else items


@router.post(
    "/labels",
    status_code=201,
    response_model=Label,
    response_model_exclude_unset=True,
    responses=errors(400, 401, 403, 413, 422),
    summary="Create a label (admins)",
)
def add_label(body: NewLabel, _: AdminDep, store: StoreDep) -> dict[str, Any]:
    return views.label(catalog.add_labels(store, [body.name])[0])


@router.patch(
    "/labels/{label_id}",
    response_model=Label,
    response_model_exclude_unset=True,
    responses=CHANGE_ERRORS,
    summary="Rename a label (admins): its contacts carry it under the new name",
)
def rename_label(
    label_id: RecordId, body: LabelChange, _: AdminDep, store: StoreDep
) -> dict[str, Any]:
    return views.label(catalog.rename_label(store, label_id, body.name))


@router.delete(
    "/labels/{label_id}",
    response_model=LabelDeleted,
    responses=errors(400, 401, 403, 404, 422),
    summary="Delete a label (admins): every contact loses it; the contacts stay",
)
def delete_label(label_id: RecordId, _: AdminDep, store: StoreDep) -> dict[str, Any]:
    gone, lost = catalog.delete_label(store, label_id)
    return {**views.label(gone), "contacts": lost}


# -- companies ----------------------------------------------------------------------------------


@router.get(
    "/companies",
    response_model=list[Company],
    response_model_exclude_unset=True,
    responses=errors(401, 422),
    summary="List companies (with ?counts=true: how many contacts are linked to each)",
)
def list_companies(
    _: SessionDep, store: StoreDep, counts: CountsQuery = False
) -> list[dict[str, Any]]:
    with store.read() as conn:
        items = [views.company(item) for item in sql.companies(conn)]
        return counted(items, sql.company_counts(conn)) if counts else items


@router.post(
    "/companies",
    status_code=201,
    response_model=Company,
    response_model_exclude_unset=True,
    responses=errors(400, 401, 403, 409, 413, 422),
    summary="Create a company (admins); a name that exists in any case is refused",
)
def add_company(body: NewCompany, _: AdminDep, store: StoreDep) -> dict[str, Any]:
    return views.company(catalog.add_company(store, body.name, body.domain))


@router.patch(
    "/companies/{company_id}",
    response_model=Company,
    response_model_exclude_unset=True,
    responses=CHANGE_ERRORS,
    summary="Change a company's name or domain (admins)",
)
def update_company(
    company_id: RecordId, body: CompanyChange, _: AdminDep, store: StoreDep
) -> dict[str, Any]:
    domain = body.domain if "domain" in body.model_fields_set else catalog.KEEP
    return views.company(catalog.update_company(store, company_id, body.name, domain))


@router.delete(
    "/companies/{company_id}",
    response_model=CompanyDeleted,
    responses=errors(400, 401, 403, 404, 422),
    summary="Delete a company (admins): its contacts stay, with no company",
)
def delete_company(company_id: RecordId, _: AdminDep, store: StoreDep) -> dict[str, Any]:
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
