"""What rolodex must answer to each file of the hostile corpus (``make_corpus.py``).

An outcome is either :class:`Refused` — a file error: exit 2, one line naming the problem,
nothing written and nothing recorded — or :class:`Imported`: the exact counts, which rows are
rejected in which columns, and every record the database holds afterwards, by the address it
is stored under (so the normalisation of emails is checked too) with the fields it must have.

Contacts files are imported into a database that already holds the labels ``Marketing`` (1),
``Trial`` (2) and ``Demo`` (3), the company ``Acme`` (1) and the custom fields ``notes``
(text) and ``seats`` (number) — see :data:`CATALOG`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

CATALOG_LABELS = ("Marketing", "Trial", "Demo")
CATALOG: tuple[tuple[str, ...], ...] = (
    ("labels", "add", *CATALOG_LABELS),
    ("companies", "add", "Acme"),
    ("fields", "add", "notes", "--type", "text"),
    ("fields", "add", "seats", "--type", "number"),
)

NOT_TEXT = "does not look like a text file"
EMPTY = "empty"
CP1252 = "Windows-1252"
UNCLOSED = "never closed"
AFTER_QUOTE = "followed by other characters"
CONTROL = "control character"


@dataclass(frozen=True)
class Refused:
    """A file error; ``says`` are parts of the one-line message (case-insensitive)."""

    says: tuple[str, ...]


@dataclass(frozen=True)
class Imported:
    """A run that went through.

    ``rejected`` holds the (row, column) of every reported problem (column ``None`` for the
    row as a whole); ``records`` is everything the database holds afterwards: stored email →
    fields of ``contacts show --json`` / ``users show --json`` it must have; ``says`` are
    parts of the error messages; ``passwords`` are what ``users verify`` must accept.
    """

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: tuple[tuple[int, str | None], ...] = ()
    warnings: tuple[str, ...] = ()
    records: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    says: tuple[str, ...] = ()
    passwords: Mapping[str, str] = field(default_factory=dict)
    labels: tuple[str, ...] = ()
    """Every label afterwards (contacts files); empty means the catalog's labels only."""

    @property
    def exit_code(self) -> int:
        return 1 if self.rejected else 0

    @property
    def failed(self) -> int:
        return len({row for row, _ in self.rejected})

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged + self.failed


@dataclass(frozen=True)
class Case:
    outcome: Refused | Imported
    kind: str = "contacts"
    flags: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)


def names(first: str | None, last: str | None = None) -> dict[str, Any]:
    return {"first_name": first, "last_name": last}


ZOE_ALS = {
    "zoe@example.com": names("Zoë", "Müller"),
    "als@example.com": names("Åsa", "Ødegård"),
}
LONG_LOCAL = "l" * 64
ADDRESS_254 = LONG_LOCAL + "@" + "d" * 63 + "." + "d" * 63 + "." + "d" * 57 + ".com"


