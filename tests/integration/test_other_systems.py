"""Files other systems wrote import as they are (docs/importing.md, "Files from other
systems"): with ``--ignore-unknown --create-labels --create-companies`` every row with a
deliverable address becomes a contact with its names, labels and company, every row without
one is a row error, and the same file again is all ``unchanged`` — on SQLite and PostgreSQL.

Two sets of files: the sample files in each layout ``rolodex.importing.systems`` knows
(``tests/fixtures/other-systems``, with the contacts each must give), and real exports that
Google, Outlook, Thunderbird, Mailchimp, Ghost, Substack and beehiiv wrote, kept outside the
project in ``../shared/fixtures/real-exports`` (read there, never copied here).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from tests.helpers import run_import

SAMPLES = Path(__file__).parents[1] / "fixtures" / "other-systems"


def _expected():  # the folder's name has a hyphen, as the fixture folders' names do
    spec = importlib.util.spec_from_file_location("other_systems", SAMPLES / "expected.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXPECTED = _expected()
REAL = next(
    (
        found
        for parent in Path(__file__).resolve().parents[3:]
        if (found := parent / "shared" / "fixtures" / "real-exports").is_dir()
    ),
    Path(os.environ.get("ROLODEX_REAL_EXPORTS", "../shared/fixtures/real-exports")),
)
"""``shared/`` beside the checkout (or a folder above it), or ``ROLODEX_REAL_EXPORTS``."""
FLAGS = ("--ignore-unknown", "--create-labels", "--create-companies")
EXTRA_FLAGS = {"ghost.csv": ("--labels-separator", ",")}
"""Ghost joins labels with commas in a column named exactly ``labels``, which is ours and
split on ``:``; ``--labels-separator`` is the way to say so."""

# The real exports: how many rows each has, and how many carry a deliverable address.
REAL_ROWS = {
    "beehiiv-members.csv": (9, 9),
    "ghost-members-export.csv": (2, 2),
    "google-legacy-roundcube.csv": (1, 1),
    "google-legacy-tine20.csv": (5, 1),
    "mailchimp-subscribed.csv": (5, 5),
    "outlook-com-people.csv": (2, 0),
    "outlook2013-de-tine20.csv": (2, 2),
    "substack-signup-emails.csv": (21, 21),
    "thunderbird-export.csv": (2, 0),
}


def run(cli, path, *flags):
    return run_import(cli, path, *FLAGS, *flags)


def contacts_with_company_names(cli):
    names = {c["id"]: c["name"] for c in cli.json("companies", "list")}
    return {
        c["email"]: {
            "email": c["email"],
            "first_name": c["first_name"],
            "last_name": c["last_name"],
            "company": names.get(c["company_id"]),
            "labels": sorted(c["labels"]),
        }
        for c in cli.json("contacts", "list")
    }


@pytest.mark.parametrize("name", sorted(EXPECTED.EXPECTED))
def test_a_file_in_another_systems_layout_imports_as_it_is(cli, name):
    path = SAMPLES / name
    code, report = run(cli, path, *EXTRA_FLAGS.get(name, ()))
    assert sorted({e["row"] for e in report["errors"]}) == EXPECTED.FAILED_ROWS[name], report
    assert code == (1 if EXPECTED.FAILED_ROWS[name] else 0)
    assert {e["column"] for e in report["errors"]} <= {c["column"] for c in report["columns"]}
    stored = contacts_with_company_names(cli)
    assert [stored.get(c["email"]) for c in EXPECTED.EXPECTED[name]] == EXPECTED.EXPECTED[name]
    assert report["created"] == len(EXPECTED.EXPECTED[name]) == len(stored)
    _, again = run(cli, path, *EXTRA_FLAGS.get(name, ()))
    assert (again["created"], again["updated"]) == (0, 0)
    assert again["unchanged"] == report["created"]
    assert again["new"] == {"labels": [], "companies": [], "fields": []}


def real_export(name: str) -> Path:
    if not REAL.is_dir():
        pytest.skip(f"the shared real exports are not at {REAL}")
    return REAL / name


@pytest.mark.parametrize("name", sorted(REAL_ROWS))
def test_a_real_export_imports_as_it_is(cli, name):
    rows, deliverable = REAL_ROWS[name]
    code, report = run(cli, real_export(name))
    assert (report["rows"], report["created"]) == (rows, deliverable), report
    assert report["failed"] == rows - deliverable
    assert code == (1 if report["failed"] else 0)
    for error in report["errors"]:
        assert "email" in error["message"], error
    assert "email" in [c["target"] for c in report["columns"]]
    code, again = run(cli, real_export(name))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, deliverable)


def test_google_keeps_the_first_of_several_addresses_and_drops_system_groups(cli):
    run(cli, real_export("google-legacy-roundcube.csv"))
    [contact] = cli.json("contacts", "list")
    assert contact["email"] == "home@aaa.pl"  # E-mail 1 - Value, of four
    assert not any(label.startswith("*") for label in contact["labels"])


def test_mailchimp_tags_lose_their_quotes(cli):
    run(cli, real_export("mailchimp-subscribed.csv"))
    assert [label["name"] for label in cli.json("labels", "list")] == ["Lorem Editors"]


def test_outlook_german_names_and_company_come_through(cli):
    code, report = run(cli, real_export("outlook2013-de-tine20.csv"))
    assert code == 0, report
    assert any("Windows-1252" in w or "windows" in w.lower() for w in report["warnings"])
    for contact in cli.json("contacts", "list"):
        assert contact["first_name"] and contact["last_name"]
