"""Where a sheet holds spreadsheet errors (``#N/A``, ``#DIV/0!``…), which python-calamine
reads as empty cells: one such cell must be a row error, not an empty value.

Each format keeps its errors differently, so each has its own small scan, answering
``{(row, column): "#N/A"}`` counted from 0 as calamine counts them:

* ``.xlsx``: cells with ``t="e"`` in the sheet's XML part. A byte search over the part
  (streamed out of the ZIP, about 0.1 s per 100,000 rows) rules out almost every file; only
  a sheet that holds the marker is parsed, element by element, in constant memory.
* ``.ods``: cells with ``calcext:value-type="error"`` in ``content.xml``, as LibreOffice
  writes them; the same byte search first.
* ``.xls``: xlrd, which knows BIFF's error and formula records. An .xls sheet has at most
  65,536 rows, so reading it whole is cheap.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import Element, iterparse

import xlrd  # type: ignore[import-untyped]

__all__ = ["ErrorCells", "error_cells"]

ErrorCells = dict[tuple[int, int], str]

_CHUNK = 1 << 20
_XLSX_MARKER = b't="e"'
_ODS_MARKER = b'value-type="error"'
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
_CELL_REF = re.compile(r"([A-Z]+)([0-9]+)")
_MAX_REPEAT = 1024


def error_cells(path: Path, kind: str, sheet: str) -> ErrorCells:
    """The error cells of ``sheet`` in the workbook at ``path`` (``kind``: xlsx, xls, ods)."""
    if kind == "xls":
        return _xls(path, sheet)
    with zipfile.ZipFile(path) as archive:
        if not {"xl/workbook.xml", "content.xml"} & set(archive.namelist()):
            return {}
        if kind == "xlsx":
            part = _xlsx_part(archive, sheet)
            if part is None or not _holds(archive, part, _XLSX_MARKER):
                return {}
            with archive.open(part) as xml:
                return dict(_xlsx_errors(xml))
        if not _holds(archive, "content.xml", _ODS_MARKER):
            return {}
        with archive.open("content.xml") as xml:
            return dict(_ods_errors(xml, sheet))


def _holds(archive: zipfile.ZipFile, part: str, marker: bytes) -> bool:
    """Does the part contain ``marker``? Streamed: a sheet can unpack to gigabytes."""
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            if marker in tail + chunk[: len(marker)] or marker in chunk:
                return True
            tail = chunk[-len(marker) :]
    return False


def _local(tag: str) -> str:
    """An element's name without its namespace (strict and transitional OOXML differ)."""
    return tag.rpartition("}")[2]


# -- xlsx -------------------------------------------------------------------------------------


def _xlsx_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The ZIP member holding ``sheet``: workbook.xml names it, its relationships locate it."""
    rel_id = None
    for element in _elements(archive, "xl/workbook.xml"):
        if _local(element.tag) == "sheet" and element.get("name") == sheet:
            rel_id = element.get(_REL)
    for element in _elements(archive, "xl/_rels/workbook.xml.rels"):
        if _local(element.tag) == "Relationship" and element.get("Id") == rel_id:
            target = element.get("Target", "")
            if target.startswith("/"):
                return target.lstrip("/")
            return posixpath.normpath(posixpath.join("xl", target))
    return None


def _elements(archive: zipfile.ZipFile, part: str) -> Iterator[Element]:
    with archive.open(part) as xml:
        for _, element in iterparse(xml):
            yield element


def _xlsx_errors(xml: IO[bytes]) -> Iterator[tuple[tuple[int, int], str]]:
    for _, element in iterparse(xml):
        name = _local(element.tag)
        if name == "c" and element.get("t") == "e":
            position = _position(element.get("r", ""))
            value = next((child.text for child in element if _local(child.tag) == "v"), None)
            if position is not None:
                yield position, value or "#VALUE!"
        elif name == "row":
            element.clear()


def _position(reference: str) -> tuple[int, int] | None:
    """``J7`` → (6, 9)."""
    match = _CELL_REF.fullmatch(reference.replace("$", ""))
    if match is None:
        return None
    column = 0
    for letter in match[1]:
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(match[2]) - 1, column - 1


# -- ods --------------------------------------------------------------------------------------


def _ods_errors(xml: IO[bytes], sheet: str) -> Iterator[tuple[tuple[int, int], str]]:
    """Walk the sheet's rows and cells, counting the repeats that ODS writes for runs of
    equal rows or cells, so positions match what calamine reads."""
    inside, row, column = False, 0, 0
    for event, element in iterparse(xml, events=("start", "end")):
        name = _local(element.tag)
        if name == "table":
            inside = event == "start" and element.get(f"{{{_TABLE}}}name") == sheet
        elif event == "start":
            column = 0 if name == "table-row" else column
        elif inside and name in ("table-cell", "covered-table-cell"):
            repeat = int(element.get(f"{{{_TABLE}}}number-columns-repeated", "1"))
            if element.get(f"{{{_CALCEXT}}}value-type") == "error":
                text = "".join(element.itertext()).strip() or "#VALUE!"
                for offset in range(min(repeat, _MAX_REPEAT)):
                    yield (row, column + offset), text
            column += repeat
        elif name == "table-row":
            row += int(element.get(f"{{{_TABLE}}}number-rows-repeated", "1")) if inside else 0
            element.clear()


# -- xls --------------------------------------------------------------------------------------


def _xls(path: Path, sheet: str) -> ErrorCells:
    book = xlrd.open_workbook(str(path), on_demand=True)
    try:
        cells = book.sheet_by_name(sheet)
        found: ErrorCells = {}
        for row in range(cells.nrows):
            for column, kind in enumerate(cells.row_types(row)):
                if kind == xlrd.XL_CELL_ERROR:
                    code = cells.cell_value(row, column)
                    found[row, column] = xlrd.error_text_from_code.get(code, "#VALUE!")
        return found
    finally:
        book.release_resources()
