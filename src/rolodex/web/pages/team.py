"""The team page (``/team``, admins only): who is on the team and in what state; add a
person, deactivate or reactivate, reset a password, make admin or agent.

An agent gets 403 here, as on every admin-only action (the API's ``/api/users`` too); the
menu does not offer the page. An admin who steps down or deactivates themselves is sent on
to ``/`` (which, once inactive, is the sign-in page). Every other action answers with the
page itself, with what was done or why it was refused: a generated password is shown in that
one answer (never stored in plain text, never in a URL, never shown again), so there is no
redirect to carry it across.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import HTTPException, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from rolodex.domain import MAX_ID, Role
from rolodex.errors import Conflict, LastAdmin, NotFound, RolodexError, UsageError
from rolodex.services import team
from rolodex.store import tokens
from rolodex.web.deps import get_store
from rolodex.web.pages.common import PageSession, checked_form, page_router, render
from rolodex.web.pages.common import text_field as field

router = page_router()
UserId = Annotated[int, PathParam(ge=1, le=MAX_ID)]
ADMINS_ONLY = "Only an admin may see and change the team."
SET, TEMPORARY = "set", "temporary"
PASSWORD_READ = team.MAX_PASSWORD + 1  # one past the rule, so a longer one is refused, not cut


@dataclass(frozen=True)
class Result:
    """What an action did, for the page: a message, or a refusal with its status."""

    notice: str | None = None
    problem: str | None = None
    status: int = 200
    temporary: tuple[str, str] | None = None  # (email, password), shown this once
    draft: dict[str, str] | None = None  # the add form as sent, to fill in again


def _admin(session: tokens.Session) -> None:
    if not session.is_admin:
        raise HTTPException(403, ADMINS_ONLY)


def team_page(request: Request, session: tokens.Session, result: Result) -> Response:
    context: dict[str, Any] = {
        "nav": "team",
        "members": team.members(get_store(request)),
        "me": session.user_id,
        "result": result,
        "draft": result.draft or {"role": Role.AGENT.value},
    }
    return render(request, "team.html", context, session, result.status)


@router.get("/team")
def show_team(request: Request, session: PageSession) -> Response:
    _admin(session)
    return team_page(request, session, Result())


async def _admin_form(request: Request, session: tokens.Session) -> FormData:
    form = await checked_form(request, session)
    _admin(session)
    return form


@router.post("/team")
async def add_member(request: Request, session: PageSession) -> Response:
    form = await _admin_form(request, session)
    draft = {k: field(form, k, 320) for k in ("email", "first_name", "last_name", "role")}
    password = field(form, "password", PASSWORD_READ)
    if field(form, "action") != TEMPORARY and not password:
        problem = "Type a password in “Password”, or choose “Add with a temporary password”."
        return team_page(request, session, Result(problem=problem, status=422, draft=draft))
    role = _role(draft["role"] or Role.AGENT.value)
    if role is None:
        problem = "Choose a “Role”: Agent or Admin."
        return team_page(request, session, Result(problem=problem, status=422, draft=draft))
    new = team.NewMember(
        draft["email"],
        draft["first_name"],
        draft["last_name"],
        role,
        password if field(form, "action") != TEMPORARY else None,
    )
    try:
        outcome = await run_in_threadpool(team.add, get_store(request), new)
    except UsageError as refused:
        return team_page(request, session, _refused(refused, draft))
    email = outcome.member.record.state.email
    temporary = (email, outcome.temporary_password) if outcome.temporary_password else None
    notice = f"{email} is on the team as {'an admin' if role is Role.ADMIN else 'an agent'}."
    return team_page(request, session, Result(notice=notice, temporary=temporary))


@router.post("/team/{user_id}/active")
async def set_active(user_id: UserId, request: Request, session: PageSession) -> Response:
    form = await _admin_form(request, session)
    active = {"true": True, "false": False}.get(field(form, "active", 8))
    if active is None:
        raise HTTPException(422, "Use the Deactivate or Reactivate button on the team page.")
    return await _change(request, session, user_id, team.Change(active=active))


@router.post("/team/{user_id}/role")
async def set_role(user_id: UserId, request: Request, session: PageSession) -> Response:
    form = await _admin_form(request, session)
    role = _role(field(form, "role", 8))
    if role is None:
        raise HTTPException(422, "Use the Make admin or Make agent button on the team page.")
    return await _change(request, session, user_id, team.Change(role=role))


def _role(value: str) -> Role | None:
    return Role(value) if value in {Role.ADMIN.value, Role.AGENT.value} else None


@router.post("/team/{user_id}/password")
async def reset_password(user_id: UserId, request: Request, session: PageSession) -> Response:
    form = await _admin_form(request, session)
    if field(form, "action") == TEMPORARY:
        return await _change(request, session, user_id, team.Change(temporary_password=True))
    password = field(form, "password", PASSWORD_READ)
    if not password:
        problem = (
            "Type the new password in “New password”, or choose “Generate a temporary password”."
        )
        return team_page(request, session, Result(problem=problem, status=422))
    return await _change(request, session, user_id, team.Change(password=password))


async def _change(
    request: Request, session: tokens.Session, user_id: int, wanted: team.Change
) -> Response:
    try:
        outcome = await run_in_threadpool(team.change, get_store(request), user_id, wanted)
    except (UsageError, NotFound) as refused:
        return team_page(request, session, _refused(refused))
    if user_id == session.user_id and (wanted.role is Role.AGENT or wanted.active is False):
        return RedirectResponse("/", status_code=303)  # no longer an admin: the page is not yours
    email = outcome.member.record.state.email
    temporary = (email, outcome.temporary_password) if outcome.temporary_password else None
    notice = _done(email, wanted, user_id == session.user_id)
    return team_page(request, session, Result(notice=notice, temporary=temporary))


def _done(email: str, wanted: team.Change, myself: bool) -> str:
    ended = wanted.active is False or wanted.password is not None or wanted.temporary_password
    if wanted.active is not None:
        what = f"{email} is {'active again' if wanted.active else 'inactive'}."
    elif wanted.role is not None:
        what = f"{email} is now {'an admin' if wanted.role is Role.ADMIN else 'an agent'}."
    else:
        what = f"{email} has a new password."
    if ended:
        what += " Their sessions and API tokens have ended."
        if myself:
            what += " You will be asked to log in again."
    return what


def _refused(error: RolodexError, draft: dict[str, str] | None = None) -> Result:
    conflict = isinstance(error, Conflict | LastAdmin)
    status = 404 if isinstance(error, NotFound) else 409 if conflict else 422
    message = error.message[:1].upper() + error.message[1:] + "."
    if isinstance(error, LastAdmin):
        message += " Use “Make admin” on another person’s row first."
    return Result(problem=message, status=status, draft=draft)
