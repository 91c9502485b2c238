"""docs/importing.md#passwords: a plaintext password never appears in any output, log, report, error
file or database column — and `export users` never has a password or hash column
(docs/commands.md#export).

Every plaintext here is a distinctive canary, carried by valid rows and by rows rejected for
any reason (a bad email, a bad `active`, too short, too long, a control character, pasted
into the `password_hash` column, given together with a hash). The tests then search
everything a person or an attacker could read: the captured stdout and stderr of every
command (text and --json), the log records, the error files, `users show`, `export users`,
`imports list/show`, every row of every table, and on SQLite the database file's own bytes
(with its -wal file, before and after a checkpoint).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import sqlite3
from pathlib import Path

import bcrypt
import pytest
from sqlalchemy import MetaData

from rolodex.store.database import make_engine
from tests.helpers import csv_text

SETUP_PASSWORD = "Setup-Canary-20"
NEW_PASSWORD = "Plain-Text-Canary-42"
CHANGED_PASSWORD = "Update-Canary-21"
TOO_SHORT = "Qz7#x"
BAD_EMAIL_PASSWORD = "Bad-Email-Canary-13"
BAD_ACTIVE_PASSWORD = "Bad-Active-Canary-14"
TOO_LONG_PART = "Long-Canary-15"
CONTROL_PASSWORD = "Tab-Canary-16\tend"
PASTED_IN_HASH_COLUMN = "Hash-Column-Canary-17"
BESIDE_A_HASH = "Both-Canary-18"
ADMIN_PASSWORD = "Admin-Canary-22"
ADMIN_TOO_SHORT = "Qz7#y"

CANARIES = (
    SETUP_PASSWORD,
    NEW_PASSWORD,
    CHANGED_PASSWORD,
    TOO_SHORT,
    BAD_EMAIL_PASSWORD,
    BAD_ACTIVE_PASSWORD,
    TOO_LONG_PART,
    "Tab-Canary-16",
    PASTED_IN_HASH_COLUMN,
    BESIDE_A_HASH,
    ADMIN_PASSWORD,
    ADMIN_TOO_SHORT,
)

HEADER = ["email", "first_name", "last_name", "password", "password_hash", "active"]
EMAILS = ("old@example.com", "ann@example.com")


def cheap_bcrypt(password):
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()


MAIN_ROWS = (
    ["ann@example.com", "Ann", "Lee", NEW_PASSWORD, "", "true"],
    ["old@example.com", "Old", "Timer", CHANGED_PASSWORD, "", ""],
    ["short@example.com", "Sho", "Rt", TOO_SHORT, "", ""],
    ["not-an-email", "Bad", "Email", BAD_EMAIL_PASSWORD, "", ""],
    ["active@example.com", "Bad", "Active", BAD_ACTIVE_PASSWORD, "", "maybe"],
    ["long@example.com", "Too", "Long", TOO_LONG_PART * 80, "", ""],
    ["tab@example.com", "Con", "Trol", CONTROL_PASSWORD, "", ""],
    ["pasted@example.com", "Pas", "Ted", "", PASTED_IN_HASH_COLUMN, ""],
    ["both@example.com", "Bo", "Th", BESIDE_A_HASH, cheap_bcrypt(BESIDE_A_HASH), ""],
)


def leaks(places, canaries=CANARIES):
    """Every (place, canary) where a plaintext shows, in text or in UTF-8/UTF-16 bytes."""
    found = []
    for place, content in places:
        for canary in canaries:
            if isinstance(content, bytes):
                forms = (canary.encode("utf-8"), canary.encode("utf-16-le"))
                if any(form in content for form in forms):
                    found.append((place, canary))
            elif canary in content:
                found.append((place, canary))
    return found


class Recorder:
    """Runs CLI commands and keeps everything they printed, named by the command."""

    def __init__(self, cli):
        self.cli = cli
        self.places = []

    def __call__(self, *args, stdin=""):
        result = self.cli(*args, stdin=stdin)
        name = " ".join(str(a) if not isinstance(a, Path) else a.name for a in args)
        self.places += [(f"stdout of {name}", result.stdout), (f"stderr of {name}", result.stderr)]
        return result


@pytest.fixture
def logs(caplog):
    """Every log record of every logger, from DEBUG up (SQL statements and their
    parameters included, where the database layer logs them)."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    return caplog


