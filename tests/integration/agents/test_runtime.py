"""The runtime fills an hour: every spoken slot voiced by eSpeak NG, timed, or covered on failure.

The voice and the generators are the real ones (eSpeak NG from its wheel, the
rules templates, the LLM client against a local chat completions server);
the schedule, library and segment store are in memory.
"""

from __future__ import annotations

import io
import itertools
import time
from dataclasses import replace
from datetime import datetime, timedelta

import av
import numpy as np
import pytest

from onair.agents.errors import FeedFailed
from onair.agents.facts import ScriptGenerator
from onair.agents.llm.openai_chat import OpenAIChatModel
from onair.agents.llm_generator import LlmGenerator
from onair.agents.producer import Producer
from onair.agents.rules_generator import RulesGenerator
from onair.agents.runtime import AgentRuntime, RuntimeSettings
from onair.agents.voices.espeak_tts import EspeakSynthesizer
from onair.domain.library import AssetKind
from onair.domain.programming import ItemKind, StationProgram
from onair.domain.segments import SegmentKind, SegmentStatus
from tests.fixtures.agents_station import (
    STATION,
    T0,
    MemoryStation,
    hour_items,
    playable,
    station_program,
)
from tests.fixtures.chat_server import ChatServer, answer, hang

SONGS = [
    playable("a", title="Gravity Gold", artist="Neon Harbor", intro_ms=12_000),
    playable("b", title="Static Summer", artist="Velvet Engine", intro_ms=11_000),
    playable("c", title="Satellite Run", artist="Mara Quinn", intro_ms=800),  # cold open
    playable("d", title="Falling Tonight", artist="Jonah Vale", intro_ms=9_000),
]
IMAGING = [
    playable("liner1", AssetKind.LINER, 6_000),
    playable("id1", AssetKind.STATION_ID, 5_000),
]
HOUR = hour_items(
    (ItemKind.ID, "legal_id", None),
    (ItemKind.MUSIC, "hits", "a"),
    (ItemKind.VOICE, "link", None),  # talk-up over b's 11 s intro
    (ItemKind.MUSIC, "hits", "b"),
    (ItemKind.VOICE, "link", None),  # c opens cold: airs straight before it
    (ItemKind.MUSIC, "hits", "c"),
    (ItemKind.VOICE, "tw", None),
    (ItemKind.PROMO, "promo", None),
    (ItemKind.MUSIC, "hits", "d"),
)
HOUR[2] = replace(HOUR[2], why={"talk_up": True}, duration_ms=10_500)
HOUR[4] = replace(HOUR[4], duration_ms=8_000)


DEFAULTS = RuntimeSettings(duck_db=12.0)


def station(program: StationProgram | None = None) -> MemoryStation:
    assets = {p.id: p for p in [*SONGS, *IMAGING]}
    return MemoryStation(program or station_program(weather={"summary": "light rain, 12 degrees"}),
                         list(HOUR), assets)  # fmt: skip


def runtime(
    world: MemoryStation,
    generators: list[ScriptGenerator] | None = None,
    *,
    now: datetime = T0 - timedelta(hours=1),
    settings: RuntimeSettings = DEFAULTS,
    weather_fails: bool = False,
) -> AgentRuntime:
    ids = (f"seg{n:022d}" for n in itertools.count())

    def weather(program: StationProgram, timeout_s: float) -> str | None:
        if weather_fails:
            raise FeedFailed("http://127.0.0.1:9/weather.json: connection refused")
        source = program.voice.weather
        return source.summary if source else None

    def headlines(program: StationProgram, timeout_s: float) -> tuple[str | None, tuple[str, ...]]:
        return None, ()

    producer = Producer(generators or [RulesGenerator()], EspeakSynthesizer(),
                        voices={}, target_lufs=-16.0)  # fmt: skip
    return AgentRuntime(
        STATION, schedule=world, library=world, programs=world, segments=world,
        producer=producer, read_weather=weather, read_headlines=headlines,
        now=lambda: now, new_id=lambda: next(ids), settings=settings,
    )  # fmt: skip


