"""``rolodex contacts show|list``."""

from __future__ import annotations

import typer

from rolodex.cli.context import out, print_json, state
from rolodex.cli.render import show_record
from rolodex.errors import NotFound, UsageError
from rolodex.importing.report import ValueProblem

app = typer.Typer(help="Look at contacts.", no_args_is_help=True)
JSON = typer.Option(False, "--json", help="Print JSON.")


@app.command("show")
def show(ctx: typer.Context, email: str, as_json: bool = JSON) -> None:
    """One contact, found by email (case-insensitively). Exit 1 if there is none."""
    from rolodex.importing.values import clean, parse_email
    from rolodex.services import views
    from rolodex.store import catalog as sql
    from rolodex.store import contacts as read

    try:
        key = parse_email(clean(email)).key
    except ValueProblem as problem:
        raise UsageError(problem.message) from None
    with state(ctx).store.read() as conn:
        view = read.by_key(conn, key)
        fields = {f.variable_name: f for f in sql.fields(conn)}
        companies = {c.id: c.name for c in sql.companies(conn)}
    if view is None:
        raise NotFound(f"there is no contact with the email {email}")
    document = views.contact(view, fields)
    if as_json:
        print_json(document)
        return
    company = document["company_id"]
    shown = {**document, "company_id": f"{companies.get(company, '?')} (ID {company})"}
    show_record(shown if company is not None else document)


@app.command("list")
def list_(
    ctx: typer.Context,
    label: str | None = typer.Option(
        None, "--label", metavar="NAME", help="Only contacts with this label."
    ),
    as_json: bool = JSON,
) -> None:
    """All contacts (or those with a label), oldest first."""
    from rich.table import Column, Table

    from rolodex.services import views
    from rolodex.store import catalog as sql
    from rolodex.store import contacts as read

    with state(ctx).store.read() as conn:
        label_id = None
        if label is not None:
            found = sql.label_by_name(conn, label)
            if found is None:
                raise UsageError(f"there is no label named '{label}'")
            label_id = found.id
        fields = {f.variable_name: f for f in sql.fields(conn)}
        documents = [views.contact(v, fields) for v in read.every(conn, label_id)]
    if as_json:
        print_json(documents)
        return
    table = Table("id", Column("email", overflow="fold", min_width=20), "name", "company")
    table.add_column("labels", overflow="fold")
    table.add_column("source")
    for d in documents:
        name = " ".join(x for x in (d["first_name"], d["last_name"]) if x)
        company = "" if d["company_id"] is None else str(d["company_id"])
        table.add_row(str(d["id"]), d["email"], name, company, ":".join(d["labels"]), d["source"])
    out().print(table)
