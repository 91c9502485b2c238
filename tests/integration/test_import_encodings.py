"""docs/importing.md#encodings, end to end: files LibreOffice saved in the encodings of the world
import with their names exactly as written, and the report names the encoding."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.helpers import run_import

FIXTURES = Path(__file__).parents[1] / "fixtures" / "encodings"

CASES = [
    ("shift_jis", "ja", "Shift-JIS (Japanese)"),
    ("gbk", "zh", "GBK (Simplified Chinese)"),
    ("big5", "tw", "Big5 (Traditional Chinese)"),
    ("euc-kr", "ko", "EUC-KR (Korean)"),
    ("windows-1251", "ru", "Windows-1251 (Cyrillic)"),
    ("windows-1250", "pl", "Windows-1250 (Central European)"),
    ("windows-1252", "de", "Windows-1252 (Western European)"),
]


def written(source: str) -> dict[str, tuple[str, str]]:
    """email → (first, last) as the UTF-8 source file has them."""
    with (FIXTURES / "source" / f"{source}.csv").open(encoding="utf-8", newline="") as text:
        return {row["email"]: (row["first_name"], row["last_name"]) for row in csv.DictReader(text)}


def stored(cli) -> dict[str, tuple[str, str]]:
    return {c["email"]: (c["first_name"], c["last_name"]) for c in cli.json("contacts", "list")}


@pytest.mark.parametrize(("encoding", "source", "named"), CASES, ids=[c[0] for c in CASES])
def test_a_file_libreoffice_saved_imports_with_its_names(cli, encoding, source, named):
    path = FIXTURES / f"contacts-{encoding}.csv"
    code, report = run_import(cli, str(path))
    assert code == 0, report
    assert report["warnings"] == [
        f"The file is not UTF-8: it was read as {named}. Check the names, or give --encoding."
    ]
    assert stored(cli) == written(source)


def test_given_encoding_is_used_and_says_nothing(cli, write_csv):
    path = write_csv("email,first_name,last_name\nl@x.pl,Łukasz,Żółć\n".encode("cp1250"))
    code, report = run_import(cli, str(path), "--encoding", "cp1250")
    assert (code, report["warnings"]) == (0, [])
    assert stored(cli) == {"l@x.pl": ("Łukasz", "Żółć")}


def test_bytes_not_in_the_given_encoding_are_a_file_error_naming_the_row(cli):
    path = FIXTURES / "contacts-shift_jis.csv"
    code, report = run_import(cli, str(path), "--encoding", "shift_jis")
    assert code == 2
    assert report["error"].startswith("Row 4: holds bytes that are not Shift-JIS (Japanese).")
    assert stored(cli) == {}


@pytest.mark.parametrize("kind", ["contacts", "users"])
def test_an_unknown_encoding_is_a_usage_error_with_examples(cli, write_csv, kind):
    result = cli("import", kind, str(write_csv("email\na@x.org\n")), "--encoding", "klingon")
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())  # the usage box may wrap it
    assert "Unknown encoding 'klingon'" in message
    assert "cp1252, shift_jis or cp1251" in message


def test_users_file_in_windows_1251(cli, write_csv):
    path = write_csv(
        "email,first_name,last_name,password\ni@x.ru,Иван,Петров,пароль-123\n".encode("cp1251")
    )
    result = cli("import", "users", str(path), "--encoding", "cp1251", "--json")
    assert result.exit_code == 0, result.stderr
    user = cli.json("users", "show", "i@x.ru")
    assert (user["first_name"], user["last_name"]) == ("Иван", "Петров")
