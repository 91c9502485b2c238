"""docs/importing.md#import-runs, properties of an import, checked on generated files (hypothesis,
SQLite):

* any bytes, as any kind, with any flags → a report or a ``FileError``, never another
  exception, and a report whose counts add up;
* any valid contact table → export, then import of that export, is all ``unchanged``;
* rows imported as one file end in the same state as the same rows split over two files
  imported one after the other (and the batch size makes no difference either);
* planning batches ahead, while the batch before is written on a thread (what the engine
  does where the database is a server), changes neither the state nor the report.

Examples are few by default so the suite stays fast; ``HYPOTHESIS_PROFILE=ci`` runs ten
times as many. Each example gets a fresh database: a copy of a template made once.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest.mock import PropertyMock, patch

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rolodex.config import Limits
from rolodex.domain import email_key
from rolodex.errors import FileError
from rolodex.importing.kinds import import_file
from rolodex.importing.options import ImportOptions
from rolodex.importing.report import ValueProblem
from rolodex.importing.values import clean, parse_email
from rolodex.security.passwords import HashingPool
from rolodex.services import views
from rolodex.store import catalog as sql
from rolodex.store import contacts as read
from rolodex.store.store import Store
from tests.conftest import Cli
from tests.helpers import examples

CATALOG: tuple[tuple[str, ...], ...] = (
    ("labels", "add", "Trial", "trial", "VIP"),
    ("companies", "add", "Acme"),
    ("companies", "add", "Globex"),
    ("fields", "add", "notes", "--type", "text"),
    ("fields", "add", "seats", "--type", "number"),
    ("fields", "add", "renewal", "--type", "date"),
    ("fields", "add", "vip", "--type", "boolean"),
    ("fields", "add", "plan", "--type", "select", "--options", "basic,pro,Enterprise"),
)


@dataclass
class Template:
    """A migrated SQLite database holding :data:`CATALOG`, copied for each example."""

    path: Path

    @contextmanager
    def fresh(self) -> Iterator[str]:
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "rolodex.db"
            with sqlite3.connect(self.path) as source, sqlite3.connect(copy) as target:
                source.backup(target)
            yield f"sqlite:///{copy}"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    path = tmp_path_factory.mktemp("template") / "template.db"
    cli = Cli(f"sqlite:///{path}")
    for command in CATALOG:
        assert cli(*command).exit_code == 0, command
    return Template(path)


# -- 1. any bytes: a report or a file error --------------------------------------------------

KNOWN_NAMES = [
    "email",
    "first_name",
    "last_name",
    "company_id",
    "labels",
    "labels_id",
    "notes",
    "seats",
    "renewal",
    "vip",
    "plan",
    "password",
    "password_hash",
    "active",
    "error",
    "",
    " email ",
    "Email",
    "id",
    "role",
]
CELL_CHARACTERS = st.sampled_from(
    [*"ab1@.,;:\"'\r\n\t =+-x0", "\x00", "\x1b", "é", "ß", "\u202e", "\u200b", "\ufeff", "日"]
)
ADDRESSES = ["a@example.com", "A@Example.COM", "b@bücher.de", "b@xn--bcher-kva.de"]


@st.composite
def csv_like_text(draw: st.DrawFn) -> str:
    """Text shaped like a CSV file, with hostile characters in its cells and structure."""
    delimiter = draw(st.sampled_from([",", ",", ";", "\t"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    header = draw(st.lists(st.sampled_from(KNOWN_NAMES), min_size=1, max_size=6))
    width = len(header)
    cell = st.one_of(
        st.text(CELL_CHARACTERS, max_size=10),
        st.sampled_from([*ADDRESSES, "Trial:VIP", "1:2", "12.5", "2024-02-29", "yes", "pro"]),
        st.sampled_from(["secret-password", "ääääää", "'=1+2", "-1", "1e3"]),
    )
    rows = draw(
        st.lists(st.lists(cell, min_size=max(0, width - 1), max_size=width + 1), max_size=6)
    )
    quote = draw(st.booleans())

    def line(values: list[str]) -> str:
        if quote:
            values = ['"' + v.replace('"', '""') + '"' for v in values]
        return delimiter.join(values)

    return newline.join(line(values) for values in [header, *rows]) + draw(
        st.sampled_from(["", newline])
    )


@st.composite
def encoded(draw: st.DrawFn) -> bytes:
    text = draw(csv_like_text())
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "utf-16-be"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):  # damage it: cut it short, or flip a byte
        at = draw(st.integers(0, max(0, len(data) - 1)))
        data = data[:at] if draw(st.booleans()) else data[:at] + b"\xff" + data[at + 1 :]
    return data


ANY_BYTES = st.one_of(st.binary(max_size=400), encoded())


@pytest.fixture(scope="module")
def pool() -> Iterator[HashingPool]:
    with HashingPool(processes=2) as running:
        yield running


@examples(60)
@given(
    content=ANY_BYTES,
    kind=st.sampled_from(["contacts", "users"]),
    flags=st.fixed_dictionaries(
        {"dry_run": st.booleans(), "strict": st.booleans(), "create_labels": st.booleans()}
    ),
    batch_size=st.integers(1, 4),
)
def test_any_bytes_give_a_report_or_a_file_error(template, pool, content, kind, flags, batch_size):
    if kind == "users":
        flags = {**flags, "create_labels": False}
    options = ImportOptions(batch_size=batch_size, limits=Limits(), **flags)
    with template.fresh() as url, tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "file.csv"
        path.write_bytes(content)
        store = Store.open(url)
        try:
            report = import_file(kind, path, store, options, pool=pool)
        except FileError as error:
            assert error.message.strip()
            return
        finally:
            store.close()
    assert report.exit_code in (0, 1)
    assert report.counts.failed == len({issue.row for issue in report.errors}) or (
        report.errors_total > len(report.errors)
    )
    assert all(issue.row >= 2 for issue in report.errors)
    written = report.counts.created + report.counts.updated + report.counts.unchanged
    if options.strict and report.counts.failed:
        assert written == 0
    else:
        assert report.counts.rows == written + report.counts.failed


# -- 2. export, then import: all unchanged ---------------------------------------------------


def _valid(address: str) -> bool:
    try:
        parse_email(clean(address))
    except ValueProblem:
        return False
    return True


UNICODE_EMAILS = st.builds(
    "{}@{}".format,
    st.text(
        st.characters(categories=["Ll", "Lu", "Nd"]) | st.sampled_from(list("._-+'=")),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from(["example.com", "EXAMPLE.org", "bücher.de", "xn--bcher-kva.de", "日本.jp"]),
)
EMAILS = st.one_of(st.emails(), UNICODE_EMAILS).filter(_valid)
TEXT = st.text(
    st.characters(exclude_categories=["Cs", "Cc"])
    | st.sampled_from(["\n", "\r", "\t", " ", "'", "=", "+", "-", "@", '"', ",", ":"]),
    max_size=16,
)
LABEL_NAME = st.text(
    st.characters(exclude_categories=["Cs", "Cc"], exclude_characters=":"), min_size=1, max_size=8
).filter(lambda name: name.strip())
NUMBER = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.builds("{}.{}".format, st.integers(-999, 999), st.integers(0, 99999)),
)
COLUMNS = ("email", "first_name", "last_name", "company_id", "labels", *(c[2] for c in CATALOG[3:]))


def _row(draw: st.DrawFn) -> list[str]:
    optional = st.just("")
    return [
        draw(EMAILS),
        draw(TEXT),
        draw(TEXT),
        draw(st.sampled_from(["", "1", "2"])),
        ":".join(draw(st.lists(LABEL_NAME, max_size=3))),
        draw(TEXT),
        draw(optional | NUMBER),
        draw(optional | st.dates().map(lambda day: day.isoformat())),
        draw(st.sampled_from(["", "true", "false", "yes", "no", "1", "0", "TRUE", "No"])),
        draw(st.sampled_from(["", "basic", "pro", "Enterprise"])),
    ]


@st.composite
def contact_tables(draw: st.DrawFn) -> list[list[str]]:
    """Rows of distinct emails: two rows of one email that disagree are refused (README,
    "Rows for one email merge"), which test_import_runs covers; here every row must go in."""
    rows: dict[str, list[str]] = {}
    for _ in range(draw(st.integers(1, 8))):
        row = _row(draw)
        rows.setdefault(email_key(row[0].strip()), row)
    return list(rows.values())


def write_table(path: Path, header: tuple[str, ...], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


@examples(40)
@given(table=contact_tables())
def test_an_export_imports_back_all_unchanged(template, table):
    with template.fresh() as url, tempfile.TemporaryDirectory() as folder:
        cli = Cli(url)
        first = cli.json(
            "import",
            "contacts",
            write_table(Path(folder) / "in.csv", COLUMNS, table),
            "--create-labels",
        )
        assert first["failed"] == 0, first["errors"]
        before = cli.json("contacts", "list")
        exported = Path(folder) / "export.csv"
        assert cli("export", "contacts", "-o", exported).exit_code == 0
        again = cli.json("import", "contacts", exported)
        assert {k: again[k] for k in ("created", "updated", "failed")} == {
            "created": 0,
            "updated": 0,
            "failed": 0,
        }, again["errors"]
        assert again["unchanged"] == again["rows"] == len(before)
        assert cli.json("contacts", "list") == before


# -- 3. one file, or the same rows over two files --------------------------------------------

POOL_EMAILS = [
    "a@example.com",
    "A@Example.COM",
    "b@bücher.de",
    "B@xn--bcher-kva.de",
    "straße@example.com",
    "strasse@example.com",
    "not-an-email",
]


_CELLS = (
    st.sampled_from(["", "Ann", "Bob", " Ann "]),
    st.sampled_from(["", "Lee", "=Lee"]),
    st.sampled_from(["", "1", "2", "3"]),  # company 3 does not exist
    st.lists(st.sampled_from(["Trial", "trial", "VIP", "New", "Ω"]), max_size=3).map(":".join),
    st.sampled_from(["", "note one", "note two"]),
    st.sampled_from(["", "1", "2.50", "many"]),
    st.sampled_from(["", "2024-01-31", "2024-02-30"]),
    st.sampled_from(["", "yes", "false", "maybe"]),
    st.sampled_from(["", "basic", "pro", "Pro"]),
)
"""A row's cells after the email, each from a few values valid and not."""


