"""Pure parsers for the values of one CSV cell.

Each parser takes the cell text and returns the parsed value or raises
:class:`~rolodex.importing.report.ValueProblem` with a stable code and a message for the
person who will fix the file; the engine adds the row and the column. Nothing here reads a
file or a database, so every rule of docs/importing.md#values to docs/importing.md#users is
testable on its own and the same rules hold for the CLI, the web upload and inbound mail.

Empty cells are the engine's business ("an empty value never erases"): parsers that can be
handed an empty value say what it means; the others are never called with one.
"""

from __future__ import annotations

import re
from datetime import date

from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email
from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES

from rolodex.domain import CustomField, Email, FieldType, match_key
from rolodex.importing.report import IssueCode, ValueProblem
from rolodex.security.passwords import hash_problem

__all__ = [
    "FORMULA_PREFIXES",
    "MAX_CUSTOM_TEXT",
    "MAX_LABEL_NAME",
    "MAX_NAME",
    "MAX_PASSWORD",
    "MIN_PASSWORD",
    "check_password",
    "clean",
    "first_address",
    "has_control",
    "parse_active",
    "parse_boolean",
    "parse_company_name",
    "parse_custom",
    "parse_email",
    "parse_foreign_labels",
    "parse_id",
    "parse_label_ids",
    "parse_label_names",
    "parse_name",
    "parse_password_hash",
    "show",
    "split_full_name",
    "trim",
]

#: Leading characters a spreadsheet runs as a formula; export puts a ``'`` before them.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

MAX_NAME = 255
MAX_LABEL_NAME = 255
MAX_CUSTOM_TEXT = 65_535
MIN_PASSWORD = 6
MAX_PASSWORD = 1_024
MAX_EMAIL = 254
MAX_LOCAL_PART = 64
MAX_ID_DIGITS = 18
MAX_NUMBER_CHARS = 100
_SHOWN_CHARS = 60
_SHOWN_OPTIONS = 20

# C0 except tab, LF and CR; DEL; C1.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ANY_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")

# --- showing a value in a message -------------------------------------------------------


def show(value: str) -> str:
    """Quote a value so it can be read in a message: shortened, invisible characters named.

    Without this a right-to-left override in a cell would scramble the message around it,
    and a zero-width space would make a bad value look identical to a good one.
    """
    short = value if len(value) <= _SHOWN_CHARS else value[: _SHOWN_CHARS - 1] + "…"
    if not short.isprintable():
        short = "".join(c if c.isprintable() or c == " " else f"<U+{ord(c):04X}>" for c in short)
    return f"'{short}'"


# --- every cell --------------------------------------------------------------------------


def has_control(text: str) -> bool:
    """Does ``text`` hold a character :func:`clean` refuses? One check for a whole row lets
    the import's fast path skip the check per cell."""
    return _CONTROL.search(text) is not None


def trim(raw: str) -> str:
    """:func:`clean` for a value already known to hold no control character."""
    value = raw.strip()
    if value[:1] == "'" and value.lstrip("'").startswith(FORMULA_PREFIXES):
        value = value[1:].strip()
    return value


def clean(raw: str) -> str:
    """Trim a cell, refuse control characters, and undo export's formula neutralisation.

    The control check runs before trimming because ``str.strip`` silently eats some
    control characters (U+001C–U+001F, U+0085). The apostrophe rule makes an exported file
    (``'=SUM…`` → ``=SUM…``, ``''=x`` → ``'=x``) import back unchanged.
    """
    bad = _CONTROL.search(raw)
    if bad:
        raise ValueProblem(
            IssueCode.CONTROL_CHARACTER,
            f"{show(raw)} holds an invisible control character (U+{ord(bad.group()):04X}): "
            "remove it and import the file again",
        )
    return trim(raw)


# --- email -------------------------------------------------------------------------------


_FAST_ATOM = r"[A-Za-z0-9_%+'-]+"
_FAST_LABEL = r"(?!..--)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_FAST_EMAIL = re.compile(
    rf"({_FAST_ATOM}(?:\.{_FAST_ATOM})*)@((?:{_FAST_LABEL}\.)+[A-Za-z]{{2,63}})", re.ASCII
)
_CASE_INSENSITIVE_LOCAL = frozenset(CASE_INSENSITIVE_MAILBOX_NAMES)
_SPECIAL_USE = frozenset(SPECIAL_USE_DOMAIN_NAMES)
_SPECIAL_USE_SUFFIXES = tuple("." + name for name in SPECIAL_USE_DOMAIN_NAMES)


