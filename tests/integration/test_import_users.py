"""Importing users, agents (docs/importing.md#users, docs/importing.md#passwords): the columns
and the header rules, passwords
kept exactly and stored only as argon2id, ``active``, roles never from a file, foreign bcrypt
and argon2 hashes upgraded on the first successful check, the counts of a re-import, and
--dry-run, --strict, --errors and --json. On SQLite and PostgreSQL.

Kept fast: one rolodex argon2id hash costs tens of milliseconds, so each test makes few;
foreign hashes use the cheapest costs their schemes allow.
"""

from __future__ import annotations

import csv
import functools
import io
import json

import argon2
import bcrypt
import pytest
from sqlalchemy import text

from rolodex.importing.kinds import import_file
from rolodex.importing.options import ImportOptions
from rolodex.security.passwords import ARGON2_PARAMS, HashingPool
from tests import helpers
from tests.helpers import REPORT_KEYS, counts, csv_text, flat

USERS_HEADER = ["email", "first_name", "last_name", "password", "active"]
ROLODEX_HASH_PREFIX = (
    f"$argon2id$v=19$m={ARGON2_PARAMS.memory_cost},"
    f"t={ARGON2_PARAMS.time_cost},p={ARGON2_PARAMS.parallelism}$"
)


# -- helpers -------------------------------------------------------------------------------


run_import = functools.partial(helpers.run_import, kind="users")


def import_rows(cli, write_csv, header, *rows, flags=(), name="users.csv"):
    return run_import(cli, write_csv(csv_text(header, *rows), name=name), *flags)


def verifies(cli, email, password):
    """Whether ``rolodex users verify`` accepts the password (given with one newline)."""
    result = cli("users", "verify", email, stdin=password + "\n")
    assert result.exit_code in (0, 1), result
    return result.exit_code == 0


def show(cli, email):
    return cli.json("users", "show", email)


def exists(cli, email):
    return cli("users", "show", email).exit_code == 0


def stored_hash(store, email):
    with store.engine.connect() as conn:
        query = text("SELECT password_hash FROM users WHERE email = :email")
        return conn.execute(query, {"email": email}).scalar_one()


def exported_emails(cli):
    result = cli("export", "users")
    assert result.exit_code == 0, result
    return [row[0] for row in csv.reader(io.StringIO(result.stdout.lstrip("\ufeff")))][1:]


def names_quoted(name, message):
    """The message names the column as a quoted word, not only as part of a longer one."""
    return any(f"{q}{name}{q}" in message for q in ("'", '"', "`"))


def bcrypt_hash(password, prefix):
    """A cheap (cost 4) bcrypt hash; ``$2y$`` (PHP's name) is ``$2b$`` under another tag."""
    made = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4, prefix=b"2b")).decode()
    return f"${prefix}${made[4:]}"


def weak_argon2_hash(password, variant):
    """An argon2 hash as another system made it: far cheaper than rolodex's parameters."""
    hasher = argon2.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1, type=variant)
    return hasher.hash(password)


FOREIGN_HASHES = {
    "bcrypt-2a": lambda password: bcrypt_hash(password, "2a"),
    "bcrypt-2b": lambda password: bcrypt_hash(password, "2b"),
    "bcrypt-2y": lambda password: bcrypt_hash(password, "2y"),
    "argon2id-weaker-parameters": lambda password: weak_argon2_hash(password, argon2.Type.ID),
    "argon2i-weaker-parameters": lambda password: weak_argon2_hash(password, argon2.Type.I),
}


@pytest.fixture
def ann(cli, write_csv):
    """An agent already stored, with the password ``first-pass``."""
    row = ["ann@example.com", "Ann", "Lee", "first-pass", "true"]
    code, report = import_rows(cli, write_csv, USERS_HEADER, row, name="setup.csv")
    assert (code, report["created"]) == (0, 1), report
    return "ann@example.com"


# -- new users -----------------------------------------------------------------------------


