"""True peak (ITU-R BS.1770-4 Annex 2): the highest level between the samples.

The signal is read oversampled to about 192 kHz (4x at 44.1 and 48 kHz, 2x at
88.2 and 96 kHz), as ffmpeg's ``ebur128=peak=true`` reads it, and the true peak
is the largest absolute value. Two ways, the cheaper for the material:

- Only the intervals that can hold the peak. Below a quarter of the sample
  rate a band-limited signal rises between two samples by at most 3.01 dB over
  the larger of them, so an interval whose two samples are both more than
  :data:`_SEARCH_DB` under the highest level found so far cannot hold it: a
  quiet passage, or silence, costs one maximum and one minimum. On
  music with dynamics that is under 1% of the intervals, each read through a
  Kaiser-windowed sinc of +-16 samples (the design of ``scipy.signal.firwin``
  and ``resample_poly``, in numpy: scipy.signal takes seconds to import), one
  fractional-delay phase per point.
- Everything, through libswresample (the resampler ffmpeg's own meter uses),
  once more than :data:`_DENSE` of the intervals read so far were near the top
  (a brickwalled master, a steady tone), where reading them one by one would
  cost more than resampling them all. The file goes on that way to its end.

Both read the peaks of ffmpeg's ``ebur128=peak=true`` within a few hundredths
of a dB on music.
"""

from __future__ import annotations

import av
import numpy as np
import numpy.typing as npt
from av.filter import Graph

from onair.ingest.ffmpeg.filter_graph import ready_frames

__all__ = ["TruePeakMeter", "oversampling_factor"]

_TARGET_RATE = 192_000
_REACH = 16  # input samples each side that the oversampling filter reads
_KAISER_BETA = 8.0
_SEARCH_DB = 4.0
_SEARCH = 10 ** (-_SEARCH_DB / 20)
_DENSE = 0.02
_JUDGED_S = 2.0  # audio read before the way is chosen, so that how it is cut cannot choose
_LEAD_IN = 64  # samples read again by the resampler, past its start-up ringing


def oversampling_factor(rate: int) -> int:
    """4 at 44.1/48 kHz, 2 at 88.2/96 kHz, 1 from 192 kHz up (BS.1770-4 asks 4x at 48 kHz)."""
    return max(1, round(_TARGET_RATE / rate))


def _phases(factor: int) -> npt.NDArray[np.float32]:
    """The (2 * _REACH, factor - 1) matrix reading the points between a sample and the next.

    Row ``k`` weighs the sample ``k - _REACH + 1`` places from the interval's first.
    """
    reach = _REACH * factor
    taps = np.sinc(np.arange(-reach, reach + 1) / factor) * np.kaiser(2 * reach + 1, _KAISER_BETA)
    rows = (2 * _REACH - 1 - np.arange(2 * _REACH)) * factor
    columns = [taps[rows + p] for p in range(1, factor)]
    if not columns:
        return np.zeros((2 * _REACH, 0), np.float32)
    matrix = np.stack(columns, axis=1)
    matrix /= matrix.sum(axis=0, keepdims=True)  # a constant reads itself
    return np.asarray(matrix, dtype=np.float32)


