"""The gain an item airs with: to the station's loudness target as the listener hears it.

Loudness is set per item and the peaks are the program path's job, as in any
broadcast chain. Each item is turned to the target (EBU R128 / ITU-R BS.1770-4
integrated loudness), never up by more than ``max_gain_db``, and the master's
look-ahead true-peak limiter keeps every peak at or under the ceiling. A gain
capped by the item's own true peak instead left dynamic music (a quiet master
whose transients reach full scale) up to 5 LU under the target, the most
noticeable step between two songs.

Where the gain lifts an item's true peak over the ceiling, the limiter takes
those peaks down and some loudness with them: nothing to speak of for a few
transients, several LU for material that peaks all the time. Such an item is
measured as it will air (its audio at the gain, through the same limiter) and
the gain raised until the aired loudness is within :data:`CLOSE_LU` of the
target, or the gain reaches ``max_gain_db``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["CLOSE_LU", "AiredLoudness", "AiringGain", "airing_gain"]

AiredLoudness = Callable[[float], float]
"""The integrated loudness (LUFS) of the item at a gain (dB), through the program limiter."""

CLOSE_LU = 0.25  # near enough: a crossfade or the codec moves an item about as much
_MEASURES = 4  # each is a decode and a pass through the limiter (about 0.3 s a minute)
# The aired loudness rises by at most 1 LU a dB (the limiter only takes away), and by
# 0.6-0.9 on music with transients: the first step assumes 0.8, later ones the secant.
_FIRST_SLOPE = 0.8
_MIN_SLOPE = 0.1


@dataclass(frozen=True)
class AiringGain:
    gain_db: float
    aired_lufs: float  # the item's loudness on air at that gain
    limited: bool  # its peaks meet the program limiter


def airing_gain(
    loudness_lufs: float,
    true_peak_dbtp: float,
    *,
    target_lufs: float,
    ceiling_dbtp: float,
    max_gain_db: float,
    aired: AiredLoudness,
) -> AiringGain:
    """The gain that airs an item at ``target_lufs``, or as near as ``max_gain_db`` allows."""
    if not math.isfinite(loudness_lufs):
        return AiringGain(0.0, loudness_lufs, limited=False)
    gain = min(target_lufs - loudness_lufs, max_gain_db)
    if true_peak_dbtp + gain <= ceiling_dbtp:
        return AiringGain(gain, loudness_lufs + gain, limited=False)
    tried = [(gain, aired(gain))]
    while len(tried) < _MEASURES:
        gain, heard = tried[-1]
        short = target_lufs - heard
        if abs(short) <= CLOSE_LU or (short > 0 and gain >= max_gain_db):
            break
        slope = _FIRST_SLOPE
        if len(tried) > 1:
            (g0, a0), (g1, a1) = tried[-2], tried[-1]
            slope = min(1.0, max(_MIN_SLOPE, (a1 - a0) / (g1 - g0)))
        step = min(gain + short / slope, max_gain_db)
        if any(abs(step - g) < 0.01 for g, _ in tried):
            break
        tried.append((step, aired(step)))
    best, heard = min(tried, key=lambda t: abs(target_lufs - t[1]))
    return AiringGain(best, heard, limited=True)
