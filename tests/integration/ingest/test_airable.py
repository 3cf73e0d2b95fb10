"""Ingest refuses audio that would air as dead air, and never turns a quiet file up too far."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from onair.ingest.examine import Examined, IngestOptions, Refused, examine
from tests.integration.ingest.synth import render

pytestmark = pytest.mark.skipif(
    shutil.which("ffmpeg") is None, reason="ffmpeg missing: make test installs Debian's ffmpeg"
)

OPTIONS = IngestOptions()  # -16 LUFS, -1 dBTP, silence under -60 dBFS, at most +12 dB


def _refusal(path: Path) -> str:
    result = examine(str(path), OPTIONS)
    assert isinstance(result, Refused), result
    return result.reason


@pytest.mark.parametrize("suffix", ["wav", "mp3", "flac"])
def test_digital_silence_is_refused(tmp_path: Path, suffix: str) -> None:
    silence = ["-f", "lavfi", "-i", "anullsrc=r=44100:cl=stereo", "-t", "10"]
    path = render(tmp_path / f"silence.{suffix}", silence)
    assert _refusal(path) == f"silence.{suffix}: silent, nothing above -60 dBFS"


def test_hiss_under_the_silence_threshold_is_refused(tmp_path: Path) -> None:
    path = render(tmp_path / "hiss.wav", ["-f", "lavfi", "-i", "anoisesrc=d=10:a=0.00003"])
    assert _refusal(path) == "hiss.wav: silent, nothing above -60 dBFS"


def test_a_whisper_far_under_the_target_is_refused(tmp_path: Path) -> None:
    # ffmpeg's sine peaks at -18 dBFS: this one at -52 dBFS, above the silence
    # threshold, but about -56 LUFS.
    tone = "sine=frequency=1000:duration=10,volume=-34dB"
    reason = _refusal(render(tmp_path / "whisper.wav", ["-f", "lavfi", "-i", tone]))
    assert reason.startswith("whisper.wav: near-silent, -5")
    assert reason.endswith("LUFS is under -50 LUFS")


def test_a_blip_of_sound_in_silence_is_refused(tmp_path: Path) -> None:
    blip = "sine=frequency=440:duration=0.6,apad=whole_dur=8"
    reason = _refusal(render(tmp_path / "blip.flac", ["-f", "lavfi", "-i", blip]))
    assert reason == "blip.flac: only 0.60 s of sound above -60 dBFS"


def test_a_quiet_song_is_kept_and_turned_up_no_more_than_the_station_allows(
    tmp_path: Path,
) -> None:
    # About -37 LUFS: quiet but real program; reaching -16 LUFS would take +21 dB.
    tone = "sine=frequency=440:duration=6,volume=-15dB"
    result = examine(str(render(tmp_path / "quiet.flac", ["-f", "lavfi", "-i", tone])), OPTIONS)
    assert isinstance(result, Examined), result
    loudness = result.audio.loudness_lufs
    assert loudness is not None
    assert loudness < -16.0 - 12.0
    assert result.audio.gain_db == 12.0
    lower = examine(result.path, IngestOptions(max_gain_db=6.0))
    assert isinstance(lower, Examined)
    assert lower.audio.gain_db == 6.0
