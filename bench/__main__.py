"""``make bench``: one table of import speeds against the database's own bulk-load floor.

For each size and database: create, unchanged re-import and update in rows/s; the floor
measured in the same run (SQLite: csv + executemany into plain tables; PostgreSQL: COPY);
the ratio import ÷ floor (time); peak RSS of the import process + of its parsing process.
Then the same rows from .xlsx workbooks beside their CSV (SQLite by default; the workbooks
take minutes to write, so they are kept in ROLODEX_BENCH_CACHE, ~/.cache/rolodex-bench).
Then the users row.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
from rich.console import Console
from rich.table import Table

from bench import floor, mail, users
from bench.generate import contacts_file

POSTGRES = os.environ.get("ROLODEX_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
TARGET = {"sqlite": 1.5, "postgresql": 2.0}
LABEL_PAGE_TARGET_MS = {"sqlite": 500, "postgresql": 50}
WORKBOOK_CACHE = Path(os.environ.get("ROLODEX_BENCH_CACHE", "~/.cache/rolodex-bench")).expanduser()


def fresh_postgres(name: str) -> str:
    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return POSTGRES.rsplit("/", 1)[0] + "/" + name


def measure(url: str, rows: int, workdir: Path, *flags: str) -> dict[str, object]:
    """The three phases in a fresh process, so peak RSS is this size's own."""
    if "--xlsx" in flags:
        WORKBOOK_CACHE.mkdir(parents=True, exist_ok=True)
        workdir = WORKBOOK_CACHE
    done = subprocess.run(
        [sys.executable, "-m", "bench.contacts", url, str(rows), str(workdir), *flags],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def floor_seconds(database: str, rows: int, workdir: Path) -> float:
    path = contacts_file(workdir / f"floor-{rows}.csv", rows)
    if database == "sqlite":
        return floor.sqlite_floor(path, workdir / f"floor-{rows}.db")
    return floor.postgres_floor(path, fresh_postgres("rolodex_bench_floor"))


def journal_cost(workdir: Path, rows: int) -> float:
    """The share of a create's time that the undo journal takes (SQLite)."""
    times = []
    for flags in ((), ("--no-journal",)):
        url = f"sqlite:///{workdir / f'journal-{len(flags)}.db'}"
        phases = measure(url, rows, workdir, *flags)["phases"]
        times.append(phases[0]["seconds"])  # type: ignore[index]
    return (times[0] - times[1]) / times[0]


def database_url(database: str, workdir: Path, name: str) -> str:
    if database == "sqlite":
        return f"sqlite:///{workdir / f'{name}.db'}"
    return fresh_postgres("rolodex_bench_" + name.replace("-", "_"))


def workbook_table(databases: list[str], sizes: list[int], workdir: Path) -> Table:
    """The same rows imported from .xlsx and from CSV: the aim is at least half the speed."""
    table = Table(
        "database",
        "rows",
        "phase",
        "CSV rows/s",
        ".xlsx rows/s",
        ".xlsx ÷ CSV",
        "aim",
        "peak RSS CSV",
        "peak RSS .xlsx",
        title="workbooks against CSV",
    )
    for database in databases:
        for rows in sizes:
            csv = measure(database_url(database, workdir, f"csv-{rows}"), rows, workdir)
            xlsx = measure(database_url(database, workdir, f"xlsx-{rows}"), rows, workdir, "--xlsx")
            for by_csv, by_xlsx in zip(csv["phases"], xlsx["phases"], strict=True):  # type: ignore[call-overload]
                csv_rate = by_csv["rows"] / by_csv["seconds"]
                xlsx_rate = by_xlsx["rows"] / by_xlsx["seconds"]
                table.add_row(
                    database,
                    f"{rows:,}",
                    by_csv["name"],
                    f"{csv_rate:,.0f}",
                    f"{xlsx_rate:,.0f}",
                    f"{xlsx_rate / csv_rate:.2f}",
                    "≥ 0.5",
                    _rss(csv),
                    _rss(xlsx),
                )
    return table


def _rss(result: dict[str, object]) -> str:
    main, parser = result["peak_rss_kib"], result["parser_peak_rss_kib"]
    return f"{main / 1024:,.0f} MB + {parser / 1024:,.0f} MB"  # type: ignore[operator]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--workbook-databases", nargs="*", default=["sqlite"])
    args = parser.parse_args()
    table = Table(
        "database",
        "rows",
        "phase",
        "rows/s",
        "floor rows/s",
        "import ÷ floor",
        "target",
        "peak RSS",
        title="rolodex import speed",
    )
    label_pages = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for database in args.databases:
            for rows in args.rows:
                url = (
                    f"sqlite:///{workdir / f'bench-{rows}.db'}"
                    if database == "sqlite"
                    else fresh_postgres("rolodex_bench")
                )
                result = measure(url, rows, workdir)
                label_pages.append(
                    f"{database} {rows:,}: {result['label_page_ms']:,.0f} ms "
                    f"(target ≤ {LABEL_PAGE_TARGET_MS[database]})"
                )
                floor_rate = rows / floor_seconds(database, rows, workdir)
                for phase in result["phases"]:  # type: ignore[attr-defined]
                    rate = phase["rows"] / phase["seconds"]
                    table.add_row(
                        database,
                        f"{rows:,}",
                        phase["name"],
                        f"{rate:,.0f}",
                        f"{floor_rate:,.0f}",
                        f"{floor_rate / rate:.2f}",
                        f"≤ {TARGET[database]}",
                        f"{result['peak_rss_kib'] / 1024:,.0f} MB"
                        f" + {result['parser_peak_rss_kib'] / 1024:,.0f} MB",
                    )
        books = workbook_table(args.workbook_databases, args.rows, workdir)
        user = users.run(f"sqlite:///{workdir / 'users.db'}", workdir)
        journal = journal_cost(workdir, min(args.rows))
        mail_rates = [mail.rate(workdir, n) for n in (10_000, 100_000)]
    console = Console(width=140)
    console.print(table)
    console.print(books)
    console.print(
        "contacts list filtered by one label (a page of 50 and the count; 2 in 5 contacts "
        "carry it): " + "; ".join(label_pages)
    )
    console.print(
        f"undo journal: {journal:.0%} of the SQLite create time "
        f"({min(args.rows):,} rows, with against without the journal)"
    )
    console.print(
        f"inbound mail: {mail_rates[0]:,.0f} messages/s for 10,000 and {mail_rates[1]:,.0f} "
        "for 100,000 (linear when the two are close)"
    )
    console.print(
        f"users: {user['rows']:,.0f} new users imported in {user['seconds']:.2f} s; "
        f"ideal (n × one hash ÷ cores) {user['ideal']:.2f} s; ratio {user['ratio']:.2f} "
        "(target ≤ 1.2)"
    )


if __name__ == "__main__":
    main()
