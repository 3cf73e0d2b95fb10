"""One decode per file: duration, format, loudness, cue points and waveform.

The file is decoded inside a PyAV filter graph (lavfi's ``amovie`` source, the
same demuxer and decoder as PyAV's own) and passes once through ffmpeg's own
``ebur128`` filter, so integrated loudness and loudness range are ffmpeg's
numbers by construction (EBU R128 / ITU-R BS.1770-4), and the same frames feed
the sample-level measurements here. The true peak comes from
:mod:`onair.ingest.ffmpeg.true_peak`, the same resampler as ffmpeg's at 40% of the
cost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
from av.filter import Graph

from onair.domain.errors import DomainError
from onair.ingest.ffmpeg.filter_graph import ready_frames
from onair.ingest.ffmpeg.identity import FingerprintBuilder
from onair.ingest.ffmpeg.true_peak import TruePeakMeter
from onair.ingest.stage_clock import UNTIMED, StageClock
from onair.ingest.tempo import energy, estimate_bpm
from onair.ingest.timbre import TimbreBuilder
from onair.ingest.transitions import Ending, find_transitions
from onair.ingest.waveform import Waveform, WaveformBuilder

__all__ = ["ANALYSIS_VERSION", "AudioAnalysis", "UnreadableAudio", "analyse"]

# Bumped whenever a stored value can come out differently for the same file.
# 2: true peak from swr's 4x oversampling, timbre added. 3: the fingerprint's
# resampling done by swr, as fpcalc does (0.9995 or more alike to 2's, mostly equal).
# 4: the gain reaches the target through the program limiter, not capped by the true peak.
# 5: a cold ending segues where its ring-out falls 35 dB under the body, not at cue-out.
ANALYSIS_VERSION = 5
_CHUNK = 32768  # samples measured at a time
_TAIL = 1024  # samples searched at a time for the last one over the silence threshold
_MAX_DURATION_S = 6 * 3600.0  # longer than any programme item: a broken header


class UnreadableAudio(DomainError):
    """The file cannot be decoded as audio; the message says why, in one line."""


@dataclass(frozen=True)
class AudioAnalysis:
    duration_s: float
    codec: str
    sample_rate: int
    channels: int
    bitrate: int | None
    loudness_lufs: float
    loudness_range_lu: float
    true_peak_dbtp: float
    cue_in_s: float
    cue_out_s: float
    intro_end_s: float
    segue_s: float
    ending: Ending
    bpm: float | None
    energy: float
    fingerprint: str = field(repr=False)
    waveform: Waveform = field(repr=False)
    timbre: tuple[float, ...] = field(default=(), repr=False)  # dB per band
    version: int = ANALYSIS_VERSION


def analyse(
    path: Path,
    *,
    silence_dbfs: float = -60.0,
    peaks_per_s: int = 100,
    clock: StageClock = UNTIMED,
) -> AudioAnalysis:
    """Decode ``path`` once and measure it; raises :class:`UnreadableAudio`.

    ``clock`` is told the CPU time of each stage (``bench/ingest.py --profile``).
    """
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError, UnicodeDecodeError) as exc:
        raise UnreadableAudio(f"{path.name}: not decodable audio ({_why(exc)})") from None
    with container:
        if not container.streams.audio:
            raise UnreadableAudio(f"{path.name}: has no audio stream")
        stream = container.streams.audio[0]
        codec = stream.codec_context
        if codec.format is None or not codec.sample_rate:  # nothing the probe could decode
            raise UnreadableAudio(f"{path.name}: decoding failed (missing format)")
        found = _Format(
            codec.name,
            codec.sample_rate,
            codec.channels,
            (container.bit_rate or codec.bit_rate) or None,
            stream.index,
        )
    try:
        return _measure(path, found, silence_dbfs, peaks_per_s, clock)
    except (av.error.FFmpegError, ValueError) as exc:
        raise UnreadableAudio(f"{path.name}: decoding failed ({_why(exc)})") from None


@dataclass(frozen=True)
class _Format:
    codec: str
    sample_rate: int
    channels: int
    bitrate: int | None
    stream: int  # its index in the file


def _dbtp(linear: float) -> float:
    return 20 * math.log10(linear) if linear > 0 else -math.inf


def _why(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] or type(exc).__name__


def _measure(
    path: Path, found: _Format, silence_dbfs: float, peaks_per_s: int, clock: StageClock
) -> AudioAnalysis:
    # Decoding inside the graph spares the ~9,000 decoded frames of a song a round
    # trip through Python each: 0.05 s of CPU a four-minute MP3.
    graph = Graph()
    source = graph.add("amovie", filename=str(path), streams=str(found.stream), dec_threads="1")
    r128 = graph.add("ebur128", "metadata=1")
    planar = graph.add("aformat", "sample_fmts=fltp")
    sink = graph.add("abuffersink")
    source.link_to(r128)
    r128.link_to(planar)
    planar.link_to(sink)
    graph.configure()

    meter = _Meter(silence_dbfs, peaks_per_s, clock)
    try:
        with clock.stage("decode and loudness"):
            for frame in ready_frames(graph):
                meter.add(frame)
    except (av.error.FFmpegError, ValueError) as exc:
        # Where it failed tells a file cut off (near where its bytes end) from one damaged.
        at = meter.decoded_s
        raise UnreadableAudio(f"{path.name}: decoding failed at {at:.1f} s ({_why(exc)})") from None
    meter.finish()
    if meter.samples == 0 or meter.rate == 0:
        raise UnreadableAudio(f"{path.name}: no audio could be decoded")
    duration = meter.samples / meter.rate
    if duration > _MAX_DURATION_S:
        raise UnreadableAudio(f"{path.name}: duration {duration:.0f} s is not plausible")
    cue_in = (meter.first_loud if meter.first_loud is not None else 0) / meter.rate
    cue_out = (meter.last_loud if meter.last_loud is not None else 0) / meter.rate
    with clock.stage("waveform"):
        waveform = meter.waveform.finish()
    with clock.stage("cue points"):
        transitions = find_transitions(waveform.rms_db, peaks_per_s, cue_in, cue_out)
    with clock.stage("tempo"):
        bpm = estimate_bpm(waveform.rms_db, peaks_per_s, cue_in, cue_out)
        level = energy(meter.loudness, waveform.rms_db, peaks_per_s, cue_in, cue_out)
    with clock.stage("fingerprint"):
        fingerprint = meter.fingerprint.finish()
    with clock.stage("true peak"):
        true_peak = _dbtp(meter.true_peak.finish())
    with clock.stage("sound embedding"):
        timbre = meter.timbre.finish()
    return AudioAnalysis(
        duration_s=duration,
        codec=found.codec,
        sample_rate=found.sample_rate,
        channels=found.channels,
        bitrate=found.bitrate,
        loudness_lufs=meter.loudness,
        loudness_range_lu=meter.loudness_range,
        true_peak_dbtp=true_peak,
        cue_in_s=cue_in,
        cue_out_s=cue_out,
        intro_end_s=transitions.intro_end_s,
        segue_s=transitions.segue_s,
        ending=transitions.ending,
        bpm=bpm,
        energy=level,
        fingerprint=fingerprint,
        waveform=waveform,
        timbre=timbre,
    )


class _Meter:
    """Sample-level measurements over the frames leaving the filter graph."""

    def __init__(self, silence_dbfs: float, peaks_per_s: int, clock: StageClock) -> None:
        self.clock = clock
        self.threshold = 10 ** (silence_dbfs / 20)
        self.peaks_per_s = peaks_per_s
        self.samples = 0
        self.rate = 0
        self.first_loud: int | None = None
        self.last_loud: int | None = None
        self.loudness = -math.inf
        self.loudness_range = 0.0
        self.true_peak = TruePeakMeter()
        self.waveform = WaveformBuilder(peaks_per_s)
        self.fingerprint = FingerprintBuilder()
        self.timbre = TimbreBuilder()
        self._pending: list[list[npt.NDArray[np.float32]]] = []  # per channel, in place
        self._pending_samples = 0
        self._last: tuple[av.AudioFrame | None, av.AudioFrame | None] = (None, None)

    def add(self, frame: av.AudioFrame) -> None:
        if not self.rate:
            self.rate = frame.sample_rate
            self.waveform.start(frame.sample_rate, len(frame.layout.channels))
            self.fingerprint.start(frame.sample_rate, len(frame.layout.channels))
            self.timbre.start(frame.sample_rate)
            self.true_peak.start(frame.sample_rate, frame.layout.name)
            self._pending = [[] for _ in frame.planes]
        # ebur128 hands over 100 ms frames; the numpy work runs on ~0.75 s at a time.
        for channel, plane in zip(self._pending, frame.planes, strict=True):
            channel.append(np.frombuffer(memoryview(plane), np.float32, frame.samples))
        self._pending_samples += frame.samples
        if self._pending_samples >= _CHUNK:
            self._measure_pending()
        self._last = (self._last[1], frame)

    @property
    def decoded_s(self) -> float:
        """Seconds of audio taken in so far."""
        return (self.samples + self._pending_samples) / self.rate if self.rate else 0.0

    def finish(self) -> None:
        self._measure_pending()
        # ebur128 tags every whole 100 ms frame with the loudness so far; only the
        # last frame can be short of that.
        for frame in reversed(self._last):
            meta = frame.metadata if frame is not None else {}
            if "lavfi.r128.I" in meta:
                self.loudness = float(meta["lavfi.r128.I"])
                self.loudness_range = float(meta.get("lavfi.r128.LRA", 0.0))
                return

    def _measure_pending(self) -> None:
        if not self._pending_samples:
            return
        samples = np.empty((len(self._pending), self._pending_samples), dtype=np.float32)
        for row, channel in zip(samples, self._pending, strict=True):
            np.concatenate(channel, out=row)
            channel.clear()
        self._pending_samples = 0
        clock = self.clock
        with clock.stage("cue points"):
            peak = max(float(samples.max()), -float(samples.min()))
            if peak > self.threshold:
                self._find_loud(samples)
        with clock.stage("true peak"):
            self.true_peak.add(samples, peak)
        with clock.stage("waveform"):
            self.waveform.add(samples)
        with clock.stage("fingerprint"):
            self.fingerprint.add(samples)
        with clock.stage("sound embedding"):
            self.timbre.add(samples)
        self.samples += samples.shape[1]

    def _find_loud(self, samples: npt.NDArray[np.float32]) -> None:
        """Move the first and last samples over the silence threshold to those of ``samples``."""
        if self.first_loud is None:
            loud = np.flatnonzero((np.abs(samples) > self.threshold).any(axis=0))
            self.first_loud = self.samples + int(loud[0])
        # The last loud sample is almost always near the end: look there first.
        end = samples.shape[1]
        while end > 0:
            start = max(0, end - _TAIL)
            loud = np.flatnonzero((np.abs(samples[:, start:end]) > self.threshold).any(axis=0))
            if loud.size:
                self.last_loud = self.samples + start + int(loud[-1]) + 1
                return
            end = start
