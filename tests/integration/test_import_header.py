"""The header (docs/importing.md, "The header"): names are trimmed, bound however they are
written, each given once, an email column required, a last `error` column and blank-named
columns ignored. A bad header is a file error (exit 2) that names the column, and nothing is
written. How other systems' names bind is in test_import_binding.py."""

from __future__ import annotations

import pytest

from tests.helpers import contact_emails, run_import


def names_quoted(name, message):
    """The message names the column as a quoted word, not only as part of a longer one."""
    return any(f"{q}{name}{q}" in message for q in ("'", '"', "`"))


@pytest.fixture
def plan_field(cli):
    assert cli("fields", "add", "plan", "--type", "select", "--options", "basic,pro").exit_code == 0


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(" email , first_name ", id="spaces-around-every-name"),
        pytest.param("email,\tfirst_name", id="tab-before-a-name"),
        pytest.param('" email ","first_name  "', id="quoted-names-with-spaces"),
    ],
)
def test_header_names_are_trimmed(cli, write_csv, header):
    code, report = run_import(cli, write_csv(f"{header}\nann@example.com,Ann\n"))
    assert (code, report["created"], report["failed"]) == (0, 1, 0)
    assert cli.json("contacts", "show", "ann@example.com")["first_name"] == "Ann"


@pytest.mark.parametrize(
    ("header", "target"),
    [
        pytest.param("Email,first_name", "email", id="capitalised-email"),
        pytest.param("email,FIRST_NAME", "first_name", id="upper-standard-column"),
        pytest.param("email,Labels_ID", "labels_id", id="mixed-case-labels-id"),
        pytest.param("email,Plan", "plan", id="capitalised-custom-field"),
        pytest.param("E-mail,first_name", "email", id="email-with-a-hyphen"),
        pytest.param("email,First Name", "first_name", id="space-for-underscore"),
        pytest.param("email,firstName", "first_name", id="camel-case"),
        pytest.param("email,first.name", "first_name", id="dot-for-underscore"),
    ],
)
def test_our_names_written_another_way_bind(cli, write_csv, plan_field, header, target):
    path = write_csv(f"{header}\nann@example.com,\n")
    code, report = run_import(cli, path)
    assert (code, report["created"]) == (0, 1), report
    assert target in [column["target"] for column in report["columns"]]


@pytest.mark.parametrize(
    ("header", "name"),
    [
        pytest.param("email,first_name,first_name", "first_name", id="same-name-twice"),
        pytest.param("email, last_name,last_name ", "last_name", id="same-after-trimming"),
        pytest.param("email,plan,plan", "plan", id="custom-field-twice"),
        pytest.param("email,first_name,email", "email", id="email-twice"),
    ],
)
def test_duplicate_column_is_a_file_error_naming_it(cli, write_csv, plan_field, header, name):
    width = header.count(",") + 1
    row = ",".join(["ann@example.com"] + ["x"] * (width - 1))
    code, report = run_import(cli, write_csv(f"{header}\n{row}\n"))
    assert code == 2
    assert names_quoted(name, report["error"]), report["error"]
    assert contact_emails(cli) == []


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("first_name,last_name", id="no-email-column"),
        pytest.param("Vorname,Nachname", id="names-from-outlook-but-no-email"),
        pytest.param("first_name,", id="only-a-blank-named-column-besides"),
    ],
)
def test_missing_email_column_is_a_file_error(cli, write_csv, header):
    code, report = run_import(cli, write_csv(f"{header}\nAnn,Lee\n"))
    assert code == 2
    assert "email" in report["error"], report["error"]
    assert contact_emails(cli) == []


