"""Labels, companies and custom fields: anyone signed in reads, admins create."""

from __future__ import annotations

from fastapi import APIRouter

from rolodex.services import catalog, views
from rolodex.store import catalog as sql
from rolodex.web.deps import AdminDep, SessionDep, StoreDep
from rolodex.web.schemas import (
    Company,
    CustomField,
    Label,
    NewCompany,
    NewCustomField,
    NewLabel,
    errors,
)

router = APIRouter(tags=["catalog"])


@router.get("/labels", response_model=list[Label], responses=errors(401))
def list_labels(_: SessionDep, store: StoreDep) -> list[dict[str, object]]:
    with store.read() as conn:
        return [views.label(item) for item in sql.labels(conn)]


@router.post(
    "/labels", status_code=201, response_model=Label, responses=errors(400, 401, 403, 413, 422)
)
def add_label(body: NewLabel, _: AdminDep, store: StoreDep) -> dict[str, object]:
    return views.label(catalog.add_labels(store, [body.name])[0])


@router.get("/companies", response_model=list[Company], responses=errors(401))
def list_companies(_: SessionDep, store: StoreDep) -> list[dict[str, object]]:
    with store.read() as conn:
        return [views.company(item) for item in sql.companies(conn)]


@router.post(
    "/companies",
    status_code=201,
    response_model=Company,
    responses=errors(400, 401, 403, 409, 413, 422),
)
def add_company(body: NewCompany, _: AdminDep, store: StoreDep) -> dict[str, object]:
    return views.company(catalog.add_company(store, body.name, body.domain))


@router.get("/fields", response_model=list[CustomField], responses=errors(401))
def list_fields(_: SessionDep, store: StoreDep) -> list[dict[str, object]]:
    with store.read() as conn:
        return [views.field(item) for item in sql.fields(conn)]


@router.post(
    "/fields",
    status_code=201,
    response_model=CustomField,
    responses=errors(400, 401, 403, 413, 422),
)
def add_field(body: NewCustomField, _: AdminDep, store: StoreDep) -> dict[str, object]:
    field = catalog.add_field(store, body.variable_name, body.type, body.options, body.title)
    return views.field(field)