def test_new_users_are_created_as_agents_whose_passwords_verify(cli, write_csv):
    code, report = import_rows(
        cli,
        write_csv,
        USERS_HEADER,
        ["ann@example.com", "Ann", "Lee", "ann-secret", ""],
        ["bob@example.com", "Bob", "", "bob-secret", "false"],
    )
    assert code == 0
    assert counts(report) == {"rows": 2, "created": 2, "updated": 0, "unchanged": 0, "failed": 0}
    ann, bob = show(cli, "ann@example.com"), show(cli, "bob@example.com")
    assert (ann["first_name"], ann["last_name"], ann["active"], ann["role"]) == (
        "Ann",
        "Lee",
        True,
        "agent",
    )
    assert (bob["first_name"], bob["last_name"], bob["active"], bob["role"]) == (
        "Bob",
        None,
        False,
        "agent",
    )
    assert verifies(cli, "ann@example.com", "ann-secret")
    assert verifies(cli, "bob@example.com", "bob-secret")
    assert not verifies(cli, "ann@example.com", "bob-secret")


def test_password_is_stored_only_as_a_rolodex_argon2id_hash(cli, write_csv, store):
    import_rows(cli, write_csv, ["email", "password"], ["ann@example.com", "ann-secret"])
    stored = stored_hash(store, "ann@example.com")
    assert stored.startswith(ROLODEX_HASH_PREFIX), stored
    assert "ann-secret" not in stored


@pytest.mark.parametrize(
    ("header", "row", "password"),
    [
        pytest.param(
            ["email", "password", "password_hash"],
            ["ann@example.com", "ann-secret", ""],
            "ann-secret",
            id="password-given-hash-cell-empty",
        ),
        pytest.param(
            ["email", "password", "password_hash"],
            ["ann@example.com", "", bcrypt_hash("ann-secret", "2b")],
            "ann-secret",
            id="hash-given-password-cell-empty",
        ),
        pytest.param(
            ["email", "password_hash"],
            ["ann@example.com", bcrypt_hash("ann-secret", "2b")],
            "ann-secret",
            id="hash-column-alone",
        ),
    ],
)
def test_either_secret_column_may_be_empty_when_the_other_is_given(
    cli, write_csv, header, row, password
):
    code, report = import_rows(cli, write_csv, header, row)
    assert (code, report["created"], report["failed"]) == (0, 1, 0), report
    assert verifies(cli, "ann@example.com", password)


# -- the header ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "name", "lower"),
    [
        pytest.param("Email,password", "Email", "email", id="capitalised-email"),
        pytest.param("email,PASSWORD", "PASSWORD", "password", id="upper-case-password"),
        pytest.param("email,password,Active", "Active", "active", id="capitalised-active"),
        pytest.param("email,password,First_Name", "First_Name", "first_name", id="mixed-case"),
        pytest.param(
            "email,Password_Hash", "Password_Hash", "password_hash", id="mixed-case-hash-column"
        ),
    ],
)
def test_our_column_names_written_another_way_bind(cli, write_csv, header, name, lower):
    width = header.count(",") + 1
    row = ",".join(["ann@example.com", "ann-secret", "true"][:width])
    _, report = run_import(cli, write_csv(f"{header}\n{row}\n"))
    assert "error" not in report, report
    assert {c["column"]: c["target"] for c in report["columns"]}[name] == lower


@pytest.fixture
def contacts_catalog(cli):
    """A custom field and labels exist — for contacts; a users file may not use them."""
    assert cli("fields", "add", "plan").exit_code == 0
    assert cli("labels", "add", "Trial").exit_code == 0


@pytest.mark.parametrize(
    ("header", "name"),
    [
        pytest.param("email,password,id", "id", id="id"),
        pytest.param("email,password,role", "role", id="role"),
        pytest.param("email,password,is_admin", "is_admin", id="is-admin"),
        pytest.param("email,password,labels", "labels", id="a-contacts-column"),
        pytest.param("email,password,plan", "plan", id="a-contacts-custom-field"),
        pytest.param("email,password,password", "password", id="password-twice"),
        pytest.param("first_name,password,active", "email", id="no-email-column"),
    ],
)
def test_bad_header_is_a_file_error_naming_the_column(
    cli, write_csv, contacts_catalog, header, name
):
    code, report = run_import(cli, write_csv(f"{header}\nann@example.com,ann-secret,x\n"))
    assert code == 2
    assert set(report) <= {"error", "columns"}
    assert names_quoted(name, report["error"]), report["error"]
    assert exported_emails(cli) == []


