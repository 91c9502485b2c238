"""docs/importing.md#file-errors, the hostile corpus: every file of ``tests/corpus`` through the
real CLI, on SQLite and PostgreSQL, answered as ``tests/corpus/expected.py`` says — a file error
(exit 2, one line, nothing written, nothing recorded), or exactly these rows rejected in these
columns and exactly these records stored, normalised so.

The small files are committed (``tests/corpus/files``, written by ``make_corpus.py``); the big
ones are written here, into a temporary folder.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.corpus import make_corpus
from tests.corpus.expected import (
    CATALOG,
    CATALOG_LABELS,
    EXPECTED,
    EXPECTED_BIG,
    SECRETS,
    Case,
    Imported,
    Refused,
)


@pytest.fixture
def catalog(cli):
    for command in CATALOG:
        result = cli(*command)
        assert result.exit_code == 0, result.stderr


def test_the_corpus_has_at_least_40_files_and_each_has_an_expected_outcome():
    assert set(EXPECTED) == set(make_corpus.SMALL)
    assert set(EXPECTED_BIG) == set(make_corpus.BIG)
    assert len(EXPECTED) >= 40


def test_the_committed_files_are_what_the_script_writes(tmp_path):
    committed = {p.name: p.read_bytes() for p in make_corpus.FILES.iterdir()}
    assert committed == make_corpus.small_files(), (
        "run `python tests/corpus/make_corpus.py` and commit tests/corpus/files"
    )
    make_corpus.main(["make_corpus.py", str(tmp_path)])
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == committed


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(cli, catalog, name):
    check(cli, make_corpus.FILES / name, EXPECTED[name])


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED_BIG))
def test_big_corpus_file(cli, catalog, tmp_path, monkeypatch, name):
    case = EXPECTED_BIG[name]
    for variable, value in case.env.items():
        monkeypatch.setenv(variable, value)
    check(cli, make_corpus.write_big(tmp_path, name), case)


def test_the_sniffer_redos_input_is_answered_with_a_file_error(cli, write_csv):
    """Sniffer().sniff takes minutes on it; rolodex never sniffs, so it meets the quote rule."""
    result = cli("import", "contacts", write_csv(make_corpus.SNIFFER_REDOS), "--json")
    assert result.exit_code == 2
    assert "row 1" in json.loads(result.stdout)["error"].lower()


@pytest.mark.parametrize("name", ["formula-values.csv", "formula-in-email.csv"])
def test_formula_looking_values_are_neutralised_on_export_and_import_back_unchanged(
    cli, catalog, tmp_path, name
):
    assert cli("import", "contacts", make_corpus.FILES / name).exit_code in (0, 1)
    exported = tmp_path / "export.csv"
    assert cli("export", "contacts", "-o", exported).exit_code == 0
    rows = list(csv.reader(io.StringIO(exported.read_text(encoding="utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert cells, rows
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@")), (cell, rows)
    again = json.loads(cli("import", "contacts", exported, "--json").stdout)
    assert (again["failed"], again["created"], again["updated"]) == (0, 0, 0)
    assert again["unchanged"] == len(rows) - 1


# -- the checks ------------------------------------------------------------------------------


def check(cli, path: Path, case: Case) -> None:
    result = cli("import", case.kind, path, *case.flags, "--json")
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stdout, f"exit {result.exit_code}, no report: {result.stderr}"
    document = json.loads(result.stdout)
    if isinstance(case.outcome, Refused):
        check_refused(cli, path, case, result.exit_code, document)
    else:
        check_imported(cli, case, case.outcome, result.exit_code, document)


def check_refused(cli, path: Path, case: Case, exit_code: int, document: dict) -> None:
    assert isinstance(case.outcome, Refused)
    assert exit_code == 2, document
    assert list(document) in (["error"], ["error", "columns"]), document
    message = document["error"]
    # One line a person can read: a line break, a terminal escape or a right-to-left
    # override from the file is shown as <U+…>, never passed through.
    assert message.isprintable(), repr(message)
    for part in case.outcome.says:
        assert part.lower() in message.lower(), (part, message)
    plain = cli("import", case.kind, path, *case.flags)
    assert plain.exit_code == 2
    assert plain.stdout == ""
    assert plain.stderr.strip().splitlines() == [f"error: {message}"], plain.stderr
    assert stored(cli, case.kind) == []
    assert cli.json("imports", "list") == []


def check_imported(cli, case: Case, expected: Imported, exit_code: int, document: dict) -> None:
    counts = {k: document[k] for k in ("rows", "created", "updated", "unchanged", "failed")}
    assert counts == {
        "rows": expected.rows,
        "created": expected.created,
        "updated": expected.updated,
        "unchanged": expected.unchanged,
        "failed": expected.failed,
    }, document
    assert exit_code == expected.exit_code
    errors = document["errors"]
    assert sorted(
        ((e["row"], e["column"]) for e in errors), key=lambda rc: (rc[0], rc[1] or "")
    ) == sorted(expected.rejected, key=lambda rc: (rc[0], rc[1] or "")), errors
    messages = " | ".join(e["message"] for e in errors)
    for part in expected.says:
        assert part.lower() in messages.lower(), (part, messages)
    if expected.warnings:
        for part in expected.warnings:
            assert any(part.lower() in w.lower() for w in document["warnings"]), document
    else:
        assert document["warnings"] == []
    assert sorted(stored(cli, case.kind)) == sorted(expected.records)
    if case.kind == "contacts":  # a label is created only for a row that is written
        labels = [label["name"] for label in cli.json("labels", "list")]
        assert labels == list(expected.labels or CATALOG_LABELS)
    for email, fields in expected.records.items():
        record = cli.json(f"{case.kind}", "show", email)
        assert {k: record[k] for k in fields} == dict(fields), record
    for email, password in expected.passwords.items():
        assert cli("users", "verify", email, stdin=password + "\n").exit_code == 0, email
    if case.kind == "users":
        shown = json.dumps(document) + json.dumps(cli.json("imports", "show", str(document["id"])))
        for secret in SECRETS:
            assert secret not in shown


def stored(cli, kind: str) -> list[str]:
    """The emails of every record of ``kind``, as stored."""
    if kind == "contacts":
        return [contact["email"] for contact in cli.json("contacts", "list")]
    result = cli("export", "users")
    assert result.exit_code == 0, result.stderr
    return [row[0] for row in list(csv.reader(io.StringIO(result.stdout.lstrip("\ufeff"))))[1:]]
