"""The root command: ``--db``, the sub-command groups, and error → exit code mapping."""

from __future__ import annotations

import logging
import sys
from dataclasses import replace
from typing import Any

import typer

from rolodex.cli import catalog, contacts, export, imports, mail, serve, users
from rolodex.cli.context import Context, err
from rolodex.config import Settings
from rolodex.errors import FileError, NotFound, RolodexError, UsageError

app = typer.Typer(
    name="rolodex",
    help="Contact and team directory for a shared inbox: CSV import, export and more.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.add_typer(imports.import_app, name="import")
app.add_typer(export.app, name="export")
app.add_typer(contacts.app, name="contacts")
app.add_typer(catalog.labels_app, name="labels")
app.add_typer(catalog.companies_app, name="companies")
app.add_typer(catalog.fields_app, name="fields")
app.add_typer(imports.imports_app, name="imports")
app.add_typer(users.app, name="users")
app.add_typer(mail.app, name="mail")
app.command("smtp")(mail.smtp_command)
app.command("serve")(serve.serve)
app.command("worker")(serve.worker)


@app.callback()
def root(
    ctx: typer.Context,
    db: str | None = typer.Option(
        None,
        "--db",
        metavar="URL",
        help="Database URL: sqlite:///path.db (default sqlite:///rolodex.db) or "
        "postgresql://user@host:port/dbname. Also ROLODEX_DATABASE_URL.",
    ),
) -> None:
    """rolodex: contacts and agents for a shared inbox."""
    settings = Settings.from_env()
    if db:
        settings = replace(settings, database_url=db)
    ctx.obj = Context(settings)


EXIT_CODES: dict[type[RolodexError], int] = {FileError: 2, UsageError: 2, NotFound: 1}


def _absent_values_need_no_pydantic() -> None:
    """Typer coerces every option through a pydantic ``TypeAdapter`` that it builds on first
    use, even for an option not given, whose value is ``None`` and comes back ``None`` (or
    ``()``) whatever its type. So ``rolodex import contacts --help``, which processes the
    root's ``--db`` and ``--help`` before the sub-command's, imported pydantic and built two
    adapters: about 190 ms of CPU more than ``rolodex --help``. Here an absent value gets
    Typer's own answer for ``None`` (``RuntimeParam.coerce``) without building the adapter;
    a value given is coerced as before. It reaches into Typer's internals (the version is
    pinned in requirements/constraints.txt); ``tests/unit/test_cli_startup.py`` fails if it
    stops working, since then a ``--help`` loads pydantic again."""
    from typer._coercion import PassThroughRuntimeParam
    from typer.core import _TyperParameter

    process = _TyperParameter.process_value
    if getattr(process, "lazy", False):
        return

    def process_value(self: _TyperParameter, ctx: typer.Context, value: Any) -> Any:
        if value is not None or self._runtime_param is not None:
            return process(self, ctx, value)
        kind = self.type_descriptor  # the RuntimeParam is a stand-in: None never reaches it
        self._runtime_param = PassThroughRuntimeParam(kind.parameter_info, kind.annotation)
        try:
            return process(self, ctx, value)
        finally:
            self._runtime_param = None

    process_value.lazy = True  # type: ignore[attr-defined]
    _TyperParameter.process_value = process_value  # type: ignore[method-assign,assignment]


def main() -> None:
    """Run the CLI. Typer answers usage errors itself (exit 2); a deliberate error of ours
    is one line on stderr with its exit code, never a traceback."""
    # When the server goes away mid-COPY, psycopg warns about the cleanup it could not do;
    # the lost connection is already said once, as the error.
    logging.getLogger("psycopg").setLevel(logging.ERROR)
    _absent_values_need_no_pydantic()
    try:
        app()
    except RolodexError as error:
        err().print(f"error: {error.message}", markup=False)
        sys.exit(next((c for t, c in EXIT_CODES.items() if isinstance(error, t)), 2))
    except KeyboardInterrupt:
        err().print("interrupted")
        sys.exit(130)