def test_bad_header_is_a_file_error_in_text_mode_too(cli, write_csv):
    result = cli("import", "users", write_csv("email,password,role\nann@example.com,x,admin\n"))
    assert result.exit_code == 2
    assert "role" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    assert exported_emails(cli) == []


# -- passwords -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "password", "near_miss"),
    [
        pytest.param("  pass word  ", "  pass word  ", "pass word", id="surrounding-spaces"),
        pytest.param(" secret1", " secret1", "secret1", id="leading-space"),
        pytest.param("secret1 ", "secret1 ", "secret1", id="trailing-space"),
        pytest.param('"  secret  "', "  secret  ", "secret", id="quoted-with-spaces"),
        pytest.param('"pa,ss""wd"', 'pa,ss"wd', 'pa,ss""wd', id="quoted-comma-and-quote"),
        pytest.param("abc123", "abc123", "abc12", id="exactly-six-characters"),
        pytest.param("пароль", "пароль", "ПАРОЛЬ", id="six-non-ascii-characters"),
        pytest.param("ÄÖÜäöü", "ÄÖÜäöü", "AOUaou", id="six-accented-letters"),
    ],
)
def test_password_is_kept_exactly_as_given(cli, write_csv, cell, password, near_miss):
    path = write_csv(f"email,first_name,password\nann@example.com,Ann,{cell}\n")
    code, report = run_import(cli, path)
    assert (code, report["created"], report["failed"]) == (0, 1, 0), report
    assert verifies(cli, "ann@example.com", password)
    assert not verifies(cli, "ann@example.com", near_miss)


@pytest.mark.parametrize(
    "password",
    [
        pytest.param("12345", id="five-characters"),
        pytest.param("ÄÖÜäö", id="five-non-ascii-characters"),
        pytest.param("     ", id="five-spaces"),
        pytest.param("x" * 10 * 1024, id="ten-kilobytes"),
        pytest.param("abc\x00defg", id="nul-character"),
    ],
)
def test_unacceptable_password_is_a_row_error(cli, write_csv, password):
    code, report = import_rows(cli, write_csv, ["email", "password"], ["ann@example.com", password])
    assert code == 1
    assert counts(report) == {"rows": 1, "created": 0, "updated": 0, "unchanged": 0, "failed": 1}
    assert flat(report) == [(2, "password")]
    assert report["errors"][0]["message"]
    assert not exists(cli, "ann@example.com")


def test_too_short_password_message_says_the_minimum(cli, write_csv):
    _, report = import_rows(cli, write_csv, ["email", "password"], ["ann@example.com", "12345"])
    message = report["errors"][0]["message"]
    assert "6" in message, message
    assert "12345" not in message


def test_ten_kilobyte_password_is_refused_with_a_short_clear_message(cli, write_csv):
    password = "x" * 10 * 1024
    _, report = import_rows(cli, write_csv, ["email", "password"], ["ann@example.com", password])
    message = report["errors"][0]["message"]
    assert "long" in message.lower(), message
    assert len(message) < 200, message


def test_unacceptable_password_on_update_keeps_the_old_one(cli, write_csv, store, ann):
    before = stored_hash(store, ann)
    code, report = import_rows(cli, write_csv, ["email", "password"], [ann, "short"])
    assert (code, flat(report)) == (1, [(2, "password")])
    assert stored_hash(store, ann) == before
    assert verifies(cli, ann, "first-pass")


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("email,first_name,password\nann@example.com,Ann,\n", id="empty-password"),
        pytest.param("email,first_name\nann@example.com,Ann\n", id="no-password-column"),
        pytest.param(
            "email,password,password_hash\nann@example.com,,\n", id="both-secret-cells-empty"
        ),
    ],
)
def test_new_user_without_a_password_is_a_row_error(cli, write_csv, content):
    code, report = run_import(cli, write_csv(content))
    assert code == 1
    assert (report["created"], report["failed"]) == (0, 1)
    assert flat(report) == [(2, "password")]
    assert not exists(cli, "ann@example.com")


