"""``rolodex contacts show|list`` (docs/commands.md#contacts), on SQLite and PostgreSQL.

A contact as JSON is exactly ``{"id", "email", "first_name", "last_name", "company_id",
"labels", "labels_id", "custom_fields", "source", "created_at", "updated_at"}``; ``show``
finds it by email case-insensitively and exits 1 when there is none; ``list`` is an array of
the same documents, optionally only those carrying one label (names are case-sensitive).
"""

from __future__ import annotations

from datetime import datetime

import pytest

CONTACT_KEYS = {
    "id",
    "email",
    "first_name",
    "last_name",
    "company_id",
    "labels",
    "labels_id",
    "custom_fields",
    "source",
    "created_at",
    "updated_at",
}


@pytest.fixture
def directory(cli, write_csv):
    """Three contacts: Jane (every column set), Ravi (label ``trial``), Lena (IDN domain)."""
    labels = {x["name"]: x["id"] for x in cli.json("labels", "add", "Marketing", "Trial", "trial")}
    acme = cli.json("companies", "add", "Acme Inc.", "--domain", "acme.example")
    cli("fields", "add", "plan", "--type", "select", "--options", "basic,pro")
    cli("fields", "add", "seats", "--type", "number")
    cli("fields", "add", "renewal_date", "--type", "date")
    cli("fields", "add", "vip", "--type", "boolean")
    cli("fields", "add", "note")
    path = write_csv(
        "email,first_name,last_name,company_id,labels,labels_id,plan,seats,renewal_date,vip,note\n"
        f"jane@example.com,Jane,Doe,{acme['id']},Marketing:Trial,,pro,12,2027-01-31,yes,hello\n"
        "ravi@example.com,Ravi,,,trial,,,,,,\n"
        "lena@bücher.example,Lena,Müller,,,,,,,,\n"
    )
    report = cli.json("import", "contacts", path)
    assert (report["created"], report["failed"]) == (3, 0), report
    return {"labels": labels, "company_id": acme["id"]}


def test_show_prints_the_contact_as_one_document_of_exactly_the_documented_keys(cli, directory):
    jane = cli.json("contacts", "show", "jane@example.com")

    assert set(jane) == CONTACT_KEYS
    assert isinstance(jane["id"], int)
    assert (jane["email"], jane["first_name"], jane["last_name"]) == (
        "jane@example.com",
        "Jane",
        "Doe",
    )
    assert jane["company_id"] == directory["company_id"]
    assert jane["source"] == "import"


def test_show_gives_label_names_and_their_ids_pairwise(cli, directory):
    jane = cli.json("contacts", "show", "jane@example.com")

    assert dict(zip(jane["labels_id"], jane["labels"], strict=True)) == {
        directory["labels"]["Marketing"]: "Marketing",
        directory["labels"]["Trial"]: "Trial",
    }


def test_show_gives_custom_values_by_variable_name(cli, directory):
    jane = cli.json("contacts", "show", "jane@example.com")

    assert jane["custom_fields"] == {
        "plan": "pro",
        "seats": 12,
        "renewal_date": "2027-01-31",
        "vip": True,
        "note": "hello",
    }


def test_show_gives_timestamps_in_iso_8601(cli, directory):
    jane = cli.json("contacts", "show", "jane@example.com")

    created = datetime.fromisoformat(jane["created_at"])
    updated = datetime.fromisoformat(jane["updated_at"])
    assert created <= updated


def test_show_of_a_contact_without_company_labels_or_values(cli, directory):
    lena = cli.json("contacts", "show", "lena@bücher.example")

    assert set(lena) == CONTACT_KEYS
    assert (lena["company_id"], lena["labels"], lena["labels_id"]) == (None, [], [])
    assert all(value is None for value in lena["custom_fields"].values())


@pytest.mark.parametrize(
    "typed, stored",
    [
        pytest.param("jane@example.com", "jane@example.com", id="as_stored"),
        pytest.param("JANE@EXAMPLE.COM", "jane@example.com", id="all_upper_case"),
        pytest.param("Jane@Example.Com", "jane@example.com", id="mixed_case"),
        pytest.param("  jane@example.com  ", "jane@example.com", id="surrounding_spaces"),
        pytest.param("LENA@BÜCHER.EXAMPLE", "lena@bücher.example", id="idn_upper_case"),
        pytest.param("lena@xn--bcher-kva.example", "lena@bücher.example", id="idn_as_punycode"),
    ],
)
def test_show_finds_the_contact_whatever_the_case_of_the_email(cli, directory, typed, stored):
    assert cli.json("contacts", "show", typed)["email"] == stored


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_show_of_an_unknown_email_exits_1_naming_it(cli, directory, as_json):
    result = cli("contacts", "show", "nobody@example.com", *(["--json"] if as_json else []))

    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "nobody@example.com" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_show_of_something_that_is_not_an_email_is_a_usage_error(cli, directory):
    result = cli("contacts", "show", "not-an-email")

    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert "not-an-email" in result.stderr


def test_show_in_text_names_every_field(cli, directory):
    result = cli("contacts", "show", "jane@example.com")

    assert result.exit_code == 0
    for expected in ("jane@example.com", "Jane", "Doe", "Marketing", "Trial", "pro"):
        assert expected in result.stdout


def test_list_is_an_array_of_every_contact_in_the_show_shape(cli, directory):
    listed = cli.json("contacts", "list")

    assert isinstance(listed, list)
    assert {contact["email"] for contact in listed} == {
        "jane@example.com",
        "ravi@example.com",
        "lena@bücher.example",
    }
    for contact in listed:
        assert contact == cli.json("contacts", "show", contact["email"])


def test_list_of_an_empty_database_is_an_empty_array(cli):
    assert cli.json("contacts", "list") == []


@pytest.mark.parametrize(
    "label, emails",
    [
        pytest.param("Trial", {"jane@example.com"}, id="Trial"),
        pytest.param("trial", {"ravi@example.com"}, id="trial_is_another_label"),
        pytest.param("Marketing", {"jane@example.com"}, id="Marketing"),
    ],
)
def test_list_with_a_label_gives_only_the_contacts_carrying_it(cli, directory, label, emails):
    listed = cli.json("contacts", "list", "--label", label)

    assert {contact["email"] for contact in listed} == emails
    assert all(label in contact["labels"] for contact in listed)
    assert all(set(contact) == CONTACT_KEYS for contact in listed)


def test_list_with_a_label_no_contact_carries_is_an_empty_array(cli, directory):
    cli("labels", "add", "Unused")

    assert cli.json("contacts", "list", "--label", "Unused") == []


@pytest.mark.parametrize(
    "label",
    [
        pytest.param("Nope", id="no_such_label"),
        pytest.param("MARKETING", id="existing_label_in_another_case"),
    ],
)
def test_list_with_an_unknown_label_is_a_usage_error_naming_it(cli, directory, label):
    result = cli("contacts", "list", "--label", label, "--json")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert f"'{label}'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_list_in_text_shows_one_line_per_contact(cli, directory):
    result = cli("contacts", "list", "--label", "Trial")

    assert result.exit_code == 0
    assert "jane@example.com" in result.stdout
    assert "ravi@example.com" not in result.stdout


def test_show_in_text_reads_as_text_not_python(cli, directory):
    jane = cli("contacts", "show", "jane@example.com").stdout
    ravi = cli("contacts", "show", "ravi@example.com").stdout

    assert "labels:" in jane and "Marketing, Trial" in jane
    assert "Acme Inc." in jane
    for text in (jane, ravi):
        assert "None" not in text and "['" not in text and "{'" not in text
