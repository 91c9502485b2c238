"""Templates to fill in: a file of each kind with the columns an import takes, as CSV or
as an Excel workbook (``rolodex.services.templates``). The users templates are admins'."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Response

from rolodex.domain import CustomField
from rolodex.services.templates import FORMATS, MEDIA_TYPES, template_file
from rolodex.store import catalog as sql
from rolodex.store.store import Store
from rolodex.web.deps import AdminDep, SessionDep, StoreDep
from rolodex.web.schemas import errors

router = APIRouter(tags=["templates"])


def template_answer(kind: str, fmt: str, store: Store) -> Response:
    fields: list[CustomField] = []
    if kind == "contacts":
        with store.read() as conn:
            fields = sql.fields(conn)
    return Response(
        template_file(kind, fmt, fields),
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="rolodex-{kind}.{fmt}"'},
    )


def _contacts_route(fmt: str) -> Callable[..., Response]:
    def route(_: SessionDep, store: StoreDep) -> Response:
        return template_answer("contacts", fmt, store)

    return route


def _users_route(fmt: str) -> Callable[..., Response]:
    def route(_: AdminDep, store: StoreDep) -> Response:
        return template_answer("users", fmt, store)

    return route


def _responses(fmt: str, *codes: int) -> dict[int | str, dict[str, Any]]:
    media = MEDIA_TYPES[fmt].split(";")[0]
    return {200: {"content": {media: {}}, "description": "The template"}, **errors(*codes)}


ROUTES = (  # the kind, its route, who may not have it, what it says
    (
        "contacts",
        _contacts_route,
        (401,),
        "A contacts file to fill in ({FMT}): our columns and every custom field there is now, "
        "a header row and one example row to replace.",
    ),
    (
        "users",
        _users_route,
        (401, 403),
        "An agents (users) file to fill in ({FMT}), admins only: a header row and one example "
        "row to replace.",
    ),
)

for _fmt in FORMATS:
    for _kind, _make, _codes, _doc in ROUTES:
        _route = _make(_fmt)
        _route.__doc__ = _doc.format(FMT=_fmt.upper())
        router.add_api_route(
            f"/templates/{_kind}.{_fmt}",
            _route,
            methods=["GET"],
            response_class=Response,
            responses=_responses(_fmt, *_codes),
            name=f"{_kind}_template_{_fmt}",
        )
