"""A look-ahead true-peak limiter for the master (ITU-R BS.1770-4 Annex 2, EBU R128 ceiling).

The true peak is read as BS.1770-4 asks: the signal oversampled 4x (at 48 kHz),
absolute, maximum. The oversampling filter is the Kaiser-windowed sinc (beta 5,
+-10 input samples) that a 4x ``scipy.signal.resample_poly`` uses, written as
three fractional-delay phases (1/4, 1/2, 3/4 of a sample) beside the samples
themselves, so the limiter and a meter built on ``resample_poly`` read the same peak.

The gain is built from per-sample required gains ``min(1, ceiling / peak)``:
held over the filter's reach and the look-ahead (a sliding minimum), released
exponentially, then averaged over the look-ahead, so that it ramps down across
the look-ahead before a peak (no click), is flat over the peak, and comes back
with the release time constant. Where nothing nearby needs limiting the gain is
exactly 1.0 and the output is the input, bit for bit, ``latency`` samples later.
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


def _sliding(values: Floats, width: int, reduce: np.ufunc, pad: float) -> Floats:
    """``reduce`` over every window of ``width`` values (van Herk / Gil-Werman, O(n)).

    Returns ``len(values) - width + 1`` results; result i covers ``values[i:i+width]``.
    """
    count = len(values) - width + 1
    rows = -(-len(values) // width)
    padded = np.full(rows * width, pad)
    padded[: len(values)] = values
    # Accumulate down the columns of the transpose: numpy vectorizes across rows that way.
    grid = padded.reshape(rows, width).T.copy()
    prefix = reduce.accumulate(grid, axis=0).T.ravel()
    suffix = reduce.accumulate(grid[::-1], axis=0)[::-1].T.ravel()
    return np.asarray(reduce(suffix[:count], prefix[width - 1 : width - 1 + count]))


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
        # A sample bounds the 4x points of the 2*_REACH intervals around it; those and
        # the look-ahead make the window of the required-gain minimum.
        self._hold = 2 * _REACH + self._lookahead - 1
        self.latency = 2 * _REACH + self._lookahead - 2
        self._x_tail = np.zeros((2 * _REACH - 1, CHANNELS), np.float32)
        self._r_tail = np.ones(self._hold - 1)
        self._d_tail = np.zeros(self._lookahead - 1)
        self._d_last = 0.0
        self._delay = np.zeros((self.latency, CHANNELS), np.float32)
        self._idle = True  # no reduction pending: required gains, reductions all clear

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
        required = self._required_gains(block)
        self._x_tail = _last(self._x_tail, block)
        if required is None and self._idle:
            return delayed
        gain = self._gain(required, len(block))
        if gain is None:
            return delayed
        return np.multiply(delayed, gain[:, None], dtype=np.float32)

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

    def _required_gains(self, block: Block) -> Floats | None:
        """The gain each new 4x interval needs (None: all 1).

        Value j belongs to the interval ``_REACH`` samples before the block's sample j,
        the newest whose filter window the block completes.
        """
        loud = max(float(block.max()), -float(block.min()))
        tail = max(float(self._x_tail.max()), -float(self._x_tail.min()))
        if max(loud, tail) <= self._search:
            return None
        ext = np.concatenate([self._x_tail, block])
        level = np.abs(ext).max(axis=1)
        near = np.maximum(level[_REACH - 1 : -_REACH], level[_REACH:][: len(block)])
        starts = np.flatnonzero(near > self._search)
        if len(starts) == 0:
            return None
        peaks = self._true_peaks(ext, starts)
        over = peaks > self.ceiling
        if not over.any():
            return None
        required = np.ones(len(block))
        required[starts[over]] = self.ceiling / peaks[over]
        return required

    def _true_peaks(self, ext: Block, starts: npt.NDArray[np.intp]) -> Floats:
        """The 4x peak, over both channels, of the intervals whose windows start at ``starts``."""
        width = 2 * _REACH
        peaks = np.zeros(len(starts))
        for channel in range(CHANNELS):
            samples = np.ascontiguousarray(ext[:, channel])
            if len(starts) * 3 > len(samples):
                # Most intervals are read: one pass over all of them beats gathering.
                every = np.lib.stride_tricks.sliding_window_view(samples, width)
                points = np.abs(np.ascontiguousarray(every) @ self._phases).max(axis=1)[starts]
            else:
                windows = samples[starts[:, None] + np.arange(width)]
                points = np.abs(windows @ self._phases).max(axis=1)
            np.maximum(peaks, points, out=peaks)
        return peaks

    def _gain(self, required: Floats | None, n: int) -> npt.NDArray[np.float32] | None:
        """The gain for the block's delayed samples (None: exactly 1.0 throughout)."""
        fresh = np.ones(n) if required is None else required
        held = _sliding(np.concatenate([self._r_tail, fresh]), self._hold, np.minimum, 1.0)
        self._r_tail = _last(self._r_tail, fresh)
        reduction = self._released(1.0 - held)
        ext = np.concatenate([self._d_tail, reduction])
        self._d_tail = ext[len(ext) - len(self._d_tail) :]
        sums = np.cumsum(np.concatenate([[0.0], ext]))
        smoothed: Floats = np.maximum(sums[self._lookahead :] - sums[: -self._lookahead], 0.0)
        self._idle = self._d_last == 0.0 and not self._d_tail.any() and (self._r_tail == 1).all()
        if not smoothed.any():
            return None
        return (1.0 - smoothed / self._lookahead).astype(np.float32)

    def _released(self, target: Floats) -> Floats:
        """Reductions that jump up to ``target`` at once and decay exponentially after.

        ``d[j] = max(target[j], a * d[j-1])`` with ``a = exp(-1/release)``, computed
        without a loop: in logs it is a running maximum of ``log target[i] + i/release``.
        """
        n = len(target)
        steps = np.arange(n) / self._release
        with np.errstate(divide="ignore"):
            logs = np.log(target) + steps
        if self._d_last > 0:
            logs[0] = max(logs[0], math.log(self._d_last) - 1 / self._release)
        reduction = np.exp(np.maximum.accumulate(logs) - steps)
        reduction[reduction < _SNAP] = 0.0
        self._d_last = float(reduction[-1])
        return reduction
