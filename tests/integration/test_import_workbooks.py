"""docs/importing.md#workbooks, end to end: each format imports the same contacts, error cells are
row errors, ``--sheet`` picks a sheet, and the run is the same in a second process."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from rolodex.importing.kinds import import_file
from rolodex.importing.options import ImportOptions
from rolodex.importing.report import ImportReport
from rolodex.services import catalog
from tests.helpers import counts

FIXTURES = Path(__file__).parents[1] / "fixtures" / "workbooks"
FORMATS = ("xlsx", "xls", "ods")
FIELDS = {
    "seats": "number",
    "ratio": "number",
    "since": "date",
    "last_seen": "text",
    "vip": "boolean",
    "score": "number",
}
CONTACTS = {
    "ann@example.com": (
        "Ann",
        "Lee",
        1,
        {
            "last_seen": "2024-03-15 09:30:00",
            "ratio": 2.5,
            "score": 6,
            "seats": 3,
            "since": "2024-03-15",
            "vip": True,
        },
    ),
    "bob@example.com": (
        "Bob",
        "Roe",
        None,
        {
            "last_seen": "2024-01-02 23:59:59",
            "ratio": 0.3,
            "score": 1251,
            "seats": 1250,
            "since": "2023-12-31",
            "vip": False,
        },
    ),
    "eve@example.com": ("Eve", "Ng", None, {"seats": 42}),
}
ERROR_CELLS = [
    (
        7,
        "score",
        "error-cell",
        "the cell holds the spreadsheet error #DIV/0!: fix the formula or clear the cell",
    ),
    (
        8,
        "last_name",
        "error-cell",
        "the cell holds the spreadsheet error #N/A: fix the formula or clear the cell",
    ),
]


def issues(report: ImportReport) -> list[tuple[object, ...]]:
    return [(i.row, i.column, i.code, i.message) for i in report.errors]


@pytest.fixture
def fields(store):
    catalog.add_company(store, "Acme")
    for name, kind in FIELDS.items():
        catalog.add_field(store, name, kind)


def workbook(tmp_path: Path, kind: str, name: str | None = None) -> Path:
    """A fixture copied under ``name``: an upload's spool file may be called anything."""
    path = tmp_path / (name or f"contacts.{kind}")
    shutil.copyfile(FIXTURES / f"contacts.{kind}", path)
    return path


def stored(cli) -> dict[str, tuple[object, ...]]:
    return {
        c["email"]: (c["first_name"], c["last_name"], c["company_id"], c["custom_fields"])
        for c in cli.json("contacts", "list")
    }


@pytest.mark.parametrize("kind", FORMATS)
def test_each_format_imports_the_same_contacts(cli, store, fields, tmp_path, kind):
    path = workbook(tmp_path, kind, name="upload.csv")

    report = import_file("contacts", path, store, ImportOptions())

    assert counts(report.as_dict()) == {
        "rows": 5,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "failed": 2,
    }
    assert issues(report) == ERROR_CELLS
    assert stored(cli) == CONTACTS


def test_the_same_workbook_again_is_all_unchanged(store, fields, tmp_path):
    path = workbook(tmp_path, "xlsx")
    import_file("contacts", path, store, ImportOptions())
    again = import_file("contacts", path, store, ImportOptions()).as_dict()
    assert counts(again) == {"rows": 5, "created": 0, "updated": 0, "unchanged": 3, "failed": 2}


def test_error_cells_survive_the_parsing_process(cli, store, fields, tmp_path):
    """Large files are parsed in a second process: the row's error cells travel with it."""
    options = ImportOptions(parse_in_child_from=1, batch_size=2)
    report = import_file("contacts", workbook(tmp_path, "ods"), store, options)
    assert issues(report) == ERROR_CELLS
    assert stored(cli) == CONTACTS


def test_the_error_file_is_csv_with_the_rows_as_read(cli, fields, tmp_path):
    errors = tmp_path / "errors.csv"
    result = cli("import", "contacts", workbook(tmp_path, "xlsx"), "--errors", errors)
    assert result.exit_code == 1
    lines = errors.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == ",".join([*FIELDS_HEADER, "error"])
    assert lines[1].startswith("cy@example.com,Cy,Dunn,,0,12345678901,,,,,score: the cell")


FIELDS_HEADER = ["email", "first_name", "last_name", "company_id", *FIELDS]


# -- the CLI ----------------------------------------------------------------------------------


def test_cli_sheet_picks_the_sheet(cli, tmp_path):
    result = cli("import", "contacts", workbook(tmp_path, "xls"), "--sheet", "Team", "--json")
    assert result.exit_code == 0, result.stdout
    assert counts(json.loads(result.stdout)) == {
        "rows": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "failed": 0,
    }
    assert sorted(stored(cli)) == ["tom@example.com", "uma@example.com"]


def test_cli_users_sheet_reads_that_sheet(cli, tmp_path):
    result = cli("import", "users", workbook(tmp_path, "ods"), "--sheet", "Team", "--json")
    report = json.loads(result.stdout)
    assert [(e["row"], e["column"]) for e in report["errors"]] == [
        (2, "password"),
        (3, "password"),
    ]


def test_cli_unknown_sheet_is_a_file_error(cli, tmp_path):
    result = cli("import", "contacts", workbook(tmp_path, "xlsx"), "--sheet", "Nope")
    assert result.exit_code == 2
    assert "its sheets are 'Contacts', 'Team'" in result.stderr
    assert stored(cli) == {}


def test_cli_sheet_for_a_csv_file_is_a_file_error(cli, write_csv):
    result = cli("import", "contacts", write_csv("email\nann@example.com\n"), "--sheet", "Team")
    assert result.exit_code == 2
    assert "no sheets" in result.stderr
    assert stored(cli) == {}


@pytest.mark.parametrize("name", ["encrypted.xlsx", "damaged.xlsx"])
def test_cli_unreadable_workbook_is_one_line_exit_2(cli, name):
    result = cli("import", "contacts", FIXTURES / name)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_the_text_report_says_which_sheet_was_read(cli, tmp_path):
    result = cli("import", "contacts", workbook(tmp_path, "xlsx"), "--sheet", "Team")
    assert result.exit_code == 0
    assert "2 rows read from sheet 'Team' of an Excel workbook — 2 created" in result.stdout
