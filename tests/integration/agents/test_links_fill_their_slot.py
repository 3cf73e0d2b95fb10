"""A link voiced far shorter than planned fills its slot, or its plan is corrected before air.

Real storage and the scheduler's own build (``links_station``): links of 15 s
before cold-open songs, voiced by eSpeak NG from the rules templates or by
a chat model that answers short. After the agents run, every straight
link's item in the schedule runs for what the link airs for, the next item
starts where it ends, and ``schedule verify`` finds nothing. A voice that
fails leaves its items as planned, without audio, at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import replace
from itertools import pairwise

from ulid import ULID

from onair.agents.bus_corrections import BusPlanCorrections
from onair.agents.desk import AgentDesk
from onair.agents.facts import ScriptGenerator
from onair.agents.llm.openai_chat import OpenAIChatModel
from onair.agents.llm_generator import LlmGenerator
from onair.agents.ports import PlanCorrections, SpeechSynthesizer
from onair.agents.producer import Producer
from onair.agents.programs import ProgramsInForce
from onair.agents.rules_generator import RulesGenerator
from onair.agents.runtime import AgentRuntime, HourReport
from onair.agents.timing import SHORT_MS
from onair.agents.voices.espeak_tts import EspeakSynthesizer
from onair.agents.voices.http_tts import HttpSpeechSynthesizer
from onair.agents.web.station_feeds import station_headlines, station_weather
from onair.bootstrap.agents import SchedulerPlanCorrections
from onair.bus import InMemoryBus
from onair.domain.events import Envelope
from onair.domain.programming import ItemKind
from onair.domain.schedule import ScheduledItem
from onair.domain.segments import Segment, SegmentStatus
from onair.scheduler.desk import ScheduleDesk
from onair.storage.repositories.agent_library import SqlAgentLibrary
from onair.storage.repositories.library import SqlLibrary
from onair.storage.repositories.playout_schedule import SqlPlayoutSchedule
from onair.storage.repositories.programs import SqlPrograms
from onair.storage.repositories.schedules import SqlSchedules
from tests.fixtures.chat_server import ChatServer, answer
from tests.fixtures.demo_station import demo_bus
from tests.fixtures.links_station import HOUR, NOW, STATION, LinksStation, links_station, song_facts
from tests.fixtures.speech_server import SpeechServer, error, speech_server

__all__ = ["demo_bus", "links_station", "speech_server"]  # fixtures, imported so pytest finds them

PLANNED_MS = 15_000
_ADJECTIVES = ("lovely", "sweet", "grand", "fine", "warm", "bright", "soft", "bold", "calm", "kind")


def _runtime(
    station: LinksStation,
    generators: Sequence[ScriptGenerator],
    corrections: PlanCorrections,
    voice: SpeechSynthesizer | None = None,
) -> AgentRuntime:
    engine = station.engine
    producer = Producer(list(generators), voice or EspeakSynthesizer(), voices={},
                        target_lufs=-16.0)  # fmt: skip
    return AgentRuntime(
        STATION, schedule=SqlSchedules(engine), library=SqlAgentLibrary(engine),
        programs=ProgramsInForce(SqlPrograms(engine)), segments=station.segments,
        producer=producer, read_weather=station_weather, read_headlines=station_headlines,
        now=lambda: NOW, new_id=lambda: str(ULID()), corrections=corrections,
    )  # fmt: skip


def _straight_links(station: LinksStation) -> list[ScheduledItem]:
    return [i for i in station.hour().items if i.kind is ItemKind.VOICE and not i.why["talk_up"]]


def _assert_plan_and_air_agree(station: LinksStation, segments: Sequence[Segment]) -> None:
    """Every voiced item runs for what airs; the hour chains with no gap; verify is clean."""
    items = station.hour().items
    by_id = {i.id: i for i in items}
    for segment in segments:
        if segment.status is SegmentStatus.DROPPED:
            continue
        item = by_id[segment.schedule_item_id]
        assert abs(item.duration_ms - segment.duration_ms) <= 100, (segment.script, item)
        if segment.post_ms is None and item.position + 1 < len(items):  # airs straight
            assert items[item.position + 1].start == item.end
    for before, after in pairwise(items):
        assert after.start == before.next_start
    assert station.violations() == []


async def test_rules_links_fill_their_slot_or_the_scheduler_corrects_the_plan_over_the_bus(
    links_station: LinksStation, demo_bus: InMemoryBus
) -> None:
    station, bus = links_station, demo_bus
    straight = _straight_links(station)
    assert straight
    assert all(i.duration_ms == PLANNED_MS for i in straight)
    corrected: list[Envelope] = []

    async def hear(envelope: Envelope) -> None:
        corrected.append(envelope)

    await bus.subscribe("schedule.corrected", hear)
    scheduler_desk = ScheduleDesk(station.scheduler(), bus, STATION, hours_ahead=2)
    await scheduler_desk.start()  # serves scheduler.correct_item, as in onair serve
    try:
        runtime = _runtime(station, [RulesGenerator()],
                           BusPlanCorrections(bus, asyncio.get_running_loop()))  # fmt: skip
        report = await AgentDesk(runtime, bus, lambda: NOW).fill(HOUR)
    finally:
        scheduler_desk.stop()
    assert report is not None
    links = {s.schedule_item_id: s for s in report.segments}
    for item in straight:
        link = links[item.id]
        assert link.status is SegmentStatus.READY
        # A back-announce alone runs about 5 s: the link says more (the time, the weather).
        assert PLANNED_MS - link.duration_ms <= SHORT_MS, link.script
        assert "12 degrees" in link.script or "o'clock" in link.script or "it's" in link.script
    _assert_plan_and_air_agree(station, report.segments)
    assert {e.payload["item_id"] for e in corrected} >= {i.id for i in straight}
    for item in straight:
        fixed = station.item(item.id)
        assert fixed.why["corrected"]["planned_ms"] == PLANNED_MS
        assert fixed.why["corrected"]["aired_ms"] == links[item.id].duration_ms
    assert len(report.corrections) >= len(straight)


async def test_a_short_llm_link_is_asked_for_more_then_its_plan_is_corrected(
    links_station: LinksStation, chat_server: ChatServer
) -> None:
    station = links_station
    straight = _straight_links(station)
    short = [f"What a {a} {b}." for a in _ADJECTIVES for b in ("song", "tune", "track")]
    chat_server.script(*[answer(text, usage=(200, 6)) for text in short])
    with OpenAIChatModel(chat_server.base_url, "test-model") as model:
        generators = [LlmGenerator(model, timeout_s=5.0), RulesGenerator()]
        corrections = SchedulerPlanCorrections(station.scheduler())
        report = _runtime(station, generators, corrections).fill_hour(HOUR)
    links = {s.schedule_item_id: s for s in report.segments}
    asked_longer = [r for r in chat_server.received if "longer script" in r.prompt]
    assert asked_longer
    assert all("light rain, 12 degrees" in r.prompt for r in asked_longer)  # more to say
    assert all("at least" in r.prompt for r in asked_longer)
    # Bounded: one first try and at most two longer ones a slot.
    assert len(chat_server.received) <= 3 * len(report.segments)
    for item in straight:
        link = links[item.id]
        assert link.generator == "llm:test-model"
        assert link.duration_ms < PLANNED_MS / 2  # it stayed short
        assert link.attempts == 3
        fixed = station.item(item.id)
        assert fixed.duration_ms == link.duration_ms
        assert fixed.why["corrected"]["shift_ms"] == link.duration_ms - PLANNED_MS
    _assert_plan_and_air_agree(station, report.segments)


def _reanalysed_cold(station: LinksStation) -> ScheduledItem:
    """The hour's first talk-up, its song re-analysed since the build: it now opens cold."""
    talk_up = next(i for i in station.hour().items if i.why.get("talk_up"))
    song = station.hour().items[talk_up.position + 1]
    assert song.asset_id is not None
    asset = SqlLibrary(station.engine).get(song.asset_id)
    assert asset.audio is not None
    cold = song_facts(asset.audio.duration_s, intro_s=0.6)
    SqlLibrary(station.engine).save(replace(asset, audio=cold))
    return talk_up


