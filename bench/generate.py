"""Generated contacts files: labels, companies and two custom fields on every row.

Deterministic (row ``i`` is always the same), so the create, unchanged and update phases
compare like with like. The update file changes a name and a custom value on every row.
"""

from __future__ import annotations

import csv
from pathlib import Path

HEADER = ["email", "first_name", "last_name", "company_id", "labels", "labels_id", "plan", "seats"]
LABELS = ("Trial", "Marketing", "Demo", "VIP", "Churned")
COMPANIES = 10
PLANS = ("basic", "pro", "enterprise")


def row(i: int, updated: bool) -> list[str]:
    return [
        f"user{i}@example{i % 97}.com",
        f"First{i}" + ("x" if updated else ""),
        f"Last{i}",
        str(i % COMPANIES + 1),
        f"{LABELS[i % 5]}:{LABELS[(i + 2) % 5]}",
        "",
        PLANS[i % 3],
        str(i % 500 + (7 if updated else 0)),
    ]


def contacts_file(path: Path, rows: int, updated: bool = False) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(row(i, updated) for i in range(rows))
    return path


def contacts_workbook(path: Path, rows: int, updated: bool = False) -> Path:
    """The same rows as :func:`contacts_file`, as an .xlsx a spreadsheet would hold them:
    IDs and seats as numbers. Written by openpyxl's streaming writer, so a million rows
    take little memory; a file already there is reused (it takes minutes to write)."""
    if path.exists():
        return path
    from openpyxl import Workbook  # only the bench writes workbooks

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Contacts")
    sheet.append(HEADER)
    for i in range(rows):
        values: list[str | int] = row(i, updated)
        values[3], values[7] = int(values[3]), int(values[7])
        sheet.append(values)
    partial = path.with_suffix(".partial")
    book.save(partial)
    partial.rename(path)
    return path
