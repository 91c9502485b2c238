"""docs/mail.md#sources: messages out of .eml files, mbox files and Maildir folders, one at a
time."""

from __future__ import annotations

import mailbox
import os
import tracemalloc
from email.message import EmailMessage
from pathlib import Path

import pytest

from rolodex.mail import sources
from rolodex.mail.senders import SKIP_EMPTY, senders_of
from rolodex.mail.sources import (
    EMPTY_FILE,
    NOT_A_FILE,
    NOT_A_MAILDIR,
    NOT_FOUND,
    RawMessage,
    SourceProblem,
    iter_messages,
)

ONE = b"From: one@example.com\nSubject: one\n\nbody one\n"
TWO = b"From: two@example.com\nSubject: two\n\nbody two\n"
THREE = b"From: three@example.com\nSubject: three\n\nbody three\n"
SEPARATOR = b"From sender@example.com Mon Jan  1 00:00:00 2024\n"


def collect(*paths: Path) -> list[RawMessage | SourceProblem]:
    return list(iter_messages(paths))


def only_messages(items: list[RawMessage | SourceProblem]) -> list[RawMessage]:
    messages = [item for item in items if isinstance(item, RawMessage)]
    assert len(messages) == len(items), items
    return messages


def write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def mbox(*messages: bytes, separator: bytes = SEPARATOR, blank: bytes = b"\n") -> bytes:
    """An mbox as writers make it: a ``From `` line before and a blank line after each."""
    return b"".join(separator + message + blank for message in messages)


def test_public_names_are_exported() -> None:
    assert all(hasattr(sources, name) for name in sources.__all__)


# --- single files ------------------------------------------------------------------------


def test_an_eml_file_is_one_message(tmp_path: Path) -> None:
    raw = b"From: Jane <jane@example.com>\r\nSubject: hi\r\n\r\nFrom here on, CRLF.\r\n"
    path = write(tmp_path / "message.eml", raw)
    assert collect(path) == [RawMessage(str(path), raw)]


def test_a_from_header_first_is_not_an_mbox(tmp_path: Path) -> None:
    raw = b"From: jane@example.com\n\nFrom the desk of Jane\n\nFrom me\n"
    path = write(tmp_path / "message.txt", raw)
    assert collect(path) == [RawMessage(str(path), raw)]


def test_a_file_of_garbage_is_still_one_message(tmp_path: Path) -> None:
    path = write(tmp_path / "garbage.bin", b"\x00\xff\xfe garbage")
    assert collect(path) == [RawMessage(str(path), b"\x00\xff\xfe garbage")]


# --- what gives no message ---------------------------------------------------------------


def test_a_zero_byte_file_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "empty.eml", b"")
    assert collect(path) == [SourceProblem(str(path), EMPTY_FILE)]


def test_a_missing_path_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.mbox"
    assert collect(path) == [SourceProblem(str(path), NOT_FOUND)]


def test_a_plain_directory_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "cur").mkdir()
    assert collect(tmp_path) == [SourceProblem(str(tmp_path), NOT_A_MAILDIR)]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    assert collect(path) == [SourceProblem(str(path), NOT_A_FILE)]


def test_an_unreadable_file_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Permissions cannot be shown as root (CI runs as root), so the OS's refusal is made."""
    path = write(tmp_path / "secret.eml", ONE)
    real_open = Path.open

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", refuse)
    assert collect(path) == [SourceProblem(str(path), "cannot read: Permission denied")]


def test_problems_do_not_stop_the_run(tmp_path: Path) -> None:
    empty = write(tmp_path / "empty.eml", b"")
    missing = tmp_path / "missing.eml"
    good = write(tmp_path / "good.eml", ONE)
    box = write(tmp_path / "box.mbox", mbox(TWO, THREE))
    assert collect(empty, missing, good, box) == [
        SourceProblem(str(empty), EMPTY_FILE),
        SourceProblem(str(missing), NOT_FOUND),
        RawMessage(str(good), ONE),
        RawMessage(f"{box}#1", TWO),
        RawMessage(f"{box}#2", THREE),
    ]


# --- mbox --------------------------------------------------------------------------------


def test_mbox_messages_are_numbered_from_one(tmp_path: Path) -> None:
    path = write(tmp_path / "box.mbox", mbox(ONE, TWO, THREE))
    assert collect(path) == [
        RawMessage(f"{path}#1", ONE),
        RawMessage(f"{path}#2", TWO),
        RawMessage(f"{path}#3", THREE),
    ]


def test_from_lines_inside_a_body_do_not_split(tmp_path: Path) -> None:
    body = (
        b"From: one@example.com\n\n"
        b"Hello,\n"
        b"From here on, an mboxo writer forgot to quote.\n"
        b"\n"
        b">From the quoted paragraph (mboxo and mboxrd).\n"
        b">>From a line that was >From before (mboxrd).\n"
        b"> From a reply quote, not a From line.\n"
        b">Fromage is cheese.\n"
    )
    path = write(tmp_path / "box.mbox", mbox(body, TWO))
    assert collect(path) == [
        RawMessage(
            f"{path}#1",
            b"From: one@example.com\n\n"
            b"Hello,\n"
            b"From here on, an mboxo writer forgot to quote.\n"
            b"\n"
            b"From the quoted paragraph (mboxo and mboxrd).\n"
            b">From a line that was >From before (mboxrd).\n"
            b"> From a reply quote, not a From line.\n"
            b">Fromage is cheese.\n",
        ),
        RawMessage(f"{path}#2", TWO),
    ]


