"""A file cut short is refused with what it promised; whole files with rough headers are not."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import mutagen
import pytest

from onair.ingest.examine import Examined, IngestOptions, Refused, examine
from tests.integration.ingest.synth import render

pytestmark = pytest.mark.skipif(
    shutil.which("ffmpeg") is None, reason="ffmpeg missing: make test installs Debian's ffmpeg"
)

NOISE = ["-f", "lavfi", "-i", "anoisesrc=d=30:a=0.2", "-ac", "2"]


def _cut(whole: Path, keep: float) -> Path:
    """The first ``keep`` of ``whole``'s bytes, as a download that stopped would leave it."""
    data = whole.read_bytes()
    cut = whole.with_name(f"cut{whole.suffix}")
    cut.write_bytes(data[: round(len(data) * keep)])
    return cut


def _reason(path: Path) -> str:
    result = examine(str(path), IngestOptions())
    assert isinstance(result, Refused), result
    return result.reason


@pytest.mark.parametrize("suffix", ["mp3", "wav"])
def test_a_file_cut_short_of_its_header_is_refused(tmp_path: Path, suffix: str) -> None:
    # Decoders play these to where the bytes stop, without an error: only the header tells.
    whole = render(tmp_path / f"whole.{suffix}", NOISE)
    assert isinstance(examine(str(whole), IngestOptions()), Examined)
    reason = _reason(_cut(whole, 0.4))
    assert reason.startswith(f"cut.{suffix}: truncated, its header says 30.0 s but 1")
    assert reason.endswith(" s decodes")


@pytest.mark.parametrize("suffix", ["flac", "m4a"])
def test_a_file_whose_decoder_stops_at_the_cut_says_where(tmp_path: Path, suffix: str) -> None:
    whole = render(tmp_path / f"whole.{suffix}", NOISE)
    if suffix == "m4a":  # ffmpeg writes the index at the end: move it to the front
        faststart = tmp_path / "start.m4a"
        subprocess.run(["ffmpeg", "-v", "error", "-i", str(whole), "-c", "copy",
                        "-movflags", "+faststart", str(faststart)], check=True)  # fmt: skip
        whole = faststart
    assert isinstance(examine(str(whole), IngestOptions()), Examined)
    reason = _reason(_cut(whole, 0.4))
    assert reason.startswith(f"cut.{suffix}: decoding failed at 1")  # 12 s of 30, about


@pytest.mark.parametrize("suffix", ["ogg", "opus"])
def test_an_ogg_stream_that_breaks_off_is_refused(tmp_path: Path, suffix: str) -> None:
    whole = render(tmp_path / f"whole.{suffix}", NOISE)
    assert isinstance(examine(str(whole), IngestOptions()), Examined)
    cut = _cut(whole, 0.4)
    # Ogg has no length in its header: a cut file reads as a shorter whole one.
    assert mutagen.File(cut).info.length < 15
    reason = _reason(cut)
    assert reason.startswith(f"cut.{suffix}: truncated, its Ogg stream breaks off at 1")
    assert reason.endswith(" s without its end")


def test_a_vbr_mp3_without_a_xing_header_is_not_taken_for_a_cut_one(tmp_path: Path) -> None:
    # 20 s of silence in small frames, then loud noise in large ones: the length
    # estimated from the first frames' bitrate is far longer than the song.
    opening = "anullsrc=r=44100:cl=stereo:d=20[a];anoisesrc=d=40:a=0.5[b];[a][b]concat=v=0:a=1"
    path = tmp_path / "no-xing.mp3"
    subprocess.run(["ffmpeg", "-v", "error", "-filter_complex", opening, "-c:a", "libmp3lame",
                    "-q:a", "0", "-write_xing", "0", str(path)], check=True)  # fmt: skip
    estimate = mutagen.File(path).info.length
    assert estimate - 60.0 > 5  # what a length check would have taken for a header
    result = examine(str(path), IngestOptions())
    assert isinstance(result, Examined), result
    assert result.audio.duration_s == pytest.approx(60.0, abs=0.1)


def test_a_wav_written_to_a_pipe_is_not_taken_for_a_cut_one(tmp_path: Path) -> None:
    # A writer that cannot seek back leaves the data size at its 4 GiB placeholder.
    pcm = subprocess.run(["ffmpeg", "-v", "error", *NOISE, "-c:a", "pcm_s16le", "-f", "wav", "-"],
                         capture_output=True, check=True).stdout  # fmt: skip
    path = tmp_path / "piped.wav"
    path.write_bytes(pcm)
    assert mutagen.File(path).info.length > 3600
    result = examine(str(path), IngestOptions())
    assert isinstance(result, Examined), result
    assert result.audio.duration_s == pytest.approx(30.0, abs=0.1)
