"""The root command: ``--db``, the sub-command groups, and error → exit code mapping."""

from __future__ import annotations

import logging
import sys
from dataclasses import replace

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


def main() -> None:
    """Run the CLI. Typer answers usage errors itself (exit 2); a deliberate error of ours
    is one line on stderr with its exit code, never a traceback."""
    # When the server goes away mid-COPY, psycopg warns about the cleanup it could not do;
    # the lost connection is already said once, as the error.
    logging.getLogger("psycopg").setLevel(logging.ERROR)
    try:
        app()
    except RolodexError as error:
        err.print(f"error: {error.message}", markup=False)
        sys.exit(next((c for t, c in EXIT_CODES.items() if isinstance(error, t)), 2))
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
