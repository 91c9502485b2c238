"""``rolodex.runtime.gc_tuning.bulk_work``: collect rarely inside the block, and put the thresholds
that were set before back when the last block (nested, or in another thread) ends — also
when a block raises."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from rolodex.runtime import gc_tuning
from rolodex.runtime.gc_tuning import BULK_THRESHOLDS, bulk_work

OWN = (777, 11, 12)
"""Thresholds no one else uses, so that 'restored' cannot be a coincidence."""
WAIT = 30  # seconds: a safety net against a deadlock, not a measure of speed


@pytest.fixture(autouse=True)
def own_thresholds() -> Iterator[None]:
    old = gc.get_threshold()
    gc.set_threshold(*OWN)
    yield
    gc.set_threshold(*old)
    assert gc_tuning._active == 0, "a block was left open"


def test_the_thresholds_are_raised_inside_and_restored_after():
    assert BULK_THRESHOLDS != OWN
    with bulk_work():
        assert gc.get_threshold() == BULK_THRESHOLDS
    assert gc.get_threshold() == OWN


def test_the_thresholds_set_just_before_are_the_ones_restored():
    """Saved on entry, not once at import time."""
    with bulk_work():
        pass
    gc.set_threshold(900, 9, 9)
    with bulk_work():
        assert gc.get_threshold() == BULK_THRESHOLDS
    assert gc.get_threshold() == (900, 9, 9)


def test_a_block_that_raises_still_restores_and_the_error_goes_through():
    with pytest.raises(ZeroDivisionError), bulk_work():
        assert gc.get_threshold() == BULK_THRESHOLDS
        1 / 0  # noqa: B018
    assert gc.get_threshold() == OWN


def test_nested_blocks_restore_only_when_the_outer_one_ends():
    with bulk_work():
        with bulk_work():
            assert gc.get_threshold() == BULK_THRESHOLDS
        assert gc.get_threshold() == BULK_THRESHOLDS, "the inner block ended, not the outer"
        with pytest.raises(KeyError), bulk_work():
            raise KeyError("inner")
        assert gc.get_threshold() == BULK_THRESHOLDS
    assert gc.get_threshold() == OWN


def test_the_inner_block_does_not_save_the_bulk_thresholds_as_the_old_ones():
    """Were the inner block to save what it found (the bulk thresholds), the outer one would
    'restore' those."""
    with bulk_work(), bulk_work(), bulk_work():
        pass
    assert gc.get_threshold() == OWN


class Worker(threading.Thread):
    """Runs ``bulk_work`` in a thread, entering and leaving when told to."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.may_leave = threading.Event()
        self.inside = threading.Event()
        self.error: BaseException | None = None
        self.raises = False

    def run(self) -> None:
        try:
            with bulk_work():
                self.inside.set()
                assert self.may_leave.wait(WAIT)
                if self.raises:
                    raise RuntimeError("the block failed")
        except RuntimeError:
            pass
        except BaseException as error:  # an assertion in the thread fails the test
            self.error = error

    def enter(self) -> Worker:
        self.start()
        assert self.inside.wait(WAIT)
        return self

    def leave(self) -> None:
        self.may_leave.set()
        self.join(WAIT)
        assert not self.is_alive()
        assert self.error is None, self.error


@pytest.mark.parametrize("first_raises", [False, True])
def test_overlapping_blocks_in_threads_restore_when_the_last_one_leaves(first_raises):
    """A leaves while B is still inside (not nested: A entered first and leaves first)."""
    a = Worker()
    a.raises = first_raises
    a.enter()
    b = Worker().enter()
    assert gc.get_threshold() == BULK_THRESHOLDS

    a.leave()
    assert gc.get_threshold() == BULK_THRESHOLDS, "B is still inside"

    b.leave()
    assert gc.get_threshold() == OWN


def test_a_thread_and_this_one_share_the_setting():
    with bulk_work():
        worker = Worker().enter()
    assert gc.get_threshold() == BULK_THRESHOLDS, "the thread is still inside"
    worker.leave()
    assert gc.get_threshold() == OWN


def test_many_threads_at_once_leave_the_old_thresholds_in_place():
    start = threading.Barrier(16)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            start.wait(WAIT)
            for _ in range(200):
                with bulk_work():
                    assert gc.get_threshold() == BULK_THRESHOLDS
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, daemon=True) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert gc.get_threshold() == OWN
