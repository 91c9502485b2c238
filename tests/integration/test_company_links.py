"""A contact's company id never points nowhere, though on PostgreSQL no foreign key guards
it (migration 0010): each writer locks the companies it links, and deleting a company
locks it before it unlinks the contacts (:mod:`rolodex.store.references`). So a delete and
a write at the same moment go one after the other, whichever came first, on both
databases: the import's merge, its row-by-row path for repeated emails, and an edit."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from rolodex.domain import ContactState, Source
from rolodex.importing.ports import ContactWrite, StagedContact
from rolodex.services import catalog
from rolodex.store import catalog as sql
from rolodex.store import contacts as read
from rolodex.store.store import Store
from rolodex.store.unit import SqlUnit
from tests.helpers import dangling

NOW = datetime(2026, 11, 30, tzinfo=UTC)
EMAIL = "ann@example.com"
WAIT = 0.5  # long enough for a writer that would not wait to have finished


def merge(unit: SqlUnit, company: int | None) -> None:
    unit.merge_contacts([StagedContact(EMAIL, EMAIL, None, None, company, [], "{}")], "import", NOW)


def write(unit: SqlUnit, company: int) -> None:
    state = ContactState(None, EMAIL, EMAIL, None, None, company, set(), {})
    unit.write_contacts([ContactWrite(state, None, set(), {})], Source.IMPORT, NOW)


def edit(unit: SqlUnit, company: int) -> None:
    contact = read.by_key(unit.conn, EMAIL)
    assert contact is not None
    read.save(unit.conn, contact.id, read.Edit(None, None, company, frozenset(), {}, NOW))


WRITERS: dict[str, Callable[[SqlUnit, int], None]] = {"merge": merge, "write": write, "edit": edit}


class Waiting(threading.Thread):
    """A thread whose failure fails the test (a plain thread's would only be printed)."""

    def __init__(self, target: Callable[[], object]) -> None:
        super().__init__(daemon=True)
        self.work = target
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.work()
        except BaseException as error:
            self.error = error

    def waits(self) -> bool:
        """Start, and say whether it is still at work (waiting for a lock) a moment later."""
        self.start()
        self.join(WAIT)
        return self.is_alive()

    def finish(self) -> None:
        self.join()
        if self.error is not None:
            raise self.error


@pytest.fixture
def acme(store: Store) -> int:
    """Ann, with no company yet, and the company Acme."""
    with store.unit() as unit:
        merge(unit, None)
    return catalog.add_company(store, "Acme").id


def company_of(store: Store) -> int | None:
    with store.read() as conn:
        contact = read.by_key(conn, EMAIL)
    assert contact is not None
    return contact.company_id


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_delete_waits_for_a_writer_linking_the_company_then_unlinks(
    store: Store, acme: int, writer: str
) -> None:
    with store.unit() as unit:
        WRITERS[writer](unit, acme)
        deleting = Waiting(lambda: catalog.delete_company(store, acme))
        assert deleting.waits()  # for this write to commit
    deleting.finish()

    assert company_of(store) is None
    assert dangling(store) == {"label links": 0, "company ids": 0}


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_writer_that_comes_during_a_delete_links_nothing(
    store: Store, acme: int, writer: str
) -> None:
    def link() -> None:
        with store.unit() as unit:
            WRITERS[writer](unit, acme)

    with store.write() as conn:
        sql.delete_company(conn, acme)
        linking = Waiting(link)
        assert linking.waits()  # for the delete to commit
    linking.finish()

    assert company_of(store) is None
    assert dangling(store) == {"label links": 0, "company ids": 0}
