"""python-calamine against openpyxl's read-only mode, on the bench's .xlsx files.

Run as ``python -m bench.workbook_readers READER PATH``: it reads every row of the first
sheet, turning each cell into text as rolodex would, and prints one JSON line with the
seconds and the process's peak RSS. One reader per fresh process, so each peak is its own.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def calamine_rows(path: Path) -> Iterator[list[Any]]:
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_path(str(path)) as book:
        yield from book.get_sheet_by_index(0).iter_rows()


def openpyxl_rows(path: Path) -> Iterator[tuple[Any, ...]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        yield from book.worksheets[0].iter_rows(values_only=True)
    finally:
        book.close()


READERS = {"calamine": calamine_rows, "openpyxl": openpyxl_rows}


def main(reader: str, path: Path) -> None:
    start = time.perf_counter()
    rows = 0
    for values in READERS[reader](path):
        [str(v) for v in values]
        rows += 1
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"reader": reader, "rows": rows, "seconds": seconds, "peak_rss_kib": peak}))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
