"""Liquidsoap airs ingest's gains at the target under the true-peak ceiling, as the mixer does."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from onair.domain.playout import AirItem
from onair.domain.programming import ItemKind
from onair.ingest.examine import Examined, IngestOptions, examine
from onair.playout.liquidsoap.requests import annotate_uri
from onair.playout.liquidsoap.script import render_with_liquidsoap
from tests.fixtures.dynamic_library import Song, loudness, true_peak_dbtp, write_song

pytestmark = pytest.mark.skipif(
    shutil.which("liquidsoap") is None or shutil.which("ffmpeg") is None,
    reason="liquidsoap or ffmpeg missing: apt-get install liquidsoap ffmpeg",
)

SECONDS = 40.0
SONGS = [
    Song("dynamic.flac", SECONDS, -24, hits_every_s=1.0, seed=1),  # transients at 0 dBFS
    Song("sparse.mp3", SECONDS, -24, hits_every_s=2.0, seed=2),
    Song("loud.mp3", SECONDS, -8, brickwalled=True, seed=3),
]


def _request(n: int, result: Examined) -> str:
    item = AirItem(
        play_id=f"play-{n}", asset_id=f"asset-{n}", kind=ItemKind.MUSIC, category="music",
        title=Path(result.path).stem, artist=None, master_key=f"masters/{n}",
        cue_in_s=0.0, cue_out_s=SECONDS, intro_s=0.0, segue_s=SECONDS,
        gain_db=result.audio.gain_db,
    )  # fmt: skip
    return annotate_uri(item, Path(result.path), cross_s=0.0, fade_in_s=0.0, fade_out_s=0.0)


def test_a_render_airs_every_song_at_the_target_under_the_ceiling(tmp_path: Path) -> None:
    requests = []
    for n, song in enumerate(SONGS):
        result = examine(str(write_song(tmp_path, song)), IngestOptions())
        assert isinstance(result, Examined), result
        requests.append(_request(n, result))
    out = tmp_path / "render.wav"
    render_with_liquidsoap(requests, out, work_dir=tmp_path / "work")
    pcm = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(out), "-f", "f32le", "-ac", "2", "-ar", "44100", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    audio = np.frombuffer(pcm, np.float32).reshape(-1, 2).astype(np.float64)
    assert len(audio) / 44_100 == pytest.approx(len(SONGS) * SECONDS, abs=0.5)
    for n, song in enumerate(SONGS):
        part = audio[round((n * SECONDS + 2) * 44_100) : round(((n + 1) * SECONDS - 2) * 44_100)]
        assert loudness(part, 44_100) == pytest.approx(-16.0, abs=0.5), song.name
    assert true_peak_dbtp(audio) <= -1.0
