"""``rolodex import …`` and ``rolodex imports …``."""

from __future__ import annotations

import getpass
import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import typer

from rolodex.cli.context import err, out, print_json, state, stderr_bar
from rolodex.cli.export import writable
from rolodex.config import Limits
from rolodex.errors import FileError, NotFound, UsageError
from rolodex.importing.options import ImportOptions, Progress
from rolodex.importing.report import ImportReport

if TYPE_CHECKING:
    from rolodex.importing.ports import ImportRecord
    from rolodex.store.store import Store

import_app = typer.Typer(
    help="Import a CSV file or a workbook of contacts or users.", no_args_is_help=True
)
imports_app = typer.Typer(help="The record of past imports.", no_args_is_help=True)

DRY_RUN = typer.Option(False, "--dry-run", help="Check everything and count; write nothing.")
STRICT = typer.Option(False, "--strict", help="All or nothing: any failed row, nothing written.")
ERRORS = typer.Option(
    None, "--errors", metavar="OUT.csv", help="Write the rejected rows, with an error column."
)
JSON = typer.Option(False, "--json", help="Print one JSON document instead of text.")
FILE = typer.Argument(
    ..., metavar="FILE", help="A CSV file or a workbook (.xlsx, .xls, .ods); '-' is stdin."
)
SHEET = typer.Option(
    None, "--sheet", metavar="NAME", help="The workbook's sheet to read (default: the first)."
)


def _known_encoding(name: str | None) -> str | None:
    from rolodex.importing import encodings

    if name is None:
        return None
    try:
        return encodings.codec_name(name)
    except LookupError:
        raise typer.BadParameter(encodings.unknown(name)) from None


ENCODING = typer.Option(
    None,
    "--encoding",
    metavar="NAME",
    callback=_known_encoding,
    help="The file's encoding (cp1252, shift_jis, cp1251…); found by itself when not given.",
)
IGNORE_UNKNOWN = typer.Option(
    False, "--ignore-unknown", help="Leave out columns that bind to nothing (listed as ignored)."
)
MAP = typer.Option(
    None,
    "--map",
    metavar="HEADER=TARGET|FILE.json",
    help="Bind a column yourself (repeatable): a target, 'ignore', or 'new' (a new custom "
    "field); or a JSON file of header → target.",
)


@import_app.command("contacts")
def import_contacts(
    ctx: typer.Context,
    file: str = FILE,
    dry_run: bool = DRY_RUN,
    strict: bool = STRICT,
    create_labels: bool = typer.Option(
        False, "--create-labels", help="Create labels named in the file that do not exist."
    ),
    create_companies: bool = typer.Option(
        False, "--create-companies", help="Create companies named in the file that do not exist."
    ),
    create_fields: bool = typer.Option(
        False,
        "--create-fields",
        help="Keep columns that bind to nothing as new text custom fields.",
    ),
    ignore_unknown: bool = IGNORE_UNKNOWN,
    maps: list[str] | None = MAP,
    labels_separator: str | None = typer.Option(
        None, "--labels-separator", metavar="SEP", help="The separator of every labels column."
    ),
    errors: Path | None = ERRORS,
    as_json: bool = JSON,
    encoding: str | None = ENCODING,
    sheet: str | None = SHEET,
) -> None:
    """Import customer contacts; a row updates the contact with the same email. Files from
    Google, Outlook, HubSpot, Mailchimp and others are read as they are."""
    options = ImportOptions(
        dry_run=dry_run,
        strict=strict,
        mapping=parse_maps(maps or []),
        ignore_unknown=ignore_unknown,
        create_labels=create_labels,
        create_companies=create_companies,
        create_fields=create_fields,
        labels_separator=labels_separator or None,
        encoding=encoding,
        sheet=sheet,
    )
    run(ctx, "contacts", file, options, errors, as_json)


