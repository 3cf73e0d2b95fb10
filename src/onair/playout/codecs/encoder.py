"""Encoders for the built-in stream (MP3, Ogg/Opus, AAC) and for rendered files (WAV, MP3).

Stream chunks are whole MP3 frames, Ogg pages or ADTS frames, so a listener can join
at any chunk. Each carries the station samples its audio covers, counted from 0
at the first pcm fed: the stream hub uses them to announce a track only once
the bytes holding its first sample are out. Negative samples are the encoder's
priming, before the first pcm.
"""

from __future__ import annotations

import struct
import wave
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Literal

import av
import numpy as np
import numpy.typing as npt

from onair.domain.playout import CHANNELS, SAMPLE_RATE
from onair.playout.codecs.adts import adts_header
from onair.playout.codecs.lame import (
    FRAME_SAMPLES,
    LameEncoder,
    open_lame,
    stream_codec,
    system_lame_available,
)
from onair.playout.codecs.mp3_splice import split_mp3_frames
from onair.playout.codecs.parallel_mp3 import ParallelMp3Writer

__all__ = [
    "EncodedChunk",
    "FileEncoder",
    "RenderFormatError",
    "StreamEncoder",
    "content_type",
    "split_mp3_frames",
]

Pcm = npt.NDArray[np.float32]
StreamFormat = Literal["mp3", "opus", "aac"]

# 60 ms packets (libopus's default is 20 ms): a third of the calls into the encoder for
# the same sound; a stream's listeners do not notice the delay.
_OPUS_FRAME = 2880
_PACKETS_PER_PAGE = 2  # 120 ms pages: little overhead, little delay
_OGG_SERIAL = 0x6F6E6169  # fixed, so the same pcm gives the same bytes
_BIT_REVERSED = bytes(int(f"{i:08b}"[::-1], 2) for i in range(256))


class RenderFormatError(ValueError):
    """A render target whose suffix is neither ``.wav`` nor ``.mp3``."""


@dataclass(frozen=True, slots=True)
class EncodedChunk:
    """Whole MP3 frames, Ogg pages or ADTS frames, and the station samples they carry."""

    sample: int  # the first station sample the bytes decode to (negative: encoder priming)
    samples: int
    data: bytes

    @property
    def end(self) -> int:
        """The station sample just after this chunk's audio."""
        return self.sample + self.samples


class _Mp3Stream:
    def __init__(self, bitrate: int) -> None:
        self._lame: LameEncoder = open_lame(bitrate)
        self._rest = b""
        self._frames = 0

    def encode(self, pcm: Pcm) -> list[EncodedChunk]:
        return self._chunks(self._lame.encode(pcm))

    def flush(self) -> list[EncodedChunk]:
        return self._chunks(self._lame.flush())

    def _chunks(self, data: bytes) -> list[EncodedChunk]:
        frames, self._rest = split_mp3_frames(self._rest + data)
        first = self._frames
        self._frames += len(frames)
        delay = self._lame.delay
        return [
            EncodedChunk((first + i) * FRAME_SAMPLES - delay, FRAME_SAMPLES, frame)
            for i, frame in enumerate(frames)
        ]


def _ogg_crc(data: bytes) -> int:
    # Ogg's CRC-32 is zlib's polynomial unreflected, with no pre- or post-inversion:
    # zlib gives it in C speed on bit-reversed bytes, starting from an inverted zero.
    crc = zlib.crc32(data.translate(_BIT_REVERSED), 0xFFFFFFFF) ^ 0xFFFFFFFF
    return int(f"{crc:032b}"[::-1], 2)