@pytest.mark.parametrize(
    ("row", "outcome"),
    [
        pytest.param(["ann@example.com", "Annie", "Lee", "", ""], "updated", id="names-changed"),
        pytest.param(["ann@example.com", "Ann", "Lee", "", ""], "unchanged", id="nothing-changed"),
    ],
)
def test_empty_password_on_update_keeps_the_old_one(cli, write_csv, store, ann, row, outcome):
    before = stored_hash(store, ann)
    code, report = import_rows(cli, write_csv, USERS_HEADER, row)
    assert code == 0
    assert (report[outcome], report["failed"]) == (1, 0), report
    assert stored_hash(store, ann) == before
    assert verifies(cli, ann, "first-pass")


def test_changed_password_is_updated_and_only_the_new_one_verifies(cli, write_csv, store, ann):
    before = stored_hash(store, ann)
    code, report = import_rows(cli, write_csv, ["email", "password"], [ann, "second-pass"])
    assert code == 0
    assert counts(report) == {"rows": 1, "created": 0, "updated": 1, "unchanged": 0, "failed": 0}
    after = stored_hash(store, ann)
    assert after != before
    assert after.startswith(ROLODEX_HASH_PREFIX)
    assert verifies(cli, ann, "second-pass")
    assert not verifies(cli, ann, "first-pass")


def test_same_password_again_is_unchanged_and_not_hashed_again(cli, write_csv, store, ann):
    before = stored_hash(store, ann)
    code, report = import_rows(cli, write_csv, ["email", "password"], [ann, "first-pass"])
    assert code == 0
    assert counts(report) == {"rows": 1, "created": 0, "updated": 0, "unchanged": 1, "failed": 0}
    assert stored_hash(store, ann) == before


def test_same_file_twice_is_all_unchanged_and_every_hash_stays_byte_identical(
    cli, write_csv, store
):
    path = write_csv(
        csv_text(
            ["email", "first_name", "last_name", "password", "password_hash", "active"],
            ["ann@example.com", "Ann", "Lee", " ann secret ", "", "true"],
            ["bob@example.com", "Bob", "", "", bcrypt_hash("bob-secret", "2b"), "FALSE"],
            ["cy@example.com", "", "Young", "cy-secret", "", ""],
        )
    )
    assert run_import(cli, path)[0] == 0
    emails = ["ann@example.com", "bob@example.com", "cy@example.com"]
    hashes = [stored_hash(store, email) for email in emails]
    users = [show(cli, email) for email in emails]
    code, report = run_import(cli, path)
    assert code == 0
    assert counts(report) == {"rows": 3, "created": 0, "updated": 0, "unchanged": 3, "failed": 0}
    assert [stored_hash(store, email) for email in emails] == hashes
    assert [show(cli, email) for email in emails] == users


def test_later_row_for_the_same_email_sets_the_final_password(cli, write_csv):
    code, report = import_rows(
        cli,
        write_csv,
        ["email", "first_name", "password"],
        ["ann@example.com", "Ann", "first-pass"],
        ["ANN@example.com", "", "second-pass"],
    )
    assert code == 0
    assert counts(report) == {"rows": 2, "created": 1, "updated": 1, "unchanged": 0, "failed": 0}
    assert exported_emails(cli) == ["ann@example.com"]
    assert verifies(cli, "ann@example.com", "second-pass")
    assert not verifies(cli, "ann@example.com", "first-pass")


def test_row_updates_the_user_whose_email_matches_in_any_case(cli, write_csv, ann):
    code, report = import_rows(
        cli, write_csv, ["email", "first_name"], ["ANN@Example.COM", "Annie"]
    )
    assert code == 0
    assert (report["updated"], report["created"]) == (1, 0)
    assert show(cli, ann)["first_name"] == "Annie"
    assert exported_emails(cli) == [ann]


