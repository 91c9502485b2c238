"""``rolodex labels|companies|fields add|list``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import typer

from rolodex.cli.context import out, print_json, state

labels_app = typer.Typer(
    help="Labels contacts carry (names are case-sensitive).", no_args_is_help=True
)
companies_app = typer.Typer(help="Companies contacts belong to.", no_args_is_help=True)
fields_app = typer.Typer(
    help="Custom fields, imported by their variable name.", no_args_is_help=True
)
JSON = typer.Option(False, "--json", help="Print JSON instead of a table.")


def _show(items: Sequence[dict[str, Any]], as_json: bool, single: bool = False) -> None:
    if as_json:
        print_json(items[0] if single else list(items))
        return
    if not items:
        out().print("(none)")
        return
    from rich.table import Table

    table = Table(*items[0].keys())
    for item in items:
        table.add_row(*("" if v is None else str(v) for v in item.values()))
    out().print(table)


def _add_listing(app: typer.Typer, kind: str, help_text: str) -> None:
    """Give ``app`` its ``list`` command: every item of ``kind`` with its ID."""

    def listing(ctx: typer.Context, as_json: bool = JSON) -> None:
        from rolodex.services import views
        from rolodex.store import catalog as sql

        views_of: dict[str, tuple[Callable[[Any], Sequence[Any]], Callable[[Any], Any]]] = {
            "labels": (sql.labels, views.label),
            "companies": (sql.companies, views.company),
            "fields": (sql.fields, views.field),
        }
        read, view = views_of[kind]
        with state(ctx).store.read() as conn:
            _show([view(item) for item in read(conn)], as_json)

    app.command("list", help=help_text)(listing)


@labels_app.command("add")
def add_labels(
    ctx: typer.Context,
    names: list[str] = typer.Argument(..., metavar="NAME..."),
    as_json: bool = JSON,
) -> None:
    """Create labels."""
    from rolodex.services import catalog, views

    _show([views.label(x) for x in catalog.add_labels(state(ctx).store, names)], as_json)


@companies_app.command("add")
def add_company(
    ctx: typer.Context,
    name: str,
    domain: str | None = typer.Option(None, "--domain", metavar="D", help="e.g. example.com"),
    as_json: bool = JSON,
) -> None:
    """Create a company; contacts refer to it by its ID (company_id)."""
    from rolodex.services import catalog, views

    _show([views.company(catalog.add_company(state(ctx).store, name, domain))], as_json, True)


@fields_app.command("add")
def add_field(
    ctx: typer.Context,
    variable_name: str,
    type_: str = typer.Option(
        "text", "--type", metavar="T", help="text, number, date, boolean or select"
    ),
    options: str = typer.Option(
        "", "--options", metavar="a,b,c", help="The choices of a select field."
    ),
    title: str | None = typer.Option(None, "--title", metavar="TEXT", help="Shown to people."),
    as_json: bool = JSON,
) -> None:
    """Create a custom field; its variable name is its CSV column."""
    from rolodex.services import catalog, views

    field = catalog.add_field(state(ctx).store, variable_name, type_, options.split(","), title)
    _show([views.field(field)], as_json, True)


_add_listing(labels_app, "labels", "All labels with their IDs.")
_add_listing(companies_app, "companies", "All companies with their IDs.")
_add_listing(fields_app, "fields", "All custom fields.")
