"""``rolodex labels|companies|fields add|list`` (docs/importing.md#records,
docs/commands.md#catalog), on SQLite and PostgreSQL.

What an import refers to must be created first: labels (case-sensitive names, never a
``:``), companies (integer IDs) and custom fields (a variable name usable as a CSV header).
A refused ``add`` exits 2 with one line saying why, and creates nothing.
"""

from __future__ import annotations

import pytest


def assert_refused(result, *words: str) -> None:
    """Exit 2, one ``error:`` line on stderr that names the problem, nothing on stdout."""
    assert result.exit_code == 2, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), result.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    assert result.stdout == ""


# --- labels ------------------------------------------------------------------------------


def test_labels_add_returns_each_created_label_with_its_id(cli):
    created = cli.json("labels", "add", "Marketing", "Trial", "Demo")

    assert [label["name"] for label in created] == ["Marketing", "Trial", "Demo"]
    assert all(set(label) == {"id", "name"} for label in created)
    assert all(isinstance(label["id"], int) for label in created)
    assert len({label["id"] for label in created}) == 3


def test_labels_list_shows_every_label_as_id_and_name(cli):
    created = cli.json("labels", "add", "Marketing", "Trial")

    listed = cli.json("labels", "list")

    assert sorted(listed, key=lambda label: label["id"]) == sorted(
        created, key=lambda label: label["id"]
    )


def test_labels_list_of_an_empty_database_is_an_empty_array(cli):
    assert cli.json("labels", "list") == []


def test_labels_differing_only_in_case_are_two_labels(cli):
    cli.json("labels", "add", "Trial")

    added = cli.json("labels", "add", "trial", "TRIAL")

    names = {label["name"]: label["id"] for label in cli.json("labels", "list")}
    assert set(names) == {"Trial", "trial", "TRIAL"}
    assert len(set(names.values())) == 3
    assert {label["name"] for label in added} == {"trial", "TRIAL"}


def test_labels_differing_only_in_case_can_be_added_in_one_command(cli):
    added = cli.json("labels", "add", "Trial", "trial")

    assert sorted(label["name"] for label in added) == ["Trial", "trial"]


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("Trial:Demo", id="colon_between_words"),
        pytest.param(":Trial", id="leading_colon"),
        pytest.param("Trial:", id="trailing_colon"),
        pytest.param(":", id="only_a_colon"),
    ],
)
def test_label_name_holding_a_colon_is_refused(cli, name):
    result = cli("labels", "add", name)

    assert_refused(result, "':'")
    assert cli.json("labels", "list") == []


def test_label_that_already_exists_is_refused(cli):
    cli("labels", "add", "Trial")

    result = cli("labels", "add", "Trial")

    assert_refused(result, "Trial")
    assert [label["name"] for label in cli.json("labels", "list")] == ["Trial"]


def test_label_given_twice_in_one_command_is_refused(cli):
    result = cli("labels", "add", "Trial", "Trial")

    assert_refused(result, "Trial")
    assert cli.json("labels", "list") == []


def test_refused_labels_add_creates_none_of_the_names(cli):
    cli("labels", "add", "Trial")

    result = cli("labels", "add", "Marketing", "Trial", "Demo")

    assert_refused(result, "Trial")
    assert [label["name"] for label in cli.json("labels", "list")] == ["Trial"]


def test_empty_label_name_is_refused(cli):
    assert_refused(cli("labels", "add", "   "))
    assert cli.json("labels", "list") == []


# --- companies ---------------------------------------------------------------------------


def test_companies_add_returns_the_created_company_with_its_id(cli):
    created = cli.json("companies", "add", "Acme Inc.", "--domain", "acme.example")

    assert set(created) == {"id", "name", "domain"}
    assert isinstance(created["id"], int)
    assert (created["name"], created["domain"]) == ("Acme Inc.", "acme.example")


def test_company_without_a_domain_has_a_null_domain(cli):
    created = cli.json("companies", "add", "Globex")

    assert created["domain"] is None


def test_companies_list_shows_every_company_as_id_name_and_domain(cli):
    acme = cli.json("companies", "add", "Acme Inc.", "--domain", "acme.example")
    globex = cli.json("companies", "add", "Globex")

    listed = cli.json("companies", "list")

    assert sorted(listed, key=lambda company: company["id"]) == [acme, globex]
    assert acme["id"] != globex["id"]


@pytest.mark.parametrize(
    "again",
    ["Contoso Ltd", "contoso ltd", "  CONTOSO LTD  "],
    ids=["same_name", "other_case", "other_case_with_spaces"],
)
def test_company_name_that_exists_is_refused_naming_its_id(cli, again):
    contoso = cli.json("companies", "add", "Contoso Ltd")

    result = cli("companies", "add", again)

    assert_refused(result, "Contoso Ltd", "already exists", f"ID {contoso['id']}")
    assert cli.json("companies", "list") == [contoso]


