"""A voiced segment airs in its planned slot: through the database, the object store and the mix.

The station's schedule, library and segments are real storage (SQLite and a
folder object store); the segment is FLAC at eSpeak's 22.05 kHz mono, a tone
so the rendered audio says when it sounds and how far the song under it dips.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import av
import numpy as np
import pytest
from sqlalchemy.engine import Engine

from onair.domain.library import AssetKind, AudioFacts, Ending, LibraryAsset
from onair.domain.programming import ItemKind
from onair.domain.schedule import HourPlan, ScheduledItem, ms
from onair.domain.segments import Segment, SegmentKind, SegmentStatus
from onair.domain.tags import TrackTags
from onair.playout.lineup import AirRules, Lineup
from onair.playout.master_cache import MasterCache
from onair.playout.mixer import Mixer
from onair.playout.preparer import Preparer
from onair.playout.render import RenderReport, render_play_ids
from onair.playout.timeline import Timeline, TimelineSettings
from onair.storage.db import create_engine_for
from onair.storage.fs_store import FilesystemObjectStore
from onair.storage.migrate import upgrade
from onair.storage.repositories import Stations
from onair.storage.repositories.library import SqlLibrary
from onair.storage.repositories.playout_library import SqlPlayoutLibrary
from onair.storage.repositories.playout_schedule import SqlPlayoutSchedule
from onair.storage.repositories.schedules import SqlSchedules
from onair.storage.repositories.segments import SqlSegments

from .world import STATION, T0, World, tone_db, write_tone

SONG, NEXT, LINK = "01JD" + "1".rjust(22, "0"), "01JD" + "2".rjust(22, "0"), "01JS" + "1" * 22
VOICE_ITEM = "item-voice".ljust(26, "0")
SONG_HZ, NEXT_HZ, VOICE_HZ = 440, 660, 1000
TALK_UP_AT = 18.0  # the song ends with a 2 s segue; the next one and the link start there


@dataclass
class Station:
    engine: Engine
    objects: FilesystemObjectStore
    folder: Path


@pytest.fixture
def station(tmp_path: Path) -> Iterator[Station]:
    url = f"sqlite:///{tmp_path / 'onair.db'}"
    upgrade(url)
    engine = create_engine_for(url)
    Stations(engine).ensure(STATION, name="Test FM", timezone="UTC")
    objects = FilesystemObjectStore(tmp_path / "objects")
    objects.check()
    _song(engine, objects, tmp_path, SONG, SONG_HZ, 20.0, intro_s=5.0)
    _song(engine, objects, tmp_path, NEXT, NEXT_HZ, 30.0, intro_s=6.0)
    _schedule(engine)
    yield Station(engine, objects, tmp_path)
    engine.dispose()


def _song(
    engine: Engine, objects: FilesystemObjectStore, folder: Path, asset_id: str, freq: float,
    seconds: float, *, intro_s: float, kind: AssetKind = AssetKind.MUSIC,
) -> None:  # fmt: skip
    """A tone asset with its master in the object store and its analysis in the library."""
    wav = folder / f"{asset_id}.wav"
    write_tone(wav, freq, seconds)
    key = f"masters/{asset_id}.wav"
    objects.put_file(key, wav)
    audio = AudioFacts(
        duration_s=seconds, codec="pcm_s16le", sample_rate=48_000, channels=2, bitrate=None,
        loudness_lufs=-16.0, loudness_range_lu=0.0, true_peak_dbtp=-12.0, gain_db=0.0,
        cue_in_s=0.0, cue_out_s=seconds, intro_end_s=intro_s, segue_s=seconds - 2.0,
        ending=Ending.FADE, bpm=None, energy=0.5, fingerprint="AQAA",
    )  # fmt: skip
    tags = TrackTags(title=f"Song {freq}", artist="The Tones")
    asset = LibraryAsset(asset_id, STATION, kind, tags, sha256=f"{freq:064d}",
                         master_key=key, audio=audio)  # fmt: skip
    SqlLibrary(engine).save(asset)


def _schedule(engine: Engine) -> None:
    """The song, a talk-up link planned over the next song's intro, the next song."""
    talk_up = T0 + ms(round(TALK_UP_AT * 1000))
    items = (
        ScheduledItem(id="item-song".ljust(26, "0"), hour=T0, position=0, start=T0,
                      duration_ms=20_000, overlap_next_ms=2_000, kind=ItemKind.MUSIC,
                      category="power", hard=False, nominal_start=None, slot=0, asset_id=SONG),
        ScheduledItem(id=VOICE_ITEM, hour=T0, position=1, start=talk_up, duration_ms=5_000,
                      overlap_next_ms=5_000, kind=ItemKind.VOICE, category="voice", hard=False,
                      nominal_start=None, slot=1, asset_id=None,
                      why={"talk_up": True, "planned_ms": 5_000, "intro_ms": 6_000}),
        ScheduledItem(id="item-next".ljust(26, "0"), hour=T0, position=2, start=talk_up,
                      duration_ms=30_000, overlap_next_ms=2_000, kind=ItemKind.MUSIC,
                      category="power", hard=False, nominal_start=None, slot=2, asset_id=NEXT),
    )  # fmt: skip
    plan = HourPlan(STATION, T0, "2027-03-01T14:00+00:00", "drive", items)
    SqlSchedules(engine).replace(STATION, [plan], program_version=1)


