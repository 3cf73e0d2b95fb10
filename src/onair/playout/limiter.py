"""A look-ahead true-peak limiter for the master (ITU-R BS.1770-4 Annex 2, EBU R128 ceiling).

The true peak is read as BS.1770-4 asks: the signal oversampled 4x (at 48 kHz),
absolute, maximum. The oversampling filter is the Kaiser-windowed sinc (beta 5,
+-10 input samples) that a 4x ``scipy.signal.resample_poly`` uses, written as
three fractional-delay phases (1/4, 1/2, 3/4 of a sample) beside the samples
themselves, so the limiter and a meter built on ``resample_poly`` read the same peak.

The gain comes from the reduction each 4x over needs, ``1 - ceiling / peak``:
held over the filter's reach and the look-ahead, released exponentially, then
averaged over the look-ahead, so that it ramps down across the look-ahead before
a peak (no click), is flat over the peak, and comes back with the release time
constant. Where nothing nearby needs limiting the gain is exactly 1.0 and the
output is the input, bit for bit, ``latency`` samples later.
"""

from __future__ import annotations

import math
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from onair.domain.playout import CHANNELS, SAMPLE_RATE

__all__ = ["TruePeakLimiter"]

Block = npt.NDArray[np.float32]
Floats = npt.NDArray[np.float64]
_A = TypeVar("_A", npt.NDArray[np.float32], npt.NDArray[np.float64])

_REACH = 10  # input samples each side that the oversampling filter reads (resample_poly's)
_KAISER_BETA = 5.0
# Sample peaks more than this under the ceiling are not read at 4x. A sinusoid up to
# fs/4 (12 kHz) has a sample within 3.01 dB of its true peak at each side of it, and the
# inter-sample overs of programme material (clipped masters included) stay below that;
# reading only near loud samples keeps the limiter at a fraction of a full 4x pass.
_SEARCH_DB = 3.5
_SNAP = 1e-6  # a gain reduction below this is none: the gain goes back to exactly 1.0
_MAX_BLOCK = 1 << 16  # longer blocks are processed in pieces (bounded memory and exponents)


def _oversampling_phases() -> npt.NDArray[np.float32]:
    """The (2*_REACH, 4) matrix reading the sample and its three 4x points after it."""
    taps = np.arange(-_REACH + 1, _REACH + 1, dtype=np.float64)
    columns = []
    for phase in (0.0, 0.25, 0.5, 0.75):
        offset = phase - taps  # distance from each tap to the point read
        window = np.i0(_KAISER_BETA * np.sqrt(np.clip(1 - (offset / _REACH) ** 2, 0, 1)))
        columns.append(np.sinc(offset) * window / np.i0(_KAISER_BETA))
    matrix: Floats = np.stack(columns, axis=1)
    # resample_poly normalizes the whole 4x filter to a DC gain of 4 (1 per phase on average).
    return (matrix * (4 / float(matrix.sum()))).astype(np.float32)


def _last(tail: _A, new: _A) -> _A:
    """The last ``len(tail)`` values of ``tail`` followed by ``new``."""
    k = len(tail)
    if len(new) >= k:
        return new[len(new) - k :].copy()
    return np.concatenate([tail[len(new) :], new])


