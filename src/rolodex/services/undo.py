"""Taking an import back, record by record, from its journal.

Every record the import created is removed; every record it changed gets its fields,
labels and custom values (for users: names, password hash, active flag) back. A record
changed since — by a later import, the API or inbound mail — is never overwritten silently:
it is skipped and reported with what changed, unless ``force`` is given. The undo is one
transaction (all or nothing), is itself recorded as a run, and a second undo of the same
import changes nothing and says so.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from rolodex.domain import Role
from rolodex.errors import NotFound, UsageError
from rolodex.importing.ports import ACTIVE, ImportMeta, ImportRecord
from rolodex.store import imports as records
from rolodex.store import snapshot
from rolodex.store import undo as sql
from rolodex.store.store import Store
from rolodex.store.unit import SqlUnit

COLUMN_NAMES = {"label_ids": "labels", "password_hash": "password"}


@dataclass(frozen=True)
class Skipped:
    email: str
    changed: list[str]
    reason: str | None = None
    """Why it was left alone when not because it changed (the last active admin): ``force``
    does not override it."""


@dataclass
class UndoReport:
    undo_of: int
    dry_run: bool
    id: int | None = None
    restored: int = 0
    removed: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    already_undone_by: int | None = None
    labels_removed: int = 0
    """Labels the import created (``--create-labels``) that no contact carries any more."""

    def as_dict(self) -> dict[str, Any]:
        """Every field, skipped records as objects; ``id`` first, as in an import's."""
        return {"id": self.id, **asdict(self)}


def undo_import(
    store: Store,
    import_id: int,
    dry_run: bool = False,
    force: bool = False,
    actor: str | None = None,
) -> UndoReport:
    record = _undoable(store, import_id)
    report = UndoReport(undo_of=import_id, dry_run=dry_run)
    if record.undone_by:
        report.already_undone_by = record.undone_by
        return report
    with store.read() as conn:
        resumed = sql.undone_partly(conn, import_id)
    report.id = store.start_import(_meta(record, dry_run, actor))
    with store.write() as conn:
        store.set_undo_of(conn, report.id, import_id)
    with store.unit() as unit:
        names = {f.id: f.variable_name for f in unit.custom_fields()}
        mode = Mode(force, resumed, names, unit.active_admin_keys())
        labels: list[dict[str, Any]] = []
        for chunk in sql.entries(unit.conn, import_id):
            labels += [entry for entry in chunk if entry["entity"] == "label"]
            _undo_chunk(unit, chunk, mode, report)
        report.labels_removed = sql.delete_unused_labels(unit.conn, [e["key"] for e in labels])
        if dry_run:
            unit.rollback()
        elif not report.skipped:
            sql.mark_undone(unit.conn, import_id, report.id)
    store.finish_undo(report.id, report.restored, report.removed, len(report.skipped))
    return report


def refusal(record: ImportRecord) -> str | None:
    """Why a run cannot be undone, or ``None`` when it can: the one rule behind the CLI's
    and the API's refusals and the Undo buttons the pages offer."""
    import_id, status = record.id, record.status
    if record.kind == "undo":
        return f"run {import_id} is itself an undo: import the file again instead"
    if record.dry_run:
        return f"import {import_id} was a dry run: it wrote nothing to take back"
    if status in ACTIVE:
        return f"import {import_id} is still {status}: wait for it to end"
    return None


def offers_undo(record: ImportRecord) -> bool:
    """Whether a run can still be taken back: undoable, and not undone already."""
    return refusal(record) is None and not record.undone_by


def _undoable(store: Store, import_id: int) -> ImportRecord:
    with store.read() as conn:
        record = records.record(conn, import_id)
        journaled = sql.has_journal(conn, import_id)
    if record is None:
        raise NotFound(f"there is no import with ID {import_id}")
    refused = refusal(record)
    if refused is not None:
        raise UsageError(refused)
    if not journaled and (record.created or record.updated) and not record.undone_by:
        raise UsageError(f"the journal of import {import_id} was pruned: it cannot be undone")
    return record


def _meta(record: ImportRecord, dry_run: bool, actor: str | None) -> ImportMeta:
    return ImportMeta(
        kind="undo",
        file_name=record.file_name,
        sha256=record.sha256,
        dry_run=dry_run,
        strict=True,
        header=(),
        rows_total=0,
        actor=actor,
    )


