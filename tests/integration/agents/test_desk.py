"""The agents role of ``onair serve``: a published hour voiced on real storage, and aired.

The demo station's program and a catalog library on SQLite and PostgreSQL,
the scheduler's desk publishing hours on the in-process bus, the desk
voicing them with eSpeak NG into the real segment store, and playout's
schedule read finding the voiced links in their slots.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from ulid import ULID

from onair.agents.desk import GENERATE, AgentDesk
from onair.agents.producer import Producer
from onair.agents.programs import ProgramsInForce
from onair.agents.rules_generator import RulesGenerator
from onair.agents.runtime import AgentRuntime
from onair.agents.voices.espeak_tts import EspeakSynthesizer
from onair.agents.web.station_feeds import station_headlines, station_weather
from onair.bus import InMemoryBus
from onair.domain.events import Envelope, new_envelope
from onair.domain.programming import ItemKind
from onair.domain.segments import SegmentStatus
from onair.scheduler.desk import ScheduleDesk
from onair.scheduler.service import Scheduler
from onair.storage.fs_store import FilesystemObjectStore
from onair.storage.repositories.agent_library import SqlAgentLibrary
from onair.storage.repositories.playout_schedule import SqlPlayoutSchedule
from onair.storage.repositories.programs import SqlPrograms
from onair.storage.repositories.schedule_library import SqlScheduleLibrary
from onair.storage.repositories.schedules import SqlSchedules
from onair.storage.repositories.segments import SqlSegments
from tests.fixtures.demo_station import demo_bus, demo_engine, until

NOW = datetime(2027, 3, 2, 15, 2, tzinfo=UTC)  # Tuesday 09:02 in Chicago
HOUR = timedelta(hours=1)
LEAD = timedelta(seconds=60)  # the runtime's default: ready a minute before air
engine = demo_engine  # the demo program and a 400-song catalog, on each database
bus = demo_bus  # the in-process bus, started


@pytest.fixture
def segments(engine: Engine, tmp_path: Path) -> SqlSegments:
    return SqlSegments(engine, FilesystemObjectStore(tmp_path / "objects"))


def _desk(engine: Engine, bus: InMemoryBus, segments: SqlSegments) -> AgentDesk:
    producer = Producer([RulesGenerator()], EspeakSynthesizer(), voices={}, target_lufs=-16.0)
    runtime = AgentRuntime(
        "demo", schedule=SqlSchedules(engine), library=SqlAgentLibrary(engine),
        programs=ProgramsInForce(SqlPrograms(engine)), segments=segments, producer=producer,
        read_weather=station_weather, read_headlines=station_headlines,
        now=lambda: NOW, new_id=lambda: str(ULID()),
    )  # fmt: skip
    return AgentDesk(runtime, bus, lambda: NOW, hours_ahead=1)


async def _heard(bus: InMemoryBus, pattern: str) -> list[Envelope]:
    heard: list[Envelope] = []

    async def hear(envelope: Envelope) -> None:
        heard.append(envelope)

    await bus.subscribe(pattern, hear)
    return heard


async def test_a_published_hour_is_voiced_and_playout_finds_its_links(
    engine: Engine, bus: InMemoryBus, segments: SqlSegments
) -> None:
    ready = await _heard(bus, "agents.segment_ready")
    desk = _desk(engine, bus, segments)
    await desk.start()
    try:
        scheduler = Scheduler(SqlPrograms(engine), SqlScheduleLibrary(engine),
                              SqlSchedules(engine), now=lambda: NOW)  # fmt: skip
        await ScheduleDesk(scheduler, bus, "demo", hours_ahead=4).top_up()
        on_air = NOW.replace(minute=0)
        due = [on_air, on_air + HOUR]  # the desk voices only the hours about to air
        # Planned, and airing after the 60 s lead: the hour on air starts now with its ID,
        # too late to voice (a liner or nothing covers it, and that is an event).
        planned = [i for i in SqlSchedules(engine).history("demo", NOW + LEAD, on_air + 2 * HOUR)
                   if i.asset_id is None and i.kind in {ItemKind.VOICE, ItemKind.ID}]  # fmt: skip
        assert planned
        await until(lambda: len(ready) >= len(planned))
    finally:
        desk.stop()
    made = segments.between("demo", on_air, on_air + 2 * HOUR)
    assert {s.hour for s in made} == set(due)
    assert {s.schedule_item_id for s in made} >= {i.id for i in planned}
    late = [s for s in made if s.schedule_item_id not in {i.id for i in planned}]
    assert all(s.status is SegmentStatus.READY for s in made if s not in late)
    assert all("missed its deadline" in (s.reason or "") for s in late if s.kind.value != "feed")
    assert not segments.between("demo", on_air + 2 * HOUR, on_air + 5 * HOUR)  # too far ahead
    aired = {i.id: i.asset_id for i in SqlPlayoutSchedule(engine).history(
        "demo", on_air, on_air + 2 * HOUR)}  # fmt: skip
    for segment in made:
        assert aired[segment.schedule_item_id] == segment.airs_asset  # a drop airs nothing


async def test_generate_makes_an_hour_on_command_and_answers(
    engine: Engine, bus: InMemoryBus, segments: SqlSegments
) -> None:
    scheduler = Scheduler(SqlPrograms(engine), SqlScheduleLibrary(engine), SqlSchedules(engine),
                          now=lambda: NOW)  # fmt: skip
    scheduler.build_ahead("demo", 2, 1)
    desk = _desk(engine, bus, segments)
    await desk.start()
    try:
        hour = NOW.replace(minute=0).isoformat().replace("+00:00", "Z")
        reply = await bus.request(new_envelope(GENERATE, "demo", {"hour": hour}), timeout_s=30)
        again = await bus.request(new_envelope(GENERATE, "demo", {"hour": hour}), timeout_s=30)
    finally:
        desk.stop()
    assert reply.payload["made"] > 0
    assert again.payload == {"made": 0, "kept": reply.payload["made"]}
