"""The values of a contacts file (docs/importing.md#values, docs/importing.md#names,
docs/importing.md#companies, docs/importing.md#labels, docs/importing.md#custom-fields,
docs/importing.md#row-errors): trimming, control characters, empty cells, emails and how rows
match contacts, names, companies, labels, custom fields, and a row with several problems (all
reported, none of it applied)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from rolodex.domain import email_key
from rolodex.importing.kinds import import_file
from rolodex.importing.options import ImportOptions
from rolodex.services import catalog as catalog_service
from rolodex.store import schema
from tests.helpers import contact_emails, counts, flat, run_import


def show(cli, email):
    return cli.json("contacts", "show", email)


def label_names(cli):
    return sorted(label["name"] for label in cli.json("labels", "list"))


def text(value):
    """A custom value as text, whichever JSON type shows it (2.5, "2.5"; true, "true")."""
    return json.dumps(value) if isinstance(value, bool) else str(value)


FIELDS = {
    "score": ("number", ""),
    "renews_on": ("date", ""),
    "vip": ("boolean", ""),
    "plan": ("select", "basic,pro"),
    "notes": ("text", ""),
}


def add_fields(cli, *names):
    """Create the custom fields a test uses (each costs a command, so only those)."""
    for name in names:
        kind, options = FIELDS[name]
        args = ["fields", "add", name, "--type", kind]
        assert cli(*args, *(["--options", options] if options else [])).exit_code == 0


@pytest.fixture
def catalog(cli):
    """Labels Trial (1), Marketing (2), Demo (3); company Acme (1)."""
    assert cli("labels", "add", "Trial", "Marketing", "Demo").exit_code == 0
    assert cli("companies", "add", "Acme").exit_code == 0


@pytest.fixture
def all_fields(cli):
    add_fields(cli, *FIELDS)


# -- every value ----------------------------------------------------------------------------------


def test_every_value_is_trimmed(cli, write_csv, catalog):
    add_fields(cli, "plan", "notes")
    path = write_csv(
        "email,first_name,last_name,company_id,labels,labels_id,plan,notes\n"
        '  ann@example.com ,  Ann  ,\tLee\t, 1 , Trial : Marketing ,  3 ,  pro ,"  hi  "\n'
    )
    code, report = run_import(cli, path)
    assert (code, report["created"], report["failed"]) == (0, 1, 0), report["errors"]
    ann = show(cli, "ann@example.com")
    assert (ann["email"], ann["first_name"], ann["last_name"]) == ("ann@example.com", "Ann", "Lee")
    assert ann["company_id"] == 1
    assert sorted(ann["labels"]) == ["Demo", "Marketing", "Trial"]
    assert ann["custom_fields"] == {"plan": "pro", "notes": "hi"}


def test_unicode_spaces_around_a_value_are_trimmed_too(cli, write_csv):
    path = write_csv("email,first_name\n\u00a0ann@example.com\u00a0,\u2003Ann\u00a0\n")
    code, report = run_import(cli, path)
    assert (code, report["created"]) == (0, 1), report["errors"]
    assert show(cli, "ann@example.com")["first_name"] == "Ann"


@pytest.mark.parametrize(
    ("column", "value"),
    [
        pytest.param("first_name", "Ann\x00", id="nul"),
        pytest.param("first_name", "An\x07n", id="bell"),
        pytest.param("last_name", "\x1b[31mLee", id="escape-sequence"),
        pytest.param("last_name", "Lee\x7f", id="delete"),
        pytest.param("first_name", "Ann\x0b", id="vertical-tab"),
        pytest.param("first_name", "Ann\u0085", id="c1-next-line"),
        pytest.param("notes", "note\x00", id="nul-in-custom-field"),
        pytest.param("email", "bob\x00@example.com", id="nul-in-email"),
    ],
)
def test_a_control_character_is_a_row_error(cli, write_csv, column, value):
    add_fields(cli, "notes")
    header = ["email", "first_name", "last_name", "notes"]
    cells = {"email": "bob@example.com", "first_name": "Bob", "last_name": "Ray", "notes": ""}
    cells[column] = value
    path = write_csv(
        ",".join(header)
        + "\nann@example.com,Ann,Lee,\n"
        + ",".join(cells[name] for name in header)
        + "\n"
    )
    code, report = run_import(cli, path)
    assert code == 1
    assert (report["created"], report["failed"]) == (1, 1)
    assert flat(report) == [(3, column)]
    assert contact_emails(cli) == ["ann@example.com"]


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        pytest.param('"Mary\tAnn"', "Mary\tAnn", id="tab-inside"),
        pytest.param('"Mary\nAnn"', "Mary\nAnn", id="line-break-inside"),
    ],
)
def test_tab_and_line_breaks_are_not_control_character_errors(cli, write_csv, cell, stored):
    code, report = run_import(cli, write_csv(f"email,first_name\nann@example.com,{cell}\n"))
    assert (code, report["created"]) == (0, 1), report["errors"]
    assert show(cli, "ann@example.com")["first_name"] == stored


# -- empty values -------------------------------------------------------------------------------

FULL = (
    "email,first_name,last_name,company_id,labels,labels_id,score,renews_on,vip,plan,notes\n"
    "ann@example.com,Ann,Lee,1,Trial,2,10,2025-01-31,true,pro,hello\n"
)


@pytest.mark.parametrize(
    "row",
    [
        pytest.param("ann@example.com,,,,,,,,,,", id="empty-cells"),
        pytest.param("ann@example.com,  ,\t, , , , , , , ,  ", id="blank-cells"),
        pytest.param('ANN@example.com,"","","","","","","","","",""', id="quoted-empty-cells"),
    ],
)
def test_an_empty_value_never_erases_on_update(cli, write_csv, catalog, all_fields, row):
    assert run_import(cli, write_csv(FULL, name="full.csv"))[0] == 0
    before = show(cli, "ann@example.com")
    header = FULL.splitlines()[0]
    code, report = run_import(cli, write_csv(f"{header}\n{row}\n"))
    assert code == 0
    assert counts(report) == {"rows": 1, "created": 0, "updated": 0, "unchanged": 1, "failed": 0}
    assert show(cli, "ann@example.com") == before


def test_an_empty_value_stays_unset_on_create(cli, write_csv, catalog, all_fields):
    header = FULL.splitlines()[0]
    code, report = run_import(cli, write_csv(f"{header}\nbob@example.com,,, ,,,,,,,\n"))
    assert (code, report["created"]) == (0, 1)
    bob = show(cli, "bob@example.com")
    assert (bob["first_name"], bob["last_name"], bob["company_id"]) == (None, None, None)
    assert (bob["labels"], bob["labels_id"], bob["custom_fields"]) == ([], [], {})


def test_an_empty_value_next_to_a_new_one_changes_only_the_new_one(
    cli, write_csv, catalog, all_fields
):
    assert run_import(cli, write_csv(FULL, name="full.csv"))[0] == 0
    header = FULL.splitlines()[0]
    code, report = run_import(cli, write_csv(f"{header}\nann@example.com,,Smith,,,,,,,basic,\n"))
    assert (code, report["updated"]) == (0, 1)
    ann = show(cli, "ann@example.com")
    assert (ann["first_name"], ann["last_name"], ann["company_id"]) == ("Ann", "Smith", 1)
    assert sorted(ann["labels"]) == ["Marketing", "Trial"]
    assert ann["custom_fields"]["plan"] == "basic"
    assert ann["custom_fields"]["notes"] == "hello"


@pytest.mark.parametrize(
    "row",
    [
        pytest.param("bob@example.com,Bob", id="one-field-missing"),
        pytest.param("bob@example.com,Bob,Ray,extra", id="one-field-extra"),
        pytest.param("bob@example.com", id="only-the-email"),
    ],
)
def test_a_row_with_the_wrong_number_of_fields_is_a_row_error(cli, write_csv, row):
    path = write_csv(f"email,first_name,last_name\nann@example.com,Ann,Lee\n{row}\n")
    code, report = run_import(cli, path)
    assert code == 1
    assert (report["created"], report["failed"]) == (1, 1)
    assert [error["row"] for error in report["errors"]] == [3]
    assert contact_emails(cli) == ["ann@example.com"]


# -- email ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "email",
    [
        pytest.param("", id="empty"),
        pytest.param("not-an-email", id="no-at-sign"),
        pytest.param("two@@example.com", id="two-at-signs"),
        pytest.param("@example.com", id="no-local-part"),
        pytest.param("bob@", id="no-domain"),
        pytest.param("bob smith@example.com", id="space-inside"),
        pytest.param("bob@example", id="domain-without-dot"),
        pytest.param("bob@exa_mple.com", id="underscore-in-domain"),
        pytest.param("Bob <bob@example.com>", id="display-name"),
        pytest.param("bob@example.com;carol@example.com", id="two-addresses"),
    ],
)
def test_an_invalid_email_is_a_row_error(cli, write_csv, email):
    path = write_csv(f'email,first_name\nann@example.com,Ann\n"{email}",Bob\n')
    code, report = run_import(cli, path)
    assert code == 1
    assert (report["created"], report["failed"]) == (1, 1)
    assert flat(report) == [(3, "email")]
    assert report["errors"][0]["message"].strip()
    assert contact_emails(cli) == ["ann@example.com"]


@pytest.mark.parametrize(
    ("first", "again"),
    [
        pytest.param("jane@example.com", "JANE@EXAMPLE.COM", id="all-upper-case"),
        pytest.param("Jane.Doe@Example.com", "jane.doe@example.COM", id="mixed-case"),
        pytest.param("zoë@example.com", "ZOË@example.com", id="non-ascii-local-part"),
        pytest.param("user@münchen.de", "user@xn--mnchen-3ya.de", id="idn-then-punycode"),
        pytest.param("user@xn--mnchen-3ya.de", "user@MÜNCHEN.de", id="punycode-then-idn"),
        pytest.param("e\u0301lodie@example.com", "élodie@example.com", id="nfd-then-nfc"),
    ],
)
def test_a_row_updates_the_contact_whose_email_matches(cli, write_csv, first, again):
    assert run_import(cli, write_csv(f"email,first_name\n{first},Jane\n", name="a.csv"))[0] == 0
    code, report = run_import(cli, write_csv(f"email,last_name\n{again},Doe\n", name="b.csv"))
    assert code == 0
    assert (report["created"], report["updated"]) == (0, 1)
    assert len(contact_emails(cli)) == 1
    for spelling in (first, again):
        contact = show(cli, spelling)
        assert (contact["first_name"], contact["last_name"]) == ("Jane", "Doe")


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        pytest.param("Jane@EXAMPLE.COM", "Jane@example.com", id="upper-case-domain"),
        pytest.param("jane@Example.Com", "jane@example.com", id="capitalised-domain"),
    ],
)
def test_the_email_is_stored_with_its_domain_normalised(cli, write_csv, given, stored):
    assert run_import(cli, write_csv(f"email\n{given}\n"))[0] == 0
    assert contact_emails(cli) == [stored]


def test_the_same_address_twice_in_one_file_is_one_contact(cli, write_csv):
    path = write_csv("email,first_name,last_name\nann@example.com,Ann,\nANN@Example.com,,Lee\n")
    code, report = run_import(cli, path)
    assert code == 0
    assert counts(report) == {"rows": 2, "created": 1, "updated": 1, "unchanged": 0, "failed": 0}
    ann = show(cli, "ann@example.com")
    assert (ann["first_name"], ann["last_name"]) == ("Ann", "Lee")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param("a@example.com", "A@EXAMPLE.COM", id="ascii-case"),
        pytest.param("élodie@bücher.de", "ÉLODIE@BÜCHER.DE", id="unicode-case"),
    ],
)
def test_the_database_itself_refuses_two_emails_differing_in_case(store, first, second):
    assert email_key(first) == email_key(second)
    now = datetime.now(UTC)
    rows = [
        {
            "email": email,
            "email_key": email_key(email),
            "source": "import",
            "created_at": now,
            "updated_at": now,
        }
        for email in (first, second)
    ]
    with store.engine.begin() as conn:
        conn.execute(insert(schema.contacts), rows[0])
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        conn.execute(insert(schema.contacts), rows[1])


# -- names and companies ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "ok"),
    [
        pytest.param("first_name", "x" * 255, True, id="first-name-255"),
        pytest.param("last_name", "é" * 255, True, id="last-name-255-accented-characters"),
        pytest.param("first_name", "x" * 256, False, id="first-name-256"),
        pytest.param("last_name", "ü" * 256, False, id="last-name-256"),
    ],
)
def test_names_are_at_most_255_characters(cli, write_csv, column, value, ok):
    path = write_csv(f"email,{column}\nann@example.com,{value}\n")
    code, report = run_import(cli, path)
    if ok:
        assert (code, report["created"]) == (0, 1)
        assert show(cli, "ann@example.com")[column] == value
    else:
        assert code == 1
        assert flat(report) == [(2, column)]
        assert contact_emails(cli) == []


@pytest.mark.parametrize(
    "company_id",
    [
        pytest.param("2", id="no-such-company"),
        pytest.param("abc", id="not-a-number"),
        pytest.param("1.0", id="decimal"),
        pytest.param("-1", id="negative"),
        pytest.param("0", id="zero"),
        pytest.param("Acme", id="the-company-name"),
    ],
)
def test_company_id_must_be_the_id_of_an_existing_company(cli, write_csv, catalog, company_id):
    path = write_csv(f"email,company_id\nann@example.com,1\nbob@example.com,{company_id}\n")
    code, report = run_import(cli, path)
    assert code == 1
    assert flat(report) == [(3, "company_id")]
    assert show(cli, "ann@example.com")["company_id"] == 1
    assert contact_emails(cli) == ["ann@example.com"]


# -- labels -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("labels", "labels_id", "expected"),
    [
        pytest.param("Trial", "", ["Trial"], id="one-name"),
        pytest.param("Trial:Marketing:Demo", "", ["Demo", "Marketing", "Trial"], id="names"),
        pytest.param(":Trial::Demo:", "", ["Demo", "Trial"], id="empty-parts-ignored"),
        pytest.param("Trial:Trial", "", ["Trial"], id="same-name-twice"),
        pytest.param("", "2", ["Marketing"], id="one-id"),
        pytest.param("", "1:3", ["Demo", "Trial"], id="ids"),
        pytest.param("Trial", "2", ["Marketing", "Trial"], id="union-of-names-and-ids"),
        pytest.param("Trial", "1", ["Trial"], id="name-and-id-of-the-same-label"),
    ],
)
def test_labels_by_name_and_by_id(cli, write_csv, catalog, labels, labels_id, expected):
    path = write_csv(f"email,labels,labels_id\nann@example.com,{labels},{labels_id}\n")
    code, report = run_import(cli, path)
    assert (code, report["created"]) == (0, 1), report["errors"]
    ann = show(cli, "ann@example.com")
    assert sorted(ann["labels"]) == expected
    assert len(ann["labels_id"]) == len(expected)


@pytest.mark.parametrize(
    ("labels", "named", "hint"),
    [
        pytest.param("trial", "trial", "Trial", id="wrong-case-names-the-real-label"),
        pytest.param("MARKETING", "MARKETING", "Marketing", id="upper-case"),
        pytest.param("Trial:Nope", "Nope", None, id="one-of-two-unknown"),
    ],
)
def test_an_unknown_label_name_is_a_row_error_naming_it(
    cli, write_csv, catalog, labels, named, hint
):
    path = write_csv(f"email,labels\nann@example.com,{labels}\nbob@example.com,Trial\n")
    code, report = run_import(cli, path)
    assert code == 1
    assert flat(report) == [(2, "labels")]
    message = report["errors"][0]["message"]
    assert named in message
    if hint:
        assert hint in message.replace(named, "")
    assert contact_emails(cli) == ["bob@example.com"]


@pytest.mark.parametrize(
    "labels_id",
    [
        pytest.param("99", id="no-such-label"),
        pytest.param("1:99", id="one-of-two-unknown"),
        pytest.param("Trial", id="a-name-in-the-ids-column"),
        pytest.param("1.5", id="not-a-whole-number"),
    ],
)
def test_an_unknown_label_id_is_a_row_error(cli, write_csv, catalog, labels_id):
    path = write_csv(f"email,labels_id\nann@example.com,{labels_id}\n")
    code, report = run_import(cli, path)
    assert code == 1
    assert flat(report) == [(2, "labels_id")]
    assert contact_emails(cli) == []


@pytest.mark.parametrize(
    ("labels", "labels_id"),
    [
        pytest.param("Demo", "", id="new-label-by-name"),
        pytest.param("", "3", id="new-label-by-id"),
        pytest.param("", "", id="empty-cells"),
        pytest.param("Marketing", "", id="label-it-already-has"),
    ],
)
def test_an_import_never_removes_labels(cli, write_csv, catalog, labels, labels_id):
    first = write_csv("email,labels\nann@example.com,Trial:Marketing\n", name="first.csv")
    assert run_import(cli, first)[0] == 0
    path = write_csv(f"email,labels,labels_id\nann@example.com,{labels},{labels_id}\n")
    assert run_import(cli, path)[0] == 0
    assert {"Trial", "Marketing"} <= set(show(cli, "ann@example.com")["labels"])


def test_create_labels_creates_the_unknown_names(cli, write_csv, catalog):
    path = write_csv("email,labels\nann@example.com,Trial:Brand New:trial\n")
    code, report = run_import(cli, path, "--create-labels")
    assert (code, report["created"], report["failed"]) == (0, 1, 0), report["errors"]
    assert label_names(cli) == ["Brand New", "Demo", "Marketing", "Trial", "trial"]
    assert sorted(show(cli, "ann@example.com")["labels"]) == ["Brand New", "Trial", "trial"]


def test_create_labels_in_a_dry_run_creates_no_label(cli, write_csv, catalog):
    path = write_csv("email,labels\nann@example.com,Brand New\nbob@example.com,Brand New\n")
    code, report = run_import(cli, path, "--create-labels", "--dry-run")
    assert code == 0
    assert (report["created"], report["failed"]) == (2, 0)
    assert label_names(cli) == ["Demo", "Marketing", "Trial"]
    assert contact_emails(cli) == []


def test_without_create_labels_an_unknown_name_creates_nothing(cli, write_csv, catalog):
    path = write_csv("email,labels\nann@example.com,Brand New\n")
    code, report = run_import(cli, path)
    assert code == 1
    assert flat(report) == [(2, "labels")]
    assert label_names(cli) == ["Demo", "Marketing", "Trial"]


def test_create_labels_creates_a_name_a_refused_row_met_first(store, write_csv, catalog):
    """A refused row creates nothing; the next row naming the label creates it, a batch
    later (the name was missing when the first batch looked it up)."""
    path = write_csv(
        "email,labels,company_id\nann@example.com,Brand New,abc\nbob@example.com,Brand New,1\n"
    )
    options = ImportOptions(batch_size=1, create_labels=True)
    report = import_file("contacts", path, store, options)
    assert (report.counts.created, report.counts.failed) == (1, 1)
    assert report.new.labels == ["Brand New"]


def test_a_label_missing_when_first_looked_up_stays_missing_for_the_run(store, write_csv, catalog):
    """A run sees the labels as it first looked them up: one created by someone else
    while it runs is refused by its later rows as by its earlier ones (the rows go to the
    error file, and the next run finds the label)."""
    path = write_csv("email,labels\nann@example.com,Brand New\nbob@example.com,Brand New\n")

    def meanwhile(done: int, total: int) -> None:
        if done == 1:
            catalog_service.add_labels(store, ["Brand New"])

    options = ImportOptions(batch_size=1)
    report = import_file("contacts", path, store, options, progress=meanwhile)
    assert [(issue.row, issue.column) for issue in report.errors] == [(2, "labels"), (3, "labels")]
    again = import_file("contacts", path, store, options)
    assert (again.counts.created, again.counts.failed) == (2, 0)


# -- custom fields ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "stored"),
    [
        pytest.param("score", "42", "42", id="number-integer"),
        pytest.param("score", "2.50", "2.5", id="number-decimal"),
        pytest.param("score", "-3.75", "-3.75", id="number-negative"),
        pytest.param("renews_on", "2024-02-29", "2024-02-29", id="date-leap-day"),
        pytest.param("vip", "true", "true", id="boolean-true"),
        pytest.param("vip", "FALSE", "false", id="boolean-upper-case-false"),
        pytest.param("vip", "Yes", "true", id="boolean-yes"),
        pytest.param("vip", "no", "false", id="boolean-no"),
        pytest.param("vip", "1", "true", id="boolean-1"),
        pytest.param("vip", "0", "false", id="boolean-0"),
        pytest.param("plan", "pro", "pro", id="select-option"),
        pytest.param("notes", "Prefers email, not phone", "Prefers email, not phone", id="text"),
    ],
)
def test_a_custom_value_is_parsed_by_its_type(cli, write_csv, field, value, stored):
    add_fields(cli, field)
    path = write_csv(f'email,{field}\nann@example.com,"{value}"\n')
    code, report = run_import(cli, path)
    assert (code, report["created"]) == (0, 1), report["errors"]
    assert text(show(cli, "ann@example.com")["custom_fields"][field]) == stored


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("score", "abc", id="number-letters"),
        pytest.param("score", "1,5", id="number-decimal-comma"),
        pytest.param("score", "1e3", id="number-exponent"),
        pytest.param("renews_on", "31/03/2024", id="date-day-first"),
        pytest.param("renews_on", "2023-02-29", id="date-not-a-leap-year"),
        pytest.param("renews_on", "2024-13-01", id="date-month-13"),
        pytest.param("vip", "maybe", id="boolean-maybe"),
        pytest.param("vip", "y", id="boolean-y"),
        pytest.param("plan", "Pro", id="select-wrong-case"),
        pytest.param("plan", "gold", id="select-not-an-option"),
    ],
)
def test_an_invalid_custom_value_is_a_row_error(cli, write_csv, field, value):
    """On every row that gives it: a value parsed once is remembered only if it is good."""
    add_fields(cli, field)
    path = write_csv(f'email,{field}\nann@example.com,"{value}"\nbob@example.com,"{value}"\n')
    code, report = run_import(cli, path)
    assert code == 1
    assert flat(report) == [(2, field), (3, field)]
    assert contact_emails(cli) == []


@pytest.mark.parametrize(
    ("field", "old", "new"),
    [
        pytest.param("score", "10", "11.5", id="number"),
        pytest.param("renews_on", "2024-01-31", "2025-01-31", id="date"),
        pytest.param("vip", "true", "false", id="boolean"),
        pytest.param("plan", "basic", "pro", id="select"),
        pytest.param("notes", "old note", "new note", id="text"),
    ],
)
def test_a_custom_value_is_replaced(cli, write_csv, field, old, new):
    add_fields(cli, field)
    assert run_import(cli, write_csv(f"email,{field}\nann@example.com,{old}\n", "a.csv"))[0] == 0
    code, report = run_import(cli, write_csv(f"email,{field}\nann@example.com,{new}\n", "b.csv"))
    assert (code, report["updated"]) == (0, 1)
    assert text(show(cli, "ann@example.com")["custom_fields"][field]) == new


@pytest.mark.parametrize(
    ("field", "first", "same"),
    [
        pytest.param("score", "2.5", "2.50", id="number-trailing-zero"),
        pytest.param("vip", "yes", "TRUE", id="boolean-other-spelling"),
    ],
)
def test_the_same_custom_value_spelt_differently_is_unchanged(cli, write_csv, field, first, same):
    add_fields(cli, field)
    assert run_import(cli, write_csv(f"email,{field}\nann@example.com,{first}\n", "a.csv"))[0] == 0
    code, report = run_import(cli, write_csv(f"email,{field}\nann@example.com,{same}\n", "b.csv"))
    assert (code, report["unchanged"], report["updated"]) == (0, 1, 0)


# -- a row with several problems -------------------------------------------------------------


def test_a_row_with_several_errors_reports_all_and_is_rejected_whole(
    cli, write_csv, catalog, all_fields
):
    long_name = "x" * 256
    path = write_csv(
        "email,first_name,last_name,company_id,labels,labels_id,score,plan\n"
        f"ann@example.com,Ann,{long_name},99,Nope,98,abc,gold\n"
    )
    code, report = run_import(cli, path)
    assert code == 1
    assert counts(report) == {"rows": 1, "created": 0, "updated": 0, "unchanged": 0, "failed": 1}
    assert flat(report) == [
        (2, "company_id"),
        (2, "labels"),
        (2, "labels_id"),
        (2, "last_name"),
        (2, "plan"),
        (2, "score"),
    ]
    assert all(error["message"].strip() for error in report["errors"])
    assert contact_emails(cli) == []


def test_a_bad_email_and_other_errors_in_one_row_are_all_reported(cli, write_csv):
    add_fields(cli, "score", "vip")
    path = write_csv("email,first_name,score,vip\nnot-an-email,Ann,abc,maybe\n")
    code, report = run_import(cli, path)
    assert code == 1
    assert flat(report) == [(2, "email"), (2, "score"), (2, "vip")]


def test_a_rejected_update_leaves_the_contact_as_it_was(cli, write_csv, catalog, all_fields):
    assert run_import(cli, write_csv(FULL, name="full.csv"))[0] == 0
    before = show(cli, "ann@example.com")
    path = write_csv(
        "email,first_name,last_name,labels,plan,score\nann@example.com,Anna,Smith,Demo,basic,abc\n"
    )
    code, report = run_import(cli, path)
    assert code == 1
    assert flat(report) == [(2, "score")]
    assert show(cli, "ann@example.com") == before


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        pytest.param("3,75", 3.75, id="decimal-comma"),
        pytest.param("1200", 1200, id="plain-digits"),
        pytest.param("2.5", 2.5, id="a-decimal-point-that-cannot-be-thousands"),
    ],
)
def test_numbers_in_a_semicolon_file_may_use_a_decimal_comma(cli, write_csv, cell, stored):
    cli("fields", "add", "score", "--type", "number")
    result = cli.json("import", "contacts", write_csv(f"email;score\nann@example.com;{cell}\n"))
    assert result["failed"] == 0, result
    assert cli.json("contacts", "show", "ann@example.com")["custom_fields"]["score"] == stored


@pytest.mark.parametrize("cell", ["1.200", "12.345.678", "-1.500"])
def test_a_thousands_looking_number_in_a_semicolon_file_is_a_row_error(cli, write_csv, cell):
    cli("fields", "add", "score", "--type", "number")
    result = cli.json("import", "contacts", write_csv(f"email;score\nann@example.com;{cell}\n"))
    assert result["failed"] == 1
    assert "plain digits" in result["errors"][0]["message"]


def test_a_comma_file_keeps_the_point_as_the_decimal_mark(cli, write_csv):
    cli("fields", "add", "score", "--type", "number")
    result = cli.json("import", "contacts", write_csv("email,score\nann@example.com,1.200\n"))
    assert result["failed"] == 0
    assert cli.json("contacts", "show", "ann@example.com")["custom_fields"]["score"] == 1.2


def test_each_error_carries_a_stable_code_so_scripts_tell_problems_apart(cli, write_csv, catalog):
    path = write_csv("email,labels\nann@example.com,Nope\nnot-an-email,Trial\n")
    _, report = run_import(cli, path)
    codes = {error["row"]: error["code"] for error in report["errors"]}
    assert codes == {2: "unknown-label", 3: "invalid-email"}
    assert all(list(error) == ["row", "column", "code", "message"] for error in report["errors"])
