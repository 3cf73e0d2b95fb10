"""Remembering which events a consumer has handled, so redeliveries are skipped."""

from __future__ import annotations

from collections import OrderedDict
from typing import Protocol

__all__ = ["RecentEvents", "SeenEvents"]


class SeenEvents(Protocol):
    """Where a consumer records handled event ids; a database table survives restarts."""

    async def seen(self, consumer: str, event_id: str) -> bool: ...

    async def remember(self, consumer: str, event_id: str) -> None: ...


class RecentEvents:
    """The last ``capacity`` handled ids per consumer, in memory.

    Redeliveries come soon after the first delivery (an ack lost, a worker
    killed), so a bounded window catches them without growing forever.
    """

    def __init__(self, capacity: int = 100_000) -> None:
        self.capacity = capacity
        self._ids: dict[str, OrderedDict[str, None]] = {}

    async def seen(self, consumer: str, event_id: str) -> bool:
        return event_id in self._ids.get(consumer, ())

    async def remember(self, consumer: str, event_id: str) -> None:
        ids = self._ids.setdefault(consumer, OrderedDict())
        ids[event_id] = None
        if len(ids) > self.capacity:
            ids.popitem(last=False)
