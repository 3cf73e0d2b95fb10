"""Built hours announced: each one stored, then ``schedule.published`` on the bus.

Every caller (the scheduler role, ``onair schedule build``, the API) builds and
publishes through here, so a built hour is announced the same way whoever asked.
"""

from __future__ import annotations

import asyncio
from datetime import date

from onair.bus.port import EventBus
from onair.scheduler.service import BuildReport, Scheduler, published_events

__all__ = ["build_and_publish", "publish_built"]


async def publish_built(bus: EventBus, station: str, report: BuildReport) -> None:
    """One ``schedule.published`` for each hour ``report`` built, in air order."""
    for envelope in published_events(station, report):
        await bus.publish(envelope)


async def build_and_publish(
    scheduler: Scheduler,
    bus: EventBus,
    station: str,
    first_day: date,
    days: int,
    seed: int,
    *,
    keep_built: bool = False,
    who: str | None = None,
) -> BuildReport:
    """Build and store ``days`` days from ``first_day`` (on a worker thread), then publish them.

    ``bus`` is started by the caller: a bus that cannot be reached fails there,
    before anything is built or stored. A build ``who`` asked for is their operator
    action in the ledger, written with the hours.
    """
    action = None
    if who is not None:
        detail = {"from": first_day.isoformat(), "days": days, "seed": seed}
        action = scheduler.action(station, "schedule.build", who, detail)
    report = await asyncio.to_thread(
        scheduler.build, station, first_day, days, seed, keep_built=keep_built, action=action
    )
    await publish_built(bus, station, report)
    return report
