"""The few errors that stop a whole run.

A problem with one row is never an exception: it is a :class:`~rolodex.importing.report.RowIssue`
in the report. Exceptions are kept for what makes the whole run impossible::

    RolodexError
     ├── FileError        the file cannot be imported at all: unreadable, not text, bad header
     ├── UsageError       the command asks for something that cannot be done (bad option value)
     │    ├── Conflict     … because a record with that name exists already
     │    └── LastAdmin    … because it would leave the team without an active admin
     ├── NotFound         the record asked for does not exist
     └── StoreError       the database is unreachable or failed part-way

Front ends map them to exit codes (``FileError``/``UsageError`` → 2, ``NotFound`` → 1) and
HTTP statuses (``Conflict`` and ``LastAdmin`` → 409); the message is always written for the
person who ran the command.
"""

from __future__ import annotations


class RolodexError(Exception):
    """Base of every error rolodex raises on purpose."""

    @property
    def message(self) -> str:
        return str(self)


class FileError(RolodexError):
    """The file as a whole cannot be imported; nothing of it is written."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.row = row
        self.column = column

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle with row and column (a file may be read in a child process)."""
        return (type(self), (str(self),), self.__dict__)


class UsageError(RolodexError):
    """A command or request asked for something invalid."""


class Conflict(UsageError):
    """The record would duplicate one that exists (exit 2 like any usage error; HTTP 409)."""


class LastAdmin(UsageError):
    """Demoting or deactivating this user would leave no active admin (HTTP 409)."""


class NotFound(RolodexError):
    """The record asked for does not exist."""


class StoreError(RolodexError):
    """The database could not be reached or failed part-way through a run."""
