"""Tempo (BPM) and energy (0-1) from an item's RMS envelope, for when tags lack them.

Tempo: the envelope's rises (onset strength) are autocorrelated, and the lag
with the strongest periodicity between 60 and 200 BPM wins; a tempo outside
70-180 BPM is halved or doubled when that lands inside it with nearly as strong
a peak (the usual octave error of beat trackers; 174 BPM drum'n'bass stays).

Energy blends how loud the body is and how busy its onsets are; it ranks items
against each other for flow rules, it is not a perceptual measure.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["energy", "estimate_bpm"]

_MIN_BPM, _MAX_BPM = 60.0, 200.0
_MIN_ONSET_DB = 1.0


def _rises(rms_db: list[float], cue_in: int, cue_out: int) -> npt.NDArray[np.float64]:
    level = np.asarray(rms_db[cue_in:cue_out], dtype=np.float64)
    return np.asarray(np.maximum(np.diff(level, prepend=level[:1]), 0.0), dtype=np.float64)


def estimate_bpm(rms_db: list[float], rate: int, cue_in_s: float, cue_out_s: float) -> float | None:
    """The tempo, or None for an item too short or without a steady beat."""
    rises = _rises(rms_db, int(cue_in_s * rate), int(cue_out_s * rate))
    # Without rises of a decibel or more there are no onsets, only ripple.
    if rises.size < 4 * rate or np.percentile(rises, 99) < _MIN_ONSET_DB:
        return None
    flux = rises - rises.mean()
    spectrum = np.fft.rfft(flux, n=2 * flux.size)
    corr = np.fft.irfft(spectrum * np.conj(spectrum))[: flux.size]
    corr /= corr[0]
    lo, hi = int(rate * 60 / _MAX_BPM), int(rate * 60 / _MIN_BPM)
    lag = lo + int(np.argmax(corr[lo : hi + 1]))
    if corr[lag] < 0.1:
        return None
    # A fast beat's period falls between the envelope's samples and can score
    # lower than two periods: look at the half lag on both sides first.
    half = max((lag // 2, lag - lag // 2), key=lambda h: corr[h])
    if half >= lo and corr[half] >= 0.6 * corr[lag]:
        lag = half
    if not 70 <= 60 * rate / lag <= 180:
        for factor in (0.5, 2.0):
            other = round(lag * factor)
            inside = 70 <= 60 * rate / max(other, 1) <= 180
            if lo <= other <= hi and inside and corr[other] >= 0.8 * corr[lag]:
                lag = other
                break
    # Refine between bins: a parabola through the peak and its neighbours.
    a, b, c = corr[lag - 1], corr[lag], corr[min(lag + 1, corr.size - 1)]
    shift = 0.5 * (a - c) / (a - 2 * b + c) if (a - 2 * b + c) else 0.0
    return float(round(60 * rate / (lag + shift), 1))


def energy(
    loudness_lufs: float, rms_db: list[float], rate: int, cue_in_s: float, cue_out_s: float
) -> float:
    """0 (quiet, sparse) to 1 (loud, busy)."""
    if not np.isfinite(loudness_lufs):
        return 0.0
    loud = float(np.clip((loudness_lufs + 30) / 24, 0, 1))  # -30 LUFS -> 0, -6 LUFS -> 1
    rises = _rises(rms_db, int(cue_in_s * rate), int(cue_out_s * rate))
    busy = float(np.clip((rises > 3.0).mean() * 4, 0, 1)) if rises.size else 0.0
    return round(0.7 * loud + 0.3 * busy, 3)
