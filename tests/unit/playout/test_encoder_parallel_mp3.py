"""MP3 encoded span by span on several LAMEs, checked against one LAME by decoding both."""

from __future__ import annotations

import io

import av
import numpy as np
import numpy.typing as npt
import pytest

from onair.domain.playout import SAMPLE_RATE
from onair.playout.codecs.lame import FRAME_SAMPLES, open_lame, system_lame_available
from onair.playout.codecs.mp3_splice import main_data_begin, splice, split_mp3_frames
from onair.playout.codecs.parallel_mp3 import ParallelMp3Writer

Pcm = npt.NDArray[np.float32]
SPAN = 40  # frames per encode: a cut-over about every 0.96 s


@pytest.fixture(autouse=True)
def _system_lame() -> None:
    if not system_lame_available():
        pytest.skip(reason="the system libmp3lame is missing: apt-get install libmp3lame0")


def programme(seconds: float, seed: int = 5) -> Pcm:
    """Something like music: a swelling chord, a bright partial, hits, and bursts of noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    chord = sum(0.12 * np.sin(2 * np.pi * f * t + f) for f in (220.0, 277.2, 329.6, 1760.0))
    swell = 0.5 + 0.5 * np.sin(2 * np.pi * 0.3 * t)
    bursts = rng.standard_normal(len(t)) * 0.03 * (np.sin(2 * np.pi * 0.7 * t) > 0.6)
    hits = np.zeros(len(t))
    hits[:: SAMPLE_RATE // 2] = 0.6
    hits = np.convolve(hits, np.exp(-np.arange(2000) / 300.0))[: len(t)]
    hits *= np.sin(2 * np.pi * 90 * t)
    left = chord * swell + bursts + hits
    right = np.roll(left, 37) * 0.9
    return np.stack([left, right], axis=1).astype(np.float32)


def one_lame(pcm: Pcm) -> bytes:
    """The reference: the whole pcm through a single LAME, its Info frame written back."""
    lame = open_lame(128_000, info_tag=True, system=True)
    data = bytearray(lame.encode(pcm) + lame.flush())
    tag = lame.lametag()
    data[: len(tag)] = tag
    return bytes(data)


def spliced(pcm: Pcm, block: int = 10_000, workers: int = 2) -> bytes:
    out = io.BytesIO()
    writer = ParallelMp3Writer(out, 128_000, span_frames=SPAN, workers=workers)
    for start in range(0, len(pcm), block):
        writer.write(pcm[start : start + block])
    writer.close()
    return out.getvalue()


def decode(data: bytes) -> Pcm:
    """Both channels as FFmpeg plays them: without the priming and padding the Info frame gives."""
    with av.open(io.BytesIO(data), "r", format="mp3") as container:
        frames = [f.to_ndarray() for f in container.decode(audio=0)]
    if not frames:
        return np.zeros((0, 2), np.float32)
    if frames[0].shape[0] == 1:
        return np.concatenate([f.reshape(-1, 2) for f in frames])
    return np.concatenate([f.T for f in frames])


def crc16_arc(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def rms(x: npt.NDArray[np.float32]) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


def test_the_cut_overs_decode_as_one_lame_would_sample_for_sample() -> None:
    pcm = programme(12.0)
    reference, ours = decode(one_lame(pcm)), decode(spliced(pcm))

    assert len(ours) == len(reference) == len(pcm)
    cut_overs = range(SPAN * FRAME_SAMPLES, len(pcm) - 3000, SPAN * FRAME_SAMPLES)
    assert len(cut_overs) >= 10
    for at in cut_overs:
        near = slice(at - 3000, at + 3000)
        # Around each cut-over the error against the pcm is the codec's own (no click, no gap):
        codec = rms(reference[near] - pcm[near])
        assert rms(ours[near] - pcm[near]) < 1.1 * codec, f"cut-over at sample {at}"
        assert np.abs(ours[near] - reference[near]).max() < 6 * codec, f"cut-over at {at}"
    whole = rms(pcm)
    snr_one = 20 * np.log10(whole / rms(reference - pcm))
    snr_ours = 20 * np.log10(whole / rms(ours - pcm))
    assert snr_ours == pytest.approx(snr_one, abs=0.2)


def test_the_info_frame_is_lames_own_for_the_whole_stream() -> None:
    pcm = programme(7.3)
    reference, ours = one_lame(pcm), spliced(pcm)
    frames, rest = split_mp3_frames(ours)

    assert len(ours) == len(reference)
    assert rest == b""
    # Frame count, byte count, seek table, encoder delay and padding, music length: as LAME's.
    assert ours[:188] == reference[:188]
    assert ours[188:190] == crc16_arc(b"".join(frames[1:])).to_bytes(2, "big")
    assert ours[190:192] == crc16_arc(ours[:190]).to_bytes(2, "big")


def test_the_same_pcm_gives_the_same_bytes_whatever_the_blocks_and_workers() -> None:
    pcm = programme(5.0)
    first = spliced(pcm, block=10_000, workers=2)
    assert spliced(pcm, block=4_321, workers=1) == first
    assert spliced(pcm, block=len(pcm), workers=3) == first


@pytest.mark.parametrize(
    "samples",
    [1, FRAME_SAMPLES - 1, FRAME_SAMPLES, SPAN * FRAME_SAMPLES, (SPAN + 16) * FRAME_SAMPLES,
     (SPAN + 16) * FRAME_SAMPLES + 1, 3 * SPAN * FRAME_SAMPLES + 7],
)  # fmt: skip
def test_every_length_plays_back_exactly(samples: int) -> None:
    pcm = programme(samples / SAMPLE_RATE + 0.01)[:samples]
    ours = spliced(pcm)
    assert len(decode(ours)) == samples
    assert ours[:188] == one_lame(pcm)[:188]


def test_a_splice_is_refused_where_the_incoming_frame_reaches_back_further() -> None:
    pcm = programme(3.0)
    start = 20 * FRAME_SAMPLES
    warm = [bytearray(f) for f in split_mp3_frames(one_lame(pcm))[0][1:]]
    fresh = [bytearray(f) for f in split_mp3_frames(one_lame(pcm[start:]))[0][1:]]
    # Index for index: frame k of the fresh encode is frame 20 + k of the warm one.
    pairs = [(20 + k, k) for k in range(2, 40)]
    refused = [(w, f) for w, f in pairs if main_data_begin(fresh[f]) > main_data_begin(warm[w])]
    taken = [(w, f) for w, f in pairs if main_data_begin(fresh[f]) <= main_data_begin(warm[w])]
    assert refused
    assert taken

    w, f = refused[0]
    before = [bytes(x) for x in warm[w - 2 : w + 1]]
    assert not splice(warm[w - 2 : w + 1], fresh[f - 2 : f + 1], 2)
    assert [bytes(x) for x in warm[w - 2 : w + 1]] == before