def _expected() -> dict[str, Case]:
    return {
        # -- encodings ---------------------------------------------------------------------
        "utf16-le-bom.csv": Case(Imported(created=2, records=ZOE_ALS)),
        "utf16-be-bom.csv": Case(Imported(created=2, records=ZOE_ALS)),
        "utf16-le-no-bom.csv": Case(Refused((NOT_TEXT, "UTF-8"))),
        "utf8-bom.csv": Case(Imported(created=2, records=ZOE_ALS)),
        "invalid-utf8-windows-1252.csv": Case(
            Imported(
                created=1,
                warnings=(CP1252,),
                records={"zoe@example.com": names("Zoë", "Müller €")},
            )
        ),
        # One stray byte is all a detector has to go on: the guess is said to be unsure.
        "invalid-utf8-undefined-in-1252.csv": Case(
            Imported(
                created=2,
                warnings=("Shift-JIS", "may be"),
                records={
                    "ok@example.com": names("Ann", "Lee"),
                    "bad@example.com": names("Bo｜", "Lee"),
                },
            )
        ),
        "invalid-utf8-truncated-sequence.csv": Case(
            Imported(
                created=1,
                warnings=("Windows-1250", f"may be {CP1252}"),
                records={"zoe@example.com": names("ZoĂ", "Lee")},
            )
        ),
        "utf8-bom-then-invalid-bytes.csv": Case(Refused(("UTF-8 mark", "not UTF-8"))),
        "utf16-bom-then-odd-byte.csv": Case(Refused(("UTF-16 mark", "not UTF-16"))),
        "lone-utf8-bom.csv": Case(Refused((EMPTY, "header"))),
        "lone-utf16-le-bom.csv": Case(Refused((EMPTY, "header"))),
        "lone-utf16-be-bom.csv": Case(Refused((EMPTY, "header"))),
        "zero-bytes.csv": Case(Refused((EMPTY, "header"))),
        "only-whitespace.csv": Case(Refused((EMPTY, "header"))),
        "only-separators.csv": Case(Refused(("';;'", "binds to nothing"))),
        # -- line endings and quoting ------------------------------------------------------
        "cr-only-line-endings.csv": Case(
            Imported(
                created=2,
                rejected=((4, "email"),),
                records={"cr1@example.com": names("Ann"), "cr2@example.com": names("Bob")},
            )
        ),
        "mixed-line-endings.csv": Case(
            Imported(
                created=3,
                records={
                    "mx1@example.com": names("Ann"),
                    "mx2@example.com": names("Bob"),
                    "mx3@example.com": names("Cy"),
                },
            )
        ),
        "quoted-line-breaks.csv": Case(
            Imported(
                created=2,
                rejected=((4, "email"),),
                records={
                    "q1@example.com": names("Ann\r\nMarie", "Lee, Jr."),
                    "q2@example.com": names('Bob "The Boss"', None),
                },
            )
        ),
        "unclosed-quote-at-end.csv": Case(Refused(("row 4", UNCLOSED))),
        "unclosed-quote-swallowing-rows.csv": Case(Refused(("row 2", AFTER_QUOTE))),
        "quote-inside-unquoted-field.csv": Case(
            Imported(created=1, records={"qi@example.com": names('Ann "The Boss"', 'O"Brien')})
        ),
        "text-after-closing-quote.csv": Case(Refused(("row 3", AFTER_QUOTE))),
        "sniffer-redos.csv": Case(Refused(("row 1", AFTER_QUOTE))),
        "sniffer-redos-in-a-value.csv": Case(Refused(("row 2", AFTER_QUOTE))),
        # -- control characters ------------------------------------------------------------
        "nul-in-a-value.csv": Case(
            Imported(
                created=1,
                rejected=((3, "first_name"),),
                records={"ok@example.com": names("Ann", "Lee")},
                says=("U+0000", CONTROL),
            )
        ),
        "control-characters-in-values.csv": Case(
            Imported(
                created=1,
                rejected=(
                    (2, "first_name"),
                    (3, "last_name"),
                    (4, "first_name"),
                    (5, "last_name"),
                ),
                records={"tab@example.com": names("Ann", "Lee")},
                says=("U+0007", "U+001B", "U+007F", "U+0085"),
            )
        ),
        "many-nul-bytes.csv": Case(Refused((NOT_TEXT,))),
        "nul-in-the-email.csv": Case(Imported(rejected=((2, "email"),), says=("U+0000", CONTROL))),
        # -- structure ---------------------------------------------------------------------
        "ragged-rows.csv": Case(
            Imported(
                created=2,
                rejected=((3, None), (4, None), (5, None)),
                records={
                    "ok@example.com": names("Ann", "Lee"),
                    "ok2@example.com": names("Dee", "Lee"),
                },
                says=("2 values", "4 values", "1 values", "header has 3 columns"),
            )
        ),
        "blank-header-name-trailing-comma.csv": Case(
            Imported(
                created=1,
                rejected=((3, None),),
                records={"empty@example.com": names("Ann")},
                says=("'stray'", "no name"),
            )
        ),
        "blank-header-name-in-the-middle.csv": Case(
            Imported(created=1, records={"mid@example.com": names("Ann")})
        ),
        "duplicate-header.csv": Case(Refused(("'first_name'", "appears twice", "column C"))),
        "space-padded-header.csv": Case(
            Imported(created=1, records={"pad@example.com": names("Ann", "Lee")})
        ),
        "upper-case-header.csv": Case(
            Imported(created=1, records={"up@example.com": names("Ann")})
        ),
        "no-email-column.csv": Case(Refused(("no column holds the email",))),
        "header-id.csv": Case(Refused(("'id'", "binds to nothing"))),
        "header-is-admin.csv": Case(Refused(("'is_admin'", "binds to nothing"))),
        "header-role.csv": Case(Refused(("'role'", "binds to nothing"))),
        "users-header-role.csv": Case(Refused(("'role'", "binds to nothing")), kind="users"),
        "users-header-is-admin.csv": Case(
            Refused(("'is_admin'", "binds to nothing")), kind="users"
        ),
        "users-header-id.csv": Case(Refused(("'id'", "binds to nothing")), kind="users"),
        # A header cell that wraps (Excel's Alt+Enter) is the same name written another way.
        "header-name-with-line-break.csv": Case(
            Imported(created=1, records={"lb@example.com": names("Ann")})
        ),
        "header-name-with-terminal-escape.csv": Case(Refused(("(B)", "<U+001B>"))),
        "header-name-with-right-to-left-override.csv": Case(
            Refused(("binds to nothing", "<U+202E>"))
        ),
        "header-only.csv": Case(Imported()),
        "error-column-last.csv": Case(
            Imported(created=1, records={"err@example.com": names("Ann")})
        ),
        "excel-sep-line.csv": Case(Refused(("'sep='", "binds to nothing"))),
        "semicolons-european-excel.csv": Case(
            Imported(
                created=1,
                warnings=("semicolons",),
                records={"semi@example.com": names("Ann", "Lee; Jr.")},
            )
        ),
        "blank-lines-between-rows.csv": Case(
            Imported(
                created=1,
                rejected=((7, "email"),),
                records={"b1@example.com": names("Ann", "Lee")},
            )
        ),
        # -- emails ------------------------------------------------------------------------
        "email-local-part-too-long.csv": Case(
            Imported(
                created=1,
                rejected=((3, "email"),),
                records={f"{LONG_LOCAL}@example.com": names("Max", "Local")},
                says=("too long before the @-sign",),
            )
        ),
        "email-too-long.csv": Case(
            Imported(
                created=1,
                rejected=((3, "email"),),
                records={ADDRESS_254: names("Max", "Length")},
                says=("too long", "255 characters"),
            )
        ),
        "email-idn.csv": Case(
            Imported(
                created=2,
                records={
                    "zoë@bücher.de": names("Zoë", "Unicode"),
                    "ANN@bücher.de": names("Ann", "Upper"),
                },
            )
        ),
        "email-unicode-and-punycode.csv": Case(
            Imported(
                created=1,
                rejected=((3, "last_name"),),
                records={"info@bücher.de": names("Ann", "Unicode")},
                says=("row 2",),
            )
        ),
        "email-strasse.csv": Case(
            Imported(
                created=2,
                rejected=((4, "last_name"),),
                records={
                    "straße@example.com": names("Ann", "Eszett"),
                    "strasse@example.com": names("Bob", "Double"),
                },
                says=("row 3",),
            )
        ),
        "email-nfd-and-nfc.csv": Case(
            Imported(
                created=1,
                rejected=((3, "last_name"),),
                records={"zoë@example.com": names("Zoe", "Decomposed")},
                says=("row 2",),
            )
        ),
        "email-quoted-local-part.csv": Case(
            Imported(
                created=1,
                rejected=((2, "email"), (3, "email")),
                records={"plain@example.com": names("Plain", "Ok")},
                says=("quoting the part before the @-sign",),
            )
        ),
        "email-zero-width.csv": Case(
            Imported(
                created=1,
                rejected=((2, "email"), (3, "email"), (4, "email")),
                records={"nbsp-padded@example.com": names("Kept", "Trimmed")},
                says=("<U+200B>", "<U+200D>", "<U+FEFF>"),
            )
        ),
        "email-right-to-left.csv": Case(
            Imported(
                created=1,
                rejected=((2, "email"), (3, "email")),
                records={"שלום@example.com": names("Hebrew", "Letters")},
                says=("<U+202E>", "<U+200F>"),
            )
        ),
        "email-display-name-and-junk.csv": Case(
            Imported(rejected=tuple((row, "email") for row in range(2, 8)))
        ),
        "email-case-duplicates.csv": Case(
            Imported(
                created=1,
                rejected=((3, "last_name"),),
                records={"Case@example.com": names("Ann", "First")},
                says=("row 2", "'First'", "'Second'"),
            )
        ),
        # -- formulas ----------------------------------------------------------------------
        "formula-values.csv": Case(
            Imported(
                created=3,
                records={
                    "f1@example.com": names('=HYPERLINK("http://evil.example")', "+1")
                    | {"custom_fields": {"notes": "-2"}},
                    "f2@example.com": names("@SUM(A1)", "=1+2")
                    | {"custom_fields": {"notes": "'=x"}},
                    "f3@example.com": names("=cmd|' /C calc'!A0", "+33 1 23")
                    | {"custom_fields": {"notes": "-"}},
                },
            )
        ),
        "formula-in-email.csv": Case(
            Imported(
                created=2,
                rejected=((2, "email"), (4, "email")),
                records={
                    "=1+2@example.com": names("Formula", "Atext"),
                    "=quoted@example.com": names("Apostrophe", "Email"),
                },
            )
        ),
        # -- IDs and labels ----------------------------------------------------------------
        "ids-malformed.csv": Case(
            Imported(
                created=1,
                rejected=(
                    (2, "labels_id"),
                    (3, "company_id"),
                    (4, "company_id"),
                    (5, "company_id"),
                    (6, "company_id"),
                    (7, "company_id"),
                    (8, "company_id"),
                    (8, "labels_id"),
                ),
                records={
                    "ids8@example.com": {
                        "company_id": 1,
                        "labels": ["Marketing", "Demo"],
                        "labels_id": [1, 3],
                    }
                },
                says=("'x' is not a valid label ID", "'-1'", "'1e3'", "'1.0'", "'+1'"),
            )
        ),
        "ids-beyond-integer-range.csv": Case(
            Imported(
                created=1,
                rejected=((3, "company_id"), (4, "labels_id"), (5, "company_id"), (5, "labels_id")),
                records={"ok@example.com": {"company_id": 1, "labels": ["Marketing"]}},
                says=("2147483648", "999999999999999999"),
            )
        ),
        "labels-hostile.csv": Case(
            Imported(
                created=3,
                rejected=((3, "labels"), (4, "labels")),
                records={
                    "l1@example.com": {"labels": ["Marketing", "Trial"]},
                    "l4@example.com": {"labels": []},
                    "l5@example.com": {"labels": ["Marketing"]},
                },
                says=("did you mean 'Trial'", "'Nope'"),
            )
        ),
        "labels-name-too-long.csv": Case(
            Imported(
                created=1,
                rejected=((3, "labels"),),
                records={"ok@example.com": {"labels": ["Marketing"]}},
                says=("too long for a label name (256 characters)", "at most 255"),
            ),
            flags=("--create-labels",),
        ),
        "labels-created-only-for-accepted-rows.csv": Case(
            Imported(
                created=1,
                rejected=((3, "seats"), (4, "email"), (5, None)),
                records={"ok@example.com": {"labels": ["Created"]}},
                labels=(*CATALOG_LABELS, "Created"),
            ),
            flags=("--create-labels",),
        ),
        "labels-invisible-characters.csv": Case(
            Imported(
                rejected=((2, "labels"), (3, "labels")),
                says=("<U+200B>", "<U+202E>"),
            )
        ),
        "custom-values-hostile.csv": Case(
            Imported(
                created=2,
                rejected=((2, "seats"), (3, "seats"), (4, "seats")),
                records={
                    "n4@example.com": {"custom_fields": {"notes": "padded", "seats": 7.5}},
                    "n5@example.com": {"custom_fields": {"seats": 0}},
                },
            )
        ),
        "names-too-long.csv": Case(
            Imported(
                created=1,
                rejected=((3, "first_name"),),
                records={"n255@example.com": names("a" * 255, "Ok")},
                says=("256 characters", "at most 255"),
            )
        ),
        # -- users: passwords --------------------------------------------------------------
        "users-passwords.csv": Case(
            Imported(
                created=2,
                rejected=((2, "password"), (4, "password"), (5, "password"), (7, "password")),
                records={
                    "six@example.com": names("Six", "Umlauts") | {"role": "agent"},
                    "spaces@example.com": names("Pad", "Ded") | {"active": True},
                },
                says=("too short", "too long", CONTROL, "needs a password"),
                passwords={"six@example.com": "ääääää", "spaces@example.com": "  secret  "},
            ),
            kind="users",
        ),
        # -- not CSV at all ----------------------------------------------------------------
        "png-renamed.csv": Case(Refused(("PNG image",))),
        "gzip-renamed.csv": Case(Refused(("gzip",))),
        "xlsx-renamed.csv": Case(Refused(("Excel workbook", "damaged"))),
        "pdf-renamed.csv": Case(Refused(("PDF",))),
        "xls-renamed.csv": Case(Refused(("Excel 97-2003 workbook", "damaged"))),
    }