def decoded(flac: bytes) -> np.ndarray:
    with av.open(io.BytesIO(flac)) as container:
        frames = [f.to_ndarray() for f in container.decode(audio=0)]
        assert container.streams.audio[0].rate == 48_000
    return np.concatenate(frames, axis=1)[0]


@pytest.fixture
def world() -> MemoryStation:
    return station()


def test_every_spoken_slot_of_the_hour_is_voiced(world: MemoryStation) -> None:
    report = runtime(world).fill_hour(T0)
    by_item = {s.schedule_item_id: s for s in report.segments}
    assert set(by_item) == {"i0", "i2", "i4", "i6", "i7"}
    assert {s.status for s in report.segments} == {SegmentStatus.READY}
    assert by_item["i0"].kind is SegmentKind.STATION_ID
    assert "KTST Springfield, Illinois" in by_item["i0"].script  # 47 CFR 73.1201
    assert by_item["i6"].kind is SegmentKind.TIME_WEATHER
    assert "light rain" in by_item["i6"].script
    for segment in report.segments:
        audio = decoded(world.audio_of(segment.id) or b"")
        assert len(audio) / 48_000 == pytest.approx(segment.duration_ms / 1000, abs=0.05)
        assert np.sqrt(np.mean(audio**2)) > 0.01  # speech, not silence
    assert [e.type for e in report.events] == ["agents.segment_ready"] * 5
    ready = report.events[1]
    assert ready.correlation.model_dump()["schedule_item_id"] == "i2"
    assert ready.correlation.asset_id == by_item["i2"].id


def test_a_talk_up_ends_before_the_post_and_never_covers_a_cold_open(
    world: MemoryStation,
) -> None:
    report = runtime(world).fill_hour(T0)
    by_item = {s.schedule_item_id: s for s in report.segments}
    talk_up = by_item["i2"]
    assert talk_up.post_ms == 11_000
    assert talk_up.duration_ms <= 11_000 - 500
    assert talk_up.duck_db == 12.0
    assert "Gravity Gold" in talk_up.script or "Neon Harbor" in talk_up.script  # back-announce
    assert "Static Summer" not in talk_up.script  # never pre-announced
    assert "Velvet Engine" not in talk_up.script
    straight = by_item["i4"]
    assert straight.post_ms is None  # c opens cold: the link airs before it
    assert straight.duck_db is None
    assert straight.duration_ms <= 8_000


def test_a_voice_that_does_not_exist_falls_back_to_imaging(world: MemoryStation) -> None:
    world.station_program = station_program(voices={"en": "no-such-voice"})
    report = runtime(world).fill_hour(T0)
    statuses = {s.schedule_item_id: s.status for s in report.segments}
    assert set(statuses.values()) == {SegmentStatus.FALLBACK}
    legal_id = next(s for s in report.segments if s.schedule_item_id == "i0")
    assert legal_id.asset_id == "id1"  # a recorded ID: a liner lacks the call letters
    talk_up = next(s for s in report.segments if s.schedule_item_id == "i2")
    assert talk_up.asset_id == "liner1"
    assert "no-such-voice" in (talk_up.reason or "")
    failed = [e for e in report.events if e.type == "agents.segment_failed"]
    assert len(failed) == 5
    assert "no-such-voice" in failed[0].payload["reason"]


def test_without_imaging_a_failed_slot_is_dropped(world: MemoryStation) -> None:
    world.station_program = station_program(voices={"en": "no-such-voice"})
    world.assets = {p.id: p for p in SONGS}
    report = runtime(world).fill_hour(T0)
    assert {s.status for s in report.segments} == {SegmentStatus.DROPPED}
    assert all(s.airs_asset is None for s in report.segments)


