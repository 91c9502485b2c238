"""The value rules (docs/importing.md#values to docs/importing.md#users), one parser at a
time."""

from __future__ import annotations

import argon2
import bcrypt
import pytest
from email_validator import EmailNotValidError, validate_email
from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES
from hypothesis import example, given, settings
from hypothesis import strategies as st

from rolodex.domain import CustomField, Email, FieldType, email_key
from rolodex.importing import values
from rolodex.importing.report import ValueProblem
from rolodex.importing.values import (
    check_password,
    clean,
    parse_active,
    parse_boolean,
    parse_custom,
    parse_email,
    parse_id,
    parse_label_ids,
    parse_label_names,
    parse_name,
    parse_password_hash,
)


def problem(parse: object, *args: object) -> ValueProblem:
    assert callable(parse)
    with pytest.raises(ValueProblem) as caught:
        parse(*args)
    return caught.value


def test_public_names_are_exported() -> None:
    assert all(hasattr(values, name) for name in values.__all__)


# --- clean ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("  Ada  ", "Ada", id="surrounding-spaces"),
        pytest.param("\tAda\r\n", "Ada", id="tab-and-line-breaks-trimmed"),
        pytest.param("\u00a0Ada\u00a0", "Ada", id="no-break-spaces-from-excel"),
        pytest.param("Ada\nLovelace", "Ada\nLovelace", id="inner-line-break-kept"),
        pytest.param("", "", id="empty"),
        pytest.param("'=SUM(A1)", "=SUM(A1)", id="export-neutralised-formula"),
        pytest.param("'+33 1 23", "+33 1 23", id="export-neutralised-plus"),
        pytest.param("'-5", "-5", id="export-neutralised-minus"),
        pytest.param("'@handle", "@handle", id="export-neutralised-at"),
        pytest.param("'\tx", "x", id="export-neutralised-tab-then-trimmed"),
        pytest.param("  '=1  ", "=1", id="neutralised-with-spaces"),
        pytest.param("'quoted'", "'quoted'", id="ordinary-apostrophe-kept"),
        pytest.param("O'Brien", "O'Brien", id="inner-apostrophe-kept"),
        pytest.param("'", "'", id="lone-apostrophe"),
    ],
)
def test_clean(raw: str, expected: str) -> None:
    assert clean(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("a\x00b", id="nul"),
        pytest.param("\x00", id="only-nul"),
        pytest.param("a\x07b", id="bell"),
        pytest.param("a\x0bb", id="vertical-tab"),
        pytest.param("a\x1b[31m", id="escape-sequence"),
        pytest.param("Ada\x1f", id="unit-separator-that-strip-would-eat"),
        pytest.param("a\x7fb", id="delete"),
        pytest.param("a\x85b", id="c1-next-line"),
        pytest.param("a\x9fb", id="c1-last"),
    ],
)
def test_clean_refuses_control_characters(raw: str) -> None:
    issue = problem(clean, raw)
    assert issue.code == "control-character"
    assert "U+00" in issue.message
    assert "\x00" not in issue.message


def test_clean_names_invisible_characters_in_the_message() -> None:
    issue = problem(clean, "x\x00y")
    assert issue.message.startswith("'x<U+0000>y'")


def test_long_values_are_shortened_in_messages() -> None:
    issue = problem(parse_name, "x" * 10_000, "first_name")
    assert len(issue.message) < 200
    assert "10,000 characters" in issue.message


# --- email ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "address", "key"),
    [
        pytest.param("ada@example.com", "ada@example.com", "ada@example.com", id="plain"),
        pytest.param("Ada@Example.COM", "Ada@example.com", "ada@example.com", id="upper-domain"),
        pytest.param("a.b+tag@mail.example.org", "a.b+tag@mail.example.org", None, id="tagged"),
        pytest.param("INFO@example.com", "info@example.com", None, id="rfc2142-mailbox"),
        pytest.param("ada@bücher.de", "ada@bücher.de", "ada@xn--bcher-kva.de", id="idn-domain"),
        pytest.param(
            "ada@xn--bcher-kva.de", "ada@bücher.de", "ada@xn--bcher-kva.de", id="punycode"
        ),
        pytest.param("ada@BÜCHER.DE", "ada@bücher.de", "ada@xn--bcher-kva.de", id="idn-upper"),
        pytest.param("Straße@x.com", "Straße@x.com", "straße@x.com", id="eszett-kept"),
        pytest.param("strasse@x.com", "strasse@x.com", "strasse@x.com", id="ss-distinct"),
        pytest.param("Jürgen@x.com", "Jürgen@x.com", "jürgen@x.com", id="unicode-local"),
        pytest.param("Ju\u0308rgen@x.com", "Jürgen@x.com", "jürgen@x.com", id="local-to-nfc"),
        # A valid address (= and + are allowed before the @). Export writes it as '=1+1@x.com
        # and clean() removes the apostrophe again, so it round-trips.
        pytest.param("=1+1@x.com", "=1+1@x.com", "=1+1@x.com", id="formula-looking-valid"),
        pytest.param("a" * 64 + "@x.com", "a" * 64 + "@x.com", None, id="local-at-64"),
    ],
)
def test_parse_email_accepts(value: str, address: str, key: str | None) -> None:
    parsed = parse_email(value)
    assert parsed.address == address
    assert parsed.key == (key or address.lower())


