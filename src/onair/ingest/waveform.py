"""Waveform peaks for the studio UI: min and max per channel, ``peaks_per_s`` a second."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Waveform", "WaveformBuilder"]


@dataclass(frozen=True)
class Waveform:
    peaks_per_s: int
    minima: list[list[float]]  # per channel
    maxima: list[list[float]]
    rms_db: list[float]  # all channels together, dBFS, one per bin

    def to_json(self) -> bytes:
        """The object stored beside the master (``waveforms/<asset>.json``)."""
        rounded = {
            "peaks_per_s": self.peaks_per_s,
            "min": [[round(v, 4) for v in ch] for ch in self.minima],
            "max": [[round(v, 4) for v in ch] for ch in self.maxima],
            "rms_db": [round(v, 1) for v in self.rms_db],
        }
        return json.dumps(rounded, separators=(",", ":")).encode()


class WaveformBuilder:
    """Folds frames of any length into fixed bins without holding the whole file."""

    def __init__(self, peaks_per_s: int) -> None:
        self.peaks_per_s = peaks_per_s
        self.bin = 0
        self._carry: npt.NDArray[np.float32] | None = None
        self._min: list[npt.NDArray[np.float32]] = []
        self._max: list[npt.NDArray[np.float32]] = []
        self._power: list[npt.NDArray[np.float32]] = []

    def start(self, rate: int, channels: int) -> None:
        self.bin = max(1, round(rate / self.peaks_per_s))
        self._carry = np.zeros((channels, 0), dtype=np.float32)

    def add(self, samples: npt.NDArray[np.float32]) -> None:
        assert self._carry is not None
        data = np.concatenate([self._carry, samples], axis=1) if self._carry.size else samples
        whole = data.shape[1] // self.bin * self.bin
        if whole:
            bins = data[:, :whole].reshape(data.shape[0], -1, self.bin)
            self._min.append(bins.min(axis=2))
            self._max.append(bins.max(axis=2))
            # The sum of squares without an array of squares.
            energy = np.einsum("cbk,cbk->b", bins, bins)
            self._power.append(energy / (data.shape[0] * self.bin))
        self._carry = data[:, whole:]

    def finish(self) -> Waveform:
        if self._carry is not None and self._carry.shape[1]:
            self._min.append(self._carry.min(axis=1, keepdims=True))
            self._max.append(self._carry.max(axis=1, keepdims=True))
            self._power.append(np.square(self._carry).mean(keepdims=True).reshape(1))
        if not self._min:
            return Waveform(self.peaks_per_s, [], [], [])
        minima, maxima = np.concatenate(self._min, axis=1), np.concatenate(self._max, axis=1)
        power = np.concatenate(self._power)
        rms_db = 10 * np.log10(np.maximum(power, 1e-12))  # -120 dBFS floor for digital silence
        return Waveform(self.peaks_per_s, minima.tolist(), maxima.tolist(), rms_db.tolist())
