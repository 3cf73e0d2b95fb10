"""An MP3 file encoded on every core: the pcm cut into spans, each encoded by its own LAME.

LAME encodes one frame after another, so one encoder keeps one core busy and
an hour's render waits on it. Here the pcm is cut into spans of whole frames
(1152 samples), and each span is encoded by a fresh LAME on a worker thread
(ctypes lets go of the GIL while LAME runs) with the same settings as a single
encoder. Each encode also takes ``PRE_ROLL`` frames of the audio before its
span, so that its filterbank, psychoacoustic model and bit reservoir are warm by
the span's start, and ``POST_ROLL`` frames after it, so that the next span's
encode can take over where both hold the same audio. The cut-over frame is the
first, from the span's start, where the frames splice without touching a kept
frame (:func:`onair.playout.codecs.mp3_splice.splice`); the frames before it come from
the outgoing encode and the rest from the incoming one. Nothing is re-quantized
and LAME's quality setting is the single encoder's.

The spans depend only on the sample count, never on the number of cores or
threads, so the same pcm gives the same bytes on any machine.
"""

from __future__ import annotations

import os
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

from onair.domain.playout import CHANNELS
from onair.playout.codecs.lame import FRAME_SAMPLES, open_lame
from onair.playout.codecs.mp3_splice import (
    KBPS,
    music_crc,
    splice,
    split_mp3_frames,
    write_info_tag,
)

__all__ = ["POST_ROLL", "PRE_ROLL", "ParallelMp3Writer"]

Pcm = npt.NDArray[np.float32]

PRE_ROLL = 16  # frames (0.38 s) of audio before a span that its encode starts from
POST_ROLL = 16  # frames after a span that its encode also takes
_FIRST_AUDIO = 1  # an encode's first frames hold its priming: the cut comes after them
_TAIL = 4  # frames at the end of the outgoing encode that see its flush, never kept
_SPAN_FRAMES = 1250  # 30 s at 48 kHz


@dataclass
class _Encoded:
    first: int  # the stream frame index of frames[0]
    frames: list[bytearray]
    tag: bytes  # LAME's Info frame, for the first span only
    pcm: Pcm | None  # what was encoded, kept until the encode has taken over


def _encode(pcm: Pcm, first: int, bitrate: int, info_tag: bool) -> _Encoded:
    lame = open_lame(bitrate, info_tag=info_tag, system=True)
    frames, rest = split_mp3_frames(lame.encode(pcm) + lame.flush())
    if rest:
        raise RuntimeError(f"LAME left {len(rest)} bytes that are not a whole frame")
    if info_tag:
        return _Encoded(first, [bytearray(f) for f in frames[1:]], lame.lametag(), pcm)
    return _Encoded(first, [bytearray(f) for f in frames], b"", pcm)


