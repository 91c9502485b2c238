"""``rolodex export contacts [-o FILE] [--raw]`` (docs/commands.md#export), on SQLite and
PostgreSQL.

The file is in the import format — header ``email,first_name,last_name,company_id,labels,
labels_id`` then the custom fields' variable names, labels ``:``-joined — so it imports back
into the same database as every row ``unchanged``. A value a spreadsheet would run as a
formula (leading ``=``, ``+``, ``-``, ``@``) gets a leading ``'`` unless ``--raw``.
"""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import update

from rolodex.store import schema

STANDARD_HEADER = ["email", "first_name", "last_name", "company_id", "labels", "labels_id"]


def parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def export(cli, tmp_path, *options: str) -> list[list[str]]:
    """Export to a file with ``-o`` and return its records, the header first."""
    target = tmp_path / "export.csv"
    result = cli("export", "contacts", "-o", target, *options)
    assert result.exit_code == 0, result
    assert "Traceback" not in result.stderr
    return parse(target.read_text(encoding="utf-8-sig"))


def set_first_name(store, email: str, value: str) -> None:
    """Store a name as an email capture or the API could: the importer strips one ``'``
    before a formula character, so no CSV cell gives a stored value starting ``'=``."""
    with store.engine.begin() as conn:
        conn.execute(
            update(schema.contacts).where(schema.contacts.c.email == email).values(first_name=value)
        )


# --- the format --------------------------------------------------------------------------


def test_header_of_a_database_without_custom_fields_is_the_standard_columns(cli, tmp_path):
    assert export(cli, tmp_path) == [STANDARD_HEADER]


def test_header_ends_with_the_custom_fields_variable_names(cli, tmp_path):
    cli("fields", "add", "plan", "--type", "select", "--options", "basic,pro")
    cli("fields", "add", "seats", "--type", "number")
    cli("fields", "add", "renewal_date", "--type", "date")

    header = export(cli, tmp_path)[0]

    assert header == [*STANDARD_HEADER, "plan", "seats", "renewal_date"]


def test_labels_and_their_ids_are_colon_joined_pairwise(cli, write_csv, tmp_path):
    ids = {x["name"]: x["id"] for x in cli.json("labels", "add", "Marketing", "Trial", "trial")}
    cli.json("import", "contacts", write_csv("email,labels\njane@example.com,Marketing:trial\n"))

    header, row = export(cli, tmp_path)

    names = row[header.index("labels")].split(":")
    label_ids = [int(x) for x in row[header.index("labels_id")].split(":")]
    assert dict(zip(label_ids, names, strict=True)) == {
        ids["Marketing"]: "Marketing",
        ids["trial"]: "trial",
    }


def test_one_record_per_contact_with_its_values(cli, write_csv, tmp_path):
    acme = cli.json("companies", "add", "Acme Inc.")
    cli("fields", "add", "seats", "--type", "number")
    cli.json(
        "import",
        "contacts",
        write_csv(
            "email,first_name,last_name,company_id,seats\n"
            f"jane@example.com,Jane,Doe,{acme['id']},12\n"
            "kim@example.org,,,,\n"
        ),
    )

    header, *rows = export(cli, tmp_path)

    assert header == [*STANDARD_HEADER, "seats"]
    assert sorted(rows) == [
        ["jane@example.com", "Jane", "Doe", str(acme["id"]), "", "", "12"],
        ["kim@example.org", "", "", "", "", "", ""],
    ]


def test_without_o_the_csv_goes_to_stdout_and_nothing_else_does(cli, write_csv, tmp_path):
    cli.json("labels", "add", "Trial")
    cli.json(
        "import",
        "contacts",
        write_csv('email,first_name,labels\njane@example.com,"Doe, Jane",Trial\n'),
    )

    result = cli("export", "contacts")

    assert result.exit_code == 0
    assert result.stdout.startswith("\ufeff")
    assert parse(result.stdout[1:]) == export(cli, tmp_path)


# --- the BOM: Excel on Windows reads UTF-8 without one as Windows-1252 (GarcÃ­a) ---------------

BOM = "\ufeff".encode()