def test_same_email_twice_with_the_same_password_is_created_then_unchanged(cli, write_csv):
    code, report = import_rows(
        cli,
        write_csv,
        ["email", "password"],
        ["ann@example.com", "first-pass"],
        ["ann@example.com", "first-pass"],
    )
    assert code == 0
    assert counts(report) == {"rows": 2, "created": 1, "updated": 0, "unchanged": 1, "failed": 0}
    assert verifies(cli, "ann@example.com", "first-pass")


def test_password_in_a_windows_1252_file_is_the_text_a_person_typed(cli, write_csv):
    path = write_csv("email,password\nann@example.com,p\xe4ssw\xf6rd\n".encode("cp1252"))
    code, report = run_import(cli, path)
    assert (code, report["created"]) == (0, 1), report
    assert report["warnings"], "the report says the file was read as Windows-1252"
    assert verifies(cli, "ann@example.com", "p\xe4ssw\xf6rd")


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        pytest.param(
            ["not-an-email", "12345", "true"],
            [(2, "email"), (2, "password")],
            id="bad-email-and-short-password",
        ),
        pytest.param(
            ["ann@example.com", "12345", "maybe"],
            [(2, "active"), (2, "password")],
            id="short-password-and-bad-active",
        ),
        pytest.param(
            ["ann@example.com", "", "maybe"],
            [(2, "active"), (2, "password")],
            id="new-user-without-password-and-bad-active",
        ),
    ],
)
def test_every_problem_of_a_rejected_row_is_reported(cli, write_csv, row, expected):
    code, report = import_rows(cli, write_csv, ["email", "password", "active"], row)
    assert code == 1
    assert (report["created"], report["failed"]) == (0, 1)
    assert flat(report) == expected


# -- active --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "active"),
    [
        pytest.param("true", True, id="true"),
        pytest.param("TRUE", True, id="TRUE"),
        pytest.param("True", True, id="True"),
        pytest.param("false", False, id="false"),
        pytest.param("FALSE", False, id="FALSE"),
        pytest.param("fAlSe", False, id="fAlSe"),
        pytest.param(" false ", False, id="false-with-spaces-around"),
        pytest.param("", True, id="empty-on-create-means-true"),
    ],
)
def test_active_on_create_is_true_or_false_in_any_case(cli, write_csv, cell, active):
    path = write_csv(f"email,password,active\nann@example.com,ann-secret,{cell}\n")
    code, report = run_import(cli, path)
    assert (code, report["created"], report["failed"]) == (0, 1, 0), report
    assert show(cli, "ann@example.com")["active"] is active


@pytest.mark.parametrize(
    "cell",
    [
        pytest.param("yes", id="yes"),
        pytest.param("no", id="no"),
        pytest.param("1", id="one"),
        pytest.param("0", id="zero"),
        pytest.param("t", id="t"),
        pytest.param("on", id="on"),
        pytest.param("active", id="the-column-name"),
    ],
)
def test_active_other_values_are_row_errors(cli, write_csv, cell):
    path = write_csv(f"email,password,active\nann@example.com,ann-secret,{cell}\n")
    code, report = run_import(cli, path)
    assert code == 1
    assert (report["created"], report["failed"]) == (0, 1)
    assert flat(report) == [(2, "active")]
    assert not exists(cli, "ann@example.com")


@pytest.mark.parametrize(
    ("cell", "active", "outcome"),
    [
        pytest.param("", False, "unchanged", id="empty-keeps-inactive"),
        pytest.param("FALSE", False, "unchanged", id="false-again"),
        pytest.param("True", True, "updated", id="reactivated"),
    ],
)
def test_active_on_update(cli, write_csv, cell, active, outcome):
    setup = "email,password,active\nann@example.com,ann-secret,false\n"
    assert run_import(cli, write_csv(setup, name="setup.csv"))[0] == 0
    code, report = run_import(cli, write_csv(f"email,active\nann@example.com,{cell}\n"))
    assert code == 0
    assert report[outcome] == 1, report
    assert show(cli, "ann@example.com")["active"] is active


def test_deactivating_an_agent_is_an_update(cli, write_csv, ann):
    code, report = import_rows(cli, write_csv, ["email", "active"], [ann, "false"])
    assert (code, report["updated"]) == (0, 1)
    assert show(cli, ann)["active"] is False


