"""The team (``/api/users``, docs/api.md#the-team): admins list, add and change users;
agents get 403, as for every admin-only action. No answer holds a password hash; a
generated password is in the one answer that made it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from fastapi import Path as PathParam

from rolodex.domain import Role
from rolodex.errors import UsageError
from rolodex.services import team
from rolodex.services.views import iso
from rolodex.web.deps import AdminDep, StoreDep
from rolodex.web.schemas import ErrorBody, NewUser, User, UserChange, errors

router = APIRouter(tags=["users"])
UserId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]
REFUSED: dict[int | str, dict[str, Any]] = {
    409: {
        "model": ErrorBody,
        "description": "The email is on the team already, or the change would leave the "
        "team without an active admin (the last one cannot be demoted or deactivated)",
    }
}


def user_document(outcome: team.Member, temporary: str | None = None) -> dict[str, Any]:
    record = outcome.record
    user = record.state
    return {
        "id": user.id,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "active": user.active,
        "role": user.role.value,
        "created_at": iso(record.created_at),
        "updated_at": iso(record.updated_at),
        "last_sign_in_at": iso(outcome.last_sign_in),
        "temporary_password": temporary,
    }


@router.get("/users", response_model=list[User], responses=errors(401, 403))
def list_users(_: AdminDep, store: StoreDep) -> list[dict[str, Any]]:
    return [user_document(member) for member in team.members(store)]


@router.post(
    "/users",
    status_code=201,
    response_model=User,
    responses={**errors(400, 401, 403, 413, 422), **REFUSED},
)
def add_user(body: NewUser, _: AdminDep, store: StoreDep) -> dict[str, Any]:
    """A new active user, with ``password``, or with ``temporary_password: true`` a
    generated one returned in this answer only."""
    if (body.password is not None) == body.temporary_password:
        raise UsageError("send a password, or temporary_password: true (one of the two)")
    new = team.NewMember(
        body.email, body.first_name, body.last_name, Role(body.role), body.password
    )
    outcome = team.add(store, new)
    return user_document(outcome.member, outcome.temporary_password)


@router.patch(
    "/users/{user_id}",
    response_model=User,
    responses={**errors(400, 401, 403, 404, 413, 422), **REFUSED},
)
def change_user(user_id: UserId, body: UserChange, _: AdminDep, store: StoreDep) -> dict[str, Any]:
    """Activate or deactivate, make admin or agent, set a password or generate one
    (returned in this answer only). A new password or a deactivation ends the user's
    sessions and tokens; the last active admin cannot be demoted or deactivated (409)."""
    wanted = team.Change(
        body.active,
        Role(body.role) if body.role else None,
        body.password,
        body.temporary_password,
    )
    outcome = team.change(store, user_id, wanted)
    return user_document(outcome.member, outcome.temporary_password)
