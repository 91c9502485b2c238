"""How many contacts carry each label stays true through every way labels change: imports
that create and add, an edit that takes one off, an undo, a label deleted. PostgreSQL keeps
the counts as deltas appended by triggers (ARCHITECTURE.md#the-data-layout); each step is
checked against counting the contacts themselves, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from rolodex.importing.kinds import import_file
from rolodex.importing.options import ImportOptions
from rolodex.services import catalog
from rolodex.services.undo import undo_import
from rolodex.store import catalog as catalog_sql
from rolodex.store import contacts as read
from rolodex.store import schema as t
from rolodex.store.store import Store
from tests.conftest import _truncate


@pytest.fixture
def store(db_url: str):  # type: ignore[no-untyped-def]
    opened = Store.open(db_url)
    catalog.add_labels(opened, ["VIP", "Trial", "Beta"])
    yield opened
    opened.close()


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(["email,labels", *lines]) + "\n", encoding="utf-8")
    return path


def counted(store: Store) -> dict[str, int]:
    """Each label's contacts, counted by reading every contact."""
    found: dict[str, int] = {}
    with store.read() as conn:
        for view in read.every(conn):
            for _, name in view.labels:
                found[name] = found.get(name, 0) + 1
    return found


def kept(store: Store) -> dict[str, int]:
    """Each label's contacts as the Labels page and the filtered list say them."""
    with store.read() as conn:
        names = dict(conn.execute(select(t.labels.c.id, t.labels.c.name)).all())
        counts = catalog_sql.label_counts(conn)
        pages = {label_id: read.page(conn, label_id, None, 0, 1)[1] for label_id in names}
    assert {i: n for i, n in pages.items() if n} == counts
    return {names[i]: n for i, n in counts.items()}


def label_id(store: Store, name: str) -> int:
    with store.read() as conn:
        return int(conn.scalar(select(t.labels.c.id).where(t.labels.c.name == name)) or 0)


def test_the_counts_follow_imports_edits_undo_and_deletes(store: Store, tmp_path: Path) -> None:
    first = import_file(
        "contacts",
        write(tmp_path / "a.csv", "a@x.com,VIP:Trial", "b@x.com,VIP", "c@x.com,"),
        store,
        ImportOptions(),
    )
    assert first.counts.created == 3
    assert kept(store) == counted(store) == {"VIP": 2, "Trial": 1}

    second = import_file(
        "contacts",
        write(tmp_path / "b.csv", "b@x.com,Beta", "c@x.com,Trial", "d@x.com,VIP:Beta"),
        store,
        ImportOptions(),
    )
    assert (second.counts.created, second.counts.updated) == (1, 2)
    assert kept(store) == counted(store) == {"VIP": 3, "Trial": 2, "Beta": 2}

    with store.write() as conn:
        view = read.by_key(conn, "a@x.com")
        assert view is not None
        edit = read.Edit(None, None, None, frozenset({label_id(store, "Trial")}), {}, _now())
        read.save(conn, view.id, edit)
    assert kept(store) == counted(store) == {"VIP": 2, "Trial": 2, "Beta": 2}

    assert second.id is not None
    undone = undo_import(store, second.id)
    assert (undone.restored, undone.removed) == (2, 1)
    assert kept(store) == counted(store) == {"VIP": 1, "Trial": 1}

    catalog.delete_label(store, label_id(store, "Trial"))
    assert kept(store) == counted(store) == {"VIP": 1}


@pytest.mark.postgres
def test_postgres_folds_the_deltas_at_the_end_of_each_import(
    postgres_url: str, tmp_path: Path
) -> None:
    _truncate(postgres_url)
    store = Store.open(postgres_url)
    try:
        catalog.add_labels(store, ["VIP", "Trial"])
        lines = [f"p{n}@x.com,{'VIP:Trial' if n % 2 else 'VIP'}" for n in range(5000)]
        options = replace(ImportOptions(), batch_size=500)
        report = import_file("contacts", write(tmp_path / "a.csv", *lines), store, options)
        assert report.counts.created == 5000
        with store.read() as conn:
            rows = conn.execute(text("SELECT count(*) FROM label_tallies")).scalar_one()
            total = conn.execute(select(func.count()).select_from(t.contacts)).scalar_one()
        assert total == 5000
        assert rows == 2  # one per label, not one per batch
        assert kept(store) == counted(store) == {"VIP": 5000, "Trial": 2500}
    finally:
        store.close()


def _now() -> datetime:
    return datetime.now(UTC)
