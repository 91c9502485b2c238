"""Who sent a message: the addresses and names in its From, Reply-To and Cc headers.

Pure and database-free: bytes in, :class:`MessageSenders` out. Mail is written by every
program ever, so :func:`senders_of` never raises: a message that yields nothing usable comes
back with ``skipped_reason`` set (one of the ``SKIP_*`` texts) and the run goes on.

How one message is read:

1. The headers are parsed by the stdlib ``email`` package; the body is never looked at.
2. Raw 8-bit bytes in a header are read as UTF-8 (RFC 6532 allows it); bytes that are not
   UTF-8 leave a replacement character, which makes a name unreadable and an address invalid.
3. Every From, then Reply-To, then Cc header is split here at its top-level commas, and each
   entry is parsed on its own by ``email.headerregistry``. One broken entry then costs one
   address, not the whole header, and the stdlib parser, whose time grows faster than the
   text it is given, only ever sees short texts. The address headers of one message are read
   up to :data:`MAX_ADDRESS_TEXT` characters in all, so a hostile message costs little.
4. Each address goes through :func:`rolodex.importing.values.parse_email`, so a contact
   captured from mail and one imported from a CSV file get the same key.
5. The mailbox's own addresses are left out; duplicates collapse onto their first occurrence.
6. At most ``max_senders`` addresses are kept, in the order above (From first); the rest
   are counted in ``capped``: one message with 1,400 Cc must not make 1,400 contacts.
7. Machines are no contacts (docs/mail.md#machines): an address whose local part, ``+tag`` aside, is
   one of :data:`MACHINE_LOCAL_PARTS` is left out and counted in ``machines``; a message whose
   ``Auto-Submitted`` header says anything but ``no`` (RFC 3834: auto-replies, vacation notices,
   bounces) gives no sender at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from email import errors, policy
from email.headerregistry import AddressHeader, HeaderRegistry
from email.parser import BytesParser

from rolodex.domain import Email
from rolodex.importing.report import IssueCode, ValueProblem
from rolodex.importing.values import MAX_NAME, parse_email

__all__ = [
    "MACHINE_LOCAL_PARTS",
    "MAX_ADDRESS_TEXT",
    "MAX_ENTRY",
    "MAX_SENDERS",
    "SKIP_AUTOMATIC",
    "SKIP_EMPTY",
    "SKIP_MACHINE",
    "SKIP_NO_ADDRESS",
    "SKIP_NO_FROM",
    "SKIP_NO_VALID",
    "SKIP_ONLY_MAILBOX",
    "SKIP_TOO_LONG",
    "SKIP_UNPARSEABLE",
    "MessageSenders",
    "Sender",
    "is_machine",
    "mailbox_keys_of",
    "names_from",
    "senders_of",
]

#: Characters of From/Reply-To/Cc text read per message, all occurrences together. About
#: 1,500 named addresses; a header that does not fit is not read and counts as one invalid.
#: The worst text that fits (encoded words in quotes) takes about 0.3 s to read.
MAX_ADDRESS_TEXT = 65_536
#: One address with its display name; longer is garbage, refused before any parsing.
MAX_ENTRY = 2_048
#: Senders kept from one message by default (``MailLimits.max_contacts_per_message``).
MAX_SENDERS = 50

SKIP_EMPTY = "empty message"
SKIP_UNPARSEABLE = "unparseable headers"
SKIP_NO_FROM = "no From header"
SKIP_TOO_LONG = "address headers too long"
SKIP_ONLY_MAILBOX = "only the mailbox's own addresses"
SKIP_NO_VALID = "no valid sender address"
SKIP_NO_ADDRESS = "no sender address"
SKIP_MACHINE = "sent by a machine (noreply, mailer-daemon…)"
SKIP_AUTOMATIC = "automatic message (Auto-Submitted)"

#: Local parts of addresses that programs send from, never people (docs/mail.md#machines).
MACHINE_LOCAL_PARTS = frozenset(
    ("mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply", "do-not-reply")
)

_FIELDS = ("from", "reply-to", "cc")
_AUTO_SUBMITTED = "auto-submitted"
_HEADERS = HeaderRegistry()


@dataclass(frozen=True)
class Sender:
    """One address worth keeping, with the names its display name gave (``None`` if none)."""

    address: str
    key: str
    first_name: str | None = None
    last_name: str | None = None


@dataclass(frozen=True)
class MessageSenders:
    """What one message gave: its senders, or why it gave none.

    ``skipped_reason`` is set exactly when ``senders`` is empty. ``invalid`` counts the
    address entries dropped as not valid, ``machines`` those dropped as machine senders,
    ``capped`` those past the message's cap, whether or not others were kept.
    """

    senders: list[Sender]
    skipped_reason: str | None = None
    invalid: int = 0
    machines: int = 0
    capped: int = 0


def mailbox_keys_of(addresses: Iterable[str]) -> frozenset[str]:
    """The match keys of the mailbox's own addresses, as :func:`senders_of` wants them.

    Raises :class:`~rolodex.importing.report.ValueProblem` on an invalid address: a
    misspelt mailbox setting would otherwise store the mailbox as a contact of itself.
    """
    return frozenset(parse_email(address.strip()).key for address in addresses if address.strip())


def senders_of(
    raw: bytes, mailbox_keys: frozenset[str], max_senders: int = MAX_SENDERS
) -> MessageSenders:
    """The senders of one raw message, at most ``max_senders``; never raises."""
    if not raw or raw.isspace():
        return MessageSenders([], SKIP_EMPTY)
    try:
        values, automatic = _address_headers(raw)
    except Exception:  # the boundary: one message must never stop a run
        return MessageSenders([], SKIP_UNPARSEABLE)
    if automatic:
        return MessageSenders([], SKIP_AUTOMATIC)
    tally = _Tally(mailbox_keys, max_senders)
    for value in values:
        tally.read_header(value)
    return tally.result(headers_seen=bool(values))


def _address_headers(raw: bytes) -> tuple[list[str], bool]:
    """The raw text of every From, Reply-To and Cc header, in that order of fields, and
    whether an ``Auto-Submitted`` header marks the message as sent by a program."""
    message = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
    by_field: dict[str, list[str]] = {name: [] for name in _FIELDS}
    automatic = False
    for name, value in message.raw_items():
        field_name = name.strip().lower()
        if field_name == _AUTO_SUBMITTED:
            automatic = automatic or _is_automatic(str(value))
        values = by_field.get(field_name)
        if values is not None:
            values.append(str(value))
    return [value for name in _FIELDS for value in by_field[name]], automatic


def _is_automatic(value: str) -> bool:
    """``Auto-Submitted: no`` is a person; any other keyword (``auto-replied``,
    ``auto-generated; …``), parameters and comments aside, is a program (RFC 3834, section 5)."""
    keyword = _COMMENT.sub("", value).split(";", 1)[0].strip().lower()
    return keyword != "no"


def is_machine(email: Email) -> bool:
    """Whether the address is a program's: its local part, any ``+tag`` dropped, is one of
    :data:`MACHINE_LOCAL_PARTS` in any case (``No-Reply+123@x.com`` included)."""
    local = email.key.rsplit("@", 1)[0]
    return local.split("+", 1)[0] in MACHINE_LOCAL_PARTS


def _readable(value: str) -> str:
    """Unfold a raw header and read its 8-bit bytes as UTF-8.

    The parser kept undecodable bytes as lone surrogates; they go back to bytes and are
    decoded as UTF-8, anything else becoming U+FFFD.
    """
    unfolded = value.replace("\r", "").replace("\n", "")
    return unfolded.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


@dataclass
class _Tally:
    """The running state of one message: senders by key, and what was dropped and why."""

    mailbox_keys: frozenset[str]
    max_senders: int
    found: dict[str, Sender] = field(default_factory=dict)
    invalid: int = 0
    own: int = 0
    machines: int = 0
    capped: int = 0
    too_long: bool = False
    budget: int = MAX_ADDRESS_TEXT

    def read_header(self, value: str) -> None:
        if len(value) > self.budget:
            self.invalid += 1
            self.too_long = True
            return
        self.budget -= len(value)
        for entry in _entries(_readable(value)):
            self.read_entry(entry)

    def read_entry(self, entry: str) -> None:
        try:
            parsed = _parse_entry(entry)
            if parsed is None:
                self.invalid += 1
            for addr_spec, display_name in parsed or ():
                self.add(addr_spec, display_name)
        except Exception:  # a parser bug on one entry costs that entry only
            self.invalid += 1

    def add(self, addr_spec: str, display_name: str) -> None:
        try:
            email = _parse_address(addr_spec)
        except ValueProblem:
            self.invalid += 1
            return
        if email.key in self.mailbox_keys:
            self.own += 1
            return
        if is_machine(email):
            self.machines += 1
            return
        first, last = names_from(display_name)
        known = self.found.get(email.key)
        if known is None and len(self.found) >= self.max_senders:
            self.capped += 1
        elif known is None:
            self.found[email.key] = Sender(email.address, email.key, first, last)
        elif known.first_name is None and known.last_name is None and (first or last):
            self.found[email.key] = replace(known, first_name=first, last_name=last)

    def result(self, *, headers_seen: bool) -> MessageSenders:
        senders = list(self.found.values())
        reason = None if senders else self.reason(headers_seen)
        return MessageSenders(senders, reason, self.invalid, self.machines, self.capped)

    def reason(self, headers_seen: bool) -> str:
        if not headers_seen:
            return SKIP_NO_FROM
        if self.too_long:
            return SKIP_TOO_LONG
        if self.machines:
            return SKIP_MACHINE
        if self.own:
            return SKIP_ONLY_MAILBOX
        if self.invalid:
            return SKIP_NO_VALID
        return SKIP_NO_ADDRESS


def _parse_address(addr_spec: str) -> Email:
    """:func:`parse_email`, refusing U+FFFD too: it stands for bytes that were not UTF-8,
    and the validator would take it in a local part, storing an address no one has."""
    if "\ufffd" in addr_spec:
        raise ValueProblem(IssueCode.INVALID_EMAIL, "the address holds bytes that are not UTF-8")
    return parse_email(addr_spec.strip())


# --- splitting an address list -----------------------------------------------------------

_SPECIAL = re.compile(r'[\\"()\[\]<>,;:]')
_CLOSER = {'"': '"', "(": ")", "[": "]", "<": ">"}


def _entries(value: str) -> list[str]:
    """Split an address list at its top-level commas; drop group names (``team: …;``).

    Commas inside quotes, comments, angle brackets and domain literals do not split, so
    ``"Doe, Jane" <jane@x.com>`` stays one entry. Linear in the text, whatever it holds.
    """
    entries: list[str] = []
    stack: list[str] = []  # the closers still expected, innermost last
    start, escaped = 0, -1
    for match in _SPECIAL.finditer(value):
        at, char = match.start(), match.group()
        if at == escaped:
            continue
        if char == "\\":
            escaped = at + 1
        elif stack:
            _nest(stack, char)
        elif char in _CLOSER:
            stack.append(_CLOSER[char])
        elif char in ",;":
            entries.append(value[start:at])
            start = at + 1
        elif char == ":":
            start = at + 1  # what came before was a group's name
    entries.append(value[start:])
    return [entry.strip() for entry in entries if entry.strip()]


def _nest(stack: list[str], char: str) -> None:
    """Follow one special character inside a quote, comment, literal or angle address."""
    closer = stack[-1]
    if char == closer:
        stack.pop()
    elif closer == ")" and char == "(":
        stack.append(")")
    elif closer == ">" and char in '"([':
        stack.append(_CLOSER[char])


# --- parsing one entry -------------------------------------------------------------------

_ADDR_SPEC = r'[^\s"(),:;<>\[\]\\@]+@[^\s"(),:;<>\[\]\\@]+'
_SIMPLE = re.compile(
    rf'(?:"(?P<quoted>[^"\\]*)"|(?P<plain>[^"\\()<>\[\]@,;:=]*))\s*<(?P<angle>{_ADDR_SPEC})>'
    rf"|(?P<bare>{_ADDR_SPEC})"
)
_TRAILING_ANGLE = re.compile(r"<[^<>]*>$")
_GARBLED = (errors.InvalidBase64CharactersDefect, errors.InvalidBase64LengthDefect)
_Parsed = list[tuple[str, str]]  # (addr_spec, display_name) pairs


def _parse_entry(entry: str) -> _Parsed | None:
    """Addresses of one entry, or ``None`` if it holds none that can be read.

    When the stdlib parser finds something invalid in an entry that ends in ``<address>``,
    its result is kept only if it agrees with that address read alone; otherwise the
    address alone wins, without a name: ``'jane@x.com' <jane@x.com>`` (Outlook's quoting)
    and ``Jane@Home <jane@x.com>`` would else give the wrong address. An encoded word in
    quotes, which the parser also flags, agrees and keeps its name.
    """
    if len(entry) > MAX_ENTRY or "@" not in entry:
        return None
    simple = _parse_simple(entry)
    if simple is not None:
        return [simple]
    parsed, clean = _parse_with_registry(entry)
    angle = _TRAILING_ANGLE.search(entry)
    if clean or angle is None:
        return parsed or None
    alone, _ = _parse_with_registry(angle.group())
    if not alone or _addresses(alone) == _addresses(parsed):
        return parsed or None
    return [(addr_spec, "") for addr_spec in _addresses(alone)]


def _addresses(parsed: _Parsed) -> list[str]:
    return [addr_spec for addr_spec, _ in parsed]


def _parse_simple(entry: str) -> tuple[str, str] | None:
    """The common shapes (``a@x.com``, ``<a@x.com>``, ``Jane Doe <a@x.com>``, ``"Doe, Jane"
    <a@x.com>``) read directly: the stdlib parser costs about 90 µs an entry, this about 2.

    Anything with an encoded word, a comment, an escape or an odd character goes to the
    stdlib parser; ``test_mail_senders.py`` checks that both agree on the shapes read here.
    """
    match = _SIMPLE.fullmatch(entry)
    if match is None or "=?" in (match["quoted"] or ""):
        return None
    if match["bare"] is not None:
        return match["bare"], ""
    return match["angle"], " ".join((match["quoted"] or match["plain"] or "").split())


def _parse_with_registry(text: str) -> tuple[_Parsed, bool]:
    """Parse with ``email.headerregistry``; the flag says it found nothing invalid.

    Names are blanked when an encoded word's base64 was broken: the parser then returns
    whatever the bytes decoded to, a name no one has (undecodable bytes, the other way an
    encoded word goes wrong, leave surrogates that :func:`names_from` refuses).
    """
    try:
        header = _HEADERS("cc", text)
    except Exception:  # e.g. an encoded word that decodes to a line break
        return [], False
    if not isinstance(header, AddressHeader):
        return [], False
    garbled = any(isinstance(defect, _GARBLED) for defect in header.defects)
    parsed = [
        (address.addr_spec, "" if garbled else address.display_name) for address in header.addresses
    ]
    clean = not any(isinstance(defect, errors.InvalidHeaderDefect) for defect in header.defects)
    return parsed, clean and bool(parsed)


# --- names -------------------------------------------------------------------------------

_UNREADABLE = re.compile("[\ud800-\udfff\ufffd]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # C0 and C1 except \t \n \v \f \r
_COMMENT = re.compile(r"\([^()]*\)")
_QUOTES = "\"'"


def names_from(display_name: str) -> tuple[str | None, str | None]:
    """``(first_name, last_name)`` from a decoded display name; ``(None, None)`` if none.

    ``Doe, Jane`` is read as last, first; otherwise the first word is the first name and the
    rest the last name. No name is ever made from an address: a display name holding an
    ``@`` gives none, and a part with no letter or digit in it is no name either. Comments
    are stripped, so the old ``jane@x.com (Jane Doe)`` form gives no name: such a comment
    is as often ``(via LinkedIn)`` or ``(Support)`` as a person's name. A part
    longer than a stored name may be (``MAX_NAME``) drops both, as does text that could not
    be decoded: a wrong name is worse than an empty one, which can be filled in later.
    """
    if _UNREADABLE.search(display_name):
        return None, None
    name = _tidy(display_name)
    if not name or "@" in name:
        return None, None
    if "," in name:
        last_text, _, first_text = name.partition(",")
    else:
        first_text, _, last_text = name.partition(" ")
    first, last = _part(first_text), _part(last_text)
    if len(first or "") > MAX_NAME or len(last or "") > MAX_NAME:
        return None, None
    return first, last


def _part(text: str) -> str | None:
    """A name part, or ``None`` if it holds no letter or digit (``-``, ``'``, ``.``)."""
    text = text.strip()
    return text if any(char.isalnum() for char in text) else None


def _tidy(display_name: str) -> str:
    """Control characters, parenthesised comments and surrounding quotes out; spaces collapsed.

    Control characters are removed, not spaced (``Ja\\x00ne`` is one word), except the
    whitespace ones, which the collapsing turns into single spaces. The stdlib parser
    already drops comments outside quotes; this also drops them inside
    (``"Jane Doe (Acme)"``) and undoes Outlook's ``'Jane Doe'``.
    """
    text = _CONTROL.sub("", display_name)
    while True:
        stripped = _COMMENT.sub(" ", text)
        if stripped == text:
            break
        text = stripped
    text = " ".join(text.split())
    while len(text) >= 2 and text[0] == text[-1] and text[0] in _QUOTES:
        text = text[1:-1].strip()
    return text
