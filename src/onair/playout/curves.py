"""Gain curves of transitions: equal-power fades and duck ramps.

A crossfade pairs :func:`equal_power_out` on the outgoing item with
:func:`equal_power_in` on the incoming one over the same samples, so that
``in**2 + out**2 == 1`` at every sample: two uncorrelated programmes keep their
summed power through the overlap (no dip in the middle, as a linear fade gives).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = [
    "duck_gain",
    "equal_power_in",
    "equal_power_in_at",
    "equal_power_out",
    "equal_power_out_at",
]

Gains = npt.NDArray[np.float32]


def equal_power_in_at(k: npt.NDArray[np.int64], n: int) -> Gains:
    """The fade-in gain ``sin(pi/2 * k/n)`` at sample offsets ``k`` of an ``n``-sample fade.

    Offsets before the fade are silent (0), offsets at or after ``n`` are at full level (1).
    """
    if n <= 0:
        return (k >= 0).astype(np.float32)
    phase = np.clip(k / n, 0.0, 1.0) * (np.pi / 2)
    return np.sin(phase).astype(np.float32)


def equal_power_out_at(k: npt.NDArray[np.int64], n: int) -> Gains:
    """The fade-out gain ``cos(pi/2 * k/n)`` at sample offsets ``k`` of an ``n``-sample fade.

    Offsets before the fade are at full level (1), offsets at or after ``n`` are silent (0).
    """
    if n <= 0:
        return (k < 0).astype(np.float32)
    phase = np.clip(k / n, 0.0, 1.0) * (np.pi / 2)
    gains = np.cos(phase)
    # cos(pi/2) is 6e-17, not 0: the end of a fade is silence, exactly.
    gains[k >= n] = 0.0
    return gains.astype(np.float32)


def equal_power_in(n: int) -> Gains:
    """The ``n`` gains of an equal-power fade-in: sin from 0 (first sample) towards pi/2."""
    return equal_power_in_at(np.arange(n, dtype=np.int64), n)


def equal_power_out(n: int) -> Gains:
    """The ``n`` gains of an equal-power fade-out: cos from 0 (first sample) towards pi/2."""
    return equal_power_out_at(np.arange(n, dtype=np.int64), n)


def duck_gain(k: npt.NDArray[np.int64], start: int, end: int, depth_db: float, ramp: int) -> Gains:
    """The gain of a duck at station samples ``k``: ``depth_db`` down inside ``[start, end)``.

    The ramps lie inside the duck: down from ``start`` (full level) to ``start + ramp``
    (fully down), up from ``end - ramp`` to ``end`` (full level again). Each ramp is a
    raised cosine in dB, so the level glides in and out without a corner. A duck
    shorter than two ramps only goes as deep as its ramps meet.
    """
    if ramp <= 0:
        inside = (k >= start) & (k < end)
        return np.where(inside, np.float32(10 ** (-depth_db / 20)), np.float32(1.0))
    down = (k - start) / ramp
    up = (end - k) / ramp
    depth = np.clip(np.minimum(down, up), 0.0, 1.0)
    shaped = (1.0 - np.cos(np.pi * depth)) / 2
    return np.power(10.0, -depth_db * shaped / 20).astype(np.float32)
