"""The same recording is recognised in another encoding; a different one is not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from onair.ingest.ffmpeg.analysis import analyse
from onair.ingest.ffmpeg.identity import DUPLICATE_SIMILARITY, file_sha256, similarity
from tests.integration.ingest.synth import render

pytestmark = pytest.mark.skipif(
    shutil.which("ffmpeg") is None, reason="ffmpeg missing: .ci/run installs Debian's ffmpeg"
)


def _melody(path: Path, notes: str) -> Path:
    """20 s of a stepping melody: ``notes`` are semitones above A3, one a second."""
    steps = "+".join(f"{n}*between(mod(t,{len(notes.split())}),{i},{i}+0.999)"
                     for i, n in enumerate(int(x) for x in notes.split()))  # fmt: skip
    tone = f"aevalsrc='0.3*sin(2*PI*220*pow(2,({steps})/12)*t)':s=44100:d=20"
    return render(path, ["-f", "lavfi", "-i", tone], ["-ac", "2"])


def test_the_same_recording_in_another_encoding_is_a_duplicate(tmp_path: Path) -> None:
    tune = "0 4 7 12 7 4 2 5 9 5"
    flac = analyse(_melody(tmp_path / "a.flac", tune))
    mp3 = analyse(_melody(tmp_path / "a.mp3", tune))
    other = analyse(_melody(tmp_path / "b.flac", "11 1 6 3 10 8 0 9 2 7"))
    assert flac.fingerprint
    assert mp3.fingerprint
    assert similarity(flac.fingerprint, mp3.fingerprint) >= DUPLICATE_SIMILARITY
    assert similarity(flac.fingerprint, other.fingerprint) < DUPLICATE_SIMILARITY
    assert file_sha256(tmp_path / "a.flac") != file_sha256(tmp_path / "a.mp3")
