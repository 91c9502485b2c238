"""A users import never leaves the team without an active admin
(docs/importing.md#the-last-active-admin): the row that would deactivate the last one is a
row error in its ``active`` column, rows counted in file order; the rest of the file goes in;
dry run and strict see it as any row error; the check holds with the Team page acting at
once, both ways round; and an undo skips the user whose undo would leave no active admin
(docs/importing.md#undo). On SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from rolodex.errors import LastAdmin
from rolodex.importing.kinds import import_file
from rolodex.importing.options import ImportOptions
from rolodex.importing.report import ImportReport
from rolodex.services import team
from rolodex.services.accounts import find
from rolodex.services.undo import undo_import
from rolodex.store import users as sql
from rolodex.store.store import Store
from tests.helpers import new_admin

HOLD_SECONDS = 0.5
WAIT_LIMIT_SECONDS = 60  # a safety net against a hang, not a measure of speed
LAST_ADMIN = "last-active-admin"


def users_file(tmp_path: Path, *rows: tuple[str, str], header: str = "active") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["email", header])
    writer.writerows(rows)
    path = tmp_path / "users.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def run(store: Store, path: Path, **options: Any) -> ImportReport:
    return import_file("users", path, store, ImportOptions(**options))


def flat(report: ImportReport) -> list[tuple[int, str | None, str]]:
    return sorted((issue.row, issue.column, issue.code) for issue in report.errors)


def active_admins(store: Store) -> set[str]:
    with store.read() as conn:
        return sql.active_admin_keys(conn)


@pytest.fixture
def agent(store: Store) -> str:
    team.add(store, team.NewMember("agent@example.com", password="agent-secret"))
    return "agent@example.com"


# -- one import -----------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["false", "False", "FALSE"])
def test_deactivating_the_only_admin_is_a_row_error_and_the_other_rows_go_in(
    store: Store, tmp_path: Path, agent: str, cell: str
) -> None:
    new_admin(store, "boss@example.com")
    path = users_file(tmp_path, (agent, "false"), ("boss@example.com", cell))

    report = run(store, path)

    assert flat(report) == [(3, "active", LAST_ADMIN)]
    assert (report.counts.updated, report.counts.failed, report.exit_code) == (1, 1, 1)
    message = report.errors[0].message
    assert "boss@example.com is the last active admin" in message
    assert "make another person admin on the Team page first, or leave them active" in message
    assert active_admins(store) == {"boss@example.com"}
    assert find(store, agent).state.active is False


def test_the_error_names_the_column_as_the_file_does(store: Store, tmp_path: Path) -> None:
    new_admin(store, "boss@example.com")
    report = run(store, users_file(tmp_path, ("boss@example.com", "false"), header="Active"))
    assert flat(report) == [(2, "Active", LAST_ADMIN)]


@pytest.mark.parametrize("batch_size", [1, 2000], ids=["a-batch-per-row", "one-batch"])
def test_rows_count_in_file_order_and_the_row_leaving_none_is_refused(
    store: Store, tmp_path: Path, batch_size: int
) -> None:
    for name in ("ann", "bob", "cyd"):
        new_admin(store, f"{name}@example.com")
    rows = [(f"{name}@example.com", "false") for name in ("cyd", "ann", "bob")]

    report = run(store, users_file(tmp_path, *rows), batch_size=batch_size)

    assert flat(report) == [(4, "active", LAST_ADMIN)]
    assert active_admins(store) == {"bob@example.com"}


def test_two_of_three_admins_deactivated_is_fine(store: Store, tmp_path: Path) -> None:
    for name in ("ann", "bob", "cyd"):
        new_admin(store, f"{name}@example.com")
    path = users_file(tmp_path, ("ann@example.com", "false"), ("cyd@example.com", "false"))

    report = run(store, path)

    assert (report.counts.updated, report.counts.failed) == (2, 0)
    assert active_admins(store) == {"bob@example.com"}


def test_an_admin_reactivated_earlier_in_the_file_lets_the_other_go(
    store: Store, tmp_path: Path
) -> None:
    new_admin(store, "ann@example.com")
    new_admin(store, "bob@example.com", active=False)
    path = users_file(tmp_path, ("bob@example.com", "true"), ("ann@example.com", "false"))

    report = run(store, path, batch_size=1)

    assert (report.counts.updated, report.counts.failed) == (2, 0)
    assert active_admins(store) == {"bob@example.com"}


def test_an_admin_reactivated_later_in_the_file_comes_too_late(
    store: Store, tmp_path: Path
) -> None:
    new_admin(store, "ann@example.com")
    new_admin(store, "bob@example.com", active=False)
    path = users_file(tmp_path, ("ann@example.com", "false"), ("bob@example.com", "true"))

    report = run(store, path)

    assert flat(report) == [(2, "active", LAST_ADMIN)]
    assert active_admins(store) == {"ann@example.com", "bob@example.com"}


def test_dry_run_reports_the_same_error_and_writes_nothing(
    store: Store, tmp_path: Path, agent: str
) -> None:
    new_admin(store, "boss@example.com")
    path = users_file(tmp_path, (agent, "false"), ("boss@example.com", "false"))

    dry = run(store, path, dry_run=True)

    assert flat(dry) == [(3, "active", LAST_ADMIN)]
    assert (dry.counts.updated, dry.counts.failed) == (1, 1)
    assert find(store, agent).state.active is True
    real = run(store, path)
    assert (flat(real), real.counts.updated, real.counts.failed) == (flat(dry), 1, 1)


def test_strict_writes_nothing_when_the_last_admin_row_fails(
    store: Store, tmp_path: Path, agent: str
) -> None:
    new_admin(store, "boss@example.com")
    path = users_file(tmp_path, (agent, "false"), ("boss@example.com", "false"))

    report = run(store, path, strict=True)

    assert flat(report) == [(3, "active", LAST_ADMIN)]
    assert find(store, agent).state.active is True
    assert active_admins(store) == {"boss@example.com"}


# -- at the same time as the Team page ------------------------------------------------------


def test_an_import_waits_for_the_team_page_and_then_sees_its_change(
    store: Store, tmp_path: Path
) -> None:
    ann, bob = new_admin(store, "ann@example.com"), new_admin(store, "bob@example.com")
    path = users_file(tmp_path, ("bob@example.com", "false"))
    reports: list[ImportReport] = []
    racer = threading.Thread(target=lambda: reports.append(run(store, path)))

    # The Team page deactivates ann and holds its transaction open, as a slow request would.
    with store.write() as conn:
        assert sql.active_admin_ids(conn, lock=True) == {ann, bob}
        sql.change(conn, ann, active=False)
        racer.start()
        time.sleep(HOLD_SECONDS)
        assert racer.is_alive(), "the import did not wait for the Team page"
    racer.join(timeout=WAIT_LIMIT_SECONDS)

    assert flat(reports[0]) == [(2, "active", LAST_ADMIN)]
    assert active_admins(store) == {"bob@example.com"}


def test_a_second_import_waits_for_the_first_and_then_sees_its_change(
    store: Store, tmp_path: Path
) -> None:
    new_admin(store, "ann@example.com")
    new_admin(store, "bob@example.com")
    path = users_file(tmp_path, ("bob@example.com", "false"))
    reports: list[ImportReport] = []
    racer = threading.Thread(target=lambda: reports.append(run(store, path)))

    # The first import's batch: the admins locked, ann deactivated, the transaction open.
    with store.unit() as unit:
        assert unit.active_admin_keys() == {"ann@example.com", "bob@example.com"}
        ann = unit.users_by_key(["ann@example.com"])["ann@example.com"]
        unit.write_users([replace(ann, active=False)], datetime.now(UTC), {ann.email_key: ann})
        racer.start()
        time.sleep(HOLD_SECONDS)
        assert racer.is_alive(), "the second import did not wait for the first"
    racer.join(timeout=WAIT_LIMIT_SECONDS)

    assert flat(reports[0]) == [(2, "active", LAST_ADMIN)]
    assert active_admins(store) == {"bob@example.com"}


def test_the_team_page_waits_for_an_import_and_then_sees_its_change(store: Store) -> None:
    new_admin(store, "ann@example.com")
    bob = new_admin(store, "bob@example.com")
    outcome: list[BaseException | None] = []

    def deactivate_bob() -> None:
        try:
            team.change(store, bob, team.Change(active=False))
            outcome.append(None)
        except LastAdmin as refused:
            outcome.append(refused)

    # An import's batch: the admins locked, then ann deactivated, the transaction held open.
    with store.unit() as unit:
        assert unit.active_admin_keys() == {"ann@example.com", "bob@example.com"}
        ann = unit.users_by_key(["ann@example.com"])["ann@example.com"]
        unit.write_users([replace(ann, active=False)], datetime.now(UTC), {ann.email_key: ann})
        racer = threading.Thread(target=deactivate_bob)
        racer.start()
        time.sleep(HOLD_SECONDS)
        assert racer.is_alive(), "the Team page did not wait for the import"
    racer.join(timeout=WAIT_LIMIT_SECONDS)

    assert len(outcome) == 1 and isinstance(outcome[0], LastAdmin)
    assert active_admins(store) == {"bob@example.com"}


# -- undo -----------------------------------------------------------------------------------


def test_undo_skips_the_admin_whose_undo_would_leave_none_even_with_force(
    store: Store, tmp_path: Path
) -> None:
    ann = new_admin(store, "ann@example.com")
    new_admin(store, "bob@example.com", active=False)
    reactivated = run(store, users_file(tmp_path, ("bob@example.com", "true")))
    assert reactivated.counts.updated == 1
    team.change(store, ann, team.Change(active=False))  # bob is the only active admin now

    for force in (False, True):
        undone = undo_import(store, reactivated.id or 0, force=force)
        assert [(s.email, s.changed) for s in undone.skipped] == [("bob@example.com", [])]
        assert "last active admin" in (undone.skipped[0].reason or "")
        assert "make another person admin on the Team page first" in (
            undone.skipped[0].reason or ""
        )
        assert undone.restored == 0
        assert active_admins(store) == {"bob@example.com"}

    team.change(store, ann, team.Change(active=True))
    undone = undo_import(store, reactivated.id or 0)
    assert (undone.restored, undone.skipped) == (1, [])
    assert active_admins(store) == {"ann@example.com"}


def test_undo_in_the_cli_says_why_it_left_the_last_admin(
    store: Store, tmp_path: Path, cli: Any
) -> None:
    ann = new_admin(store, "ann@example.com")
    new_admin(store, "bob@example.com", active=False)
    reactivated = run(store, users_file(tmp_path, ("bob@example.com", "true")))
    team.change(store, ann, team.Change(active=False))

    result = cli("imports", "undo", str(reactivated.id))

    assert "skipped bob@example.com: the last active admin cannot be deactivated" in result.stdout
    assert "--force" not in result.stdout
    assert cli.json("imports", "undo", str(reactivated.id))["skipped"][0]["reason"]
