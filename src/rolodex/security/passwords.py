"""Passwords: rolodex's own argon2id hashes, foreign hashes accepted, hashing on all cores.

Why it looks the way it does:

- :data:`ARGON2_PARAMS` is the one place the cost parameters live (OWASP's current floor for
  argon2id: 19 MiB of memory, two passes, one lane). Every new hash uses them, and
  :func:`needs_rehash` compares a stored hash against them, so raising them later upgrades
  users one successful login at a time.
- Users moved from another system bring bcrypt (``$2a$``/``$2b$``/``$2y$``) or argon2 hashes
  (docs/importing.md#passwords). :func:`verify_password` checks them and, on success, hands back a
  fresh argon2id hash for the caller to store: the upgrade happens at the only moment the plaintext
  is known.
- An unknown user (no stored hash) costs the same argon2id work as a known one
  (:func:`dummy_verify`), so response time does not reveal which emails exist.
- A stored hash comes from a file someone imported, so it is untrusted input: a malformed one
  never raises (the check simply fails), and costs beyond :data:`FOREIGN_HASH_LIMITS` are
  refused — at import, with a row error saying which parameter is too high, and at login,
  where such a hash is never run — rather than letting one login allocate gigabytes or spin
  for minutes (m=1 GiB, t=16, p=64: four wrong logins took 174 s of two cores and 4.2 GiB).
- Every check passes :class:`VerifyGate`: at most one per core at once, and together at
  most :data:`VERIFY_MEMORY_KIB` of argon2 memory, so a burst of logins queues instead of
  swapping the server to death.
- Importing many users is bound by argon2's CPU and memory work, so :class:`HashingPool`
  spreads it over every core.

The plaintext never leaves this module's function arguments: it is not logged, not put in an
exception message, and not held by any object whose ``repr()`` could show it.
"""

from __future__ import annotations

import contextlib
import functools
import math
import re
import secrets
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from types import TracebackType
from typing import Self, TypeVar

import argon2
import bcrypt
from argon2.exceptions import InvalidHashError, VerificationError

from rolodex.runtime.processes import available_cpus, start_context

T = TypeVar("T")
R = TypeVar("R")

__all__ = [
    "ARGON2_PARAMS",
    "FAILED_CHECK_FLOOR_SECONDS",
    "FOREIGN_HASH_LIMITS",
    "VERIFY_MEMORY_KIB",
    "Argon2Params",
    "ForeignHashLimits",
    "HashingPool",
    "VerifyGate",
    "VerifyResult",
    "dummy_verify",
    "hash_password",
    "hash_problem",
    "is_supported_hash",
    "needs_rehash",
    "verify_gate",
    "verify_password",
]


@dataclass(frozen=True)
class Argon2Params:
    """Cost parameters for rolodex's argon2id hashes.

    The defaults are OWASP's current minimum for argon2id (m=19 MiB, t=2, p=1). One lane
    (``parallelism=1``) because :class:`HashingPool` already uses every core for bulk work,
    and a login is one request among many.
    """

    memory_cost: int = 19_456  # KiB, i.e. 19 MiB
    time_cost: int = 2
    parallelism: int = 1
    hash_len: int = 32
    salt_len: int = 16
    variant: argon2.Type = argon2.Type.ID


ARGON2_PARAMS = Argon2Params()


@dataclass(frozen=True)
class ForeignHashLimits:
    """The most expensive stored hash rolodex agrees to check.

    Imported hashes are untrusted: ``m=4194304`` (4 GiB) or a bcrypt cost of 31 would turn
    every login into a denial of service. The caps take what real systems write and no more:

    - argon2: Django's default is m=100 MiB, t=2, p=8 (200 MiB·passes of work, ~0.25 s);
      argon2-cffi's and RFC 9106's second choice m=64 MiB, t=3, p=4 (192). Memory up to
      256 MiB, at most 10 passes and 16 lanes, and memory × passes at most 256 MiB·passes:
      the costliest hash allowed is about 1.3 Django hashes, where m=1 GiB, t=16 was 82.
    - bcrypt: Django, Rails, Laravel and Spring use 10-12; 13 (~0.5 s) is accepted for the
      careful; 14 would double that again, for every wrong password.
    """

    argon2_max_memory_kib: int = 256 * 1024
    argon2_max_time_cost: int = 10
    argon2_max_parallelism: int = 16
    argon2_max_work_kib: int = 256 * 1024  # memory × passes
    bcrypt_max_cost: int = 13


FOREIGN_HASH_LIMITS = ForeignHashLimits()

