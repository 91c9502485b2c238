"""Slow down password guessing, per account and per client address.

Every sign-in attempt is counted against two keys — the account as typed (lower-cased,
whether it exists or not, so the answers never tell which accounts exist) and the client
address — *before* its password is checked, so sixteen guesses sent at once are sixteen
attempts, not one. A success takes its attempt back: the account's count goes to zero,
the address's down by one (signing in to one's own account must not refill a budget for
guessing others').

The first ``account_failures`` (5) attempts of an account and ``address_failures`` (20) of
an address are free; past them the key is locked for ``lock_seconds`` (30), doubled with
each further failure up to ``max_lock_seconds`` (15 min): 30 guesses at one account take
about 5 h, not 10 s. A key is forgotten ``max_lock_seconds`` after its last failure.

The state is in the memory of the server process (``app.state``): enough for one
``rolodex serve``; behind several processes each counts on its own, so the free attempts
multiply by their number, and a restart forgets. At most ``MAX_KEYS`` keys are kept (the
least recently failed go first): a flood of made-up accounts cannot exhaust memory.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from rolodex.config import ThrottlePolicy

MAX_KEYS = 100_000


@dataclass
class _Count:
    failures: int
    last: float


class LoginThrottle:
    def __init__(self, policy: ThrottlePolicy, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy, self.clock = policy, clock
        self._counts: OrderedDict[str, _Count] = OrderedDict()
        self._lock = threading.Lock()

    def attempt(self, account: str, address: str) -> float:
        """Seconds to wait before this attempt may be made (it is then not counted), or
        0.0: go ahead, the attempt is counted as a failure until :meth:`succeeded`."""
        keys = {f"account:{account.strip().lower()}": self.policy.account_failures,
                f"address:{address}": self.policy.address_failures}  # fmt: skip
        with self._lock:
            now = self.clock()
            wait = max(self._wait(key, free, now) for key, free in keys.items())
            if wait == 0.0:
                for key in keys:
                    self._count(key, now)
            return wait

    def succeeded(self, account: str, address: str) -> None:
        with self._lock:
            self._counts.pop(f"account:{account.strip().lower()}", None)
            found = self._counts.get(f"address:{address}")
            if found is not None:
                found.failures = max(0, found.failures - 1)

    def _wait(self, key: str, free: int, now: float) -> float:
        found = self._counts.get(key)
        if found is None or now - found.last > self.policy.max_lock_seconds:
            self._counts.pop(key, None)
            return 0.0
        if found.failures < free:
            return 0.0
        extra = found.failures - free
        lock = min(self.policy.lock_seconds * 2.0 ** min(extra, 32), self.policy.max_lock_seconds)
        return max(0.0, found.last + lock - now)

    def _count(self, key: str, now: float) -> None:
        found = self._counts.pop(key, None) or _Count(0, now)
        found.failures, found.last = found.failures + 1, now
        self._counts[key] = found
        while len(self._counts) > MAX_KEYS:
            self._counts.popitem(last=False)