class TruePeakLimiter:
    """Keeps the master's true peak at or under ``ceiling_dbtp``, ``latency`` samples late.

    Streaming: feed blocks of any length to :meth:`process`; each returns as many
    samples, delayed by :attr:`latency` (the first ``latency`` out are silence).
    """

    def __init__(
        self, ceiling_dbtp: float = -1.0, lookahead_ms: float = 2.0, release_ms: float = 100.0
    ) -> None:
        if lookahead_ms <= 0 or release_ms <= 0:
            raise ValueError("the limiter's look-ahead and release must be positive")
        self.ceiling = 10 ** (ceiling_dbtp / 20)
        self._lookahead = max(1, round(lookahead_ms * SAMPLE_RATE / 1000))
        self._release = release_ms * SAMPLE_RATE / 1000  # time constant, in samples
        self._phases = _oversampling_phases()
        self._search = self.ceiling * 10 ** (-_SEARCH_DB / 20)
        # A sample feeds the 4x points of the 2*_REACH intervals around it; the gain
        # must be down over those and the look-ahead it ramps across: the hold.
        self.latency = 2 * _REACH + self._lookahead - 2
        hold = self.latency
        # Rather than hold then release, each over's reduction is deepened by what the
        # release takes off over the hold (2% at the defaults, under 0.1 dB of gain) and
        # released at once: it is still complete over the hold, and a running maximum
        # does the whole envelope (see _released).
        self._deepen = hold / self._release
        self._x_tail = np.zeros((2 * _REACH - 1, CHANNELS), np.float32)
        self._d_tail = np.zeros(self._lookahead - 1)
        self._d_last = 0.0
        self._delay = np.zeros((self.latency, CHANNELS), np.float32)
        self._steps = np.arange(_MAX_BLOCK) / self._release

    def process(self, block: Block) -> Block:
        """The limited signal for ``block`` (frames, 2) float32, ``latency`` samples late."""
        if block.ndim != 2 or block.shape[1] != CHANNELS:
            raise ValueError(f"a block is (frames, {CHANNELS}), not {block.shape}")
        if len(block) > _MAX_BLOCK:
            pieces = [
                self.process(block[i : i + _MAX_BLOCK]) for i in range(0, len(block), _MAX_BLOCK)
            ]
            return np.concatenate(pieces)
        block = np.asarray(block, np.float32)
        delayed = self._delayed(block)
        overs = self._overs(block)
        self._x_tail = _last(self._x_tail, block)
        if overs is None and self._d_last == 0.0 and not self._d_tail.any():
            return delayed
        gain = self._gain(overs, len(block))
        if gain is not None:
            # Channel by channel: broadcasting the gain over (frames, 2) is twice as slow.
            for channel in range(CHANNELS):
                delayed[:, channel] *= gain
        return delayed

    def _delayed(self, block: Block) -> Block:
        """``block`` pushed through the delay line: what comes out of it now."""
        n, lat = len(block), self.latency
        out = np.empty_like(block)
        if n >= lat:
            out[:lat] = self._delay
            out[lat:] = block[: n - lat]
            self._delay = block[n - lat :].copy()
        else:
            out[:] = self._delay[:n]
            self._delay = np.concatenate([self._delay[n:], block])
        return out

    def _overs(self, block: Block) -> tuple[npt.NDArray[np.intp], Floats] | None:
        """Where the 4x signal goes over the ceiling, and the reduction each over needs.

        Position j is the interval ``_REACH`` samples before the block's sample j: the
        newest one whose filter window the block completes.
        """
        loud = max(float(block.max()), -float(block.min()))
        tail = max(float(self._x_tail.max()), -float(self._x_tail.min()))
        if max(loud, tail) <= self._search:
            return None
        ext = np.concatenate([self._x_tail, block])
        peaks = np.zeros(len(block))
        for channel in range(CHANNELS):
            samples = ext[:, channel]
            level = np.abs(samples)
            near = np.maximum(level[_REACH - 1 : -_REACH], level[_REACH:][: len(block)])
            starts = np.flatnonzero(near > self._search)
            if len(starts) == 0:
                continue
            windows = np.lib.stride_tricks.sliding_window_view(samples, 2 * _REACH)
            points = np.abs(windows[starts] @ self._phases)
            # Column by column: numpy's max over a short axis is many times slower.
            found = np.maximum(np.maximum(points[:, 0], points[:, 1]), points[:, 2])
            np.maximum(found, points[:, 3], out=found)
            peaks[starts] = np.maximum(peaks[starts], found)
        where = np.flatnonzero(peaks > self.ceiling)
        if len(where) == 0:
            return None
        return where, 1.0 - self.ceiling / peaks[where]

    def _gain(
        self, overs: tuple[npt.NDArray[np.intp], Floats] | None, n: int
    ) -> npt.NDArray[np.float32] | None:
        """The gain for the block's delayed samples (None: exactly 1.0 throughout)."""
        reduction = self._released(overs, n)
        lookahead = self._lookahead
        ext = np.concatenate([self._d_tail, reduction])
        self._d_tail = ext[len(ext) - len(self._d_tail) :]
        sums = np.zeros(len(ext) + 1)
        np.cumsum(ext, out=sums[1:])
        # The mean reduction over the look-ahead: the attack ramps across it.
        smoothed: Floats = sums[lookahead:] - sums[:-lookahead]
        if not smoothed.any():
            return None
        np.maximum(smoothed, 0.0, out=smoothed)
        smoothed *= -1.0 / lookahead
        smoothed += 1.0
        return smoothed.astype(np.float32)

    def _released(self, overs: tuple[npt.NDArray[np.intp], Floats] | None, n: int) -> Floats:
        """Reductions that jump up to each over's at once and decay exponentially after.

        ``d[j] = max(target[j], a * d[j-1])`` with ``a = exp(-1/release)``, computed
        without a loop: in logs it is a running maximum of ``log target[i] + i/release``.
        """
        steps = self._steps[:n]
        logs = np.full(n, -np.inf)
        if overs is not None:
            where, needed = overs
            logs[where] = np.log(needed) + self._deepen + steps[where]
        if self._d_last > 0:
            logs[0] = max(logs[0], math.log(self._d_last) - 1 / self._release)
        np.maximum.accumulate(logs, out=logs)
        logs -= steps
        reduction: Floats = np.exp(logs)
        reduction[reduction < _SNAP] = 0.0
        np.minimum(reduction, 1.0, out=reduction)
        self._d_last = float(reduction[-1])
        return reduction
