"""One master decoded to the engine's format: 48 kHz float stereo, cut at its cue points."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from onair.domain.errors import DomainError
from onair.domain.playout import CHANNELS, SAMPLE_RATE, samples_of

__all__ = ["UndecodableAudio", "decode_cut"]

# Where a decode stops short of the cue-out by more than this, the file is damaged.
_SHORTFALL_S = 0.5


class UndecodableAudio(DomainError):
    """The master cannot be opened or decoded at all (missing codec, corrupt header)."""


def decode_cut(path: Path, cue_in_s: float, cue_out_s: float) -> tuple[np.ndarray, str | None]:
    """Samples ``[cue_in, cue_out)`` of ``path`` as float32 ``(frames, 2)`` at 48 kHz.

    The file is decoded from its start and cut by sample count, never by a
    seek (MP3 seeks land on frames, not samples). A decoder error part way
    returns what was decoded with the reason as the second value, so the item
    can still air and be crossfaded out where its audio ends.
    """
    first, last = samples_of(cue_in_s), samples_of(cue_out_s)
    blocks: list[np.ndarray] = []
    decoded = 0
    problem: str | None = None
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise UndecodableAudio(f"{path.name}: no audio stream")
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="flt", layout="stereo", rate=SAMPLE_RATE)
            try:
                for frame in container.decode(stream):
                    for out in resampler.resample(frame):
                        decoded = _keep(out, decoded, first, last, blocks)
                    if decoded >= last:
                        break
                else:
                    for out in resampler.resample(None):
                        decoded = _keep(out, decoded, first, last, blocks)
            except (av.FFmpegError, ValueError) as exc:
                problem = f"decoder error at {decoded / SAMPLE_RATE:.1f} s: {exc}"
    except av.FFmpegError as exc:
        raise UndecodableAudio(f"{path.name}: {exc}") from exc
    audio = np.concatenate(blocks) if blocks else np.zeros((0, CHANNELS), np.float32)
    if problem is None and decoded < last - samples_of(_SHORTFALL_S):
        ends = decoded / SAMPLE_RATE
        problem = f"audio ends at {ends:.1f} s, before its cue-out {cue_out_s:.1f} s"
    if len(audio) == 0:
        raise UndecodableAudio(f"{path.name}: {problem or 'no audio between the cue points'}")
    return np.ascontiguousarray(audio), problem


def _keep(
    frame: av.AudioFrame, decoded: int, first: int, last: int, blocks: list[np.ndarray]
) -> int:
    """Append the part of ``frame`` inside ``[first, last)``; returns samples decoded so far."""
    pcm = frame.to_ndarray().reshape(-1, CHANNELS)
    start, end = decoded, decoded + len(pcm)
    lo, hi = max(first, start), min(last, end)
    if hi > lo:
        blocks.append(pcm[lo - start : hi - start])
    return end
