"""The other systems' export headers (importing/systems.py): consistent data, and the headers
of the sample files and of real exports bind as they should. What those files import as is
tested through the engine in tests/integration/test_other_systems.py."""

from __future__ import annotations

import csv
import importlib.util
import io
from pathlib import Path
from types import ModuleType

import pytest

from rolodex.importing import systems
from rolodex.importing.columns import propose
from rolodex.importing.contacts import contact_targets
from rolodex.importing.systems import (
    CONTACT_TARGETS,
    OUR_NAMES,
    SYSTEMS,
    USER_TARGETS,
    System,
    SystemsConflict,
    normalise,
    system_targets,
)
from rolodex.importing.users import USER_TARGETS as USERS

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "other-systems"
# `../shared` next to the checkout; a worktree sits deeper, so look up the parents for it.
REAL_EXPORTS = next(
    (
        found
        for parent in Path(__file__).resolve().parents[3:]
        if (found := parent / "shared" / "fixtures" / "real-exports").is_dir()
    ),
    Path("../shared/fixtures/real-exports"),
)

# How each sample file is encoded: as the system writes it (see the README there).
ENCODINGS = {"outlook-desktop-en.csv": "cp1252", "outlook-desktop-de.csv": "cp1252"}
# Layouts with no name column at all: only the email binds.
NO_NAMES = {"substack.csv"}


def bind(header: str, kind: str = "contacts") -> str | None:
    """The target one header cell binds to, by the real binding (``None``: nothing)."""
    targets = contact_targets(()) if kind == "contacts" else USERS
    [column] = propose([header], targets)
    return None if column.how == "unknown" else column.target