# -- roles ---------------------------------------------------------------------------------


def test_import_never_changes_an_admins_role(cli, write_csv):
    assert cli("users", "create-admin", "boss@example.com", stdin="boss-secret\n").exit_code == 0
    code, report = import_rows(
        cli, write_csv, USERS_HEADER, ["boss@example.com", "Big", "Boss", "", ""]
    )
    assert (code, report["updated"]) == (0, 1), report
    boss = show(cli, "boss@example.com")
    assert (boss["first_name"], boss["last_name"], boss["role"]) == ("Big", "Boss", "admin")
    assert verifies(cli, "boss@example.com", "boss-secret")


# -- password_hash: moving from another system ---------------------------------------------


@pytest.mark.parametrize("scheme", list(FOREIGN_HASHES))
def test_foreign_hash_verifies_with_the_old_password_and_is_upgraded_on_first_success(
    cli, write_csv, store, scheme
):
    foreign = FOREIGN_HASHES[scheme]("old-system-pass")
    code, report = import_rows(
        cli, write_csv, ["email", "password_hash"], ["ann@example.com", foreign]
    )
    assert (code, report["created"], report["failed"]) == (0, 1, 0), report
    assert show(cli, "ann@example.com")["role"] == "agent"
    assert stored_hash(store, "ann@example.com") == foreign

    assert not verifies(cli, "ann@example.com", "wrong-password")
    assert stored_hash(store, "ann@example.com") == foreign

    assert verifies(cli, "ann@example.com", "old-system-pass")
    upgraded = stored_hash(store, "ann@example.com")
    assert upgraded.startswith(ROLODEX_HASH_PREFIX), upgraded

    assert verifies(cli, "ann@example.com", "old-system-pass")
    assert stored_hash(store, "ann@example.com") == upgraded
    assert not verifies(cli, "ann@example.com", "wrong-password")


def test_hash_with_rolodexs_own_parameters_is_kept_after_a_successful_check(
    cli, write_csv, store, ann
):
    current = stored_hash(store, ann)
    code, report = import_rows(
        cli, write_csv, ["email", "password_hash"], ["bob@example.com", current]
    )
    assert (code, report["created"]) == (0, 1), report
    assert verifies(cli, "bob@example.com", "first-pass")
    assert stored_hash(store, "bob@example.com") == current


VALID_BCRYPT = bcrypt_hash("old-system-pass", "2b")


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("not-a-hash", id="plain-words"),
        pytest.param(VALID_BCRYPT[:-1], id="bcrypt-one-character-short"),
        pytest.param(VALID_BCRYPT + "x", id="bcrypt-one-character-long"),
        pytest.param("$2x$" + VALID_BCRYPT[4:], id="bcrypt-unknown-variant-2x"),
        pytest.param(VALID_BCRYPT[:-10] + "!!!!!!!!!!", id="bcrypt-bad-alphabet"),
        pytest.param("$1$saltsalt$qjXMvbEw8oaL.CzflDugX/", id="md5-crypt"),
        pytest.param(
            "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8", id="sha256"
        ),
        pytest.param("$argon2id$v=19$m=1024,t=1,p=1$", id="argon2-without-salt-or-hash"),
        pytest.param("$argon2id$v=19$m=x,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g", id="argon2-bad-memory"),
    ],
)
def test_malformed_hash_is_a_row_error(cli, write_csv, value):
    code, report = import_rows(
        cli, write_csv, ["email", "password_hash"], ["ann@example.com", value]
    )
    assert code == 1
    assert (report["created"], report["failed"]) == (0, 1)
    assert flat(report) == [(2, "password_hash")]
    assert not exists(cli, "ann@example.com")


COSTLY = {
    "argon2-1GiB-t16-p64": (
        "$argon2id$v=19$m=1048576,t=16,p=64$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
        "m=1048576 KiB is above 262144 (256 MiB)",
    ),
    "bcrypt-16": ("$2b$16$" + "a" * 21 + "." + "b" * 31, "bcrypt cost 16 is above 13"),
}


