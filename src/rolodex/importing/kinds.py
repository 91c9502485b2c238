"""The kinds of file rolodex imports, by the name the front ends use."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rolodex.errors import UsageError
from rolodex.importing.columns import Binding, Targets
from rolodex.importing.contacts import ContactsKind, contact_targets
from rolodex.importing.engine import run_import
from rolodex.importing.options import ImportOptions, Progress
from rolodex.importing.ports import ImportStore
from rolodex.importing.report import ImportReport
from rolodex.importing.users import USER_TARGETS, UsersKind
from rolodex.security.passwords import HashingPool

KINDS = ("contacts", "users")


def import_file(
    kind: str,
    path: Path,
    store: ImportStore,
    options: ImportOptions,
    progress: Progress | None = None,
    pool: HashingPool | None = None,
    job_id: int | None = None,
) -> ImportReport:
    """Run one import of ``kind``; raises ``FileError`` before writing anything when the
    file as a whole cannot be imported. Users need a hashing pool: pass a long-lived one
    (a server), or one is started for this run and stopped after it."""
    _check_kind(kind)
    if kind == "contacts":
        return run_import(path, ContactsKind(options), store, options, progress, job_id)
    if pool is not None:
        return run_import(path, UsersKind(options, pool), store, options, progress, job_id)
    with HashingPool() as own_pool:
        return run_import(path, UsersKind(options, own_pool), store, options, progress, job_id)


def prepare_check(
    kind: str, header: Sequence[str], store: ImportStore, options: ImportOptions
) -> Binding:
    """Bind the header as the import would (``FileError`` when it cannot be), writing nothing."""
    _check_kind(kind)
    with store.unit() as unit:
        if kind == "contacts":
            binding = ContactsKind(options).prepare(header, unit)
        else:
            binding = UsersKind(options, HashingPool(1)).prepare(header, unit)
        unit.rollback()
    return binding


def targets_of(kind: str, store: ImportStore) -> Targets:
    """What a file of ``kind`` can bind to now (for a mapping step to offer)."""
    _check_kind(kind)
    if kind == "users":
        return USER_TARGETS
    with store.unit() as unit:
        fields = unit.custom_fields()
        unit.rollback()
    return contact_targets(fields)


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise UsageError(f"'{kind}' is not a kind of import: use " + " or ".join(KINDS))
