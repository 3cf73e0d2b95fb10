"""Search and similarity on a real library (SQLite and PostgreSQL) with the real MiniLM model."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from onair.domain.library import TIMBRE_BANDS, AssetKind, AudioFacts, Ending, LibraryAsset
from onair.domain.tags import TrackTags
from onair.ingest.discovery import Discovery, NothingToSearch
from onair.ingest.minilm_embedder import MiniLmEmbedder
from onair.storage.db import create_engine_for
from onair.storage.migrate import upgrade
from onair.storage.pg_vector_index import PgVectorIndex
from onair.storage.repositories import Stations
from onair.storage.repositories.library import SqlLibrary
from onair.storage.sqlite_vector_index import SqliteVectorIndex
from onair.storage.text_search import SqlTextSearch

STATION, OTHER = "kxyz", "wabc"


def _timbre(tilt: float, bump: int | None = None) -> tuple[float, ...]:
    """A spectrum falling by ``tilt`` dB a band, with an optional 12 dB bump in one band."""
    return tuple(-20.0 - tilt * n + (12.0 if n == bump else 0.0) for n in range(TIMBRE_BANDS))


def _audio(bpm: float, energy: float, timbre: tuple[float, ...], ending: Ending) -> AudioFacts:
    return AudioFacts(
        duration_s=230.0, codec="mp3", sample_rate=44100, channels=2, bitrate=192000,
        loudness_lufs=-14.0, loudness_range_lu=6.0, true_peak_dbtp=-1.0, gain_db=-2.0,
        cue_in_s=0.0, cue_out_s=229.0, intro_end_s=10.0, segue_s=225.0, ending=ending,
        bpm=bpm, energy=energy, fingerprint="", timbre=timbre,
    )  # fmt: skip


def _asset(
    asset_id: str,
    title: str,
    artist: str,
    genre: str | None,
    audio: AudioFacts | None,
    kind: AssetKind = AssetKind.MUSIC,
    station: str = STATION,
) -> LibraryAsset:
    tags = TrackTags(title=title, artist=artist, artists=(artist,), genre=genre)
    return LibraryAsset(id=asset_id, station=station, kind=kind, tags=tags, audio=audio)


CALM_DARK = _audio(70, 0.2, _timbre(2.5, bump=3), Ending.FADE)
CALM_DARK_TOO = _audio(74, 0.25, _timbre(2.4, bump=3), Ending.FADE)
FAST_BRIGHT = _audio(140, 0.92, _timbre(0.4, bump=18), Ending.COLD)
POP = _audio(122, 0.6, _timbre(1.0, bump=10), Ending.FADE)
ROCK = _audio(130, 0.88, _timbre(0.8, bump=12), Ending.COLD)
ID = _audio(100, 0.7, _timbre(1.0), Ending.COLD)
LIBRARY = [
    _asset("01BLUENIGHT", "Blue Night", "Ana Silva", "Jazz", CALM_DARK),
    _asset("02SAXATDAWN", "Sax at Dawn", "Leo Costa", "Jazz", CALM_DARK_TOO),
    _asset("03RUNITUP", "Run It Up", "DJ Kross", "Electronica", FAST_BRIGHT),
    _asset("04SUMMERPOP", "Summer Days", "The Tides", "Pop", POP),
    _asset("05HIGHWAY", "Highway Fire", "Rust", "Rock & Roll", ROCK),
    _asset("06QUIETHOURS", "Quiet Hours", "Mia Novak", "Nu-Jazz", None),
    _asset("07STATIONID", "KXYZ Station ID", "KXYZ", None, ID, AssetKind.STATION_ID),
    _asset("08OTHERJAZZ", "Late Night Jazz", "Other Station", "Jazz", CALM_DARK, station=OTHER),
]


@pytest.fixture(scope="module")
def embedder() -> MiniLmEmbedder:
    return MiniLmEmbedder()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    upgrade(database_url)
    engine = create_engine_for(database_url)
    Stations(engine).ensure(STATION, name="KXYZ", timezone="UTC")
    Stations(engine).ensure(OTHER, name="WABC", timezone="UTC")
    yield engine
    engine.dispose()


@pytest.fixture
def discovery(engine: Engine, embedder: MiniLmEmbedder) -> Discovery:
    library = SqlLibrary(engine)
    library.save_many(LIBRARY)
    index = PgVectorIndex if engine.dialect.name == "postgresql" else SqliteVectorIndex
    found = Discovery(
        library,
        embedder,
        meanings=index(engine),
        sounds=index(engine, 28, table="asset_sounds"),
        words=SqlTextSearch(engine),
    )
    assert found.index_pending(STATION) == 7
    assert found.index_pending(OTHER) == 1
    return found


def _ids(found: list) -> list[str]:  # type: ignore[type-arg]
    return [f.asset_id for f in found]


def test_a_mood_finds_calm_jazz_before_loud_music(discovery: Discovery) -> None:
    found = _ids(discovery.search(STATION, "mellow late-night jazz", k=5))
    assert set(found[:2]) == {"01BLUENIGHT", "02SAXATDAWN"}
    assert found.index("01BLUENIGHT") < found.index("03RUNITUP") if "03RUNITUP" in found else True


def test_an_artist_is_found_by_name_first(discovery: Discovery) -> None:
    found = discovery.search(STATION, "Leo Costa", k=3)
    assert found[0].asset_id == "02SAXATDAWN"
    assert found[0].ranks["words"] == 1


def test_search_stays_in_the_station_and_the_kind(discovery: Discovery) -> None:
    assert "08OTHERJAZZ" not in _ids(discovery.search(STATION, "Late Night Jazz", k=10))
    ids = _ids(discovery.search(STATION, "station identification", k=5, kind=AssetKind.STATION_ID))
    assert ids == ["07STATIONID"]


def test_a_query_without_words_is_refused(discovery: Discovery) -> None:
    with pytest.raises(NothingToSearch):
        discovery.search(STATION, "   ")


def test_similar_finds_the_sound_alike_of_the_same_kind(discovery: Discovery) -> None:
    found = discovery.similar("01BLUENIGHT", k=10)
    ids = _ids(found)
    assert ids[0] == "02SAXATDAWN"
    assert found[0].ranks == {"meaning": 1, "sound": 1}
    assert "01BLUENIGHT" not in ids
    assert "07STATIONID" not in ids
    assert "08OTHERJAZZ" not in ids
    assert ids.index("02SAXATDAWN") < ids.index("03RUNITUP")


def test_semantic_tags_come_from_sound_and_genre(discovery: Discovery) -> None:
    library = discovery.library
    assert set(library.get("01BLUENIGHT").semantic_tags) >= {"mood:mellow", "genre:jazz"}
    assert set(library.get("03RUNITUP").semantic_tags) >= {"mood:energetic", "genre:electronic"}
    assert "genre:rock" in library.get("05HIGHWAY").semantic_tags
    # Metadata alone gives a genre but no mood; imaging gets neither.
    assert library.get("06QUIETHOURS").semantic_tags == ("genre:jazz",)
    assert library.get("07STATIONID").semantic_tags == ()


def test_semantic_tags_are_searchable_words(discovery: Discovery) -> None:
    found = discovery.search(STATION, "energetic", k=3)
    assert found[0].asset_id in {"03RUNITUP", "05HIGHWAY"}
    assert "words" in found[0].ranks


def test_only_changed_assets_are_indexed_again(discovery: Discovery) -> None:
    assert discovery.index_pending(STATION) == 0
    library = discovery.library
    changed = library.get("04SUMMERPOP")
    retitled = changed.tags.model_copy(update={"title": "Winter Nights"})
    library.save(LibraryAsset(**{**changed.__dict__, "tags": retitled}))
    assert discovery.index_pending(STATION) == 1
    assert discovery.search(STATION, "Winter Nights", k=1)[0].asset_id == "04SUMMERPOP"
