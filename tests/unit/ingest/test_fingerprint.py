from __future__ import annotations

import chromaprint
import numpy as np

from onair.ingest.ffmpeg.identity import FingerprintBuilder, similarity

RATE = 44_100


def _tune(seconds: float, seed: int) -> np.ndarray:
    """A melody of half-second notes over a little noise, stereo, planar float32."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    notes = 220 * 2 ** (rng.integers(0, 24, size=int(seconds * 2) + 1) / 12)
    tone = 0.3 * np.sin(2 * np.pi * np.cumsum(notes[(t * 2).astype(int)]) / RATE)
    left = tone + 0.02 * rng.standard_normal(t.size)
    return np.stack([left, 0.8 * left]).astype(np.float32)


def _fingerprint(samples: np.ndarray, chunk: int = 32768) -> str:
    builder = FingerprintBuilder()
    builder.start(RATE, samples.shape[0])
    for start in range(0, samples.shape[1], chunk):
        builder.add(samples[:, start : start + chunk])
    return builder.finish()


def _libchromaprint_alone(samples: np.ndarray) -> str:
    """The file's rate and both channels straight to libchromaprint, its own resampler."""
    printer = chromaprint.Fingerprinter()
    printer.start(RATE, 2)
    printer.feed((np.clip(samples.T, -1, 1) * 32767).astype("<i2").tobytes())
    encoded = printer.finish()
    return encoded.decode() if isinstance(encoded, bytes) else str(encoded)


def test_the_fingerprint_is_libchromaprints_own() -> None:
    tune = _tune(30, seed=1)
    assert similarity(_fingerprint(tune), _libchromaprint_alone(tune)) > 0.999


def test_how_the_samples_are_cut_does_not_change_the_fingerprint() -> None:
    tune = _tune(20, seed=2)
    assert _fingerprint(tune, chunk=1000) == _fingerprint(tune, chunk=tune.shape[1])


def test_only_the_first_two_minutes_count() -> None:
    tune = _tune(150, seed=3)
    other_ending = np.concatenate([tune[:, : 125 * RATE], _tune(25, seed=4)], axis=1)
    assert _fingerprint(tune) == _fingerprint(other_ending)
    assert similarity(_fingerprint(tune), _fingerprint(_tune(150, seed=5))) < 0.85


def test_the_same_tune_a_moment_later_lines_up() -> None:
    tune = _tune(40, seed=6)
    later = np.concatenate([np.zeros((2, RATE // 2), dtype=np.float32), tune], axis=1)
    a, b = _fingerprint(tune), _fingerprint(later)
    assert similarity(a, b, max_offset=8) > 0.95
    assert similarity(a, b, max_offset=8) == similarity(b, a, max_offset=8)
    assert similarity(a, b, max_offset=0) < 0.85
