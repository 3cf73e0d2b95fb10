"""An hour of awkward masters, ingested and rendered as an operator would: even loudness on air.

The library has what a real one has: dynamic masters with transients at full
scale, quiet classical swells peaking at -3 dBFS, brickwalled masters at
-8 LUFS, 22.05 kHz mono, and a song too quiet for the station's gain limit.
The rendered hour is measured item by item between its start and end in the
as-run, away from the crossfades.
"""

from __future__ import annotations

import json
import wave
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.e2e.cli import onair
from tests.fixtures.dynamic_library import Song, loudness, true_peak_dbtp, write_song

pytestmark = pytest.mark.timeout(600)

TARGET, CEILING, MAX_GAIN = -16.0, -1.0, 12.0
HOUR = datetime(2027, 3, 1, 10, tzinfo=UTC)
AWAY_FROM_CROSSFADES_S = 8.0
ENV = {"ONAIR_STATION": "loud"}

SONGS = [
    Song("dynamic-a.flac", 200, -24, hits_every_s=1.0, seed=1),
    Song("dynamic-b.mp3", 190, -24, hits_every_s=1.5, seed=2),
    Song("dynamic-c.ogg", 210, -23, hits_every_s=0.5, seed=3),
    Song("dynamic-d.mp3", 195, -25, hits_every_s=1.2, seed=4),
    Song("classical-a.flac", 240, -27, hits_every_s=15, hit_peak_dbfs=-3, swell=True, seed=5),
    Song("classical-b.ogg", 220, -26, hits_every_s=9, hit_peak_dbfs=-3, swell=True, seed=6),
    Song("brickwall.mp3", 190, -8, brickwalled=True, seed=7),
    Song("pop.mp3", 195, -11, hits_every_s=0.5, hit_peak_dbfs=-0.3, seed=9),
    Song(
        "mono.wav", 180, -20, hits_every_s=1.0, hit_peak_dbfs=-1, rate=22_050, channels=1, seed=12
    ),
    Song("even.mp3", 200, -16, seed=14),
    Song("soft.flac", 190, -18, seed=15),
    Song("quiet.flac", 200, -32, seed=17),  # needs +16 dB
]

STATION = f"""id: loud
name: Loudness FM
timezone: UTC
call_letters: KLUD
community: Springfield, Illinois
song_estimate_s: 200
categories:
  music: {{type: music}}
clocks:
  hour:
    slots: [{", ".join(["{category: music}"] * 18)}]
grid:
  mon-sun: {{"00-24": hour}}
rules:
  - {{rule: legal_id, enabled: false}}
"""


def _ok(*args: str, timeout: float = 120) -> str:
    done = onair(*args, env=ENV, timeout=timeout)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def aired(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    """The hour rendered to a WAV, and the library as ``library list --json`` shows it."""
    root = tmp_path_factory.mktemp("loudness")
    music, data = root / "music", str(root / "data")
    music.mkdir()
    for song in SONGS:
        write_song(music, song)
    (root / "station.yaml").write_text(STATION)
    _ok("station", "apply", str(root / "station.yaml"), "--data-dir", data)
    _ok("ingest", str(music), "--no-index", "--data-dir", data, timeout=300)
    _ok("schedule", "build", "--from", HOUR.date().isoformat(), "--days", "1", "--data-dir", data)
    out = root / "hour.wav"
    span = ("--from", HOUR.isoformat(), "--to", HOUR.replace(hour=11).isoformat())
    _ok("playout", "render", str(out), *span, "--data-dir", data, timeout=300)
    library = json.loads(_ok("library", "list", "--json", "--data-dir", data))
    return out, library


def _seconds(when: str) -> float:
    return (datetime.fromisoformat(when.replace("Z", "+00:00")) - HOUR).total_seconds()


def _measured(out: Path) -> dict[str, list[float]]:
    """Each song's loudness (LUFS) between its start and end, by asset id.

    A song the render's end cuts off is left out: part of a piece is not the piece.
    """
    rows = json.loads(out.with_name(out.name + ".asrun.json").read_text())
    heard: dict[str, list[float]] = {}
    with wave.open(str(out)) as pcm:
        rate = pcm.getframerate()
        for row in rows:
            start = _seconds(row["actual_start"]) + AWAY_FROM_CROSSFADES_S
            length = row["duration_s"] - 2 * AWAY_FROM_CROSSFADES_S
            cut_off = _seconds(row["actual_start"]) + row["duration_s"] > 3600 - 0.5
            if row["kind"] != "music" or length < 30 or cut_off:
                continue
            pcm.setpos(round(start * rate))
            frames = np.frombuffer(pcm.readframes(round(length * rate)), "<i2")
            audio = frames.reshape(-1, 2).astype(np.float64) / 32768
            heard.setdefault(row["asset_id"], []).append(loudness(audio, rate))
    return heard


def test_every_song_airs_within_1_lu_of_the_target(
    aired: tuple[Path, list[dict[str, Any]]],
) -> None:
    out, library = aired
    assets = {a["id"]: a for a in library}
    heard = _measured(out)
    assert len(heard) >= 10  # most of the library aired in the hour
    reachable = {i for i, a in assets.items() if a["loudness_lufs"] + MAX_GAIN >= TARGET}
    dynamic = {i for i in reachable if assets[i]["true_peak_dbtp"] + assets[i]["gain_db"] > CEILING}
    assert len(dynamic & heard.keys()) >= 4  # songs whose peaks the limiter takes
    off = {
        assets[i]["title"]: [round(lufs, 2) for lufs in heard[i]]
        for i in reachable & heard.keys()
        if any(abs(lufs - TARGET) > 1 for lufs in heard[i])
    }
    assert not off


def test_a_song_too_quiet_for_the_gain_limit_airs_max_gain_db_up(
    aired: tuple[Path, list[dict[str, Any]]],
) -> None:
    out, library = aired
    quiet = next(a for a in library if a["title"] == "quiet")
    assert quiet["gain_db"] == MAX_GAIN
    heard = _measured(out)
    assert quiet["id"] in heard
    for lufs in heard[quiet["id"]]:
        assert lufs == pytest.approx(quiet["loudness_lufs"] + MAX_GAIN, abs=0.5)


def test_the_hour_never_goes_over_the_true_peak_ceiling(
    aired: tuple[Path, list[dict[str, Any]]],
) -> None:
    out, _ = aired
    worst = -np.inf
    with wave.open(str(out)) as pcm:
        ten_s = 10 * pcm.getframerate()
        overlap = 64  # the oversampling filter's reach, either side of a block edge
        for at in range(0, pcm.getnframes(), ten_s):
            pcm.setpos(max(0, at - overlap))
            frames = np.frombuffer(pcm.readframes(ten_s + 2 * overlap), "<i2")
            worst = max(worst, true_peak_dbtp(frames.reshape(-1, 2).astype(np.float64) / 32768))
    assert worst <= CEILING + 0.01  # 16-bit rounding of a sample at the ceiling
