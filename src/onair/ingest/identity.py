"""What identifies a recording: the file's SHA-256 and its Chromaprint fingerprint.

The SHA-256 finds the same file; the fingerprint finds the same recording in
another encoding (an MP3 of a FLAC already in the library). The fingerprint is
computed from the samples of the one decode (libchromaprint through
pyacoustid's binding), not by running ``fpcalc``, which would decode again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import chromaprint
import numpy as np
import numpy.typing as npt

__all__ = ["DUPLICATE_SIMILARITY", "FingerprintBuilder", "file_sha256", "similarity"]

# Same recording in two encodings scores above 0.9; different songs near 0.5.
DUPLICATE_SIMILARITY = 0.85
_FINGERPRINT_S = 120.0  # what fpcalc and AcoustID use


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


class FingerprintBuilder:
    """Feeds the first two minutes of decoded audio to libchromaprint."""

    def __init__(self) -> None:
        self._printer = chromaprint.Fingerprinter()
        self._left = 0
        self._channels = 0

    def start(self, rate: int, channels: int) -> None:
        self._channels = min(channels, 2)
        self._printer.start(rate, self._channels)
        self._left = int(_FINGERPRINT_S * rate)

    def add(self, samples: npt.NDArray[np.float32]) -> None:
        """``samples`` are planar floats (channels x n) in -1..1."""
        if self._left <= 0:
            return
        part = samples[: self._channels, : self._left]
        self._left -= part.shape[1]
        pcm = (np.clip(part.T, -1.0, 1.0) * 32767).astype("<i2")
        self._printer.feed(pcm.tobytes())

    def finish(self) -> str:
        """The compressed, base64 fingerprint, as ``fpcalc`` prints it."""
        encoded = self._printer.finish()
        return encoded.decode() if isinstance(encoded, bytes) else str(encoded)


def similarity(a: str, b: str, max_offset: int = 80) -> float:
    """1 - bit error rate of two fingerprints at their best alignment (0..1)."""
    raw_a, raw_b = (
        np.asarray(chromaprint.decode_fingerprint(f.encode())[0], dtype=np.uint32) for f in (a, b)
    )
    best = 0.0
    for offset in range(-max_offset, max_offset + 1):
        x = raw_a[max(0, offset) :]
        y = raw_b[max(0, -offset) :]
        n = min(len(x), len(y))
        if n < 20:
            continue
        errors = np.unpackbits((x[:n] ^ y[:n]).view(np.uint8)).sum()
        best = max(best, 1 - float(errors) / (32 * n))
    return best
