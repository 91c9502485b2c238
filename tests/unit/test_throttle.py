"""The login throttle on a clock of its own (docs/api.md#throttled-sign-in)."""

from __future__ import annotations

import pytest

from rolodex.config import ThrottlePolicy
from rolodex.security.throttle import LoginThrottle

POLICY = ThrottlePolicy(account_failures=5, address_failures=20, lock_seconds=30,
                        max_lock_seconds=900)  # fmt: skip


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def throttle(clock: Clock) -> LoginThrottle:
    return LoginThrottle(POLICY, clock)


def fail(
    throttle: LoginThrottle, times: int, account: str = "a@x.example", address: str = "1.1.1.1"
) -> list[float]:
    return [throttle.attempt(account, address) for _ in range(times)]


def test_five_attempts_are_free_then_the_account_waits_the_lock(throttle):
    assert fail(throttle, 5) == [0.0] * 5

    assert throttle.attempt("a@x.example", "1.1.1.1") == 30.0


def test_each_failure_past_the_free_ones_doubles_the_lock_up_to_the_cap(throttle, clock):
    fail(throttle, 5)
    waits = []
    for _ in range(8):
        waits.append(throttle.attempt("a@x.example", "9.9.9.9"))
        clock.now += waits[-1]
        assert throttle.attempt("a@x.example", "9.9.9.9") == 0.0  # let through, and counted

    assert waits == [30.0, 60.0, 120.0, 240.0, 480.0, 900.0, 900.0, 900.0]


def test_the_account_is_counted_whatever_case_it_is_typed_in(throttle):
    fail(throttle, 5, "A@X.example")

    assert throttle.attempt(" a@x.EXAMPLE ", "2.2.2.2") > 0


def test_a_success_clears_the_account_but_not_the_addresss_other_failures(throttle):
    fail(throttle, 4)
    assert all(throttle.attempt(f"o{i}@x.example", "1.1.1.1") == 0.0 for i in range(10))
    assert throttle.attempt("a@x.example", "1.1.1.1") == 0.0

    throttle.succeeded("a@x.example", "1.1.1.1")

    assert fail(throttle, 5) == [0.0] * 5  # the account starts again; the address has 19
    assert throttle.attempt("third@x.example", "1.1.1.1") == 0.0
    assert throttle.attempt("fourth@x.example", "1.1.1.1") == 30.0


def test_an_address_spraying_many_accounts_waits_after_twenty(throttle):
    assert all(throttle.attempt(f"u{i}@x.example", "6.6.6.6") == 0.0 for i in range(20))

    assert throttle.attempt("fresh@x.example", "6.6.6.6") == 30.0
    assert throttle.attempt("fresh@x.example", "7.7.7.7") == 0.0


def test_a_key_is_forgotten_once_the_longest_lock_has_passed(throttle, clock):
    fail(throttle, 6)
    clock.now += POLICY.max_lock_seconds + 1

    assert fail(throttle, 5) == [0.0] * 5


def test_a_refused_attempt_is_not_counted(throttle, clock):
    fail(throttle, 5)
    for _ in range(100):
        throttle.attempt("a@x.example", "1.1.1.1")
    clock.now += 30

    assert throttle.attempt("a@x.example", "1.1.1.1") == 0.0
