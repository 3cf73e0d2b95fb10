"""Speech through ffmpeg (PyAV): squeezed in time, resampled to the air rate, encoded FLAC.

A segment that runs long is squeezed (at most 10%, pitch kept), every take is
resampled to the air rate, and the result is encoded FLAC for the object store.
"""

from __future__ import annotations

import io
from fractions import Fraction

import av
import numpy as np
import numpy.typing as npt

from onair.agents.ports import Speech
from onair.agents.voicing import AIR_SAMPLE_RATE, MAX_COMPRESSION
from onair.domain.errors import DomainError

__all__ = ["UnreadableRecording", "compress_time", "read_speech", "resample", "to_flac"]


class UnreadableRecording(DomainError):
    """A recording that is not audio ffmpeg can decode, or holds none."""


def read_speech(path: str, max_s: float) -> Speech:
    """A recording (any format ffmpeg reads) as mono speech at the air rate; at most
    ``max_s`` seconds, or :class:`UnreadableRecording`."""
    blocks: list[npt.NDArray[np.float32]] = []
    decoded = 0
    try:
        with av.open(path, mode="r") as container:
            if not container.streams.audio:
                raise UnreadableRecording("the recording has no audio stream")
            resampler = av.AudioResampler(format="flt", layout="mono", rate=AIR_SAMPLE_RATE)
            for frame in container.decode(container.streams.audio[0]):
                for out in resampler.resample(frame):
                    blocks.append(out.to_ndarray().reshape(-1).astype(np.float32))
                    decoded += out.samples
                if decoded > max_s * AIR_SAMPLE_RATE:
                    raise UnreadableRecording(f"the recording is longer than {max_s:g} s")
    except (av.FFmpegError, ValueError) as exc:
        raise UnreadableRecording(f"the recording cannot be decoded as audio: {exc}") from None
    if not decoded:
        raise UnreadableRecording("the recording holds no audio")
    return Speech(np.concatenate(blocks), AIR_SAMPLE_RATE)


def _frame(samples: npt.NDArray[np.float32], sample_rate: int) -> av.AudioFrame:
    frame = av.AudioFrame.from_ndarray(
        np.ascontiguousarray(samples, dtype=np.float32).reshape(1, -1), format="flt", layout="mono"
    )
    frame.sample_rate = sample_rate
    frame.pts = 0
    frame.time_base = Fraction(1, sample_rate)
    return frame


def _mono(frames: list[av.AudioFrame]) -> npt.NDArray[np.float32]:
    if not frames:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate([f.to_ndarray().reshape(-1) for f in frames]).astype(np.float32)


def compress_time(speech: Speech, factor: float) -> Speech:
    """``speech`` played ``factor`` times faster with its pitch kept (ffmpeg's ``atempo``).

    ``factor`` runs from 1.0 (unchanged) to 1.10: a segment that is still too
    long after that is rewritten shorter, never squeezed further.
    """
    if not 1.0 <= factor <= MAX_COMPRESSION:
        raise ValueError(f"time compression {factor}: allowed 1.0 to {MAX_COMPRESSION}")
    if factor == 1.0 or len(speech.samples) == 0:
        return speech
    graph = av.filter.Graph()
    source = graph.add_abuffer(
        format="flt",
        sample_rate=speech.sample_rate,
        layout="mono",
        time_base=Fraction(1, speech.sample_rate),
    )
    tempo = graph.add("atempo", f"{factor:.6f}")
    sink = graph.add("abuffersink")
    graph.link_nodes(source, tempo, sink)
    graph.configure()
    graph.push(_frame(speech.samples, speech.sample_rate))
    graph.push(None)
    frames: list[av.AudioFrame] = []
    while True:
        try:
            out = graph.pull()
        except (av.BlockingIOError, av.EOFError):
            break
        assert isinstance(out, av.AudioFrame)
        frames.append(out)
    return Speech(_mono(frames), speech.sample_rate)


def resample(speech: Speech, sample_rate: int = AIR_SAMPLE_RATE) -> Speech:
    """``speech`` at ``sample_rate`` (libswresample, through PyAV)."""
    if len(speech.samples) == 0:
        return Speech(speech.samples, sample_rate)
    if sample_rate == speech.sample_rate:
        return speech
    resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
    frames = resampler.resample(_frame(speech.samples, speech.sample_rate))
    frames += resampler.resample(None)
    return Speech(_mono(frames), sample_rate)


def to_flac(speech: Speech) -> bytes:
    """``speech`` as a 16-bit mono FLAC file, in memory, at its own sample rate.

    Playout airs 48 kHz: ``resample`` first.
    """
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="flac") as container:
        stream = container.add_stream("flac", rate=speech.sample_rate, layout="mono")
        stream.format = "s16"
        pcm = np.round(np.clip(speech.samples, -1.0, 1.0) * 32767.0).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = speech.sample_rate
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buffer.getvalue()
