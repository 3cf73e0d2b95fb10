"""The program meters: peak and momentary loudness of what the engine airs, ten a second.

Momentary loudness is ITU-R BS.1770-4 / EBU R128's: the K-weighted mean square
over the last 400 ms, summed over the channels, ``-0.691 + 10 log10`` of it, in
LUFS. It is kept as four 100 ms gates of running sums, so each reading costs the
filtering of the new samples only. The peak is the sample peak of each channel
over the last 100 ms in dBFS (the master's true peak is held under its ceiling by
the limiter; a meter that moves ten times a second needs no 4x oversampling).
"""

from __future__ import annotations

import math
from collections import deque
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.signal import sosfilt

from onair.domain.playout import CHANNELS, SAMPLE_RATE

__all__ = ["ProgramMeter"]

Block = npt.NDArray[np.float32]

# BS.1770-4's K-weighting at 48 kHz: the head's high shelf, then the RLB high-pass.
# Each row a second-order section: b0, b1, b2, a0, a1, a2.
_K_WEIGHTING = np.array([
    [1.53512485958697, -2.69169618940638, 1.19839281085285,
     1.0, -1.69065929318241, 0.73248077421585],
    [1.0, -2.0, 1.0, 1.0, -1.99004745483398, 0.99007225036621],
])  # fmt: skip
_GATES = 4  # 400 ms of momentary loudness in 100 ms gates
_FLOOR_DB = -120.0  # what silence reads as, so a reading is always a number


def _db(value: float, scale: float = 20.0, offset: float = 0.0) -> float:
    """``offset + scale * log10(value)``, to a tenth, never under the floor."""
    return round(max(_FLOOR_DB, offset + scale * math.log10(value)), 1) if value > 0 else _FLOOR_DB


class ProgramMeter:
    """Reads the program block by block; every ``interval_s`` of audio, a reading."""

    def __init__(self, interval_s: float = 0.1) -> None:
        self._frames = round(interval_s * SAMPLE_RATE)
        self._state = np.zeros((len(_K_WEIGHTING), 2, CHANNELS))
        self._gates: deque[npt.NDArray[np.float64]] = deque(maxlen=_GATES)
        self._squares = np.zeros(CHANNELS)
        self._peak = np.zeros(CHANNELS)
        self._count = 0

    def measure(self, block: Block) -> dict[str, Any] | None:
        """Take the next ``block`` of the program; a reading when a gate is complete.

        The reading: ``{"peak_dbfs": [left, right], "momentary_lufs": x}``.
        """
        reading = None
        start = 0
        while start < len(block):
            piece = block[start : start + self._frames - self._count]
            start += len(piece)
            weighted, self._state = sosfilt(_K_WEIGHTING, piece, axis=0, zi=self._state)
            self._squares += np.einsum("ij,ij->j", weighted, weighted)
            self._peak = np.maximum(self._peak, np.abs(piece).max(axis=0))
            self._count += len(piece)
            if self._count == self._frames:
                reading = self._gate()
        return reading

    def _gate(self) -> dict[str, Any]:
        self._gates.append(self._squares / self._count)
        power = float(np.sum(np.mean(self._gates, axis=0)))
        reading = {
            "peak_dbfs": [_db(float(p)) for p in self._peak],
            "momentary_lufs": _db(power, 10.0, -0.691),
        }
        self._squares = np.zeros(CHANNELS)
        self._peak = np.zeros(CHANNELS)
        self._count = 0
        return reading
