"""Passwords (docs/importing.md#passwords): argon2id at OWASP's floor, foreign hashes, upgrade, the
pool.

Kept fast: foreign hashes use the cheapest costs their schemes allow, and only a handful of
real argon2id hashes are made. No timing is asserted; the pool's speed is in
``bench/bench_hashing.py``.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata

import argon2
import bcrypt
import pytest

from rolodex.security import passwords
from rolodex.security.passwords import (
    ARGON2_PARAMS,
    HashingPool,
    VerifyResult,
    hash_password,
    is_supported_hash,
    needs_rehash,
    verify_password,
)

PASSWORD = "correct horse battery staple"
_ENCODED = re.compile(r"\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+")


@pytest.fixture(scope="module")
def current_hash() -> str:
    return hash_password(PASSWORD)


def _bcrypt_hash(password: str, prefix: str) -> str:
    """A cheap (cost 4) bcrypt hash; ``2y`` (PHP's name) is ``2b`` under another prefix."""
    salt = bcrypt.gensalt(rounds=4, prefix=b"2a" if prefix == "2a" else b"2b")
    encoded = bcrypt.hashpw(password.encode(), salt).decode()
    return f"${prefix}${encoded[4:]}"


def _weak_argon2_hash(password: str, variant: argon2.Type = argon2.Type.ID) -> str:
    hasher = argon2.PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1, type=variant)
    return hasher.hash(password)


def test_new_hashes_meet_the_owasp_floor(current_hash: str) -> None:
    match = _ENCODED.fullmatch(current_hash)
    assert match, current_hash
    memory, time, lanes = (int(group) for group in match.groups())
    assert memory >= 19 * 1024
    assert time >= 2
    assert lanes == 1
    assert (memory, time, lanes) == (
        ARGON2_PARAMS.memory_cost,
        ARGON2_PARAMS.time_cost,
        ARGON2_PARAMS.parallelism,
    )


def test_parameters_are_defined_once_and_frozen() -> None:
    assert ARGON2_PARAMS.hash_len == 32
    assert ARGON2_PARAMS.salt_len == 16
    assert ARGON2_PARAMS.variant is argon2.Type.ID
    with pytest.raises(AttributeError):
        ARGON2_PARAMS.time_cost = 1  # type: ignore[misc]


def test_each_hash_has_its_own_salt(current_hash: str) -> None:
    assert hash_password(PASSWORD) != current_hash


def test_right_password_verifies_without_upgrade(current_hash: str) -> None:
    assert verify_password(current_hash, PASSWORD) == VerifyResult(ok=True, new_hash=None)
    assert not needs_rehash(current_hash)


@pytest.mark.parametrize(
    "attempt",
    [
        pytest.param("correct horse battery stapler", id="different"),
        pytest.param(" " + PASSWORD, id="leading-space-not-trimmed"),
        pytest.param(PASSWORD.upper(), id="case-matters"),
        pytest.param("", id="empty"),
    ],
)
def test_wrong_password_fails(current_hash: str, attempt: str) -> None:
    assert verify_password(current_hash, attempt) == VerifyResult(ok=False, new_hash=None)


@pytest.mark.parametrize("prefix", ["2a", "2b", "2y"])
def test_bcrypt_hash_verifies_and_upgrades_to_argon2id(prefix: str) -> None:
    stored = _bcrypt_hash(PASSWORD, prefix)
    assert stored.startswith(f"${prefix}$")
    assert is_supported_hash(stored)
    assert needs_rehash(stored)

    result = verify_password(stored, PASSWORD)

    assert result.ok
    assert result.new_hash is not None
    assert _ENCODED.fullmatch(result.new_hash)
    assert verify_password(result.new_hash, PASSWORD) == VerifyResult(ok=True, new_hash=None)


@pytest.mark.parametrize("prefix", ["2a", "2b", "2y"])
def test_bcrypt_hash_with_wrong_password_fails(prefix: str) -> None:
    stored = _bcrypt_hash(PASSWORD, prefix)
    assert verify_password(stored, "not it") == VerifyResult(ok=False, new_hash=None)


def test_bcrypt_refuses_passwords_over_72_bytes_instead_of_truncating() -> None:
    long_password = "a" * 72 + "tail"
    stored = _bcrypt_hash(long_password[:72], "2b")
    assert verify_password(stored, long_password[:72]).ok
    assert verify_password(stored, long_password) == VerifyResult(ok=False, new_hash=None)


@pytest.mark.parametrize(
    "variant", [argon2.Type.ID, argon2.Type.I, argon2.Type.D], ids=["id", "i", "d"]
)
def test_weaker_argon2_hash_verifies_and_upgrades(variant: argon2.Type) -> None:
    stored = _weak_argon2_hash(PASSWORD, variant)
    assert needs_rehash(stored)

    result = verify_password(stored, PASSWORD)

    assert result.ok
    assert result.new_hash is not None
    assert _ENCODED.fullmatch(result.new_hash)
    assert not needs_rehash(result.new_hash)