def test_formula_looking_email_round_trips_through_export_neutralisation() -> None:
    assert parse_email(clean("'=1+1@x.com")) == parse_email("=1+1@x.com")


def test_unicode_and_punycode_spellings_share_a_key() -> None:
    assert parse_email("ada@bücher.de").key == parse_email("ADA@xn--BCHER-kva.de").key


def test_eszett_and_ss_are_different_keys() -> None:
    assert parse_email("Straße@x.com").key != parse_email("strasse@x.com").key


@pytest.mark.parametrize(
    "value",
    ["Ada@Example.com", "ada@bücher.de", "Straße@BÜCHER.de", "İlker@x.com", "Ju\u0308rgen@x.com"],
)
def test_email_key_of_a_stored_address_is_its_key(value: str) -> None:
    parsed = parse_email(value)
    assert email_key(parsed.address) == parsed.key


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        pytest.param("a" * 65 + "@x.com", "too long before the @-sign", id="local-part-over-64"),
        pytest.param("a@" + "b" * 60 + ("." + "c" * 60) * 4 + ".com", "too long", id="over-254"),
        pytest.param(
            "ü" * 64 + "@" + "b" * 60 + ".c" * 35 + ".com", "too long", id="over-254-bytes"
        ),
        pytest.param("a@" + "b" * 10_000 + ".com", "254", id="ten-kilobytes"),
        pytest.param('"john doe"@x.com', "quoting", id="quoted-local-part"),
        pytest.param('"john"@x.com', "quoting", id="needlessly-quoted-local-part"),
        pytest.param("a\u200b@x.com", "ZERO WIDTH SPACE", id="zero-width-space-local"),
        pytest.param("a@x\u200b.com", "ZERO WIDTH SPACE", id="zero-width-space-domain"),
        pytest.param("a\u200f@x.com", "RIGHT-TO-LEFT MARK", id="right-to-left-mark"),
        pytest.param("a\u202e@x.com", "RIGHT-TO-LEFT OVERRIDE", id="right-to-left-override"),
        pytest.param("Ada <ada@x.com>", "display name", id="display-name"),
        pytest.param("ada", "@-sign", id="no-at-sign"),
        pytest.param("ada@", "after the @-sign", id="nothing-after-at"),
        pytest.param("@x.com", "before the @-sign", id="nothing-before-at"),
        pytest.param("a@@x.com", "", id="two-at-signs"),
        pytest.param("ada@x", "period", id="dotless-domain"),
        pytest.param("a..b@x.com", "two periods", id="double-dot"),
        pytest.param("ada@x.test", "special-use", id="special-use-domain"),
        pytest.param("ada@localhost", "", id="localhost"),
        pytest.param("ada@[127.0.0.1]", "bracketed", id="domain-literal"),
        pytest.param("ada@-x.com", "hyphen", id="label-starts-with-hyphen"),
        pytest.param("ada lovelace@x.com", "invalid characters", id="space-in-local"),
        pytest.param("ada＠x.com", "full-width", id="full-width-at"),
    ],
)
def test_parse_email_refuses(value: str, hint: str) -> None:
    issue = problem(parse_email, value)
    assert issue.code == "invalid-email"
    assert "is not a valid email address: " in issue.message
    assert hint in issue.message


def test_invisible_characters_are_visible_in_the_email_message() -> None:
    issue = problem(parse_email, "a\u202e@x.com")
    assert issue.message.startswith("'a<U+202E>@x.com' is not a valid email address")
    assert "\u202e" not in issue.message


def test_missing_email() -> None:
    issue = problem(parse_email, "")
    assert issue.code == "missing-email"
    assert issue.message.startswith("email is required")


