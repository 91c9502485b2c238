"""``rolodex mail ingest PATH... [--mailbox ADDR] [--json]`` (docs/mail.md#sources), on
SQLite and PostgreSQL.

Every message in ``.eml`` files, mbox files and Maildir folders stores the addresses of its
``From``, ``Reply-To`` and ``Cc`` headers as contacts with ``source`` ``email`` — never the
mailbox's own addresses, never ``To`` or ``Bcc``. A new contact takes its names from the
display name; an existing one keeps its names and source, only its empty names are filled.
A message or a path that gives nothing is skipped and counted with its reason, and the run
goes on. The summary counts messages read, contacts created, names filled and messages
skipped; running the same mail again changes nothing.
"""

from __future__ import annotations

import json
import mailbox
from pathlib import Path

import pytest

from tests.helpers import message

MAILBOX = "support@acme.example"


@pytest.fixture(autouse=True)
def no_mailbox_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own ``ROLODEX_MAILBOX_ADDRESSES`` must not leak into these tests."""
    monkeypatch.delenv("ROLODEX_MAILBOX_ADDRESSES", raising=False)


def write_eml(folder: Path, name: str, raw: bytes) -> Path:
    path = folder / name
    path.write_bytes(raw)
    return path


def write_mbox(path: Path, raws: list[bytes]) -> Path:
    box = mailbox.mbox(path)
    for raw in raws:
        box.add(raw)
    box.close()
    return path


def write_maildir(path: Path, raws: list[bytes]) -> Path:
    box = mailbox.Maildir(path, create=True)
    for raw in raws:
        box.add(raw)
    box.close()
    return path


def ingest(cli, *args: str | Path) -> dict:
    """Run ``mail ingest … --json``; it must succeed, whatever the mail holds."""
    result = cli("mail", "ingest", *args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def emails(cli) -> set[str]:
    return {contact["email"] for contact in cli.json("contacts", "list")}


def names(cli, email: str) -> tuple[str | None, str | None]:
    contact = cli.json("contacts", "show", email)
    return contact["first_name"], contact["last_name"]


def import_csv(cli, tmp_path: Path, text: str) -> None:
    path = tmp_path / "existing.csv"
    path.write_text(text, encoding="utf-8")
    report = cli.json("import", "contacts", path)
    assert report["failed"] == 0, report


# --- which headers are read --------------------------------------------------------------


def test_only_from_reply_to_and_cc_addresses_become_contacts(cli, tmp_path):
    path = write_eml(
        tmp_path,
        "one.eml",
        message(
            "From: Jane Doe <jane@example.com>",
            "Reply-To: replies@example.com",
            "To: tom@example.com, Ann <ann@example.com>",
            "Cc: Carl Cole <carl@example.com>, dora@example.com",
            "Bcc: hidden@example.com",
            "Sender: list-owner@example.com",
            "Return-Path: <bounces@example.com>",
        ),
    )

    summary = ingest(cli, path)

    assert emails(cli) == {
        "jane@example.com",
        "replies@example.com",
        "carl@example.com",
        "dora@example.com",
    }
    assert summary["contacts_created"] == 4


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("From: guest@example.org", id="from"),
        pytest.param("Reply-To: guest@example.org", id="reply-to"),
        pytest.param("Cc: guest@example.org", id="cc"),
    ],
)
def test_a_captured_contact_has_source_email(cli, tmp_path, header):
    path = write_eml(tmp_path, "one.eml", message(header, f"To: {MAILBOX}"))

    ingest(cli, path, "--mailbox", MAILBOX)

    contact = cli.json("contacts", "show", "guest@example.org")
    assert contact["source"] == "email"
    assert contact["email"] == "guest@example.org"


# --- where messages come from ------------------------------------------------------------

THREE_MESSAGES = [
    message("From: Jane Doe <jane@example.com>", f"To: {MAILBOX}"),
    message("From: Ravi Kumar <ravi@example.com>", "Cc: lena@example.net"),
    message("From: Omar Haddad <omar@example.org>", "Reply-To: omar.h@example.org"),
]
THREE_SENDERS = {
    "jane@example.com",
    "ravi@example.com",
    "lena@example.net",
    "omar@example.org",
    "omar.h@example.org",
}


def eml_files(tmp_path: Path) -> list[Path]:
    return [write_eml(tmp_path, f"m{n}.eml", raw) for n, raw in enumerate(THREE_MESSAGES)]


def mbox_file(tmp_path: Path) -> list[Path]:
    return [write_mbox(tmp_path / "archive.mbox", THREE_MESSAGES)]


def maildir_folder(tmp_path: Path) -> list[Path]:
    return [write_maildir(tmp_path / "Maildir", THREE_MESSAGES)]


def one_of_each(tmp_path: Path) -> list[Path]:
    return [
        write_eml(tmp_path, "m0.eml", THREE_MESSAGES[0]),
        write_mbox(tmp_path / "archive.mbox", THREE_MESSAGES[1:2]),
        write_maildir(tmp_path / "Maildir", THREE_MESSAGES[2:]),
    ]


SOURCES = [
    pytest.param(eml_files, id="eml-files"),
    pytest.param(mbox_file, id="mbox-file"),
    pytest.param(maildir_folder, id="maildir-folder"),
    pytest.param(one_of_each, id="eml-mbox-and-maildir-in-one-run"),
]


@pytest.mark.parametrize("make_paths", SOURCES)
def test_every_message_of_every_path_is_read(cli, tmp_path, make_paths):
    paths = make_paths(tmp_path)

    summary = ingest(cli, *paths, "--mailbox", MAILBOX)

    assert emails(cli) == THREE_SENDERS
    assert summary == {
        "messages": 3,
        "contacts_created": 5,
        "names_filled": 0,
        "invalid_addresses": 0,
        "machine_addresses": 0,
        "capped_addresses": 0,
        "skipped": 0,
        "skipped_reasons": {},
    }
    assert names(cli, "ravi@example.com") == ("Ravi", "Kumar")


@pytest.mark.parametrize("make_paths", SOURCES)
def test_ingesting_the_same_mail_twice_changes_nothing(cli, tmp_path, make_paths):
    paths = make_paths(tmp_path)
    first = ingest(cli, *paths, "--mailbox", MAILBOX)
    before = cli.json("contacts", "list")

    second = ingest(cli, *paths, "--mailbox", MAILBOX)

    assert first["contacts_created"] == 5
    assert (second["messages"], second["contacts_created"], second["names_filled"]) == (3, 0, 0)
    assert cli.json("contacts", "list") == before, "not even updated_at moves"


def test_a_maildir_folder_is_read_from_new_and_cur_but_not_tmp(cli, tmp_path):
    folder = write_maildir(tmp_path / "Maildir", [THREE_MESSAGES[0]])
    seen = folder / "cur" / "1700000000.seen.host:2,S"
    seen.write_bytes(THREE_MESSAGES[1])
    (folder / "tmp" / "1700000001.partial.host").write_bytes(THREE_MESSAGES[2])

    summary = ingest(cli, folder, "--mailbox", MAILBOX)

    assert summary["messages"] == 2
    assert emails(cli) == {"jane@example.com", "ravi@example.com", "lena@example.net"}


# --- the mailbox's own addresses ---------------------------------------------------------

OWN_IN_EVERY_HEADER = message(
    "From: Customer <customer@example.com>",
    "Reply-To: Acme Support <Support@Acme.Example>",
    "To: support@acme.example",
    "Cc: HELP@acme.example, colleague@example.com",
)


@pytest.mark.parametrize(
    "args, env",
    [
        pytest.param(["--mailbox", MAILBOX, "--mailbox", "help@acme.example"], None, id="flag"),
        pytest.param(
            ["--mailbox", "SUPPORT@ACME.EXAMPLE,Help@Acme.Example"], None, id="flag-cased"
        ),
        pytest.param([], "support@acme.example,help@acme.example", id="env"),
        pytest.param([], " Support@ACME.example , HELP@acme.EXAMPLE ", id="env-cased-and-spaced"),
        pytest.param(["--mailbox", "help@acme.example"], "support@acme.example", id="flag-and-env"),
    ],
)
def test_the_mailbox_own_addresses_are_never_stored(cli, tmp_path, monkeypatch, args, env):
    if env is not None:
        monkeypatch.setenv("ROLODEX_MAILBOX_ADDRESSES", env)
    path = write_eml(tmp_path, "one.eml", OWN_IN_EVERY_HEADER)

    summary = ingest(cli, path, *args)

    assert emails(cli) == {"customer@example.com", "colleague@example.com"}
    assert summary["contacts_created"] == 2


@pytest.mark.parametrize(
    "args, env",
    [
        pytest.param(["--mailbox", MAILBOX], None, id="flag"),
        pytest.param([], "Support@Acme.Example", id="env"),
    ],
)
def test_a_message_from_the_mailbox_alone_is_skipped(cli, tmp_path, monkeypatch, args, env):
    if env is not None:
        monkeypatch.setenv("ROLODEX_MAILBOX_ADDRESSES", env)
    path = write_eml(
        tmp_path, "reply.eml", message("From: Acme Support <SUPPORT@acme.example>", "To: x@y.com")
    )

    summary = ingest(cli, path, *args)

    assert emails(cli) == set()
    assert summary["skipped_reasons"] == {"only the mailbox's own addresses": 1}


def test_without_a_mailbox_setting_every_sender_is_stored(cli, tmp_path):
    path = write_eml(tmp_path, "one.eml", OWN_IN_EVERY_HEADER)

    ingest(cli, path)

    assert {email.lower() for email in emails(cli)} == {
        "customer@example.com",
        "support@acme.example",
        "help@acme.example",
        "colleague@example.com",
    }


def test_an_invalid_mailbox_address_stops_the_run_before_anything_is_stored(cli, tmp_path):
    path = write_eml(tmp_path, "one.eml", OWN_IN_EVERY_HEADER)

    result = cli("mail", "ingest", path, "--mailbox", "support-at-acme.example")

    assert result.exit_code == 2
    assert "mailbox address" in result.stderr
    assert emails(cli) == set()


# --- names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "from_header, first, last",
    [
        pytest.param("From: Jane Doe <jane@example.com>", "Jane", "Doe", id="first-last"),
        pytest.param('From: "Doe, Jane" <jane@example.com>', "Jane", "Doe", id="last-comma-first"),
        pytest.param(
            "From: Jane Mary van Doe <jane@example.com>", "Jane", "Mary van Doe", id="rest-is-last"
        ),
        pytest.param("From: Jane <jane@example.com>", "Jane", None, id="one-word"),
        pytest.param(
            "From: =?utf-8?q?Ren=C3=A9e_Dupont?= <jane@example.com>",
            "Renée",
            "Dupont",
            id="encoded-word-q",
        ),
        pytest.param(
            "From: =?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= <jane@example.com>",
            "Jürgen",
            "Müller",
            id="encoded-word-base64",
        ),
        pytest.param(
            "From: =?iso-8859-1?q?Fran=E7ois_Lef=E8vre?= <jane@example.com>",
            "François",
            "Lefèvre",
            id="encoded-word-latin1",
        ),
        pytest.param(
            'From: "=?utf-8?q?Dupont=2C_Ren=C3=A9e?=" <jane@example.com>',
            "Renée",
            "Dupont",
            id="encoded-last-comma-first",
        ),
        pytest.param('From: "Jane Doe (Acme)" <jane@example.com>', "Jane", "Doe", id="comment"),
        pytest.param("From: jane@example.com", None, None, id="bare-address-no-name-invented"),
        pytest.param(
            'From: "jane@example.com" <jane@example.com>', None, None, id="address-as-name"
        ),
    ],
)
def test_a_new_contact_takes_its_names_from_the_display_name(
    cli, tmp_path, from_header, first, last
):
    path = write_eml(tmp_path, "one.eml", message(from_header, f"To: {MAILBOX}"))

    summary = ingest(cli, path)

    assert summary["contacts_created"] == 1
    assert names(cli, "jane@example.com") == (first, last)


@pytest.mark.parametrize(
    "csv_names, from_header, stored, filled",
    [
        pytest.param(
            "Janet,Smith",
            "From: Jane Doe <JANE@example.com>",
            ("Janet", "Smith"),
            0,
            id="both-set-never-changed",
        ),
        pytest.param(
            "Janet,",
            "From: Jane Doe <jane@example.com>",
            ("Janet", "Doe"),
            1,
            id="empty-last-filled-first-kept",
        ),
        pytest.param(
            ",Smith",
            'From: "Doe, Jane" <jane@example.com>',
            ("Jane", "Smith"),
            1,
            id="empty-first-filled-last-kept",
        ),
        pytest.param(
            ",",
            "From: =?utf-8?q?Jane_Doe?= <Jane@Example.com>",
            ("Jane", "Doe"),
            1,
            id="both-empty-both-filled",
        ),
        pytest.param(
            "Janet,Smith", "From: jane@example.com", ("Janet", "Smith"), 0, id="mail-without-name"
        ),
        pytest.param(",", "From: jane@example.com", (None, None), 0, id="nothing-to-fill-with"),
    ],
)
def test_an_imported_contact_keeps_its_names_and_source_and_only_empty_names_are_filled(
    cli, tmp_path, csv_names, from_header, stored, filled
):
    import_csv(cli, tmp_path, f"email,first_name,last_name\njane@example.com,{csv_names}\n")
    before = cli.json("contacts", "show", "jane@example.com")
    path = write_eml(tmp_path, "one.eml", message(from_header, f"To: {MAILBOX}"))

    summary = ingest(cli, path)

    after = cli.json("contacts", "show", "jane@example.com")
    assert (after["first_name"], after["last_name"]) == stored
    assert (summary["contacts_created"], summary["names_filled"]) == (0, filled)
    assert after["source"] == "import"
    assert (after["id"], after["email"], after["created_at"]) == (
        before["id"],
        before["email"],
        before["created_at"],
    )
    assert len(cli.json("contacts", "list")) == 1


def test_a_later_message_fills_the_names_an_earlier_one_lacked(cli, tmp_path):
    first = write_eml(tmp_path, "first.eml", message("From: jane@example.com"))
    second = write_eml(tmp_path, "second.eml", message("From: Jane Doe <jane@example.com>"))
    third = write_eml(tmp_path, "third.eml", message("From: Janet Smith <jane@example.com>"))

    runs = [ingest(cli, path) for path in (first, second, third)]

    assert [(r["contacts_created"], r["names_filled"]) for r in runs] == [(1, 0), (0, 1), (0, 0)]
    contact = cli.json("contacts", "show", "jane@example.com")
    assert (contact["first_name"], contact["last_name"], contact["source"]) == (
        "Jane",
        "Doe",
        "email",
    )


# --- malformed input is skipped, counted, and the run goes on ----------------------------

GOOD = message("From: Good Sender <good@example.com>", f"To: {MAILBOX}")


@pytest.mark.parametrize(
    "raw, reason, invalid",
    [
        pytest.param(b"", "{path}: empty file", 0, id="0-byte-file"),
        pytest.param(
            b"Just some text, no headers at all.\r\n", "no From header", 0, id="no-headers"
        ),
        pytest.param(
            b" folded line with no header\r\nFrom jane\r\n:\r\n\r\nbody",
            "no From header",
            0,
            id="broken-header-lines",
        ),
        pytest.param(message("To: tom@example.com"), "no From header", 0, id="no-from-header"),
        pytest.param(message("From: Jane Doe"), "no valid sender address", 1, id="name-no-address"),
        pytest.param(
            message("From: jane@@example..com"), "no valid sender address", 1, id="invalid-address"
        ),
        pytest.param(message("From: <<<>>>"), "no valid sender address", 1, id="broken-angles"),
        pytest.param(
            message("From: <>", "Cc: jane@, @example.com"),
            "no valid sender address",
            3,
            id="null-from-and-half-addresses-in-cc",
        ),
        pytest.param(
            message(b"From: \x8f\xff <\xff\xfe@example.com>", b"Subject: \xc3\x28"),
            "no valid sender address",
            1,
            id="8bit-garbage-in-headers",
        ),
        pytest.param(bytes(range(128, 256)) * 8, "no From header", 0, id="8bit-garbage-file"),
        pytest.param(message("From:"), "no sender address", 0, id="empty-from"),
    ],
)
def test_a_malformed_message_is_skipped_with_its_reason_and_the_run_goes_on(
    cli, tmp_path, raw, reason, invalid
):
    before = write_eml(tmp_path, "a-good.eml", GOOD)
    bad = write_eml(tmp_path, "b-bad.eml", raw)
    after = write_eml(
        tmp_path, "c-good.eml", message("From: Late Sender <late@example.com>", "To: x@y.com")
    )

    result = cli("mail", "ingest", before, bad, after, "--mailbox", MAILBOX, "--json")

    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["skipped_reasons"] == {reason.format(path=bad): 1}
    assert report["skipped"] == 1
    assert report["invalid_addresses"] == invalid
    assert report["contacts_created"] == 2
    assert emails(cli) == {"good@example.com", "late@example.com"}


def test_a_missing_path_is_a_usage_error_and_reads_nothing(cli, tmp_path):
    missing = tmp_path / "no-such.mbox"
    good = write_eml(tmp_path, "good.eml", GOOD)

    result = cli("mail", "ingest", good, missing, "--mailbox", MAILBOX)

    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: no such file or folder: {missing}"
    assert result.stdout == ""
    assert emails(cli) == set()


# --- machines: docs/mail.md#machines --------------------------------------------------------------


@pytest.mark.parametrize(
    "sender",
    [
        "MAILER-DAEMON@mx.example.com",
        "postmaster@example.com",
        "noreply@example.com",
        "No-Reply <no-reply@example.com>",
        "donotreply@example.com",
        "do-not-reply+bounce-42@example.com",
    ],
)
def test_a_machine_sender_is_not_stored_and_counts_as_skipped(cli, tmp_path, sender):
    path = write_eml(tmp_path, "bot.eml", message(f"From: {sender}", f"To: {MAILBOX}"))

    summary = ingest(cli, path, "--mailbox", MAILBOX)

    assert (summary["contacts_created"], summary["skipped"], summary["machine_addresses"]) == (
        0,
        1,
        1,
    )
    assert summary["skipped_reasons"] == {"sent by a machine (noreply, mailer-daemon…)": 1}
    assert emails(cli) == set()


def test_a_machine_in_cc_is_left_out_and_the_people_kept(cli, tmp_path):
    raw = message("From: Jane Doe <jane@example.com>", "Cc: noreply@example.com, bob@example.com")
    path = write_eml(tmp_path, "cc.eml", raw)

    summary = ingest(cli, path, "--mailbox", MAILBOX)

    assert (summary["contacts_created"], summary["machine_addresses"], summary["skipped"]) == (
        2,
        1,
        0,
    )
    assert emails(cli) == {"jane@example.com", "bob@example.com"}


@pytest.mark.parametrize(
    "value", ["auto-replied", "auto-generated", "Auto-Notified; owner-email=x@example.com"]
)
def test_an_auto_submitted_message_stores_nobody(cli, tmp_path, value):
    raw = message("From: Jane Doe <jane@example.com>", f"Auto-Submitted: {value}")
    path = write_eml(tmp_path, "vacation.eml", raw)

    summary = ingest(cli, path, "--mailbox", MAILBOX)

    assert summary["skipped_reasons"] == {"automatic message (Auto-Submitted)": 1}
    assert emails(cli) == set()


@pytest.mark.parametrize("value", ["no", "No (written by a person)"])
def test_auto_submitted_no_is_a_person(cli, tmp_path, value):
    raw = message("From: Jane Doe <jane@example.com>", f"Auto-Submitted: {value}")
    path = write_eml(tmp_path, "person.eml", raw)

    assert ingest(cli, path, "--mailbox", MAILBOX)["contacts_created"] == 1
    assert emails(cli) == {"jane@example.com"}


def test_malformed_messages_inside_an_mbox_do_not_stop_the_messages_after_them(cli, tmp_path):
    box = write_mbox(
        tmp_path / "mixed.mbox",
        [
            GOOD,
            message("From: Jane Doe"),
            message(b"From: \x8f\xff <\xff\xfe@example.com>"),
            message("Subject-only: yes"),
            message("From: Late Sender <late@example.com>"),
        ],
    )

    summary = ingest(cli, box, "--mailbox", MAILBOX)

    assert emails(cli) == {"good@example.com", "late@example.com"}
    assert summary["messages"] == 5
    assert summary["skipped_reasons"] == {"no valid sender address": 2, "no From header": 1}


# --- the summary -------------------------------------------------------------------------


@pytest.fixture
def mixed_run(cli, tmp_path) -> list[Path]:
    """Paths whose ingest reads 4 messages, creates 3 contacts, fills 1 contact's names and
    skips 3 (one message with no From, one unreadable address, one 0-byte file); 1 address
    is invalid. ``known@example.com`` is imported beforehand without names."""
    import_csv(cli, tmp_path, "email,first_name,last_name\nknown@example.com,,\n")
    return [
        write_mbox(
            tmp_path / "inbox.mbox",
            [
                message("From: Jane Doe <jane@example.com>", "Cc: ravi@example.com"),
                message("From: Known Person <known@example.com>", "Reply-To: lena@example.net"),
                message("To: nobody@example.com"),
            ],
        ),
        write_eml(tmp_path, "bad.eml", message("From: not-an-address")),
        write_eml(tmp_path, "empty.eml", b""),
    ]


def test_the_json_summary_counts_everything(cli, tmp_path, mixed_run):
    summary = ingest(cli, *mixed_run, "--mailbox", MAILBOX)

    assert summary == {
        "messages": 4,
        "contacts_created": 3,
        "names_filled": 1,
        "invalid_addresses": 1,
        "machine_addresses": 0,
        "capped_addresses": 0,
        "skipped": 3,
        "skipped_reasons": {
            "no From header": 1,
            "no valid sender address": 1,
            f"{tmp_path / 'empty.eml'}: empty file": 1,
        },
    }


def test_the_text_summary_counts_everything(cli, tmp_path, mixed_run):
    result = cli("mail", "ingest", *mixed_run, "--mailbox", MAILBOX)

    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    first = lines[0]
    for phrase in (
        "4 messages read",
        "3 contacts created",
        "1 names filled",
        "3 messages skipped",
    ):
        assert phrase in first, first
    assert sorted(line.strip() for line in lines[1:]) == sorted(
        [
            "skipped 1: no From header",
            "skipped 1: no valid sender address",
            f"skipped 1: {tmp_path / 'empty.eml'}: empty file",
            "1 invalid addresses left out",
        ]
    )


# --- volume ------------------------------------------------------------------------------


def test_a_mbox_of_thousands_of_messages_gives_exactly_the_unique_valid_senders(cli, tmp_path):
    senders = [f"person{n}@example{n % 7}.com" for n in range(800)]
    raws: list[bytes] = []
    for n in range(3_000):
        address = senders[n % len(senders)]
        if n % 3 == 1:
            address = address.upper().replace("@EXAMPLE", "@Example")  # same key, other case
        raws.append(message(f"From: Person {n} <{address}>", f"To: {MAILBOX}"))
        if n % 100 == 99:
            raws.append(message("From: Broken Sender <broken@@example.com>", f"To: {MAILBOX}"))
    box = tmp_path / "big.mbox"
    box.write_bytes(
        b"".join(b"From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n" + raw + b"\n" for raw in raws)
    )

    summary = ingest(cli, box, "--mailbox", MAILBOX)

    stored = cli.json("contacts", "list")
    assert len(stored) == len(senders)
    assert {c["email"].lower() for c in stored} == set(senders)
    assert summary["messages"] == 3_030
    assert summary["contacts_created"] == len(senders)
    assert summary["skipped_reasons"] == {"no valid sender address": 30}
    assert {c["source"] for c in stored} == {"email"}
