"""Which encoding detector reads short contact files right: ``python bench/encodings.py``.

The realistic case is a spreadsheet saved as CSV by a Japanese, Russian or Polish Excel: a
header and 1-20 rows of names, ASCII emails and companies. Each sample is written in one
encoding; a guess is right when the bytes decode, in the guessed encoding, to the very text
that was written (so ``latin-1`` for a ``cp1252`` file with no byte in 0x80-0x9F is right,
and ``shift_jis`` for a ``cp932`` one). Only samples that are not valid UTF-8 count, since
only those reach the detector. Prints one row per detector: accuracy per encoding, overall,
and mean milliseconds per file.

chardet 5 and 7 cannot be imported side by side: run it once as it is, then once with
``PYTHONPATH=DIR`` where ``pip install --target DIR chardet==5.2.0`` put chardet 5.
"""

from __future__ import annotations

import contextlib
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

Detector = Callable[[bytes], str | None]

ROWS = (1, 2, 3, 5, 10, 20)
SEEDS = 12
HEADER = "email,first_name,last_name,company\n"


def words(text: str) -> list[str]:
    return text.split()


# (first names, last names, companies, email domain) per language.
PEOPLE: dict[str, tuple[list[str], list[str], list[str], str]] = {
    "ja": (
        words("太郎 花子 一郎 美咲 健太 陽子 翔太 さくら 大輔 恵 直樹 由美"),
        words("山田 佐藤 鈴木 高橋 田中 伊藤 渡辺 中村 小林 加藤 吉田 山本"),
        ["株式会社ソニー", "トヨタ自動車", "日立製作所", "任天堂株式会社", "三菱商事", ""],
        "example.co.jp",
    ),
    "zh-Hans": (
        words("伟 芳 娜 洋 静 磊 敏 强 杰 霞 军 丽"),
        words("张 王 李 刘 陈 杨 赵 黄 周 吴 徐 孙"),
        ["华为技术有限公司", "阿里巴巴集团", "腾讯科技", "小米科技", "百度在线网络", ""],
        "example.cn",
    ),
    "zh-Hant": (
        words("志明 淑芬 建宏 雅婷 冠廷 怡君 家豪 美玲 俊傑 佩君"),
        words("陳 林 黃 張 李 王 吳 劉 蔡 楊"),
        ["台灣積體電路製造", "鴻海精密工業", "宏達國際電子", "華碩電腦", "中華電信", ""],
        "example.com.tw",
    ),
    "ko": (
        words("민준 서연 지훈 수빈 우진 지은 현우 하은 도윤 서윤"),
        words("김 이 박 최 정 강 조 윤 장 임"),
        ["삼성전자", "현대자동차", "엘지전자", "네이버 주식회사", "카카오", ""],
        "example.co.kr",
    ),
    "ru": (
        words("Иван Мария Алексей Ольга Дмитрий Анна Сергей Наталья Михаил Елена"),
        words("Петров Иванова Смирнов Кузнецова Попов Соколова Лебедев Козлова Новиков Морозова"),
        ["ООО Ромашка", "Газпром", "Сбербанк", "Яндекс", "АО Северсталь", ""],
        "example.ru",
    ),
    "pl": (
        words("Łukasz Małgorzata Paweł Agnieszka Krzysztof Katarzyna Grzegorz Joanna Anna Piotr"),
        words(
            "Żółć Wiśniewska Kowalczyk Wójcik Dąbrowski Zielińska Szymański Woźniak Nowak Kowalski"
        ),
        ["Zakłady Mięsne", "Spółka Akcyjna", "Przedsiębiorstwo Budowlane", "Orlen", "PKO", ""],
        "example.pl",
    ),
    "cs": (
        words("Jiří Tereza Petr Lucie Tomáš Zuzana Ondřej Kateřina Jan Eva"),
        words("Novák Dvořáková Černý Procházková Kučera Veselá Horák Němcová Svoboda Malá"),
        ["Škoda Auto", "Česká spořitelna", "Kofola", "Seznam.cz", "Avast", ""],
        "example.cz",
    ),
    "hu": (
        words("Gergő Zsófia Bálint Eszter Ödön Réka László Anna Péter Júlia"),
        words("Nagy Kovács Tóth Szabó Horváth Kiss Varga Molnár Németh Farkas"),
        ["Magyar Telekom", "Mol Nyrt.", "Richter Gedeon", "OTP Bank", ""],
        "example.hu",
    ),
    "de": (
        words("Jürgen Anna Björn Zoë Lukas Sophie Max Jörg Günter Lena"),
        words("Müller Schäfer Weiß Krüger Schmidt Becker Fischer Köhler Hoffmann Wagner"),
        ["Müller & Söhne GmbH", "Bäckerei Groß", "Siemens AG", "Würth", ""],
        "example.de",
    ),
    "fr": (
        words("Renée François Hélène Zoë Noël Amélie Jérôme Céline Paul Marie"),
        words("Lefèvre Dupré Garçon Caron Bérard Martin Rousseau Lemaître Fontaine Moreau"),
        ["Café Crème SARL", "Société Générale", "Crédit Agricole", "Renault", ""],
        "example.fr",
    ),
    "es": (
        words("José María Íñigo Lucía Andrés Begoña Raúl Sofía Carlos Elena"),
        words("Núñez Peña Gómez Martínez Fernández López Muñoz García Ruiz Díaz"),
        ["Telefónica", "Construcciones Ibáñez", "Banco Santander", "Inditex", ""],
        "example.es",
    ),
    "el": (
        words("Γιώργος Μαρία Νίκος Ελένη Δημήτρης Κατερίνα Γιάννης Σοφία"),
        words("Παπαδόπουλος Κωνσταντίνου Γεωργίου Δημητρίου Οικονόμου Νικολάου Ιωάννου Βλάχου"),
        ["Εθνική Τράπεζα", "ΟΤΕ Α.Ε.", "Κωτσόβολος", ""],
        "example.gr",
    ),
    "tr": (
        words("Ayşe Mehmet Çağlar Gülşen Emre Zeynep Oğuz Şule"),
        words("Yılmaz Öztürk Şahin Doğan Kılıç Aydın Çelik Güneş"),
        ["Türk Telekom", "Koç Holding", "Arçelik", ""],
        "example.com.tr",
    ),
}