def _flac_tone(freq: float, seconds: float, rate: int = 22_050) -> bytes:
    """Mono FLAC of a tone, as the agents store a voiced segment (eSpeak speaks at 22.05 kHz)."""
    t = np.arange(round(seconds * rate)) / rate
    pcm = (0.3 * np.sin(2 * np.pi * freq * t) * 32767).astype(np.int16)
    frame = av.AudioFrame.from_ndarray(pcm[None, :], format="s16", layout="mono")
    frame.sample_rate = rate
    out = io.BytesIO()
    with av.open(out, "w", format="flac") as container:
        stream = container.add_stream("flac", rate=rate, layout="mono")
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    return out.getvalue()


def _link(duck_db: float | None, seconds: float = 4.0) -> Segment:
    return Segment(
        id=LINK, station=STATION, schedule_item_id=VOICE_ITEM, hour=T0,
        kind=SegmentKind.VOICE_LINK, status=SegmentStatus.READY, language="en",
        script="That was Song 440 from The Tones, on Test FM.", generator="rules",
        planned_ms=5_000, estimated_ms=4_100, duration_ms=round(seconds * 1000),
        master_key=f"segments/{STATION}/{LINK}.flac", voice="en-us", post_ms=6_000,
        duck_db=duck_db, created_at=T0 - timedelta(minutes=30),
    )  # fmt: skip


def _render(station: Station, seconds: float = 40.0) -> tuple[np.ndarray, RenderReport]:
    """The station's air from T0, as ``onair playout render`` wires it (station duck 12 dB)."""
    lineup = Lineup(STATION, SqlPlayoutSchedule(station.engine),
                    SqlPlayoutLibrary(station.engine), AirRules(), render_play_ids(1))  # fmt: skip
    cache = MasterCache(station.objects, station.folder / "cache")
    settings = TimelineSettings(duck_db=12.0, duck_ramp_s=0.2)
    with ThreadPoolExecutor(2) as pool:
        timeline = Timeline(lineup, Preparer(cache, pool), Mixer(), T0, settings)
        return World(station.folder).render(seconds, timeline)


def _start_s(report: RenderReport, asset_id: str) -> float:
    entry = next(e for e in report.as_run if e.asset_id == asset_id)
    return (entry.actual_start - T0).total_seconds()


@pytest.mark.parametrize(("link_duck", "heard_duck"), [(6.0, 6.0), (None, 12.0)])
def test_a_voiced_link_airs_in_its_slot_over_the_ducked_intro(
    station: Station, link_duck: float | None, heard_duck: float
) -> None:
    SqlSegments(station.engine, station.objects).save(_link(link_duck), _flac_tone(VOICE_HZ, 4.0))
    pcm, report = _render(station)

    assert [e.asset_id for e in report.as_run] == [SONG, LINK, NEXT]
    link = report.as_run[1]
    assert (link.kind, link.title, link.schedule_item_id) == (
        ItemKind.VOICE, "Voice link (en)", VOICE_ITEM)  # fmt: skip
    assert link.duration_s == pytest.approx(4.0, abs=0.01)
    assert _start_s(report, LINK) == pytest.approx(TALK_UP_AT, abs=0.001)
    assert _start_s(report, NEXT) == pytest.approx(TALK_UP_AT, abs=0.001)
    assert not report.failovers
    # The voice speaks over the intro and is done before the post at 6 s.
    assert tone_db(pcm, VOICE_HZ, TALK_UP_AT - 0.5) < -60
    assert tone_db(pcm, VOICE_HZ, TALK_UP_AT + 2.0) > -20
    assert tone_db(pcm, VOICE_HZ, TALK_UP_AT + 4.3) < -60
    # Under it the song is ducked by the link's own depth, else the station's 12 dB.
    under = tone_db(pcm, NEXT_HZ, TALK_UP_AT + 1.5)
    clear = tone_db(pcm, NEXT_HZ, TALK_UP_AT + 5.0)
    assert clear - under == pytest.approx(heard_duck, abs=1.0)


