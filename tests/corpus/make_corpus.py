"""Write the corpus of hostile CSV files: ``python tests/corpus/make_corpus.py [DIR]``.

Each file is one situation a real user's file gets into (Excel, Numbers, Google Sheets, old
CRMs, scripts with bugs); ``tests/corpus/expected.py`` says what rolodex must answer to each,
and ``tests/integration/test_corpus.py`` checks it through the real CLI.

The small files are committed under ``tests/corpus/files/`` (the test checks they still match
this script). The big ones — a 10 MB value, 100k labels in one cell, 200k rows — are written
at test time into a temporary folder by :func:`write_big`, so the repository stays small.

Every file is built from bytes, deterministically (no timestamps), so running the script
again changes nothing.
"""

from __future__ import annotations

import codecs
import gzip
import io
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

FILES = Path(__file__).with_name("files")

CONTACTS = "email,first_name,last_name\n"
USERS = "email,first_name,last_name,password\n"

#: The csv.Sniffer ReDoS input (CPython gh-68491): minutes in ``Sniffer().sniff``.
SNIFFER_REDOS = '"",' * 100 + '"' * 100 + "0" + '"' * 100 + "0"

MAX_FIELD_CHARS_DEFAULT = 10 * 1024 * 1024


def _utf8(text: str) -> bytes:
    return text.encode("utf-8")


