"""PostgreSQL plans each batch of an import with the statistics it has: an import that
fills the tables refreshes them as it goes (at 10,000 new contacts, then at each
doubling), so lookups keep using the indexes however large the import grows."""

from __future__ import annotations

import psycopg
import pytest

from rolodex.importing.kinds import import_file
from rolodex.importing.options import ImportOptions
from rolodex.store.store import Store
from tests.conftest import _truncate

ANALYZED = (
    "SELECT relname, analyze_count FROM pg_stat_user_tables "  # not autovacuum's
    "WHERE relname = 'contacts'"
)


def analyze_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        return dict(conn.execute(ANALYZED).fetchall())


def contacts(path, first: int, count: int):  # type: ignore[no-untyped-def]
    lines = ["email,first_name"] + [f"p{n}@example.com,P{n}" for n in range(first, first + count)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.postgres
def test_an_import_that_fills_the_tables_refreshes_their_statistics(postgres_url, tmp_path):
    _truncate(postgres_url)
    before = analyze_counts(postgres_url)
    store = Store.open(postgres_url)
    try:
        small = import_file(
            "contacts", contacts(tmp_path / "a.csv", 0, 9_000), store, ImportOptions()
        )
        assert small.counts.created == 9_000
        assert analyze_counts(postgres_url) == before  # below the first refresh

        large = import_file(
            "contacts", contacts(tmp_path / "b.csv", 9_000, 2_000), store, ImportOptions()
        )
        assert large.counts.created == 2_000
    finally:
        store.close()
    after = analyze_counts(postgres_url)
    assert all(after[table] > before.get(table, 0) for table in after), (before, after)
    with psycopg.connect(postgres_url) as conn:
        [(estimate,)] = conn.execute(
            "SELECT reltuples FROM pg_class WHERE relname = 'contacts'"
        ).fetchall()
    assert estimate >= 10_000


@pytest.mark.postgres
def test_a_dry_run_leaves_the_statistics_alone(postgres_url, tmp_path):
    """Nothing was written, so there is nothing to learn about."""
    _truncate(postgres_url)
    before = analyze_counts(postgres_url)
    store = Store.open(postgres_url)
    try:
        report = import_file(
            "contacts", contacts(tmp_path / "a.csv", 0, 12_000), store, ImportOptions(dry_run=True)
        )
    finally:
        store.close()
    assert report.counts.created == 12_000
    assert analyze_counts(postgres_url) == before


@pytest.mark.postgres
def test_the_refresh_covers_what_plans_depend_on(postgres_url, tmp_path):
    """The match by email key, and the contacts list filtered by a label: without the
    labels' statistics the list would sort every carrier instead of walking the ids."""
    _truncate(postgres_url)
    with psycopg.connect(postgres_url) as conn:  # forget what earlier tests left
        conn.execute("DELETE FROM pg_statistic WHERE starelid = 'contacts'::regclass")
    store = Store.open(postgres_url)
    try:
        import_file("contacts", contacts(tmp_path / "a.csv", 0, 11_000), store, ImportOptions())
    finally:
        store.close()
    with psycopg.connect(postgres_url) as conn:
        analyzed = {
            name
            for (name,) in conn.execute(
                "SELECT attname FROM pg_stats WHERE tablename = 'contacts'"
            ).fetchall()
        }
    assert {"email_key", "label_ids"} <= analyzed
