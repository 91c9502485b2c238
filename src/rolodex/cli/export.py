"""``rolodex export contacts|users``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import typer

from rolodex.cli.context import err, state
from rolodex.errors import UsageError

app = typer.Typer(help="Write CSV files that import back as they are.", no_args_is_help=True)
OUTPUT = typer.Option(None, "-o", "--output", metavar="FILE", help="Write here, not to stdout.")
WITH_BOM = typer.Option(
    True,
    "--bom/--no-bom",
    help="Start with a UTF-8 BOM (the default), so Excel on Windows reads accents right.",
)


@contextmanager
def writable(path: Path | None, encoding: str = "utf-8") -> Iterator[TextIO]:
    """The file to write (stdout when no path), or a one-line error before any work."""
    if path is None:
        yield sys.stdout
        return
    try:
        stream = path.open("w", encoding=encoding, newline="")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None
    with stream:
        yield stream


@contextmanager
def export_stream(path: Path | None, bom: bool) -> Iterator[TextIO]:
    """Where an export goes, its BOM already written unless ``--no-bom`` (stdout too: a
    redirected export is a file for Excel like any other)."""
    from rolodex.services.export import BOM

    with writable(path) as stream:
        if bom:
            stream.write(BOM)
        yield stream


@app.command("contacts")
def export_contacts(
    ctx: typer.Context,
    output: Path | None = OUTPUT,
    raw: bool = typer.Option(False, "--raw", help="Do not neutralise formula-looking values."),
    bom: bool = WITH_BOM,
    label: str | None = typer.Option(
        None, "--label", metavar="NAME", help="Only contacts with this label (exact case)."
    ),
    search: str | None = typer.Option(
        None,
        "--search",
        metavar="TEXT",
        help="Only contacts whose email or names hold every word of TEXT, as the contacts "
        "list's search finds them.",
    ),
) -> None:
    """All contacts, with labels and custom fields (or those of a label or a search)."""
    from rolodex.services.export import contact_header, contact_row, write_rows
    from rolodex.store import catalog as sql
    from rolodex.store import contacts as read

    with state(ctx).store.read() as conn, export_stream(output, bom) as stream:
        fields = sql.fields(conn)
        found = sql.label_by_name(conn, label) if label else None
        if label and found is None:
            rows: Iterator[list[str]] = iter(())
        else:
            views = read.every(conn, found.id if found else None, search)
            rows = (contact_row(view, fields) for view in views)
        count = write_rows(stream, contact_header(fields), rows, raw=raw)
    if output is not None:
        err().print(f"{count} contacts written to {output}", markup=False)


@app.command("users")
def export_users(ctx: typer.Context, output: Path | None = OUTPUT, bom: bool = WITH_BOM) -> None:
    """All users (never a password or a hash), re-importable as they are."""
    from rolodex.services.export import USER_EXPORT_COLUMNS, user_row, write_rows
    from rolodex.store import users

    with state(ctx).store.read() as conn, export_stream(output, bom) as stream:
        rows = (user_row(record.state) for record in users.every(conn))
        count = write_rows(stream, USER_EXPORT_COLUMNS, rows)
    if output is not None:
        err().print(f"{count} users written to {output}", markup=False)