def _zip_workbook() -> bytes:
    """The first bytes of an .xlsx: a ZIP archive holding the workbook's XML parts."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in (
            ("[Content_Types].xml", "<Types/>"),
            ("xl/workbook.xml", "<workbook/>"),
            ("xl/worksheets/sheet1.xml", "<worksheet><c>email</c></worksheet>"),
        ):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


def _png() -> bytes:
    """A 1×1 PNG image."""
    return (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
        b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
        b"\x00\x00\x00\x00IEND\xaeB`\x82"
    )


ACCENTED = CONTACTS + "zoe@example.com,Zoë,Müller\r\nals@example.com,Åsa,Ødegård\r\n"

SMALL: dict[str, Callable[[], bytes]] = {
    # -- encodings -----------------------------------------------------------------------------
    "utf16-le-bom.csv": lambda: codecs.BOM_UTF16_LE + ACCENTED.encode("utf-16-le"),
    "utf16-be-bom.csv": lambda: codecs.BOM_UTF16_BE + ACCENTED.encode("utf-16-be"),
    "utf16-le-no-bom.csv": lambda: ACCENTED.encode("utf-16-le"),
    "utf8-bom.csv": lambda: codecs.BOM_UTF8 + _utf8(ACCENTED),
    "invalid-utf8-windows-1252.csv": lambda: (CONTACTS + "zoe@example.com,Zoë,Müller €\n").encode(
        "cp1252"
    ),
    "invalid-utf8-undefined-in-1252.csv": lambda: (
        _utf8(CONTACTS) + b"ok@example.com,Ann,Lee\nbad@example.com,Bo\x81b,Lee\n"
    ),
    "invalid-utf8-truncated-sequence.csv": lambda: (
        _utf8(CONTACTS) + b"zoe@example.com,Zo\xc3,Lee\n"
    ),
    "utf8-bom-then-invalid-bytes.csv": lambda: (
        codecs.BOM_UTF8 + _utf8(CONTACTS) + b"zoe@example.com,Zo\xeb,Lee\n"
    ),
    "utf16-bom-then-odd-byte.csv": lambda: (
        codecs.BOM_UTF16_LE + CONTACTS.encode("utf-16-le") + b"\x00\xd8a\x00"
    ),
    "lone-utf8-bom.csv": lambda: codecs.BOM_UTF8,
    "lone-utf16-le-bom.csv": lambda: codecs.BOM_UTF16_LE,
    "lone-utf16-be-bom.csv": lambda: codecs.BOM_UTF16_BE,
    "zero-bytes.csv": lambda: b"",
    "only-whitespace.csv": lambda: b"   \n\t \n \r\n  ",
    "only-separators.csv": lambda: b",,,\n;;\n,\n",
    # -- line endings and quoting ----------------------------------------------------------
    "cr-only-line-endings.csv": lambda: _utf8(
        "email,first_name\rcr1@example.com,Ann\rcr2@example.com,Bob\rnot-an-email,Cy\r"
    ),
    "mixed-line-endings.csv": lambda: _utf8(
        "email,first_name\r\nmx1@example.com,Ann\nmx2@example.com,Bob\rmx3@example.com,Cy"
    ),
    "quoted-line-breaks.csv": lambda: _utf8(
        'email,first_name,last_name\r\nq1@example.com,"Ann\r\nMarie","Lee, Jr."\r\n'
        'q2@example.com,"Bob ""The Boss""",\r\nbad-address,x,y\r\n'
    ),
    "unclosed-quote-at-end.csv": lambda: _utf8(
        CONTACTS + 'a@example.com,Ann,Lee\nb@example.com,Bob,Lee\nc@example.com,"Cy,Lee\n'
    ),
    "unclosed-quote-swallowing-rows.csv": lambda: _utf8(
        CONTACTS + 'a@example.com,"Ann,Lee\nb@example.com,Bob,Lee\nc@example.com,Cy,"Lee"\n'
    ),
    "quote-inside-unquoted-field.csv": lambda: _utf8(
        CONTACTS + 'qi@example.com,Ann "The Boss",O"Brien\n'
    ),
    "text-after-closing-quote.csv": lambda: _utf8(
        CONTACTS + 'ok@example.com,Ann,Lee\nbad@example.com,"Bob"by,Lee\n'
    ),
    "sniffer-redos.csv": lambda: _utf8(SNIFFER_REDOS + "\n"),
    "sniffer-redos-in-a-value.csv": lambda: _utf8(
        "email,notes\nredos@example.com," + SNIFFER_REDOS + "\n"
    ),
    # -- control characters --------------------------------------------------------------------
    "nul-in-a-value.csv": lambda: (
        _utf8(CONTACTS) + b"ok@example.com,Ann,Lee\nnul@example.com,A\x00nn,Lee\n"
    ),
    "control-characters-in-values.csv": lambda: _utf8(
        CONTACTS
        + "bell@example.com,Ann\x07,Lee\n"
        + "esc@example.com,Ann,\x1b[31mLee\n"
        + "del@example.com,An\x7fn,Lee\n"
        + "c1@example.com,Ann,Le\x85e\n"
        + "tab@example.com,\tAnn\t,Lee\n"
    ),
    "many-nul-bytes.csv": lambda: b"email\x00\x00\x00\x00,first_name\x00\x00\x00\n" * 20,
    "nul-in-the-email.csv": lambda: _utf8(CONTACTS) + b"nul\x00@example.com,Ann,Lee\n",
    # -- structure ------------------------------------------------------------------------------
    "ragged-rows.csv": lambda: _utf8(
        CONTACTS
        + "ok@example.com,Ann,Lee\n"
        + "short@example.com,Bob\n"
        + "long@example.com,Cy,Lee,extra\n"
        + "alone@example.com\n"
        + "ok2@example.com,Dee,Lee\n"
    ),
    "blank-header-name-trailing-comma.csv": lambda: _utf8(
        "email,first_name,\nempty@example.com,Ann,\nfull@example.com,Bob,stray\n"
    ),
    "blank-header-name-in-the-middle.csv": lambda: _utf8(
        "email,,first_name\nmid@example.com,,Ann\n"
    ),
    "duplicate-header.csv": lambda: _utf8(
        "email,first_name,first_name\ndup@example.com,Ann,Anna\n"
    ),
    "space-padded-header.csv": lambda: _utf8(
        "  email , first_name\t,last_name  \npad@example.com,  Ann  , Lee \n"
    ),
    "upper-case-header.csv": lambda: _utf8("Email,First_Name\nup@example.com,Ann\n"),
    "no-email-column.csv": lambda: _utf8("first_name,last_name\nAnn,Lee\n"),
    "header-id.csv": lambda: _utf8("id,email,first_name\n1,id@example.com,Ann\n"),
    "header-is-admin.csv": lambda: _utf8("email,is_admin\nadmin@example.com,true\n"),
    "header-role.csv": lambda: _utf8("email,role\nrole@example.com,admin\n"),
    "users-header-role.csv": lambda: (
        _utf8(USERS.rstrip("\n") + ",role\n") + b"boss@example.com,Bo,Ss,secret123,admin\n"
    ),
    "users-header-is-admin.csv": lambda: (
        _utf8(USERS.rstrip("\n") + ",is_admin\n") + b"boss@example.com,Bo,Ss,secret123,true\n"
    ),
    "users-header-id.csv": lambda: _utf8("id," + USERS) + b"1,boss@example.com,Bo,Ss,secret123\n",
    "header-name-with-line-break.csv": lambda: _utf8('email,"first\nname"\nlb@example.com,Ann\n'),
    "header-name-with-terminal-escape.csv": lambda: _utf8(
        "email,first_name\x1b[2J\x1b[31m\nesc@example.com,Ann\n"
    ),
    "header-name-with-right-to-left-override.csv": lambda: _utf8(
        "email,\u202eeman_tsal\nrtl@example.com,Lee\n"
    ),
    "header-only.csv": lambda: _utf8(CONTACTS),
    "error-column-last.csv": lambda: _utf8(
        "email,first_name,error\nerr@example.com,Ann,row 2: email: was wrong\n"
    ),
    "excel-sep-line.csv": lambda: _utf8("sep=,\r\nemail,first_name\r\nsep@example.com,Ann\r\n"),
    "semicolons-european-excel.csv": lambda: _utf8(
        'email;first_name;last_name\r\nsemi@example.com;Ann;"Lee; Jr."\r\n'
    ),
    "blank-lines-between-rows.csv": lambda: _utf8(
        CONTACTS + "\n\nb1@example.com,Ann,Lee\n,,\n\nnot-an-email,Bob,Lee\n"
    ),
    # -- emails -------------------------------------------------------------------------------
    "email-local-part-too-long.csv": lambda: _utf8(
        CONTACTS + "l" * 64 + "@example.com,Max,Local\n" + "l" * 65 + "@example.com,Too,Long\n"
    ),
    "email-too-long.csv": lambda: _utf8(
        CONTACTS
        + _address_of_length(254)
        + ",Max,Length\n"
        + _address_of_length(255)
        + ",Too,Long\n"
    ),
    "email-idn.csv": lambda: _utf8(
        CONTACTS + "zoë@bücher.de,Zoë,Unicode\nANN@BÜCHER.DE,Ann,Upper\n"
    ),
    "email-unicode-and-punycode.csv": lambda: _utf8(
        CONTACTS + "info@bücher.de,Ann,Unicode\ninfo@xn--bcher-kva.de,Ann,Punycode\n"
    ),
    "email-strasse.csv": lambda: _utf8(
        CONTACTS + "straße@example.com,Ann,Eszett\nstrasse@example.com,Bob,Double\n"
        "STRASSE@example.com,Bob,Upper\n"
    ),
    "email-quoted-local-part.csv": lambda: _utf8(
        CONTACTS
        + '"""john doe""@example.com",John,Doe\n'
        + '"""john..doe""@example.com",John,Dots\n'
        + "plain@example.com,Plain,Ok\n"
    ),
    "email-zero-width.csv": lambda: _utf8(
        CONTACTS
        + "zero\u200bwidth@example.com,Zero,Space\n"
        + "joiner@exam\u200dple.com,Zero,Joiner\n"
        + "\ufeffbom@example.com,Zero,Bom\n"
        + "nbsp-padded@example.com\u00a0,Kept,Trimmed\n"
    ),
    "email-right-to-left.csv": lambda: _utf8(
        CONTACTS
        + "evil\u202egnp.exe@example.com,Right,Override\n"
        + "mark\u200f@example.com,Right,Mark\n"
        + "שלום@example.com,Hebrew,Letters\n"
    ),
    "email-display-name-and-junk.csv": lambda: _utf8(
        CONTACTS
        + '"Ann Lee <ann@example.com>",Display,Name\n'
        + "ann@@example.com,Double,At\n"
        + "ann@example..com,Double,Dot\n"
        + "ann@localhost,No,Tld\n"
        + "mailto:ann@example.com,Mail,To\n"
        + "' ann@example.com ',Quoted,Spaces\n"
    ),
    "email-nfd-and-nfc.csv": lambda: _utf8(
        CONTACTS + "zoe\u0308@example.com,Zoe,Decomposed\nzoë@example.com,Zoe,Composed\n"
    ),
    "email-case-duplicates.csv": lambda: _utf8(
        CONTACTS + "Case@Example.COM,Ann,First\ncase@example.com,,Second\n"
    ),
    # -- formulas --------------------------------------------------------------------------
    "formula-values.csv": lambda: _utf8(
        "email,first_name,last_name,notes\n"
        + 'f1@example.com,=HYPERLINK("http://evil.example"),+1,-2\n'
        + "f2@example.com,@SUM(A1),'=1+2,''=x\n"
        + "f3@example.com,\"=cmd|' /C calc'!A0\",'+33 1 23,'-\n"
    ),
    "formula-in-email.csv": lambda: _utf8(
        CONTACTS
        + '"=HYPERLINK(""http://evil.example"")",Formula,Email\n'
        + "=1+2@example.com,Formula,Atext\n"
        + "@sum@example.com,At,Sign\n"
        + "'=quoted@example.com,Apostrophe,Email\n"
    ),
    # -- IDs and labels --------------------------------------------------------------------
    "ids-malformed.csv": lambda: _utf8(
        "email,company_id,labels_id\n"
        + "ids1@example.com,1,1:x:3\n"
        + "ids2@example.com,-1,\n"
        + "ids3@example.com,1e3,\n"
        + "ids4@example.com,1.0,2\n"
        + "ids5@example.com,0,\n"
        + "ids6@example.com,9999999999999999999,\n"
        + "ids7@example.com,+1,١\n"
        + "ids8@example.com,01, 1 :: 3 :\n"
    ),
    "ids-beyond-integer-range.csv": lambda: _utf8(
        "email,company_id,labels_id\n"
        + "ok@example.com,1,1\n"
        + "big1@example.com,2147483648,\n"
        + "big2@example.com,,2147483648\n"
        + "big3@example.com,999999999999999999,1:999999999999999999\n"
    ),
    "labels-hostile.csv": lambda: _utf8(
        "email,labels\n"
        + "l1@example.com,Marketing::: Trial :\n"
        + "l2@example.com,trial\n"
        + "l3@example.com,Nope:Marketing\n"
        + "l4@example.com,:::\n"
        + "l5@example.com,Marketing:Marketing\n"
    ),
    "labels-name-too-long.csv": lambda: _utf8(
        "email,labels\nok@example.com,Marketing\nlong@example.com,Marketing:" + "L" * 256 + "\n"
    ),
    "labels-created-only-for-accepted-rows.csv": lambda: _utf8(
        "email,labels,seats\n"
        + "ok@example.com,Created,1\n"
        + "bad-seats@example.com,FromBadSeats,many\n"
        + "not-an-email,FromBadEmail,2\n"
        + "short@example.com,FromShortRow\n"
    ),
    "labels-invisible-characters.csv": lambda: _utf8(
        "email,labels\nzw@example.com,Trial\u200b\nrtl@example.com,\u202eVIP\n"
    ),
    "custom-values-hostile.csv": lambda: _utf8(
        "email,seats,notes\n"
        + "n1@example.com,1e3,\n"
        + 'n2@example.com,"1,234",\n'
        + "n3@example.com,NaN,\n"
        + "n4@example.com, 007.50 ,  padded  \n"
        + "n5@example.com,-0,\n"
    ),
    "names-too-long.csv": lambda: _utf8(
        CONTACTS
        + "n255@example.com,"
        + "a" * 255
        + ",Ok\nn256@example.com,"
        + "b" * 256
        + ",Long\n"
    ),
    # -- users: passwords ------------------------------------------------------------------
    "users-passwords.csv": lambda: (
        _utf8(USERS)
        + _utf8("five@example.com,Five,Chars,abcde\n")
        + _utf8("six@example.com,Six,Umlauts,ääääää\n")
        + _utf8("big@example.com,Ten,Kilobytes," + "p" * 10_240 + "\n")
        + b"nul@example.com,Nul,Byte,secret\x00word\n"
        + _utf8("spaces@example.com,Pad,Ded,  secret  \n")
        + _utf8("none@example.com,No,Password,\n")
    ),
    # -- not CSV at all -----------------------------------------------------------------------
    "png-renamed.csv": _png,
    "gzip-renamed.csv": lambda: gzip.compress(_utf8(CONTACTS + "a@example.com,Ann,Lee\n"), mtime=0),
    "xlsx-renamed.csv": _zip_workbook,
    "pdf-renamed.csv": lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
    "xls-renamed.csv": lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504,
}


