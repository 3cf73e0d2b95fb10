"""CPU seconds per stage of ingest, for ``bench/ingest.py --profile``.

Ingest runs without one (:data:`UNTIMED`); a profile passes a :class:`StageClock`
down through the examination and reads what each stage cost.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["UNTIMED", "StageClock"]


class StageClock:
    """Adds the process CPU time spent inside :meth:`stage` to that stage's total.

    Stages nest: time spent in an inner stage counts for it, not for the outer one.
    """

    def __init__(self) -> None:
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self._inner: list[float] = []  # per open stage, the time its inner stages took

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        began = time.process_time()
        self._inner.append(0.0)
        try:
            yield
        finally:
            spent = time.process_time() - began
            self.seconds[name] += spent - self._inner.pop()
            if self._inner:
                self._inner[-1] += spent


class _Untimed(StageClock):
    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        yield


UNTIMED: StageClock = _Untimed()