@pytest.mark.parametrize("value,why", COSTLY.values(), ids=COSTLY.keys())
def test_a_hash_too_costly_to_check_at_login_is_a_row_error_saying_why(cli, write_csv, value, why):
    code, report = import_rows(
        cli, write_csv, ["email", "password_hash"], ["ann@example.com", value]
    )
    assert code == 1
    assert flat(report) == [(2, "password_hash")]
    assert why in report["errors"][0]["message"]
    assert not exists(cli, "ann@example.com")


def test_a_django_default_argon2_hash_still_imports(cli, write_csv):
    django = "$argon2id$v=19$m=102400,t=2,p=8$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA"
    code, report = import_rows(
        cli, write_csv, ["email", "password_hash"], ["ann@example.com", django]
    )
    assert (code, report["created"]) == (0, 1), report


def test_password_and_password_hash_in_one_row_is_a_row_error(cli, write_csv):
    code, report = import_rows(
        cli,
        write_csv,
        ["email", "password", "password_hash"],
        ["ann@example.com", "ann-secret", bcrypt_hash("ann-secret", "2b")],
    )
    assert code == 1
    assert (report["created"], report["failed"]) == (0, 1)
    assert [error["row"] for error in report["errors"]] == [2]
    assert report["errors"][0]["column"] in ("password", "password_hash")
    assert not exists(cli, "ann@example.com")


# -- run options ---------------------------------------------------------------------------

MIXED_ROWS = (
    ["ann@example.com", "Annie", "Lee", "second-pass", ""],
    ["bob@example.com", "Bob", "Ray", "bob-secret", "false"],
    ["not-an-email", "Cy", "", "cy-secret", ""],
    ["dee@example.com", "Dee", "", "dee-secret", "maybe"],
)


def test_dry_run_counts_as_a_real_run_and_writes_nothing(cli, write_csv, store, ann):
    path = write_csv(csv_text(USERS_HEADER, *MIXED_ROWS))
    ann_before, hash_before = show(cli, ann), stored_hash(store, ann)

    code, dry = run_import(cli, path, "--dry-run")
    assert code == 1
    assert dry["dry_run"] is True
    assert counts(dry) == {"rows": 4, "created": 1, "updated": 1, "unchanged": 0, "failed": 2}
    assert flat(dry) == [(4, "email"), (5, "active")]
    assert exported_emails(cli) == [ann]
    assert show(cli, ann) == ann_before
    assert stored_hash(store, ann) == hash_before
    assert verifies(cli, ann, "first-pass")

    code, real = run_import(cli, path)
    assert code == 1
    assert real["dry_run"] is False
    assert counts(real) == counts(dry)
    assert flat(real) == flat(dry)
    assert verifies(cli, ann, "second-pass")


def test_strict_writes_nothing_when_a_row_fails(cli, write_csv, store, ann):
    path = write_csv(csv_text(USERS_HEADER, *MIXED_ROWS))
    hash_before = stored_hash(store, ann)
    code, report = run_import(cli, path, "--strict")
    assert code == 1
    assert report["failed"] == 2
    assert flat(report) == [(4, "email"), (5, "active")]
    assert exported_emails(cli) == [ann]
    assert stored_hash(store, ann) == hash_before
    assert show(cli, ann)["first_name"] == "Ann"


def test_strict_writes_everything_when_no_row_fails(cli, write_csv, ann):
    path = write_csv(csv_text(USERS_HEADER, *MIXED_ROWS[:2]))
    code, report = run_import(cli, path, "--strict")
    assert code == 0
    assert counts(report) == {"rows": 2, "created": 1, "updated": 1, "unchanged": 0, "failed": 0}
    assert verifies(cli, ann, "second-pass")
    assert verifies(cli, "bob@example.com", "bob-secret")


