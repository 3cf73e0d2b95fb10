"""True peak (ITU-R BS.1770-4 Annex 2): the highest level between the samples.

The decoded samples are oversampled to about 192 kHz (4x at 44.1 and 48 kHz,
2x at 88.2 and 96 kHz) by libswresample, the resampler ffmpeg's own
``ebur128=peak=true`` uses, and the true peak is the largest absolute value of
the result. ffmpeg's filter resamples doubles to exactly 192 kHz and then scans
every value in C with per-sample bookkeeping; planar floats, an integer factor
and one vectorized maximum per ~0.75 s measure the same peak (within a few
hundredths of a dB on music) in 40% of the time (0.14 s of CPU against 0.35 s
for a four-minute song).
"""

from __future__ import annotations

import av
import numpy as np
import numpy.typing as npt
from av.filter import Graph

from onair.ingest.ffmpeg.filter_graph import ready_frames

__all__ = ["TruePeakMeter", "oversampling_factor"]

_TARGET_RATE = 192_000


def oversampling_factor(rate: int) -> int:
    """4 at 44.1/48 kHz, 2 at 88.2/96 kHz, 1 from 192 kHz up (BS.1770-4 asks 4x at 48 kHz)."""
    return max(1, round(_TARGET_RATE / rate))


class TruePeakMeter:
    """Feed planar float samples in order (channels x n); :meth:`finish` gives the linear
    true peak (1.0 = 0 dBTP)."""

    def __init__(self) -> None:
        self.peak = 0.0
        self._graph: Graph | None = None
        self._rate = 0
        self._layout = ""

    def start(self, rate: int, layout: str) -> None:
        """``layout`` is ffmpeg's name for the channels (``"stereo"``, ``"5.1"``)."""
        self._rate, self._layout = rate, layout
        self._graph = _oversampler(rate, layout)

    def add(self, samples: npt.NDArray[np.float32]) -> None:
        assert self._graph is not None, "start() first"
        # Planar float32 in and out, pushed in chunks of ~0.75 s: one push a 100 ms frame
        # cost more in the graph's overhead than the filtering.
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(samples, dtype=np.float32), format="fltp", layout=self._layout
        )
        frame.sample_rate = self._rate
        self._graph.push(frame)
        self._drain()

    def _drain(self) -> None:
        assert self._graph is not None
        for upsampled in ready_frames(self._graph):
            for plane in upsampled.planes:  # read in place: a copy costs more than the scan
                values = np.frombuffer(memoryview(plane), np.float32, upsampled.samples)
                if values.size:
                    self.peak = max(self.peak, float(values.max()), -float(values.min()))

    def finish(self) -> float:
        if self._graph is not None:
            self._graph.push(None)  # the resampler's last samples
            self._drain()
            self._graph = None
        return self.peak


def _oversampler(rate: int, layout: str) -> Graph:
    graph = Graph()
    source = graph.add_abuffer(format="fltp", sample_rate=rate, layout=layout)
    # swr's default filter (32 taps a phase), as ffmpeg's ebur128 uses: 16 taps save a
    # quarter of this meter's time but read a full-scale tone at fs/4 0.2 dB low.
    resample = graph.add("aresample", str(rate * oversampling_factor(rate)))
    keep_float = graph.add("aformat", "sample_fmts=fltp")
    sink = graph.add("abuffersink")
    source.link_to(resample)
    resample.link_to(keep_float)
    keep_float.link_to(sink)
    graph.configure()
    return graph
