"""Binding columns (docs/importing.md, "Files from other systems"): our names however they
are written, other systems' names, --map; the targets `name` and `company`; labels columns
from other systems; several columns to one target; columns that bind to nothing; the binding
in every report."""

from __future__ import annotations

import json

import pytest

from tests.helpers import run_import


def targets(report):
    return {column["column"]: column["target"] for column in report["columns"]}


def contact(cli, email):
    return cli.json("contacts", "show", email)


# -- the four rules, first match wins -----------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        pytest.param("E-mail Address,First Name", "email", id="outlook"),
        pytest.param("E-mail 1 - Value,Given Name", "email", id="google-legacy"),
        pytest.param("Email Address,First Name", "email", id="mailchimp"),
        pytest.param("Primary Email,First Name", "email", id="thunderbird"),
        pytest.param("E-Mail-Adresse,Vorname", "email", id="outlook-german"),
    ],
)
def test_other_systems_names_bind(cli, write_csv, header, expected):
    code, report = run_import(cli, write_csv(f"{header}\nann@example.com,Ann\n"))
    assert code == 0, report
    assert list(targets(report).values()) == [expected, "first_name"]
    assert contact(cli, "ann@example.com")["first_name"] == "Ann"


def test_a_custom_field_binds_by_its_title(cli, write_csv):
    cli("fields", "add", "member_rating", "--type", "number", "--title", "Member Rating")
    cli("fields", "add", "tier", "--title", "Customer Tier")
    code, report = run_import(
        cli, write_csv("email,MEMBER RATING,customer-tier\nann@example.com,4,gold\n")
    )
    assert code == 0, report
    assert targets(report) == {
        "email": "email",
        "MEMBER RATING": "member_rating",
        "customer-tier": "tier",
    }
    assert contact(cli, "ann@example.com")["custom_fields"] == {"member_rating": 4, "tier": "gold"}


def test_map_comes_before_every_other_rule(cli, write_csv):
    path = write_csv("Email,Work Mail,Nick\nold@example.com,ann@example.com,Annie\n")
    code, report = run_import(
        cli, path, "--map", "Work Mail=email", "--map", "Email=ignore", "--map", "nick=first_name"
    )
    assert code == 0, report
    assert targets(report) == {"Email": "ignore", "Work Mail": "email", "Nick": "first_name"}
    assert contact(cli, "ann@example.com")["first_name"] == "Annie"


def test_map_from_a_json_file(cli, write_csv, tmp_path):
    mapping = tmp_path / "binding.json"
    mapping.write_text(json.dumps({"Courriel": "email", "Prénom": "first_name"}))
    code, report = run_import(
        cli, write_csv("Courriel,Prénom\nann@example.com,Ann\n"), "--map", mapping
    )
    assert code == 0, report
    assert contact(cli, "ann@example.com")["first_name"] == "Ann"


@pytest.mark.parametrize(
    ("flag", "message"),
    [
        pytest.param("Nope=email", "no column of that name", id="unknown-header"),
        pytest.param("Courriel=shoe_size", "not something a column can fill", id="unknown-target"),
    ],
)
def test_a_map_that_cannot_apply_is_a_usage_error(cli, write_csv, flag, message):
    result = cli("import", "contacts", write_csv("Courriel\nann@example.com\n"), "--map", flag)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_map_file_that_is_not_an_object_is_a_usage_error(cli, write_csv, tmp_path):
    mapping = tmp_path / "binding.json"
    mapping.write_text("[1, 2]")
    result = cli("import", "contacts", write_csv("email\nann@example.com\n"), "--map", mapping)
    assert result.exit_code == 2
    assert "one JSON object" in result.stderr


# -- columns that bind to nothing ---------------------------------------------------------------


def test_unbound_columns_are_a_short_file_error_with_suggestions(cli, write_csv):
    header = ["Email Addres", "Frist Name"] + [f"Phone {i}" for i in range(1, 14)]
    path = write_csv(",".join(header) + "\n" + ",".join(["x"] * len(header)) + "\n")
    code, report = run_import(cli, path)
    assert code == 2
    message = report["error"]
    assert "15 columns bind to nothing" in message
    assert "'Frist Name' (B, perhaps 'first_name')" in message
    assert "'Phone 8'" in message and "'Phone 9'" not in message
    assert "and 5 more" in message
    for way in ("--ignore-unknown", "--map", "--create-fields"):
        assert way in message
    assert len(message) < 600
    suggested = {c["column"]: c["target"] for c in report["columns"]}
    assert suggested["Email Addres"] == "email"
    assert suggested["Phone 1"] is None
    assert cli.json("contacts", "list") == []


def test_the_text_error_is_a_few_lines(cli, write_csv):
    header = ",".join(["email"] + [f"Column {i}" for i in range(60)])
    result = cli("import", "contacts", write_csv(header + "\n"))
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) <= 4
    assert "and 50 more" in result.stderr