@dataclass(frozen=True)
class Mode:
    force: bool
    resumed: bool
    """An earlier undo of this import skipped records: those it put back are left alone."""
    names: dict[int, str]
    """custom field id → variable name, to say what changed in the file's words"""
    admins: set[str]
    """The active admins' email keys (locked), kept up as users are restored or removed:
    the undo never leaves the team without one (docs/importing.md#undo)."""


def _undo_chunk(unit: SqlUnit, chunk: list[dict[str, Any]], mode: Mode, report: UndoReport) -> None:
    for entity in ("contact", "user"):
        part = [entry for entry in chunk if entry["entity"] == entity]
        if not part:
            continue
        keys = [entry["key"] for entry in part]
        if entity == "contact":
            current = {
                k: (s.id, snapshot.contact(s)) for k, s in unit.contacts_by_key(keys).items()
            }
        else:
            current = {k: (s.id, snapshot.user(s)) for k, s in unit.users_by_key(keys).items()}
        removals = []
        for entry in part:
            record_id, now = current.get(entry["key"], (None, None))
            if mode.resumed and now == entry["before"]:
                continue
            changed = _changes(now, entry["after"], mode.names)
            if changed and not mode.force:
                report.skipped.append(Skipped(_email(entry, now), changed))
            elif record_id is None:
                continue
            elif entity == "user" and _takes_last_admin(entry, now, mode.admins):
                report.skipped.append(Skipped(_email(entry, now), [], _last_admin(entry)))
            elif entry["created"]:
                removals.append(record_id)
                mode.admins.discard(entry["key"])
            else:
                _restore(unit, entity, record_id, entry["before"])
                _follow_admins(entity, entry, mode.admins)
                report.restored += 1
        sql.delete_records(unit.conn, entity, removals)
        report.removed += len(removals)


def _takes_last_admin(
    entry: dict[str, Any], now: snapshot.Snapshot | None, admins: set[str]
) -> bool:
    """Would undoing this user leave no active admin? (They are one now and would not be.)"""
    after_undo = None if entry["created"] else entry["before"]
    if not _active_admin(now) or _active_admin(after_undo):
        return False
    return not admins - {entry["key"]}


def _last_admin(entry: dict[str, Any]) -> str:
    what = "removed" if entry["created"] else "deactivated"
    return (
        f"the last active admin cannot be {what}, or nobody could manage the team: make "
        "another person admin on the Team page first, then undo again"
    )


def _follow_admins(entity: str, entry: dict[str, Any], admins: set[str]) -> None:
    if entity != "user":
        return
    if _active_admin(entry["before"]):
        admins.add(entry["key"])
    else:
        admins.discard(entry["key"])


def _active_admin(user: snapshot.Snapshot | None) -> bool:
    return bool(user and user["active"] and user["role"] == Role.ADMIN.value)


def _restore(unit: SqlUnit, entity: str, record_id: int, before: snapshot.Snapshot) -> None:
    if entity == "contact":
        sql.restore_contact(unit.conn, record_id, before)
    else:
        sql.restore_user(unit.conn, record_id, before)


def _changes(
    now: snapshot.Snapshot | None, after: snapshot.Snapshot, names: dict[int, str]
) -> list[str]:
    """What changed since the import, in the words of the CSV columns."""
    if now is None:
        return ["deleted"]
    changed = []
    for name in after:
        if name == "custom":
            fields = set(now["custom"]) | set(after["custom"])
            changed += [
                names.get(int(f), f)
                for f in fields
                if now["custom"].get(f) != after["custom"].get(f)
            ]
        elif now.get(name) != after.get(name):
            changed.append(COLUMN_NAMES.get(name, name))
    return sorted(changed)


def _email(entry: dict[str, Any], now: snapshot.Snapshot | None) -> str:
    return str((now or entry["after"])["email"])


def prune(store: Store, days: int) -> int:
    """Forget journals of runs that ended more than ``days`` days ago."""
    with store.write() as conn:
        return sql.prune(conn, datetime.now(UTC) - timedelta(days=days))