def test_companies_list_of_an_empty_database_is_an_empty_array(cli):
    assert cli.json("companies", "list") == []


def test_company_id_is_what_an_import_refers_to(cli, write_csv):
    cli.json("companies", "add", "Acme Inc.")
    globex = cli.json("companies", "add", "Globex")
    path = write_csv(f"email,company_id\njane@example.com,{globex['id']}\n")

    assert cli.json("import", "contacts", path)["created"] == 1

    assert cli.json("contacts", "show", "jane@example.com")["company_id"] == globex["id"]


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["   "], id="blank_name"),
        pytest.param(["Acme", "--domain", "not a domain"], id="domain_with_spaces"),
        pytest.param(["Acme", "--domain", "jane@acme.example"], id="domain_is_an_email"),
    ],
)
def test_invalid_company_is_refused(cli, args):
    assert_refused(cli("companies", "add", *args))
    assert cli.json("companies", "list") == []


# --- custom fields -----------------------------------------------------------------------


def test_fields_add_returns_the_created_field_with_its_id(cli):
    created = cli.json(
        "fields", "add", "plan", "--type", "select", "--options", "basic,pro,enterprise",
        "--title", "Plan",
    )  # fmt: skip

    assert set(created) == {"id", "variable_name", "title", "type", "options"}
    assert isinstance(created["id"], int)
    assert created | {"id": 0} == {
        "id": 0,
        "variable_name": "plan",
        "title": "Plan",
        "type": "select",
        "options": ["basic", "pro", "enterprise"],
    }


@pytest.mark.parametrize("field_type", ["text", "number", "date", "boolean"])
def test_field_of_each_plain_type_has_no_options(cli, field_type):
    created = cli.json("fields", "add", "some_value", "--type", field_type)

    assert (created["type"], created["options"]) == (field_type, [])


def test_field_type_defaults_to_text(cli):
    assert cli.json("fields", "add", "note")["type"] == "text"


def test_fields_list_shows_every_field(cli):
    plan = cli.json("fields", "add", "plan", "--type", "select", "--options", "basic,pro")
    seats = cli.json("fields", "add", "seats", "--type", "number", "--title", "Seats")

    listed = cli.json("fields", "list")

    assert sorted(listed, key=lambda field: field["id"]) == [plan, seats]
    assert all(
        set(field) == {"id", "variable_name", "title", "type", "options"} for field in listed
    )


def test_fields_list_of_an_empty_database_is_an_empty_array(cli):
    assert cli.json("fields", "list") == []


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("Plan", id="upper_case_letter"),
        pytest.param("1x", id="starts_with_a_digit"),
        pytest.param("_plan", id="starts_with_an_underscore"),
        pytest.param("renewal-date", id="holds_a_dash"),
        pytest.param("renewal date", id="holds_a_space"),
        pytest.param("plän", id="non_ascii_letter"),
    ],
)
def test_variable_name_that_is_not_lower_case_letters_digits_and_underscore_is_refused(cli, name):
    result = cli("fields", "add", name)

    assert_refused(result, name)
    assert cli.json("fields", "list") == []


@pytest.mark.parametrize(
    "name", ["email", "first_name", "last_name", "company_id", "labels", "labels_id"]
)
def test_variable_name_of_a_standard_column_is_refused(cli, name):
    result = cli("fields", "add", name)

    assert_refused(result, name, "standard column")
    assert cli.json("fields", "list") == []


def test_field_that_already_exists_is_refused(cli):
    cli("fields", "add", "plan")

    result = cli("fields", "add", "plan", "--type", "number")

    assert_refused(result, "plan")
    assert [field["type"] for field in cli.json("fields", "list")] == ["text"]


def test_select_field_without_options_is_refused(cli):
    result = cli("fields", "add", "plan", "--type", "select")

    assert_refused(result, "option")
    assert cli.json("fields", "list") == []


@pytest.mark.parametrize("field_type", ["text", "number", "date", "boolean"])
def test_options_on_a_field_that_is_not_a_select_are_refused(cli, field_type):
    result = cli("fields", "add", "plan", "--type", field_type, "--options", "basic,pro")

    assert_refused(result, "select")
    assert cli.json("fields", "list") == []


@pytest.mark.parametrize(
    "field_type",
    [
        pytest.param("money", id="unknown_word"),
        pytest.param("Text", id="known_type_in_another_case"),
        pytest.param("", id="empty"),
    ],
)
def test_unknown_field_type_is_refused_naming_the_known_types(cli, field_type):
    result = cli("fields", "add", "plan", "--type", field_type)

    assert_refused(result, "text", "number", "date", "boolean", "select")
    assert cli.json("fields", "list") == []