def _special_use(domain: str) -> bool:
    return domain in _SPECIAL_USE or domain.endswith(_SPECIAL_USE_SUFFIXES)


def _fast_email(value: str) -> Email | None:
    """The common plain-ASCII address, without email-validator's ~27 µs per call.

    Returns exactly what the validator path would, or ``None`` to send the value there;
    ``tests/unit/test_values.py`` checks the two agree on generated addresses.
    """
    match = _FAST_EMAIL.fullmatch(value) if len(value) <= MAX_EMAIL else None
    if match is None:
        return None
    local, domain = match.groups()
    domain = domain.lower()
    if len(local) > MAX_LOCAL_PART or _special_use(domain):
        return None
    if local.lower() in _CASE_INSENSITIVE_LOCAL:
        local = local.lower()
    return Email(f"{local}@{domain}", f"{local.lower()}@{domain}")


def parse_email(value: str) -> Email:
    """Check an address and give its stored form and match key.

    ``value`` has been through :func:`clean`. Quoted local parts and display names are
    refused: they are legal but almost always a copy-paste accident in a contact list.
    """
    if not value:
        raise ValueProblem(
            IssueCode.MISSING_EMAIL, "email is required: every row needs an email address"
        )
    fast = _fast_email(value)
    if fast is not None:
        return fast
    if len(value) > MAX_EMAIL:
        # The validator would refuse it too, after a walk over every character.
        raise _invalid_email(
            value, f"it is too long ({len(value):,} characters; at most {MAX_EMAIL} are allowed)"
        )
    try:
        result = validate_email(value, check_deliverability=False, strict=True)
    except EmailNotValidError as exc:
        reason = str(exc)
        raise _invalid_email(value, reason[:1].lower() + reason[1:]) from None
    return Email(result.normalized, match_key(result.local_part, result.ascii_domain))


def _invalid_email(value: str, reason: str) -> ValueProblem:
    return ValueProblem(
        IssueCode.INVALID_EMAIL, f"{show(value)} is not a valid email address: {reason}"
    )


# --- names and IDs -----------------------------------------------------------------------


def parse_name(value: str, column: str) -> str | None:
    """``None`` for an empty cell, which the engine reads as 'leave the stored name'."""
    if not value:
        return None
    _check_length(value, MAX_NAME, column)
    return value


def split_full_name(value: str) -> tuple[str | None, str | None]:
    """A full name as (first, last): ``Doe, Jane`` → (Jane, Doe); otherwise the first word
    is the first name and the rest the last name. Used only where a row has neither."""
    if "," in value:
        last, _, first = value.partition(",")
    else:
        first, _, last = value.partition(" ")
    first, last = first.strip(), last.strip()
    return parse_name(first, "first_name"), parse_name(last, "last_name")


def parse_company_name(value: str) -> str:
    """A company named in a cell; matched case-insensitively, so only its length is checked."""
    _check_length(value, MAX_NAME, "a company name")
    return value


def first_address(value: str) -> str:
    """Google joins several addresses in one cell with `` ::: ``; the first is the one."""
    return value.split(" ::: ", 1)[0].strip() if " ::: " in value else value


def _check_length(value: str, limit: int, what: str) -> None:
    if len(value) > limit:
        raise ValueProblem(
            IssueCode.TOO_LONG,
            f"{show(value)} is too long for {what} ({len(value):,} characters): "
            f"at most {limit:,} are allowed",
        )


_ID = re.compile(rf"[0-9]{{1,{MAX_ID_DIGITS}}}")


def parse_id(value: str, what: str) -> int:
    """A record ID as shown by rolodex: plain ASCII digits only.

    ``int()`` would also take ``+1``, ``1_000``, ``١`` and surrounding spaces; a spreadsheet
    that turned an ID into ``1e3`` or ``1.0`` has changed it, and we say so.
    """
    if _ID.fullmatch(value) is None or int(value) == 0:
        raise ValueProblem(
            IssueCode.INVALID_ID,
            f"{show(value)} is not a valid {what} ID: use the number shown in the "
            f"{what} list (a whole number such as 12)",
        )
    return int(value)


# --- label lists -------------------------------------------------------------------------


def _split_labels(value: str, max_labels: int) -> list[str]:
    if not value:
        return []
    if ":" not in value:
        return [value]
    parts = list(dict.fromkeys(part.strip() for part in value.split(":")))
    parts = [part for part in parts if part]
    if len(parts) > max_labels:
        raise ValueProblem(
            IssueCode.TOO_MANY_LABELS,
            f"{len(parts):,} labels in one cell: at most {max_labels:,} are allowed",
        )
    return parts


