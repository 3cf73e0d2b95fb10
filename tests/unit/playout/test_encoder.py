"""The stream and file encoders, checked by decoding what they produce."""

from __future__ import annotations

import hashlib
import io
import itertools
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest

from onair.domain.playout import SAMPLE_RATE
from onair.playout.codecs.encoder import (
    EncodedChunk,
    FileEncoder,
    RenderFormatError,
    StreamEncoder,
    StreamFormat,
)
from onair.playout.codecs.lame import open_lame, system_lame_available

Pcm = npt.NDArray[np.float32]
FORMATS: list[StreamFormat] = ["mp3", "opus", "aac"]
FRAME = {"mp3": 1152, "opus": 2880, "aac": 1024}


def tone(seconds: float, hz: float = 440.0, amplitude: float = 0.5) -> Pcm:
    t = np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    wave = (amplitude * np.sin(2 * np.pi * hz * t)).astype(np.float32)
    return np.stack([wave, wave], axis=1)


def decode(data: bytes, fmt: str) -> Pcm:
    """The first channel of ``data`` decoded by FFmpeg, as a listener's player would."""
    with av.open(io.BytesIO(data), "r", format="ogg" if fmt == "opus" else fmt) as container:
        frames = [f.to_ndarray() for f in container.decode(audio=0)]
    if not frames:
        return np.zeros(0, np.float32)
    # Packed formats interleave channels in one plane; planar ones give a plane each.
    return np.concatenate([f[0, ::2] if f.shape[0] == 1 else f[0] for f in frames])


def pitch(signal: Pcm) -> float:
    spectrum = np.abs(np.fft.rfft(signal * np.hanning(len(signal))))
    return float(np.argmax(spectrum) * SAMPLE_RATE / len(signal))


def encode_all(fmt: StreamFormat, pcm: Pcm, block: int = 1000) -> tuple[bytes, list[EncodedChunk]]:
    encoder = StreamEncoder(fmt)
    chunks = [c for s in range(0, len(pcm), block) for c in encoder.encode(pcm[s : s + block])]
    chunks += encoder.flush()
    return encoder.header, chunks


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_tone_streams_at_its_pitch_and_length(fmt: StreamFormat) -> None:
    pcm = tone(3.0)
    header, chunks = encode_all(fmt, pcm)
    decoded = decode(header + b"".join(c.data for c in chunks), fmt)
    assert pitch(decoded[SAMPLE_RATE : 2 * SAMPLE_RATE]) == pytest.approx(440, abs=2)
    # A raw MP3 or ADTS stream has no gapless header: its player also plays the priming.
    priming = 0 if fmt == "opus" else -chunks[0].sample
    assert abs(len(decoded) - priming - len(pcm)) < FRAME[fmt]


@pytest.mark.parametrize("fmt", FORMATS)
def test_chunk_positions_follow_one_another_from_the_encoder_priming(fmt: StreamFormat) -> None:
    pcm = tone(2.0)
    _, chunks = encode_all(fmt, pcm, block=777)
    assert chunks[0].sample < 0 <= chunks[0].end
    assert all(a.end == b.sample for a, b in itertools.pairwise(chunks))
    assert len(pcm) <= chunks[-1].end < len(pcm) + 1152
    if fmt != "opus":
        assert {c.samples for c in chunks[:-1]} == {FRAME[fmt]}  # the last may be cut short
    else:
        assert all(c.samples == 5760 for c in chunks[1:-1])  # 2 packets of 60 ms a page


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_chunk_holding_a_sample_is_the_first_whose_bytes_play_it(fmt: StreamFormat) -> None:
    onset = 50_000
    pcm = np.concatenate([np.zeros((onset, 2), np.float32), tone(1.0)])
    header, chunks = encode_all(fmt, pcm)
    holding = next(i for i, c in enumerate(chunks) if c.sample <= onset < c.end)

    def audible(upto: int) -> bool:
        played = decode(header + b"".join(c.data for c in chunks[:upto]), fmt)
        return bool(np.abs(played).max(initial=0) > 0.2)

    assert not audible(holding)
    assert audible(holding + 1)


def test_an_aac_listener_joining_mid_stream_decodes_from_any_frame() -> None:
    header, chunks = encode_all("aac", tone(3.0))
    assert header == b""
    later = b"".join(c.data for c in chunks[40:])
    assert later[:2] == b"\xff\xf1"  # an ADTS sync word, MPEG-4, no CRC
    decoded = decode(later, "aac")
    assert pitch(decoded[SAMPLE_RATE // 4 : SAMPLE_RATE]) == pytest.approx(440, abs=4)
    assert abs(len(decoded) - sum(c.samples for c in chunks[40:])) <= 1024


def test_an_opus_listener_joining_mid_stream_decodes_from_the_header_and_any_page() -> None:
    header, chunks = encode_all("opus", tone(3.0))
    decoded = decode(header + b"".join(c.data for c in chunks[10:]), "opus")
    assert pitch(decoded[: SAMPLE_RATE // 2]) == pytest.approx(440, abs=4)
    assert abs(len(decoded) - sum(c.samples for c in chunks[10:])) <= FRAME["opus"]


@pytest.mark.parametrize("system", [True, False])
def test_both_lame_builds_give_a_playable_tone(system: bool) -> None:
    if system and not system_lame_available():
        pytest.skip(reason="the system libmp3lame is missing: apt-get install libmp3lame0")
    lame = open_lame(128_000, system=system)
    data = lame.encode(tone(2.0)) + lame.flush()
    decoded = decode(data, "mp3")
    assert pitch(decoded[SAMPLE_RATE // 2 : SAMPLE_RATE + SAMPLE_RATE // 2]) == pytest.approx(
        440, abs=2
    )
    assert abs(len(decoded) - lame.delay - 2 * SAMPLE_RATE) < 1152


def render(path: Path, pcm: Pcm, block: int = 4321) -> bytes:
    with FileEncoder(path) as out:
        for start in range(0, len(pcm), block):
            out.write(pcm[start : start + block])
    return path.read_bytes()


@pytest.mark.parametrize("suffix", [".wav", ".mp3"])
def test_a_render_gives_the_same_bytes_twice_and_plays_back_the_tone(
    tmp_path: Path, suffix: str
) -> None:
    pcm = tone(2.5)
    first = render(tmp_path / f"a{suffix}", pcm)
    second = render(tmp_path / f"b{suffix}", pcm, block=10_000)
    assert hashlib.sha256(first).digest() == hashlib.sha256(second).digest()
    decoded = decode(first, suffix[1:])
    assert pitch(decoded[SAMPLE_RATE : 2 * SAMPLE_RATE]) == pytest.approx(440, abs=2)
    # The MP3's Info frame tells the player the priming and padding to drop.
    assert abs(len(decoded) - len(pcm)) < (1 if suffix == ".wav" else 1152)


def test_a_wav_render_keeps_the_samples_at_16_bits(tmp_path: Path) -> None:
    pcm = tone(0.5)
    decoded = decode(render(tmp_path / "t.wav", pcm), "wav")
    assert np.abs(decoded / 32768 - pcm[:, 0]).max() < 1e-4


def test_an_unknown_render_suffix_is_refused_with_the_file_named(tmp_path: Path) -> None:
    with pytest.raises(RenderFormatError, match=r"out\.ogg"):
        FileEncoder(tmp_path / "out.ogg")