@st.composite
def overlapping_rows(draw: st.DrawFn) -> list[list[str]]:
    """Few addresses (spelt differently), so rows update each other; some rows invalid.

    The rows of one address never disagree: where two give a field, they give the same
    value. In one file a later row that disagrees is refused, while from a second file it
    is an update (docs/importing.md#rows-for-the-same-email; test_import_runs covers that)."""
    profiles: dict[str, list[str]] = {}
    rows = []
    for _ in range(draw(st.integers(1, 12))):
        email = draw(st.sampled_from(POOL_EMAILS))
        profile = profiles.setdefault(_pool_key(email), [draw(cell) for cell in _CELLS])
        rows.append([email, *(value if draw(st.booleans()) else "" for value in profile)])
    return rows


def _pool_key(email: str) -> str:
    """The match key of a pool address; an invalid one is its own key."""
    try:
        return parse_email(clean(email)).key
    except ValueProblem:
        return email


def dump(url: str) -> dict[str, Any]:
    """Everything an import can change, without IDs and times (they depend on the order)."""
    store = Store.open(url)
    try:
        with store.read() as conn:
            fields = {f.variable_name: f for f in sql.fields(conn)}
            contacts = {
                view.email: {
                    key: value
                    for key, value in views.contact(view, fields).items()
                    if key not in ("id", "labels_id", "created_at", "updated_at")
                }
                for view in read.every(conn)
            }
            labels = sorted(label.name for label in sql.labels(conn))
    finally:
        store.close()
    for contact in contacts.values():
        contact["labels"] = sorted(contact["labels"])
    return {"contacts": contacts, "labels": labels}


