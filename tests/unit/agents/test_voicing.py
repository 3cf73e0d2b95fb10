"""Voicing: trimmed, at the station's loudness, squeezed without a pitch change, FLAC at 48 kHz."""

from __future__ import annotations

import io

import av
import numpy as np
import numpy.typing as npt
import pyloudnorm
import pytest

from onair.agents.ports import Speech
from onair.agents.voices.ffmpeg_speech import compress_time, resample, to_flac
from onair.agents.voicing import (
    MAX_COMPRESSION,
    duration_of,
    speaking_rate,
    spoken_words,
    to_loudness,
    trim_silence,
    word_budget,
)

RATE = 22_050


def tone(seconds: float, hz: float = 440.0, level: float = 0.3, rate: int = RATE) -> Speech:
    t = np.arange(round(seconds * rate)) / rate
    return Speech((level * np.sin(2 * np.pi * hz * t)).astype(np.float32), rate)


def padded(speech: Speech, before_s: float, after_s: float) -> Speech:
    rng = np.random.default_rng(3)
    hiss = 10 ** (-70 / 20)  # well under the -50 dBFS threshold
    before = (hiss * rng.standard_normal(round(before_s * speech.sample_rate))).astype(np.float32)
    after = (hiss * rng.standard_normal(round(after_s * speech.sample_rate))).astype(np.float32)
    return Speech(np.concatenate([before, speech.samples, after]), speech.sample_rate)


def lufs(speech: Speech) -> float:
    meter = pyloudnorm.Meter(speech.sample_rate)
    return float(meter.integrated_loudness(speech.samples.astype(np.float64)))


def dominant_hz(samples: npt.NDArray[np.float32], rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[np.argmax(spectrum)])


def peak_dbfs(speech: Speech) -> float:
    return float(20 * np.log10(np.max(np.abs(speech.samples))))


def test_trimmed_speech_starts_within_a_few_ms_of_the_first_sound() -> None:
    words = tone(1.0)
    trimmed = trim_silence(padded(words, before_s=0.8, after_s=1.2))
    first_sound = np.flatnonzero(np.abs(trimmed.samples) > 0.01)[0] / RATE
    assert first_sound <= 0.010
    assert 1.0 <= trimmed.duration_s <= 1.0 + 0.010 + 0.060


def test_trimming_keeps_the_quiet_release_of_the_last_word() -> None:
    rate = RATE
    decay = np.exp(-np.arange(round(0.03 * rate)) / (0.005 * rate)).astype(np.float32)
    words = tone(0.5)
    release = (words.samples[: len(decay)] * decay).astype(np.float32)
    speech = Speech(np.concatenate([words.samples, release]), rate)
    trimmed = trim_silence(padded(speech, 0.2, 0.5))
    assert trimmed.duration_s >= speech.duration_s


def test_all_silence_trims_to_nothing() -> None:
    assert trim_silence(Speech(np.zeros(RATE, dtype=np.float32), RATE)).duration_s == 0


@pytest.mark.parametrize("target", [-23.0, -16.0, -14.0])
def test_speech_lands_within_half_a_lu_of_the_station_target(target: float) -> None:
    quiet = tone(3.0, level=0.02)
    voiced = to_loudness(quiet, target)
    assert abs(lufs(voiced) - target) <= 0.5
    assert peak_dbfs(voiced) <= -1.0 + 1e-4


def test_a_voice_whose_peaks_stand_far_above_it_is_limited_onto_the_target() -> None:
    rng = np.random.default_rng(5)
    spiky = tone(3.0, level=0.03).samples.copy()
    spiky[rng.integers(0, len(spiky), 20)] = 0.9  # clicks far above the body
    speech = Speech(spiky, RATE)
    voiced = to_loudness(speech, -14.0, ceiling_dbtp=-1.0)
    assert peak_dbfs(voiced) <= -1.0 + 1e-3  # the clicks are limited...
    assert abs(lufs(voiced) - -14.0) <= 0.5  # ...and the voice is on the target, not under it
    assert len(voiced.samples) == len(speech.samples)


