"""ICY (SHOUTcast/Icecast) in-stream metadata: a StreamTitle block every ``icy-metaint`` bytes.

A client that sends ``Icy-MetaData: 1`` gets, after every ``metaint`` audio
bytes, one length byte ``n`` and ``16 * n`` bytes of ``StreamTitle='...';``
padded with NULs; ``n = 0`` means "no change". A track's title goes out only
once the bytes holding its first sample have been sent: the statutory webcast
licence forbids announcing a recording before it plays (17 U.S.C.
114(d)(2)(C)(ii)).
"""

from __future__ import annotations

import re

__all__ = ["DEFAULT_METAINT", "NO_CHANGE", "IcyInterleaver", "stream_title_block"]

DEFAULT_METAINT = 16_000
NO_CHANGE = b"\x00"
_MAX_TEXT = 255 * 16
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def stream_title_block(title: str) -> bytes:
    """The metadata block announcing ``title`` (length byte, text, NUL padding).

    ICY has no escaping, and players read the title up to the first quote, so a
    quote becomes a typographic apostrophe (U+2019) and control
    characters a space. Titles too long for one block are cut at a character.
    """
    clean = _CONTROL.sub(" ", title).replace("'", "\u2019").strip()
    room = _MAX_TEXT - len("StreamTitle='';")
    encoded = clean.encode("utf-8")
    if len(encoded) > room:
        encoded = encoded[:room].decode("utf-8", errors="ignore").encode("utf-8")
    text = b"StreamTitle='" + encoded + b"';"
    blocks = -(-len(text) // 16)
    return bytes([blocks]) + text.ljust(blocks * 16, b"\x00")


class IcyInterleaver:
    """One listener's ICY framing of the audio bytes it is sent.

    ``wrap(data, title_after)`` takes the next audio bytes and the title that is
    current once all of them are out. A metadata point inside ``data`` still
    carries the title before it; one that falls exactly at its end may carry
    ``title_after``.
    """

    def __init__(self, metaint: int = DEFAULT_METAINT, title: str | None = None) -> None:
        if metaint <= 0:
            raise ValueError("icy-metaint must be positive")
        self.metaint = metaint
        self._left = metaint
        self._current = title
        self._announced: str | None = None

    def wrap(self, data: bytes, title_after: str | None) -> bytes:
        """``data`` with metadata blocks inserted every ``metaint`` audio bytes."""
        if len(data) < self._left:
            self._left -= len(data)
            self._current = title_after
            return data
        out: list[bytes] = []
        at = 0
        while len(data) - at >= self._left:
            out.append(data[at : at + self._left])
            at += self._left
            self._left = self.metaint
            out.append(self._block(title_after if at == len(data) else self._current))
        out.append(data[at:])
        self._left -= len(data) - at
        self._current = title_after
        return b"".join(out)

    def _block(self, title: str | None) -> bytes:
        if title is None or title == self._announced:
            return NO_CHANGE
        self._announced = title
        return stream_title_block(title)