@pytest.mark.parametrize(
    "value", ["ada@example.com", "John.Smith+news@Mail.Example.co.uk", "o'brien@x.io"]
)
def test_plain_addresses_never_reach_email_validator(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("the fast path should have taken this address")

    monkeypatch.setattr(values, "validate_email", fail)
    assert parse_email(value).key == value.lower()


# Addresses near the fast path's edge: half of them plausible, the rest with the characters,
# lengths, special-use names, RFC 2142 mailboxes and "--" labels where the fast path must
# defer to email-validator (or, if it is wrong, disagree with it).
_ALNUM = "abyzABYZ0189"
_COMMON = _ALNUM + "_%+'-"
_ODD = '!#$&*/=?^`{|}~.@ "\\'
_LDH = _ALNUM + "-"
_ALPHA = "abcxyzABCXYZ"


def _text(alphabet: str, max_size: int, min_size: int = 0) -> st.SearchStrategy[str]:
    return st.text(alphabet=alphabet, min_size=min_size, max_size=max_size)


def _joined(parts: st.SearchStrategy[str], sep: str, max_size: int) -> st.SearchStrategy[str]:
    return st.lists(parts, min_size=1, max_size=max_size).map(sep.join)


_good_label = st.one_of(
    _text(_ALNUM, 10, min_size=1),
    st.builds("{}-{}".format, _text(_ALNUM, 5, 1), _text(_ALNUM, 5, 1)),
)
_good_tld = st.one_of(
    _text(_ALPHA, 6, min_size=2), st.sampled_from(["test", "Local", "arpa", "onion"])
)
_plausible = st.builds(
    "{}@{}.{}".format,
    _joined(_text(_COMMON, 20, min_size=1), ".", 4),
    _joined(_good_label, ".", 4),
    _good_tld,
)
_near_the_limits = st.builds(
    "{}@{}.com".format,
    _text(_ALNUM, 70, min_size=60),
    _joined(_text(_ALNUM, 63, min_size=55), ".", 4),
)
_locals = st.one_of(
    _joined(st.one_of(_text(_COMMON, 70), _text(_COMMON + _ODD, 10)), ".", 4),
    st.sampled_from(CASE_INSENSITIVE_MAILBOX_NAMES).map(str.swapcase),
)
_labels = st.one_of(
    _good_label,
    _text(_LDH, 70),
    st.builds("xn--{}".format, _text(_LDH, 10)),
    st.builds("{}--{}".format, _text(_LDH, 3), _text(_LDH, 3)),
)
_tlds = st.one_of(_good_tld, _text(_ALPHA + "019-", 70))
_domains = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(_labels, min_size=0, max_size=5),
    _tlds,
)
_addresses = st.one_of(
    _plausible,
    _near_the_limits,
    st.builds("{}@{}".format, _locals, _domains),
    _text("".join(chr(c) for c in range(32, 127)), 300),
)


@settings(max_examples=1000, deadline=None)
@given(_addresses)
@example("Info@Example.COM")
@example("a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 57 + ".com")
@example("a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 58 + ".com")
@example("a@ab--c.com")
@example("a@xn--bcher-kva.de")
@example("a@x.co.test")
def test_fast_path_agrees_with_email_validator(address: str) -> None:
    fast = values._fast_email(address)
    if fast is None:
        return
    try:
        result = validate_email(address, check_deliverability=False, strict=True)
    except EmailNotValidError as exc:  # pragma: no cover - the property failing
        pytest.fail(f"fast path accepted {address!r}, email-validator says {exc}")
    assert fast == Email(result.normalized, email_key(result.normalized))


# --- names and IDs ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("", None, id="empty-leaves-as-is"),
        pytest.param("Ada", "Ada", id="plain"),
        pytest.param("x" * 255, "x" * 255, id="at-limit"),
        pytest.param("Zoë 李", "Zoë 李", id="unicode"),
    ],
)
def test_parse_name(value: str, expected: str | None) -> None:
    assert parse_name(value, "first_name") == expected


