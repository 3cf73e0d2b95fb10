"""The loudness an item airs at: its audio at a gain, through the program's limiter.

The file is decoded as playout decodes it (48 kHz float stereo, libswresample),
turned up by the gain, passed through the same :class:`TruePeakLimiter` the
master runs through, and measured by ffmpeg's ``ebur128``, the meter analysis
uses (EBU R128 / ITU-R BS.1770-4), a second at a time.

Finding an item's gain can take up to four such measurements. An
:class:`AiredLoudness` decodes the file once and keeps the decoded seconds for
the next gain, as half floats (a relative error of 2^-11 a sample, some 66 dB
under the signal: a ten-thousandth of a LU, a few thousandths of a dB of peak),
while the item is no longer than :data:`HELD_S`: 15 minutes are 173 MB. A
longer item is decoded again for each gain, a second at a time.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
from av.filter import Graph

from onair.audio.limiter import TruePeakLimiter
from onair.domain.playout import CHANNELS, SAMPLE_RATE
from onair.ingest.ffmpeg.analysis import UnreadableAudio
from onair.ingest.ffmpeg.filter_graph import ready_frames

__all__ = ["HELD_S", "AiredLoudness", "aired_loudness"]

HELD_S = 15 * 60.0
_BLOCK = SAMPLE_RATE  # samples limited at a time


def aired_loudness(path: Path, gain_db: float, ceiling_dbtp: float) -> float:
    """Integrated loudness (LUFS) of ``path`` turned up ``gain_db`` and limited at the ceiling."""
    return AiredLoudness(path, ceiling_dbtp)(gain_db)


class AiredLoudness:
    """The aired loudness of one file at any gain, decoding it once where it can."""

    def __init__(self, path: Path, ceiling_dbtp: float) -> None:
        self.path = path
        self.ceiling_dbtp = ceiling_dbtp
        self._held: list[npt.NDArray[np.float16]] | None = None

    def __call__(self, gain_db: float) -> float:
        """Integrated loudness (LUFS) at ``gain_db``, limited at the ceiling."""
        try:
            return self._measure(gain_db)
        except (av.error.FFmpegError, ValueError) as exc:
            why = str(exc).splitlines()[0][:200] or type(exc).__name__
            raise UnreadableAudio(f"{self.path.name}: decoding failed ({why})") from None

    def _measure(self, gain_db: float) -> float:
        meter = _Loudness()
        limiter = TruePeakLimiter(self.ceiling_dbtp)
        gain = np.float32(10 ** (gain_db / 20))
        for block in self._blocks():
            meter.add(limiter.process(block * gain))
        # The limiter hands out its last `latency` samples only behind more input.
        meter.add(limiter.process(np.zeros((limiter.latency, CHANNELS), np.float32)))
        return meter.finish()

    def _blocks(self) -> Iterator[npt.NDArray[np.float32]]:
        """The file at the station rate, a second at a time (frames x channels)."""
        if self._held is not None:
            for half in self._held:
                yield half.astype(np.float32)
            return
        held: list[npt.NDArray[np.float16]] | None = []
        for frame in ready_frames(_decoder(self.path)):
            block = np.frombuffer(memoryview(frame.planes[0]), np.float32, frame.samples * CHANNELS)
            block = block.reshape(-1, CHANNELS)
            if held is not None:
                held.append(block.astype(np.float16))
                if len(held) * _BLOCK > HELD_S * SAMPLE_RATE:
                    held = None  # too long to keep: decoded again for each gain
            yield block
        self._held = held


def _decoder(path: Path) -> Graph:
    graph = Graph()
    source = graph.add("amovie", filename=str(path), dec_threads="1")
    # aformat brings in libswresample, as playout's AudioResampler does.
    convert = graph.add(
        "aformat", f"sample_fmts=flt:channel_layouts=stereo:sample_rates={SAMPLE_RATE}"
    )
    # A second a frame: one trip through Python a second, not one a decoded packet.
    seconds = graph.add("asetnsamples", f"n={_BLOCK}:p=0")
    sink = graph.add("abuffersink")
    source.link_to(convert)
    convert.link_to(seconds)
    seconds.link_to(sink)
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
