"""The agents service in ``onair serve``: every hour about to air has its segments.

Each ``schedule.published`` for an hour within ``hours_ahead`` is filled at
once (a rebuilt hour has new items, so its links are made again); a sweep
every few minutes fills the hours that came into range since. Hours further
out wait: the time, weather and headlines a link states should be fresh.
``agents.generate`` makes an hour's segments on command. Each fill runs in a
worker thread, one at a time, so the event loop never waits on a voice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from onair.agents.runtime import AgentRuntime, HourReport
from onair.bus.port import EventBus
from onair.domain.errors import DomainError
from onair.domain.events import Envelope
from onair.observability import get_logger

__all__ = ["GENERATE", "AgentDesk"]

GENERATE = "agents.generate"

log = get_logger("onair.agents")


class AgentDesk:
    def __init__(
        self,
        runtime: AgentRuntime,
        bus: EventBus,
        now: Callable[[], datetime],
        *,
        hours_ahead: int = 2,
        interval_s: float = 300.0,
    ) -> None:
        self.runtime = runtime
        self.bus = bus
        self.now = now
        self.hours_ahead = hours_ahead
        self.interval_s = interval_s
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.bus.subscribe("schedule.published", self._published, durable="agents")
        await self.bus.serve(GENERATE, self._generate)
        self._task = asyncio.create_task(self._sweep(), name="agents-sweep")

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def fill(self, hour: datetime, *, force: bool = False) -> HourReport | None:
        """Make the hour's missing segments and announce each; None when it cannot be read."""
        async with self._lock:
            try:
                report = await asyncio.to_thread(self.runtime.fill_hour, hour, force=force)
            except DomainError as exc:  # no program, or a schedule that cannot be read
                log.warning("segments_not_made", hour=hour.isoformat(), reason=str(exc))
                return None
        for envelope in report.events:
            await self.bus.publish(envelope)
        if report.segments:
            log.info("segments_made", hour=hour.isoformat(), made=len(report.segments),
                     kept=report.kept)  # fmt: skip
        return report

    def hours_due(self) -> list[datetime]:
        """The hour on air now and the next ``hours_ahead`` (UTC hour starts)."""
        top = self.now().replace(minute=0, second=0, microsecond=0)
        return [top + timedelta(hours=h) for h in range(self.hours_ahead + 1)]

    async def _published(self, event: Envelope) -> None:
        hour = _hour(event.payload.get("hour"))
        if hour is not None and hour in self.hours_due():
            await self.fill(hour)

    async def _generate(self, command: Envelope) -> dict[str, Any]:
        hour = _hour(command.payload.get("hour"))
        if hour is None:
            raise ValueError("hour must be the top of an hour in ISO form, e.g. 2026-12-01T06:00Z")
        report = await self.fill(hour, force=bool(command.payload.get("force", False)))
        if report is None:
            raise ValueError(f"hour {hour.isoformat()} has no schedule or program to voice")
        return {"made": len(report.segments), "kept": report.kept}

    async def _sweep(self) -> None:
        while True:
            for hour in self.hours_due():
                try:
                    await self.fill(hour)
                except Exception as exc:  # the database or bus away: try again next sweep
                    log.error("segments_sweep_failed", hour=hour.isoformat(), error=str(exc))
            await asyncio.sleep(self.interval_s)


def _hour(value: object) -> datetime | None:
    try:
        hour = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    if hour.tzinfo is None or hour.minute or hour.second or hour.microsecond:
        return None
    return hour