VERIFY_MEMORY_KIB = 512 * 1024
"""argon2 memory the checks of one process may hold together: two of the costliest hashes
:data:`FOREIGN_HASH_LIMITS` allows (256 MiB each), or 26 of rolodex's own (19 MiB)."""

FAILED_CHECK_FLOOR_SECONDS = 1.0
"""The least time a failed sign-in takes to answer, whatever the account: unknown, with
rolodex's own hash (~0.05 s) or with the costliest foreign one allowed (~0.5 s for bcrypt 13
or argon2 at 256 MiB·passes, on an idle core). Twice the slowest, so the answer's time
does not tell which accounts exist or what they hash with; sleeping costs no CPU."""


class VerifyGate:
    """A semaphore weighted by memory: a check waits for a slot (one per core: argon2 and
    bcrypt are CPU-bound, more at once only thrash) and for its hash's memory to fit in
    ``memory_kib`` together with the checks already running. Safe across threads."""

    def __init__(self, slots: int, memory_kib: int):
        self.slots, self.memory_kib = slots, memory_kib
        self._running = 0
        self._held = 0
        self._changed = threading.Condition()

    @contextlib.contextmanager
    def admit(self, memory_kib: int) -> Iterator[None]:
        """Hold a slot and ``memory_kib`` (at least 1 KiB, at most the whole budget)."""
        weight = min(max(memory_kib, 1), self.memory_kib)
        with self._changed:
            self._changed.wait_for(
                lambda: self._running < self.slots and self._held + weight <= self.memory_kib
            )
            self._running += 1
            self._held += weight
        try:
            yield
        finally:
            with self._changed:
                self._running -= 1
                self._held -= weight
                self._changed.notify_all()

    @property
    def in_use(self) -> tuple[int, int]:
        """(checks running, KiB they hold), for tests and diagnostics."""
        with self._changed:
            return self._running, self._held


@functools.cache
def verify_gate() -> VerifyGate:
    """The gate every check of this process passes, made on first use."""
    return VerifyGate(available_cpus(), VERIFY_MEMORY_KIB)