def run_core(
    url: str, path: Path, batch_size: int, create_labels: bool, ahead: bool = False, **flags: bool
) -> dict[str, Any]:
    """Import ``path``; ``ahead``: plan each batch while the one before is written."""
    store = Store.open(url)
    try:
        options = ImportOptions(batch_size=batch_size, create_labels=create_labels, **flags)
        with patch.object(Store, "writes_apart", new_callable=PropertyMock, return_value=ahead):
            return import_file("contacts", path, store, options).as_dict()
    finally:
        store.close()


@examples(40)
@given(
    rows=overlapping_rows(),
    split=st.floats(0, 1),
    batch_sizes=st.tuples(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5)),
    create_labels=st.booleans(),
)
def test_one_file_or_the_same_rows_in_two_files_end_in_the_same_state(
    template, rows, split, batch_sizes, create_labels
):
    at = round(split * len(rows))
    with tempfile.TemporaryDirectory() as folder:
        folder_path = Path(folder)
        whole = write_table(folder_path / "whole.csv", COLUMNS, rows)
        first = write_table(folder_path / "first.csv", COLUMNS, rows[:at])
        second = write_table(folder_path / "second.csv", COLUMNS, rows[at:])
        with template.fresh() as one, template.fresh() as two:
            run_core(one, whole, batch_sizes[0], create_labels)
            run_core(two, first, batch_sizes[1], create_labels)
            run_core(two, second, batch_sizes[2], create_labels)
            assert dump(two) == dump(one)


