"""docs/importing.md#encodings: a file that is not UTF-8 is read in the encoding it most likely
has, the report names it and says when the guess is unsure; ``--encoding`` sets it."""

from __future__ import annotations

from pathlib import Path

import pytest

from rolodex.config import Limits
from rolodex.errors import FileError
from rolodex.importing.encodings import Guess, codec_name, detect, sample, warning
from rolodex.importing.reader import RawRow, open_csv

FIXTURES = Path(__file__).parents[1] / "fixtures" / "encodings"
HEADER = "email,first_name,last_name\n"


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("contacts-shift_jis.csv", "cp932"),
        ("contacts-gbk.csv", "gb18030"),
        ("contacts-big5.csv", "cp950"),
        ("contacts-euc-kr.csv", "cp949"),
        ("contacts-windows-1251.csv", "cp1251"),
        ("contacts-windows-1250.csv", "cp1250"),
        ("contacts-windows-1252.csv", "cp1252"),
    ],
)
def test_files_libreoffice_saved_are_detected(name: str, encoding: str) -> None:
    assert detect(sample(FIXTURES / name)) == Guess(encoding)


@pytest.mark.parametrize(
    ("row", "encoding", "detected"),
    [
        pytest.param("t@x.jp,太郎,山田\n", "cp932", "cp932", id="japanese"),
        pytest.param("w@x.cn,建国,王\n", "gbk", "gb18030", id="simplified-chinese"),
        pytest.param("m@x.kr,민준,김\n", "cp949", "cp949", id="korean"),
        pytest.param("i@x.ru,Иван,Петров\n", "cp1251", "cp1251", id="russian"),
        pytest.param("l@x.pl,Łukasz,Nowak\n", "cp1250", "cp1250", id="polish"),
        pytest.param("t@x.cz,Tomáš,Kučera\n", "cp1250", "cp1250", id="czech"),
        pytest.param("m@x.de,Jörg,Müller\n", "cp1252", "cp1252", id="german"),
        pytest.param("c@x.fr,Café,Crème\n", "cp1252", "cp1252", id="french"),
    ],
)
def test_one_row_is_enough(row: str, encoding: str, detected: str) -> None:
    assert detect((HEADER + row).encode(encoding)).encoding == detected


def test_a_guess_two_detectors_read_differently_is_unsure_and_names_the_other() -> None:
    guess = detect((HEADER + "z@x.fr,Zoë,Noël\n").encode("cp1252"))
    assert guess == Guess("cp1252", runner_up="cp1257")
    assert warning(guess) == (
        "The file is not UTF-8: it was read as Windows-1252 (Western European), but it may be "
        "Windows-1257 (Baltic) (--encoding cp1257). Check the names, or give --encoding."
    )


def test_two_chinese_letters_are_too_few_but_the_runner_up_is_right() -> None:
    """A wrong guess the report flags: the runner-up it names is the file's encoding."""
    guess = detect((HEADER + "w@x.cn,伟,张\n").encode("gbk"))
    assert guess == Guess("iso8859-5", runner_up="gb18030")
    assert "it may be GBK (Simplified Chinese) (--encoding gb18030)" in warning(guess)


def test_a_sure_guess_is_named() -> None:
    assert warning(Guess("cp932")) == (
        "The file is not UTF-8: it was read as Shift-JIS (Japanese). "
        "Check the names, or give --encoding."
    )


def test_the_sample_finds_the_first_accent_after_a_megabyte_of_ascii(tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    ascii_rows = b"".join(b"person%d@example.com,Plain,Name\n" % n for n in range(40_000))
    path.write_bytes(HEADER.encode() + ascii_rows + "p@x.pl,Łukasz,Żółć\n".encode("cp1250"))
    assert path.stat().st_size > 1 << 20
    assert sample(path).startswith("p@x.pl,Łukasz".encode("cp1250"))
    assert open_csv(path, Limits()).encoding == "cp1250"


def test_the_sample_stops_at_64_kb(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes((HEADER + "i@x.ru,Иван,Петров\n" * 20_000).encode("cp1251"))
    assert len(sample(path)) == 65536


@pytest.mark.parametrize(
    ("name", "codec"),
    [
        ("cp1252", "cp1252"),
        ("Shift-JIS", "shift_jis"),
        ("windows-1251", "cp1251"),
        ("UTF8", "utf-8-sig"),
        ("utf-8-sig", "utf-8-sig"),
        ("latin-1", "iso8859-1"),
    ],
)
def test_encoding_names_people_give(name: str, codec: str) -> None:
    assert codec_name(name) == codec


@pytest.mark.parametrize("name", ["klingon", "rot13", "base64", ""])
def test_unknown_or_non_text_encodings_are_refused(name: str) -> None:
    with pytest.raises(LookupError):
        codec_name(name)


def test_open_csv_refuses_an_unknown_encoding_with_examples(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"email\na@x.org\n")
    with pytest.raises(FileError, match=r"Unknown encoding 'klingon'.*cp1252, shift_jis"):
        open_csv(path, Limits(), encoding="klingon")


# -- --encoding ------------------------------------------------------------------------------


def test_given_encoding_wins_over_detection_without_a_warning() -> None:
    source = open_csv(FIXTURES / "contacts-windows-1250.csv", Limits(), encoding="cp1252")
    assert (source.encoding, source.warnings) == ("cp1252", ())
    assert next(iter(source.rows())).values[1] == "£ukasz"


def test_given_encoding_wins_over_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfemail\na@x.org\n")
    assert open_csv(path, Limits(), encoding="cp1252").header == ["ï»¿email"]


def test_given_utf8_drops_the_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfemail\na@x.org\n")
    assert open_csv(path, Limits(), encoding="utf-8").header == ["email"]


def test_bytes_the_given_encoding_cannot_decode_name_their_row() -> None:
    """髙 is in Microsoft's cp932 only: strict Shift-JIS stops on row 4, where it is."""
    with pytest.raises(FileError, match=r"^Row 4: holds bytes that are not Shift-JIS") as caught:
        open_csv(FIXTURES / "contacts-shift_jis.csv", Limits(), encoding="shift_jis")
    assert caught.value.row == 4


def test_bytes_the_detected_encoding_cannot_decode_past_the_sample_name_their_row(
    tmp_path: Path,
) -> None:
    """0x98 is the one byte Windows-1251 leaves undefined; here it is far past the sample."""
    rows = (HEADER + "i@x.ru,Иван,Петров\n" * 5000).encode("cp1251")
    path = tmp_path / "late.csv"
    path.write_bytes(rows + b"x@x.ru,\x98,Lee\n")
    with pytest.raises(FileError, match=r"^Row 5002: holds bytes that are not Windows-1251"):
        open_csv(path, Limits())


def test_a_detected_file_reads_its_rows(tmp_path: Path) -> None:
    source = open_csv(FIXTURES / "contacts-shift_jis.csv", Limits())
    assert next(iter(source.rows())) == RawRow(2, ["taro.yamada@example.jp", "太郎", "山田"])