def test_error_file_blanks_password_cells_and_keeps_every_other_value(cli, write_csv, tmp_path):
    header = ["email", "first_name", "last_name", "password", "password_hash", "active"]
    foreign = bcrypt_hash("gus-secret", "2b")
    path = write_csv(
        csv_text(
            header,
            ["dave@example.com", "Dave", "Ok", "dave-secret", "", "true"],
            ["not-an-email", "Ann", "Lee", "ann-secret", "", "true"],
            ["erin@example.com", "Erin", "Ng", "", "not-a-hash", "TRUE"],
            ["fay@example.com", "Fay", "Wu", "short", "", "yes"],
            ["gus@example.com", "Gus", "Ho", "gus-secret", foreign, "false"],
        )
    )
    errors = tmp_path / "errors.csv"
    result = cli("import", "users", path, "--errors", errors)
    assert result.exit_code == 1, result
    with errors.open(encoding="utf-8-sig", newline="") as stream:
        records = list(csv.reader(stream))
    assert records[0] == [*header, "error"]
    assert [row[:-1] for row in records[1:]] == [
        ["not-an-email", "Ann", "Lee", "", "", "true"],
        ["erin@example.com", "Erin", "Ng", "", "", "TRUE"],
        ["fay@example.com", "Fay", "Wu", "", "", "yes"],
        ["gus@example.com", "Gus", "Ho", "", "", "false"],
    ]
    assert all(row[-1] for row in records[1:])
    assert "password" in records[3][-1] and "active" in records[3][-1], records[3][-1]
    assert exported_emails(cli) == ["dave@example.com"]


def test_fixed_error_file_imports_again(cli, write_csv, tmp_path):
    path = write_csv(
        csv_text(
            USERS_HEADER,
            ["ann@example.com", "Ann", "Lee", "ann-secret", "maybe"],
            ["bob@example.com", "Bob", "Ray", "12345", "false"],
        )
    )
    errors = tmp_path / "errors.csv"
    assert cli("import", "users", path, "--errors", errors).exit_code == 1
    with errors.open(encoding="utf-8-sig", newline="") as stream:
        header, *rows = list(csv.reader(stream))
    assert header == [*USERS_HEADER, "error"]
    rows[0][3:5] = ["ann-secret", "true"]
    rows[1][3] = "bob-secret"
    fixed = write_csv(csv_text(header, *rows), name="fixed.csv")
    code, report = run_import(cli, fixed)
    assert code == 0
    assert (report["created"], report["failed"]) == (2, 0), report
    assert verifies(cli, "ann@example.com", "ann-secret")
    assert show(cli, "bob@example.com")["active"] is False


def test_json_report_has_the_documented_shape(cli, write_csv):
    path = write_csv(csv_text(USERS_HEADER, *MIXED_ROWS[1:3]))
    result = cli("import", "users", path, "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert set(report) == REPORT_KEYS
    assert (report["kind"], report["dry_run"]) == ("users", False)
    assert isinstance(report["id"], int)
    assert counts(report) == {"rows": 2, "created": 1, "updated": 0, "unchanged": 0, "failed": 1}
    assert [set(error) for error in report["errors"]] == [{"row", "column", "code", "message"}]
    assert report["errors"][0]["row"] == 3
    assert report["errors"][0]["column"] == "email"
    assert report["warnings"] == []


# -- hashing on several processes ----------------------------------------------------------


def test_import_hashes_new_users_on_a_two_process_pool(store, write_csv):
    people = [(f"agent{n:02}@example.com", f"secret-{n:02}-{'é' * (n % 3)}") for n in range(20)]
    path = write_csv(csv_text(["email", "password"], *people))
    with HashingPool(processes=2) as pool:
        report = import_file("users", path, store, ImportOptions(batch_size=8), pool=pool)
        assert (report.counts.created, report.counts.failed, report.exit_code) == (20, 0, 0)
        hashes = [stored_hash(store, email) for email, _ in people]
        passwords = [password for _, password in people]
        assert pool.verify_many(list(zip(hashes, passwords, strict=True))) == [True] * 20
        shifted = passwords[1:] + passwords[:1]
        assert pool.verify_many(list(zip(hashes, shifted, strict=True))) == [False] * 20
    assert pool.processes == 2
    assert len(set(hashes)) == 20
    assert all(h.startswith(ROLODEX_HASH_PREFIX) for h in hashes)
    independent = argon2.PasswordHasher()
    for index in (0, 19):
        assert independent.verify(hashes[index], passwords[index])