@pytest.mark.parametrize(
    ("header", "unknown", "suggestion"),
    [
        pytest.param("email,frist_name", "frist_name", "first_name", id="typo-in-first-name"),
        pytest.param("email,label", "label", "labels", id="singular-labels"),
        pytest.param("email,plna", "plna", "plan", id="typo-in-custom-field"),
    ],
)
def test_unknown_column_is_a_file_error_with_a_close_match(
    cli, write_csv, plan_field, header, unknown, suggestion
):
    code, report = run_import(cli, write_csv(f"{header}\nann@example.com,x\n"))
    assert code == 2
    message = report["error"]
    assert names_quoted(unknown, message), message
    assert names_quoted(suggestion, message), message
    assert contact_emails(cli) == []


def test_unknown_column_without_close_match_is_still_named(cli, write_csv):
    code, report = run_import(cli, write_csv("email,shoe_size\nann@example.com,42\n"))
    assert code == 2
    assert names_quoted("shoe_size", report["error"]), report["error"]
    assert contact_emails(cli) == []


def test_custom_field_variable_names_are_columns(cli, write_csv, plan_field):
    assert cli("fields", "add", "seats", "--type", "number").exit_code == 0
    assert cli("fields", "add", "renews_on", "--type", "date").exit_code == 0
    path = write_csv("email,plan,seats,renews_on\nann@example.com,pro,12,2025-01-31\n")
    code, report = run_import(cli, path)
    assert (code, report["created"], report["failed"]) == (0, 1, 0)
    custom = cli.json("contacts", "show", "ann@example.com")["custom_fields"]
    assert custom["plan"] == "pro"
    assert str(custom["seats"]) == "12"
    assert custom["renews_on"] == "2025-01-31"


def test_a_column_may_not_be_named_after_a_field_that_does_not_exist(cli, write_csv):
    code, report = run_import(cli, write_csv("email,plan\nann@example.com,pro\n"))
    assert code == 2
    assert names_quoted("plan", report["error"]), report["error"]


# -- the `error` column of an error file -----------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("email,first_name,error", id="last-column-error"),
        pytest.param("email,first_name, error ", id="last-column-error-with-spaces"),
    ],
)
def test_a_last_column_named_error_is_ignored(cli, write_csv, header):
    path = write_csv(f"{header}\nann@example.com,Ann,email: this was wrong before\n")
    code, report = run_import(cli, path)
    assert (code, report["created"], report["failed"]) == (0, 1, 0)
    contact = cli.json("contacts", "show", "ann@example.com")
    assert contact["first_name"] == "Ann"
    assert contact["custom_fields"] == {}


def test_an_error_column_that_is_not_last_is_an_unknown_column(cli, write_csv):
    path = write_csv("email,error,first_name\nann@example.com,oops,Ann\n")
    code, report = run_import(cli, path)
    assert code == 2
    assert names_quoted("error", report["error"]), report["error"]
    assert contact_emails(cli) == []


# -- blank column names (Excel's trailing comma) ----------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("email,first_name,", id="trailing-comma"),
        pytest.param("email,,first_name", id="empty-name-in-the-middle"),
        pytest.param("email,first_name,   ", id="spaces-only-name"),
        pytest.param("email,first_name,,", id="two-trailing-commas"),
    ],
)
def test_a_blank_named_column_is_ignored(cli, write_csv, header):
    width = header.count(",") + 1
    cells = {"email": "ann@example.com", "first_name": "Ann"}
    row = ",".join(cells.get(name.strip(), "") for name in header.split(","))
    assert row.count(",") + 1 == width
    code, report = run_import(cli, write_csv(f"{header}\n{row}\n"))
    assert (code, report["created"], report["failed"]) == (0, 1, 0)
    assert cli.json("contacts", "show", "ann@example.com")["first_name"] == "Ann"


def test_a_value_under_a_blank_named_column_is_a_row_error(cli, write_csv):
    path = write_csv(
        "email,first_name,\nann@example.com,Ann,\nbob@example.com,Bob,stray value\n"
        "cy@example.com,Cy,   \n"
    )
    code, report = run_import(cli, path)
    assert code == 1
    assert (report["created"], report["failed"]) == (2, 1)
    assert [error["row"] for error in report["errors"]] == [3]
    assert contact_emails(cli) == ["ann@example.com", "cy@example.com"]
