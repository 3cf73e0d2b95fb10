"""How many wrong passwords a name, or an address, may try before it must wait.

Failures are counted in a sliding window, per user name and per client
address, in this process's memory: a guesser is slowed to a few tries a
minute whichever name or address it varies, while the right password, given
in time, clears its name's count. A restart forgets the counts; so does
another API process, which keeps its own.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque
from collections.abc import Callable

__all__ = ["LoginLimits"]

_SWEEP_OVER = 10_000  # names and addresses counted before the stale ones are swept


class LoginLimits:
    """At most ``per_name`` failures per name, ``per_address`` per address, each ``window_s``."""

    def __init__(self, per_name: int = 5, per_address: int = 20, window_s: float = 300.0,
                 clock: Callable[[], float] = time.monotonic) -> None:  # fmt: skip
        self.limits = {"name": per_name, "address": per_address}
        self.window_s = window_s
        self.clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)

    def wait_s(self, name: str, address: str) -> int:
        """Seconds before ``name`` may try again from ``address`` (0: now)."""
        now = self.clock()
        waits = [self._wait(("name", name), now), self._wait(("address", address), now)]
        return max(waits)

    def failed(self, name: str, address: str) -> None:
        now = self.clock()
        for key in (("name", name), ("address", address)):
            self._failures[key].append(now)
        if len(self._failures) > _SWEEP_OVER:  # many names tried once each: forget the stale
            for stale in list(self._failures):
                self._wait(stale, now)

    def succeeded(self, name: str) -> None:
        self._failures.pop(("name", name), None)

    def _wait(self, key: tuple[str, str], now: float) -> int:
        failures = self._failures.get(key)
        if not failures:
            return 0
        while failures and failures[0] <= now - self.window_s:
            failures.popleft()
        if not failures:
            del self._failures[key]  # memory stays bounded by the recent failures
            return 0
        if len(failures) < self.limits[key[0]]:
            return 0
        oldest_that_counts = failures[len(failures) - self.limits[key[0]]]
        return max(1, math.ceil(oldest_that_counts + self.window_s - now))