def logged(caplog):
    """What the log records say — of the fixtures' set-up and of the test itself."""
    records = [*caplog.get_records("setup"), *caplog.get_records("call")]
    messages = "\n".join(record.getMessage() for record in records)
    assert "INSERT INTO users" in messages, "no SQL was logged: the search would prove nothing"
    return [
        ("log messages", messages),
        ("log arguments", "\n".join(repr(record.args) for record in records)),
    ]


@pytest.fixture
def imported(cli, write_csv, tmp_path, logs):
    """One stored user, then a file of valid and rejected rows imported every way there is:
    text and --json (each with an error file), --dry-run and --strict."""
    run = Recorder(cli)
    setup = csv_text(HEADER, ["old@example.com", "Old", "Timer", SETUP_PASSWORD, "", ""])
    inputs = [write_csv(setup, name="setup.csv"), write_csv(csv_text(HEADER, *MAIN_ROWS))]
    assert run("import", "users", inputs[0]).exit_code == 0
    path = inputs[1]
    outputs = {name: tmp_path / f"{name}.csv" for name in ("errors-text", "errors-json", "strict")}
    assert run("import", "users", path, "--errors", outputs["errors-text"]).exit_code == 1
    assert run("import", "users", path, "--json", "--errors", outputs["errors-json"]).exit_code == 1
    assert run("import", "users", path, "--dry-run", "--json").exit_code == 1
    assert run("import", "users", path, "--dry-run").exit_code == 1
    assert run("import", "users", path, "--strict", "--errors", outputs["strict"]).exit_code == 1
    return run, inputs, outputs


def test_import_output_error_files_and_logs_hold_no_plaintext(imported, logs):
    run, _, outputs = imported
    places = list(run.places)
    places += [(f"{path.name} (error file)", path.read_bytes()) for path in outputs.values()]
    places += logged(logs)
    assert leaks(places) == []


def test_the_error_file_still_names_every_rejected_row(imported):
    """The search above only means something if the rejected rows are really in it."""
    _, _, outputs = imported
    with outputs["errors-text"].open(encoding="utf-8-sig", newline="") as stream:
        records = list(csv.reader(stream))
    assert records[0] == [*HEADER, "error"]
    assert [row[0] for row in records[1:]] == [row[0] for row in MAIN_ROWS[2:]]
    assert {(row[3], row[4]) for row in records[1:]} == {("", "")}


def test_show_export_and_import_records_hold_no_plaintext(imported, cli, tmp_path):
    run, _, _ = imported
    for email in EMAILS:
        assert run("users", "show", email).exit_code == 0
        assert run("users", "show", email, "--json").exit_code == 0
    exported = tmp_path / "users-export.csv"
    assert run("export", "users").exit_code == 0
    assert run("export", "users", "-o", exported).exit_code == 0
    history = cli.json("imports", "list")
    assert len(history) == 6
    assert run("imports", "list", "--json").exit_code == 0
    for record in history:
        assert run("imports", "show", str(record["id"]), "--json").exit_code == 0
        assert run("imports", "show", str(record["id"])).exit_code == 0
    places = [("exported file", exported.read_bytes()), *run.places]
    assert leaks(places) == []


def every_row_of_every_table(db_url):
    """A pg_dump-like text of the whole database: each table's rows, repr'd."""
    engine = make_engine(db_url)
    try:
        metadata = MetaData()
        metadata.reflect(bind=engine)
        with engine.connect() as conn:
            return [
                (f"table {table.name}", repr(conn.execute(table.select()).all()))
                for table in metadata.sorted_tables
            ]
    finally:
        engine.dispose()


def test_no_database_row_holds_a_plaintext(imported, db_url):
    dump = every_row_of_every_table(db_url)
    tables = {place for place, _ in dump}
    assert {"table users", "table imports"} <= tables
    users = dict(dump)["table users"]
    assert "ann@example.com" in users and "$argon2id$" in users
    assert leaks(dump) == []


def sqlite_files(db_url):
    path = Path(db_url.removeprefix("sqlite:///"))
    return sorted(path.parent.glob(path.name + "*"))


