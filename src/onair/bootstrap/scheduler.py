"""The scheduler role wired, and the programs and scheduler for commands."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from onair.bootstrap.station import HttpFace, RunningRole, Station, Stops, command_bus
from onair.bootstrap.stores import Stores, open_stores
from onair.config import Settings
from onair.scheduler.desk import ScheduleDesk
from onair.scheduler.ports import ProgramStore
from onair.scheduler.publishing import build_and_publish
from onair.scheduler.service import BuildReport, Scheduler

__all__ = ["build_schedule", "open_programs", "open_scheduler", "start_scheduler"]


@contextmanager
def open_programs(settings: Settings) -> Iterator[ProgramStore]:
    """The station programs in the settings' database, for commands that run outside ``serve``."""
    with open_stores(settings) as stores:
        yield stores.programs


@contextmanager
def open_scheduler(settings: Settings) -> Iterator[Scheduler]:
    """The scheduler over the settings' database, for commands that run outside ``serve``."""
    with open_stores(settings) as stores:
        yield stores.scheduler()


def build_schedule(
    stores: Stores, station: str, first_day: date, days: int, seed: int, who: str
) -> BuildReport:
    """Build and store the hours as ``who``'s operator action, then publish
    ``schedule.published`` for each one built.

    The bus is reached first: when it cannot be, the command fails with its
    one line and nothing is built, so no hour is stored that was never announced.
    """

    async def build() -> BuildReport:
        async with command_bus(stores, "scheduler") as bus:
            scheduler = stores.scheduler()
            return await build_and_publish(scheduler, bus, station, first_day, days, seed,
                                           who=who)  # fmt: skip

    return asyncio.run(build())


async def start_scheduler(station: Station, face: HttpFace) -> RunningRole:
    """The scheduler role of ``onair serve``: the next hours kept built, rebuilds on command."""
    desk = ScheduleDesk(station.stores.scheduler(), station.bus, station.settings.station)
    await desk.start()
    return Stops(desk.stop)