def parse_label_names(value: str, max_labels: int) -> list[str]:
    """Label names, ``:``-separated, in first-seen order; case is kept (``Trial`` ≠ ``trial``).

    A name longer than a label can be is refused here, so ``--create-labels`` never tries to
    store it (PostgreSQL would fail the whole run; SQLite would keep a name ``labels add``
    refuses)."""
    names = _split_labels(value, max_labels)
    for name in names:
        _check_length(name, MAX_LABEL_NAME, "a label name")
    return names


_FOREIGN_LABELS = re.compile(r" ::: |[,;]")
_QUOTES = "\"'“”‘’"


def parse_foreign_labels(value: str, max_labels: int, separator: str | None = None) -> list[str]:
    """Label names from another system's column (Google's ``Group Membership``, Mailchimp's
    ``TAGS``, Outlook's ``Categories``): split on ``,``, ``;`` and `` ::: `` (or on
    ``separator``), quotes around a name removed, and Google's system groups (``* myContacts``,
    ``* starred``) left out — they are Google's, not the person's."""
    parts = value.split(separator) if separator else _FOREIGN_LABELS.split(value)
    names = []
    for part in parts:
        name = part.strip().strip(_QUOTES).strip()
        if name and not name.startswith("* "):
            names.append(name)
    names = list(dict.fromkeys(names))
    if len(names) > max_labels:
        raise ValueProblem(
            IssueCode.TOO_MANY_LABELS,
            f"{len(names):,} labels in one cell: at most {max_labels:,} are allowed",
        )
    for name in names:
        _check_length(name, MAX_LABEL_NAME, "a label name")
    return names


def parse_label_ids(value: str, max_labels: int) -> list[int]:
    """Label IDs, ``:``-separated; the message quotes the part that is not an ID."""
    ids = [parse_id(part, "label") for part in _split_labels(value, max_labels)]
    return list(dict.fromkeys(ids))


# --- booleans ----------------------------------------------------------------------------

_BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def parse_boolean(value: str, column: str) -> bool:
    """The spellings spreadsheets and other tools export: true/false, yes/no, 1/0."""
    parsed = _BOOLEANS.get(value.lower())
    if parsed is None:
        raise ValueProblem(
            IssueCode.INVALID_BOOLEAN,
            f"{show(value)} is not a valid value for {column}: "
            "use true or false (yes/no and 1/0 work too)",
        )
    return parsed


def parse_active(value: str) -> bool:
    """Only ``true``/``false``: what the vendor page documents for the users' ``active``."""
    lowered = value.lower()
    if lowered not in ("true", "false"):
        raise ValueProblem(
            IssueCode.INVALID_BOOLEAN,
            f"{show(value)} is not a valid value for active: use true or false",
        )
    return lowered == "true"


# --- custom fields -----------------------------------------------------------------------


def parse_custom(field: CustomField, value: str, decimal_comma: bool = False) -> str:
    """The canonical text stored for a custom value, so equal text means 'unchanged'.

    ``value`` is never empty: an empty cell leaves the stored value as it is.
    """
    if field.type is FieldType.NUMBER:
        return _canonical_number(_decimal_point(value) if decimal_comma else value)
    if field.type is FieldType.DATE:
        return _canonical_date(value)
    if field.type is FieldType.BOOLEAN:
        return "true" if parse_boolean(value, field.variable_name) else "false"
    if field.type is FieldType.SELECT:
        return _select_option(field, value)
    _check_length(value, MAX_CUSTOM_TEXT, field.variable_name)
    return value


_NUMBER = re.compile(r"(-?)([0-9]*)(?:\.([0-9]*))?", re.ASCII)


_THOUSANDS = re.compile(r"-?[0-9]{1,3}(\.[0-9]{3})+")


def _decimal_point(value: str) -> str:
    """A number from a European file (``;``-separated): ``3,75`` is 3.75. ``1.200`` is a
    thousand two hundred there and one point two elsewhere, so it is refused, not guessed."""
    if _THOUSANDS.fullmatch(value):
        raise ValueProblem(
            IssueCode.AMBIGUOUS_NUMBER,
            f"{show(value)} could be a thousands separator or a decimal point in a file "
            "separated by semicolons: write plain digits, like 1200, or a decimal comma, "
            "like 1,2",
        )
    if value.count(",") == 1 and "." not in value:
        return value.replace(",", ".")
    return value