class ParallelMp3Writer:
    """Writes pcm float32 (frames, 2) as one CBR MP3 file with LAME's gapless Info frame.

    ``span_frames`` is how many MP3 frames each encode owns (tests use short
    spans to get many cut-overs); ``workers`` how many encodes run at once
    (default: one per core).
    """

    def __init__(
        self,
        file: BinaryIO,
        bitrate: int,
        *,
        span_frames: int = _SPAN_FRAMES,
        workers: int | None = None,
    ) -> None:
        if span_frames < PRE_ROLL + POST_ROLL:
            raise ValueError(f"a span must be at least {PRE_ROLL + POST_ROLL} frames")
        self._file = file
        self._bitrate = bitrate
        self._span = span_frames * FRAME_SAMPLES
        self._workers = workers or os.cpu_count() or 1
        self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="onair-mp3")
        self._pending: deque[Future[_Encoded]] = deque()
        self._buffer: list[Pcm] = []
        self._buffered = 0
        self._start = 0  # the stream sample where the buffer begins
        self._next = 0  # the stream sample where the next span begins
        self._samples = 0
        self._held: _Encoded | None = None
        self._frames = 0
        self._bytes = 0
        self._crc = 0
        self._kbps = 0
        self._tag = b""

    def write(self, pcm: Pcm) -> None:
        """Append a block of pcm; full spans go to the encoders."""
        if pcm.ndim != 2 or pcm.shape[1] != CHANNELS:
            raise ValueError(f"pcm must be (frames, {CHANNELS}), not {pcm.shape}")
        self._buffer.append(np.array(pcm, np.float32))
        self._buffered += len(pcm)
        self._samples += len(pcm)
        while self._start + self._buffered >= self._next + self._span + POST_ROLL * FRAME_SAMPLES:
            self._submit(self._next + self._span + POST_ROLL * FRAME_SAMPLES)

    def close(self) -> None:
        """Encode the rest, join the frames and write the file with its Info frame."""
        try:
            self._submit(self._samples)  # the last span, with whatever follows it
            while self._pending:
                self._take()
            if self._held is not None:
                self._emit(self._held.frames)
            tag = write_info_tag(
                self._tag, self._frames, self._bytes, self._crc, self._kbps, self._samples
            )
            self._file.seek(0)
            self._file.write(tag)
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def _submit(self, end: int) -> None:
        pcm = np.concatenate(self._buffer) if len(self._buffer) != 1 else self._buffer[0]
        begin = max(0, self._next - PRE_ROLL * FRAME_SAMPLES)
        span = np.ascontiguousarray(pcm[begin - self._start : end - self._start])
        first = begin // FRAME_SAMPLES
        self._pending.append(
            self._pool.submit(_encode, span, first, self._bitrate, self._next == 0)
        )
        self._next += self._span
        keep = max(0, self._next - PRE_ROLL * FRAME_SAMPLES)
        self._buffer = [pcm[keep - self._start :]]
        self._buffered = len(self._buffer[0])
        self._start = keep
        while len(self._pending) > self._workers:
            self._take()

    def _take(self) -> None:
        incoming = self._pending.popleft().result()
        if self._held is None:
            self._tag = incoming.tag
            self._file.write(bytes(len(incoming.tag)))  # room for the Info frame
            incoming.pcm = None
            self._held = incoming
            return
        held = self._held
        cut = self._cut(held, incoming)
        if cut is None and incoming.pcm is not None:
            # Not needed once in 2,343 cut-overs of a demo hour cut every 1.5 s; an
            # encode started a few frames later fills its reservoir along another path.
            later = PRE_ROLL // 2
            pcm = incoming.pcm[later * FRAME_SAMPLES :]
            incoming = _encode(pcm, incoming.first + later, self._bitrate, False)
            cut = self._cut(held, incoming)
        if cut is None:
            raise RuntimeError(f"no frame near {incoming.first} where two encodes splice")
        self._emit(held.frames[: cut - held.first])
        incoming.frames = incoming.frames[cut - incoming.first :]
        incoming.first = cut
        incoming.pcm = None
        self._held = incoming

    def _cut(self, outgoing: _Encoded, incoming: _Encoded) -> int | None:
        """The frame where the incoming encode takes over (None: no frame splices).

        Frames from the span's start on are tried first, then earlier ones: there
        the fresh encode's reservoir, filling from empty, is mostly still lower
        than the warm encode's.
        """
        start = incoming.first + PRE_ROLL
        end = min(outgoing.first + len(outgoing.frames), start + POST_ROLL) - _TAIL
        candidates: list[int] = [
            *range(start, end),
            *range(start - 1, incoming.first + _FIRST_AUDIO, -1),
        ]
        for cut in candidates:
            out = outgoing.frames[cut - outgoing.first - 2 : cut - outgoing.first + 1]
            inc = incoming.frames[cut - incoming.first - 2 : cut - incoming.first + 1]
            if splice(out, inc, 2):
                return cut
        return None

    def _emit(self, frames: list[bytearray]) -> None:
        data = b"".join(frames)
        self._frames += len(frames)
        self._bytes += len(data)
        self._crc = music_crc(data, self._crc)
        if frames:
            self._kbps = KBPS[frames[0][2] >> 4]
        self._file.write(data)
