"""``rolodex mail ingest`` and ``rolodex smtp``: contacts from inbound email."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from rolodex.cli.context import err, out, print_json, state, stderr_bar
from rolodex.errors import UsageError
from rolodex.importing.report import ValueProblem

if TYPE_CHECKING:
    from rolodex.mail.capture import CaptureSummary

app = typer.Typer(help="Contacts from inbound email.", no_args_is_help=True)
MAILBOX = typer.Option(
    None,
    "--mailbox",
    metavar="ADDR",
    help="The mailbox's own address (repeatable; also ROLODEX_MAILBOX_ADDRESSES). Never stored.",
)


def mailbox_keys(ctx: typer.Context, given: list[str] | None) -> frozenset[str]:
    from rolodex.mail.senders import mailbox_keys_of

    addresses = [a for item in given or [] for a in item.split(",") if a.strip()]
    addresses += state(ctx).settings.mailbox_addresses
    try:
        return mailbox_keys_of(a.strip() for a in addresses)
    except ValueProblem as problem:
        raise UsageError(f"mailbox address: {problem.message}") from None


def _size(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        files = path.rglob("*") if path.is_dir() else [path]
        total += sum(f.stat().st_size for f in files if f.is_file())
    return total


@app.command("ingest")
def ingest(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., metavar="PATH...", help=".eml, mbox or Maildir"),
    mailbox: list[str] | None = MAILBOX,
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Store the senders (From, Reply-To, Cc) of every message as contacts."""
    from rich.progress import BarColumn, DownloadColumn

    from rolodex.mail.capture import capture
    from rolodex.mail.sources import iter_messages

    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    keys = mailbox_keys(ctx, mailbox)
    store = state(ctx).store
    cap = state(ctx).settings.mail.max_contacts_per_message
    if as_json or not err().is_terminal:
        summary = capture(iter_messages(paths), store, keys, max_senders=cap)
    else:
        with stderr_bar("reading mail", BarColumn(), DownloadColumn()) as bar:
            task = bar.add_task("mail", total=_size(paths))
            summary = capture(
                iter_messages(paths),
                store,
                keys,
                lambda done: bar.update(task, completed=done),
                max_senders=cap,
            )
    if as_json:
        print_json(summary.as_dict())
    else:
        _show(summary)


def _show(summary: CaptureSummary) -> None:
    out().print(
        f"{summary.messages} messages read — {summary.contacts_created} contacts created, "
        f"{summary.names_filled} names filled, {sum(summary.skipped.values())} messages skipped",
        markup=False,
    )
    for reason, count in summary.skipped.most_common():
        out().print(f"  skipped {count}: {reason}", markup=False)
    if summary.invalid_addresses:
        out().print(f"  {summary.invalid_addresses} invalid addresses left out", markup=False)
    if summary.capped_addresses:
        out().print(f"  {summary.capped_addresses} addresses past the cap left out", markup=False)
    if summary.machine_addresses:
        out().print(f"  {summary.machine_addresses} machine addresses left out", markup=False)


def smtp_command(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", metavar="H"),
    port: int = typer.Option(2525, "--port", metavar="P"),
    mailbox: list[str] | None = MAILBOX,
) -> None:
    """Run the inbound SMTP listener alone: mail to the mailbox stores its senders."""
    from rolodex.mail.smtp import make_controller

    keys = mailbox_keys(ctx, mailbox)
    if not keys:
        raise UsageError(
            "say which addresses the mailbox has: --mailbox ADDR or ROLODEX_MAILBOX_ADDRESSES"
        )
    controller = make_controller(state(ctx).store, keys, host, port, state(ctx).settings.mail)
    controller.start()
    err().print(f"listening for mail on {host}:{port} (Ctrl-C stops)", markup=False)
    try:
        threading.Event().wait()
    finally:
        controller.stop()