def test_a_slot_past_its_deadline_gets_a_liner(
    world: MemoryStation, chat_server: ChatServer
) -> None:
    # The model hangs 3 s before its timeout; each slot has 0.5 s.
    chat_server.script(*[hang(5.0)] * 20)
    quick = RuntimeSettings(slot_timeout_s=0.5)
    with OpenAIChatModel(chat_server.base_url, "test-model", attempts=1) as model:
        generators: list[ScriptGenerator] = [LlmGenerator(model, timeout_s=3), RulesGenerator()]
        began = time.perf_counter()
        late = runtime(world, generators, settings=quick).fill_hour(T0)
        took = time.perf_counter() - began
    assert {s.status for s in late.segments} == {SegmentStatus.FALLBACK}
    assert all("missed its deadline" in (s.reason or "") for s in late.segments)
    assert took < 2.5  # the hour did not wait for the hanging model


def test_a_hanging_llm_leaves_the_rules_to_write(
    world: MemoryStation, chat_server: ChatServer
) -> None:
    chat_server.script(*[hang(5.0)] * 20)
    with OpenAIChatModel(chat_server.base_url, "test-model", attempts=1) as model:
        generators: list[ScriptGenerator] = [LlmGenerator(model, timeout_s=0.3), RulesGenerator()]
        report = runtime(world, generators).fill_hour(T0)
    assert {s.status for s in report.segments} == {SegmentStatus.READY}
    assert {s.generator for s in report.segments} == {"rules"}
    assert all("llm:test-model" in (s.reason or "") for s in report.segments)


def test_the_llm_writes_when_it_answers(world: MemoryStation, chat_server: ChatServer) -> None:
    chat_server.script(answer("That was Gravity Gold by Neon Harbor on Test FM.", usage=(90, 12)))
    world.items = [i for i in HOUR if i.id in {"i1", "i2", "i3"}]
    with OpenAIChatModel(chat_server.base_url, "test-model") as model:
        generators: list[ScriptGenerator] = [LlmGenerator(model, timeout_s=5), RulesGenerator()]
        report = runtime(world, generators).fill_hour(T0)
    [link] = report.segments
    assert link.generator == "llm:test-model"
    assert link.script == "That was Gravity Gold by Neon Harbor on Test FM."
    assert link.llm_tokens == 102
    assert "Static Summer" not in chat_server.received[0].prompt  # never shown the next song


def test_a_weather_feed_that_fails_is_an_event_and_the_time_still_airs(
    world: MemoryStation,
) -> None:
    report = runtime(world, weather_fails=True).fill_hour(T0)
    assert report.events[0].type == "agents.feed_failed"
    assert "connection refused" in report.events[0].payload["reason"]
    time_check = next(s for s in report.segments if s.kind is SegmentKind.TIME_WEATHER)
    assert time_check.status is SegmentStatus.READY
    assert "rain" not in time_check.script


def test_the_hours_tts_budget_caps_what_is_voiced(world: MemoryStation) -> None:
    world.station_program = station_program(tts_chars_per_hour=60)
    report = runtime(world, settings=RuntimeSettings(concurrency=1)).fill_hour(T0)
    statuses = [s.status for s in report.segments]
    assert SegmentStatus.FALLBACK in statuses
    assert any("TTS budget" in (s.reason or "") for s in report.segments)
    assert sum(s.tts_chars for s in report.segments) <= 60


def test_a_second_run_keeps_what_is_made_and_force_remakes_it(world: MemoryStation) -> None:
    agents = runtime(world)
    first = agents.fill_hour(T0)
    again = agents.fill_hour(T0)
    assert (len(again.segments), again.kept) == (0, len(first.segments))
    forced = agents.fill_hour(T0, force=True)
    assert len(forced.segments) == len(first.segments)
    assert {s.id for s in forced.segments}.isdisjoint({s.id for s in first.segments})