def test_a_short_id_shorter_than_a_measuring_block_is_still_brought_to_target() -> None:
    voiced = to_loudness(tone(0.25, level=0.05), -16.0)
    looped = Speech(np.tile(voiced.samples, 4), RATE)
    assert abs(lufs(looped) - -16.0) <= 0.5


def test_silence_is_left_alone() -> None:
    silence = Speech(np.zeros(RATE, dtype=np.float32), RATE)
    assert np.array_equal(to_loudness(silence, -16.0).samples, silence.samples)


def test_compression_by_8_percent_shortens_by_that_and_keeps_the_pitch() -> None:
    speech = tone(4.0, hz=440.0)
    squeezed = compress_time(speech, 1.08)
    assert squeezed.duration_s == pytest.approx(4.0 / 1.08, rel=0.02)
    assert dominant_hz(squeezed.samples, RATE) == pytest.approx(440.0, rel=0.02)
    assert squeezed.sample_rate == RATE


@pytest.mark.parametrize("factor", [1.11, 1.5, 0.95])
def test_compression_beyond_ten_percent_or_stretching_is_refused(factor: float) -> None:
    with pytest.raises(ValueError, match="time compression"):
        compress_time(tone(1.0), factor)


def test_the_most_compression_allowed_still_works() -> None:
    assert compress_time(tone(2.0), MAX_COMPRESSION).duration_s == pytest.approx(
        2.0 / MAX_COMPRESSION, rel=0.02
    )


def test_resampling_to_48k_keeps_length_and_pitch() -> None:
    speech = resample(tone(2.0, hz=1000.0), 48_000)
    assert speech.sample_rate == 48_000
    assert len(speech.samples) == pytest.approx(96_000, abs=48)
    assert dominant_hz(speech.samples, 48_000) == pytest.approx(1000.0, rel=0.01)


def test_flac_round_trips_through_a_decoder_at_48k_with_the_same_length() -> None:
    speech = resample(tone(1.5, hz=700.0), 48_000)
    flac = to_flac(speech)
    assert flac[:4] == b"fLaC"
    with av.open(io.BytesIO(flac), mode="r") as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.name == "flac"
        decoded = np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(stream)])
        assert stream.rate == 48_000
        assert stream.channels == 1
    assert len(decoded) == len(speech.samples)
    restored = decoded.astype(np.float32) / 32768.0
    assert np.max(np.abs(restored - speech.samples)) < 1e-3


def test_longer_words_and_numbers_take_longer_to_say() -> None:
    assert spoken_words("") == 0
    assert spoken_words("a cat") < spoken_words("an extraordinary catastrophe")
    assert spoken_words("It is 10") < spoken_words("It is 1995")
    assert spoken_words("One two three four") < spoken_words("One. Two. Three. Four.")


def test_duration_and_budget_agree_with_the_rate() -> None:
    script = "That was Dreams by Fleetwood Mac, here on the evening show."
    seconds = duration_of(script, 3.0)
    assert seconds == pytest.approx(spoken_words(script) / 3.0)
    assert spoken_words(script) <= word_budget(seconds + 0.5, 3.0)
    assert word_budget(2.0, 3.0) == 6
    with pytest.raises(ValueError, match="speaking rate"):
        duration_of(script, 0.0)


class CountingVoice:
    """A synthesizer whose voice says five standard words a second, counting its calls."""

    name = "counting"

    def __init__(self) -> None:
        self.calls = 0

    def voices(self) -> dict[str, str]:
        return {"en": "plain"}

    def synthesize(self, text: str, *, language: str, voice: str | None = None) -> Speech:
        self.calls += 1
        return padded(tone(spoken_words(text) / 5.0), 0.3, 0.3)


def test_speaking_rate_is_measured_once_per_voice() -> None:
    voice = CountingVoice()
    assert speaking_rate(voice, "en") == pytest.approx(5.0, rel=0.02)
    assert speaking_rate(voice, "en") == pytest.approx(5.0, rel=0.02)
    assert voice.calls == 1
    speaking_rate(voice, "en", "other")
    assert voice.calls == 2