class _OggPages:
    """One logical Ogg bitstream (RFC 3533), page by page."""

    def __init__(self, serial: int) -> None:
        self._serial = serial
        self._sequence = 0

    def page(self, packets: list[bytes], granule: int, flags: int = 0) -> bytes:
        lacing = bytearray()
        for packet in packets:
            lacing += b"\xff" * (len(packet) // 255) + bytes([len(packet) % 255])
        if len(lacing) > 255:
            raise ValueError("too many packets for one Ogg page")
        header = struct.pack(
            "<4sBBqIIIB", b"OggS", 0, flags, granule, self._serial, self._sequence, 0, len(lacing)
        )
        self._sequence += 1
        page = bytearray(header + lacing + b"".join(packets))
        struct.pack_into("<I", page, 22, _ogg_crc(bytes(page)))
        return bytes(page)


class _OpusStream:
    def __init__(self, bitrate: int) -> None:
        # Constrained VBR keeps each listener's bandwidth near the advertised bitrate.
        options = {"vbr": "constrained", "frame_duration": "60"}
        self._codec = stream_codec("libopus", bitrate, "flt", options)
        opus_head = bytes(self._codec.extradata or b"")
        self._preskip = int.from_bytes(opus_head[10:12], "little")
        self._pages = _OggPages(_OGG_SERIAL)
        vendor = b"onair"
        tags = b"OpusTags" + struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", 0)
        self.header = self._pages.page([opus_head], 0, flags=0x02) + self._pages.page([tags], 0)
        self._pending = np.zeros((0, CHANNELS), np.float32)
        self._pts = 0
        self._packets: list[av.Packet[Any]] = []

    def encode(self, pcm: Pcm) -> list[EncodedChunk]:
        pending = np.concatenate([self._pending, pcm.astype(np.float32, copy=False)])
        whole = len(pending) - len(pending) % _OPUS_FRAME
        self._pending = pending[whole:]
        for start in range(0, whole, _OPUS_FRAME):
            self._send(pending[start : start + _OPUS_FRAME])
        return self._paginate(final=False)

    def flush(self) -> list[EncodedChunk]:
        if len(self._pending):
            self._send(self._pending)
            self._pending = self._pending[:0]
        self._packets.extend(self._codec.encode(None))
        return self._paginate(final=True)

    def _send(self, block: Pcm) -> None:
        frame = av.AudioFrame.from_ndarray(block.reshape(1, -1), format="flt", layout="stereo")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = self._pts
        self._pts += len(block)
        self._packets.extend(self._codec.encode(frame))

    def _paginate(self, final: bool) -> list[EncodedChunk]:
        chunks: list[EncodedChunk] = []
        while len(self._packets) >= _PACKETS_PER_PAGE or (final and self._packets):
            group = self._packets[:_PACKETS_PER_PAGE]
            del self._packets[:_PACKETS_PER_PAGE]
            first = int(group[0].pts or 0)
            end = int(group[-1].pts or 0) + int(group[-1].duration or 0)
            last = final and not self._packets
            page = self._pages.page(
                [bytes(p) for p in group], end + self._preskip, flags=0x04 if last else 0
            )
            chunks.append(EncodedChunk(first, end - first, page))
        return chunks


class _AacStream:
    """AAC-LC from FFmpeg's native encoder (HE-AAC needs libfdk_aac, which FFmpeg leaves out)."""

    def __init__(self, bitrate: int) -> None:
        self._codec = stream_codec("aac", bitrate, "fltp")
        self._frame = self._codec.frame_size
        self._config = bytes(self._codec.extradata or b"")
        self._pending = np.zeros((0, CHANNELS), np.float32)
        self._pts = 0

    def encode(self, pcm: Pcm) -> list[EncodedChunk]:
        pending = np.concatenate([self._pending, pcm.astype(np.float32, copy=False)])
        whole = len(pending) - len(pending) % self._frame
        self._pending = pending[whole:]
        chunks: list[EncodedChunk] = []
        for start in range(0, whole, self._frame):
            chunks += self._send(pending[start : start + self._frame])
        return chunks

    def flush(self) -> list[EncodedChunk]:
        chunks = self._send(self._pending) if len(self._pending) else []
        self._pending = self._pending[:0]
        return chunks + [self._framed(p) for p in self._codec.encode(None)]

    def _send(self, block: Pcm) -> list[EncodedChunk]:
        planar = np.ascontiguousarray(block.T)
        frame = av.AudioFrame.from_ndarray(planar, format="fltp", layout="stereo")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = self._pts
        self._pts += len(block)
        return [self._framed(p) for p in self._codec.encode(frame)]

    def _framed(self, packet: av.Packet[Any]) -> EncodedChunk:
        # The packet's pts counts the encoder's priming: the first frame's is negative.
        raw = bytes(packet)
        samples = int(packet.duration or self._frame)
        return EncodedChunk(
            int(packet.pts or 0), samples, adts_header(self._config, len(raw)) + raw
        )


_Stream = _Mp3Stream | _OpusStream | _AacStream
_STREAMS: dict[str, Callable[[int], _Stream]] = {
    "mp3": _Mp3Stream,
    "opus": _OpusStream,
    "aac": _AacStream,
}
_CONTENT_TYPES = {"mp3": "audio/mpeg", "opus": "audio/ogg", "aac": "audio/aac"}


def content_type(fmt: StreamFormat) -> str:
    """The HTTP content type of a stream of ``fmt``."""
    return _CONTENT_TYPES[fmt]


class StreamEncoder:
    """Live encoder of one mount: pcm float32 (frames, 2) at 48 kHz in, whole frames/pages out.

    ``header`` is what a listener joining mid-stream needs first (the OpusHead
    and OpusTags pages; empty for MP3 and AAC).
    """

    def __init__(self, fmt: StreamFormat, bitrate: int = 128_000) -> None:
        if fmt not in _STREAMS:
            raise ValueError(f"unknown stream format {fmt!r}: use 'mp3', 'opus' or 'aac'")
        self.fmt: StreamFormat = fmt
        self.bitrate = bitrate
        self._impl = _STREAMS[fmt](bitrate)
        self.header: bytes = self._impl.header if isinstance(self._impl, _OpusStream) else b""

    @property
    def content_type(self) -> str:
        """The HTTP content type of the stream."""
        return content_type(self.fmt)

    def encode(self, pcm: Pcm) -> list[EncodedChunk]:
        """Encode a block of any length; returns the chunks it completed (maybe none)."""
        if pcm.ndim != 2 or pcm.shape[1] != CHANNELS:
            raise ValueError(f"pcm must be (frames, {CHANNELS}), not {pcm.shape}")
        return self._impl.encode(pcm)

    def flush(self) -> list[EncodedChunk]:
        """Encode what is left and end the stream (the encoder cannot be fed again)."""
        return self._impl.flush()


def _to_s16(pcm: Pcm) -> bytes:
    scaled = np.rint(np.clip(pcm, -1.0, 1.0) * 32767.0)
    return bytes(scaled.astype("<i2").tobytes())


class FileEncoder:
    """Writes pcm blocks to ``.wav`` (16-bit PCM) or ``.mp3`` (128 kbps CBR).

    The same pcm gives the same bytes: no dates, no random serials, no version
    strings beyond LAME's own Info tag.
    """

    def __init__(self, path: Path, *, mp3_bitrate: int = 128_000) -> None:
        suffix = path.suffix.lower()
        if suffix not in (".wav", ".mp3"):
            raise RenderFormatError(f"cannot render to {path.name}: use a .wav or .mp3 file")
        self.path = path
        self._file: BinaryIO = path.open("wb")
        self._wav: wave.Wave_write | None = None
        self._lame: LameEncoder | None = None
        self._parallel: ParallelMp3Writer | None = None
        if suffix == ".wav":
            self._wav = wave.open(self._file, "wb")  # noqa: SIM115 (closed in close())
            self._wav.setnchannels(CHANNELS)
            self._wav.setsampwidth(2)
            self._wav.setframerate(SAMPLE_RATE)
        elif system_lame_available():
            self._parallel = ParallelMp3Writer(self._file, mp3_bitrate)
        else:
            self._lame = open_lame(mp3_bitrate, info_tag=True)

    def write(self, pcm: Pcm) -> None:
        """Append a block of float32 (frames, 2) pcm."""
        if self._wav is not None:
            self._wav.writeframesraw(_to_s16(pcm))
        elif self._parallel is not None:
            self._parallel.write(pcm)
        elif self._lame is not None:
            self._file.write(self._lame.encode(pcm))

    def close(self) -> None:
        """Finish the file (WAV sizes, MP3 tail and gapless Info frame)."""
        if self._file.closed:
            return
        if self._wav is not None:
            self._wav.close()
        elif self._parallel is not None:
            self._parallel.close()
        elif self._lame is not None:
            self._file.write(self._lame.flush())
            tag = self._lame.lametag()
            if tag:
                self._file.seek(0)
                self._file.write(tag)
        self._file.close()

    def __enter__(self) -> FileEncoder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
