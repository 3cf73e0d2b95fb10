"""Agents' segments on both databases: audio and record together, newest wins, playout airs them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from onair.domain.library import AssetKind, Ending
from onair.domain.playout import AssetSound
from onair.domain.programming import ItemKind
from onair.domain.rights import Use
from onair.domain.schedule import HourPlan, ScheduledItem, ms
from onair.domain.segments import Segment, SegmentKind, SegmentStatus
from onair.storage.fs_store import FilesystemObjectStore
from onair.storage.migrate import current_revision, downgrade, head_revision, upgrade
from onair.storage.object_store import ObjectNotFound
from onair.storage.repositories import Stations
from onair.storage.repositories.library import SqlLibrary
from onair.storage.repositories.playout_library import SqlPlayoutLibrary
from onair.storage.repositories.playout_schedule import SqlPlayoutSchedule
from onair.storage.repositories.schedules import SqlSchedules
from onair.storage.repositories.segments import SqlSegments
from onair.storage.tables import AgentSegment
from tests.integration.storage.conftest import STATION
from tests.integration.storage.test_playout_storage import AUDIO, _song

OTHER = "kabc"
HOUR = datetime(2026, 3, 2, 18, tzinfo=UTC)
FLAC = b"fLaC\x00\x00\x00\x22 not really a stream, but bytes the store must keep exactly"


def _id(n: int) -> str:
    return f"01JS{n:022d}"


def _segment(n: int, item: str = "item-voice", **changes: object) -> Segment:
    segment = Segment(
        id=_id(n),
        station=STATION,
        schedule_item_id=item.ljust(26, "0"),
        hour=HOUR,
        kind=SegmentKind.VOICE_LINK,
        status=SegmentStatus.READY,
        language="es-MX",
        script="Eso fue The Band con Song 1. Son las doce y cuarto en KXYZ.",
        generator="llm:qwen2.5-7b",
        planned_ms=8_000,
        estimated_ms=7_400,
        duration_ms=7_512,
        master_key=f"segments/{STATION}/{_id(n)}.flac",
        voice="es-419",
        gain_db=-3.25,
        start_offset_ms=250,
        post_ms=9_100,
        duck_db=6.0,
        tempo=1.04,
        attempts=2,
        llm_tokens=612,
        tts_chars=61,
        reason=None,
        created_at=HOUR - timedelta(minutes=50, microseconds=-123_456),
    )
    return replace(segment, **changes)  # type: ignore[arg-type]


@pytest.fixture
def objects(tmp_path: Path) -> FilesystemObjectStore:
    store = FilesystemObjectStore(tmp_path / "objects")
    store.check()
    return store


@pytest.fixture
def segments(engine: Engine, objects: FilesystemObjectStore) -> SqlSegments:
    return SqlSegments(engine, objects)


def _rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(AgentSegment)).scalar_one()


def test_a_segment_comes_back_with_every_field_and_its_audio(
    segments: SqlSegments, objects: FilesystemObjectStore
) -> None:
    segment = _segment(1)
    segments.save(segment, FLAC)
    assert segments.for_hour(STATION, HOUR) == [segment]
    back = segments.for_hour(STATION, HOUR)[0]
    assert back.created_at is not None
    assert back.created_at.microsecond == 123_456
    assert back.airs_asset == segment.id
    assert segment.master_key is not None
    assert objects.get_bytes(segment.master_key) == FLAC
    assert objects.head(segment.master_key).content_type == "audio/flac"


def test_a_fallback_is_a_record_without_audio(segments: SqlSegments) -> None:
    fallback = _segment(
        1, status=SegmentStatus.FALLBACK, master_key=None, asset_id="01JD" + "7" * 22,
        generator="imaging", reason="TTS voice 'xx' does not exist", duck_db=None,
    )  # fmt: skip
    segments.save(fallback, None)
    assert segments.for_hour(STATION, HOUR) == [fallback]


def test_audio_without_a_key_to_store_it_under_is_refused(
    engine: Engine, segments: SqlSegments
) -> None:
    with pytest.raises(ValueError, match="no master_key"):
        segments.save(_segment(1, master_key=None), FLAC)
    assert _rows(engine) == 0


def test_the_newest_segment_of_an_item_wins_and_the_older_stays_as_history(
    engine: Engine, segments: SqlSegments
) -> None:
    first = _segment(1)
    newer = _segment(2, script="Shorter.", created_at=HOUR - timedelta(minutes=47))
    other_item = _segment(3, item="item-promo", kind=SegmentKind.SHOW_PROMO)
    # Saved out of order: the newest is by creation time, not by when it was saved.
    segments.save(newer, FLAC)
    segments.save(first, FLAC)
    segments.save(other_item, FLAC)
    assert segments.for_hour(STATION, HOUR) == [other_item, newer]
    assert _rows(engine) == 3
    # At the same instant the later id wins.
    tie = _segment(4, script="Tie.", created_at=newer.created_at)
    segments.save(tie, FLAC)
    assert [s.id for s in segments.for_hour(STATION, HOUR)] == [other_item.id, tie.id]


def test_saving_the_same_segment_again_changes_nothing(
    segments: SqlSegments, objects: FilesystemObjectStore
) -> None:
    segment = _segment(1)
    segments.save(segment, FLAC)
    segments.save(replace(segment, script="Something else", duration_ms=1), b"other audio")
    segments.save(segment, FLAC)
    assert segments.for_hour(STATION, HOUR) == [segment]
    assert segment.master_key is not None
    assert objects.get_bytes(segment.master_key) == FLAC


def test_a_record_that_cannot_be_stored_leaves_no_audio_behind(
    engine: Engine, segments: SqlSegments, objects: FilesystemObjectStore
) -> None:
    orphan = _segment(1, station="nowhere")  # no such station: the foreign key refuses the row
    with pytest.raises(sa.exc.IntegrityError):
        segments.save(orphan, FLAC)
    assert orphan.master_key is not None
    assert not objects.exists(orphan.master_key)
    with pytest.raises(ObjectNotFound):
        objects.get_bytes(orphan.master_key)
    assert _rows(engine) == 0


def test_between_takes_the_hours_in_the_half_open_range_of_the_station(
    engine: Engine, segments: SqlSegments
) -> None:
    Stations(engine).ensure(OTHER, name="KABC", timezone="America/Los_Angeles")
    before = _segment(1, item="a", hour=HOUR - timedelta(hours=1))
    first = _segment(2, item="b")
    second = _segment(3, item="c", hour=HOUR + timedelta(hours=1))
    after = _segment(4, item="d", hour=HOUR + timedelta(hours=2))
    elsewhere = _segment(5, item="e", station=OTHER, master_key="segments/kabc/5.flac")
    for segment in (after, second, elsewhere, first, before):
        segments.save(segment, FLAC)
    assert segments.between(STATION, HOUR, HOUR + timedelta(hours=2)) == [first, second]
    assert segments.for_hour(STATION, HOUR + timedelta(hours=1)) == [second]
    assert segments.between(OTHER, HOUR, HOUR + timedelta(hours=1)) == [elsewhere]
    assert segments.for_hour(STATION, HOUR + timedelta(minutes=30)) == []


# -- what playout reads -----------------------------------------------------------------


def _item(n: int, kind: ItemKind, start: datetime, asset_id: str | None) -> ScheduledItem:
    category = {ItemKind.MUSIC: "power", ItemKind.VOICE: "voice"}.get(kind, kind.value)
    return ScheduledItem(
        id=f"item-{kind.value}".ljust(26, "0") if asset_id is None else f"item-{n}".ljust(26, "0"),
        hour=HOUR, position=n, start=start, duration_ms=8_000, overlap_next_ms=0, kind=kind,
        category=category, hard=False, nominal_start=None, slot=n, asset_id=asset_id,
        why={"talk_up": True} if kind is ItemKind.VOICE else {},
    )  # fmt: skip


def _hour(engine: Engine) -> list[ScheduledItem]:
    """A song, a voice link, a promo, an ID and a song; the middle three planned."""
    kinds = [ItemKind.MUSIC, ItemKind.VOICE, ItemKind.PROMO, ItemKind.ID, ItemKind.MUSIC]
    items = []
    for n, kind in enumerate(kinds):
        song = f"01JD{n:022d}" if kind is ItemKind.MUSIC else None
        items.append(_item(n, kind, HOUR + ms(n * 8_000), song))
    plan = HourPlan(station=STATION, start=HOUR, local_label="2026-03-02T12:00-06:00",
                    clock="drive", items=tuple(items))  # fmt: skip
    SqlSchedules(engine).replace(STATION, [plan], program_version=1)
    return items


def test_playout_airs_each_planned_items_newest_segment(
    engine: Engine, segments: SqlSegments
) -> None:
    items = _hour(engine)
    song, voice, promo, station_id, last = items
    liner = "01JD" + "9" * 22
    segments.save(_segment(1, item="item-voice"), FLAC)
    segments.save(_segment(2, item="item-voice", created_at=HOUR - timedelta(minutes=40)), FLAC)
    segments.save(_segment(3, item="item-promo", kind=SegmentKind.SHOW_PROMO,
                           status=SegmentStatus.FALLBACK, master_key=None, asset_id=liner),
                  None)  # fmt: skip
    segments.save(_segment(4, item="item-id", kind=SegmentKind.STATION_ID), FLAC)
    segments.save(_segment(5, item="item-id", kind=SegmentKind.STATION_ID, master_key=None,
                           status=SegmentStatus.DROPPED, created_at=HOUR - timedelta(minutes=5),
                           reason="the deadline passed"), None)  # fmt: skip

    aired = SqlPlayoutSchedule(engine).history(STATION, HOUR, HOUR + timedelta(hours=1))
    assert [i.asset_id for i in aired] == [song.asset_id, _id(2), liner, None, last.asset_id]
    assert aired[1] == replace(voice, asset_id=_id(2))  # nothing else of the item changes
    assert aired[2] == replace(promo, asset_id=liner)
    assert aired[3] == station_id  # the newest was dropped: no audio, as planned
    # The scheduler's own read is the schedule as built.
    assert SqlSchedules(engine).history(STATION, HOUR, HOUR + timedelta(hours=1)) == items
    # A window that starts after the planned items sees none of their segments.
    later = SqlPlayoutSchedule(engine).history(STATION, HOUR + ms(32_000), HOUR + ms(40_000))
    assert later == [last]


def test_a_segment_of_another_station_is_not_aired(engine: Engine, segments: SqlSegments) -> None:
    Stations(engine).ensure(OTHER, name="KABC", timezone="America/Los_Angeles")
    _hour(engine)
    segments.save(_segment(1, item="item-voice", station=OTHER), FLAC)
    aired = SqlPlayoutSchedule(engine).history(STATION, HOUR, HOUR + timedelta(hours=1))
    assert aired[1].asset_id is None


def test_the_playout_library_finds_voiced_segments_by_id_only(
    engine: Engine, segments: SqlSegments
) -> None:
    SqlLibrary(engine).save(_song(1, AUDIO, "masters/kxyz/1.flac"))
    segments.save(_segment(1, item="item-voice", duck_db=-6.0), FLAC)
    segments.save(_segment(2, item="item-id", kind=SegmentKind.STATION_ID, language="en"), FLAC)
    segments.save(_segment(3, item="item-promo", status=SegmentStatus.FALLBACK, master_key=None,
                           asset_id="01JD" + "9" * 22), None)  # fmt: skip
    library = SqlPlayoutLibrary(engine)
    wanted = ["01JD" + "1".rjust(22, "0"), _id(1), _id(2), _id(3)]

    playables = {p.id: p for p in library.playables(STATION, wanted)}
    assert sorted(playables) == sorted(wanted[:3])  # a fallback's own id airs nothing
    link, legal_id = playables[_id(1)], playables[_id(2)]
    assert (link.kind, link.title, link.artist) == (AssetKind.VOICE, "Voice link (es-MX)", None)
    assert (legal_id.kind, legal_id.title) == (AssetKind.STATION_ID, "Station ID (en)")
    assert (link.length_ms, link.intro_ms, link.segue_ms, link.ending) == (
        7_512, 0, 7_512, Ending.COLD)  # fmt: skip
    assert all(link.rights[0].allows(use, "BR", HOUR.date()) for use in Use)
    assert _id(1) not in {p.id for p in library.playables(STATION)}  # not in fallback's pool

    sounds = library.sounds(STATION, wanted)
    assert sorted(sounds) == sorted(wanted[:3])
    key = f"segments/{STATION}/{_id(1)}.flac"
    # The link said -6 dB: the song under it is ducked 6 dB, not the station's depth.
    assert sounds[_id(1)] == AssetSound(_id(1), key, 0.0, 7.512, 0.0, 7.512, -3.25, Ending.COLD,
                                        6.0)  # fmt: skip
    assert library.sounds(OTHER, [_id(1)]) == {}


def test_migration_0008_goes_down_and_up_again(
    database_url: str, engine: Engine, segments: SqlSegments
) -> None:
    segments.save(_segment(1), FLAC)
    assert "agent_segments" in sa.inspect(engine).get_table_names()
    downgrade(database_url, "0007")
    assert current_revision(database_url) == "0007"
    assert "agent_segments" not in sa.inspect(engine).get_table_names()
    upgrade(database_url)
    assert current_revision(database_url) == head_revision()
    assert segments.for_hour(STATION, HOUR) == []