@pytest.mark.parametrize("kind", ["contacts", "users"])
@pytest.mark.parametrize("where", ["file", "stdout"])
def test_export_starts_with_a_bom_as_the_error_file_does(cli, write_csv, tmp_path, kind, where):
    cli("import", "contacts", write_csv("email,first_name\ngarcia@example.com,García\n"))
    target = tmp_path / "out.csv"

    result = cli("export", kind, *(["-o", target] if where == "file" else []))

    assert result.exit_code == 0, result
    written = target.read_bytes() if where == "file" else result.stdout.encode()
    assert written.startswith(BOM + b"email,first_name,last_name,")
    assert written.count(BOM) == 1


@pytest.mark.parametrize("kind", ["contacts", "users"])
@pytest.mark.parametrize("where", ["file", "stdout"])
def test_no_bom_leaves_it_out(cli, write_csv, tmp_path, kind, where):
    cli("import", "contacts", write_csv("email,first_name\ngarcia@example.com,García\n"))
    target = tmp_path / "out.csv"

    result = cli("export", kind, "--no-bom", *(["-o", target] if where == "file" else []))

    assert result.exit_code == 0, result
    written = target.read_bytes() if where == "file" else result.stdout.encode()
    assert written.startswith(b"email,first_name,last_name,")
    assert BOM not in written


def test_with_o_the_csv_is_not_written_to_stdout(cli, tmp_path):
    result = cli("export", "contacts", "-o", tmp_path / "out.csv")

    assert result.exit_code == 0
    assert "email,first_name" not in result.stdout
    assert (tmp_path / "out.csv").exists()


# --- formula neutralisation --------------------------------------------------------------

FORMULA_CASES = [
    pytest.param("email", "-x@example.com", "'-x@example.com", id="email_leading_minus"),
    pytest.param("email", "+1@example.com", "'+1@example.com", id="email_leading_plus"),
    pytest.param("email", "=x@example.com", "'=x@example.com", id="email_leading_equals"),
    pytest.param("first_name", "=1+1", "'=1+1", id="name_leading_equals"),
    pytest.param("first_name", "@SUM(A1)", "'@SUM(A1)", id="name_leading_at"),
    pytest.param("first_name", "+44 20 7946 0000", "'+44 20 7946 0000", id="name_leading_plus"),
    pytest.param("first_name", "-Lena", "'-Lena", id="name_leading_minus"),
    pytest.param("last_name", '=HYPERLINK("http://x.example")', "'=HYPERLINK(\"http://x.example\")",
                 id="last_name_hyperlink"),
    pytest.param("note", "=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0", id="text_field_dde"),
    pytest.param("seats", "-3.75", "'-3.75", id="negative_number_field"),
]  # fmt: skip

HARMLESS_CASES = [
    pytest.param("first_name", "Jane", id="plain_name"),
    pytest.param("last_name", "O'Brien", id="apostrophe_inside"),
    pytest.param("first_name", "a=b", id="equals_inside"),
    pytest.param("last_name", "'Quoted'", id="leading_apostrophe_before_a_letter"),
    pytest.param("seats", "12", id="positive_number_field"),
]


@pytest.fixture
def one_contact(cli, write_csv):
    """Import one contact with ``value`` in ``column``; return the email it is stored under."""
    cli("fields", "add", "note")
    cli("fields", "add", "seats", "--type", "number")

    def create(column: str, value: str) -> str:
        email = value if column == "email" else "jane@example.com"
        row = {"email": email, column: value}
        stream = io.StringIO()
        writer = csv.DictWriter(stream, ["email", "first_name", "last_name", "note", "seats"])
        writer.writeheader()
        writer.writerow(row)
        report = cli.json("import", "contacts", write_csv(stream.getvalue(), name="one.csv"))
        assert report["created"] == 1, report
        return email

    return create


@pytest.mark.parametrize("column, stored, exported", FORMULA_CASES)
def test_formula_looking_value_gets_a_leading_apostrophe(
    cli, tmp_path, one_contact, column, stored, exported
):
    one_contact(column, stored)

    header, row = export(cli, tmp_path)

    assert row[header.index(column)] == exported


@pytest.mark.parametrize("column, stored, exported", FORMULA_CASES)
def test_raw_export_leaves_formula_looking_values_as_they_are(
    cli, tmp_path, one_contact, column, stored, exported
):
    one_contact(column, stored)

    header, row = export(cli, tmp_path, "--raw")

    assert row[header.index(column)] == stored