def _expected_big() -> dict[str, Case]:
    """The files written at test time (``make_corpus.BIG``)."""
    return {
        "ten-mb-field.csv": Case(
            Imported(
                created=1,
                rejected=((2, "notes"),),
                records={"small@example.com": {"custom_fields": {"notes": "fine"}}},
                says=("10,485,760 characters", "at most 65,535"),
            )
        ),
        "ten-mb-field-plus-one.csv": Case(
            Refused(("row 2", "10,485,760", "ROLODEX_MAX_FIELD_CHARS"))
        ),
        "hundred-thousand-labels.csv": Case(
            Imported(
                created=1,
                rejected=((2, "labels"),),
                records={"few@example.com": {"labels": ["Marketing"]}},
                says=("100,000 labels in one cell", "at most 1,000"),
            ),
            flags=("--create-labels",),
        ),
        "two-hundred-thousand-rows.csv": Case(
            Refused(("199,999", "ROLODEX_MAX_ROWS")), env={"ROLODEX_MAX_ROWS": "199999"}
        ),
    }


EXPECTED: Mapping[str, Case] = MappingProxyType(_expected())
EXPECTED_BIG: Mapping[str, Case] = MappingProxyType(_expected_big())

#: Secrets of ``users-passwords.csv`` that no output may contain.
SECRETS = ("abcde", "p" * 64, "secret")
