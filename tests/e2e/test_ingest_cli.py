"""``onair ingest`` and ``onair library`` as an operator runs them."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.cli import onair

SHOW_FIELDS = {
    "id", "title", "artist", "artists", "album", "isrc", "label", "year", "genre", "explicit",
    "duration_s", "cue_in_s", "cue_out_s", "intro_end_s", "segue_s", "ending", "loudness_lufs",
    "loudness_range_lu", "true_peak_dbtp", "gain_db", "bpm", "energy", "sha256", "fingerprint",
    "rights", "tags",
}  # fmt: skip


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("lib") / "demo"
    made = onair(
        "demo-library", str(out), "--tracks", "10", "--min-seconds", "12", "--max-seconds", "16",
        timeout=180,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    (out / "broken.mp3").write_text("not audio at all\n")
    return out


def test_ingest_reports_every_file_and_show_prints_the_whole_asset(
    library: Path, tmp_path: Path
) -> None:
    data = str(tmp_path / "d")
    catalog = str(library / "catalog.csv")
    result = onair("ingest", str(library), "--catalog", catalog, "--json", "--data-dir", data,
                   timeout=180)  # fmt: skip
    assert result.returncode == 1, result.stderr  # one file was rejected
    counts = json.loads(result.stdout)
    assert (counts["ingested"], counts["rejected"], counts["duplicate"]) == (10, 1, 0)
    assert "broken.mp3: not decodable audio" in result.stderr

    listed = json.loads(onair("library", "list", "--json", "--data-dir", data).stdout)
    song = next(a for a in listed if a["kind"] == "music" and a["isrc"])
    shown = onair("library", "show", song["id"], "--json", "--data-dir", data)
    assert shown.returncode == 0, shown.stderr
    view = json.loads(shown.stdout)
    assert view.keys() >= SHOW_FIELDS
    assert set(view["rights"]) == {"territories", "valid_from", "valid_until", "uses"}
    assert 0 <= view["cue_in_s"] < view["intro_end_s"] <= view["segue_s"] <= view["cue_out_s"]
    assert view["cue_out_s"] <= view["duration_s"]

    (reject,) = json.loads(onair("library", "rejects", "--json", "--data-dir", data).stdout)
    assert reject["source"].endswith("broken.mp3")
    assert reject["kind"] == "rejected"

    again = onair("ingest", str(library), "--json", "--data-dir", data, timeout=120)
    counts = json.loads(again.stdout)
    assert (counts["ingested"], counts["unchanged"], counts["rejected"]) == (0, 10, 1)


def test_bad_arguments_are_one_line(tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    nothing = onair("ingest", "--data-dir", data)
    assert nothing.returncode == 2
    assert "give audio files or folders" in nothing.stderr
    missing = onair("ingest", str(tmp_path / "nowhere"), "--data-dir", data)
    assert missing.returncode == 1
    assert missing.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'nowhere'}: no such file or folder"
    ]
    pipe = tmp_path / "pipe.mp3"
    os.mkfifo(pipe)
    piped = onair("ingest", str(pipe), "--data-dir", data)
    assert piped.returncode == 1
    assert piped.stderr.strip().splitlines() == [
        f"error: {pipe}: not a file or folder (a pipe, a device): give audio"
    ]
    unknown = onair("library", "show", "01ARZ3NDEKTSV4RRFFQ69G5FAV", "--data-dir", data)
    assert unknown.returncode == 1
    assert len(unknown.stderr.strip().splitlines()) == 1
    assert "no asset" in unknown.stderr


def _ingested(database: Path) -> int:
    try:
        with sqlite3.connect(database) as conn:
            return int(conn.execute("SELECT count(*) FROM ingest_files").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_a_killed_run_resumes_without_redoing_finished_files(library: Path, tmp_path: Path) -> None:
    data = tmp_path / "d"
    command = [sys.executable, "-m", "onair", "ingest", str(library / "music"), "-j", "1",
               "--data-dir", str(data)]  # fmt: skip
    run = subprocess.Popen(command, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while _ingested(data / "onair.sqlite3") < 3 and run.poll() is None:
        assert time.monotonic() < deadline, "ingest made no progress"
        time.sleep(0.02)
    os.killpg(run.pid, signal.SIGKILL)  # the workers too, as a power cut would
    run.wait()
    done = _ingested(data / "onair.sqlite3")
    songs = len(list((library / "music").iterdir()))
    assert 3 <= done < songs, "the run finished before it could be interrupted"

    resumed = onair("ingest", str(library / "music"), "--json", "--data-dir", str(data),
                    timeout=120)  # fmt: skip
    assert f"{done} files already done: resuming" in resumed.stderr
    counts = json.loads(resumed.stdout)
    assert (counts["unchanged"], counts["ingested"]) == (done, songs - done)
    listed = json.loads(onair("library", "list", "--json", "--data-dir", str(data)).stdout)
    assert len(listed) == songs


def test_search_and_similar_find_what_ingest_indexed(library: Path, tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    ingest = onair("ingest", str(library), "--catalog", str(library / "catalog.csv"),
                   "--data-dir", data, timeout=240)  # fmt: skip
    assert "indexing for search" in ingest.stderr
    listed = json.loads(onair("library", "list", "--json", "--data-dir", data).stdout)
    song = next(a for a in listed if a["kind"] == "music" and a["artist"])
    assert any(tag.startswith("mood:") for tag in song["tags"]), song

    by_artist = onair("library", "search", song["artist"], "--json", "--data-dir", data)
    assert by_artist.returncode == 0, by_artist.stderr
    hits = json.loads(by_artist.stdout)
    assert hits[0]["artist"] == song["artist"]
    assert hits[0]["ranks"]["words"] == 1

    alike = onair("library", "similar", song["id"], "--json", "--data-dir", data)
    assert alike.returncode == 0, alike.stderr
    similar = json.loads(alike.stdout)
    assert similar
    assert song["id"] not in {h["id"] for h in similar}
    assert {h["kind"] for h in similar} == {"music"}

    table = onair("library", "search", "mellow", "--limit", "3", "--data-dir", data)
    assert table.returncode == 0
    assert "why" in table.stdout

    empty = onair("library", "search", "  ", "--data-dir", data)
    assert empty.returncode == 1
    assert empty.stderr.strip().splitlines() == [
        "error: the search has no words: say what to look for"
    ]
    unknown = onair("library", "similar", "01ARZ3NDEKTSV4RRFFQ69G5FAV", "--data-dir", data)
    assert unknown.returncode == 1
    assert len(unknown.stderr.strip().splitlines()) == 1
    assert "no asset" in unknown.stderr


def test_links_out_of_the_folder_or_in_a_loop_are_refused_by_name(tmp_path: Path) -> None:
    secret = tmp_path / "elsewhere" / "secret.mp3"
    secret.parent.mkdir()
    secret.write_text("a file the station must never read\n")
    folder = tmp_path / "music"
    folder.mkdir()
    (folder / "out.mp3").symlink_to(secret)
    (folder / "loop.mp3").symlink_to(folder / "loop.mp3")
    data = str(tmp_path / "d")
    result = onair("ingest", str(folder), "--data-dir", data)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[:2] == [
        f"rejected: {folder / 'loop.mp3'}: a link in a loop: point it at a file in the folder",
        f"rejected: {folder / 'out.mp3'}: a link that leads out of {folder}:"
        " copy the file into the folder instead",
    ]
    assert "secret" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    listed = onair("library", "list", "--json", "--data-dir", data)
    assert json.loads(listed.stdout) == []
    rejects = onair("library", "rejects", "--json", "--data-dir", data)
    assert json.loads(rejects.stdout) == []


def test_a_catalog_row_naming_a_link_out_of_its_folder_reads_nothing_there(
    tmp_path: Path,
) -> None:
    secret = tmp_path / "elsewhere" / "secret.mp3"
    secret.parent.mkdir()
    secret.write_text("a file the station must never read\n")
    folder = tmp_path / "feed"
    folder.mkdir()
    (folder / "song.mp3").symlink_to(secret)
    catalog = folder / "catalog.csv"
    catalog.write_text("isrc,title,artist,file\nUSRC17607839,Song,Band,song.mp3\n")
    data = str(tmp_path / "d")
    result = onair("ingest", "--catalog", str(catalog), "--json", "--data-dir", data)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["rejected"] == 0
    assert "secret" not in result.stderr + result.stdout
    (asset,) = json.loads(onair("library", "list", "--json", "--data-dir", data).stdout)
    assert (asset["title"], asset["sha256"]) == ("Song", None)  # the metadata, no audio read
