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