@import_app.command(name="users")
def import_users(
    ctx: typer.Context,
    file: str = FILE,
    dry_run: bool = DRY_RUN,
    strict: bool = STRICT,
    ignore_unknown: bool = IGNORE_UNKNOWN,
    maps: list[str] | None = MAP,
    errors: Path | None = ERRORS,
    as_json: bool = JSON,
    encoding: str | None = ENCODING,
    sheet: str | None = SHEET,
) -> None:
    """Import agents (email, first_name, last_name, password, active); passwords are
    stored as argon2id hashes only, and blanked in the error file."""
    options = ImportOptions(
        dry_run=dry_run,
        strict=strict,
        ignore_unknown=ignore_unknown,
        mapping=parse_maps(maps or []),
        encoding=encoding,
        sheet=sheet,
    )
    run(ctx, "users", file, options, errors, as_json)


def parse_maps(maps: list[str]) -> dict[str, str]:
    """``--map "E-mail 1 - Value=email"`` (the last ``=`` splits: headers may hold one) or
    ``--map binding.json`` (an object, header → target); later ones win."""
    mapping: dict[str, str] = {}
    for item in maps:
        if "=" in item:
            header, _, target = item.rpartition("=")
            mapping[header.strip()] = target.strip()
        else:
            mapping.update(_map_file(Path(item)))
    return mapping


def _map_file(path: Path) -> dict[str, str]:
    try:
        loaded = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise UsageError(
            f"--map {path}: give HEADER=TARGET, or a JSON file that can be read "
            f"({exc.strerror or exc})"
        ) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"--map {path} is not valid JSON ({exc})") from None
    if not isinstance(loaded, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in loaded.items()
    ):
        raise UsageError(
            f'--map {path} must hold one JSON object of header → target, like {{"E-mail": "email"}}'
        )
    return loaded


def run(
    ctx: typer.Context,
    kind: str,
    file: str,
    options: ImportOptions,
    errors: Path | None,
    as_json: bool,
) -> None:
    from rolodex.cli.render import show_report
    from rolodex.importing.kinds import import_file

    context = state(ctx)
    options = _with_run_details(options, context.settings.limits, file)
    with ExitStack() as stack:
        error_file = stack.enter_context(writable(errors, "utf-8-sig")) if errors else None
        try:
            path = stack.enter_context(_readable(file))
            with _progress_bar(as_json) as progress:
                report = import_file(kind, path, context.store, options, progress)
        except FileError as error:
            if as_json:
                print_json(file_error_json(error))
                raise typer.Exit(2) from None
            raise
        if error_file is not None:
            _write_errors(context.store, report, error_file)
    if as_json:
        print_json(report.as_dict())
    else:
        show_report(report, str(errors) if errors else None)
    raise typer.Exit(report.exit_code)


def file_error_json(error: FileError) -> dict[str, object]:
    """``{"error"}``; for unbound columns also ``"columns"``, each with a suggested target."""
    from rolodex.importing.columns import UnboundColumns

    document: dict[str, object] = {"error": error.message}
    if isinstance(error, UnboundColumns):
        document["columns"] = error.columns
    return document


def _with_run_details(options: ImportOptions, limits: Limits, file: str) -> ImportOptions:
    return replace(
        options,
        limits=limits,
        actor=_whoami(),
        file_name="stdin" if file == "-" else Path(file).name,
    )


def _whoami() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


@contextmanager
def _readable(file: str) -> Iterator[Path]:
    """The file to import; standard input is copied to a temporary file first, because the
    reader checks the whole file before writing anything."""
    if file != "-":
        yield Path(file)
        return
    with tempfile.NamedTemporaryFile(suffix=".csv") as spool:
        shutil.copyfileobj(sys.stdin.buffer, spool)
        spool.flush()
        yield Path(spool.name)


