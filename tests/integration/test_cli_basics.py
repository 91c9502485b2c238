"""What every command shares (docs/commands.md#the-database, docs/commands.md#json): choosing the
database, ``--json``, exit codes, ``--help``, and never a traceback.

The database is one URL, from ``--db URL`` or ``ROLODEX_DATABASE_URL`` (``--db`` wins),
``sqlite:///rolodex.db`` in the working directory by default; ``postgresql://user@host:port/db``
is taken as PostgreSQL's own tools write it. A URL that cannot be used is exit 2 with one line.
"""

from __future__ import annotations

import io
import json
import re
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import pytest
import typer.main

from rolodex.cli.app import app


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str


def run_rolodex(*args: str | Path, stdin: str = "") -> Run:
    """``rolodex ARGS`` in-process, exactly as given (no ``--db`` added)."""
    from rolodex.cli import main

    out, err = io.StringIO(), io.StringIO()
    old_argv, old_stdin = sys.argv, sys.stdin
    sys.argv = ["rolodex", *map(str, args)]
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode()))
    code = 0
    try:
        with redirect_stdout(out), redirect_stderr(err):
            main()
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    finally:
        sys.argv, sys.stdin = old_argv, old_stdin
    return Run(code, out.getvalue(), err.getvalue())


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh working directory and no ``ROLODEX_DATABASE_URL``."""
    monkeypatch.delenv("ROLODEX_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def label_names(*db: str) -> list[str]:
    result = run_rolodex(*db, "labels", "list", "--json")
    assert result.exit_code == 0, result
    return [label["name"] for label in json.loads(result.stdout)]


def assert_one_line_error(result: Run, exit_code: int = 2) -> str:
    assert result.exit_code == exit_code, result
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


# --- choosing the database ---------------------------------------------------------------


def test_db_option_creates_the_sqlite_file_where_it_says(workdir):
    (workdir / "elsewhere").mkdir()
    path = workdir / "elsewhere" / "chosen.db"

    assert run_rolodex("--db", f"sqlite:///{path}", "labels", "add", "Trial").exit_code == 0

    assert path.is_file()
    assert not (workdir / "rolodex.db").exists()
    assert label_names("--db", f"sqlite:///{path}") == ["Trial"]


def test_environment_variable_selects_the_sqlite_file(workdir, monkeypatch):
    path = workdir / "from-env.db"
    monkeypatch.setenv("ROLODEX_DATABASE_URL", f"sqlite:///{path}")

    assert run_rolodex("labels", "add", "Trial").exit_code == 0

    assert path.is_file()
    assert not (workdir / "rolodex.db").exists()
    assert label_names("--db", f"sqlite:///{path}") == ["Trial"]


def test_db_option_wins_over_the_environment_variable(workdir, monkeypatch):
    from_env, from_option = workdir / "env.db", workdir / "option.db"
    monkeypatch.setenv("ROLODEX_DATABASE_URL", f"sqlite:///{from_env}")

    assert run_rolodex("--db", f"sqlite:///{from_option}", "labels", "add", "Trial").exit_code == 0

    assert label_names("--db", f"sqlite:///{from_option}") == ["Trial"]
    assert label_names() == []


def test_default_database_is_rolodex_db_in_the_working_directory(workdir):
    assert run_rolodex("labels", "add", "Trial").exit_code == 0

    assert (workdir / "rolodex.db").is_file()
    assert label_names("--db", f"sqlite:///{workdir / 'rolodex.db'}") == ["Trial"]


def test_relative_sqlite_path_is_relative_to_the_working_directory(workdir):
    assert run_rolodex("--db", "sqlite:///relative.db", "labels", "add", "Trial").exit_code == 0

    assert (workdir / "relative.db").is_file()


def test_each_database_keeps_its_own_records(workdir):
    first, second = f"sqlite:///{workdir / 'first.db'}", f"sqlite:///{workdir / 'second.db'}"

    run_rolodex("--db", first, "labels", "add", "Trial")
    run_rolodex("--db", second, "labels", "add", "Demo")

    assert (label_names("--db", first), label_names("--db", second)) == (["Trial"], ["Demo"])


@pytest.mark.postgres
@pytest.mark.parametrize("how", ["option", "environment"])
def test_postgresql_url_is_accepted_as_its_own_tools_write_it(
    postgres_url, workdir, monkeypatch, how
):
    assert re.fullmatch(r"postgresql://[^:@/]+@[^:/]+:\d+/\w+", postgres_url), postgres_url
    name = f"label-{uuid4().hex}"
    if how == "option":
        db = ["--db", postgres_url]
    else:
        monkeypatch.setenv("ROLODEX_DATABASE_URL", postgres_url)
        db = []

    assert run_rolodex(*db, "labels", "add", name).exit_code == 0

    assert name in label_names(*db)
    assert not (workdir / "rolodex.db").exists()


BAD_URLS = [
    pytest.param("not-a-url", id="not_a_url"),
    pytest.param("mysql://rolodex@127.0.0.1:3306/rolodex", id="unsupported_database"),
    pytest.param("sqlite:/rolodex.db", id="sqlite_with_one_slash"),
    pytest.param("sqlite://rolodex.db", id="sqlite_with_two_slashes"),
    pytest.param("sqlite:///missing-folder/rolodex.db", id="sqlite_in_a_missing_folder"),
    pytest.param("sqlite:///not-a-database.db", id="sqlite_file_that_is_not_a_database"),
    pytest.param("postgresql://rolodex@127.0.0.1:1/rolodex", id="postgresql_nothing_listening"),
]


@pytest.mark.parametrize("how", ["option", "environment"])
@pytest.mark.parametrize("url", BAD_URLS)
def test_bad_database_url_is_exit_2_with_one_line(workdir, monkeypatch, url, how):
    (workdir / "not-a-database.db").write_text("these are not the droids\n" * 100)
    if how == "option":
        result = run_rolodex("--db", url, "labels", "list")
    else:
        monkeypatch.setenv("ROLODEX_DATABASE_URL", url)
        result = run_rolodex("labels", "list")

    assert_one_line_error(result)
    assert result.stdout == ""


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"], ids=["empty", "memory"])
def test_in_memory_sqlite_url_is_refused_because_every_record_would_vanish(workdir, url):
    """A command line run ends with its process: an in-memory database would report
    contacts as created and then lose them all."""
    result = run_rolodex("--db", url, "labels", "add", "Trial")

    assert_one_line_error(result)


def test_password_in_a_database_url_is_never_shown(workdir):
    result = run_rolodex(
        "--db", "postgresql://rolodex:s3cret-pw@127.0.0.1:1/rolodex", "labels", "list"
    )

    assert_one_line_error(result)
    assert "s3cret-pw" not in result.stderr + result.stdout


# --- --json: one document on stdout ------------------------------------------------------


@pytest.fixture
def files(cli, write_csv):
    """A directory with one contact and one import; the files the import commands read."""
    cli("labels", "add", "Trial")
    good = write_csv("email,first_name,labels\njane@example.com,Jane,Trial\n", name="good.csv")
    assert cli("import", "contacts", good).exit_code == 0
    return {
        "{good}": good,
        "{one_bad_row}": write_csv("email\nkim@example.org\nnot-an-email\n", name="bad-row.csv"),
        "{bad_header}": write_csv("email,Email,email\njane@example.com,x,y\n", name="hdr.csv"),
    }


JSON_COMMANDS = [
    pytest.param(["labels", "add", "Demo"], 0, id="labels_add"),
    pytest.param(["labels", "list"], 0, id="labels_list"),
    pytest.param(["companies", "add", "Acme"], 0, id="companies_add"),
    pytest.param(["companies", "list"], 0, id="companies_list"),
    pytest.param(["fields", "add", "plan", "--type", "select", "--options", "a,b"], 0,
                 id="fields_add"),
    pytest.param(["fields", "list"], 0, id="fields_list"),
    pytest.param(["contacts", "show", "JANE@example.com"], 0, id="contacts_show"),
    pytest.param(["contacts", "list"], 0, id="contacts_list"),
    pytest.param(["contacts", "list", "--label", "Trial"], 0, id="contacts_list_label"),
    pytest.param(["import", "contacts", "{good}"], 0, id="import_unchanged"),
    pytest.param(["import", "contacts", "{good}", "--dry-run"], 0, id="import_dry_run"),
    pytest.param(["import", "contacts", "{one_bad_row}"], 1, id="import_with_a_bad_row"),
    pytest.param(["import", "contacts", "{bad_header}"], 2, id="import_file_error"),
    pytest.param(["imports", "list"], 0, id="imports_list"),
    pytest.param(["imports", "show", "1"], 0, id="imports_show"),
]  # fmt: skip


@pytest.mark.parametrize("args, exit_code", JSON_COMMANDS)
def test_json_output_is_exactly_one_json_document_on_stdout(cli, files, args, exit_code):
    result = cli(*(files.get(arg, arg) for arg in args), "--json")

    assert result.exit_code == exit_code, result
    assert "Traceback" not in result.stderr
    document = json.loads(result.stdout)  # raises on anything before or after the document
    assert isinstance(document, dict | list)


def test_json_file_error_of_an_import_is_an_error_document(cli, files):
    result = cli("import", "contacts", files["{bad_header}"], "--json")

    document = json.loads(result.stdout)
    assert set(document) == {"error"}
    assert "email" in document["error"].lower()


# --- never a traceback -------------------------------------------------------------------

ERROR_PATHS = [
    pytest.param(["nope"], 2, id="unknown_command"),
    pytest.param(["labels", "remove", "Trial"], 2, id="unknown_sub_command"),
    pytest.param(["labels", "list", "--bogus"], 2, id="unknown_option"),
    pytest.param(["--db"], 2, id="db_option_without_its_url"),
    pytest.param(["labels", "add"], 2, id="labels_add_without_a_name"),
    pytest.param(["contacts", "show"], 2, id="contacts_show_without_an_email"),
    pytest.param(["companies", "add", "Acme", "--domain"], 2, id="option_without_its_value"),
    pytest.param(["imports", "show", "abc"], 2, id="import_id_not_a_number"),
    pytest.param(["imports", "show", "999"], 1, id="import_id_unknown"),
    pytest.param(["contacts", "show", "nobody@example.com"], 1, id="contact_unknown"),
    pytest.param(["contacts", "show", "not-an-email"], 2, id="contact_email_invalid"),
    pytest.param(["contacts", "list", "--label", "Nope"], 2, id="contacts_list_label_unknown"),
    pytest.param(["labels", "add", ""], 2, id="label_name_empty"),
    pytest.param(["fields", "add", "Plan"], 2, id="field_variable_name_invalid"),
    pytest.param(["import", "contacts", "missing.csv"], 2, id="import_missing_file"),
    pytest.param(["import", "contacts", "."], 2, id="import_a_folder"),
    pytest.param(["import", "contacts"], 2, id="import_without_a_file"),
    pytest.param(["import", "contacts", "contacts.csv", "--errors", "missing/errors.csv"], 2,
                 id="errors_file_in_a_missing_folder"),
    pytest.param(["export", "contacts", "-o", "missing/out.csv"], 2,
                 id="export_into_a_missing_folder"),
    pytest.param(["export", "contacts", "-o", "."], 2, id="export_onto_a_folder"),
]  # fmt: skip


@pytest.mark.parametrize("args, exit_code", ERROR_PATHS)
def test_error_is_a_message_and_an_exit_code_never_a_traceback(workdir, args, exit_code):
    (workdir / "contacts.csv").write_text("email\njane@example.com\nnot-an-email\n")

    result = run_rolodex(*args)

    assert "Traceback" not in result.stderr + result.stdout
    assert result.exit_code == exit_code, result
    assert result.stderr.strip(), "an error says what went wrong on stderr"


def test_invalid_limit_in_the_environment_is_a_one_line_error(workdir, monkeypatch):
    monkeypatch.setenv("ROLODEX_MAX_ROWS", "many")

    line = assert_one_line_error(run_rolodex("labels", "list"))

    assert "ROLODEX_MAX_ROWS" in line


@pytest.mark.parametrize("args", [[], ["labels"], ["import"]], ids=["rolodex", "group", "import"])
def test_command_without_its_sub_command_shows_usage_without_a_traceback(workdir, args):
    result = run_rolodex(*args)

    assert "Traceback" not in result.stderr + result.stdout
    assert "Usage:" in result.stdout + result.stderr
    assert result.exit_code in (0, 2), result


# --- --help ------------------------------------------------------------------------------


def _command_paths() -> list[list[str]]:
    def walk(command, path):
        yield path
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            yield from walk(sub, [*path, name])

    return list(walk(typer.main.get_command(app), []))


@pytest.mark.parametrize(
    "path", _command_paths(), ids=lambda path: " ".join(["rolodex", *path]).replace(" ", "_")
)
def test_help_of_every_command_exits_0(workdir, path):
    result = run_rolodex(*path, "--help")

    assert result.exit_code == 0, result
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith("Usage: rolodex")
    assert not (workdir / "rolodex.db").exists(), "--help opens no database"
