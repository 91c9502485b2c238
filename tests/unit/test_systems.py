"""The other systems' export headers (importing/systems.py): consistent data, and the sample
files in their layouts bind and give the contacts tests/fixtures/other-systems/expected.py says.

The binding engine is tested elsewhere; this file carries its own small reading of CONTRACT
§2a (normalise, bind, split names and labels) so that the data and the expectations are checked
against the contract's words, whatever state the engine is in.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from rolodex.importing import systems
from rolodex.importing.systems import (
    CONTACT_TARGETS,
    OUR_NAMES,
    SYSTEMS,
    USER_TARGETS,
    System,
    SystemsConflict,
    system_targets,
)

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


def normalise(header: str) -> str:
    """CONTRACT §2a step 2, written again here on purpose (the engine is being rewritten)."""
    return re.sub(r"[\s\-_.]+", "", header).casefold()


def bind(header: str, kind: str = "contacts") -> str | None:
    """The target of one header cell by steps 1-3 of §2a, or None."""
    name = header.strip()
    ours = OUR_NAMES[kind]
    if name in ours:
        return name
    by_normal = {normalise(n): n for n in ours}
    if normalise(name) in by_normal:
        return by_normal[normalise(name)]
    return system_targets(kind).get(normalise(name))


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
    assert systems.normalise("E-mail 2 Address") == normalise("E-mail 2 Address")
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


def _split_name(full: str) -> tuple[str | None, str | None]:
    if "," in full:
        last, first = (part.strip() for part in full.split(",", 1))
    else:
        first, _, last = full.partition(" ")
        last = last.strip()
    return first or None, last or None


def _labels(header: str, cell: str) -> list[str]:
    parts = cell.split(":") if header.strip() == "labels" else re.split(r" ::: |[,;]", cell)
    names = [p.strip().strip('"').strip() for p in parts]
    return [n for n in names if n and not n.startswith("* ")]


def _email(cell: str) -> str:
    local, _, domain = cell.split(" ::: ")[0].strip().rpartition("@")
    return f"{local}@{domain.lower()}"


def import_by_the_contract(path: Path) -> tuple[list[dict[str, Any]], list[int]]:
    """The contacts and failed rows §2a's words give for a file (labels all one column each)."""
    header, *rows = read(path)
    bound = [(h, bind(h)) for h in header]
    contacts: list[dict[str, Any]] = []
    failed: list[int] = []
    for number, row in enumerate(rows, start=2):
        first: dict[str, str] = {}
        labels: set[str] = set()
        for (h, target), cell in zip(bound, row, strict=True):
            value = cell.strip()
            if target == "labels":
                labels.update(_labels(h, value))
            elif target and value and target not in first:
                first[target] = value
        if "email" not in first:
            failed.append(number)
            continue
        first_name, last_name = first.get("first_name"), first.get("last_name")
        if not first_name and not last_name and "name" in first:
            first_name, last_name = _split_name(first["name"])
        contacts.append(
            {
                "email": _email(first["email"]),
                "first_name": first_name,
                "last_name": last_name,
                "company": first.get("company"),
                "labels": sorted(labels),
            }
        )
    return contacts, failed


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(
            n,
            marks=pytest.mark.xfail(
                strict=True,
                reason="Ghost joins labels with ',' in a column named exactly `labels`, "
                "which the contract splits on ':' — expected.py expects two labels",
            ),
        )
        if n == "ghost.csv"
        else n
        for n in SAMPLE_FILES
    ],
)
def test_expectations_follow_the_contract(name: str) -> None:
    contacts, failed = import_by_the_contract(SAMPLES / name)
    assert failed == EXPECTED.FAILED_ROWS[name]
    assert contacts == EXPECTED.EXPECTED[name]


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
