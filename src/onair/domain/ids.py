"""ULIDs for the ids of bus messages: 48 bits of Unix milliseconds, then 80 random bits.

Written out by hand because the domain imports the stdlib and pydantic only; the
26 Crockford base32 characters are the ones python-ulid writes and reads, so the
adapters that use it parse these ids unchanged. Ids made in one process sort in
the order they were made: within a millisecond each is the last one plus one.
"""

from __future__ import annotations

import os
import re
import threading
import time

__all__ = ["is_ulid", "new_ulid"]

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Either case, as python-ulid reads it; the first character holds the top 3 of 128 bits.
_ULID = re.compile(r"[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}")
_RANDOM_BITS = 80


class _Sequence:
    """The last ULID made in this process, so the next one sorts after it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = 0

    def next(self) -> int:
        fresh = (time.time_ns() // 1_000_000) << _RANDOM_BITS | int.from_bytes(os.urandom(10))
        with self._lock:
            # A millisecond already used (or a clock stepped back) continues from the last id.
            if fresh >> _RANDOM_BITS <= self._last >> _RANDOM_BITS:
                fresh = self._last + 1
            self._last = fresh
        return fresh

    def forget(self) -> None:
        # A forked child would otherwise count on from its parent's ids and repeat them;
        # its copy of the lock may be held by a thread that did not come along.
        self._lock = threading.Lock()
        self._last = 0


_sequence = _Sequence()
os.register_at_fork(after_in_child=_sequence.forget)


def new_ulid() -> str:
    """A fresh ULID stamped with the current time."""
    value = _sequence.next()
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def is_ulid(value: str) -> bool:
    """Whether ``value`` is a ULID's 26 characters (in either case)."""
    return _ULID.fullmatch(value) is not None
