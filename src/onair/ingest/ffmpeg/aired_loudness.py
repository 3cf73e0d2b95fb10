"""The loudness an item airs at: its audio at a gain, through the program's limiter.

The file is decoded as playout decodes it (48 kHz float stereo, libswresample),
turned up by the gain, passed through the same :class:`TruePeakLimiter` the
master runs through, and measured by ffmpeg's ``ebur128``, the meter analysis
uses (EBU R128 / ITU-R BS.1770-4). One pass, about a second at a time, so a
long item costs no more memory than a short one.
"""

from __future__ import annotations

import math
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
from av.filter import Graph

from onair.audio.limiter import TruePeakLimiter
from onair.domain.playout import CHANNELS, SAMPLE_RATE
from onair.ingest.ffmpeg.analysis import UnreadableAudio
from onair.ingest.ffmpeg.filter_graph import ready_frames

__all__ = ["aired_loudness"]

_BLOCK = SAMPLE_RATE  # samples limited at a time


def aired_loudness(path: Path, gain_db: float, ceiling_dbtp: float) -> float:
    """Integrated loudness (LUFS) of ``path`` turned up ``gain_db`` and limited at the ceiling."""
    try:
        return _measure(path, gain_db, ceiling_dbtp)
    except (av.error.FFmpegError, ValueError) as exc:
        why = str(exc).splitlines()[0][:200] or type(exc).__name__
        raise UnreadableAudio(f"{path.name}: decoding failed ({why})") from None


def _measure(path: Path, gain_db: float, ceiling_dbtp: float) -> float:
    decoder = _decoder(path)
    meter = _Loudness()
    limiter = TruePeakLimiter(ceiling_dbtp)
    gain = np.float32(10 ** (gain_db / 20))
    pending: list[npt.NDArray[np.float32]] = []
    held = 0
    for frame in ready_frames(decoder):
        pcm = np.asarray(frame.to_ndarray(), np.float32).reshape(-1, CHANNELS)
        pending.append(pcm)
        held += len(pcm)
        if held >= _BLOCK:
            meter.add(limiter.process(np.concatenate(pending) * gain))
            pending, held = [], 0
    if pending:
        meter.add(limiter.process(np.concatenate(pending) * gain))
    # The limiter hands out its last `latency` samples only behind more input.
    meter.add(limiter.process(np.zeros((limiter.latency, CHANNELS), np.float32)))
    return meter.finish()


def _decoder(path: Path) -> Graph:
    graph = Graph()
    source = graph.add("amovie", filename=str(path), dec_threads="1")
    # aformat brings in libswresample, as playout's AudioResampler does.
    convert = graph.add(
        "aformat", f"sample_fmts=flt:channel_layouts=stereo:sample_rates={SAMPLE_RATE}"
    )
    sink = graph.add("abuffersink")
    source.link_to(convert)
    convert.link_to(sink)
    graph.configure()
    return graph


class _Loudness:
    """ffmpeg's ebur128 over float stereo at the station rate."""

    def __init__(self) -> None:
        self._graph = Graph()
        source = self._graph.add_abuffer(format="flt", sample_rate=SAMPLE_RATE, layout="stereo")
        r128 = self._graph.add("ebur128", "metadata=1")
        sink = self._graph.add("abuffersink")
        source.link_to(r128)
        r128.link_to(sink)
        self._graph.configure()
        self._last: tuple[av.AudioFrame | None, av.AudioFrame | None] = (None, None)

    def add(self, pcm: npt.NDArray[np.float32]) -> None:
        if not len(pcm):
            return
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(pcm, np.float32).reshape(1, -1), format="flt", layout="stereo"
        )
        frame.sample_rate = SAMPLE_RATE
        self._graph.push(frame)
        self._drain()

    def finish(self) -> float:
        self._graph.push(None)
        self._drain()
        # ebur128 tags every whole 100 ms frame with the loudness so far.
        for frame in reversed(self._last):
            if frame is not None and "lavfi.r128.I" in frame.metadata:
                return float(frame.metadata["lavfi.r128.I"])
        return -math.inf

    def _drain(self) -> None:
        for frame in ready_frames(self._graph):
            self._last = (self._last[1], frame)