def test_weaker_argon2_hash_with_wrong_password_fails_without_upgrade() -> None:
    stored = _weak_argon2_hash(PASSWORD)
    assert verify_password(stored, "not it") == VerifyResult(ok=False, new_hash=None)


MALFORMED = [
    pytest.param("", id="empty"),
    pytest.param("correct horse battery staple", id="plaintext-stored-by-mistake"),
    pytest.param("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ", id="argon2-truncated"),
    pytest.param("$argon2id$v=19$m=lots,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2g", id="argon2-m-nan"),
    pytest.param("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaGhhc2g", id="argon2-salt-short"),
    pytest.param("$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2g", id="argon2-4GiB"),
    pytest.param("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$" + "!" * 43, id="argon2-junk"),
    pytest.param("$argon2xy$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA", id="argon2-variant"),
    pytest.param("$2b$04$tooshort", id="bcrypt-truncated"),
    pytest.param("$2b$31$" + "a" * 53, id="bcrypt-cost-31"),
    pytest.param("$2x$04$" + "a" * 53, id="bcrypt-2x-buggy-variant"),
    pytest.param("$2b$04$" + "é" * 53, id="bcrypt-non-ascii"),
    pytest.param("$1$saltsalt$hashhashhashhashhash12", id="md5-crypt"),
]


@pytest.mark.parametrize("stored", MALFORMED)
def test_malformed_stored_hash_fails_without_raising(stored: str) -> None:
    assert verify_password(stored, PASSWORD) == VerifyResult(ok=False, new_hash=None)
    assert not is_supported_hash(stored)
    assert needs_rehash(stored)


