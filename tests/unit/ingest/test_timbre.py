from __future__ import annotations

import numpy as np
import pytest

from onair.domain.library import TIMBRE_BANDS
from onair.ingest.timbre import FLOOR_DB, TimbreBuilder, band_edges_hz

RATE = 44_100


def _timbre(signal: np.ndarray, chunk: int = 32768) -> tuple[float, ...]:
    builder = TimbreBuilder()
    builder.start(RATE)
    stereo = np.stack([signal, signal]).astype(np.float32)
    for start in range(0, stereo.shape[1], chunk):
        builder.add(stereo[:, start : start + chunk])
    return builder.finish()


def _band_of(hz: float) -> int:
    edges = band_edges_hz()
    return next(n for n in range(TIMBRE_BANDS) if edges[n] <= hz < edges[n + 1])


def _tone(hz: float, level: float = 1.0, seconds: float = 10.0) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    return level * np.sin(2 * np.pi * hz * t)


@pytest.mark.parametrize("hz", [100.0, 1000.0, 8000.0])
def test_a_tone_sits_in_its_band(hz: float) -> None:
    timbre = _timbre(_tone(hz))
    assert len(timbre) == TIMBRE_BANDS
    assert int(np.argmax(timbre)) == _band_of(hz)
    # A full-scale sine reads about 0 dB in its band.
    assert max(timbre) == pytest.approx(0.0, abs=1.5)


def test_level_moves_every_band_together() -> None:
    loud = np.array(_timbre(_tone(440.0) + 0.1 * _tone(3000.0)))
    quiet = np.array(_timbre(0.1 * (_tone(440.0) + 0.1 * _tone(3000.0))))
    audible = loud > -80
    assert np.allclose((loud - quiet)[audible], 20.0, atol=0.5)


def test_chunk_size_does_not_change_the_profile() -> None:
    rng = np.random.default_rng(3)
    noise = rng.normal(0, 0.1, RATE * 10) + _tone(220.0, 0.3)
    a, b = np.array(_timbre(noise, 32768)), np.array(_timbre(noise, 4410))
    assert np.allclose(a, b, atol=1.0)


def test_silence_is_the_floor() -> None:
    assert _timbre(np.zeros(RATE * 2)) == (FLOOR_DB,) * TIMBRE_BANDS
    assert TimbreBuilder().finish() == (FLOOR_DB,) * TIMBRE_BANDS
