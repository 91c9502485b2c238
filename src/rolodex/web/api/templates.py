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

    route.__doc__ = (
        f"A contacts file to fill in ({fmt.upper()}): our columns and every custom field "
        "there is now, a header row and one example row to replace."
    )
    return route


def _users_route(fmt: str) -> Callable[..., Response]:
    def route(_: AdminDep, store: StoreDep) -> Response:
        return template_answer("users", fmt, store)

    route.__doc__ = (
        f"An agents (users) file to fill in ({fmt.upper()}), admins only: a header row and "
        "one example row to replace."
    )
    return route


def _responses(fmt: str, *codes: int) -> dict[int | str, dict[str, Any]]:
    media = MEDIA_TYPES[fmt].split(";")[0]
    return {200: {"content": {media: {}}, "description": "The template"}, **errors(*codes)}


for _fmt in FORMATS:
    router.add_api_route(
        f"/templates/contacts.{_fmt}",
        _contacts_route(_fmt),
        methods=["GET"],
        response_class=Response,
        responses=_responses(_fmt, 401),
        name=f"contacts_template_{_fmt}",
    )
    router.add_api_route(
        f"/templates/users.{_fmt}",
        _users_route(_fmt),
        methods=["GET"],
        response_class=Response,
        responses=_responses(_fmt, 401, 403),
        name=f"users_template_{_fmt}",
    )