def test_without_a_segment_the_link_is_left_out_and_the_song_airs_at_its_time(
    station: Station,
) -> None:
    pcm, report = _render(station)
    assert [e.asset_id for e in report.as_run] == [SONG, NEXT]
    assert _start_s(report, NEXT) == pytest.approx(TALK_UP_AT, abs=0.001)
    assert tone_db(pcm, VOICE_HZ, TALK_UP_AT + 2.0) < -60
    under = tone_db(pcm, NEXT_HZ, TALK_UP_AT + 1.5)
    clear = tone_db(pcm, NEXT_HZ, TALK_UP_AT + 5.0)
    assert abs(clear - under) < 1.0  # nothing to duck under


def test_a_dropped_link_is_left_out_as_if_never_made(station: Station) -> None:
    segments = SqlSegments(station.engine, station.objects)
    segments.save(_link(6.0), _flac_tone(VOICE_HZ, 4.0))
    dropped = Segment(
        id="01JS" + "2" * 22, station=STATION, schedule_item_id=VOICE_ITEM, hour=T0,
        kind=SegmentKind.VOICE_LINK, status=SegmentStatus.DROPPED, language="en", script="",
        generator="rules", planned_ms=5_000, estimated_ms=0, duration_ms=0,
        reason="the take ran long twice", created_at=T0 - timedelta(minutes=10),
    )  # fmt: skip
    segments.save(dropped, None)  # newer: it supersedes the voiced one
    pcm, report = _render(station, 30.0)
    assert [e.asset_id for e in report.as_run] == [SONG, NEXT]
    assert tone_db(pcm, VOICE_HZ, TALK_UP_AT + 2.0) < -60


def test_a_fallback_airs_the_imaging_liner_in_the_links_slot(station: Station) -> None:
    liner, liner_hz = "01JD" + "3".rjust(22, "0"), 1500
    _song(station.engine, station.objects, station.folder, liner, liner_hz, 3.0, intro_s=0.0,
          kind=AssetKind.LINER)  # fmt: skip
    fallback = Segment(
        id=LINK, station=STATION, schedule_item_id=VOICE_ITEM, hour=T0,
        kind=SegmentKind.VOICE_LINK, status=SegmentStatus.FALLBACK, language="en", script="",
        generator="imaging", planned_ms=5_000, estimated_ms=0, duration_ms=3_000,
        asset_id=liner, reason="the language model timed out",
    )  # fmt: skip
    SqlSegments(station.engine, station.objects).save(fallback, None)
    pcm, report = _render(station, 30.0)
    assert [e.asset_id for e in report.as_run] == [SONG, liner, NEXT]
    assert report.as_run[1].schedule_item_id == VOICE_ITEM
    assert _start_s(report, liner) == pytest.approx(TALK_UP_AT, abs=0.001)
    assert tone_db(pcm, liner_hz, TALK_UP_AT + 1.5) > -20
    assert tone_db(pcm, VOICE_HZ, TALK_UP_AT + 1.5) < -60


def test_a_segment_airs_only_in_its_own_slot(station: Station) -> None:
    """A later ID with nothing produced is not filled with the earlier ID's segment."""

    def item(n: int, start_s: float, seconds: float, kind: ItemKind, asset: str | None,
             overlap_s: float = 0.0) -> ScheduledItem:  # fmt: skip
        category = "power" if kind is ItemKind.MUSIC else "id"
        return ScheduledItem(
            id=f"item-{n}".ljust(26, "0"), hour=T0, position=n,
            start=T0 + ms(round(start_s * 1000)), duration_ms=round(seconds * 1000),
            overlap_next_ms=round(overlap_s * 1000), kind=kind,
            category=category, hard=False, nominal_start=None, slot=n, asset_id=asset,
        )  # fmt: skip

    items = (item(0, 0, 20, ItemKind.MUSIC, SONG, 2), item(1, 18, 3, ItemKind.ID, None),
             item(2, 21, 30, ItemKind.MUSIC, NEXT, 2), item(3, 49, 3, ItemKind.ID, None),
             item(4, 52, 20, ItemKind.MUSIC, SONG, 2))  # fmt: skip
    plan = HourPlan(STATION, T0, "2027-03-01T14:00+00:00", "drive", items)
    SqlSchedules(station.engine).replace(STATION, [plan], program_version=2)
    legal_id = replace(_link(None, seconds=3.0), schedule_item_id=items[1].id,
                       kind=SegmentKind.STATION_ID)  # fmt: skip
    SqlSegments(station.engine, station.objects).save(legal_id, _flac_tone(VOICE_HZ, 3.0))

    pcm, report = _render(station, 56.0)
    assert [e.schedule_item_id for e in report.as_run if e.asset_id == LINK] == [items[1].id]
    assert _start_s(report, LINK) == pytest.approx(18.0, abs=0.001)
    assert tone_db(pcm, VOICE_HZ, 19.5) > -20
    second = next(e for e in report.as_run if e.schedule_item_id == items[3].id)
    assert second.asset_id != LINK
    assert second.substitution_reason is not None
    assert tone_db(pcm, VOICE_HZ, 50.5) < -60