async def test_a_talk_up_whose_song_now_opens_cold_airs_straight_and_the_plan_says_so(
    links_station: LinksStation,
) -> None:
    station = links_station
    talk_up = _reanalysed_cold(station)
    report = _runtime(station, [RulesGenerator()],
                      SchedulerPlanCorrections(station.scheduler())).fill_hour(HOUR)  # fmt: skip
    link = next(s for s in report.segments if s.schedule_item_id == talk_up.id)
    assert link.post_ms is None  # voiced as a straight link
    fixed = station.item(talk_up.id)
    assert (fixed.why["talk_up"], fixed.overlap_next_ms) == (False, 0)  # not over the vocal
    assert station.hour().items[fixed.position + 1].start == fixed.end
    _assert_plan_and_air_agree(station, report.segments)


async def test_a_link_that_cannot_be_replanned_straight_is_held_back_not_aired_over_the_vocal(
    links_station: LinksStation,
) -> None:
    station = links_station
    talk_up = _reanalysed_cold(station)
    before = station.hour().items
    SqlSchedules(station.engine).lock(STATION, HOUR, before[-1].end)
    report = _runtime(station, [RulesGenerator()],
                      SchedulerPlanCorrections(station.scheduler())).fill_hour(HOUR)  # fmt: skip
    assert station.hour().items == before  # a locked hour is not re-timed
    link = next(s for s in report.segments if s.schedule_item_id == talk_up.id)
    assert link.status is SegmentStatus.DROPPED
    assert "held back" in (link.reason or "")
    assert "locked" in (link.reason or "")
    playout = SqlPlayoutSchedule(station.engine)
    aired = {i.id: i for i in playout.history(STATION, HOUR, before[-1].end)}
    assert aired[talk_up.id].asset_id is None  # nothing over the vocal: the song airs on time
    assert any(n.startswith("plan not corrected") for n in report.corrections)


async def test_a_voice_that_fails_leaves_the_plan_as_built_and_the_items_without_audio(
    links_station: LinksStation, speech_server: SpeechServer
) -> None:
    station = links_station
    before = station.hour().items
    speech_server.fail(*[error(500, "synthesis backend down")] * 200)
    with HttpSpeechSynthesizer(speech_server.base_url, "tts-1", {"en": "alloy"},
                               timeout_s=1.0, backoff_s=0.01) as voice:  # fmt: skip
        runtime = _runtime(station, [RulesGenerator()],
                           SchedulerPlanCorrections(station.scheduler()), voice)  # fmt: skip
        started = time.monotonic()
        report: HourReport = runtime.fill_hour(HOUR)
        took = time.monotonic() - started
    assert took < 10  # no slot waits for its deadline on a voice that is down
    assert report.segments
    assert all(s.status is SegmentStatus.DROPPED for s in report.segments)
    assert all("synthesis backend down" in (s.reason or "") for s in report.segments)
    assert station.hour().items == before  # nothing to correct: the plan stands
    assert station.violations() == []
    aired = SqlPlayoutSchedule(station.engine).history(STATION, HOUR, before[-1].end)
    voiced = {s.schedule_item_id for s in report.segments}
    assert all(i.asset_id is None for i in aired if i.id in voiced)  # playout's stand-in fills
