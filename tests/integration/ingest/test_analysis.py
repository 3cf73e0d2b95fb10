"""One-decode analysis against files whose truth is known, in every format."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from onair.ingest.ffmpeg.analysis import UnreadableAudio, analyse
from tests.integration.ingest.synth import CODECS, render

pytestmark = pytest.mark.skipif(
    shutil.which("ffmpeg") is None, reason="ffmpeg missing: .ci/run installs Debian's ffmpeg"
)

LEAD, TONE, TAIL = 1.5, 3.0, 2.0


def _known(path: Path) -> Path:
    """1.5 s of silence, 3 s of a two-tone chord with noise, 2 s of silence; stereo 44.1 kHz."""
    music = (
        f"sine=frequency=330:duration={TONE}[a];sine=frequency=495:duration={TONE}[b];"
        f"anoisesrc=duration={TONE}:color=pink:amplitude=0.05[n];"
        "[a][b][n]amix=inputs=3:normalize=0,volume=0.4,"
        f"adelay={int(LEAD * 1000)}:all=1,apad=pad_dur={TAIL},"
        "aresample=44100,aformat=channel_layouts=stereo"
    )
    return render(path, ["-filter_complex", music])


def _ffmpeg_r128(path: Path) -> dict[str, float]:
    out = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-af", "ebur128=peak=true",
         "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    ).stderr  # fmt: skip
    summary = out[out.rindex("Summary:") :]
    return {
        key: float(re.search(rf"{key}:\s+(-?[\d.]+|-inf)", summary).group(1))  # type: ignore[union-attr]
        for key in ("I", "LRA", "Peak")
    }


@pytest.mark.parametrize("suffix", sorted(CODECS))
def test_duration_cues_and_loudness_match_the_truth_and_ffmpeg(suffix: str, tmp_path: Path) -> None:
    path = _known(tmp_path / f"known.{suffix}")
    result = analyse(path)
    reference = _ffmpeg_r128(path)
    assert result.duration_s == pytest.approx(LEAD + TONE + TAIL, abs=0.03)
    assert result.cue_in_s == pytest.approx(LEAD, abs=0.03)
    assert result.cue_out_s == pytest.approx(LEAD + TONE, abs=0.06)
    assert result.loudness_lufs == pytest.approx(reference["I"], abs=0.1)
    assert result.loudness_range_lu == pytest.approx(reference["LRA"], abs=0.1)
    assert result.true_peak_dbtp == pytest.approx(reference["Peak"], abs=0.2)
    assert result.sample_rate == (48000 if suffix == "opus" else 44100)
    assert result.channels == 2
    assert result.codec


def test_waveform_has_100_peaks_a_second_and_shows_the_silence(tmp_path: Path) -> None:
    result = analyse(_known(tmp_path / "known.flac"))
    wave = result.waveform
    assert wave.peaks_per_s == 100
    assert len(wave.maxima) == 2
    assert len(wave.maxima[0]) == pytest.approx(100 * (LEAD + TONE + TAIL), abs=2)
    assert max(wave.maxima[0][:140]) < 0.001  # the leading silence
    assert max(wave.maxima[0][160:440]) > 0.05  # the chord, about 0.08 at its peaks
    assert max(wave.maxima[0][460:]) < 0.001
    assert min(wave.minima[0][160:440]) < -0.05
    assert wave.to_json().startswith(b'{"peaks_per_s":100,')


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("empty.mp3", b"", "not decodable"),
        ("notes.mp3", b"these are liner notes, not audio\n" * 50, "not decodable|no audio"),
        ("cover.flac", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "not decodable|no audio"),
    ],
)
def test_what_is_not_audio_is_refused_in_one_line(
    tmp_path: Path, name: str, content: bytes, why: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableAudio, match=why) as caught:
        analyse(path)
    assert name in str(caught.value)
    assert "\n" not in str(caught.value)


def _shaped(path: Path, intro_s: float, body_s: float, fade_s: float) -> Path:
    """0.5 s silence, a quiet intro (-26 dB), the full body, then a fade (or a cut), 1 s silence."""
    total = intro_s + body_s + fade_s
    shape = f"volume='if(lt(t,{0.5 + intro_s}),0.05,1)':eval=frame" + (
        f",afade=t=out:st={0.5 + intro_s + body_s}:d={fade_s}:curve=tri" if fade_s else ""
    )
    music = (
        f"anoisesrc=duration={total}:color=pink:amplitude=0.5,adelay=500:all=1,{shape},"
        "apad=pad_dur=1,aformat=channel_layouts=stereo"
    )
    return render(path, ["-filter_complex", music], ["-ar", "44100"])


def test_a_song_with_an_intro_and_a_fade(tmp_path: Path) -> None:
    result = analyse(_shaped(tmp_path / "fade.flac", intro_s=5, body_s=10, fade_s=6))
    assert result.intro_end_s == pytest.approx(5.5, abs=0.3)
    assert result.ending == "fade"
    # A linear fade is 18 dB down 87% of the way through: 15.5 + 0.874 * 6 s.
    assert result.segue_s == pytest.approx(15.5 + 0.874 * 6, abs=0.4)
    assert result.segue_s < result.cue_out_s


def test_a_cold_open_and_a_cold_ending(tmp_path: Path) -> None:
    result = analyse(_shaped(tmp_path / "cold.flac", intro_s=0, body_s=8, fade_s=0))
    assert result.intro_end_s == pytest.approx(result.cue_in_s)
    assert result.cue_in_s == pytest.approx(0.5, abs=0.03)
    assert result.ending == "cold"
    assert result.segue_s == pytest.approx(result.cue_out_s)
    assert result.cue_out_s == pytest.approx(8.5, abs=0.05)


def test_a_cold_ending_with_a_ring_out_segues_where_the_song_stops(tmp_path: Path) -> None:
    # Loud to 8.5 s, then 1.5 s of ring-out 44 dB down: over the -60 dBFS cue-out
    # threshold, under the air's -50 dBFS silence threshold once the gain is applied.
    shape = "volume='if(lt(t,8.5),1,0.006)':eval=frame"
    music = (
        f"anoisesrc=duration=9.5:color=pink:amplitude=0.5,adelay=500:all=1,{shape},"
        "apad=pad_dur=1,aformat=channel_layouts=stereo"
    )
    result = analyse(render(tmp_path / "ring.flac", ["-filter_complex", music], ["-ar", "44100"]))
    assert result.ending == "cold"
    assert result.cue_out_s > 9.5  # the ring-out is still in the file's audio
    assert result.segue_s == pytest.approx(8.5, abs=0.3)  # the next item starts as it stops


def _beat(path: Path, bpm: float, level: float = 0.6) -> Path:
    click = f"{level}*exp(-40*mod(t\\,60/{bpm}))*sin(2*PI*1000*t)+0.1*sin(2*PI*110*t)"
    return render(path, ["-f", "lavfi", "-i", f"aevalsrc='{click}':s=44100:d=30"])


@pytest.mark.parametrize("bpm", [65, 90, 120, 128, 174])
def test_tempo_of_a_steady_beat(tmp_path: Path, bpm: float) -> None:
    result = analyse(_beat(tmp_path / f"{bpm}.flac", bpm))
    assert result.bpm == pytest.approx(bpm, abs=1.0)


def test_energy_ranks_loud_and_busy_above_quiet_and_sparse(tmp_path: Path) -> None:
    busy = analyse(_beat(tmp_path / "busy.flac", 160, level=0.9))
    calm = analyse(_beat(tmp_path / "calm.flac", 70, level=0.1))
    assert 0 <= calm.energy < busy.energy <= 1


def test_no_tempo_for_a_steady_tone(tmp_path: Path) -> None:
    path = tmp_path / "drone.flac"
    result = analyse(render(path, ["-f", "lavfi", "-i", "sine=frequency=220:duration=20"]))
    assert result.cue_out_s - result.cue_in_s > 19
    assert result.bpm is None


def test_a_file_name_full_of_filter_syntax_is_read_as_a_name(tmp_path: Path) -> None:
    # The decoder runs inside ffmpeg's filter graph, whose argument syntax gives
    # ':', ',', '=', ';', quotes and brackets meanings; the name must reach it whole.
    known = _known(tmp_path / "known.flac")
    odd = known.rename(tmp_path / "Don't: A, B=C; [live] 'mix'.flac")
    assert analyse(odd).duration_s == pytest.approx(LEAD + TONE + TAIL, abs=0.03)


def test_the_audio_of_a_video_file_is_measured(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=d=4:s=160x120",
         "-f", "lavfi", "-i", "sine=frequency=440:duration=4", "-map", "0:v", "-map", "1:a",
         "-c:v", "mpeg4", "-c:a", "aac", str(path)], check=True,
    )  # fmt: skip
    result = analyse(path)
    assert result.duration_s == pytest.approx(4.0, abs=0.05)
    assert result.codec == "aac"
    assert result.loudness_lufs == pytest.approx(_ffmpeg_r128(path)["I"], abs=0.1)
