"""Raw messages out of mail files: single ``.eml`` files, mbox files and Maildir folders.

:func:`iter_messages` yields one :class:`RawMessage` at a time, so memory holds one message,
never a whole mailbox. What cannot be read (a missing path, a 0-byte file, a directory
that is not a Maildir, an I/O error) is yielded as a :class:`SourceProblem` and the run
goes on: the caller counts it as skipped, with its reason. Nothing here raises ``OSError``.

What a path is, is decided by looking at it, not at its name:

- a directory with ``cur/``, ``new/`` and ``tmp/`` is a Maildir;
- a file whose first five bytes are ``From `` (with a space: ``From:`` is a header) is mbox;
- any other file is one message.

Two readers are ours rather than ``mailbox``'s, on purpose:

- **mbox**: ``mailbox.mbox`` first scans the whole file to build a table of contents, then
  seeks back for each message; it splits at *every* line starting ``From `` (so an
  unquoted one in a body cuts a message in two) and never undoes ``>From`` quoting. The
  splitter here reads once, line by line, starts a message only at a ``From `` line after a
  blank line (or at the start of the file), and unquotes one ``>`` from ``>From `` lines as
  mboxrd does (the same result as mboxo for ``From `` lines quoted once).
- **Maildir**: ``mailbox.Maildir`` gives keys, not file paths, and lists messages in no
  particular order; walking ``cur/`` and ``new/`` ourselves (``tmp/`` holds deliveries
  still being written, and dot files are not messages) gives each message's path as its
  origin and the same order on every run (by file name, which starts with the delivery
  time). The layout is the one ``mailbox.Maildir`` writes, which the tests use to build it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

__all__ = [
    "EMPTY_FILE",
    "NOT_A_FILE",
    "NOT_A_MAILDIR",
    "NOT_FOUND",
    "RawMessage",
    "SourceProblem",
    "iter_messages",
]

NOT_FOUND = "no such file or directory"
EMPTY_FILE = "empty file"
NOT_A_FILE = "not a regular file"
NOT_A_MAILDIR = "a directory, but not a Maildir (it needs cur/, new/ and tmp/)"

_MAILDIR_PARTS = ("cur", "new", "tmp")
_READ_FROM = ("cur", "new")
_MBOX_START = b"From "
_QUOTED_FROM = re.compile(rb">+From ")
_BLANK = (b"\n", b"\r\n")


@dataclass(frozen=True)
class RawMessage:
    """One message's bytes and where they came from, for the report.

    ``origin`` is the file's path, ``box.mbox#17`` for the 17th message of an mbox
    (counting from 1), or the message file's path inside a Maildir.
    """

    origin: str
    raw: bytes


@dataclass(frozen=True)
class SourceProblem:
    """A path, or a part of one, that gave no message; ``reason`` is for the report."""

    origin: str
    reason: str


def iter_messages(paths: Sequence[Path]) -> Iterator[RawMessage | SourceProblem]:
    """Every message under ``paths``, in order, one at a time.

    A 0-byte file is a :class:`SourceProblem` (``empty file``), not an empty message: it
    is a problem with the file, and saying so names the file rather than a message in it.
    """
    for path in paths:
        yield from _messages_at(Path(path))


def _messages_at(path: Path) -> Iterator[RawMessage | SourceProblem]:
    """The messages of one path; an ``OSError`` part-way ends that path with a problem."""
    try:
        yield from _read_path(path)
    except OSError as exc:
        yield SourceProblem(str(path), _os_reason(exc))


def _read_path(path: Path) -> Iterator[RawMessage | SourceProblem]:
    if path.is_dir():
        if all((path / part).is_dir() for part in _MAILDIR_PARTS):
            yield from _maildir_messages(path)
        else:
            yield SourceProblem(str(path), NOT_A_MAILDIR)
    elif not path.exists():
        yield SourceProblem(str(path), NOT_FOUND)
    elif not path.is_file():
        yield SourceProblem(str(path), NOT_A_FILE)  # a FIFO or a device could never end
    else:
        yield from _file_messages(path)


def _file_messages(path: Path) -> Iterator[RawMessage | SourceProblem]:
    """An mbox's messages, or the file as one message."""
    with path.open("rb") as file:
        head = file.read(len(_MBOX_START))
        if not head:
            yield SourceProblem(str(path), EMPTY_FILE)
        elif head == _MBOX_START:
            file.seek(0)
            yield from _mbox_messages(file, str(path))
        else:
            yield RawMessage(str(path), head + file.read())


def _maildir_messages(root: Path) -> Iterator[RawMessage | SourceProblem]:
    for part in _READ_FROM:
        for name in sorted(os.listdir(root / part)):
            path = root / part / name
            if not name.startswith(".") and path.is_file():
                yield _maildir_message(path)


def _maildir_message(path: Path) -> RawMessage | SourceProblem:
    """One Maildir file; one that vanished or cannot be read costs itself only.

    A mail client may move a message from ``new/`` to ``cur/`` while we read the folder;
    it is then reported as a problem rather than read twice or stopping the run.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return SourceProblem(str(path), _os_reason(exc))
    return RawMessage(str(path), raw) if raw else SourceProblem(str(path), EMPTY_FILE)


def _mbox_messages(file: BinaryIO, origin: str) -> Iterator[RawMessage]:
    """Split an mbox at its ``From `` lines, one message in memory at a time.

    A ``From `` line starts a message at the start of the file or after a blank line;
    anywhere else it is body text (an mboxo writer that did not quote it). The blank line
    before a separator belongs to the mbox format, not to the message, and is dropped.
    CRLF files work the same (``\\r\\n`` blank lines); a last line without a newline is kept.
    """
    lines: list[bytes] = []
    number = 0
    after_blank = True
    for line in file:
        if after_blank and line.startswith(_MBOX_START):
            if number:
                yield _mbox_message(origin, number, lines)
            number, lines, after_blank = number + 1, [], False
            continue
        after_blank = line in _BLANK
        lines.append(_unquote(line))
    if number:
        yield _mbox_message(origin, number, lines)


def _unquote(line: bytes) -> bytes:
    """``>From `` → ``From ``, ``>>From `` → ``>From ``: mboxrd's quoting undone."""
    if line.startswith(b">") and _QUOTED_FROM.match(line):
        return line[1:]
    return line


def _mbox_message(origin: str, number: int, lines: list[bytes]) -> RawMessage:
    """One message from its lines, minus the blank line mbox puts after each message.

    A message with no lines is yielded too, as ``b""``, which
    :func:`~rolodex.mail.senders.senders_of` skips as an empty message.
    """
    if lines and lines[-1] in _BLANK:
        lines.pop()
    return RawMessage(f"{origin}#{number}", b"".join(lines))


def _os_reason(exc: OSError) -> str:
    """``cannot read: Permission denied``: the OS's words, without the path we already show."""
    return f"cannot read: {exc.strerror or exc.__class__.__name__}"