def test_ignore_unknown_leaves_them_out_and_says_so(cli, write_csv):
    path = write_csv("email,Phone,Fax\nann@example.com,123,456\n")
    code, report = run_import(cli, path, "--ignore-unknown")
    assert code == 0
    assert targets(report) == {"email": "email", "Phone": "ignore", "Fax": "ignore"}
    text = cli("import", "contacts", path, "--ignore-unknown").stdout
    assert "2 columns ignored: Phone, Fax" in text


def test_create_fields_makes_text_fields_named_from_the_headers(cli, write_csv):
    path = write_csv("email,Member Rating,2nd Phone\nann@example.com,4,555\n")
    code, report = run_import(cli, path, "--create-fields", "--dry-run")
    assert code == 0
    assert report["new"]["fields"] == ["member_rating", "f_2nd_phone"]
    assert cli.json("fields", "list") == []
    code, report = run_import(cli, path, "--create-fields")
    assert (code, report["created"]) == (0, 1)
    fields = {f["variable_name"]: f for f in cli.json("fields", "list")}
    assert fields["member_rating"]["title"] == "Member Rating"
    assert fields["member_rating"]["type"] == "text"
    assert contact(cli, "ann@example.com")["custom_fields"] == {
        "member_rating": "4",
        "f_2nd_phone": "555",
    }
    code, report = run_import(cli, path)
    assert (code, report["unchanged"]) == (0, 1)


# -- the name target ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("full", "first", "last"),
    [
        pytest.param("Jane Doe", "Jane", "Doe", id="first-word-then-the-rest"),
        pytest.param("Doe, Jane", "Jane", "Doe", id="last-comma-first"),
        pytest.param("Jean Paul Sartre", "Jean", "Paul Sartre", id="rest-is-the-last-name"),
        pytest.param("Cher", "Cher", None, id="one-word"),
    ],
)
def test_a_full_name_is_split(cli, write_csv, full, first, last):
    code, _ = run_import(cli, write_csv(f'Email,Full Name\nann@example.com,"{full}"\n'))
    assert code == 0
    found = contact(cli, "ann@example.com")
    assert (found["first_name"], found["last_name"]) == (first, last)


def test_a_full_name_is_used_only_where_both_names_are_empty(cli, write_csv):
    path = write_csv(
        "Email,First Name,Last Name,Display Name\n"
        "ann@example.com,Ann,,Annie Lee\nbob@example.com,,,Bob Stone\n"
    )
    assert run_import(cli, path)[0] == 0
    ann, bob = contact(cli, "ann@example.com"), contact(cli, "bob@example.com")
    assert (ann["first_name"], ann["last_name"]) == ("Ann", None)
    assert (bob["first_name"], bob["last_name"]) == ("Bob", "Stone")


# -- the company target -------------------------------------------------------------------------


def test_a_company_by_name_matches_case_insensitively(cli, write_csv):
    company_id = cli.json("companies", "add", "Acme Inc.")["id"]
    code, _ = run_import(cli, write_csv("Email,Company\nann@example.com,  ACME inc. \n"))
    assert code == 0
    assert contact(cli, "ann@example.com")["company_id"] == company_id


def test_an_unknown_company_is_a_row_error_unless_created(cli, write_csv):
    path = write_csv(
        "Email,Company\nann@example.com,Globex\nbob@example.com,globex\ncy@example.com,\n"
    )
    code, report = run_import(cli, path)
    assert (code, report["failed"], report["created"]) == (1, 2, 1)
    assert report["errors"][0]["column"] == "Company"
    assert "no company named 'Globex'" in report["errors"][0]["message"]
    code, report = run_import(cli, path, "--create-companies", "--dry-run")
    assert report["new"]["companies"] == ["Globex"]
    assert cli.json("companies", "list") == []
    code, report = run_import(cli, path, "--create-companies")
    assert (code, report["new"]["companies"]) == (0, ["Globex"])
    companies = cli.json("companies", "list")
    assert [c["name"] for c in companies] == ["Globex"]
    assert contact(cli, "bob@example.com")["company_id"] == companies[0]["id"]


def test_a_company_name_two_companies_share_is_a_row_error(cli, write_csv, store):
    """Names are unique in any case now; a database from before that may still hold two."""
    from datetime import UTC, datetime

    from rolodex.store import schema

    with store.write() as conn:
        ids = [
            conn.execute(
                schema.companies.insert().returning(schema.companies.c.id),
                {"name": name, "created_at": datetime.now(UTC)},
            ).scalar_one()
            for name in ("Initech", "initech")
        ]
    first, second = ids
    code, report = run_import(cli, write_csv("Email,Company\nann@example.com,Initech\n"))
    assert code == 1
    assert f"(IDs {first}, {second})" in report["errors"][0]["message"]


def test_company_id_and_company_must_agree(cli, write_csv):
    acme = cli.json("companies", "add", "Acme")["id"]
    globex = cli.json("companies", "add", "Globex")["id"]
    path = write_csv(f"email,company_id,Company\nann@example.com,{acme},Globex\n")
    code, report = run_import(cli, path)
    assert code == 1
    assert f"company_id {acme} and company 'Globex' (ID {globex})" in report["errors"][0]["message"]


