"""One query per batch, never one per row: a hundred times the rows of a batch costs at most
a few more statements (bulk statements are sent in pages), not one more per row."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from rolodex.importing.kinds import import_file
from rolodex.importing.options import ImportOptions
from rolodex.services import catalog


def _file(write_csv, rows: int, updated: bool = False):
    lines = ["email,first_name,last_name,company_id,labels,labels_id,plan"]
    suffix = "x" if updated else ""
    lines += [f"u{i}@example.com,F{i}{suffix},L{i},1,Trial:VIP,1,pro" for i in range(rows)]
    return write_csv("\n".join(lines) + "\n", name=f"{rows}-{updated}.csv")


def _statements(store, path) -> int:
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        report = import_file("contacts", path, store, ImportOptions(batch_size=5000))
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    assert report.counts.failed == 0, report.errors
    return len(seen)


@pytest.mark.parametrize("updated", [False, True], ids=["create", "update"])
def test_statements_do_not_grow_with_the_rows_of_a_batch(store, write_csv, updated):
    catalog.add_labels(store, ["Trial", "VIP"])
    catalog.add_company(store, "Acme")
    catalog.add_field(store, "plan", "select", ["basic", "pro"])
    if updated:
        import_file("contacts", _file(write_csv, 10), store, ImportOptions())
        import_file("contacts", _file(write_csv, 1000), store, ImportOptions())
    few = _statements(store, _file(write_csv, 10, updated))
    many = _statements(store, _file(write_csv, 1000, updated))
    assert many - few < 10, (few, many)
