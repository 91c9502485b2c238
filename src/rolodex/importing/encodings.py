"""Which encoding a file that is not UTF-8 is in, and how to say it to a person.

Why it looks the way it does (figures from ``bench/encodings.py``: 1,498 files of a header
and 1-20 rows of names, emails and companies, in 13 encodings that Excel and LibreOffice
write; docs/encodings.md has the table):

- Firefox's detector (chardetng, through ``chardetng-py``) reads 97% of them right, in
  0.09 ms a file; chardet 7 reads 92% (94% told to pick among Excel's code pages only) in
  0.9-3.6 ms, charset-normalizer 64%, chardet 5 69%. Short Polish, Czech or Hungarian
  files are the hard case: most of their letters are the same bytes in Windows-1250 and
  Windows-1252.
- chardetng gives no confidence. chardet 7, asked for a second opinion among Excel's code
  pages, disagrees on 36 of the 44 files chardetng gets wrong and on 5% of those it gets
  right; on 31 of the 44 its answer is the right one. So chardetng decides and, where
  chardet 7 reads the text differently, the report says the guess is unsure and names
  chardet's answer.
- Excel writes Microsoft's code pages: ``cp932`` rather than strict Shift-JIS (``①``,
  ``髙``), ``cp949`` rather than EUC-KR. The web names chardetng returns are mapped to them.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

import chardet
import chardetng_py

from rolodex.importing.wording import CLI, Wording

__all__ = [
    "EXCEL_ENCODINGS",
    "Guess",
    "codec_name",
    "describe",
    "detect",
    "sample",
    "unknown",
    "warning",
]

FALLBACK = "cp1252"
SAMPLE_BYTES = 65536
"""Far more than detection needs (the bench's 20-row files are under 2 KB); both detectors
take about 25 ms on 64 KB, once per file."""
_BLOCK_BYTES = 1 << 20
EXCEL_ENCODINGS = (
    "cp1252",
    "cp1250",
    "cp1251",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
    "cp1258",
    "cp874",
    "cp932",
    "gb18030",
    "cp950",
    "cp949",
    "koi8-r",
    "iso8859-2",
)
"""What Excel and LibreOffice write when told to save CSV in a local encoding."""

_WEB_TO_PYTHON = {
    "Shift_JIS": "cp932",
    "GBK": "gb18030",
    "Big5": "cp950",
    "EUC-KR": "cp949",
    "windows-874": "cp874",
    "ISO-8859-8-I": "iso8859-8",
    "x-mac-cyrillic": "mac-cyrillic",
}
"""chardetng answers with the web's names; these have no Python codec of that name, or
Excel writes the Microsoft superset."""

_NAMES = {
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
    "utf-32": "UTF-32",
    "cp1250": "Windows-1250 (Central European)",
    "cp1251": "Windows-1251 (Cyrillic)",
    "cp1252": "Windows-1252 (Western European)",
    "cp1253": "Windows-1253 (Greek)",
    "cp1254": "Windows-1254 (Turkish)",
    "cp1255": "Windows-1255 (Hebrew)",
    "cp1256": "Windows-1256 (Arabic)",
    "cp1257": "Windows-1257 (Baltic)",
    "cp1258": "Windows-1258 (Vietnamese)",
    "cp874": "Windows-874 (Thai)",
    "cp932": "Shift-JIS (Japanese)",
    "shift_jis": "Shift-JIS (Japanese)",
    "euc_jp": "EUC-JP (Japanese)",
    "gb18030": "GBK (Simplified Chinese)",
    "gbk": "GBK (Simplified Chinese)",
    "cp950": "Big5 (Traditional Chinese)",
    "big5": "Big5 (Traditional Chinese)",
    "cp949": "EUC-KR (Korean)",
    "euc_kr": "EUC-KR (Korean)",
    "koi8-r": "KOI8-R (Russian)",
    "koi8-u": "KOI8-U (Ukrainian)",
    "cp866": "DOS 866 (Cyrillic)",
    "iso8859-2": "ISO-8859-2 (Central European)",
    "iso8859-5": "ISO-8859-5 (Cyrillic)",
    "iso8859-7": "ISO-8859-7 (Greek)",
    "iso8859-8": "ISO-8859-8 (Hebrew)",
    "iso8859-13": "ISO-8859-13 (Baltic)",
}


@dataclass(frozen=True)
class Guess:
    """A Python codec name; ``runner_up`` is set when the guess is unsure."""

    encoding: str
    runner_up: str | None = None


def detect(sample: bytes) -> Guess:
    """Guess the encoding of bytes that are not UTF-8 (see the module docstring for why)."""
    first = _python_name(_chardetng(sample))
    second = _python_name(_chardet(sample))
    candidates = [name for name in (first, second, FALLBACK) if _decodes(sample, name)]
    chosen = candidates[0] if candidates else FALLBACK
    others = [name for name in (first, second) if name != chosen]
    runner_up = next((name for name in others if _reads_otherwise(sample, chosen, name)), None)
    return Guess(chosen, runner_up)


def codec_name(name: str) -> str:
    """The Python codec for a name a person gave; LookupError for an unknown or non-text one.

    A UTF-8 name reads as ``utf-8-sig``, so a BOM is dropped instead of sticking to the
    first column's name.
    """
    info = codecs.lookup(name)
    if not info._is_text_encoding:
        raise LookupError(name)
    return "utf-8-sig" if info.name == "utf-8" else info.name


def unknown(name: str) -> str:
    """The message for a name :func:`codec_name` refuses."""
    return f"Unknown encoding {name!r}. Give a name such as cp1252, shift_jis or cp1251."


def describe(encoding: str) -> str:
    """``cp932`` → ``Shift-JIS (Japanese)``: the name a person knows, with what it is for."""
    return _NAMES.get(encoding, encoding)


def _chardetng(sample: bytes) -> str:
    detector = chardetng_py.EncodingDetector()
    detector.feed(sample, last=True)
    return str(detector.guess(tld=None, allow_utf8=False))


def _chardet(sample: bytes) -> str:
    return chardet.detect(sample, include_encodings=EXCEL_ENCODINGS)["encoding"] or FALLBACK


def _python_name(name: str) -> str:
    try:
        return codecs.lookup(_WEB_TO_PYTHON.get(name, name)).name
    except LookupError:
        return FALLBACK


def _decodes(sample: bytes, encoding: str) -> bool:
    """The sample may end inside a character: only the bytes before it must decode. cp1252
    always does: the reader maps its 5 undefined bytes to C1 controls, rejected per row."""
    if encoding == FALLBACK:
        return True
    try:
        codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _reads_otherwise(sample: bytes, chosen: str, other: str) -> bool:
    if not _decodes(sample, other):
        return False
    return _text(sample, chosen) != _text(sample, other)


def _text(sample: bytes, encoding: str) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return str(decoder.decode(sample))


def sample(path: Path) -> bytes:
    """The first 64 KB of lines holding a non-ASCII byte: only those tell encodings apart,
    and a Western file may hold its first ``é`` after 10,000 plain rows. Blocks of 1 MB
    that are all ASCII are skipped at C speed; no candidate encoding uses the byte 0x0A
    inside a character, so splitting on it is safe."""
    kept: list[bytes] = []
    size, tail = 0, b""
    with path.open("rb") as raw:
        while size < SAMPLE_BYTES and (block := raw.read(_BLOCK_BYTES)):
            lines = (tail + block).split(b"\n")
            tail = lines.pop()
            for line in lines:
                if not line.isascii():
                    kept.append(line)
                    size += len(line) + 1
    kept.append(tail)
    return b"\n".join(kept)[:SAMPLE_BYTES]


def warning(guess: Guess, wording: Wording = CLI) -> str:
    """The report's line: the encoding by name, and the runner-up when the guess is unsure;
    how to set it, in the front end's words."""
    read_as = describe(guess.encoding)
    if guess.runner_up is None:
        return (
            f"The file is not UTF-8: it was read as {read_as}. Check the names, or "
            f"{wording.encoding}."
        )
    return (
        f"The file is not UTF-8: it was read as {read_as}, but it may be "
        f"{describe(guess.runner_up)}{wording.encoding_named.format(name=guess.runner_up)}. "
        f"Check the names, or {wording.encoding}."
    )
