"""``runtime.inflight.InFlight``: one task on a thread of its own while the caller goes on.

What the engine relies on: a task's error reaches the caller, and the task in flight always
ends before the block is left, even when the block raises (an import's batch is committed
or rolled back whole before its run is recorded as ended)."""

from __future__ import annotations

import threading

import pytest

from rolodex.runtime.inflight import InFlight


class Boom(Exception):
    pass


def test_a_task_runs_on_its_own_thread_and_wait_says_one_ran():
    ran_on: list[str] = []
    with InFlight("test-writer") as flight:
        flight.start(lambda: ran_on.append(threading.current_thread().name))
        assert flight.wait() is True
        assert flight.wait() is False, "nothing in flight any more"
    assert len(ran_on) == 1
    assert ran_on[0].startswith("test-writer")
    assert ran_on[0] != threading.current_thread().name


def test_only_one_task_is_in_flight_at_a_time():
    release = threading.Event()
    with InFlight("test-writer") as flight:
        flight.start(release.wait)
        with pytest.raises(AssertionError):
            flight.start(lambda: None)
        release.set()


def test_a_task_error_is_raised_by_wait():
    def fail() -> None:
        raise Boom("the database failed")

    with InFlight("test-writer") as flight:
        flight.start(fail)
        with pytest.raises(Boom, match="the database failed"):
            flight.wait()


def test_leaving_the_block_waits_for_the_task_and_raises_its_error():
    release, done = threading.Event(), threading.Event()

    def slow_then_fail() -> None:
        release.wait()
        done.set()
        raise Boom("late")

    with pytest.raises(Boom, match="late"), InFlight("test-writer") as flight:
        flight.start(slow_then_fail)
        release.set()
    assert done.is_set()


def test_a_block_that_raises_still_waits_for_the_task_and_keeps_its_own_error():
    release, done = threading.Event(), threading.Event()

    def slow_then_fail() -> None:
        release.wait()
        done.set()
        raise Boom("the task's")

    with pytest.raises(KeyboardInterrupt), InFlight("test-writer") as flight:
        flight.start(slow_then_fail)
        threading.Timer(0.05, release.set).start()
        raise KeyboardInterrupt
    assert done.is_set(), "the task ended before the block was left"
