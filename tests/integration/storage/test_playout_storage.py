"""Playout's storage on both databases: as-run, on-air state, operator actions, sounds."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from onair.domain.library import AssetKind, AudioFacts, Ending, LibraryAsset
from onair.domain.playout import (
    AsRunEntry,
    AssetSound,
    EndedBy,
    OnAirState,
    OperatorAction,
    Trigger,
)
from onair.domain.programming import ItemKind
from onair.domain.tags import TrackTags
from onair.storage.migrate import current_revision, downgrade, head_revision, upgrade
from onair.storage.repositories import Stations
from onair.storage.repositories.as_run import SqlAsRun
from onair.storage.repositories.library import SqlLibrary
from onair.storage.repositories.playout_library import SqlPlayoutLibrary
from onair.storage.repositories.playout_state import SqlOnAirState, SqlOperatorLog
from tests.integration.storage.conftest import STATION
from tests.integration.storage.test_schedule_library import CUED

OTHER = "kabc"
NOON = datetime(2026, 3, 2, 18, tzinfo=UTC)  # noon in Chicago
PLAYOUT_TABLES = {"playout_as_run", "playout_state", "playout_operator_actions"}

AUDIO = replace(CUED, gain_db=-2.5)  # the schedule library tests' analysis, another gain


def _id(n: int) -> str:
    return f"01JD{n:022d}"


def _entry(n: int, start: datetime, *, station: str = STATION) -> AsRunEntry:
    return AsRunEntry(
        play_id=_id(100 + n),
        station=station,
        asset_id=_id(n),
        kind=ItemKind.MUSIC,
        category="power",
        title=f"Song {n}",
        artist="The Band",
        actual_start=start,
        duration_s=199.123456,
        ended_by=EndedBy.CROSSFADE,
        schedule_item_id=_id(200 + n),
        scheduled_start=start - timedelta(microseconds=1_250),
        substitution_reason="the scheduled song's master was missing",
        adjustments=("faded 12.4 s early for the hard ID", "started 1.3 ms late"),
        listeners=42,
    )


def _action(n: int, at: datetime, trigger: Trigger = Trigger.SKIP) -> OperatorAction:
    return OperatorAction(
        id=_id(300 + n),
        station=STATION,
        trigger=trigger,
        who="dj.maria",
        at=at,
        asset_id=_id(n) if trigger is Trigger.INSERT_NEXT else None,
        note=f"action {n}",
        correlation_id=f"corr-{n}",
    )


STATE = OnAirState(
    station=STATION,
    play_id=_id(101),
    asset_id=_id(1),
    schedule_item_id=_id(201),
    started_at=NOON + timedelta(microseconds=123_456),
    offset_samples=2**33 + 7,  # past 32 bits: two days of samples at 48 kHz
    saved_at=NOON + timedelta(seconds=90, microseconds=654_321),
    held=True,
    queued=(_id(2), _id(3)),
)


def test_an_as_run_entry_comes_back_with_every_field(engine: Engine) -> None:
    log = SqlAsRun(engine)
    entry = _entry(1, NOON + timedelta(microseconds=987_654))
    unscheduled = AsRunEntry(
        play_id=_id(150),
        station=STATION,
        asset_id=None,
        kind=ItemKind.VOICE,
        category="voice",
        title="Live break",
        artist=None,
        actual_start=NOON + timedelta(minutes=4),
        duration_s=12.0,
        ended_by=EndedBy.SKIP,
    )
    log.record(entry)
    log.record(unscheduled)
    back = log.between(STATION, NOON, NOON + timedelta(hours=1))
    assert back == [entry, unscheduled]
    assert back[0].actual_start.tzinfo is not None
    assert back[0].actual_start.microsecond == 987_654
    assert back[0].adjustments == entry.adjustments
    assert back[0].start_error_ms == pytest.approx(1.25)
    assert back[1].start_error_ms is None


def test_recording_a_play_id_again_changes_nothing(engine: Engine) -> None:
    log = SqlAsRun(engine)
    entry = _entry(1, NOON)
    log.record(entry)
    log.record(replace(entry, duration_s=1.0, ended_by=EndedBy.FAILOVER, adjustments=()))
    log.record(entry)
    assert log.between(STATION, NOON, NOON + timedelta(hours=1)) == [entry]


def test_between_takes_starts_in_the_half_open_range_of_the_station_in_air_order(
    engine: Engine,
) -> None:
    Stations(engine).ensure(OTHER, name="KABC", timezone="America/Los_Angeles")
    log = SqlAsRun(engine)
    minutes = [30, 0, 59, 60, 15]  # recorded out of order; 60 is the next hour's
    for n, minute in enumerate(minutes):
        log.record(_entry(n, NOON + timedelta(minutes=minute)))
    log.record(_entry(9, NOON + timedelta(minutes=5), station=OTHER))
    log.record(_entry(10, NOON - timedelta(microseconds=1)))
    back = log.between(STATION, NOON, NOON + timedelta(hours=1))
    assert [e.actual_start.minute for e in back] == [0, 15, 30, 59]
    assert [e.title for e in log.between(OTHER, NOON, NOON + timedelta(hours=1))] == ["Song 9"]


def test_the_on_air_state_is_saved_overwritten_and_loaded(engine: Engine) -> None:
    store = SqlOnAirState(engine)
    assert store.load(STATION) is None
    store.save(STATE)
    assert store.load(STATION) == STATE
    later = replace(
        STATE,
        play_id=_id(102),
        asset_id=_id(2),
        schedule_item_id=None,
        offset_samples=48_000,
        held=False,
        queued=(),
        saved_at=NOON + timedelta(minutes=4),
    )
    store.save(later)
    assert store.load(STATION) == later
    assert store.load(OTHER) is None


def test_operator_actions_come_back_in_the_order_they_were_taken(engine: Engine) -> None:
    log = SqlOperatorLog(engine)
    insert = _action(1, NOON + timedelta(seconds=30, microseconds=5), Trigger.INSERT_NEXT)
    skip = _action(2, NOON + timedelta(seconds=10))
    bare = OperatorAction(_id(399), STATION, Trigger.HOLD, "ops", NOON + timedelta(minutes=59))
    outside = _action(3, NOON + timedelta(hours=1))
    for action in (insert, skip, bare, outside):
        log.record(action)
    log.record(replace(skip, who="someone else"))  # a redelivered command
    assert log.between(STATION, NOON, NOON + timedelta(hours=1)) == [skip, insert, bare]
    assert log.between(OTHER, NOON, NOON + timedelta(hours=1)) == []


def _song(n: int, audio: AudioFacts | None, master: str | None) -> LibraryAsset:
    tags = TrackTags(title=f"Song {n}", artist="The Band")
    sha256 = f"{n:064x}" if audio else None
    return LibraryAsset(
        _id(n), STATION, AssetKind.MUSIC, tags, sha256=sha256, master_key=master, audio=audio
    )


def test_sounds_are_the_measured_cue_points_of_the_assets_with_audio(engine: Engine) -> None:
    library = SqlLibrary(engine)
    library.save(_song(1, AUDIO, "masters/kxyz/1.flac"))
    faded = replace(
        AUDIO, cue_in_s=0.0, intro_end_s=0.0, segue_s=190.0, gain_db=1.5, ending=Ending.FADE
    )
    library.save(_song(2, faded, "masters/kxyz/2.flac"))
    library.save(_song(3, None, None))  # a catalog entry waiting for its file
    library.save(_song(5, AUDIO, None))  # analysed, but no master to play from
    playout = SqlPlayoutLibrary(engine)
    sounds = playout.sounds(STATION, [_id(1), _id(3), _id(4), _id(5), _id(2)])
    cold = AssetSound(_id(1), "masters/kxyz/1.flac", 0.5, 200.25, 12.5, 195.75, -2.5, Ending.COLD)
    fade = AssetSound(_id(2), "masters/kxyz/2.flac", 0.0, 200.25, 0.0, 190.0, 1.5, Ending.FADE)
    assert sounds == {_id(1): cold, _id(2): fade}
    assert playout.sounds(STATION, [_id(2)]) == {_id(2): sounds[_id(2)]}
    assert playout.sounds(OTHER, [_id(1)]) == {}
    assert playout.sounds(STATION, []) == {}
    assert [p.id for p in playout.playables(STATION, [_id(1)])] == [_id(1)]


def test_sounds_reads_a_long_list_of_ids_in_chunks(engine: Engine) -> None:
    library = SqlLibrary(engine)
    library.save_many([_song(n, AUDIO, f"masters/{n}.flac") for n in range(1, 6)])
    asked = [_id(n) for n in range(1, 2_500)]
    sounds = SqlPlayoutLibrary(engine).sounds(STATION, asked)
    assert sorted(sounds) == [_id(n) for n in range(1, 6)]


def test_migration_0007_goes_down_and_up_again(database_url: str, engine: Engine) -> None:
    SqlAsRun(engine).record(_entry(1, NOON))
    assert set(sa.inspect(engine).get_table_names()) >= PLAYOUT_TABLES
    downgrade(database_url, "0006")
    assert current_revision(database_url) == "0006"
    assert not PLAYOUT_TABLES & set(sa.inspect(engine).get_table_names())
    upgrade(database_url)
    assert current_revision(database_url) == head_revision()
    assert SqlAsRun(engine).between(STATION, NOON, NOON + timedelta(hours=1)) == []
