"""``make bench``: generated files imported on SQLite; prints one table."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench import contacts


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000])
    args = parser.parse_args()
    table = Table("database", "rows", "phase", "seconds", "rows/s", title="rolodex import speed")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for rows in args.rows:
            url = f"sqlite:///{workdir / f'bench-{rows}.db'}"
            for phase in contacts.run(url, workdir, rows):
                table.add_row(
                    "sqlite",
                    f"{rows:,}",
                    phase.name,
                    f"{phase.seconds:.2f}",
                    f"{phase.rows_per_second:,.0f}",
                )
    Console().print(table)


if __name__ == "__main__":
    main()
