"""docs/commands.md#users, the users commands: `users show` (never a password or a hash), `users
verify` (the password on stdin, one trailing newline dropped; exit 0 on a match, 1 otherwise),
`users create-admin` (the password on stdin when it is not a terminal; creates an active admin or
promotes an existing user) and `export users` (email, first_name, last_name, active — a file that
imports back unchanged). On SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import csv_text

ROLODEX = Path(sys.executable).parent / "rolodex"
EXPORT_HEADER = ["email", "first_name", "last_name", "active"]


def import_users(cli, write_csv, *rows):
    path = write_csv(csv_text(["email", "first_name", "last_name", "password", "active"], *rows))
    result = cli("import", "users", path, "--json")
    assert result.exit_code == 0, result
    return json.loads(result.stdout)


def keys_anywhere(document):
    """Every key of every object in a JSON document, however deep."""
    if isinstance(document, dict):
        return set(document) | {k for v in document.values() for k in keys_anywhere(v)}
    if isinstance(document, list):
        return {k for item in document for k in keys_anywhere(item)}
    return set()


def create_admin(cli, email, stdin):
    return cli("users", "create-admin", email, stdin=stdin)


def verify(cli, email, stdin):
    return cli("users", "verify", email, stdin=stdin).exit_code


def records(text):
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))


@pytest.fixture
def ann(cli, write_csv):
    """An active agent with the password ``ann-secret``."""
    import_users(cli, write_csv, ["ann@example.com", "Ann", "Lee", "ann-secret", ""])
    return "ann@example.com"


# -- users show ----------------------------------------------------------------------------


def test_show_json_has_the_user_and_no_secret(cli, ann):
    user = cli.json("users", "show", ann)
    assert {"id", "email", "first_name", "last_name", "active", "role"} <= set(user)
    assert isinstance(user["id"], int)
    assert (user["email"], user["first_name"], user["last_name"]) == (ann, "Ann", "Lee")
    assert (user["active"], user["role"]) == (True, "agent")
    assert not [k for k in keys_anywhere(user) if "password" in k or "hash" in k]
    assert "$argon2" not in json.dumps(user)


def test_show_text_has_the_user_and_no_secret(cli, ann):
    result = cli("users", "show", ann)
    assert result.exit_code == 0
    assert ann in result.stdout and "Ann" in result.stdout
    assert "hash" not in result.stdout.lower()
    assert "password" not in result.stdout.lower()
    assert "$argon2" not in result.stdout


def test_show_finds_the_user_in_any_case(cli, ann):
    assert cli.json("users", "show", "ANN@Example.COM")["email"] == ann


@pytest.mark.parametrize(
    "flags", [pytest.param((), id="text"), pytest.param(("--json",), id="json")]
)
def test_show_of_an_unknown_user_exits_1(cli, ann, flags):
    result = cli("users", "show", "nobody@example.com", *flags)
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert "nobody@example.com" in result.stderr


def test_show_of_an_admin_says_admin(cli):
    assert create_admin(cli, "boss@example.com", "boss-secret\n").exit_code == 0
    boss = cli.json("users", "show", "boss@example.com")
    assert (boss["role"], boss["active"]) == ("admin", True)


# -- users verify --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "stdin", "code"),
    [
        pytest.param("ann@example.com", "ann-secret\n", 0, id="right-password"),
        pytest.param("ann@example.com", "ann-secret", 0, id="right-password-no-newline"),
        pytest.param("ANN@EXAMPLE.COM", "ann-secret\n", 0, id="email-in-another-case"),
        pytest.param("ann@example.com", "ann-secreT\n", 1, id="wrong-password"),
        pytest.param("ann@example.com", "ann-secret \n", 1, id="extra-trailing-space"),
        pytest.param("ann@example.com", " ann-secret\n", 1, id="extra-leading-space"),
        pytest.param("ann@example.com", "\n", 1, id="empty-password"),
        pytest.param("ann@example.com", "ann-secret\n\n", 1, id="two-newlines-only-one-dropped"),
        pytest.param("ann@example.com", "", 1, id="nothing-on-stdin"),
        pytest.param("nobody@example.com", "ann-secret\n", 1, id="unknown-email"),
        pytest.param("not-an-email", "ann-secret\n", 1, id="not-an-email-address"),
    ],
)
def test_verify_exit_code(cli, ann, email, stdin, code):
    result = cli("users", "verify", email, stdin=stdin)
    assert result.exit_code == code, result
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("password", "stdin"),
    [
        pytest.param("ends-in-space ", "ends-in-space \n", id="trailing-space"),
        pytest.param("ends in two  ", "ends in two  \n", id="two-trailing-spaces"),
        pytest.param("  padded  ", "  padded  \n", id="spaces-both-sides"),
        pytest.param("пароль ", "пароль \n", id="non-ascii-then-a-space"),
    ],
)
def test_verify_drops_only_the_trailing_newline(cli, write_csv, password, stdin):
    import_users(cli, write_csv, ["ann@example.com", "", "", password, ""])
    assert verify(cli, "ann@example.com", stdin) == 0
    assert verify(cli, "ann@example.com", password.strip() + "\n") == 1


def test_verify_of_an_inactive_user_still_says_whether_the_password_matches(cli, write_csv):
    import_users(cli, write_csv, ["ann@example.com", "", "", "ann-secret", "false"])
    assert verify(cli, "ann@example.com", "ann-secret\n") == 0
    assert verify(cli, "ann@example.com", "wrong-one\n") == 1


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("stdin", "code"),
    [
        pytest.param(b"ann-secret\n", 0, id="lf-dropped"),
        pytest.param(b"ann-secret\r\n", 1, id="crlf-only-the-lf-is-dropped"),
    ],
)
def test_verify_in_a_real_process_drops_one_lf_and_nothing_else(cli, ann, db_url, stdin, code):
    """A real pipe, as a shell gives it: the in-process runner's stdin would turn CRLF into
    LF before rolodex saw it."""
    done = subprocess.run(
        [str(ROLODEX), "--db", db_url, "users", "verify", ann],
        input=stdin,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == code, done.stderr.decode()


# -- users create-admin --------------------------------------------------------------------


def test_create_admin_creates_an_active_admin_whose_password_verifies(cli):
    result = create_admin(cli, "boss@example.com", "boss-secret\n")
    assert result.exit_code == 0, result
    boss = cli.json("users", "show", "boss@example.com")
    assert (boss["email"], boss["role"], boss["active"]) == ("boss@example.com", "admin", True)
    assert verify(cli, "boss@example.com", "boss-secret\n") == 0
    assert verify(cli, "boss@example.com", "boss-secret!\n") == 1


def test_create_admin_keeps_the_password_exactly_but_the_newline(cli):
    assert create_admin(cli, "boss@example.com", " boss secret \n").exit_code == 0
    assert verify(cli, "boss@example.com", " boss secret \n") == 0
    assert verify(cli, "boss@example.com", "boss secret\n") == 1


def test_create_admin_promotes_an_existing_agent(cli, ann):
    before = cli.json("users", "show", ann)
    result = create_admin(cli, ann, "admin-secret\n")
    assert result.exit_code == 0, result
    after = cli.json("users", "show", ann)
    assert after["role"] == "admin"
    assert (after["id"], after["first_name"], after["last_name"]) == (
        before["id"],
        "Ann",
        "Lee",
    )
    assert verify(cli, ann, "admin-secret\n") == 0
    assert len(records(cli("export", "users").stdout)) == 2


def test_create_admin_on_an_existing_admin_keeps_one_admin(cli):
    assert create_admin(cli, "boss@example.com", "boss-secret\n").exit_code == 0
    assert create_admin(cli, "BOSS@example.com", "boss-secret-2\n").exit_code == 0
    assert cli.json("users", "show", "boss@example.com")["role"] == "admin"
    assert len(records(cli("export", "users").stdout)) == 2
    assert verify(cli, "boss@example.com", "boss-secret-2\n") == 0


@pytest.mark.parametrize(
    "stdin",
    [
        pytest.param("12345\n", id="five-characters"),
        pytest.param("\n", id="empty-line"),
        pytest.param("", id="nothing-on-stdin"),
        pytest.param("abc\x00defg\n", id="nul-character"),
    ],
)
def test_create_admin_refuses_an_unacceptable_password_with_exit_2(cli, ann, stdin):
    for email in ("boss@example.com", ann):
        result = create_admin(cli, email, stdin)
        assert result.exit_code == 2, result
        assert "Traceback" not in result.stderr
    assert cli("users", "show", "boss@example.com").exit_code == 1
    assert cli.json("users", "show", ann)["role"] == "agent"
    assert verify(cli, ann, "ann-secret\n") == 0


# -- export users --------------------------------------------------------------------------


def test_export_users_header_is_exactly_the_four_columns(cli, ann, tmp_path):
    printed = cli("export", "users")
    assert printed.exit_code == 0
    assert printed.stdout.lstrip("\ufeff").splitlines()[0] == ",".join(EXPORT_HEADER)
    target = tmp_path / "users.csv"
    assert cli("export", "users", "-o", target).exit_code == 0
    written = target.read_text(encoding="utf-8-sig")
    assert written.splitlines()[0] == ",".join(EXPORT_HEADER)
    assert records(written) == [EXPORT_HEADER, [ann, "Ann", "Lee", "true"]]


def test_export_users_of_an_empty_database_is_the_header_alone(cli):
    printed = cli("export", "users")
    assert printed.exit_code == 0
    assert records(printed.stdout) == [EXPORT_HEADER]


def test_exported_users_import_back_as_all_unchanged(cli, write_csv, tmp_path):
    import_users(
        cli,
        write_csv,
        ["ann@example.com", "Ann", "Lee", "ann-secret", ""],
        ["bob@example.com", "Bob, Jr.", "", "bob-secret", "false"],
        ["cy@example.com", "", 'O"Neil', "cy-secret-1", "TRUE"],
    )
    assert create_admin(cli, "boss@example.com", "boss-secret\n").exit_code == 0
    emails = ("ann@example.com", "bob@example.com", "cy@example.com", "boss@example.com")
    before = [cli.json("users", "show", email) for email in emails]
    target = tmp_path / "users.csv"
    assert cli("export", "users", "-o", target).exit_code == 0

    result = cli("import", "users", target, "--json")
    assert result.exit_code == 0, result
    report = json.loads(result.stdout)
    assert {k: report[k] for k in ("rows", "created", "updated", "unchanged", "failed")} == {
        "rows": 4,
        "created": 0,
        "updated": 0,
        "unchanged": 4,
        "failed": 0,
    }
    assert [cli.json("users", "show", email) for email in emails] == before