def test_an_overlong_llm_answer_is_asked_for_again_shorter(
    world: MemoryStation, chat_server: ChatServer
) -> None:
    chat_server.script(
        answer(" ".join(["music"] * 80), usage=(90, 100)),
        answer("That was Gravity Gold by Neon Harbor.", usage=(95, 10)),
    )
    world.items = [i for i in HOUR if i.id in {"i1", "i2", "i3"}]
    with OpenAIChatModel(chat_server.base_url, "test-model") as model:
        generators: list[ScriptGenerator] = [LlmGenerator(model, timeout_s=5), RulesGenerator()]
        [link] = runtime(world, generators).fill_hour(T0).segments
    assert link.generator == "llm:test-model"
    assert link.attempts == 2
    assert link.llm_tokens == 190 + 105  # the refused answer's tokens count against the hour


def test_a_short_intro_gets_a_short_talk_up(world: MemoryStation) -> None:
    short = playable("b", title="Static Summer", artist="Velvet Engine", intro_ms=4_200)
    world.assets["b"] = short
    world.items = [i for i in HOUR if i.id in {"i1", "i2", "i3"}]
    [link] = runtime(world).fill_hour(T0).segments
    assert link.status is SegmentStatus.READY
    assert link.post_ms == 4_200
    assert 0 < link.duration_ms <= 4_200 - 500


UNTIDY = [
    playable("a", title="track22", artist="Unknown Artist", intro_ms=12_000),
    playable("b", title="time_to_strike", artist="<unknown>", intro_ms=11_000),
    # Tagged nowhere: the file's name stands in for the title, marked by ingest.
    replace(
        playable("c", title="Midnight Train", artist="Artist", intro_ms=800),
        title_is_file_name=True,
    ),
    playable("d", title="Falling Tonight", artist="Unknown Artist", intro_ms=9_000),
]
UNSAID = ("track22", "time_to_strike", "time to strike", "Midnight Train", "Unknown")


def untidy_station() -> MemoryStation:
    world = station()
    world.assets.update({song.id: song for song in UNTIDY})
    return world


def test_a_link_never_says_a_file_name_title_or_an_unknown_artist() -> None:
    report = runtime(untidy_station()).fill_hour(T0)
    assert {s.status for s in report.segments} == {SegmentStatus.READY}
    links = [s for s in report.segments if s.kind is SegmentKind.VOICE_LINK]
    assert len(links) == 2  # still links: the station and more music, no back-announce
    assert all("Test FM" in link.script for link in links)
    for segment in report.segments:
        assert not [name for name in UNSAID if name.casefold() in segment.script.casefold()]


def test_a_link_back_announces_a_real_title_without_its_unknown_artist() -> None:
    world = untidy_station()
    world.assets["a"] = replace(world.assets["a"], title="Gravity Gold")
    world.items = [i for i in HOUR if i.id in {"i1", "i2", "i3"}]
    [link] = runtime(world).fill_hour(T0).segments
    assert "Gravity Gold" in link.script
    assert "Unknown" not in link.script


def test_the_llm_is_never_given_a_file_name_title_and_its_use_of_one_is_refused(
    chat_server: ChatServer,
) -> None:
    world = untidy_station()
    world.items = [i for i in HOUR if i.id in {"i1", "i2", "i3"}]
    chat_server.script(*[answer("That was track22 by Unknown Artist on Test FM.")] * 3)
    with OpenAIChatModel(chat_server.base_url, "test-model") as model:
        generators: list[ScriptGenerator] = [LlmGenerator(model, timeout_s=5), RulesGenerator()]
        [link] = runtime(world, generators).fill_hour(T0).segments
    assert link.status is SegmentStatus.READY
    assert link.generator == "rules"  # every answer of the model was refused
    assert "track22" not in link.script
    assert "track22" in (link.reason or "")
    first, *retries = chat_server.received
    assert not [name for name in UNSAID if name.casefold() in first.prompt.casefold()]
    for sent in retries:  # told why its try was refused, never what the tags hold
        assert "track22" not in sent.prompt
        assert "Unknown Artist" not in sent.prompt