# -- labels from other systems ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "cell", "labels"),
    [
        pytest.param("Tags", "VIP,Beta", ["Beta", "VIP"], id="commas"),
        pytest.param("Categories", "VIP;Beta", ["Beta", "VIP"], id="semicolons"),
        pytest.param(
            "Group Membership", "* myContacts ::: VIP ::: Beta", ["Beta", "VIP"], id="google"
        ),
        pytest.param("TAGS", '"VIP","Beta"', ["Beta", "VIP"], id="quoted-names"),
        pytest.param("labels", "VIP:Beta", ["Beta", "VIP"], id="ours-split-on-colons"),
        pytest.param("labels", "Sales, EMEA", ["Sales, EMEA"], id="ours-keep-commas"),
    ],
)
def test_labels_columns_split_by_where_they_come_from(cli, write_csv, header, cell, labels):
    quoted = cell.replace('"', '""')
    path = write_csv(f'email,{header}\nann@example.com,"{quoted}"\n')
    code, report = run_import(cli, path, "--create-labels")
    assert code == 0, report
    assert sorted(contact(cli, "ann@example.com")["labels"]) == labels


def test_labels_separator_sets_every_labels_column(cli, write_csv):
    path = write_csv("email,labels,Tags\nann@example.com,A|B,C|D\n")
    code, _ = run_import(cli, path, "--create-labels", "--labels-separator", "|")
    assert code == 0
    assert sorted(contact(cli, "ann@example.com")["labels"]) == ["A", "B", "C", "D"]


# -- several columns to one target --------------------------------------------------------------


def test_several_columns_first_non_empty_wins_labels_add_up(cli, write_csv):
    path = write_csv(
        "E-mail Address,E-mail 2 Address,First Name,Tags,Categories\n"
        ",ann@example.com,Ann,VIP,Beta\n"
        "bob@example.com,bob@other.example,Bob,,\n"
    )
    code, report = run_import(cli, path, "--create-labels")
    assert (code, report["created"]) == (0, 2), report
    assert sorted(contact(cli, "ann@example.com")["labels"]) == ["Beta", "VIP"]
    assert contact(cli, "bob@example.com")["first_name"] == "Bob"
    assert cli("contacts", "show", "bob@other.example").exit_code == 1


def test_a_cell_of_several_addresses_gives_the_first(cli, write_csv):
    path = write_csv("E-mail 1 - Value\nann@example.com ::: ann@home.example\n")
    assert run_import(cli, path)[0] == 0
    assert contact(cli, "ann@example.com")["email"] == "ann@example.com"


def test_a_row_error_names_the_column_as_the_file_does(cli, write_csv):
    code, report = run_import(cli, write_csv("E-mail Address,First Name\nnot-an-address,Ann\n"))
    assert code == 1
    assert report["errors"][0]["column"] == "E-mail Address"


# -- the binding in every report ----------------------------------------------------------------


def test_the_text_report_shows_the_binding_in_a_few_lines(cli, write_csv):
    path = write_csv("E-mail 1 - Value,Given Name,Phone\nann@example.com,Ann,1\n")
    result = cli("import", "contacts", path, "--ignore-unknown")
    assert "E-mail 1 - Value → email" in result.stdout
    assert "Given Name → first_name" in result.stdout
    assert "1 column ignored: Phone" in result.stdout


def test_columns_are_in_the_dry_run_too(cli, write_csv):
    code, report = run_import(cli, write_csv("Email\nann@example.com\n"), "--dry-run")
    assert (code, report["columns"]) == (0, [{"column": "Email", "target": "email"}])


# -- users files bind the same way --------------------------------------------------------------


def test_users_files_bind_the_same_way_and_hide_bound_passwords(cli, write_csv, tmp_path):
    path = write_csv(
        "E-mail Address,Full Name,Password,Active\n"
        "ann@example.com,Ann Lee,correct horse,TRUE\n"
        "bob@example.com,Bob Stone,abc12,true\n"
    )
    errors = tmp_path / "errors.csv"
    result = cli("import", "users", path, "--errors", errors, "--json")
    report = json.loads(result.stdout)
    assert (report["created"], report["failed"]) == (1, 1)
    assert targets(report) == {
        "E-mail Address": "email",
        "Full Name": "name",
        "Password": "password",
        "Active": "active",
    }
    user = cli.json("users", "show", "ann@example.com")
    assert (user["first_name"], user["last_name"]) == ("Ann", "Lee")
    assert "abc12" not in errors.read_text(encoding="utf-8-sig")


def test_a_disagreeing_row_names_the_column_its_value_came_from(cli, write_csv):
    path = write_csv(
        "Email,Company,Full Name\nann@example.com,,Ann Lee\nann@example.com,,Anna Lee\n"
    )
    code, report = run_import(cli, path, "--create-companies")
    assert (code, report["failed"]) == (1, 1)
    assert report["errors"][0]["column"] == "Full Name"
