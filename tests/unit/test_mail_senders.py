"""docs/mail.md#senders: which addresses of a message become contacts, and with which names."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolodex.domain import email_key
from rolodex.importing.report import ValueProblem
from rolodex.importing.values import parse_email
from rolodex.mail import senders
from rolodex.mail.senders import (
    MAX_ADDRESS_TEXT,
    SKIP_EMPTY,
    SKIP_NO_ADDRESS,
    SKIP_NO_FROM,
    SKIP_NO_VALID,
    SKIP_ONLY_MAILBOX,
    SKIP_TOO_LONG,
    MessageSenders,
    Sender,
    mailbox_keys_of,
    names_from,
    senders_of,
)

MAILBOX = mailbox_keys_of(["support@example.com", "Sales@Example.org"])

Flat = list[tuple[str, str | None, str | None]]


def message(*headers: str | bytes, body: bytes = b"Hello\r\n") -> bytes:
    """A message with these header lines (CRLF), a blank line and a body."""
    lines = [line.encode() if isinstance(line, str) else line for line in headers]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def flat(result: MessageSenders) -> Flat:
    return [(s.address, s.first_name, s.last_name) for s in result.senders]


def read(*headers: str | bytes) -> Flat:
    return flat(senders_of(message(*headers), MAILBOX))


def test_public_names_are_exported() -> None:
    assert all(hasattr(senders, name) for name in senders.__all__)


# --- names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        pytest.param("From: Jane Doe <jane@example.com>", "Jane", "Doe", id="plain"),
        pytest.param('From: "Jane Doe" <jane@example.com>', "Jane", "Doe", id="quoted"),
        pytest.param(
            "From: Jane Mary van Doe <jane@example.com>", "Jane", "Mary van Doe", id="rest-is-last"
        ),
        pytest.param("From: Jane <jane@example.com>", "Jane", None, id="one-word"),
        pytest.param(
            "From: =?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= <jane@example.com>",
            "Jürgen",
            "Müller",
            id="encoded-word-utf8-base64",
        ),
        pytest.param(
            "From: =?utf-8?q?Zo=C3=AB_Ma=C3=AEtre?= <jane@example.com>",
            "Zoë",
            "Maître",
            id="encoded-word-utf8-q",
        ),
        pytest.param(
            "From: =?iso-8859-1?Q?Fran=E7ois_Dupr=E9?= <jane@example.com>",
            "François",
            "Dupré",
            id="encoded-word-iso-8859-1",
        ),
        pytest.param(
            "From: =?UTF-8?Q?Jane?= =?UTF-8?Q?_Doe?= <jane@example.com>",
            "Jane",
            "Doe",
            id="adjacent-encoded-words",
        ),
        pytest.param(
            'From: "=?UTF-8?B?SsO8cmdlbg==?= Doe" <jane@example.com>',
            "Jürgen",
            "Doe",
            id="encoded-word-inside-quotes",
        ),
        pytest.param("From: Jane\r\n Doe <jane@example.com>", "Jane", "Doe", id="folded-header"),
        pytest.param('From: "Doe, Jane" <jane@example.com>', "Jane", "Doe", id="last-comma-first"),
        pytest.param(
            'From: "Doe, Jane Mary" <jane@example.com>', "Jane Mary", "Doe", id="last-comma-firsts"
        ),
        pytest.param(
            "From: =?utf-8?q?Doe=2C_Jane?= <jane@example.com>",
            "Jane",
            "Doe",
            id="encoded-last-comma-first",
        ),
        pytest.param(
            "From: Jane (Acme) Doe <jane@example.com>", "Jane", "Doe", id="comment-in-name"
        ),
        pytest.param(
            'From: "Jane Doe (Acme)" <jane@example.com>', "Jane", "Doe", id="comment-inside-quotes"
        ),
        pytest.param("From: 'Jane Doe' <jane@example.com>", "Jane", "Doe", id="outlook-quotes"),
        pytest.param(
            'From: "O\'Brien Doe" <jane@example.com>', "O'Brien", "Doe", id="apostrophe-kept"
        ),
        pytest.param(
            "From: =?utf-8?q?Ja=00ne_D=1Boe=7F?= <jane@example.com>",
            "Jane",
            "Doe",
            id="control-characters-stripped",
        ),
        pytest.param(
            "From: =?utf-8?q?Jane=09Doe?= <jane@example.com>", "Jane", "Doe", id="tab-is-a-space"
        ),
        pytest.param(
            b"From: J\xc3\xbcrgen M\xc3\xbcller <jane@example.com>",
            "Jürgen",
            "Müller",
            id="raw-utf8-rfc6532",
        ),
        pytest.param(
            "From: " + "J" * 255 + " Doe <jane@example.com>", "J" * 255, "Doe", id="255-kept"
        ),
    ],
)
def test_names_from_the_display_name(header: str | bytes, first: str, last: str | None) -> None:
    assert read(header) == [("jane@example.com", first, last)]


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("From: jane@example.com", id="bare-address"),
        pytest.param("From: <jane@example.com>", id="angle-address"),
        pytest.param('From: "" <jane@example.com>', id="empty-display-name"),
        pytest.param("From: jane@example.com (Jane Doe)", id="comment-only-is-stripped"),
        pytest.param('From: "jane@example.com" <jane@example.com>', id="name-is-the-address"),
        pytest.param('From: "JANE@EXAMPLE.COM" <jane@example.com>', id="name-is-address-cased"),
        pytest.param("From: 'jane@example.com' <jane@example.com>", id="outlook-quoted-address"),
        pytest.param("From: jane@example.com <jane@example.com>", id="unquoted-address-as-name"),
        pytest.param('From: "Jane via jane@x.org" <jane@example.com>', id="name-holds-address"),
        pytest.param("From: Jane@Home <jane@example.com>", id="at-in-unquoted-name"),
        pytest.param("From: (Jane Doe) <jane@example.com>", id="only-a-comment"),
        pytest.param('From: "\'" <jane@example.com>', id="only-a-quote"),
        pytest.param(
            "From: " + "J" * 256 + " Doe <jane@example.com>", id="first-name-over-255-dropped"
        ),
        pytest.param(
            "From: Jane " + "D" * 256 + " <jane@example.com>", id="last-name-over-255-dropped"
        ),
        pytest.param("From: =?utf-8?q?Jane=0D=0ADoe?= <jane@example.com>", id="encoded-line-break"),
        pytest.param("From: =?UTF-8?B?!!!notbase64?= <jane@example.com>", id="broken-base64"),
        pytest.param(
            "From: =?x-no-such-charset?q?=E9=E9?= <jane@example.com>", id="unknown-charset"
        ),
        pytest.param(b"From: Fran\xe7ois <jane@example.com>", id="raw-latin1-not-utf8"),
        pytest.param(b"From: \xff\xfe\x00garbage <jane@example.com>", id="8bit-garbage"),
    ],
)
def test_no_name_is_invented(header: str | bytes) -> None:
    assert read(header) == [("jane@example.com", None, None)]


@pytest.mark.parametrize(
    ("display_name", "expected"),
    [
        ("Jane Doe", ("Jane", "Doe")),
        ("  Jane   Doe  ", ("Jane", "Doe")),
        ("Doe, Jane", ("Jane", "Doe")),
        ("Doe,Jane", ("Jane", "Doe")),
        ("Doe,", (None, "Doe")),
        (", Jane", ("Jane", None)),
        ('"Jane Doe"', ("Jane", "Doe")),
        ("Jane\nDoe", ("Jane", "Doe")),
        ("Jane\u0085Doe", ("JaneDoe", None)),
        ("(Acme (Inc)) Jane Doe", ("Jane", "Doe")),
        ("", (None, None)),
        ("   ", (None, None)),
        ("jane@example.com", (None, None)),
        ("Jane -", ("Jane", None)),
        ("'", (None, None)),
        ("...", (None, None)),
        ("Jane \ufffd", (None, None)),
        ("Jane \udcff", (None, None)),
    ],
)
def test_names_from(display_name: str, expected: tuple[str | None, str | None]) -> None:
    assert names_from(display_name) == expected


# --- which addresses ---------------------------------------------------------------------


def test_from_reply_to_and_cc_are_read_in_that_order() -> None:
    raw = message(
        "Cc: Carol Cc <carol@example.com>, dave@example.com",
        "Reply-To: Rita Reply <rita@example.com>",
        "From: Fred From <fred@example.com>",
    )
    assert flat(senders_of(raw, MAILBOX)) == [
        ("fred@example.com", "Fred", "From"),
        ("rita@example.com", "Rita", "Reply"),
        ("carol@example.com", "Carol", "Cc"),
        ("dave@example.com", None, None),
    ]


@pytest.mark.parametrize(
    "header",
    [
        "To: tom@example.com",
        "Bcc: bob@example.com",
        "Sender: sam@example.com",
        "Return-Path: <ret@example.com>",
        "Delivered-To: del@example.com",
        "Resent-From: res@example.com",
        "X-Original-From: xof@example.com",
    ],
)
def test_other_headers_are_ignored(header: str) -> None:
    assert read("From: fred@example.com", header) == [("fred@example.com", None, None)]


def test_every_occurrence_of_a_header_is_read() -> None:
    assert read(
        "From: a@example.com",
        "Cc: b@example.com",
        "From: c@example.com",
        "Cc: d@example.com",
    ) == [(f"{x}@example.com", None, None) for x in "acbd"]


def test_cc_list_with_several_addresses() -> None:
    header = (
        'Cc: "Doe, Jane" <jane@example.com>, Bob Roe <bob@example.net>,\r\n'
        "\t=?iso-8859-1?Q?Ren=E9e?= <renee@example.fr>, plain@example.com ,\r\n"
        " <angle@example.com>"
    )
    assert read("From: fred@example.com", header) == [
        ("fred@example.com", None, None),
        ("jane@example.com", "Jane", "Doe"),
        ("bob@example.net", "Bob", "Roe"),
        ("renee@example.fr", "Renée", None),
        ("plain@example.com", None, None),
        ("angle@example.com", None, None),
    ]


def test_reply_to_alone_is_enough() -> None:
    assert read("Reply-To: Rita <rita@example.com>") == [("rita@example.com", "Rita", None)]


def test_group_syntax_is_unwrapped() -> None:
    assert read(
        "Cc: team: a@example.com, Bo <b@example.com>;, c@example.com, undisclosed-recipients:;"
    ) == [
        ("a@example.com", None, None),
        ("b@example.com", "Bo", None),
        ("c@example.com", None, None),
    ]


def test_headers_in_the_body_are_not_read() -> None:
    raw = message("From: fred@example.com", body=b"Cc: body@example.com\r\n")
    assert flat(senders_of(raw, MAILBOX)) == [("fred@example.com", None, None)]


def test_lf_line_endings_and_an_mbox_from_line() -> None:
    raw = b"From fred@example.com Mon Jan  1 00:00:00 2024\nFrom: Fred <fred@example.com>\n\nHi\n"
    assert flat(senders_of(raw, MAILBOX)) == [("fred@example.com", "Fred", None)]


def test_keys_are_the_csv_imports_keys() -> None:
    result = senders_of(
        message("From: Jane <Jane.Doe@EXAMPLE.com>", "Cc: jürgen@bücher.example.de"), MAILBOX
    )
    assert [(s.address, s.key) for s in result.senders] == [
        (parse_email("Jane.Doe@EXAMPLE.com").address, email_key("Jane.Doe@example.com")),
        ("jürgen@bücher.example.de", "jürgen@xn--bcher-kva.example.de"),
    ]
    assert all(s.key == parse_email(s.address).key for s in result.senders)


# --- the mailbox's own addresses ---------------------------------------------------------


@pytest.mark.parametrize(
    "own",
    [
        pytest.param("support@example.com", id="same"),
        pytest.param("SUPPORT@Example.COM", id="other-case"),
        pytest.param("Support Team <Support@example.com>", id="with-a-name"),
        pytest.param("sales@example.org", id="second-mailbox-address"),
    ],
)
def test_mailbox_addresses_are_never_senders(own: str) -> None:
    assert read(f"From: {own}", f"Cc: jane@example.com, {own}") == [
        ("jane@example.com", None, None)
    ]


def test_message_from_the_mailbox_alone_is_skipped() -> None:
    result = senders_of(message("From: Support <SUPPORT@example.com>"), MAILBOX)
    assert (result.senders, result.skipped_reason) == ([], SKIP_ONLY_MAILBOX)


def test_mailbox_keys_of() -> None:
    assert mailbox_keys_of([" Support@Example.COM ", "", "b@example.org"]) == {
        "support@example.com",
        "b@example.org",
    }
    with pytest.raises(ValueProblem):
        mailbox_keys_of(["support@"])


# --- duplicates --------------------------------------------------------------------------


def test_duplicates_collapse_onto_the_first() -> None:
    result = senders_of(
        message(
            "From: Jane Doe <Jane@Example.com>",
            "Reply-To: jane@example.com",
            "Cc: Someone Else <JANE@EXAMPLE.COM>, jane@example.com",
        ),
        MAILBOX,
    )
    assert result.senders == [Sender("Jane@example.com", "jane@example.com", "Jane", "Doe")]


def test_a_later_occurrence_fills_missing_names() -> None:
    assert read(
        "From: jane@example.com", "Cc: Jane Doe <JANE@example.com>, Other <jane@example.com>"
    ) == [("jane@example.com", "Jane", "Doe")]


# --- invalid addresses -------------------------------------------------------------------


def test_invalid_addresses_are_dropped_and_counted() -> None:
    result = senders_of(
        message(
            "From: Fred <fred@example.com>",
            'Cc: not-an-address, jane@, @example.com, a@b, "x" <>, good@example.com',
        ),
        MAILBOX,
    )
    assert flat(result) == [("fred@example.com", "Fred", None), ("good@example.com", None, None)]
    assert (result.invalid, result.skipped_reason) == (5, None)


def test_only_invalid_addresses_skip_the_message() -> None:
    result = senders_of(message("From: Jane Doe", "Cc: jane@, x@localhost"), MAILBOX)
    assert (result.senders, result.skipped_reason, result.invalid) == ([], SKIP_NO_VALID, 3)


def test_an_address_that_is_not_utf8_is_invalid() -> None:
    result = senders_of(message(b"From: j\xe9r\xf4me@example.com, ok@example.com"), MAILBOX)
    assert (flat(result), result.invalid) == ([("ok@example.com", None, None)], 1)


# --- messages that give nothing ----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        pytest.param(b"", SKIP_EMPTY, id="zero-bytes"),
        pytest.param(b" \r\n\r\n\t", SKIP_EMPTY, id="only-whitespace"),
        pytest.param(b"Just some text, no headers at all.\r\n", SKIP_NO_FROM, id="no-headers"),
        pytest.param(message("To: tom@example.com", "Subject: hi"), SKIP_NO_FROM, id="no-from"),
        pytest.param(message("From:"), SKIP_NO_ADDRESS, id="empty-from"),
        pytest.param(message("From: undisclosed-recipients:;"), SKIP_NO_ADDRESS, id="empty-group"),
        pytest.param(message("From: Jane Doe"), SKIP_NO_VALID, id="name-without-address"),
        pytest.param(message("From: <>"), SKIP_NO_VALID, id="null-sender"),
        pytest.param(message("From: support@example.com"), SKIP_ONLY_MAILBOX, id="mailbox-only"),
        pytest.param(
            message(b"From: " + b"a" * 1_000_000 + b"@example.com"), SKIP_TOO_LONG, id="1mb-from"
        ),
        pytest.param(
            message(b"From\xff\xfe: \x00\x01\x02", b"\xc3\x28: \xa0\xa1"),
            SKIP_NO_FROM,
            id="8bit-garbage-header-names",
        ),
        pytest.param(
            b"\x00\xff\xfe\r\nFrom: fred@example.com\r\n\r\n", SKIP_NO_FROM, id="binary-first-line"
        ),
    ],
)
def test_skipped_with_a_reason(raw: bytes, reason: str) -> None:
    result = senders_of(raw, MAILBOX)
    assert (result.senders, result.skipped_reason) == ([], reason)


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(message("From: " + "(" * 60_000), id="deeply-nested-comment"),
        pytest.param(message("From: " + '"' * 60_001), id="unterminated-quote"),
        pytest.param(message("From: Jane <" + "a" * 60_000), id="unterminated-angle"),
        pytest.param(message("From: " + "\\" * 60_000), id="backslashes"),
        pytest.param(message("From: =?utf-8?b?"), id="truncated-encoded-word"),
        pytest.param(message("From: =?utf-8?q?=FF=FE?= <>"), id="bad-bytes-encoded-null"),
        pytest.param(message("From: <@route,@route:@>"), id="route-to-nothing"),
        pytest.param(message("From: [IPv6:::1]"), id="domain-literal"),
        pytest.param(message(b"From: \x00\x00\x00"), id="nul-bytes"),
        pytest.param(message(b"From: a\rb@example.com"), id="lone-cr"),
        pytest.param(message(b"From: \xed\xa0\x80@example.com"), id="utf8-encoded-surrogate"),
        pytest.param(b"From: fred@example.com\r\nbroken header line\r\nCc: x\r\n", id="no-colon"),
        pytest.param(b":\r\n:\r\n\r\n", id="empty-header-names"),
    ],
)
def test_hostile_headers_never_raise(raw: bytes) -> None:
    result = senders_of(raw, MAILBOX)
    assert (result.skipped_reason is None) == bool(result.senders)


def test_broken_header_bytes_cost_only_their_address() -> None:
    raw = (
        b"Subject: \xff\xfe\xfd\r\n"
        b"From: \xc3\x28\xa0 <fred@example.com>\r\n"
        b"Cc: \x80\x81@example.com, Jane <jane@example.com>\r\n\r\n"
    )
    result = senders_of(raw, MAILBOX)
    assert flat(result) == [("fred@example.com", None, None), ("jane@example.com", "Jane", None)]
    assert result.invalid == 1


def test_a_1mb_header_elsewhere_does_not_hide_the_sender() -> None:
    raw = message("Subject: " + "x" * 1_000_000, "From: Fred <fred@example.com>")
    assert flat(senders_of(raw, MAILBOX)) == [("fred@example.com", "Fred", None)]


def test_a_too_long_address_header_is_not_read_but_others_are() -> None:
    result = senders_of(
        message("Cc: " + "a@example.com, " * 5_000, "From: Fred <fred@example.com>"), MAILBOX
    )
    assert (flat(result), result.invalid) == ([("fred@example.com", "Fred", None)], 1)


def test_a_large_cc_within_the_limit_is_read_whole() -> None:
    cc = ", ".join(f"Person {i} <p{i}@example.com>" for i in range(1_500))
    assert len(cc) < MAX_ADDRESS_TEXT
    result = senders_of(message("Cc: " + cc), MAILBOX, max_senders=2_000)
    assert len(result.senders) == 1_500
    assert result.senders[-1] == Sender("p1499@example.com", "p1499@example.com", "Person", "1499")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2_000))
def test_any_bytes_give_a_result(raw: bytes) -> None:
    result = senders_of(raw, MAILBOX)
    assert (result.skipped_reason is None) == bool(result.senders)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from('ab@.,;:<>()[]"\\ =?\r\n\t\x00é\udcff'), max_size=200))
def test_any_address_header_gives_a_result(value: str) -> None:
    raw = ("From: " + value).encode("utf-8", "surrogateescape") + b"\r\n\r\n"
    result = senders_of(raw, MAILBOX)
    assert (result.skipped_reason is None) == bool(result.senders)
    assert all(s.key == parse_email(s.address).key for s in result.senders)


# --- the fast path agrees with the stdlib parser -----------------------------------------


@pytest.mark.parametrize(
    "entry",
    [
        "jane@example.com",
        "Jane.Doe+tag@sub.example.co.uk",
        "<jane@example.com>",
        "Jane Doe <jane@example.com>",
        "Jane Doe<jane@example.com>",
        '"Jane Doe" <jane@example.com>',
        '"Doe, Jane" <jane@example.com>',
        '"" <jane@example.com>',
        '"Jane (Acme)" <jane@example.com>',
        "Jürgen Müller <jürgen@example.com>",
        "Jane.Doe <jane@example.com>",
        "O'Brien <ob@example.com>",
    ],
)
def test_fast_path_agrees_with_the_stdlib_parser(entry: str) -> None:
    simple = senders._parse_simple(entry)
    parsed, clean = senders._parse_with_registry(entry)
    assert simple is not None
    assert clean
    assert [(simple[0], names_from(simple[1]))] == [
        (address, names_from(name)) for address, name in parsed
    ]


# --- machines (docs/mail.md#machines) ---------------------------------------------------------


@pytest.mark.parametrize(
    "address,machine",
    [
        ("noreply@example.com", True),
        ("NoReply+1234@example.com", True),
        ("mailer-daemon@example.com", True),
        ("noreplyer@example.com", False),
        ("jane.noreply@example.com", False),
        ("postmaster.jane@example.com", False),
    ],
)
def test_machine_senders_are_known_by_their_whole_local_part(address: str, machine: bool) -> None:
    assert senders.is_machine(parse_email(address)) is machine