def test_name_over_255_characters_is_too_long() -> None:
    issue = problem(parse_name, "x" * 256, "last_name")
    assert issue.code == "too-long"
    assert "last_name" in issue.message
    assert "255" in issue.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", 1), ("42", 42), ("007", 7), ("9" * 18, int("9" * 18))],
    ids=["one", "plain", "leading-zeros", "eighteen-digits"],
)
def test_parse_id(value: str, expected: int) -> None:
    assert parse_id(value, "company") == expected


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("-1", id="negative"),
        pytest.param("+1", id="plus-sign"),
        pytest.param("0", id="zero"),
        pytest.param("000", id="zeros"),
        pytest.param("1e3", id="exponent"),
        pytest.param("1.0", id="decimal-point"),
        pytest.param("1,000", id="thousands-separator"),
        pytest.param("1_000", id="underscore"),
        pytest.param("x", id="word"),
        pytest.param("", id="empty"),
        pytest.param("١٢", id="arabic-indic-digits"),
        pytest.param("１", id="full-width-digit"),
        pytest.param("1" * 19, id="nineteen-digits"),
    ],
)
def test_parse_id_refuses(value: str) -> None:
    issue = problem(parse_id, value, "company")
    assert issue.code == "invalid-id"
    assert issue.message.startswith(f"'{value}' is not a valid company ID: use the number")


# --- labels -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("Marketing:Trial:Demo", ["Marketing", "Trial", "Demo"], id="vendor-example"),
        pytest.param(" Marketing : Trial ", ["Marketing", "Trial"], id="parts-trimmed"),
        pytest.param("a::b:", ["a", "b"], id="empty-parts-ignored"),
        pytest.param(":", [], id="only-separators"),
        pytest.param("Trial:trial", ["Trial", "trial"], id="case-sensitive"),
        pytest.param("b:a:b:a", ["b", "a"], id="duplicates-dropped-first-order"),
        pytest.param("New York", ["New York"], id="inner-space"),
    ],
)
def test_parse_label_names(value: str, expected: list[str]) -> None:
    assert parse_label_names(value, 10) == expected


def test_too_many_label_names() -> None:
    issue = problem(parse_label_names, "a:b:c:d", 3)
    assert issue.code == "too-many-labels"
    assert "at most 3" in issue.message


def test_repeated_names_count_once_towards_the_limit() -> None:
    assert parse_label_names("a:a:a:a:b", 2) == ["a", "b"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("1:2:3", [1, 2, 3], id="plain"),
        pytest.param(" 3 : 1 ", [3, 1], id="parts-trimmed"),
        pytest.param("1::2:", [1, 2], id="empty-parts-ignored"),
        pytest.param("2:02:2", [2], id="same-id-written-twice"),
    ],
)
def test_parse_label_ids(value: str, expected: list[int]) -> None:
    assert parse_label_ids(value, 10) == expected


@pytest.mark.parametrize(
    ("value", "bad"),
    [("1:x:3", "x"), ("1:-1", "-1"), ("1e3", "1e3"), ("4:1.5", "1.5")],
    ids=["word-in-the-middle", "negative", "exponent", "decimal"],
)
def test_parse_label_ids_names_the_bad_part(value: str, bad: str) -> None:
    issue = problem(parse_label_ids, value, 10)
    assert issue.code == "invalid-id"
    assert issue.message.startswith(f"'{bad}' is not a valid label ID")


def test_too_many_label_ids() -> None:
    assert problem(parse_label_ids, "1:2:3", 2).code == "too-many-labels"


# --- custom fields ----------------------------------------------------------------------


def field(kind: FieldType, options: tuple[str, ...] = ()) -> CustomField:
    return CustomField(id=1, variable_name="plan", title="Plan", type=kind, options=options)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3", "3"),
        ("-2.50", "-2.5"),
        ("3.0", "3"),
        ("007", "7"),
        ("0.000", "0"),
        ("-0", "0"),
        ("100", "100"),
        (".5", "0.5"),
        ("-.5", "-0.5"),
        ("5.", "5"),
        ("1234567890.123456789012345678901234567890", "1234567890.12345678901234567890123456789"),
    ],
    ids=[
        "integer",
        "trailing-zero",
        "point-zero",
        "leading-zeros",
        "zero-decimals",
        "minus-zero",
        "no-exponent-for-hundred",
        "leading-point",
        "negative-leading-point",
        "trailing-point",
        "more-than-28-digits-exact",
    ],
)
def test_custom_number_canonical(value: str, expected: str) -> None:
    assert parse_custom(field(FieldType.NUMBER), value) == expected


@pytest.mark.parametrize(
    "value",
    [
        *("1e3", "NaN", "nan", "Infinity", "-inf", "1,000", "1 000", "+3", "€5", "--1"),
        *(".", "-", "x", "1" * 101, "١"),
    ],
)
def test_custom_number_refuses(value: str) -> None:
    assert problem(parse_custom, field(FieldType.NUMBER), value).code == "invalid-number"


