"""docs/importing.md#limits: file size, value size, rows per file and labels per cell — each set
from the environment, each met with a clear message naming the variable that raises it, a
file over a file limit refused whole (exit 2, nothing written), a cell over the labels limit
a row error. The defaults are exercised on big files by ``test_corpus.py``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.helpers import run_import

README = Path(__file__).resolve().parents[2] / "README.md"
LIMITS = (
    "ROLODEX_MAX_FILE_BYTES",
    "ROLODEX_MAX_FIELD_CHARS",
    "ROLODEX_MAX_ROWS",
    "ROLODEX_MAX_LABELS_PER_CELL",
)


def refused(cli, path, kind="contacts"):
    """The message of a file error, checked to be one and to have written nothing."""
    code, document = run_import(cli, path, kind=kind)
    assert (code, list(document)) == (2, ["error"]), document
    plain = cli("import", kind, path)
    assert plain.exit_code == 2
    assert plain.stderr.strip().splitlines() == [f"error: {document['error']}"]
    assert cli.json("contacts", "list") == []
    assert cli.json("imports", "list") == []
    return document["error"]


def rows(count: int) -> str:
    return "email,first_name\n" + "".join(f"p{n}@example.com,P{n}\n" for n in range(count))


# -- file size -------------------------------------------------------------------------------


def test_a_file_over_max_file_bytes_is_refused_naming_the_variable(cli, write_csv, monkeypatch):
    content = rows(3)
    monkeypatch.setenv("ROLODEX_MAX_FILE_BYTES", str(len(content) - 1))
    message = refused(cli, write_csv(content))
    assert "ROLODEX_MAX_FILE_BYTES" in message
    assert f"{len(content)} bytes" in message and f"{len(content) - 1} bytes" in message


def test_a_file_of_exactly_max_file_bytes_is_imported(cli, write_csv, monkeypatch):
    content = rows(3)
    monkeypatch.setenv("ROLODEX_MAX_FILE_BYTES", str(len(content)))
    code, report = run_import(cli, write_csv(content))
    assert (code, report["created"]) == (0, 3)


def test_max_file_bytes_holds_for_standard_input_too(cli, monkeypatch):
    content = rows(3)
    monkeypatch.setenv("ROLODEX_MAX_FILE_BYTES", "20")
    result = cli("import", "contacts", "-", "--json", stdin=content)
    assert result.exit_code == 2
    assert "ROLODEX_MAX_FILE_BYTES" in json.loads(result.stdout)["error"]
    assert cli.json("contacts", "list") == []


# -- value size ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "row", "length"),
    [
        pytest.param(
            "email,first_name\na@example.com,Ann\nb@example.com," + "x" * 21 + "\n",
            3,
            "21",
            id="in-a-row",
        ),
        pytest.param(
            "email,first_name," + "y" * 21 + "\na@example.com,Ann,\n", 1, "21", id="in-the-header"
        ),
        pytest.param(
            'email,first_name\na@example.com,"' + "z\n" * 100_000 + '"\n',
            2,
            None,
            id="far-over-csv-own-limit",
        ),
    ],
)
def test_a_value_over_max_field_chars_is_refused_naming_row_and_variable(
    cli, write_csv, monkeypatch, content, row, length
):
    monkeypatch.setenv("ROLODEX_MAX_FIELD_CHARS", "20")
    message = refused(cli, write_csv(content))
    assert "ROLODEX_MAX_FIELD_CHARS" in message
    assert message.startswith(f"Row {row}:"), message
    if length is not None:  # past csv's own limit, the exact length is not known
        assert f"{length} characters" in message, message
    assert "limit of 20" in message


def test_a_value_of_exactly_max_field_chars_is_imported(cli, write_csv, monkeypatch):
    monkeypatch.setenv("ROLODEX_MAX_FIELD_CHARS", "20")
    code, report = run_import(cli, write_csv("email,first_name\na@example.com," + "x" * 20))
    assert (code, report["created"]) == (0, 1)
    assert cli.json("contacts", "show", "a@example.com")["first_name"] == "x" * 20


# -- rows per file ---------------------------------------------------------------------------


def test_a_file_over_max_rows_is_refused_and_nothing_of_it_is_written(cli, write_csv, monkeypatch):
    monkeypatch.setenv("ROLODEX_MAX_ROWS", "3")
    message = refused(cli, write_csv(rows(4)))
    assert "ROLODEX_MAX_ROWS" in message and "limit of 3" in message


def test_blank_lines_do_not_count_towards_max_rows(cli, write_csv, monkeypatch):
    monkeypatch.setenv("ROLODEX_MAX_ROWS", "3")
    content = rows(3).replace("\n", "\n\n")
    code, report = run_import(cli, write_csv(content))
    assert (code, report["rows"], report["created"]) == (0, 3, 3)


def test_max_rows_message_for_a_users_file_does_not_speak_of_contacts(cli, write_csv, monkeypatch):
    """Fixed in reader.py: the message said "more rows of contacts" for a users file too."""
    monkeypatch.setenv("ROLODEX_MAX_ROWS", "1")
    path = write_csv(
        "email,password\na@example.com,secret-one\nb@example.com,secret-two\n", name="team.csv"
    )
    code, document = run_import(cli, path, kind="users")
    assert code == 2
    assert "ROLODEX_MAX_ROWS" in document["error"]
    assert "contact" not in document["error"].lower()


# -- labels per cell -------------------------------------------------------------------------


@pytest.fixture
def labels(cli):
    assert cli("labels", "add", "Marketing", "Trial", "Demo").exit_code == 0


def test_a_cell_over_max_labels_per_cell_is_a_row_error(cli, write_csv, monkeypatch, labels):
    monkeypatch.setenv("ROLODEX_MAX_LABELS_PER_CELL", "2")
    path = write_csv(
        "email,labels,labels_id\n"
        "two@example.com,Marketing:Trial,\n"
        "same-twice@example.com,Marketing:Marketing:Trial,\n"
        "three@example.com,Marketing:Trial:Demo,\n"
        "three-ids@example.com,,1:2:3\n"
    )
    code, report = run_import(cli, path, "--create-labels")
    assert code == 1
    assert [(e["row"], e["column"]) for e in report["errors"]] == [
        (4, "labels"),
        (5, "labels_id"),
    ]
    for error in report["errors"]:
        assert "3 labels in one cell" in error["message"], error
        assert "at most 2" in error["message"], error
    emails = sorted(c["email"] for c in cli.json("contacts", "list"))
    assert emails == ["same-twice@example.com", "two@example.com"]


# -- the settings themselves -----------------------------------------------------------------


@pytest.mark.parametrize("variable", LIMITS)
@pytest.mark.parametrize("value", ["many", "0", "-5", "1.5"])
def test_a_limit_that_is_not_a_positive_whole_number_is_a_one_line_usage_error(
    cli, write_csv, monkeypatch, variable, value
):
    monkeypatch.setenv(variable, value)
    result = cli("import", "contacts", write_csv(rows(1)))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and variable in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_every_limit_is_documented_in_the_readme():
    """docs/importing.md#limits: the limits are configurable *and documented*."""
    text = README.read_text(encoding="utf-8")
    missing = [name for name in LIMITS if not re.search(rf"\b{name}\b", text)]
    assert missing == [], f"README.md does not document {missing}"