@pytest.mark.parametrize("column, value", HARMLESS_CASES)
def test_value_a_spreadsheet_would_not_run_is_exported_as_it_is(
    cli, tmp_path, one_contact, column, value
):
    one_contact(column, value)

    header, row = export(cli, tmp_path)

    assert row[header.index(column)] == value


def test_value_already_starting_with_an_apostrophe_and_equals_gets_one_more(
    cli, store, tmp_path, one_contact
):
    email = one_contact("first_name", "placeholder")
    set_first_name(store, email, "'=1+1")

    header, row = export(cli, tmp_path)

    assert row[header.index("first_name")] == "''=1+1"


# --- export, then import back ------------------------------------------------------------

ROUND_TRIP_CSV = (
    "email,first_name,last_name,company_id,labels,labels_id,plan,seats,renewal_date,vip,note\n"
    "jane@example.com,Jane,Doe,1,Marketing:Trial,,pro,12,2027-01-31,yes,"
    '"=HYPERLINK(""http://evil.example"")"\n'
    'lena@bücher.example,Lena,Müller,,VIP Customer,,basic,-3.75,2026-12-01,false,'
    '"Hello, ""world""\nsecond line"\n'
    "info@例え.jp,Hanako,山田,1,trial,,,1250,,1,@mention\n"
    '-x@example.com,=1+1,@SUM(A1),,,2,+plus,0.5,,0,-\n'
    '+1@example.com,"Anne, Marie","O\'Brien ""The Boss""\r\nof the house",,,,,,,,\n'
    "kim@example.org,,,,,,,,,,\n"
)  # fmt: skip


@pytest.fixture
def every_kind_of_value(cli, write_csv):
    """Six contacts: labels (case variants, by name and ID), a company, custom values of
    every type, IDN emails, names with commas, quotes and line breaks, formula-looking values.
    """
    cli("labels", "add", "Marketing", "Trial", "trial", "VIP Customer")
    cli("companies", "add", "Acme Inc.", "--domain", "acme.example")
    cli("fields", "add", "plan", "--type", "select", "--options", "basic,pro,+plus")
    cli("fields", "add", "seats", "--type", "number")
    cli("fields", "add", "renewal_date", "--type", "date")
    cli("fields", "add", "vip", "--type", "boolean")
    cli("fields", "add", "note")
    report = cli.json("import", "contacts", write_csv(ROUND_TRIP_CSV, name="seed.csv"))
    assert (report["created"], report["failed"]) == (6, 0), report
    return cli.json("contacts", "list")


@pytest.mark.parametrize("options", [[], ["--raw"]], ids=["neutralised", "raw"])
def test_export_imports_back_as_every_row_unchanged(cli, tmp_path, every_kind_of_value, options):
    target = tmp_path / "export.csv"
    assert cli("export", "contacts", "-o", target, *options).exit_code == 0

    report = cli.json("import", "contacts", target)

    assert report["errors"] == []
    assert {k: report[k] for k in ("rows", "created", "updated", "unchanged", "failed")} == {
        "rows": 6,
        "created": 0,
        "updated": 0,
        "unchanged": 6,
        "failed": 0,
    }
    assert cli.json("contacts", "list") == every_kind_of_value


def test_export_to_stdout_imports_back_as_every_row_unchanged(cli, write_csv, every_kind_of_value):
    exported = cli("export", "contacts")
    assert exported.exit_code == 0

    report = cli.json("import", "contacts", write_csv(exported.stdout, name="stdout.csv"))

    assert (report["unchanged"], report["created"], report["updated"]) == (6, 0, 0)


@pytest.mark.parametrize("options", [[], ["--raw"]], ids=["neutralised", "raw"])
def test_value_already_starting_with_an_apostrophe_imports_back_unchanged(
    cli, store, tmp_path, one_contact, options
):
    email = one_contact("first_name", "placeholder")
    set_first_name(store, email, "'=1+1")
    target = tmp_path / "export.csv"
    assert cli("export", "contacts", "-o", target, *options).exit_code == 0

    report = cli.json("import", "contacts", target)

    assert (report["unchanged"], report["updated"], report["failed"]) == (1, 0, 0)
    assert cli.json("contacts", "show", email)["first_name"] == "'=1+1"
