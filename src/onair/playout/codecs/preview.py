"""A short MP3 of a master for an operator to hear: the same decode and encoder the air uses."""

from __future__ import annotations

from typing import BinaryIO

import av
import numpy as np

from onair.domain.playout import CHANNELS, SAMPLE_RATE, samples_of
from onair.playout.codecs.decoder import UndecodableAudio
from onair.playout.codecs.lame import open_lame

__all__ = ["PREVIEW_BITRATE", "preview_mp3"]

PREVIEW_BITRATE = 128_000


def preview_mp3(source: BinaryIO, start_s: float, end_s: float) -> bytes:
    """Seconds ``[start_s, end_s)`` of the audio read from ``source``, as MP3 at 48 kHz stereo.

    Decoded from the start and cut by sample count, as playout cuts at cue points.
    """
    first, last = samples_of(start_s), samples_of(end_s)
    lame = open_lame(PREVIEW_BITRATE)
    encoded: list[bytes] = []
    decoded = 0
    try:
        with av.open(source, mode="r") as container:
            if not container.streams.audio:
                raise UndecodableAudio("the master has no audio stream")
            resampler = av.AudioResampler(format="flt", layout="stereo", rate=SAMPLE_RATE)
            for frame in container.decode(container.streams.audio[0]):
                for out in resampler.resample(frame):
                    pcm = out.to_ndarray().reshape(-1, CHANNELS)
                    lo, hi = max(first, decoded), min(last, decoded + len(pcm))
                    if hi > lo:
                        kept = np.ascontiguousarray(pcm[lo - decoded : hi - decoded], np.float32)
                        encoded.append(lame.encode(kept))
                    decoded += len(pcm)
                if decoded >= last:
                    break
    except av.FFmpegError as exc:
        raise UndecodableAudio(f"the master cannot be decoded: {exc}") from exc
    encoded.append(lame.flush())
    return b"".join(encoded)