# (encoding written, languages): what Excel and LibreOffice write for each locale.
CASES: list[tuple[str, tuple[str, ...]]] = [
    ("cp932", ("ja",)),
    ("gbk", ("zh-Hans",)),
    ("gb18030", ("zh-Hans",)),
    ("big5", ("zh-Hant",)),
    ("euc-kr", ("ko",)),
    ("cp1251", ("ru",)),
    ("koi8-r", ("ru",)),
    ("cp1250", ("pl", "cs", "hu")),
    ("iso-8859-2", ("pl", "cs", "hu")),
    ("cp1252", ("de", "fr", "es")),
    ("iso-8859-1", ("de", "fr", "es")),
    ("cp1253", ("el",)),
    ("cp1254", ("tr",)),
]


def sample(language: str, rows: int, rng: random.Random) -> str:
    firsts, lasts, companies, domain = PEOPLE[language]
    lines = [HEADER]
    for n in range(rows):
        first, last = rng.choice(firsts), rng.choice(lasts)
        lines.append(f"person{n}@{domain},{first},{last},{rng.choice(companies)}\n")
    return "".join(lines)


def samples() -> list[tuple[str, str, bytes]]:
    """(encoding, text, bytes) for every case, size and seed that is not valid UTF-8."""
    out = []
    for encoding, languages in CASES:
        for language in languages:
            for rows in ROWS:
                for seed in range(SEEDS):
                    text = sample(language, rows, random.Random(f"{language}{rows}{seed}"))
                    data = text.encode(encoding)
                    with contextlib.suppress(UnicodeDecodeError):
                        data.decode("utf-8")
                        continue
                    out.append((encoding, text, data))
    return out


