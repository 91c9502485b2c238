"""The records rolodex keeps, as plain values the core can pass around.

These are not ORM objects: the store turns rows into them and back, so the engine can be
tested without a database and the same rules hold on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

import idna

STANDARD_CONTACT_COLUMNS = ("email", "first_name", "last_name", "company_id", "labels", "labels_id")
USER_COLUMNS = ("email", "first_name", "last_name", "password", "password_hash", "active")
ADMIN_ONLY_KINDS = frozenset({"users"})
MAX_ID = 2**31 - 1
"""The largest id a record can have: PostgreSQL's ``integer`` holds no more (SQLite's hold
more), so a larger one names nothing and is not asked of the database."""
"""Imports only admins may run or see — every route, the record, its error file and the
history alike: a users file holds agents' passwords and who has access."""
VARIABLE_NAME = re.compile(r"[a-z][a-z0-9_]*")


class FieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    BOOLEAN = "boolean"
    SELECT = "select"


class Source(StrEnum):
    """Where a contact came from; set once, when it is created."""

    IMPORT = "import"
    EMAIL = "email"
    API = "api"


class Role(StrEnum):
    ADMIN = "admin"
    AGENT = "agent"


@dataclass(frozen=True)
class Company:
    id: int
    name: str
    domain: str | None = None


def company_key(name: str) -> str:
    """What makes two company names the same: trimmed, any case (``casefold``, so ``ß`` and
    ``SS`` meet too). Stored in its own uniquely indexed column, as emails are: SQLite's
    ``lower()`` folds ASCII only."""
    return name.strip().casefold()


@dataclass(frozen=True)
class Label:
    id: int
    name: str


@dataclass(frozen=True)
class CustomField:
    id: int
    variable_name: str
    title: str
    type: FieldType
    options: tuple[str, ...] = ()


@dataclass
class ContactState:
    """A contact as stored: what an import compares a row against, and what undo restores.

    ``custom`` maps a field id to its value in canonical text (see ``values.parse_custom``).
    """

    id: int | None
    email: str
    email_key: str
    first_name: str | None = None
    last_name: str | None = None
    company_id: int | None = None
    label_ids: set[int] = field(default_factory=set)
    custom: dict[int, str] = field(default_factory=dict)

    def copy(self) -> ContactState:
        """A copy that shares nothing mutable (much cheaper than ``copy.deepcopy``)."""
        return ContactState(
            self.id,
            self.email,
            self.email_key,
            self.first_name,
            self.last_name,
            self.company_id,
            set(self.label_ids),
            dict(self.custom),
        )


@dataclass
class UserState:
    """An agent as stored; ``password_hash`` is never shown anywhere, only compared."""

    id: int | None
    email: str
    email_key: str
    first_name: str | None = None
    last_name: str | None = None
    password_hash: str | None = field(default=None, repr=False)
    active: bool = True
    role: Role = Role.AGENT


# --- email -------------------------------------------------------------------------------


class Email(NamedTuple):
    """An address as stored (``address``) and the key rows are matched on (``key``).

    A named tuple, not a dataclass: parsed rows cross a process boundary (see
    :mod:`rolodex.importing.pipeline`), and tuples pickle several times faster."""

    address: str
    key: str


def email_key(address: str) -> str:
    """The match key of a normalised address (see :func:`rolodex.importing.values.parse_email`).

    Lower-casing, not case folding: ``Straße`` and ``strasse`` are different mailboxes.
    The domain goes to its ASCII form so Unicode and punycode spellings meet.
    """
    local, _, domain = address.rpartition("@")
    return match_key(local, ascii_domain(domain))


def match_key(local: str, ascii_domain: str) -> str:
    if local.isascii():
        return f"{local.lower()}@{ascii_domain.lower()}"
    local = unicodedata.normalize("NFC", unicodedata.normalize("NFC", local).lower())
    return f"{local}@{ascii_domain.lower()}"


@lru_cache(maxsize=4096)
def ascii_domain(domain: str) -> str:
    """Domains repeat across a file (``gmail.com``), so the IDNA work is cached, bounded."""
    if domain.isascii():
        return domain
    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError:
        return domain
