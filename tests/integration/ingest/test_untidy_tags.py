"""The awkward library's untidy tags, ingested: file-name titles marked, one album counted once."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import combinations
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from onair.domain.albums import doubt, one_album
from onair.ingest.batch import find_audio, run_batch
from onair.ingest.examine import IngestOptions
from onair.ingest.intake import Intake
from onair.storage.db import create_engine_for
from onair.storage.fs_store import FilesystemObjectStore
from onair.storage.migrate import upgrade
from onair.storage.repositories import Stations
from onair.storage.repositories.library import SqlLibrary
from onair.storage.repositories.schedule_library import SqlScheduleLibrary
from tests.fixtures.awkward_library import AwkwardLibrary

STATION = "kawk"


@pytest.fixture(scope="module")
def engine(
    awkward_library: AwkwardLibrary, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """The awkward library ingested into SQLite once for the module."""
    url = f"sqlite:///{tmp_path_factory.mktemp('untidy') / 'onair.sqlite3'}"
    upgrade(url)
    engine = create_engine_for(url)
    Stations(engine).ensure(STATION, name="KAWK", timezone="UTC")
    store = FilesystemObjectStore(Path(str(url).removeprefix("sqlite:///")).parent / "objects")
    with ThreadPoolExecutor(2) as workers:
        intake = Intake(STATION, SqlLibrary(engine), store, IngestOptions(), workers)
        files = find_audio([awkward_library.folder]).files
        asyncio.run(run_batch(intake, files, in_flight=4))
    yield engine
    engine.dispose()


def test_untagged_files_are_marked_and_tagged_titles_are_not(
    engine: Engine, awkward_library: AwkwardLibrary
) -> None:
    by_source = {a.source_name: a for a in SqlLibrary(engine).page(STATION, limit=1000)}
    untagged = [Path(t.file).name for t in awkward_library.of_case("untagged")]
    assert untagged
    assert all(by_source[name].title_is_file_name for name in untagged)
    titled = {t.tags.title for t in awkward_library.tracks if t.tags and t.expect == "ready"}
    tagged = [a for a in by_source.values() if a.title in titled]
    assert len(tagged) >= 10
    assert not [a.title for a in tagged if a.title_is_file_name]


def test_the_half_tagged_soundtrack_is_one_album_however_its_tracks_are_tagged(
    engine: Engine, awkward_library: AwkwardLibrary
) -> None:
    titles = {t.tags.title for t in awkward_library.of_case("half_tagged_album") if t.tags}
    songs = [p for p in SqlScheduleLibrary(engine).playables(STATION) if p.title in titles]
    assert len(songs) == 4
    assert all(one_album(a.album_key, b.album_key) for a, b in combinations(songs, 2))
    assert [doubt(a.album_key, b.album_key) for a, b in combinations(songs, 2)].count(
        "same album title, album artist missing on one"
    ) == 4  # each of the two tagged tracks with each of the two untagged ones