@contextmanager
def _progress_bar(as_json: bool) -> Iterator[Progress | None]:
    """A progress bar on a terminal (stderr), nothing when output goes to a file or pipe."""
    if as_json or not err().is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn

    bar = stderr_bar("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn())
    with bar:
        task = bar.add_task("importing", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _write_errors(store: Store, report: ImportReport, out: TextIO) -> None:
    from rolodex.services.errorfile import write_error_file
    from rolodex.store import imports as records

    assert report.id is not None
    with store.read() as conn:
        record = records.record(conn, report.id)
        assert record is not None
        write_error_file(out, record.header, records.rejects(conn, report.id))


@imports_app.command("list")
def list_imports(ctx: typer.Context, as_json: bool = JSON) -> None:
    """Past imports, newest first."""
    from rich.table import Table

    from rolodex.services import views
    from rolodex.store import imports as records

    store = state(ctx).store
    store.reap_interrupted()
    with store.read() as conn:
        rows = records.history(conn)
    if as_json:
        print_json([views.import_record(row) for row in rows])
        return
    table = Table("id", "kind", "file", "status", "what it did", "when")
    for row in rows:
        table.add_row(
            str(row.id),
            row.kind + (" (dry run)" if row.dry_run else ""),
            row.file_name,
            row.status,
            outcome(row),
            str(row.started_at)[:19],
        )
    out().print(table)


def outcome(row: ImportRecord) -> str:
    """A run's counts in its own words: an undo restores and removes, it never updates."""
    if row.kind == "undo":
        return (
            f"undo of {row.undo_of}: restored {row.restored}, removed {row.removed}, "
            f"skipped {row.unchanged}"
        )
    return (
        f"created {row.created}, updated {row.updated}, unchanged {row.unchanged}, "
        f"rejected {row.failed}"
    )


@imports_app.command("show")
def show_import(ctx: typer.Context, import_id: int, as_json: bool = JSON) -> None:
    """One import: its counts and its first errors."""
    from rolodex.services import views
    from rolodex.store import imports as records

    store = state(ctx).store
    store.reap_interrupted()
    with store.read() as conn:
        row = records.record(conn, import_id)
        if row is None:
            raise NotFound(f"there is no import with ID {import_id}")
        found = records.errors(conn, import_id, limit=1000)
    document = views.import_record(row) | {
        "errors": [{k: e[k] for k in ("row", "column", "code", "message")} for e in found]
    }
    if as_json:
        print_json(document)
        return
    undo_only = {"restored", "removed"}
    hidden = {"errors", "created", "updated"} if row.kind == "undo" else {"errors", *undo_only}
    for key, value in document.items():
        if key not in hidden:
            name = "skipped" if key == "unchanged" and row.kind == "undo" else key
            out().print(f"{name}: {value}", markup=False)
    for e in found[:20]:
        out().print(f"  row {e['row']} {e['column'] or ''}: {e['message']}", markup=False)


@imports_app.command("undo")
def undo(
    ctx: typer.Context,
    import_id: int,
    dry_run: bool = typer.Option(False, "--dry-run", help="Say what would be taken back."),
    force: bool = typer.Option(
        False, "--force", help="Also restore records changed since the import."
    ),
    as_json: bool = JSON,
) -> None:
    """Take an import back: created records removed, changed ones restored."""
    from rolodex.services.undo import undo_import

    report = undo_import(state(ctx).store, import_id, dry_run, force, _whoami())
    if as_json:
        print_json(report.as_dict())
        return
    if report.already_undone_by:
        out().print(
            f"Import {import_id} was already undone (run {report.already_undone_by}); "
            "nothing changed.",
            markup=False,
        )
        return
    verb = "would be" if dry_run else "were"
    out().print(
        f"{'Dry run: ' if dry_run else ''}{report.restored} records {verb} restored, "
        f"{report.removed} removed, {len(report.skipped)} skipped",
        markup=False,
    )
    for skipped in report.skipped[:20]:
        why = skipped.reason or f"changed since: {', '.join(skipped.changed)}"
        out().print(f"  skipped {skipped.email}: {why}", markup=False)
    if any(s.reason is None for s in report.skipped) and not force:
        out().print("Use --force to restore those too.", markup=False)


@imports_app.command("prune")
def prune_journals(
    ctx: typer.Context,
    days: int | None = typer.Option(
        None, "--older-than", metavar="DAYS", min=0, help="Default: ROLODEX_JOURNAL_DAYS (30)."
    ),
) -> None:
    """Forget the undo journals of imports older than the retention period."""
    from rolodex.services.undo import prune

    context = state(ctx)
    removed = prune(context.store, context.settings.journal_days if days is None else days)
    out().print(f"{removed} journal entries removed", markup=False)