def _canonical_number(value: str) -> str:
    """Exact decimal text, no exponent: ``2.50`` → ``2.5``, ``007`` → ``7``, ``-0`` → ``0``.

    Done on the digits rather than with ``Decimal.normalize``, which rounds to 28 digits
    and writes ``100`` as ``1E+2``. Exponents, thousands separators and NaN are refused:
    they are how spreadsheets mangle numbers, and ``1,234`` is ambiguous across locales.
    """
    if len(value) > MAX_NUMBER_CHARS:
        raise ValueProblem(
            IssueCode.INVALID_NUMBER,
            f"{show(value)} has too many digits: at most {MAX_NUMBER_CHARS} characters",
        )
    match = _NUMBER.fullmatch(value)
    if match is None or not (match[2] or match[3]):
        raise ValueProblem(
            IssueCode.INVALID_NUMBER,
            f"{show(value)} is not a number: write digits with an optional minus sign and "
            "decimal point, like 1250 or -3.75 (no spaces, thousands separators or exponents)",
        )
    sign, whole, fraction = match[1], match[2].lstrip("0") or "0", (match[3] or "").rstrip("0")
    text = f"{whole}.{fraction}" if fraction else whole
    return "0" if text == "0" else sign + text


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _canonical_date(value: str) -> str:
    """ISO only: ``03/04/2024`` means two different days depending on who typed it."""
    if _DATE.fullmatch(value) is None:
        raise ValueProblem(
            IssueCode.INVALID_DATE,
            f"{show(value)} is not a date in the form YYYY-MM-DD (for example 2024-03-31)",
        )
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueProblem(
            IssueCode.INVALID_DATE, f"{show(value)} is not a real date: check the month and the day"
        ) from None


def _select_option(field: CustomField, value: str) -> str:
    """Options are exact, like label names; a case-only difference is pointed out."""
    if value in field.options:
        return value
    message = f"{show(value)} is not one of the options for {field.variable_name}"
    near = [option for option in field.options if option.lower() == value.lower()]
    if near:
        message += f" (did you mean {show(near[0])}? options are case-sensitive)"
    raise ValueProblem(IssueCode.INVALID_OPTION, f"{message}: {_list_options(field.options)}")


def _list_options(options: tuple[str, ...]) -> str:
    if not options:
        return "the field has no options yet"
    shown = ", ".join(show(option) for option in options[:_SHOWN_OPTIONS])
    more = len(options) - _SHOWN_OPTIONS
    return f"use one of {shown}" + (f" and {more:,} more" if more > 0 else "")


# --- passwords ---------------------------------------------------------------------------


def check_password(value: str) -> str:
    """A new password, kept exactly as given. No message ever contains any of it.

    Tab and line breaks are refused too: they cannot be typed into a login form.
    """
    if _ANY_CONTROL.search(value):
        raise ValueProblem(
            IssueCode.CONTROL_CHARACTER,
            "the password holds an invisible control character (such as NUL, a tab or a line "
            "break) that cannot be typed at login: choose another password",
        )
    if len(value) < MIN_PASSWORD:
        raise ValueProblem(
            IssueCode.PASSWORD_TOO_SHORT,
            f"the password is too short: use at least {MIN_PASSWORD} characters",
        )
    if len(value) > MAX_PASSWORD:
        raise ValueProblem(
            IssueCode.TOO_LONG, f"the password is too long: use at most {MAX_PASSWORD:,} characters"
        )
    return value


def parse_password_hash(value: str) -> str:
    """A bcrypt or argon2 hash from another system, checked so a login can verify it.

    The check is the one a login makes (:func:`rolodex.security.passwords.hash_problem`), so a
    hash accepted here always verifies later; better to refuse it at import time.
    """
    problem = hash_problem(value)
    if problem is None:
        return value
    if problem != "malformed":
        raise ValueProblem(
            IssueCode.PASSWORD_HASH_TOO_COSTLY,
            f"the password_hash value{_hash_prefix(value)} is too costly to check at each "
            f"login: {problem}; reset this user's password instead",
        )
    raise ValueProblem(
        IssueCode.INVALID_PASSWORD_HASH,
        f"the password_hash value{_hash_prefix(value)} is not a bcrypt hash ($2a$, $2b$ or "
        "$2y$, 60 characters) or an argon2 hash ($argon2id$v=19$m=…,t=…,p=…$salt$hash)",
    )


def _hash_prefix(value: str) -> str:
    """At most the scheme tag: the value may be a plaintext password pasted by mistake."""
    tag = re.match(r"\$[a-z0-9]{1,8}\$", value)
    return f" (starting {tag.group()})" if tag else ""
