"""The kinds of file rolodex imports, by the name the front ends use."""

from __future__ import annotations

from pathlib import Path

from rolodex.importing.contacts import ContactsKind
from rolodex.importing.engine import run_import
from rolodex.importing.options import ImportOptions, Progress
from rolodex.importing.ports import ImportStore
from rolodex.importing.report import ImportReport

KINDS = {"contacts": ContactsKind}


def import_file(
    kind: str,
    path: Path,
    store: ImportStore,
    options: ImportOptions,
    progress: Progress | None = None,
) -> ImportReport:
    """Run one import of ``kind`` (``contacts``); raises ``FileError`` before writing anything
    when the file as a whole cannot be imported."""
    return run_import(path, KINDS[kind](options), store, options, progress)