@pytest.mark.parametrize("value", ["2024-02-29", "1999-12-31", "0001-01-01"])
def test_custom_date(value: str) -> None:
    assert parse_custom(field(FieldType.DATE), value) == value


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("2023-02-30", "not a real date"),
        ("2023-02-29", "not a real date"),
        ("2023-13-01", "not a real date"),
        ("0000-01-01", "not a real date"),
        ("31/12/2023", "YYYY-MM-DD"),
        ("2023-1-5", "YYYY-MM-DD"),
        ("20230105", "YYYY-MM-DD"),
        ("2023-01-05T10:00", "YYYY-MM-DD"),
        ("２０２３-01-05", "YYYY-MM-DD"),
    ],
)
def test_custom_date_refuses(value: str, hint: str) -> None:
    issue = problem(parse_custom, field(FieldType.DATE), value)
    assert issue.code == "invalid-date"
    assert hint in issue.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", "true"),
        ("TRUE", "true"),
        ("Yes", "true"),
        ("1", "true"),
        ("false", "false"),
        ("No", "false"),
        ("0", "false"),
    ],
)
def test_custom_boolean(value: str, expected: str) -> None:
    assert parse_custom(field(FieldType.BOOLEAN), value) == expected


@pytest.mark.parametrize("value", ["y", "on", "2", "truee", "vrai"])
def test_custom_boolean_refuses(value: str) -> None:
    issue = problem(parse_custom, field(FieldType.BOOLEAN), value)
    assert issue.code == "invalid-boolean"
    assert "plan" in issue.message


def test_custom_select_exact_option() -> None:
    assert parse_custom(field(FieldType.SELECT, ("Gold", "Silver")), "Gold") == "Gold"


def test_custom_select_case_only_difference_is_named() -> None:
    issue = problem(parse_custom, field(FieldType.SELECT, ("Gold", "Silver")), "gold")
    assert issue.code == "invalid-option"
    assert "did you mean 'Gold'?" in issue.message
    assert "'Silver'" in issue.message


def test_custom_select_unknown_option_lists_the_options() -> None:
    issue = problem(parse_custom, field(FieldType.SELECT, ("Gold", "Silver")), "Bronze")
    assert "did you mean" not in issue.message
    assert issue.message.endswith("use one of 'Gold', 'Silver'")


def test_custom_select_long_option_list_is_cut() -> None:
    options = tuple(f"o{n}" for n in range(50))
    issue = problem(parse_custom, field(FieldType.SELECT, options), "x")
    assert "and 30 more" in issue.message


def test_custom_text_kept_as_is() -> None:
    assert parse_custom(field(FieldType.TEXT), "a:b, c ") == "a:b, c "


def test_custom_text_too_long() -> None:
    assert parse_custom(field(FieldType.TEXT), "x" * 65_535) == "x" * 65_535
    assert problem(parse_custom, field(FieldType.TEXT), "x" * 65_536).code == "too-long"


# --- booleans ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("False", False), ("YES", True), ("no", False), ("1", True), ("0", False)],
)
def test_parse_boolean(value: str, expected: bool) -> None:
    assert parse_boolean(value, "x") is expected


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("TRUE", True), ("False", False)])
def test_parse_active(value: str, expected: bool) -> None:
    assert parse_active(value) is expected


@pytest.mark.parametrize("value", ["yes", "no", "1", "0", "", "active"])
def test_parse_active_takes_only_true_or_false(value: str) -> None:
    issue = problem(parse_active, value)
    assert issue.code == "invalid-boolean"
    assert "use true or false" in issue.message


# --- passwords --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("secret", id="six-ascii"),
        pytest.param("ñøüçéß", id="six-non-ascii"),
        pytest.param("密码密码密码", id="six-cjk"),
        pytest.param("  pass  ", id="spaces-kept"),
        pytest.param("x" * 1024, id="at-limit"),
    ],
)
def test_check_password_keeps_it_exactly(value: str) -> None:
    assert check_password(value) == value


@pytest.mark.parametrize(
    ("value", "code"),
    [
        pytest.param("abcde", "password-too-short", id="five-characters"),
        pytest.param("", "password-too-short", id="empty"),
        pytest.param("x" * 10_240, "too-long", id="ten-kilobytes"),
        pytest.param("secret\x00pw", "control-character", id="nul"),
        pytest.param("secret\tpw", "control-character", id="tab"),
        pytest.param("secret\n", "control-character", id="line-break"),
        pytest.param("secret\x85", "control-character", id="c1"),
    ],
)
def test_check_password_refuses_without_echoing(value: str, code: str) -> None:
    issue = problem(check_password, value)
    assert issue.code == code
    if value:
        assert value not in issue.message
        assert value.strip("\x00\t\n\x85")[:5] not in issue.message