def right(data: bytes, text: str, guess: str | None) -> bool:
    if not guess:
        return False
    try:
        return data.decode(guess) == text
    except (LookupError, UnicodeDecodeError):
        return False


def detectors() -> dict[str, Detector]:
    """Every detector that is installed, under a name with its version."""
    found: dict[str, Detector] = {}
    with contextlib.suppress(ImportError):
        import charset_normalizer

        def normalizer(data: bytes) -> str | None:
            best = charset_normalizer.from_bytes(data).best()
            return best.encoding if best else None

        found[f"charset-normalizer {charset_normalizer.__version__}"] = normalizer
    with contextlib.suppress(ImportError):
        import chardet

        version = chardet.__version__
        found[f"chardet {version}"] = lambda data: chardet.detect(data)["encoding"]
        if int(version.split(".")[0]) >= 7:
            from rolodex.importing.encodings import EXCEL_ENCODINGS

            found[f"chardet {version}, Excel's encodings only"] = lambda data: chardet.detect(
                data, include_encodings=EXCEL_ENCODINGS
            )["encoding"]
    with contextlib.suppress(ImportError):
        import chardetng_py

        found["chardetng-py (Firefox's)"] = lambda data: chardetng_py.detect(data, allow_utf8=False)
    with contextlib.suppress(ImportError):
        import cchardet

        found[f"faust-cchardet {cchardet.__version__}"] = lambda data: cchardet.detect(data)[
            "encoding"
        ]
    if rolodex_runs():
        from rolodex.importing.encodings import detect

        found["rolodex (chosen)"] = lambda data: detect(data).encoding
    return found


def rolodex_runs() -> bool:
    """rolodex asks chardet 7 for its second opinion: not with chardet 5 on the path."""
    import chardet

    return int(chardet.__version__.split(".")[0]) >= 7


def main() -> None:
    cases = samples()
    encodings = [encoding for encoding, _ in CASES]
    print(f"{len(cases)} files, {ROWS[0]}-{ROWS[-1]} rows each, not valid UTF-8\n")
    print("| detector | " + " | ".join(encodings) + " | all | ms/file |")
    print("|---" * (len(encodings) + 3) + "|")
    for name, detect in detectors().items():
        hits = dict.fromkeys(encodings, 0)
        totals = dict.fromkeys(encodings, 0)
        started = time.perf_counter()
        for encoding, text, data in cases:
            totals[encoding] += 1
            hits[encoding] += right(data, text, detect(data))
        ms = (time.perf_counter() - started) * 1000 / len(cases)
        cells = [f"{100 * hits[e] / totals[e]:.0f}" for e in encodings]
        overall = 100 * sum(hits.values()) / len(cases)
        print(f"| {name} | " + " | ".join(cells) + f" | {overall:.0f} | {ms:.2f} |")
    unsure(cases)


def unsure(cases: list[tuple[str, str, bytes]]) -> None:
    """How often rolodex says "unsure", on the files it reads right and on the others."""
    if not rolodex_runs():
        return
    from rolodex.importing.encodings import detect

    said = {True: 0, False: 0}
    count = {True: 0, False: 0}
    rescued = 0
    for _, text, data in cases:
        guess = detect(data)
        ok = right(data, text, guess.encoding)
        count[ok] += 1
        said[ok] += guess.runner_up is not None
        rescued += not ok and right(data, text, guess.runner_up)
    print(
        f"\nrolodex says unsure on {said[False]} of the {count[False]} files it reads wrong "
        f"(naming the right encoding for {rescued}) and on {said[True]} of the "
        f"{count[True]} it reads right."
    )


if __name__ == "__main__":
    main()
