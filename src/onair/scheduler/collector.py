"""The cyclic garbage collector paused while a schedule is built or verified.

A build reads 100,000 songs and then makes millions of short-lived objects
(candidates, verdicts, drafts), none in a cycle, so reference counting frees
them all. With the collector on, those allocations set off full collections
that walk the whole library each time: a third of a week's build went there.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector inside the block (nested blocks resume it only once)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
