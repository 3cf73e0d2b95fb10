"""Ingest into a real library (SQLite and PostgreSQL) and a real object folder."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from mutagen.oggvorbis import OggVorbis
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from onair.domain.library import AssetKind, RejectKind
from onair.domain.rights import Use
from onair.ingest.batch import find_audio, run_batch
from onair.ingest.catalog_load import load_catalog
from onair.ingest.examine import IngestOptions
from onair.ingest.ffmpeg.demo_library import build_demo_library
from onair.ingest.intake import Intake
from onair.storage.db import create_engine_for
from onair.storage.fs_store import FilesystemObjectStore
from onair.storage.migrate import upgrade
from onair.storage.repositories import Stations
from onair.storage.repositories.library import SqlLibrary
from onair.storage.tables import Asset
from tests.integration.ingest.synth import render

STATION = "kxyz"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    out = tmp_path_factory.mktemp("demo")
    build_demo_library(out, 9, seed=3, seconds=(16.0, 22.0))
    return out, json.loads((out / "truth.json").read_text())


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    upgrade(database_url)
    engine = create_engine_for(database_url)
    Stations(engine).ensure(STATION, name="KXYZ", timezone="UTC")
    yield engine
    engine.dispose()


@pytest.fixture
def library(engine: Engine) -> SqlLibrary:
    return SqlLibrary(engine)


@pytest.fixture
def store(tmp_path: Path) -> FilesystemObjectStore:
    return FilesystemObjectStore(tmp_path / "objects")


@pytest.fixture
def intake(library: SqlLibrary, store: FilesystemObjectStore) -> Iterator[Intake]:
    with ThreadPoolExecutor(2) as workers:
        yield Intake(STATION, library, store, IngestOptions(), workers)


def _run(intake: Intake, *paths: Path) -> dict[str, int]:
    files = find_audio(paths).files
    summary = asyncio.run(run_batch(intake, files, in_flight=4))
    return {status.value: n for status, n in summary.counts.items() if n}


def _objects(store: FilesystemObjectStore) -> list[str]:
    return [info.key for info in store.list()]


def test_a_library_is_ingested_with_its_truth_and_objects(
    demo: tuple[Path, list[dict[str, Any]]],
    intake: Intake,
    library: SqlLibrary,
    store: FilesystemObjectStore,
) -> None:
    folder, truth = demo
    assert _run(intake, folder) == {"ingested": len(truth)}
    assets = {a.source_name: a for a in library.page(STATION)}
    for item in truth:
        asset = assets[Path(item["file"]).name]
        assert asset.audio is not None
        assert asset.kind == AssetKind(item["kind"])
        assert asset.audio.cue_in_s == pytest.approx(item["lead_s"], abs=0.05)
        assert asset.audio.ending == item["ending"]
        assert store.exists(asset.master_key or "")
        peaks = json.loads(store.get_bytes(asset.waveform_key or ""))
        assert peaks["bits"] == 8
        assert peaks["length"] == pytest.approx(asset.audio.duration_s * 100, abs=2)
        assert len(peaks["data"]) == peaks["length"] * peaks["channels"] * 2
        if item["kind"] == "music":
            assert asset.tags.isrc == item["isrc"]
            assert asset.tags.title == item["title"]
    assert len(_objects(store)) == 2 * len(truth)


def test_a_rerun_redoes_nothing(
    demo: tuple[Path, list[dict[str, Any]]], intake: Intake, library: SqlLibrary
) -> None:
    folder, truth = demo
    _run(intake, folder)
    before = {a.id for a in library.page(STATION)}
    assert _run(intake, folder) == {"unchanged": len(truth)}
    assert {a.id for a in library.page(STATION)} == before


def test_the_same_file_and_the_same_recording_re_encoded_are_duplicates(
    demo: tuple[Path, list[dict[str, Any]]], intake: Intake, library: SqlLibrary, tmp_path: Path
) -> None:
    folder, truth = demo
    song = folder / next(t["file"] for t in truth if t["kind"] == "music")
    _run(intake, song)
    original = library.page(STATION)[0]
    copies = tmp_path / "copies"
    copies.mkdir()
    shutil.copy(song, copies / "copy.mp3")
    render(copies / "again.ogg", ["-i", str(song)])
    assert _run(intake, copies) == {"duplicate": 2}
    rejects = {Path(r.source).name: r for r in library.rejects(STATION)}
    assert rejects["copy.mp3"].kind is RejectKind.DUPLICATE
    assert rejects["copy.mp3"].duplicate_of == original.id
    assert rejects["again.ogg"].duplicate_of == original.id
    assert "same recording" in rejects["again.ogg"].reason
    assert library.count(STATION) == 1


def test_bad_files_are_refused_one_line_each_and_the_batch_goes_on(
    demo: tuple[Path, list[dict[str, Any]]],
    intake: Intake,
    library: SqlLibrary,
    store: FilesystemObjectStore,
    tmp_path: Path,
) -> None:
    folder, truth = demo
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.wav").write_bytes(b"")
    (bad / "notes.mp3").write_text("this is not audio\n")
    (bad / "noise.flac").write_bytes(bytes(range(256)) * 64)
    song = folder / next(t["file"] for t in truth if t["file"].endswith(".mp3"))
    shutil.copy(song, bad / "good.mp3")
    (bad / "cut.mp3").write_bytes(song.read_bytes()[: song.stat().st_size // 3])
    wav = render(tmp_path / "whole.wav", ["-f", "lavfi", "-i", "anoisesrc=d=6:a=0.2"])
    (bad / "cut.wav").write_bytes(wav.read_bytes()[:200_000])
    assert _run(intake, bad) == {"rejected": 5, "ingested": 1}
    reasons = {Path(r.source).name: r.reason for r in library.rejects(STATION)}
    assert reasons["empty.wav"] == "empty.wav: is empty (0 bytes)"
    assert reasons["notes.mp3"].startswith("notes.mp3: not decodable audio")
    assert reasons["cut.mp3"].startswith("cut.mp3: truncated, its header says")
    assert (
        reasons["cut.wav"] == "cut.wav: truncated, its header says 6.0 s but 2.1 s decodes"
    )  # 48 kHz mono 16-bit
    assert all("\n" not in reason for reason in reasons.values())
    assert len(_objects(store)) == 2  # the good file's master and waveform only


def test_a_failed_write_leaves_no_objects(
    demo: tuple[Path, list[dict[str, Any]]], library: SqlLibrary, store: FilesystemObjectStore
) -> None:
    folder, truth = demo
    with ThreadPoolExecutor(1) as workers:
        # An unregistered station: the rows violate their foreign key, after the objects.
        ghost = Intake("ghost", library, store, IngestOptions(), workers)
        with pytest.raises(IntegrityError, match=r"(?i)foreign key"):
            asyncio.run(ghost.ingest(str(folder / truth[1]["file"])))
    assert _objects(store) == []


def test_a_catalog_entry_waits_for_its_audio_and_keeps_its_rights(
    demo: tuple[Path, list[dict[str, Any]]], intake: Intake, library: SqlLibrary
) -> None:
    folder, truth = demo
    limited = next(t for t in truth if t["kind"] == "music")
    catalog = load_catalog(folder / "catalog.csv", STATION, library)
    music = [t for t in truth if t["kind"] == "music"]
    assert (catalog.added, catalog.rejected, len(catalog.audio)) == (len(music), 0, len(music))
    waiting = {a.tags.isrc: a for a in library.page(STATION)}
    assert all(a.audio is None for a in waiting.values())
    _run(intake, folder / limited["file"])
    asset = library.get(waiting[limited["isrc"]].id)  # the same asset, now with audio
    assert asset.audio is not None
    assert asset.tags.title == limited["title"]
    until = asset.rights[0].valid_until
    assert (until.isoformat() if until else "") == limited["valid_until"]
    assert asset.rights[0].territories == frozenset(limited["territories"].split(";"))


def test_a_catalog_after_the_audio_updates_the_same_asset(
    demo: tuple[Path, list[dict[str, Any]]], intake: Intake, library: SqlLibrary, tmp_path: Path
) -> None:
    folder, truth = demo
    song = next(t for t in truth if t["kind"] == "music")
    _run(intake, folder / song["file"])
    (before,) = library.page(STATION)
    feed = tmp_path / "feed.csv"
    feed.write_text(
        "isrc,title,artist,label,territories,valid_from,uses\n"
        f"{song['isrc']},{song['title']},{song['artist']},Demo Records,US;CA,2020-01-01,"
        "non_interactive_webcast\n"
        "XX-BAD-0000001,Broken,Nobody,,,,\n"
    )
    load = load_catalog(feed, STATION, library)
    assert (load.added, load.updated, load.rejected) == (0, 1, 1)
    after = library.get(before.id)
    assert after.tags.label == "Demo Records"
    assert after.audio == before.audio
    assert after.rights[0].territories == frozenset({"US", "CA"})
    assert after.rights[0].uses == frozenset({Use.NON_INTERACTIVE_WEBCAST})
    (reject,) = library.rejects(STATION)
    assert reject.source == "feed.csv:3"
    assert "XX-BAD-0000001" in reject.reason


def test_a_ddex_feed_loads_each_recording_once_with_every_deal(library: SqlLibrary) -> None:
    feed = Path(__file__).parents[2] / "unit" / "ingest" / "ddex" / "release-43.xml"
    load = load_catalog(feed, STATION, library)
    assert (load.added, load.rejected) == (2, 2)
    assets = {a.tags.isrc: a for a in library.page(STATION)}
    assert set(assets) == {"GBAAA2600001", "GBAAA2600002"}
    deals = assets["GBAAA2600001"].rights
    assert {u for d in deals for u in d.uses} == {Use.NON_INTERACTIVE_WEBCAST, Use.DOWNLOAD}
    reasons = sorted(r.reason for r in library.rejects(STATION))
    assert reasons[0].startswith("recording 3: SoundRecording A3: ISRC")


def _scheduling(engine: Engine, isrc: str) -> tuple[Any, ...]:
    query = sa.select(Asset.duration_s, Asset.tag_bpm, Asset.tag_energy, Asset.category)
    with engine.connect() as conn:
        return tuple(conn.execute(query.where(Asset.isrc == isrc)).one())


def test_a_catalog_times_and_categorizes_assets_whose_audio_has_not_arrived(
    engine: Engine, library: SqlLibrary, tmp_path: Path
) -> None:
    feed = tmp_path / "feed.csv"
    header = "isrc,title,artist,duration,bpm,energy,category\n"
    feed.write_text(header + "GBAYE0601498,Song,Band,3:35,118,0.7,power\n")
    assert load_catalog(feed, STATION, library).added == 1
    assert _scheduling(engine, "GBAYE0601498") == (215.0, 118.0, 0.7, "power")
    feed.write_text(header + "GBAYE0601498,Song,Band,201.5,96,0.4,recurrent\n")
    assert load_catalog(feed, STATION, library).updated == 1
    assert _scheduling(engine, "GBAYE0601498") == (201.5, 96.0, 0.4, "recurrent")
    feed.write_text(header + "GBAYE0601498,Song,Band,,,,\n")  # empty cells keep the values
    load_catalog(feed, STATION, library)
    assert _scheduling(engine, "GBAYE0601498") == (201.5, 96.0, 0.4, "recurrent")


def test_the_audio_s_duration_wins_over_the_catalog_s_and_the_category_stays(
    demo: tuple[Path, list[dict[str, Any]]], intake: Intake, engine: Engine, library: SqlLibrary
) -> None:
    folder, truth = demo
    song = next(t for t in truth if t["kind"] == "music")
    feed = folder.parent / "scheduling.csv"
    feed.write_text(
        "isrc,title,artist,file,duration,energy,category\n"
        f"{song['isrc']},{song['title']},{song['artist']},{song['file']},999,0.9,power\n"
    )
    load_catalog(feed, STATION, library)
    _run(intake, folder / song["file"])
    analysed = library.page(STATION)[0].audio
    assert analysed is not None
    duration, _, energy, category = _scheduling(engine, song["isrc"])
    assert (duration, energy, category) == (analysed.duration_s, 0.9, "power")
    load_catalog(feed, STATION, library)  # reloaded after the audio: the audio still wins
    assert _scheduling(engine, song["isrc"])[0] == analysed.duration_s


def test_titles_that_are_file_names_are_marked_and_real_titles_are_not(
    intake: Intake, library: SqlLibrary, engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "untidy"
    folder.mkdir()
    tone = ["-f", "lavfi", "-i", "sine=frequency=330:duration=4"]
    titles = {"time_to_strike.ogg": None, "a.ogg": "track22", "b.ogg": "Song 2", "c.ogg": "1999"}
    for name, title in titles.items():
        render(folder / name, tone, ["-af", f"volume={0.3 + len(name) / 100}"])  # distinct audio
        if title is not None:
            audio = OggVorbis(folder / name)
            audio["TITLE"], audio["ARTIST"] = title, "Unknown Artist"
            audio.save()
    assert _run(intake, folder) == {"ingested": 4}
    marked = {a.title: a.title_is_file_name for a in library.page(STATION)}
    assert marked == {"time_to_strike": True, "track22": True, "Song 2": False, "1999": False}
    with engine.connect() as conn:
        stored = conn.execute(sa.select(Asset.title, Asset.title_is_file_name)).all()
    assert dict((title, flag) for title, flag in stored) == marked
