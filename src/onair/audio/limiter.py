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
constant. The gain is smooth on that scale, so it is worked out per frame of
``_FRAME`` samples and drawn between frames as straight lines: the costly steps run
at a sixteenth of the sample rate. Where nothing nearby needs limiting the gain is
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
# Intervals whose two samples are both more than this under the ceiling are not read
# at 4x. For a sinusoid up to fs/4 (12 kHz) the sample nearer its peak is within 3.01 dB
# of it, and the inter-sample overs of programme material (clipped masters included)
# rarely reach 3 dB; reading only near loud samples keeps the 4x pass to a few percent
# of the intervals even while the limiter works all the time.
_SEARCH_DB = 3.5
_SNAP = 1e-6  # a gain reduction below this is none: the gain goes back to exactly 1.0
_MAX_BLOCK = 1 << 16  # longer blocks are processed in pieces (bounded memory and exponents)
_FRAME = 16  # samples per point of the gain envelope


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


class _Envelope:
    """The gain reduction, one point per frame, from the overs found in the signal.

    Over ``p`` (a stream index) with reduction ``v`` must be fully applied to stream
    indices ``[p + lookahead - 1, p + hold]``. Per frame: the largest reduction of its
    overs, held and released (one running maximum), averaged over the look-ahead;
    per sample: a straight line between frame points. Samples come out ``2 * _FRAME``
    later than the overs that shape them, once both frame points around them are known.
    """

    def __init__(self, lookahead: int, hold: int, release: float) -> None:
        self._frames = lookahead // _FRAME  # the look-ahead, in frames (the attack)
        # Frames over which an over's reduction must hold: those its samples touch.
        self._hold = (_FRAME - 1 + hold) // _FRAME + 1
        self._decay = _FRAME / release  # release per frame, in nepers
        # Rather than hold then release, a reduction is deepened by what the release
        # takes off over the hold (3% at the defaults, about 0.1 dB of gain) and released
        # at once: still complete over the hold, and one running maximum does it all.
        self._deepen = self._hold * self._decay
        self._ramp = (np.arange(_FRAME) / _FRAME).astype(np.float32)
        self._position = 0  # stream samples seen
        self._open = 0.0  # largest reduction in the frame not yet complete
        self._last = 0.0  # the last complete frame's released reduction
        self._tail = np.zeros(self._frames - 1)  # the released reductions the mean still needs
        self._points = np.zeros(2)  # frame points from frame _first on
        self._first = -2

    @property
    def idle(self) -> bool:
        """No reduction pending anywhere: the gain is 1.0 until a new over."""
        return self._open == 0.0 and self._last == 0.0 and not self._points.any()

    def advance(
        self, n: int, overs: tuple[npt.NDArray[np.intp], Floats] | None
    ) -> npt.NDArray[np.float32] | None:
        """Take ``n`` more stream samples and their overs; the gain of ``n`` samples out.

        Out are the stream indices ``[position - 2 * _FRAME, position + n - 2 * _FRAME)``;
        None where all of them are unreduced.
        """
        start, end = self._position, self._position + n
        self._position = end
        if overs is None and self.idle:
            self._points, self._first = np.zeros(2), end // _FRAME - 2
            return None
        first, done = start // _FRAME, end // _FRAME
        targets = np.zeros(done - first + 1)
        targets[0] = self._open
        if overs is not None:
            where, needed = overs
            np.maximum.at(targets, (start + where) // _FRAME - first, needed)
        self._open = float(targets[-1])
        self._points = np.concatenate([self._points, self._averaged(self._released(targets[:-1]))])
        return self._drawn(start - 2 * _FRAME, n)

    def _released(self, targets: Floats) -> Floats:
        """``r[k] = max(target[k], a * r[k-1])``: in logs, a running max of ``log t + k*decay``."""
        steps = np.arange(len(targets)) * self._decay
        with np.errstate(divide="ignore"):
            logs = np.log(targets) + (steps + self._deepen)
        if self._last > 0 and len(logs):
            logs[0] = max(logs[0], math.log(self._last) - self._decay)
        np.maximum.accumulate(logs, out=logs)
        released: Floats = np.minimum(np.exp(logs - steps), 1.0)
        released[released < _SNAP] = 0.0
        if len(released):
            self._last = float(released[-1])
        return released

    def _averaged(self, released: Floats) -> Floats:
        """The mean over the look-ahead's frames: the attack ramps across them."""
        if len(released) == 0:
            return released  # (np.convolve would swap a kernel longer than the values)
        ext = np.concatenate([self._tail, released])
        self._tail = ext[len(ext) - len(self._tail) :]
        # A direct sum, not a running one: exactly 0 where all it adds up is 0.
        means: Floats = np.convolve(ext, np.full(self._frames, 1 / self._frames), "valid")
        return means

    def _drawn(self, start: int, n: int) -> npt.NDArray[np.float32] | None:
        """The gain of stream samples ``[start, start + n)``: lines between frame points."""
        lo, hi = start // _FRAME - self._first, (start + n - 1) // _FRAME + 1 - self._first
        points = self._points[lo : hi + 1]
        keep = (start + n) // _FRAME - self._first
        self._points, self._first = self._points[keep:], self._first + keep
        if not points.any():
            return None
        gains = (1.0 - points).astype(np.float32)
        lines = np.empty((len(gains) - 1, _FRAME), np.float32)
        np.multiply(np.diff(gains)[:, None], self._ramp, out=lines)
        lines += gains[:-1, None]
        offset = start - (self._first - keep + lo) * _FRAME
        return lines.ravel()[offset : offset + n]


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
        frames = max(1, round(lookahead_ms * SAMPLE_RATE / 1000 / _FRAME))
        lookahead = frames * _FRAME
        self._phases = _oversampling_phases()
        self._search = self.ceiling * 10 ** (-_SEARCH_DB / 20)
        # A sample feeds the 4x points of the 2*_REACH intervals around it: the gain must
        # be down over those, after ramping across the look-ahead.
        hold = 2 * _REACH + lookahead - 2
        self._envelope = _Envelope(lookahead, hold, release_ms * SAMPLE_RATE / 1000)
        self.latency = hold + 2 * _FRAME
        self._x_tail = np.zeros((2 * _REACH - 1, CHANNELS), np.float32)
        self._delay = np.zeros((self.latency, CHANNELS), np.float32)

    def process(self, block: Block) -> Block:
        """The limited signal for ``block`` (frames, 2) float32, ``latency`` samples late."""
        if block.ndim != 2 or block.shape[1] != CHANNELS:
            raise ValueError(f"a block is (frames, {CHANNELS}), not {block.shape}")
        if len(block) == 0:
            return np.zeros((0, CHANNELS), np.float32)
        if len(block) > _MAX_BLOCK:
            pieces = [
                self.process(block[i : i + _MAX_BLOCK]) for i in range(0, len(block), _MAX_BLOCK)
            ]
            return np.concatenate(pieces)
        block = np.asarray(block, np.float32)
        delayed = self._delayed(block)
        overs = self._overs(block)
        self._x_tail = _last(self._x_tail, block)
        gain = self._envelope.advance(len(block), overs)
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
        level = np.abs(ext)
        near = np.maximum(level[_REACH - 1 : -_REACH], level[_REACH:][: len(block)])
        # Both channels at once: flat index 2*j + channel of each loud interval.
        starts, channels = np.divmod(np.flatnonzero(near > self._search), CHANNELS)
        windows = np.lib.stride_tricks.sliding_window_view(ext, 2 * _REACH, axis=0)
        points = np.abs(windows[starts, channels] @ self._phases)
        # Column by column: numpy's max over a short axis is many times slower.
        peaks = np.maximum(np.maximum(points[:, 0], points[:, 1]), points[:, 2])
        np.maximum(peaks, points[:, 3], out=peaks)
        over = peaks > self.ceiling
        where = starts[over]
        if len(where) == 0:
            return None
        # An interval over in both channels appears twice: the envelope takes the larger.
        return where, 1.0 - self.ceiling / peaks[over].astype(np.float64)