@pytest.mark.parametrize(
    ("header", "row"),
    [
        pytest.param("email,password,active", "ann@example.com,Split,Canary-31,true", id="mid-row"),
        pytest.param("email,first_name,password", "ann@example.com,Ann,Split,Canary-31", id="last"),
        pytest.param(
            "email,password,password_hash,active",
            "ann@example.com,Split,In,Three-Canary-31,true",
            id="past-the-hash-column",
        ),
    ],
)
def test_a_password_split_by_an_unquoted_comma_leaks_nowhere(
    cli, write_csv, tmp_path, db_url, header, row
):
    """A hand-written file with a comma in a password: the row has one value too many, is
    rejected, and the part after the comma is still the password."""
    errors = tmp_path / "errors.csv"
    result = cli("import", "users", write_csv(f"{header}\n{row}\n"), "--json", "--errors", errors)
    assert result.exit_code == 1, result
    report = json.loads(result.stdout)
    assert [error["row"] for error in report["errors"]] == [2]
    shown = cli("imports", "show", str(report["id"]), "--json")
    places = [
        ("import output", result.stdout + result.stderr),
        ("imports show", shown.stdout),
        ("error file", errors.read_bytes()),
        *every_row_of_every_table(db_url),
    ]
    assert leaks(places, canaries=("Canary-31",)) == []


def test_a_file_without_a_header_row_does_not_echo_the_password(cli, write_csv):
    """The first record is read as the header: its cells are a password, not column names."""
    path = write_csv("ann@example.com,Ann,Header-Canary-34,true\n")
    for flags in ((), ("--json",)):
        result = cli("import", "users", path, *flags)
        assert result.exit_code == 2, result
        assert result.stdout + result.stderr, "a file error says what is wrong"
        assert leaks([("output", result.stdout + result.stderr)], ("Header-Canary-34",)) == []


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_no_byte_of_the_sqlite_files_holds_a_plaintext(imported, db_url, tmp_path):
    _, inputs, _ = imported
    before = [(f"{p.name} (before checkpoint)", p.read_bytes()) for p in sqlite_files(db_url)]
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    after = [(f"{p.name} (after checkpoint)", p.read_bytes()) for p in sqlite_files(db_url)]
    assert any(b"ann@example.com" in content for _, content in before + after)
    others = [
        (str(p.relative_to(tmp_path)), p.read_bytes())
        for p in tmp_path.rglob("*")
        if p.is_file() and p not in inputs
    ]
    assert leaks(before + after + others) == []


def test_verify_and_create_admin_never_echo_the_password(cli, write_csv, logs):
    run = Recorder(cli)
    path = write_csv(csv_text(HEADER, ["ann@example.com", "", "", NEW_PASSWORD, "", ""]))
    assert run("import", "users", path).exit_code == 0
    assert run("users", "verify", "ann@example.com", stdin=NEW_PASSWORD + "\n").exit_code == 0
    assert run("users", "verify", "ann@example.com", stdin=SETUP_PASSWORD + "\n").exit_code == 1
    assert run("users", "verify", "nobody@example.com", stdin=NEW_PASSWORD + "\n").exit_code == 1
    boss = ("users", "create-admin", "boss@example.com")
    assert run(*boss, stdin=ADMIN_TOO_SHORT + "\n").exit_code == 2
    assert run(*boss, stdin=ADMIN_PASSWORD + "\n").exit_code == 0
    assert run("users", "verify", "boss@example.com", stdin=ADMIN_PASSWORD + "\n").exit_code == 0
    places = [*run.places, *logged(logs)]
    assert leaks(places) == []


def test_export_users_never_has_a_password_or_hash_column(cli, write_csv, tmp_path):
    path = write_csv(
        csv_text(
            HEADER,
            ["ann@example.com", "Ann", "Lee", NEW_PASSWORD, "", ""],
            ["bob@example.com", "Bob", "", "", cheap_bcrypt(BESIDE_A_HASH), "false"],
        )
    )
    assert cli("import", "users", path).exit_code == 0
    assert cli("users", "create-admin", "boss@example.com", stdin=ADMIN_PASSWORD).exit_code == 0
    target = tmp_path / "users-export.csv"
    printed = cli("export", "users")
    assert printed.exit_code == 0
    assert cli("export", "users", "-o", target).exit_code == 0
    for content in (printed.stdout, target.read_text(encoding="utf-8-sig")):
        records = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
        assert records[0] == ["email", "first_name", "last_name", "active"]
        assert sorted(row[0] for row in records[1:]) == [
            "ann@example.com",
            "bob@example.com",
            "boss@example.com",
        ]
        cells = [cell for row in records for cell in row]
        assert not [cell for cell in cells if "password" in cell or cell.startswith("$")]
