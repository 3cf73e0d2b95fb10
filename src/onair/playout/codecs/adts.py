"""ADTS framing of raw AAC frames (ISO/IEC 13818-7 6.2), as AAC is sent over HTTP.

Each ADTS frame carries its own header, so a player can start at any frame: an
AAC stream needs no stream header, unlike Ogg.
"""

from __future__ import annotations

__all__ = ["adts_header"]

_HEADER = 7
_MAX_FRAME = (1 << 13) - 1  # the 13-bit frame length
_VBR_FULLNESS = 0x7FF


def adts_header(config: bytes, payload: int) -> bytes:
    """The CRC-less ADTS header for a raw frame of ``payload`` bytes.

    ``config`` is the encoder's AudioSpecificConfig (its extradata): object
    type, sampling-frequency index and channel configuration come from it.
    """
    bits = int.from_bytes(config[:2], "big")
    object_type, frequency, channels = bits >> 11, (bits >> 7) & 0x0F, (bits >> 3) & 0x0F
    length = payload + _HEADER
    if length > _MAX_FRAME:
        raise ValueError(f"an AAC frame of {payload} bytes is too long for ADTS")
    return bytes([
        0xFF,
        0xF1,  # sync, MPEG-4, layer 0, no CRC
        ((object_type - 1) << 6) | (frequency << 2) | (channels >> 2),
        ((channels & 3) << 6) | (length >> 11),
        (length >> 3) & 0xFF,
        ((length & 7) << 5) | (_VBR_FULLNESS >> 6),
        (_VBR_FULLNESS & 0x3F) << 2,  # one raw data block in the frame
    ])  # fmt: skip