def _bcrypt_hash(prefix: str = "$2b$") -> str:
    made = bcrypt.hashpw(b"secret", bcrypt.gensalt(rounds=4)).decode()
    return prefix + made[4:]


def _argon2_hash(kind: argon2.Type) -> str:
    hasher = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=kind)
    return hasher.hash("secret")


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(_bcrypt_hash("$2b$"), id="bcrypt-2b"),
        pytest.param(_bcrypt_hash("$2a$"), id="bcrypt-2a"),
        pytest.param(_bcrypt_hash("$2y$"), id="bcrypt-2y"),
        pytest.param(bcrypt.hashpw(b"x", bcrypt.gensalt(rounds=12)).decode(), id="bcrypt-cost-12"),
        pytest.param(_argon2_hash(argon2.Type.ID), id="argon2id"),
        pytest.param(_argon2_hash(argon2.Type.I), id="argon2i"),
        pytest.param(_argon2_hash(argon2.Type.D), id="argon2d"),
        pytest.param(argon2.PasswordHasher().hash("secret"), id="argon2id-defaults"),
    ],
)
def test_parse_password_hash_accepts_real_hashes(value: str) -> None:
    assert parse_password_hash(value) == value


def test_accepted_bcrypt_hash_verifies() -> None:
    value = _bcrypt_hash("$2y$")
    assert bcrypt.checkpw(b"secret", parse_password_hash(value).replace("$2y$", "$2b$").encode())


_GOOD_BCRYPT = "$2b$04$5grPSa8dnLApBeBx3f.xd.TbJhZeRJlfOBth40RE564sgpK0Iz4xS"
_GOOD_ARGON2 = (
    "$argon2id$v=19$m=65536,t=3,p=4$MypHcYG7Vln2MOY3jGeMcA"
    "$UJExpd3NgcUt2tHNsnuWFP6y+y4Wmsy5546ZIqDFvYY"
)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("hunter2hunter2", id="plaintext-password"),
        pytest.param(_GOOD_BCRYPT[:-1], id="bcrypt-truncated"),
        pytest.param(_GOOD_BCRYPT + "x", id="bcrypt-too-long"),
        pytest.param(_GOOD_BCRYPT.replace("$04$", "$03$"), id="bcrypt-cost-3"),
        pytest.param(_GOOD_BCRYPT.replace("$04$", "$32$"), id="bcrypt-cost-32"),
        pytest.param(_GOOD_BCRYPT.replace("$2b$", "$2x$"), id="bcrypt-2x"),
        pytest.param(_GOOD_BCRYPT.replace("xd.T", "xd/T"), id="bcrypt-non-canonical-salt"),
        pytest.param(_GOOD_BCRYPT.replace("5grP", "5g!P"), id="bcrypt-bad-alphabet"),
        pytest.param(_GOOD_ARGON2.replace("v=19$", ""), id="argon2-no-version"),
        pytest.param(_GOOD_ARGON2.replace("m=65536", "m=99999999"), id="argon2-huge-memory"),
        pytest.param(_GOOD_ARGON2.replace("p=4", "p=0"), id="argon2-zero-lanes"),
        pytest.param(_GOOD_ARGON2.rsplit("$", 1)[0], id="argon2-no-hash"),
        pytest.param(_GOOD_ARGON2.replace("argon2id", "argon2x"), id="argon2-unknown-variant"),
        pytest.param(_GOOD_ARGON2 + "=", id="argon2-padding"),
        pytest.param("$pbkdf2-sha256$29000$abc$def", id="pbkdf2"),
        pytest.param("", id="empty"),
    ],
)
def test_parse_password_hash_refuses_without_echoing(value: str) -> None:
    issue = problem(parse_password_hash, value)
    too_costly = any(marker in value for marker in ("$32$", "m=99999999"))
    assert issue.code == ("password-hash-too-costly" if too_costly else "invalid-password-hash")
    if len(value) > 12:
        assert value not in issue.message
        assert value[10:] not in issue.message


def test_password_hash_message_shows_only_the_scheme_tag() -> None:
    issue = problem(parse_password_hash, _GOOD_BCRYPT[:-1])
    assert "(starting $2b$)" in issue.message
    assert "hunter" not in problem(parse_password_hash, "hunter2hunter2").message
