"""``rolodex serve`` and ``rolodex worker``."""

from __future__ import annotations

import signal

import typer

from rolodex.cli.context import err, state
from rolodex.cli.mail import mailbox_keys
from rolodex.importing.options import ImportOptions


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", metavar="H"),
    port: int = typer.Option(8000, "--port", metavar="P"),
    smtp_port: int = typer.Option(2525, "--smtp-port", metavar="P", help="0: no SMTP listener"),
    mailbox: list[str] | None = typer.Option(None, "--mailbox", metavar="ADDR"),
) -> None:
    """The HTTP API (/api), the web app (/) and the inbound SMTP listener."""
    import uvicorn  # the web stack loads only for the commands that serve it

    from rolodex.mail.smtp import make_controller
    from rolodex.web.app import create_app

    context = state(ctx)
    keys = mailbox_keys(ctx, mailbox)
    controller = None
    if smtp_port and keys:
        controller = make_controller(context.store, keys, host, smtp_port, context.settings.mail)
        controller.start()
        err().print(f"inbound mail on {host}:{smtp_port}", markup=False)
    elif smtp_port:
        err().print("no inbound mail: set --mailbox or ROLODEX_MAILBOX_ADDRESSES", markup=False)
    try:
        uvicorn.run(create_app(context.settings), host=host, port=port, log_level="info")
    finally:
        if controller is not None:
            controller.stop()


def worker(ctx: typer.Context) -> None:
    """Run queued imports (for PostgreSQL deployments; start as many as you like)."""
    from rolodex.security.passwords import HashingPool
    from rolodex.security.sealing import Sealer
    from rolodex.services.jobs import Worker

    context = state(ctx)
    with HashingPool() as pool:
        runner = Worker(
            context.store,
            pool,
            ImportOptions(limits=context.settings.limits),
            sealer=Sealer.from_settings(context.settings),
            uploads=context.settings.uploads,
        )
        signal.signal(signal.SIGTERM, lambda *_: runner.stop())
        err().print(f"worker {runner.name} waiting for imports (Ctrl-C stops)", markup=False)
        try:
            runner.run_forever()
        except KeyboardInterrupt:
            runner.stop()