class TruePeakMeter:
    """Feed planar float samples in order (channels x n); :meth:`finish` gives the linear
    true peak (1.0 = 0 dBTP)."""

    def __init__(self) -> None:
        self.peak = 0.0
        self._rate = 0
        self._layout = ""
        self._phases = np.zeros((2 * _REACH, 0), np.float32)
        # The last samples: those whose intervals wait for more, and a lead-in before them.
        self._recent = np.zeros((0, 0), np.float32)
        self._resampler: Graph | None = None
        self._skip = 0  # resampled values still to pass over (the resampler's start-up)
        self._read = 0  # samples (a channel) read one interval at a time
        self._near = 0  # of which near the top

    def start(self, rate: int, layout: str) -> None:
        """``layout`` is ffmpeg's name for the channels (``"stereo"``, ``"5.1"``)."""
        self._rate, self._layout = rate, layout
        self._phases = _phases(oversampling_factor(rate))
        # Zeros before the first sample, as a resampler starts from.
        channels = len(av.AudioLayout(layout).channels)
        self._recent = np.zeros((channels, _REACH - 1), np.float32)

    def add(self, samples: npt.NDArray[np.float32], sample_peak: float | None = None) -> None:
        """``sample_peak``: the largest absolute value in ``samples``, when it is known."""
        if not samples.size:
            return
        if sample_peak is None:
            sample_peak = max(float(samples.max()), -float(samples.min()))
        self.peak = max(self.peak, sample_peak)
        if self._resampler is not None:
            self._resample(samples)
            return
        self._read += samples.shape[1] * samples.shape[0]
        level = self.peak * _SEARCH
        if sample_peak < level and float(np.abs(self._recent).max(initial=0.0)) < level:
            # A quiet stretch (or silence): no interval in it can hold the peak.
            keep = _LEAD_IN + 2 * _REACH - 1
            tail = samples[:, -keep:]
            if tail.shape[1] < keep:
                tail = np.concatenate([self._recent, tail], axis=1)[:, -keep:]
            self._recent = tail
            return
        context = np.concatenate([self._recent, samples], axis=1)
        self._near += self._scan(context)
        if self._read >= _JUDGED_S * self._rate * samples.shape[0] and (
            self._near > _DENSE * self._read
        ):
            self._resampler = _oversampler(self._rate, self._layout)
            self._skip = _LEAD_IN * oversampling_factor(self._rate)
            self._resample(context[:, -(_LEAD_IN + 2 * _REACH - 1) :])

    def finish(self) -> float:
        if self._resampler is not None:
            self._resampler.push(None)  # the resampler's last samples
            self._drain()
            self._resampler = None
        elif self._recent.size:
            channels = self._recent.shape[0]
            self._scan(np.concatenate([self._recent, np.zeros((channels, _REACH), np.float32)], 1))
        self._recent = self._recent[:, :0]
        return self.peak

    def _scan(self, context: npt.NDArray[np.float32]) -> int:
        """Read the intervals of ``context`` that can hold the peak; how many there were."""
        width = 2 * _REACH
        intervals = context.shape[1] - width + 1  # interval k: samples k + _REACH - 1 and + _REACH
        self._recent = context[:, max(0, intervals - _LEAD_IN) :]
        if intervals <= 0 or not self._phases.shape[1]:
            return 0
        near = np.abs(context[:, _REACH - 1 : _REACH + intervals]) >= self.peak * _SEARCH
        channel, first = np.nonzero(near[:, :-1] | near[:, 1:])
        if first.size:
            windows = context[channel[:, None], first[:, None] + np.arange(width)]
            self.peak = max(self.peak, float(np.abs(windows @ self._phases).max()))
        return int(first.size)

    def _resample(self, samples: npt.NDArray[np.float32]) -> None:
        assert self._resampler is not None
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(samples, dtype=np.float32), format="fltp", layout=self._layout
        )
        frame.sample_rate = self._rate
        self._resampler.push(frame)
        self._drain()

    def _drain(self) -> None:
        assert self._resampler is not None
        for upsampled in ready_frames(self._resampler):
            skip = min(self._skip, upsampled.samples)
            self._skip -= skip
            for plane in upsampled.planes:  # read in place: a copy costs more than the scan
                values = np.frombuffer(memoryview(plane), np.float32, upsampled.samples)[skip:]
                if values.size:
                    self.peak = max(self.peak, float(values.max()), -float(values.min()))


def _oversampler(rate: int, layout: str) -> Graph:
    graph = Graph()
    source = graph.add_abuffer(format="fltp", sample_rate=rate, layout=layout)
    # swr's default filter (32 taps a phase), as ffmpeg's ebur128 uses.
    resample = graph.add("aresample", str(rate * oversampling_factor(rate)))
    keep_float = graph.add("aformat", "sample_fmts=fltp")
    sink = graph.add("abuffersink")
    source.link_to(resample)
    resample.link_to(keep_float)
    keep_float.link_to(sink)
    graph.configure()
    return graph
