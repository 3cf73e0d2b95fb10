"""Ingest's gain airs each song at the target through the program limiter, peaks and all."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from onair.audio.limiter import TruePeakLimiter
from onair.ingest.examine import Examined, IngestOptions, examine
from onair.ingest.ffmpeg.aired_loudness import aired_loudness
from onair.playout.codecs.decoder import decode_cut
from tests.fixtures.dynamic_library import Song, loudness, true_peak_dbtp, write_song

pytestmark = pytest.mark.skipif(
    shutil.which("ffmpeg") is None, reason="ffmpeg missing: make test installs Debian's ffmpeg"
)

OPTIONS = IngestOptions()  # -16 LUFS, -1 dBTP, at most +12 dB


def _examined(folder: Path, song: Song) -> Examined:
    result = examine(str(write_song(folder, song)), OPTIONS)
    assert isinstance(result, Examined), result
    return result


def _as_aired(result: Examined) -> np.ndarray:
    """The song as the mixer airs it alone: decoded by playout, at its gain, limited."""
    audio, problem = decode_cut(Path(result.path), 0.0, result.audio.duration_s)
    assert problem is None
    limiter = TruePeakLimiter(OPTIONS.ceiling_dbtp)
    tail = np.zeros((limiter.latency, 2), np.float32)
    gained = audio * np.float32(10 ** (result.audio.gain_db / 20))
    limited = np.concatenate([limiter.process(gained), limiter.process(tail)])
    return limited[limiter.latency :].astype(np.float64)


@pytest.mark.parametrize(
    "song",
    [
        Song("dynamic.flac", 60, -24, hits_every_s=1.0, seed=1),  # transients at 0 dBFS
        Song("classical.ogg", 90, -27, hits_every_s=12, hit_peak_dbfs=-3, swell=True, seed=2),
        Song("mono.wav", 45, -21, hits_every_s=0.8, hit_peak_dbfs=-1, rate=22_050, channels=1),
    ],
    ids=lambda song: song.name,
)
def test_a_dynamic_song_airs_at_the_target_through_the_limiter(tmp_path: Path, song: Song) -> None:
    result = _examined(tmp_path, song)
    facts = result.audio
    assert facts.loudness_lufs is not None
    assert facts.true_peak_dbtp is not None
    # Capped by its own true peak it would air far under the target.
    assert facts.loudness_lufs + (-1.0 - facts.true_peak_dbtp) < -19.0
    assert facts.true_peak_dbtp + facts.gain_db > -1.0  # the limiter takes its peaks
    aired = _as_aired(result)
    assert loudness(aired, 48_000) == pytest.approx(-16.0, abs=0.5)
    assert true_peak_dbtp(aired) <= -1.0 + 0.01
    assert aired_loudness(Path(result.path), facts.gain_db, -1.0) == pytest.approx(-16.0, abs=0.3)


def test_a_brickwalled_master_is_turned_down_and_never_limited(tmp_path: Path) -> None:
    result = _examined(tmp_path, Song("loud.mp3", 40, -8, brickwalled=True, seed=3))
    facts = result.audio
    assert facts.loudness_lufs is not None
    assert facts.true_peak_dbtp is not None
    assert facts.gain_db == pytest.approx(-16.0 - facts.loudness_lufs, abs=0.01)
    assert facts.true_peak_dbtp + facts.gain_db < -1.0
    assert loudness(_as_aired(result), 48_000) == pytest.approx(-16.0, abs=0.2)


def test_a_song_too_quiet_for_max_gain_db_airs_that_much_louder_and_no_more(
    tmp_path: Path,
) -> None:
    result = _examined(tmp_path, Song("quiet.flac", 40, -32, seed=4))
    facts = result.audio
    assert facts.loudness_lufs is not None
    assert facts.gain_db == 12.0
    aired = loudness(_as_aired(result), 48_000)
    assert aired == pytest.approx(facts.loudness_lufs + 12.0, abs=0.2)
