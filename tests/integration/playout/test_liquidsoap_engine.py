"""Liquidsoap as the engine: the timeline ahead, the real liquidsoap 2.1 airing to icecast2."""

from __future__ import annotations

import asyncio
import itertools
import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from onair.domain.events import Envelope
from onair.domain.playout import SAMPLE_RATE, AirItem, EndedBy, Trigger, samples_of
from onair.domain.programming import ItemKind
from onair.playout.engine import EngineRecords
from onair.playout.icecast.stats import IcecastListeners
from onair.playout.lineup import AirRules
from onair.playout.liquidsoap.airing import LiquidsoapAiring, liquidsoap_airing
from onair.playout.liquidsoap.backend import LiquidsoapBackend
from onair.playout.liquidsoap.engine import LiquidsoapEngine
from onair.playout.master_cache import MasterCache
from onair.playout.mixer import Mixer
from onair.playout.timeline import Airing, Timeline, TimelineSettings
from tests.fixtures.icecast import IcecastServer

from .test_engine import Records, listen
from .test_icecast_stats import listening, polling
from .world import STATION, FolderMasters, World, longest_silence_s, write_tone

pytestmark = [
    pytest.mark.timeout(120),
    pytest.mark.skipif(
        shutil.which("liquidsoap") is None or shutil.which("ffmpeg") is None,
        reason="liquidsoap or ffmpeg missing: apt-get install liquidsoap ffmpeg",
    ),
]
MOUNT = "/engine.mp3"
MUSIC = ItemKind.MUSIC
OnAir = tuple[World, Records, list[Envelope]]


@pytest.fixture
def on_air(tmp_path: Path) -> OnAir:
    world = World(tmp_path, t0=datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1))
    return world, Records(), []


async def run(
    on_air: OnAir, icecast: IcecastServer, work: Path, listeners: IcecastListeners | None = None
) -> LiquidsoapEngine:
    """Start the engine on ``on_air``'s schedule, Liquidsoap streaming to ``icecast``."""
    world, records, events = on_air
    fallback = work / "fallback"
    fallback.mkdir()
    write_tone(fallback / "fallback.wav", 200, 30.0)

    def open_timeline(t0: datetime, resume: object) -> Timeline:
        timeline = world.timeline(TimelineSettings(), AirRules(window=timedelta(seconds=60)), t0=t0)
        timeline.mixer = Mixer(limit=False)  # its audio is discarded: no need to limit it
        return timeline

    async def publish(envelope: Envelope) -> None:
        events.append(envelope)

    backend = LiquidsoapBackend(
        work / "liquidsoap", icecast_url=icecast.mount_url(MOUNT),
        icecast_password=icecast.source_password, fallback_dir=fallback, max_backoff_s=1.0,
    )  # fmt: skip
    cache = MasterCache(FolderMasters(world.folder), world.folder / "cache")
    book = EngineRecords(records, records, records)  # type: ignore[arg-type]
    engine = LiquidsoapEngine(STATION, open_timeline, backend, publish, book,
                              local_path=lambda item: cache.path(item.master_key),
                              listeners=listeners)  # fmt: skip
    await engine.start()
    return engine


def started(events: list[Envelope]) -> list[str]:
    return [str(e.payload["asset_id"]) for e in events if e.type == "playout.item_started"]


async def until(check: Callable[[], bool], within_s: float) -> None:
    deadline = time.monotonic() + within_s
    while not check():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.1)


def songs(world: World, count: int, seconds: float) -> list[str]:
    """Tone songs whose next item starts 1.5 s before their end."""
    for n in range(count):
        world.asset(f"s{n}", 330 + 110 * n, seconds, tail_s=1.5, intro_s=1.0)
    return [f"s{n}" for n in range(count)]


async def test_the_schedule_airs_through_liquidsoap_in_order(
    on_air: OnAir, icecast: IcecastServer, tmp_path: Path
) -> None:
    world, records, events = on_air
    ids = songs(world, 3, 8.0)
    world.plan(*[(i, MUSIC) for i in ids])
    engine = await run(on_air, icecast, tmp_path)
    try:
        await until(lambda: MOUNT in icecast.sources(), 15)
        heard = await listen(icecast.mount_url(MOUNT), 16)
        await until(lambda: len(started(events)) >= 4, 20)  # s2 ended by the next crossing in
    finally:
        await engine.stop()
    aired = [e for e in records.entries if e.schedule_item_id]
    assert [e.asset_id for e in aired] == ids
    assert started(events)[:3] == ids
    gaps = [(b.actual_start - a.actual_start).total_seconds() for a, b in itertools.pairwise(aired)]
    assert gaps == pytest.approx([6.5, 6.5], abs=0.5)
    # Each sounds from its first sample until the next has crossed in over its last 1.5 s.
    assert [e.ended_by for e in aired] == [EndedBy.CROSSFADE] * 3
    assert [e.duration_s for e in aired] == pytest.approx([8.0] * 3, abs=0.5)
    assert len(heard) > 15 * SAMPLE_RATE
    assert longest_silence_s(heard) < 2.0
    assert records.states, "the on-air state is saved while it airs"


