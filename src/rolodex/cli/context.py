"""What every command shares: the database URL, opened only when a command needs it."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

import typer

from rolodex.config import Settings

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, ProgressColumn

    from rolodex.store.store import Store


@dataclass
class Context:
    settings: Settings
    _store: Store | None = field(default=None, repr=False)

    @property
    def store(self) -> Store:
        if self._store is None:
            from rolodex.store.store import Store

            self._store = Store.open(self.settings.database_url)
        return self._store


def state(ctx: typer.Context) -> Context:
    obj = ctx.find_root().obj
    assert isinstance(obj, Context)
    return obj


@cache
def out() -> Console:
    """Standard output, through Rich. Made on first use: importing Rich costs about 60 ms,
    which a ``--help`` need not pay."""
    from rich.console import Console

    return Console(soft_wrap=True, highlight=False)


@cache
def err() -> Console:
    """Standard error, through Rich (made on first use, as :func:`out`)."""
    from rich.console import Console

    return Console(stderr=True, soft_wrap=True, highlight=False)


def stderr_bar(description: str, *columns: ProgressColumn) -> Progress:
    """A progress bar on standard error that goes away when done, as an import and a mail
    ingest show one on a terminal: the description, ``columns``, the time remaining."""
    from rich.progress import Progress, TimeRemainingColumn

    return Progress(description, *columns, TimeRemainingColumn(), console=err(), transient=True)


def print_json(document: Any) -> None:
    """One JSON document on stdout and nothing else there (``--json``)."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n")