@st.composite
def disagreeing_rows(draw: st.DrawFn) -> list[list[str]]:
    """Few addresses, and each row's values drawn on their own: later rows for an address
    agree with earlier ones, add to them, or are refused for disagreeing."""
    return [
        [draw(st.sampled_from(POOL_EMAILS)), *row]
        for row in draw(st.lists(st.tuples(*_CELLS).map(list), min_size=1, max_size=12))
    ]


@examples(40)
@given(
    rows=st.one_of(overlapping_rows(), disagreeing_rows()),
    batch_size=st.integers(1, 4),
    create_labels=st.booleans(),
    flags=st.sampled_from([{}, {"strict": True}, {"dry_run": True}]),
)
def test_planning_batches_ahead_changes_neither_the_state_nor_the_report(
    template, rows, batch_size, create_labels, flags
):
    with tempfile.TemporaryDirectory() as folder:
        path = write_table(Path(folder) / "rows.csv", COLUMNS, rows)
        with template.fresh() as one, template.fresh() as two:
            in_turn = run_core(one, path, batch_size, create_labels, **flags)
            ahead = run_core(two, path, batch_size, create_labels, ahead=True, **flags)
            assert ahead == in_turn
            assert dump(two) == dump(one)


def test_the_dump_sees_what_an_import_writes(template):
    """The comparison above is not vacuous: the dump holds names, labels and values."""
    with template.fresh() as url, tempfile.TemporaryDirectory() as folder:
        path = write_table(
            Path(folder) / "one.csv",
            COLUMNS,
            [["a@example.com", "Ann", "Lee", "1", "VIP", "n", "2.50", "", "yes", "pro"]],
        )
        run_core(url, path, 2, False)
        state = dump(url)
    assert state["contacts"] == {
        "a@example.com": {
            "email": "a@example.com",
            "first_name": "Ann",
            "last_name": "Lee",
            "company_id": 1,
            "labels": ["VIP"],
            "custom_fields": {"notes": "n", "plan": "pro", "seats": 2.5, "vip": True},
            "source": "import",
        }
    }
    assert json.dumps(state, ensure_ascii=False)
