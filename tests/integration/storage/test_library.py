"""The library repository's discovery bookkeeping, on both databases: timbre, staleness."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from onair.domain.library import TIMBRE_BANDS, AssetKind, AudioFacts, Ending, LibraryAsset
from onair.domain.tags import TrackTags, VocalGender
from onair.storage.repositories import Stations
from onair.storage.repositories.library import SqlLibrary
from onair.storage.tables import Asset
from tests.integration.storage.conftest import STATION

TIMBRE = tuple(-60.0 + 2.5 * band + 0.123456789 for band in range(TIMBRE_BANDS))


def _audio(timbre: tuple[float, ...] = TIMBRE) -> AudioFacts:
    return AudioFacts(
        duration_s=200.0,
        codec="mp3",
        sample_rate=44100,
        channels=2,
        bitrate=192000,
        loudness_lufs=-14.2,
        loudness_range_lu=6.0,
        true_peak_dbtp=-1.1,
        gain_db=-3.8,
        cue_in_s=0.1,
        cue_out_s=199.0,
        intro_end_s=12.0,
        segue_s=195.0,
        ending=Ending.FADE,
        bpm=120.0,
        energy=0.6,
        fingerprint="AQAA",
        version=2,
        timbre=timbre,
    )


def _asset(n: int, station: str = STATION, audio: AudioFacts | None = None) -> LibraryAsset:
    return LibraryAsset(
        id=f"01JD{n:022d}",
        station=station,
        kind=AssetKind.MUSIC,
        tags=TrackTags(title=f"Song {n}", artist="The Band"),
        sha256=f"{n:064x}",
        audio=audio,
    )


@pytest.fixture
def library(engine: Engine) -> SqlLibrary:
    return SqlLibrary(engine)


def _ids(assets: list[LibraryAsset]) -> list[str]:
    return [a.id for a in assets]


def test_timbre_round_trips(library: SqlLibrary) -> None:
    library.save_many([_asset(1, audio=_audio()), _asset(2, audio=_audio(timbre=()))])
    first, second = library.get(_asset(1).id), library.get(_asset(2).id)
    assert first.audio is not None
    assert first.audio.timbre == TIMBRE
    assert second.audio is not None
    assert second.audio.timbre == ()


def test_vocal_gender_round_trips(library: SqlLibrary) -> None:
    sung = replace(_asset(1), tags=TrackTags(title="Sung", vocal_gender=VocalGender.MIXED))
    library.save_many([sung, _asset(2)])
    assert library.get(sung.id).tags.vocal_gender is VocalGender.MIXED
    assert library.get(_asset(2).id).tags.vocal_gender is None


def test_an_analysis_without_timbre_reads_as_empty(library: SqlLibrary, engine: Engine) -> None:
    library.save(_asset(1, audio=_audio()))
    with engine.begin() as conn:  # as left by an analysis from before timbre
        conn.execute(sa.text("UPDATE asset_analysis SET timbre = NULL"))
    audio = library.get(_asset(1).id).audio
    assert audio is not None
    assert audio.timbre == ()


def test_new_assets_are_stale_until_indexed_and_again_once_saved(library: SqlLibrary) -> None:
    assets = [_asset(n) for n in range(3)]
    library.save_many(assets)
    assert _ids(library.stale_for_index(STATION)) == _ids(assets)
    library.mark_indexed(STATION, {assets[0].id: ["mellow"], assets[2].id: []})
    assert _ids(library.stale_for_index(STATION)) == [assets[1].id]
    library.save(replace(assets[0], tags=TrackTags(title="Song 0 (remastered)")))
    assert _ids(library.stale_for_index(STATION)) == [assets[0].id, assets[1].id]


def test_an_asset_saved_while_it_was_being_indexed_stays_stale(library: SqlLibrary) -> None:
    asset = _asset(1)
    library.save(asset)
    (read,) = library.stale_for_index(STATION)
    library.save(replace(asset, tags=TrackTags(title="Song 1 (new mix)")))  # meanwhile
    library.mark_indexed(STATION, {read.id: []}, as_of={read.id: read.updated_at})
    (again,) = library.stale_for_index(STATION)
    assert again.title == "Song 1 (new mix)"
    library.mark_indexed(STATION, {again.id: []}, as_of={again.id: again.updated_at})
    assert library.stale_for_index(STATION) == []


def test_marking_indexed_keeps_updated_at_and_a_save_keeps_indexed_at(
    library: SqlLibrary, engine: Engine
) -> None:
    asset = _asset(1)
    library.save(asset)
    before = _times(engine, asset.id)
    library.mark_indexed(STATION, {asset.id: ["late night"]})
    updated, indexed = _times(engine, asset.id)
    assert updated == before[0]
    assert indexed is not None
    assert updated is not None
    assert indexed >= updated
    library.save(asset)
    assert _times(engine, asset.id)[1] == indexed


def _times(engine: Engine, asset_id: str) -> tuple[datetime | None, datetime | None]:
    query = sa.select(Asset.updated_at, Asset.indexed_at).where(Asset.id == asset_id)
    with engine.connect() as conn:
        updated, indexed = conn.execute(query).one()
    return updated, indexed


def test_mark_indexed_sets_the_semantic_tags(library: SqlLibrary) -> None:
    library.save_many([_asset(1), _asset(2)])
    library.mark_indexed(STATION, {_asset(1).id: ["mellow", "late night", "jazz"]})
    assert library.get(_asset(1).id).semantic_tags == ("mellow", "late night", "jazz")
    assert library.get(_asset(2).id).semantic_tags == ()
    library.mark_indexed(STATION, {_asset(1).id: []})
    assert library.get(_asset(1).id).semantic_tags == ()


def test_mark_indexed_touches_only_the_station(library: SqlLibrary, engine: Engine) -> None:
    Stations(engine).ensure("wabc", name="WABC 770", timezone="America/New_York")
    theirs = _asset(1, station="wabc")
    library.save(theirs)
    library.mark_indexed(STATION, {theirs.id: ["polka"], "01JDNOSUCHASSET00000000000": ["x"]})
    assert _ids(library.stale_for_index("wabc")) == [theirs.id]
    assert library.get(theirs.id).semantic_tags == ()
    assert library.stale_for_index(STATION) == []


def test_stale_assets_page_by_id(library: SqlLibrary) -> None:
    assets = [_asset(n) for n in range(2500)]
    library.save_many(assets)
    library.mark_indexed(STATION, {a.id: ["indexed"] for a in assets[::2]})
    seen: list[str] = []
    after: str | None = None
    while page := library.stale_for_index(STATION, limit=400, after_id=after):
        library.mark_indexed(STATION, {a.id: [] for a in page})  # the indexer's loop
        seen.extend(_ids(page))
        after = page[-1].id
    assert seen == _ids(assets[1::2])
    assert library.stale_for_index(STATION) == []
