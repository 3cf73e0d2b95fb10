"""The scheduler role of ``onair serve``: the next hours kept built, rebuilds by command."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from sqlalchemy.engine import Engine

from onair.bus import CommandFailed, InMemoryBus
from onair.domain.events import Envelope, new_envelope
from onair.scheduler.desk import REBUILD, ScheduleDesk
from onair.scheduler.service import Scheduler
from onair.storage.repositories.programs import SqlPrograms
from onair.storage.repositories.schedule_library import SqlScheduleLibrary
from onair.storage.repositories.schedules import SqlSchedules
from tests.fixtures.demo_station import demo_bus, demo_engine, until

NOW = datetime(2027, 3, 2, 15, 20, tzinfo=UTC)  # Tuesday 09:20 in Chicago
HOUR = timedelta(hours=1)
engine = demo_engine  # the demo program and a 400-song catalog, on each database
bus = demo_bus  # the in-process bus, started


def _desk(engine: Engine, bus: InMemoryBus, now: datetime = NOW) -> ScheduleDesk:
    scheduler = Scheduler(
        SqlPrograms(engine), SqlScheduleLibrary(engine), SqlSchedules(engine), now=lambda: now
    )
    return ScheduleDesk(scheduler, bus, "demo", hours_ahead=30)


async def _published(bus: InMemoryBus) -> list[Envelope]:
    heard: list[Envelope] = []

    async def hear(envelope: Envelope) -> None:
        heard.append(envelope)

    await bus.subscribe("schedule.published", hear)
    return heard


async def test_the_next_hours_are_built_once_and_announced(
    engine: Engine, bus: InMemoryBus
) -> None:
    heard = await _published(bus)
    desk = _desk(engine, bus)
    report = await desk.top_up()
    assert report is not None
    stored = SqlSchedules(engine).hours("demo", NOW - HOUR, NOW + 30 * HOUR)
    # Every hour from the one on air (never built, so playout has a schedule at once)
    # to 30 hours ahead is built.
    assert stored[0].start == NOW.replace(minute=0)
    assert all(b.start - a.start == HOUR for a, b in pairwise(stored))
    assert stored[-1].start >= NOW + 29 * HOUR
    await until(lambda: len(heard) >= len(report.built))
    assert sorted(e.correlation.hour for e in heard) == sorted(
        p.start.isoformat(timespec="milliseconds").replace("+00:00", "Z") for p in report.built
    )
    items = [i.id for p in stored for i in p.items]
    assert await desk.top_up() is None  # nothing missing: nothing rebuilt, nothing announced
    again = SqlSchedules(engine).hours("demo", NOW - HOUR, NOW + 30 * HOUR)
    assert [i.id for p in again for i in p.items] == items


async def test_a_rebuild_command_rebuilds_the_days_asked_and_answers(
    engine: Engine, bus: InMemoryBus
) -> None:
    desk = _desk(engine, bus)
    await desk.top_up()
    await desk.start()
    try:
        heard = await _published(bus)
        command = new_envelope(REBUILD, "demo", {"from": "2027-03-03", "days": 1, "seed": 9})
        reply = await bus.request(command, timeout_s=60)
        assert reply.payload == {"built": 24, "kept": 0}
        await until(lambda: len(heard) >= 24)
        assert len(heard) == 24
        with pytest.raises(CommandFailed, match="days 0 must be 1 to 62"):
            await bus.request(new_envelope(REBUILD, "demo", {"from": "2027-03-03", "days": 0}))
    finally:
        desk.stop()
