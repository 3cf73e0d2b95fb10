"""The scheduler service in ``onair serve``: the next hours always built, rebuilds on command.

Every few minutes the desk builds whatever hour of the look-ahead window
(default 48 hours) is not built yet, so playout and the agents always find the
hours they prepare; built hours are left as they are. ``scheduler.rebuild_hour``
rebuilds a range of days (locked and started hours kept), after the library or
the rules changed. Each built hour is announced with ``schedule.published``.
``scheduler.correct_item`` gives an item the length it airs for (a link voiced
shorter than planned) and re-times its stretch to the post, announced with
``schedule.corrected``.
Builds run in a worker thread: the event loop never waits on one.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from onair.bus.port import EventBus
from onair.domain.errors import DomainError
from onair.domain.events import Envelope
from onair.observability import get_logger
from onair.scheduler.publishing import build_and_publish, publish_built
from onair.scheduler.service import BuildReport, LengthCorrection, Scheduler, corrected_event

__all__ = ["CORRECT", "REBUILD", "ScheduleDesk"]

REBUILD = "scheduler.rebuild_hour"
CORRECT = "scheduler.correct_item"

log = get_logger("onair.scheduler")


class ScheduleDesk:
    def __init__(
        self,
        scheduler: Scheduler,
        bus: EventBus,
        station: str,
        *,
        hours_ahead: int = 48,
        interval_s: float = 600.0,
        seed: int = 1,
    ) -> None:
        self.scheduler = scheduler
        self.bus = bus
        self.station = station
        self.hours_ahead = hours_ahead
        self.interval_s = interval_s
        self.seed = seed
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.bus.serve(REBUILD, self._rebuild)
        await self.bus.serve(CORRECT, self._correct)
        self._task = asyncio.create_task(self._keep(), name="schedule-desk")

    def stop(self) -> None:
        """Stop keeping hours; the bus's own close ends the rebuild subscription.

        Nothing here awaits: ``serve`` stops it while a Ctrl-C is on its way up.
        """
        if self._task is not None:
            self._task.cancel()

    async def top_up(self) -> BuildReport | None:
        """Build the missing hours of the look-ahead window and announce them."""
        try:
            report = await asyncio.to_thread(
                self.scheduler.build_ahead, self.station, self.hours_ahead, self.seed
            )
        except DomainError as exc:  # no program yet, or nothing left to build
            log.warning("schedule_not_built", station=self.station, reason=str(exc))
            return None
        if report is not None:
            await publish_built(self.bus, self.station, report)
            self._log_built(report)
        return report

    async def _keep(self) -> None:
        while True:
            await self.top_up()
            await asyncio.sleep(self.interval_s)

    async def _rebuild(self, command: Envelope) -> dict[str, Any]:
        first = date.fromisoformat(str(command.payload.get("from")))
        days = int(command.payload.get("days", 1))
        if not 1 <= days <= 62:
            raise ValueError(f"days {days} must be 1 to 62")
        seed = int(command.payload.get("seed", self.seed))
        report = await build_and_publish(self.scheduler, self.bus, self.station, first, days, seed)
        self._log_built(report)
        return {"built": len(report.built), "kept": len(report.plans) - len(report.built)}

    async def _correct(self, command: Envelope) -> dict[str, Any]:
        """Answers with the shift and what changed; a refusal is the command's error."""
        payload = command.payload
        fix = LengthCorrection(
            item_id=str(payload["item_id"]),
            length_ms=int(payload["length_ms"]),
            straight=bool(payload.get("straight", True)),
            reason=str(payload.get("reason") or "the length it airs for"),
        )
        if fix.length_ms <= 0:
            raise ValueError(f"length_ms {fix.length_ms} must be above 0")
        retimed = await asyncio.to_thread(self.scheduler.correct_length, self.station, fix)
        await self.bus.publish(corrected_event(self.station, fix, retimed))
        log.info("schedule_corrected", station=self.station, item=fix.item_id,
                 shift_ms=retimed.shift_ms)  # fmt: skip
        return {"shift_s": retimed.shift_ms / 1000, "note": retimed.note}

    def _log_built(self, report: BuildReport) -> None:
        log.info("schedule_built", station=self.station, hours=len(report.built),
                 version=report.program_version)  # fmt: skip
