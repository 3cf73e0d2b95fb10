from __future__ import annotations

import math

import numpy as np
import pytest

from onair.ingest.ffmpeg.true_peak import TruePeakMeter, oversampling_factor


def _peak_dbtp(samples: np.ndarray, rate: int, size: int = 4410) -> float:
    meter = TruePeakMeter()
    meter.start(rate, "stereo")
    for start in range(0, samples.shape[1], size):
        meter.add(samples[:, start : start + size].astype(np.float32))
    return 20 * math.log10(meter.finish())


def test_a_peak_between_the_samples_is_found() -> None:
    # A tone at a quarter of the rate, sampled 45 degrees off its crests: every
    # sample reads -3 dB, the waveform itself reaches 0 dB between them. Faded in
    # and out, since a band-limited step really does overshoot (ffmpeg reads +0.6).
    rate = 48_000
    n = np.arange(rate * 2)
    fade = np.minimum(1, np.minimum(n, n[::-1]) / (rate / 10))
    tone = np.sin(2 * np.pi * n / 4 + np.pi / 4) * fade
    samples = np.stack([tone, tone * 0.5])
    assert 20 * math.log10(np.abs(samples).max()) == pytest.approx(-3.01, abs=0.01)
    assert _peak_dbtp(samples, rate) == pytest.approx(0.0, abs=0.05)


def test_a_low_tone_reads_its_sample_peak() -> None:
    rate = 44_100
    t = np.arange(rate) / rate
    tone = 0.25 * np.sin(2 * np.pi * 440 * t)
    samples = np.stack([tone, -tone])
    assert _peak_dbtp(samples, rate) == pytest.approx(20 * math.log10(0.25), abs=0.05)


def test_how_the_samples_are_cut_does_not_move_the_peak() -> None:
    rate = 44_100
    noise = np.random.default_rng(7).standard_normal((2, rate * 3)) * 0.2
    whole = _peak_dbtp(noise, rate, size=noise.shape[1])
    assert _peak_dbtp(noise, rate, size=1000) == pytest.approx(whole, abs=1e-6)
    assert _peak_dbtp(noise, rate, size=32768) == pytest.approx(whole, abs=1e-6)


def test_silence_has_no_peak() -> None:
    meter = TruePeakMeter()
    meter.start(44_100, "stereo")
    meter.add(np.zeros((2, 8820), dtype=np.float32))
    assert meter.finish() == 0.0


@pytest.mark.parametrize(
    ("rate", "factor"), [(44_100, 4), (48_000, 4), (88_200, 2), (96_000, 2), (192_000, 1)]
)
def test_oversampling_reaches_about_192_khz(rate: int, factor: int) -> None:
    assert oversampling_factor(rate) == factor


def test_a_master_loud_all_through_reads_its_peak_between_the_samples() -> None:
    # Every sample near the top, for longer than a few seconds: a brickwalled master.
    rate = 44_100
    n = np.arange(rate * 8)
    fade = np.minimum(1, np.minimum(n, n[::-1]) / (rate / 10))
    tone = 0.9 * np.sin(2 * np.pi * n / 4 + np.pi / 4) * fade
    samples = np.stack([tone, -tone])
    assert _peak_dbtp(samples, rate) == pytest.approx(20 * math.log10(0.9), abs=0.05)
    assert _peak_dbtp(samples, rate, size=32768) == pytest.approx(20 * math.log10(0.9), abs=0.05)