async def test_the_as_run_keeps_the_most_listeners_icecast_counted_during_each_item(
    on_air: OnAir, icecast: IcecastServer, tmp_path: Path
) -> None:
    world, records, events = on_air
    ids = songs(world, 3, 8.0)
    world.plan(*[(i, MUSIC) for i in ids])
    stats = IcecastListeners(icecast.mount_url(MOUNT), every_s=0.5)
    with polling(stats):
        engine = await run(on_air, icecast, tmp_path, listeners=stats)
        try:
            await until(lambda: MOUNT in icecast.sources(), 15)
            async with listening(icecast.mount_url(MOUNT), 2):
                await until(lambda: stats.count == 2, 10)
                await until(lambda: len(started(events)) >= 3, 20)  # s1 aired wholly to them
            await until(lambda: stats.count == 0, 10)
            await until(lambda: len(started(events)) >= 4, 20)
        finally:
            await engine.stop()
    counted = {e.asset_id: e.listeners for e in records.entries if e.schedule_item_id}
    assert (counted["s1"] or 0) >= 2, counted
    assert (counted["s2"] or 0) >= 2, counted  # on air while they listened, ended after they left


async def test_skip_ends_the_item_on_air_and_the_next_starts(
    on_air: OnAir, icecast: IcecastServer, tmp_path: Path
) -> None:
    world, records, events = on_air
    ids = songs(world, 3, 20.0)
    world.plan(*[(i, MUSIC) for i in ids])
    engine = await run(on_air, icecast, tmp_path)
    try:
        await until(lambda: started(events)[:1] == ["s0"], 15)
        await asyncio.sleep(3)
        done = await engine.trigger(Trigger.SKIP, "ann", note="test")
        skipped_at = datetime.now(UTC)
        await until(lambda: "s1" in started(events), 10)
    finally:
        await engine.stop()
    assert done["done"] is True
    first, second = records.entries[:2]
    assert (first.asset_id, first.ended_by) == ("s0", EndedBy.SKIP)
    assert "skipped by an operator" in first.adjustments
    assert 2.5 < first.duration_s < 6.0
    assert second.asset_id == "s1"
    assert abs((second.actual_start - skipped_at).total_seconds()) < 2.0
    assert [(a.trigger, a.who) for a in records.actions] == [(Trigger.SKIP, "ann")]


# -- how an airing becomes a request (no Liquidsoap needed) --------------------------------


def _item(
    name: str, kind: ItemKind, seconds: float, intro_s: float, talk_up: bool = False
) -> AirItem:
    return AirItem(
        play_id=f"play-{name}", asset_id=name, kind=kind, category="music", title=name,
        artist=None, master_key=f"{name}.wav", cue_in_s=0.0, cue_out_s=seconds,
        intro_s=intro_s, segue_s=seconds - 1.5, gain_db=0.0, talk_up=talk_up,
    )  # fmt: skip


def _at(seconds: float) -> int:
    return samples_of(seconds)


def test_a_talk_up_voice_airs_alone_and_the_song_joins_where_the_timeline_has_it() -> None:
    voice = Airing(_item("voice", ItemKind.VOICE, 4.0, 0.0, True), 0, _at(4), 0)
    pushed = liquidsoap_airing(voice, _at(4), 0, None, 2.0)
    assert (pushed.cross_s, pushed.lost) == (0.0, _at(4))  # no cross over the whole voice
    song = Airing(_item("song", MUSIC, 30.0, 4.5), 0, _at(30), _at(28.5))
    joined: LiquidsoapAiring = liquidsoap_airing(song, _at(30), 0, pushed, 2.0)
    # The song joins 4 s in, where it stands on the timeline when the voice ends,
    # so the items after it still start on their samples.
    assert joined.item.cue_in_s == pytest.approx(4.0)
    assert joined.at == _at(4)
    assert joined.fade_in_s == 0.0
    assert joined.cross_s == pytest.approx(1.5)


def test_a_song_faded_for_a_hard_post_fades_under_the_post_which_keeps_its_sample() -> None:
    song = Airing(_item("song", MUSIC, 30.0, 4.5), 0, _at(30), _at(20), EndedBy.FADE_EARLY)
    # The timeline faded it over 2 s to silence at the post (20 s).
    pushed = liquidsoap_airing(song, _at(20), 0, None, 2.0)
    assert pushed.item.cue_out_s == pytest.approx(22.0)
    assert pushed.cross_s == pytest.approx(2.0)
    next_starts = pushed.at + _at(pushed.item.length_s - pushed.cross_s)
    assert next_starts == _at(20)
