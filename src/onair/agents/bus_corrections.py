"""The scheduler asked over the bus to plan an item for what airs (``scheduler.correct_item``).

The agent runtime works on a worker thread; the command goes out on the
event loop that owns the bus and the thread waits for the scheduler's
answer. A refusal, a timeout or no scheduler serving are each a
``PlanNotCorrected`` with the scheduler's reason.
"""

from __future__ import annotations

import asyncio

from onair.agents.errors import PlanNotCorrected
from onair.bus.port import BusError, EventBus
from onair.domain.events import Correlation, new_envelope

__all__ = ["CORRECT", "BusPlanCorrections"]

CORRECT = "scheduler.correct_item"  # served by the scheduler's desk


class BusPlanCorrections:
    """``PlanCorrections`` over the bus, for the agents desk of ``onair serve``."""

    def __init__(
        self, bus: EventBus, loop: asyncio.AbstractEventLoop, *, timeout_s: float = 30.0
    ) -> None:
        self.bus = bus
        self.loop = loop
        self.timeout_s = timeout_s

    def correct(
        self, station: str, item_id: str, length_ms: int, *, straight: bool, reason: str
    ) -> str:
        command = new_envelope(
            CORRECT,
            station,
            {"item_id": item_id, "length_ms": length_ms, "straight": straight, "reason": reason},
            correlation=Correlation(schedule_item_id=item_id),
        )
        asked = asyncio.run_coroutine_threadsafe(
            self.bus.request(command, timeout_s=self.timeout_s), self.loop
        )
        try:
            reply = asked.result(timeout=self.timeout_s + 5)
        except (BusError, TimeoutError) as exc:
            raise PlanNotCorrected(str(exc) or "the scheduler did not answer in time") from exc
        return str(reply.payload.get("note", ""))