def _address_of_length(length: int) -> str:
    """A well-formed address of exactly ``length`` characters: a 64-character local part and
    a domain of labels of at most 63 characters."""
    parts, room = [], length - len("l" * 64 + "@" + ".com")
    while room > 63:
        parts.append("d" * 63)
        room -= 64
    parts.append("d" * room)
    return "l" * 64 + "@" + ".".join(parts) + ".com"


# -- big files, written at test time ---------------------------------------------------------


def ten_mb_field(extra: int = 0) -> bytes:
    """One value of exactly the default field limit (10 MiB characters), plus ``extra``."""
    value = "x" * (MAX_FIELD_CHARS_DEFAULT + extra)
    return _utf8(f"email,notes\nbig@example.com,{value}\nsmall@example.com,fine\n")


def many_labels(count: int = 100_000) -> bytes:
    labels = ":".join(f"L{n}" for n in range(count))
    return _utf8(f"email,labels\nmany@example.com,{labels}\nfew@example.com,Marketing\n")


def many_rows(count: int = 200_000) -> bytes:
    lines = [CONTACTS] + [f"row{n}@example.com,First{n},Last{n}\n" for n in range(count)]
    return _utf8("".join(lines))


BIG: dict[str, Callable[[], bytes]] = {
    "ten-mb-field.csv": ten_mb_field,
    "ten-mb-field-plus-one.csv": lambda: ten_mb_field(1),
    "hundred-thousand-labels.csv": many_labels,
    "two-hundred-thousand-rows.csv": many_rows,
}


def small_files() -> dict[str, bytes]:
    return {name: make() for name, make in SMALL.items()}


def write_big(directory: Path, name: str) -> Path:
    path = directory / name
    path.write_bytes(BIG[name]())
    return path


def write_small(directory: Path = FILES) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in small_files().items():
        path = directory / name
        path.write_bytes(content)
        written.append(path)
    return written


def main(argv: list[str]) -> int:
    directory = Path(argv[1]) if len(argv) > 1 else FILES
    written = write_small(directory)
    print(f"{len(written)} files written to {directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