def test_crlf_mbox(tmp_path: Path) -> None:
    crlf = [message.replace(b"\n", b"\r\n") for message in (ONE, TWO)]
    content = mbox(*crlf, separator=SEPARATOR.replace(b"\n", b"\r\n"), blank=b"\r\n")
    path = write(tmp_path / "box.mbox", content)
    assert collect(path) == [RawMessage(f"{path}#1", crlf[0]), RawMessage(f"{path}#2", crlf[1])]


def test_mbox_without_a_trailing_newline(tmp_path: Path) -> None:
    path = write(tmp_path / "box.mbox", SEPARATOR + ONE + b"\n" + SEPARATOR + b"From: x@y.com")
    assert collect(path) == [
        RawMessage(f"{path}#1", ONE),
        RawMessage(f"{path}#2", b"From: x@y.com"),
    ]


def test_mbox_without_a_final_blank_line(tmp_path: Path) -> None:
    path = write(tmp_path / "box.mbox", SEPARATOR + ONE + b"\n" + SEPARATOR + TWO)
    assert collect(path) == [RawMessage(f"{path}#1", ONE), RawMessage(f"{path}#2", TWO)]


def test_an_empty_mbox_message_is_yielded_and_skipped_by_senders(tmp_path: Path) -> None:
    path = write(tmp_path / "box.mbox", mbox(ONE, b"", TWO))
    messages = collect(path)
    assert messages == [
        RawMessage(f"{path}#1", ONE),
        RawMessage(f"{path}#2", b""),
        RawMessage(f"{path}#3", TWO),
    ]
    assert isinstance(messages[1], RawMessage)
    assert senders_of(messages[1].raw, frozenset()).skipped_reason == SKIP_EMPTY


def test_an_mbox_written_by_the_stdlib_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "stdlib.mbox"
    box = mailbox.mbox(path, create=True)
    for number in range(3):
        message = EmailMessage()
        message["From"] = f"Person {number} <p{number}@example.com>"
        message.set_content(f"Hi\n\nFrom now on, message {number}.\n")
        box.add(message)
    box.close()
    messages = only_messages(collect(path))
    assert [item.origin for item in messages] == [f"{path}#{n}" for n in (1, 2, 3)]
    senders = [senders_of(item.raw, frozenset()).senders for item in messages]
    assert [(s[0].address, s[0].first_name) for s in senders] == [
        (f"p{n}@example.com", "Person") for n in range(3)
    ]
    assert all(b"\n\nFrom now on" in item.raw for item in messages)


def test_a_large_mbox_is_read_one_message_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "large.mbox"
    body = (b"y" * 78 + b"\n") * 50
    with path.open("wb") as file:
        for number in range(2_000):
            file.write(SEPARATOR + b"From: a@example.com\nSubject: %d\n\n" % number + body + b"\n")
    assert path.stat().st_size > 8_000_000
    tracemalloc.start()
    try:
        count = sum(1 for _ in iter_messages([path]))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 2_000
    assert peak < 1_000_000


# --- Maildir -----------------------------------------------------------------------------


def make_maildir(root: Path) -> mailbox.Maildir:
    return mailbox.Maildir(root, factory=None, create=True)


def test_a_maildir_is_read_cur_then_new(tmp_path: Path) -> None:
    root = tmp_path / "Maildir"
    box = make_maildir(root)
    box.add(ONE)
    box.add(TWO)
    seen = mailbox.MaildirMessage(THREE)
    seen.set_subdir("cur")
    seen.set_flags("S")
    box.add(seen)
    messages = only_messages(collect(root))
    origins = [Path(item.origin) for item in messages]
    assert [origin.parent for origin in origins] == [root / "cur", root / "new", root / "new"]
    assert origins[1:] == sorted(origins[1:])
    assert origins[0].name.endswith(":2,S")
    assert [item.raw for item in messages] == [origin.read_bytes() for origin in origins]
    assert {senders_of(item.raw, frozenset()).senders[0].address for item in messages} == {
        "one@example.com",
        "two@example.com",
        "three@example.com",
    }


def test_a_maildir_skips_tmp_dot_files_and_folders(tmp_path: Path) -> None:
    root = tmp_path / "Maildir"
    box = make_maildir(root)
    box.add(ONE)
    box.add_folder("Sent").add(TWO)  # Maildir++ sub-folder: a separate mailbox
    write(root / "tmp" / "1700000000.partial.host", THREE)  # delivery in progress
    write(root / "new" / ".hidden", THREE)
    (root / "cur" / "a-directory").mkdir()
    messages = collect(root)
    assert [(type(item), Path(item.origin).parent.name) for item in messages] == [
        (RawMessage, "new")
    ]


def test_an_empty_maildir_file_is_a_problem(tmp_path: Path) -> None:
    root = tmp_path / "Maildir"
    make_maildir(root).add(ONE)
    empty = write(root / "cur" / "1700000000.empty.host:2,", b"")
    messages = collect(root)
    assert messages[0] == SourceProblem(str(empty), EMPTY_FILE)
    assert isinstance(messages[1], RawMessage)


def test_an_empty_maildir_gives_nothing(tmp_path: Path) -> None:
    root = tmp_path / "Maildir"
    make_maildir(root)
    assert collect(root) == []


# --- laziness ----------------------------------------------------------------------------


def test_nothing_is_read_before_it_is_asked_for(tmp_path: Path) -> None:
    path = tmp_path / "later.eml"
    messages = iter_messages([path])
    write(path, ONE)  # created after the call: only iterating reads
    assert list(messages) == [RawMessage(str(path), ONE)]
