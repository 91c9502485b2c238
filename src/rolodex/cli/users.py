"""``rolodex users show|verify|create-admin``: never a password or a hash on screen."""

from __future__ import annotations

import getpass
import sys
from typing import TYPE_CHECKING

import typer

from rolodex.cli.context import err, out, print_json, state
from rolodex.cli.render import show_record
from rolodex.errors import UsageError

if TYPE_CHECKING:
    from rolodex.store.users import UserRecord

app = typer.Typer(help="Agents: the people who log in.", no_args_is_help=True)


def user_document(record: UserRecord) -> dict[str, object]:
    from rolodex.services.views import iso

    user = record.state
    shown = ("id", "email", "first_name", "last_name", "active")
    return {
        **{name: getattr(user, name) for name in shown},
        "role": user.role.value,
        "created_at": iso(record.created_at),
        "updated_at": iso(record.updated_at),
    }


@app.command("show")
def show(ctx: typer.Context, email: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """One user, found by email. Exit 1 if there is none."""
    from rolodex.services import accounts

    document = user_document(accounts.find(state(ctx).store, email))
    if as_json:
        print_json(document)
        return
    show_record(document)


def _stdin_password() -> str:
    """All of standard input with one trailing newline dropped (and nothing else), so a
    password may end in spaces or even a newline of its own."""
    data = sys.stdin.read()
    return data[:-1] if data.endswith("\n") else data


@app.command("verify")
def verify(ctx: typer.Context, email: str) -> None:
    """Check a password read from standard input. Exit 0 if it matches, 1 if not."""
    from rolodex.services import accounts

    check = accounts.check_password(state(ctx).store, email, _stdin_password())
    if not check.ok:
        err().print("no: the password does not match (or there is no such user)")
        raise typer.Exit(1)
    out().print(
        "ok: the password matches"
        + ("" if check.user and check.user.active else " (the user is inactive)")
    )


def _ask_password() -> str:
    if not sys.stdin.isatty():
        return _stdin_password()
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password (again): ") != first:
        raise UsageError("the two passwords differ; nothing was changed")
    return first


@app.command("create-admin")
def create_admin(ctx: typer.Context, email: str) -> None:
    """Create an admin, or make an existing user admin. Asks for the password (twice) on a
    terminal; reads one line of standard input otherwise."""
    from rolodex.services import accounts

    user, created = accounts.create_admin(state(ctx).store, email, _ask_password())
    out().print(
        f"{user.email} is {'now an admin' if not created else 'created as an admin'}", markup=False
    )
