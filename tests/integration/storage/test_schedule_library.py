"""The library as the scheduler reads it, on both databases: timing, rule facts, rights."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from onair.domain.library import AssetKind, AudioFacts, Ending, LibraryAsset
from onair.domain.rights import UsageRights, Use
from onair.domain.schedule import Playable
from onair.domain.tags import TrackTags, VocalGender
from onair.ingest.catalog_load import load_catalog
from onair.storage.repositories import Stations
from onair.storage.repositories.library import SqlLibrary
from onair.storage.repositories.schedule_library import SqlScheduleLibrary
from tests.integration.storage.conftest import STATION


@dataclass(frozen=True)
class Facts:
    duration_s: float | None = None
    energy: float | None = None
    category: str | None = None


CUED = AudioFacts(
    duration_s=201.0,
    codec="flac",
    sample_rate=44100,
    channels=2,
    bitrate=None,
    loudness_lufs=-14.0,
    loudness_range_lu=5.0,
    true_peak_dbtp=-1.0,
    gain_db=-2.0,
    cue_in_s=0.5,
    cue_out_s=200.25,
    intro_end_s=12.5,
    segue_s=195.75,
    ending=Ending.COLD,
    bpm=120.0,
    energy=0.6,
    fingerprint="AQAA",
)


def _asset(
    n: int,
    tags: TrackTags,
    audio: AudioFacts | None = None,
    *,
    station: str = STATION,
    kind: AssetKind = AssetKind.MUSIC,
    rights: tuple[UsageRights, ...] = (UsageRights(),),
) -> LibraryAsset:
    sha256 = f"{n:064x}" if audio else None
    return LibraryAsset(_id(n), station, kind, tags, rights, sha256=sha256, audio=audio)


def _id(n: int) -> str:
    return f"01JD{n:022d}"


@pytest.fixture
def library(engine: Engine) -> SqlLibrary:
    return SqlLibrary(engine)


def _by_title(engine: Engine) -> dict[str, Playable]:
    return {p.title: p for p in SqlScheduleLibrary(engine).playables(STATION)}


def test_an_ingested_asset_is_timed_from_its_cue_points(
    engine: Engine, library: SqlLibrary
) -> None:
    tags = TrackTags(title="Cued (Radio Edit)", artist="The Band", album="Debut", year=2001)
    library.save(_asset(1, tags, CUED))
    late = replace(
        CUED, intro_end_s=0.2, segue_s=250.0, ending=Ending.FADE
    )  # before cue-in; past cue-out
    library.save(_asset(2, TrackTags(title="Late", artist="Band"), late))
    songs = _by_title(engine)
    cued = songs["Cued (Radio Edit)"]
    assert (cued.length_ms, cued.intro_ms, cued.segue_ms) == (199_750, 12_000, 195_250)
    assert cued.has_audio
    assert (cued.ending, cued.bpm, cued.energy) == (Ending.COLD, 120.0, 0.6)
    # No album artist tagged: the album is its title alone (domain.albums).
    assert (cued.title_key, cued.artist_keys, cued.album_key) == ("cued", ("band",), "|debut")
    assert (cued.year, cued.explicit, cued.kind) == (2001, False, AssetKind.MUSIC)
    late_song = songs["Late"]
    assert (late_song.intro_ms, late_song.segue_ms) == (0, late_song.length_ms)
    assert late_song.ending is Ending.FADE


def test_a_catalog_asset_without_audio_is_timed_from_its_duration(
    engine: Engine, library: SqlLibrary, tmp_path: Path
) -> None:
    feed = tmp_path / "feed.csv"
    feed.write_text(
        "isrc,title,artist,album,album_artist,explicit,vocal_gender,duration,bpm,energy,category\n"
        "GBAYE0601498,Summer,The Weeknd feat. Daft Punk,Starboy,The Weeknd,yes,male,3:35,118,"
        "0.7,power\n"
        "GBAYE0601499,Short,Band,,,,,1.5,,,\n"
        "GBAYE0601500,Untimed,Band,,,,,,,,gold\n"
    )
    assert load_catalog(feed, STATION, library).added == 3
    songs = _by_title(engine)
    assert set(songs) == {"Summer", "Short"}  # nothing can time "Untimed"
    summer = songs["Summer"]
    assert (summer.length_ms, summer.intro_ms, summer.segue_ms) == (215_000, 0, 213_000)
    assert not summer.has_audio
    assert (summer.category, summer.energy, summer.bpm) == ("power", 0.7, 118.0)
    assert (summer.explicit, summer.gender, summer.ending) == (True, VocalGender.MALE, None)
    assert summer.artists == ("The Weeknd", "Daft Punk")
    assert summer.artist_keys == ("weeknd", "daft punk")  # the featured artist counts too
    assert summer.album_key == "weeknd|starboy"
    assert summer.isrc == "GBAYE0601498"
    assert (songs["Short"].length_ms, songs["Short"].segue_ms) == (1_500, 0)


def test_the_catalog_s_tempo_energy_and_category_win_over_the_analysis(
    engine: Engine, library: SqlLibrary
) -> None:
    tags = TrackTags(title="Tagged", artist="Band", bpm=96.0)
    asset = _asset(1, tags, CUED)
    library.save_many([asset], {asset.id: Facts(duration_s=999.0, energy=0.2, category="gold")})
    (song,) = SqlScheduleLibrary(engine).playables(STATION)
    assert (song.bpm, song.energy, song.category) == (96.0, 0.2, "gold")
    assert song.length_ms == 199_750  # the audio's timing, not the catalog's duration
    assert song.has_audio


def test_every_deal_comes_back_as_usage_rights_in_order(
    engine: Engine, library: SqlLibrary
) -> None:
    us = UsageRights(
        territories=frozenset({"US", "CA"}),
        valid_from=date(2026, 1, 1),
        valid_until=date(2026, 6, 30),
        uses=frozenset({Use.NON_INTERACTIVE_WEBCAST}),
    )
    world = UsageRights()
    tags = TrackTags(title="Licensed", artist="Band")
    library.save_many(
        [
            _asset(1, tags, rights=(us, world)),
            _asset(2, TrackTags(title="Plain", artist="Band"), rights=(world,)),
        ],
        {_id(n): Facts(duration_s=180.0) for n in (1, 2)},
    )
    songs = _by_title(engine)
    assert songs["Licensed"].rights == (us, world)
    assert songs["Plain"].rights == (world,)
    assert songs["Licensed"].rights[0].allows(Use.NON_INTERACTIVE_WEBCAST, "US", date(2026, 3, 1))


def test_only_the_station_s_assets_by_id_with_their_kind(
    engine: Engine, library: SqlLibrary
) -> None:
    Stations(engine).ensure("other", name="Other", timezone="UTC")
    timed = {_id(n): Facts(duration_s=10.0) for n in (1, 2, 3)}
    library.save_many(
        [
            _asset(3, TrackTags(title="ID", artist="KXYZ"), kind=AssetKind.STATION_ID),
            _asset(1, TrackTags(title="Song", artist="Band")),
            _asset(2, TrackTags(title="Elsewhere", artist="Band"), station="other"),
        ],
        timed,
    )
    playables = SqlScheduleLibrary(engine).playables(STATION)
    assert [(p.title, p.kind) for p in playables] == [
        ("Song", AssetKind.MUSIC),
        ("ID", AssetKind.STATION_ID),
    ]
    assert playables[1].artist_keys == ("kxyz",)
    # Asked for by id, only those come back (with their credits), and never another station's.
    asked = SqlScheduleLibrary(engine).playables(STATION, {_id(3), _id(2)})
    assert [(p.title, p.artist_keys) for p in asked] == [("ID", ("kxyz",))]


def test_a_title_that_is_a_file_name_comes_back_marked(engine: Engine, library: SqlLibrary) -> None:
    library.save(_asset(1, TrackTags(title="Midnight Train", title_is_file_name=True), CUED))
    library.save(_asset(2, TrackTags(title="Song 2", artist="Blur"), replace(CUED, bpm=130.0)))
    songs = _by_title(engine)
    assert songs["Midnight Train"].title_is_file_name
    assert not songs["Song 2"].title_is_file_name


def _stored_keys(engine: Engine) -> dict[str, tuple[str | None, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT title, title_key, album_key FROM assets"))
        return {title: (title_key, album_key) for title, title_key, album_key in rows}


def test_an_ingest_and_a_catalog_load_store_the_schedule_keys(
    engine: Engine, library: SqlLibrary, tmp_path: Path
) -> None:
    tags = TrackTags(title="Cued (Radio Edit)", artist="Band", album="Debut (Deluxe)")
    library.save(_asset(1, tags, CUED))
    feed = tmp_path / "feed.csv"
    feed.write_text(
        "isrc,title,artist,album,album_artist,duration\n"
        "GBAYE0601498,Starboy - Single Version,The Weeknd,Starboy,The Weeknd,3:35\n"
        "GBAYE0601499,Short,Band,,,1.5\n"
    )
    load_catalog(feed, STATION, library)
    assert _stored_keys(engine) == {
        "Cued (Radio Edit)": ("cued", "|debut"),
        "Starboy - Single Version": ("starboy", "weeknd|starboy"),
        "Short": ("short", None),
    }
    # A save with new tags keys them again.
    renamed = TrackTags(title="Renamed", artist="Band", album="Debut (Deluxe)", album_artist="Band")
    library.save(_asset(1, renamed, CUED))
    assert _stored_keys(engine)["Renamed"] == ("renamed", "band|debut")
    assert _by_title(engine)["Renamed"].album_key == "band|debut"


def test_an_asset_saved_without_schedule_keys_is_keyed_when_read(
    engine: Engine, library: SqlLibrary
) -> None:
    tags = TrackTags(title="Cued (Radio Edit)", artist="Band", album="Debut", album_artist="Band")
    library.save(_asset(1, tags, CUED))
    library.save(_asset(2, TrackTags(title="Single", artist="Band"), CUED))
    with engine.begin() as conn:  # as a row saved before the keys were stored
        conn.execute(sa.text("UPDATE assets SET title_key = NULL, album_key = NULL"))
    songs = _by_title(engine)
    assert (songs["Cued (Radio Edit)"].title_key, songs["Cued (Radio Edit)"].album_key) == (
        "cued",
        "band|debut",
    )
    assert (songs["Single"].title_key, songs["Single"].album_key) == ("single", None)


def test_a_library_read_again_shows_every_asset_written_or_removed_since(
    engine: Engine, library: SqlLibrary
) -> None:
    reader = SqlScheduleLibrary(engine)  # one reader, as onair serve keeps
    library.save(_asset(1, TrackTags(title="One", artist="Band"), CUED))
    library.save(_asset(2, TrackTags(title="Two", artist="Band"), CUED))
    first = reader.playables(STATION)
    assert reader.playables(STATION) == first
    # An edit: other artists, other rights, other timing, all written with the asset.
    us = UsageRights(territories=frozenset({"US"}))
    edited = TrackTags(title="One", artist="Band", artists=("Band", "Guest"))
    library.save(_asset(1, edited, replace(CUED, cue_out_s=100.25), rights=(us,)))
    songs = {p.title: p for p in reader.playables(STATION)}
    assert songs["One"].artists == ("Band", "Guest")
    assert songs["One"].rights == (us,)
    assert songs["One"].length_ms == 99_750
    with engine.begin() as conn:  # as 'onair library remove' deletes it
        conn.execute(sa.text("DELETE FROM assets WHERE id = :id"), {"id": _id(2)})
    assert [p.title for p in reader.playables(STATION)] == ["One"]