_BCRYPT_MAX_PASSWORD_BYTES = 72
_BCRYPT_MEMORY_KIB = 4  # bcrypt's state is 4 KiB, whatever the cost
# The 22nd salt character is one of .Oeu in a canonical salt; the bcrypt library refuses
# the others at login, so they are refused here, when the hash is imported.
_BCRYPT_RE = re.compile(r"\$2[aby]\$(?P<cost>[0-9]{2})\$[./A-Za-z0-9]{21}[.Oeu][./A-Za-z0-9]{31}")
_ARGON2_RE = re.compile(
    r"\$argon2(?:id|i|d)\$v=(?:16|19)\$m=[0-9]+,t=[0-9]+,p=[0-9]+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+"
)


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of a password check.

    ``new_hash`` is set only when the password was right and the stored hash is not a current
    rolodex argon2id hash: the caller stores it in place of the old one.
    """

    ok: bool
    new_hash: str | None = None


_FAILED = VerifyResult(ok=False)


@functools.cache
def _hasher() -> argon2.PasswordHasher:
    """The one hasher built from :data:`ARGON2_PARAMS`, made on first use, not at import."""
    p = ARGON2_PARAMS
    return argon2.PasswordHasher(
        time_cost=p.time_cost,
        memory_cost=p.memory_cost,
        parallelism=p.parallelism,
        hash_len=p.hash_len,
        salt_len=p.salt_len,
        type=p.variant,
    )


def _encode(password: str) -> bytes:
    """UTF-8 bytes of the password, exactly as given (no trimming, no normalisation).

    A string that is not valid Unicode (lone surrogates) is refused with a message that does
    not quote it, raised outside the ``except`` block so that no ``UnicodeEncodeError``
    (which holds the whole string) rides along as its context.
    """
    try:
        return password.encode("utf-8")
    except UnicodeEncodeError:
        pass
    raise ValueError("the password is not valid Unicode text")


def hash_password(password: str) -> str:
    """Hash ``password`` with argon2id and :data:`ARGON2_PARAMS`; a fresh salt each time."""
    return _hasher().hash(_encode(password))


def _argon2_parsed(stored_hash: str) -> argon2.Parameters | None:
    """The parameters of a well-formed argon2 hash, whatever they cost; else ``None``."""
    if not _ARGON2_RE.fullmatch(stored_hash):
        return None
    try:
        params = argon2.extract_parameters(stored_hash)
    except InvalidHashError:
        return None
    return params if params.salt_len >= 8 and params.parallelism >= 1 else None


def _argon2_over(params: argon2.Parameters) -> str | None:
    """Which argon2 parameter is past :data:`FOREIGN_HASH_LIMITS`, said for a person."""
    limits = FOREIGN_HASH_LIMITS
    memory, work = params.memory_cost, params.memory_cost * params.time_cost
    if memory > limits.argon2_max_memory_kib:
        return f"its memory cost m={memory} KiB is above {limits.argon2_max_memory_kib} (256 MiB)"
    if params.time_cost > limits.argon2_max_time_cost:
        return f"its time cost t={params.time_cost} is above {limits.argon2_max_time_cost}"
    if params.parallelism > limits.argon2_max_parallelism:
        return f"its parallelism p={params.parallelism} is above {limits.argon2_max_parallelism}"
    if work > limits.argon2_max_work_kib:
        return (
            f"its memory × time cost ({memory} KiB × {params.time_cost}) is above "
            f"{limits.argon2_max_work_kib} KiB (256 MiB, e.g. m=128 MiB with t=2)"
        )
    return None


def _argon2_params(stored_hash: str) -> argon2.Parameters | None:
    """The parameters of a well-formed argon2 hash within the limits, else ``None``."""
    params = _argon2_parsed(stored_hash)
    return params if params is not None and _argon2_over(params) is None else None


def _bcrypt_cost(stored_hash: str) -> int | None:
    """The cost of a well-formed bcrypt hash (4 or more), whatever it is; else ``None``."""
    match = _BCRYPT_RE.fullmatch(stored_hash)
    cost = int(match["cost"]) if match else 0
    return cost if cost >= 4 else None


def _is_bcrypt(stored_hash: str) -> bool:
    """Whether ``stored_hash`` is a well-formed bcrypt hash within the cost limit."""
    cost = _bcrypt_cost(stored_hash)
    return cost is not None and cost <= FOREIGN_HASH_LIMITS.bcrypt_max_cost


def hash_problem(stored_hash: str) -> str | None:
    """Why rolodex will not check ``stored_hash`` (docs/importing.md#passwords), or ``None`` if it
    will.

    For the importer's ``password_hash`` column: ``"malformed"`` for what is no bcrypt or
    argon2 hash at all, else the parameter past :data:`FOREIGN_HASH_LIMITS` and its cap.
    """
    cost = _bcrypt_cost(stored_hash)
    if cost is not None:
        limit = FOREIGN_HASH_LIMITS.bcrypt_max_cost
        return None if cost <= limit else f"its bcrypt cost {cost} is above {limit}"
    params = _argon2_parsed(stored_hash)
    return "malformed" if params is None else _argon2_over(params)


def is_supported_hash(stored_hash: str) -> bool:
    """Whether ``stored_hash`` is a bcrypt or argon2 hash rolodex can check
    (docs/importing.md#passwords)."""
    return hash_problem(stored_hash) is None


def needs_rehash(stored_hash: str) -> bool:
    """Whether ``stored_hash`` should be replaced by a fresh rolodex argon2id hash.

    True for bcrypt, for argon2i/argon2d, for argon2id with any parameter different from
    :data:`ARGON2_PARAMS` (weaker or not: one configuration is easier to reason about), and
    for anything unrecognised.
    """
    if _argon2_params(stored_hash) is None:
        return True
    return _hasher().check_needs_rehash(stored_hash)


@functools.cache
def _dummy_hash() -> str:
    """A hash of a random secret with the current parameters, made once on first use."""
    return hash_password(secrets.token_urlsafe(16))


def dummy_verify(password: str) -> None:
    """Spend one argon2id verification's time and memory, and learn nothing.

    Called when there is no user (or no usable hash) so that the time taken does not tell an
    attacker whether an email exists. The first call also makes the dummy hash.
    """
    secret = password.encode("utf-8", "replace")
    dummy = _dummy_hash()
    with verify_gate().admit(ARGON2_PARAMS.memory_cost), contextlib.suppress(VerificationError):
        _hasher().verify(dummy, secret)


def _verify_argon2(stored_hash: str, secret: bytes, memory_kib: int) -> bool:
    """Check an argon2 hash of any variant; a broken hash is a failed check, not an error."""
    try:
        with verify_gate().admit(memory_kib):
            return _hasher().verify(stored_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


def _verify_bcrypt(stored_hash: str, secret: bytes) -> bool:
    """Check a bcrypt hash.

    bcrypt only ever looked at the first 72 bytes. A longer password is refused instead of
    truncated: accepting it would let anyone who knows the first 72 bytes in, and it is not
    what the person typed. Such a user resets their password.
    """
    if len(secret) > _BCRYPT_MAX_PASSWORD_BYTES:
        return False
    try:
        with verify_gate().admit(_BCRYPT_MEMORY_KIB):
            return bcrypt.checkpw(secret, stored_hash.encode("ascii"))
    except ValueError:
        return False


def _check(stored_hash: str, secret: bytes) -> bool:
    """Dispatch on the hash's scheme; an unusable hash still costs one dummy verification."""
    if _is_bcrypt(stored_hash):
        return _verify_bcrypt(stored_hash, secret)
    params = _argon2_params(stored_hash)
    if params is not None:
        return _verify_argon2(stored_hash, secret, params.memory_cost)
    dummy_verify("")
    return False


def verify_password(stored_hash: str | None, password: str) -> VerifyResult:
    """Check ``password`` against ``stored_hash`` and say whether to store an upgraded hash.

    ``stored_hash`` is ``None`` for an unknown user: the check still costs about one hash
    (:func:`dummy_verify`) and fails. A malformed or unsupported hash fails the same way and
    never raises. On success ``new_hash`` holds a fresh argon2id hash when
    :func:`needs_rehash` says the stored one is outdated.
    """
    if stored_hash is None:
        dummy_verify(password)
        return _FAILED
    try:
        secret = _encode(password)
    except ValueError:
        dummy_verify(password)
        return _FAILED
    if not _check(stored_hash, secret):
        return _FAILED
    new_hash = hash_password(password) if needs_rehash(stored_hash) else None
    return VerifyResult(ok=True, new_hash=new_hash)


def _hash_in_worker(password: str) -> str:
    """The pool's task: top-level so that it pickles by reference into worker processes."""
    return hash_password(password)


def _matches_in_worker(pair: tuple[str, str]) -> bool:
    """The pool's check task: does the password (second) open the stored hash (first)?"""
    stored_hash, password = pair
    return _check(stored_hash, _encode(password))


def _chunksize(count: int, workers: int) -> int:
    """Passwords per task: about eight tasks per worker, at most 16 passwords each.

    One hash takes tens of milliseconds and a task's round trip well under one, so small
    chunks cost nothing and keep every core busy until the end (no long last chunk).
    """
    return max(1, min(16, math.ceil(count / (workers * 8))))


class HashingPool:
    """Hash many passwords on every core, for bulk imports.

    Worker processes start on the first :meth:`hash_many` that needs them, never at import
    or construction, and stay up until :meth:`close` (or the end of a ``with`` block) so a
    long import pays the start-up once. Safe to share between threads.

    Workers are started as :func:`rolodex.runtime.processes.start_context` says: a script that uses
    the pool needs the usual ``if __name__ == "__main__":`` guard.
    """

    def __init__(self, processes: int | None = None) -> None:
        if processes is not None and processes < 1:
            raise ValueError("processes must be at least 1")
        self._processes = processes or available_cpus()
        self._executor: ProcessPoolExecutor | None = None
        self._closed = False
        self._lock = threading.Lock()

    @property
    def processes(self) -> int:
        """The most worker processes this pool will run."""
        return self._processes

    def __repr__(self) -> str:
        state = "closed" if self._closed else "started" if self._executor else "idle"
        return f"HashingPool(processes={self._processes}, {state})"

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def hash_many(self, passwords: Sequence[str]) -> list[str]:
        """argon2id hashes of ``passwords``, in the same order."""
        return self._map(_hash_in_worker, passwords)

    def verify_many(self, pairs: Sequence[tuple[str, str]]) -> list[bool]:
        """For each (stored hash, password): does it match? An import asks this before
        hashing a password again, so re-importing the same file changes nothing."""
        return self._map(_matches_in_worker, pairs)

    def _map(self, task: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """Run ``task`` over ``items`` on the workers, in order. One item, or a one-process
        pool, runs right here: no start-up cost."""
        if self._closed:
            raise RuntimeError("the HashingPool is closed")
        if len(items) <= 1 or self._processes == 1:
            return [task(item) for item in items]
        chunksize = _chunksize(len(items), self._processes)
        executor = self._executor_or_start()
        try:
            return list(executor.map(task, items, chunksize=chunksize))
        except BrokenProcessPool:
            self._discard(executor)
            raise

    def close(self) -> None:
        """Stop the workers (waiting for them); later calls to :meth:`hash_many` fail."""
        with self._lock:
            self._closed = True
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def _executor_or_start(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise RuntimeError("the HashingPool is closed")
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    max_workers=self._processes, mp_context=start_context()
                )
            return self._executor

    def _discard(self, executor: ProcessPoolExecutor) -> None:
        """Forget a broken executor (a worker died) so the next call starts a fresh one."""
        with self._lock:
            if self._executor is executor:
                self._executor = None
        executor.shutdown(wait=False, cancel_futures=True)
