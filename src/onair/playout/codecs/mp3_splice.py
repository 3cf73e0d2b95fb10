"""Joining MP3 frames from separate LAME encodes into one valid stream, and its Info tag.

A Layer III frame's audio data may begin in the frames before it (the bit
reservoir, ISO/IEC 11172-3 2.4.1.7): ``main_data_begin`` counts the bytes back
from the end of its side info where that data starts. Two encodes of the same
audio can be cut over at frame ``c`` when the incoming encode's frame ``c``
reaches back no further than the outgoing encode's own frame ``c`` did: those
bytes belonged only to the outgoing frame ``c``, which is dropped, so they are
overwritten with the incoming encode's bytes and every kept frame of both
encodes decodes exactly as its encoder made it.

The Info frame is LAME's own (its encoder, lowpass and flags), with the counts
that depend on the whole stream written again as LAME's ``VbrTag.c`` computes
them: frames, bytes, the seek table, the end padding, the music length and the
two CRC-16s. The layout is the "Mp3 Info Tag rev 1" that LAME documents.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from functools import cache

import numpy as np

__all__ = [
    "FRAME_SAMPLES",
    "KBPS",
    "main_data_begin",
    "music_crc",
    "splice",
    "split_mp3_frames",
    "write_info_tag",
]

KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0)  # MPEG-1 Layer III
_RATES = (44_100, 48_000, 32_000, 0)
FRAME_SAMPLES = 1152  # one MPEG-1 Layer III frame
_CRC_BLOCK = 384
_SEEK_BAG = 400  # LAME's seek table samples (VBR_seek_info_t.size)
_TOC_ENTRIES = 100
# Offsets in the Info frame of a 48 kHz MPEG-1 stereo stream (side info of 32 bytes).
_XING = 36
_FRAMES, _BYTES, _TOC = _XING + 8, _XING + 12, _XING + 16
_DELAY_PADDING = _XING + 141
_MUSIC_LENGTH, _MUSIC_CRC, _TAG_CRC = _XING + 148, _XING + 152, _XING + 154


def _crc16_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_CRC16 = _crc16_table()


def _crc16(data: bytes | bytearray, crc: int = 0) -> int:
    """CRC-16/ARC, the checksum LAME writes for the music and for its tag."""
    table = _CRC16
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


@cache
def _carry_tables() -> tuple[list[int], list[int]]:
    """A running CRC carried across a block of zeros, by its low and its high byte."""
    zeros = bytes(_CRC_BLOCK)
    return [_crc16(zeros, x) for x in range(256)], [_crc16(zeros, x << 8) for x in range(256)]


def music_crc(data: bytes, crc: int = 0) -> int:
    """CRC-16/ARC of ``data`` continued from ``crc``, the music CRC of LAME's tag, in numpy.

    The CRC is linear over GF(2), so the stream's CRC is each block's CRC (from
    zero) folded in after carrying the running CRC across a block of zeros.
    """
    whole = len(data) - len(data) % _CRC_BLOCK
    blocks = np.frombuffer(data, np.uint8, whole).reshape(-1, _CRC_BLOCK)
    table = np.array(_CRC16, np.uint16)
    crcs = np.zeros(len(blocks), np.uint16)
    for column in blocks.T:
        crcs = (crcs >> 8) ^ table[(crcs ^ column) & 0xFF]
    carry_low, carry_high = _carry_tables()
    for block_crc in crcs.tolist():
        crc = carry_low[crc & 0xFF] ^ carry_high[crc >> 8] ^ block_crc
    return _crc16(data[whole:], crc)


def _side_info_end(frame: bytes | bytearray) -> int:
    crc = 0 if frame[1] & 1 else 2  # protection bit 0: a CRC-16 follows the header
    mono = frame[3] >> 6 == 3
    return 4 + crc + (17 if mono else 32)


def main_data_begin(frame: bytes | bytearray) -> int:
    """How many bytes before this MPEG-1 Layer III frame its audio data starts."""
    at = _side_info_end(frame) - (17 if frame[3] >> 6 == 3 else 32)
    return (frame[at] << 1) | (frame[at + 1] >> 7)


def _reservoir(frames: Sequence[bytearray], end: int, count: int) -> list[tuple[int, int, int]]:
    """The last ``count`` audio-data bytes before frame ``end``: (frame, start, stop) regions."""
    regions: list[tuple[int, int, int]] = []
    index = end
    while count > 0:
        index -= 1
        if index < 0:
            raise ValueError("the reservoir reaches back before the first frame")
        frame = frames[index]
        take = min(count, len(frame) - _side_info_end(frame))
        regions.append((index, len(frame) - take, len(frame)))
        count -= take
    return regions[::-1]


def splice(outgoing: list[bytearray], incoming: Sequence[bytearray], cut: int) -> bool:
    """Make ``outgoing[:cut] + incoming[cut:]`` decode as each encoder made it, if it can.

    Both lists hold the same stream's frames, index for index, from two encoders.
    Rewrites the tail of ``outgoing[:cut]`` in place and returns True, or returns
    False (and changes nothing) when the incoming frame reaches back further
    than the outgoing one left free.
    """
    needed = main_data_begin(incoming[cut])
    if needed > main_data_begin(outgoing[cut]):
        return False
    source = _reservoir(incoming, cut, needed)
    data = b"".join(bytes(incoming[i][start:stop]) for i, start, stop in source)
    at = 0
    for i, start, stop in _reservoir(outgoing, cut, needed):
        outgoing[i][start:stop] = data[at : at + stop - start]
        at += stop - start
    return True


def _seek_table(frames: int, kbps: int) -> bytes:
    """LAME's 100-entry seek table for ``frames`` frames of one bitrate (VbrTag.c)."""
    bag, pos, want, seen, total = [0] * _SEEK_BAG, 0, 1, 0, 0
    for _ in range(frames):
        total += kbps
        seen += 1
        if seen < want:
            continue
        if pos < _SEEK_BAG:
            bag[pos], pos, seen = total, pos + 1, 0
        if pos == _SEEK_BAG:
            for i in range(1, _SEEK_BAG, 2):
                bag[i // 2] = bag[i]
            want, pos = want * 2, pos // 2
    toc = bytearray(_TOC_ENTRIES)
    if pos <= 0:
        return bytes(toc)
    for i in range(1, _TOC_ENTRIES):
        # LAME works in single precision here; the same float32 steps give the same entries.
        fraction = np.float32(i) / np.float32(_TOC_ENTRIES)
        index = min(int(np.floor(fraction * np.float32(pos))), pos - 1)
        point = 256.0 * float(np.float32(bag[index])) / float(np.float32(total))
        toc[i] = min(int(point), 255)
    return bytes(toc)


def write_info_tag(
    template: bytes, frames: int, audio_bytes: int, crc: int, kbps: int, samples: int
) -> bytes:
    """LAME's Info frame ``template`` rewritten for the audio frames that follow it.

    ``frames``, ``audio_bytes`` and ``crc`` (:func:`music_crc`) describe those
    frames; ``samples`` is how many pcm samples per channel they encode, and the
    end padding is what the frames hold beyond them after the encoder delay.
    """
    if template[_XING : _XING + 4] not in (b"Info", b"Xing"):
        raise ValueError("the template is not a LAME Info frame")
    tag = bytearray(template)
    size = len(tag) + audio_bytes
    delay = int.from_bytes(tag[_DELAY_PADDING : _DELAY_PADDING + 3], "big") >> 12
    padding = frames * FRAME_SAMPLES - delay - samples
    if not 0 <= padding < 1 << 12:
        raise ValueError(f"{frames} frames cannot hold {samples} samples")
    struct.pack_into(">II", tag, _FRAMES, frames, size)
    tag[_TOC : _TOC + _TOC_ENTRIES] = _seek_table(frames, kbps)
    tag[_DELAY_PADDING : _DELAY_PADDING + 3] = ((delay << 12) | padding).to_bytes(3, "big")
    struct.pack_into(">IH", tag, _MUSIC_LENGTH, size, crc)
    struct.pack_into(">H", tag, _TAG_CRC, _crc16(tag[:_TAG_CRC]))
    return bytes(tag)


def split_mp3_frames(data: bytes) -> tuple[list[bytes], bytes]:
    """Whole MPEG-1 Layer III frames at the start of ``data``, and the unfinished rest."""
    frames: list[bytes] = []
    at = 0
    while len(data) - at >= 4:
        b1, b2 = data[at + 1], data[at + 2]
        if data[at] != 0xFF or b1 & 0xFE != 0xFA:
            raise ValueError(f"no MPEG-1 Layer III frame header at byte {at}")
        kbps, rate = KBPS[b2 >> 4], _RATES[(b2 >> 2) & 3]
        size = 144_000 * kbps // rate + ((b2 >> 1) & 1)
        if len(data) - at < size:
            break
        frames.append(data[at : at + size])
        at += size
    return frames, data[at:]