def read(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode(ENCODINGS.get(path.name, "utf-8-sig"))
    return list(csv.reader(io.StringIO(text, newline="")))


def load_expected() -> ModuleType:
    spec = importlib.util.spec_from_file_location("other_systems_expected", SAMPLES / "expected.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXPECTED = load_expected()
SAMPLE_FILES = sorted(p.name for p in SAMPLES.glob("*.csv"))


# --- the data ---------------------------------------------------------------------------------


def test_every_system_has_a_name_a_source_and_headers() -> None:
    names = [s.name for s in SYSTEMS]
    assert len(names) == len(set(names))
    for system in SYSTEMS:
        assert system.name.strip()
        assert len(system.source.strip()) > 20, system.name
        assert system.contacts, system.name


def test_every_target_is_one_the_binding_knows() -> None:
    for system in SYSTEMS:
        assert set(system.contacts.values()) <= CONTACT_TARGETS, system.name
        assert set(system.users.values()) <= USER_TARGETS, system.name


def test_headers_are_written_as_exported_not_normalised() -> None:
    for system in SYSTEMS:
        for header in [*system.contacts, *system.users]:
            assert header == header.strip() and header, (system.name, header)


@pytest.mark.parametrize("kind", ["contacts", "users"])
def test_no_normalised_header_has_two_meanings(kind: str) -> None:
    meanings: dict[str, set[str]] = {}
    for system in SYSTEMS:
        for header, target in (system.contacts if kind == "contacts" else system.users).items():
            meanings.setdefault(normalise(header), set()).add(target)
    for name in OUR_NAMES[kind]:
        meanings.setdefault(normalise(name), set()).add(name)
    assert {k: v for k, v in meanings.items() if len(v) > 1} == {}
    merged = system_targets(kind)
    assert all(meanings[key] == {target} for key, target in merged.items())
    # Headers that read as our own names are left to step 2, not repeated here.
    assert not set(merged) & {normalise(n) for n in OUR_NAMES[kind]}


def test_system_targets_is_keyed_by_the_same_normalisation() -> None:
    assert normalise("E-mail 2 Address") == "email2address"
    assert system_targets("contacts")[normalise("E-mail 1 - Value")] == "email"
    assert system_targets("contacts")[normalise("Given Name")] == "first_name"
    assert system_targets("contacts")[normalise("Kategorien")] == "labels"
    assert system_targets("users")[normalise("name")] == "name"


def test_two_systems_disagreeing_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        systems,
        "SYSTEMS",
        (
            System("A", "test", {"Organisation": "company"}),
            System("B", "test", {"ORGANISATION": "name"}),
        ),
    )
    with pytest.raises(SystemsConflict, match="Organisation"):
        system_targets("contacts")


def test_a_system_contradicting_our_own_name_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(systems, "SYSTEMS", (System("A", "test", {"Company ID": "company"}),))
    with pytest.raises(SystemsConflict, match="company_id"):
        system_targets("contacts")


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        system_targets("companies")


# --- the sample files -------------------------------------------------------------------------


def test_every_sample_file_has_expectations() -> None:
    assert set(SAMPLE_FILES) == set(EXPECTED.EXPECTED) == set(EXPECTED.FAILED_ROWS)
    assert len(SAMPLE_FILES) >= 15


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_sample_header_binds_email_and_a_name(name: str) -> None:
    header = read(SAMPLES / name)[0]
    targets = {bind(h) for h in header}
    assert "email" in targets
    if name not in NO_NAMES:
        assert targets & {"first_name", "last_name", "name"}


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_sample_rows_are_as_long_as_the_header(name: str) -> None:
    header, *rows = read(SAMPLES / name)
    assert rows and all(len(row) == len(header) for row in rows)


# --- the real exports in ../shared ------------------------------------------------------------

# Every header of the real exports that carries an email, a name, a company or labels.
REAL_HEADERS: dict[str, dict[str, str]] = {
    "google-legacy-tine20.csv": {
        "Name": "name",
        "Given Name": "first_name",
        "Family Name": "last_name",
        "Group Membership": "labels",
        "E-mail 1 - Value": "email",
    },
    "google-legacy-roundcube.csv": {
        "Name": "name",
        "Given Name": "first_name",
        "Family Name": "last_name",
        "Group Membership": "labels",
        "E-mail 1 - Value": "email",
        "E-mail 2 - Value": "email",
        "E-mail 3 - Value": "email",
        "E-mail 4 - Value": "email",
        "Organization 1 - Name": "company",
    },
    "outlook2013-de-tine20.csv": {
        "Vorname": "first_name",
        "Nachname": "last_name",
        "Firma": "company",
        "E-Mail-Adresse": "email",
        "E-Mail 2: Adresse": "email",
        "E-Mail 3: Adresse": "email",
        "Kategorien": "labels",
    },
    "outlook-com-people.csv": {
        "First Name": "first_name",
        "Last Name": "last_name",
        "E-mail Address": "email",
        "E-mail 2 Address": "email",
        "E-mail 3 Address": "email",
        "Company": "company",
    },
    "thunderbird-export.csv": {
        "First Name": "first_name",
        "Last Name": "last_name",
        "Display Name": "name",
        "Primary Email": "email",
        "Secondary Email": "email",
        "Organization": "company",
    },
    "mailchimp-subscribed.csv": {
        "Email Address": "email",
        "First Name": "first_name",
        "Last Name": "last_name",
        "Company": "company",
        "TAGS": "labels",
    },
    "ghost-members-export.csv": {"email": "email", "name": "name", "labels": "labels"},
    "substack-signup-emails.csv": {"email": "email"},
    "beehiiv-members.csv": {
        "email": "email",
        "First Name": "first_name",
        "Last Name": "last_name",
    },
}
REAL_ENCODINGS = {"outlook2013-de-tine20.csv": "cp1252"}


@pytest.mark.skipif(not REAL_EXPORTS.is_dir(), reason="../shared/fixtures/real-exports absent")
@pytest.mark.parametrize("name", sorted(REAL_HEADERS))
def test_real_export_headers_bind(name: str) -> None:
    text = (REAL_EXPORTS / name).read_bytes().decode(REAL_ENCODINGS.get(name, "utf-8-sig"))
    header = next(csv.reader(io.StringIO(text, newline="")))
    wanted = REAL_HEADERS[name]
    assert set(wanted) <= set(header)
    assert {h: bind(h) for h in header if h in wanted} == wanted
    # Nothing else in these files binds by accident (a phone column read as a name, say).
    assert {h: bind(h) for h in header if h not in wanted and bind(h)} == {}


@pytest.mark.skipif(not REAL_EXPORTS.is_dir(), reason="../shared/fixtures/real-exports absent")
def test_every_real_export_is_covered() -> None:
    assert {p.name for p in REAL_EXPORTS.glob("*.csv")} == set(REAL_HEADERS)