def test_unknown_user_fails_after_a_dummy_verification(monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[str] = []
    real = passwords.dummy_verify

    def spy(password: str) -> None:
        checked.append(password)
        real(password)

    monkeypatch.setattr(passwords, "dummy_verify", spy)

    assert verify_password(None, PASSWORD) == VerifyResult(ok=False, new_hash=None)
    assert checked == [PASSWORD]


@pytest.mark.parametrize(
    "password",
    [
        pytest.param("pässwörd-ÆØÅ", id="latin"),
        pytest.param("密码🔑パスワード", id="cjk-emoji"),
        pytest.param("x" * 10 * 1024, id="10KB-ascii"),
        pytest.param("é" * 5 * 1024, id="10KB-utf8"),
    ],
)
def test_non_ascii_and_long_passwords_round_trip(password: str) -> None:
    stored = hash_password(password)
    assert verify_password(stored, password) == VerifyResult(ok=True, new_hash=None)
    assert not verify_password(stored, password[:-1]).ok


def test_password_is_kept_exactly_as_given_not_normalised() -> None:
    composed = unicodedata.normalize("NFC", "café")
    decomposed = unicodedata.normalize("NFD", "café")
    stored = hash_password(composed)
    assert not verify_password(stored, decomposed).ok


def test_invalid_unicode_is_refused_without_quoting_it() -> None:
    secret = "hunter2\udcff"
    with pytest.raises(ValueError) as caught:
        hash_password(secret)
    assert "hunter2" not in str(caught.value)
    assert caught.value.__context__ is None
    assert verify_password(None, secret) == VerifyResult(ok=False, new_hash=None)


def test_hash_many_uses_processes_and_keeps_order() -> None:
    secrets = [f"password-{i}-ü" for i in range(4)]
    with HashingPool(processes=2) as pool:
        hashes = pool.hash_many(secrets)
        assert "started" in repr(pool)
    assert len(hashes) == len(secrets)
    for secret, stored in zip(secrets, hashes, strict=True):
        assert _ENCODED.fullmatch(stored)
        assert verify_password(stored, secret).ok
    assert not verify_password(hashes[0], secrets[1]).ok


@pytest.mark.parametrize(
    ("processes", "count"), [(1, 2), (2, 1), (2, 0)], ids=["one-process", "one-password", "none"]
)
def test_hash_many_hashes_inline_when_a_pool_cannot_help(
    monkeypatch: pytest.MonkeyPatch, processes: int, count: int
) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a process pool was started")

    monkeypatch.setattr(passwords, "ProcessPoolExecutor", no_pool)
    with HashingPool(processes=processes) as pool:
        hashes = pool.hash_many(["pw-a", "pw-b"][:count])
    assert len(hashes) == count
    assert all(_ENCODED.fullmatch(stored) for stored in hashes)


def test_pool_starts_nothing_until_used_and_refuses_work_once_closed() -> None:
    pool = HashingPool(processes=2)
    assert pool.processes == 2
    assert "idle" in repr(pool)
    pool.close()
    pool.close()
    with pytest.raises(RuntimeError):
        pool.hash_many(["a", "b"])


def test_pool_defaults_to_every_available_core() -> None:
    assert HashingPool().processes >= 1


def test_pool_rejects_zero_processes() -> None:
    with pytest.raises(ValueError):
        HashingPool(processes=0)


def test_public_names_are_exported() -> None:
    assert all(hasattr(passwords, name) for name in passwords.__all__)


# -- costly foreign hashes (docs/importing.md#passwords) ------------------------------------------

SALT, DIGEST = "c2FsdHNhbHRzYWx0c2FsdA", "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"


def argon2_text(m: int, t: int, p: int) -> str:
    """A well-formed argon2id hash with these parameters (never checked: no cost to make)."""
    return f"$argon2id$v=19$m={m},t={t},p={p}${SALT}${DIGEST}"


def bcrypt_text(cost: int) -> str:
    return f"$2b${cost:02d}$" + "a" * 21 + "." + "b" * 31


WITHIN = {
    "django-default-100MiB-t2-p8": argon2_text(102_400, 2, 8),
    "rfc9106-second-choice-64MiB-t3-p4": argon2_text(65_536, 3, 4),
    "256MiB-once": argon2_text(262_144, 1, 1),
    "10-passes-of-19MiB": argon2_text(19_456, 10, 1),
    "16-lanes": argon2_text(19_456, 2, 16),
    "bcrypt-10": bcrypt_text(10),
    "bcrypt-13": bcrypt_text(13),
}
OVER = {
    "the-attack-1GiB-t16-p64": (argon2_text(1_048_576, 16, 64), "m=1048576 KiB"),
    "memory-just-over-256MiB": (argon2_text(262_145, 1, 1), "m=262145 KiB"),
    "11-passes": (argon2_text(8_192, 11, 1), "t=11"),
    "17-lanes": (argon2_text(19_456, 1, 17), "p=17"),
    "256MiB-twice": (argon2_text(262_144, 2, 1), "memory × time"),
    "bcrypt-14": (bcrypt_text(14), "bcrypt cost 14"),
    "bcrypt-16": (bcrypt_text(16), "bcrypt cost 16"),
}


@pytest.mark.parametrize("stored", WITHIN.values(), ids=WITHIN.keys())
def test_what_real_systems_write_is_within_the_caps(stored: str) -> None:
    assert passwords.hash_problem(stored) is None


@pytest.mark.parametrize("stored,named", OVER.values(), ids=OVER.keys())
def test_a_costlier_hash_is_refused_naming_the_parameter(stored: str, named: str) -> None:
    problem = passwords.hash_problem(stored)
    assert problem is not None and named in problem
    assert not is_supported_hash(stored)


@pytest.mark.parametrize("stored,_", OVER.values(), ids=OVER.keys())
def test_a_stored_over_cap_hash_is_never_run(
    monkeypatch: pytest.MonkeyPatch, stored: str, _: str
) -> None:
    """Only the dummy (rolodex's own 19 MiB parameters) runs, never the stored hash."""
    seen: list[str] = []

    def spy(stored_hash: str, *_: object) -> bool:
        seen.append(stored_hash)
        return False

    monkeypatch.setattr(passwords, "_verify_argon2", spy)
    monkeypatch.setattr(passwords, "_verify_bcrypt", spy)

    assert verify_password(stored, PASSWORD) == VerifyResult(ok=False)
    assert seen == []


def test_the_gate_holds_at_most_its_slots_and_its_memory_at_once() -> None:
    gate = passwords.VerifyGate(slots=3, memory_kib=100)
    peak: list[tuple[int, int]] = []
    lock = threading.Lock()

    def check(weight: int) -> None:
        with gate.admit(weight):
            with lock:
                peak.append(gate.in_use)
            time.sleep(0.02)

    threads = [threading.Thread(target=check, args=(w,)) for w in [60, 60, 30, 30, 10, 10] * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(peak) == 18
    assert max(running for running, _ in peak) <= 3
    assert max(held for _, held in peak) <= 100
    assert gate.in_use == (0, 0)


def test_every_check_passes_the_gate(monkeypatch: pytest.MonkeyPatch) -> None:
    admitted: list[int] = []
    real = passwords.VerifyGate.admit

    def spy(self: passwords.VerifyGate, memory_kib: int):  # type: ignore[no-untyped-def]
        admitted.append(memory_kib)
        return real(self, memory_kib)

    monkeypatch.setattr(passwords.VerifyGate, "admit", spy)
    weak = argon2.PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash("pw")

    verify_password(weak, "wrong")
    verify_password(None, "wrong")
    verify_password(bcrypt.hashpw(b"pw", bcrypt.gensalt(4)).decode(), "wrong")

    assert admitted == [8 * 1024, ARGON2_PARAMS.memory_cost, 4]
