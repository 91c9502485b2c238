"""The team always keeps an active admin, also when two admins act at once
(docs/api.md#the-team): the check runs with the admins' rows locked, so the second of two
concurrent demotions sees the first and is refused. On SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time

import pytest

from rolodex.domain import Role
from rolodex.errors import LastAdmin
from rolodex.services import team
from rolodex.store import users as sql
from rolodex.store.store import Store
from tests.helpers import new_admin

HOLD_SECONDS = 0.5


def test_two_admins_demoting_each_other_at_once_leave_one_admin(store: Store) -> None:
    first, second = new_admin(store, "ann@example.com"), new_admin(store, "bob@example.com")
    outcome: list[BaseException | None] = []

    def demote_second() -> None:
        try:
            team.change(store, second, team.Change(role=Role.AGENT))
            outcome.append(None)
        except LastAdmin as refused:
            outcome.append(refused)

    # The first demotion holds its transaction open, as a slow request would, while the
    # second one starts.
    with store.write() as conn:
        assert sql.active_admin_ids(conn, lock=True) == {first, second}
        sql.change(conn, first, role=Role.AGENT)
        racer = threading.Thread(target=demote_second)
        racer.start()
        time.sleep(HOLD_SECONDS)
        assert racer.is_alive(), "the second demotion did not wait for the first"
    racer.join(timeout=60)

    assert len(outcome) == 1 and isinstance(outcome[0], LastAdmin)
    with store.read() as conn:
        assert sql.active_admin_ids(conn) == {second}


@pytest.mark.parametrize(
    "wanted",
    [team.Change(active=False), team.Change(role=Role.AGENT)],
    ids=["deactivate", "demote"],
)
def test_the_last_active_admin_is_kept_by_the_service(store: Store, wanted: team.Change) -> None:
    only = new_admin(store, "ann@example.com")

    with pytest.raises(LastAdmin, match="last active admin"):
        team.change(store, only, wanted)

    with store.read() as conn:
        assert sql.active_admin_ids(conn) == {only}
