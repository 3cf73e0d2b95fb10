"""MP3 encoding with LAME: the system libmp3lame through ctypes when present, else PyAV's.

PyAV's wheels bundle a LAME built without its optimisations: it encodes about
3.5 times slower than Debian's ``libmp3lame0``, and rendering an hour must keep
pace with a plain ffmpeg encode. The system library is therefore preferred; PyAV
keeps MP3 working where it is absent. Both are LAME 3.100 at 128 kbps CBR.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from fractions import Fraction
from typing import Protocol, cast

import av
import numpy as np
import numpy.typing as npt

from onair.domain.playout import CHANNELS, SAMPLE_RATE
from onair.playout.codecs.mp3_splice import FRAME_SAMPLES

__all__ = ["FRAME_SAMPLES", "LameEncoder", "open_lame", "system_lame_available"]

# An MP3 decoder's filterbank delays output by 529 samples (FFmpeg counts it the same way).
_DECODER_DELAY = 529

Pcm = npt.NDArray[np.float32]


class LameEncoder(Protocol):
    """Float pcm (frames, 2) at 48 kHz in, MP3 frames out as bytes."""

    delay: int  # decoded samples before the first input sample: encoder plus decoder delay

    def encode(self, pcm: Pcm) -> bytes: ...

    def flush(self) -> bytes: ...

    def lametag(self) -> bytes:
        """The final Info frame to write over the file's first frame (b"" when none)."""
        ...


def _system_library() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("mp3lame")
    if name is None:
        return None
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    lib.lame_init.restype = ctypes.c_void_p
    lib.lame_init.argtypes = []
    for fn in ("lame_close", "lame_init_params", "lame_get_encoder_delay"):
        getattr(lib, fn).argtypes = [ctypes.c_void_p]
    lib.lame_encode_buffer_interleaved_ieee_float.argtypes = [
        ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int,
    ]  # fmt: skip
    lib.lame_encode_flush.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    lib.lame_get_lametag_frame.restype = ctypes.c_size_t
    lib.lame_get_lametag_frame.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
    return lib


_LIB: list[ctypes.CDLL | None] = []


def _library() -> ctypes.CDLL | None:
    # Looked up on first use, never at import time.
    if not _LIB:
        _LIB.append(_system_library())
    return _LIB[0]


def system_lame_available() -> bool:
    """Whether the fast system libmp3lame is used."""
    return _library() is not None


class _SystemLame:
    def __init__(self, lib: ctypes.CDLL, bitrate: int, info_tag: bool) -> None:
        self._lib = lib
        self._gfp = ctypes.c_void_p(lib.lame_init())
        if not self._gfp:
            raise MemoryError("lame_init failed")
        for setter, value in (
            ("lame_set_in_samplerate", SAMPLE_RATE),
            ("lame_set_out_samplerate", SAMPLE_RATE),
            ("lame_set_num_channels", CHANNELS),
            ("lame_set_brate", bitrate // 1000),
            ("lame_set_bWriteVbrTag", int(info_tag)),
        ):
            getattr(lib, setter)(self._gfp, value)
        if lib.lame_init_params(self._gfp) < 0:
            raise ValueError(f"LAME refused {bitrate} bit/s at {SAMPLE_RATE} Hz")
        self.delay = lib.lame_get_encoder_delay(self._gfp) + _DECODER_DELAY
        self._out = ctypes.create_string_buffer(7200)

    def encode(self, pcm: Pcm) -> bytes:
        frames = len(pcm)
        if frames == 0:
            return b""
        block = np.ascontiguousarray(pcm, dtype=np.float32)
        need = frames * 5 // 4 + 7200  # LAME's documented worst case
        if len(self._out) < need:
            self._out = ctypes.create_string_buffer(need)
        size = self._lib.lame_encode_buffer_interleaved_ieee_float(
            self._gfp, block.ctypes.data, frames, self._out, len(self._out)
        )
        if size < 0:
            raise RuntimeError(f"LAME failed to encode ({size})")
        return self._out.raw[:size]

    def flush(self) -> bytes:
        size = self._lib.lame_encode_flush(self._gfp, self._out, len(self._out))
        return self._out.raw[: max(size, 0)]

    def lametag(self) -> bytes:
        size = self._lib.lame_get_lametag_frame(self._gfp, self._out, len(self._out))
        return self._out.raw[:size]

    def __del__(self) -> None:
        if self._gfp:
            self._lib.lame_close(self._gfp)
            self._gfp = ctypes.c_void_p()


def stream_codec(
    name: str, bitrate: int, sample_format: str, options: dict[str, str] | None = None
) -> av.AudioCodecContext:
    """FFmpeg's ``name`` encoder, opened for the station's stereo at ``bitrate``."""
    codec = cast("av.AudioCodecContext", av.AudioCodecContext.create(name, "w"))
    codec.sample_rate = SAMPLE_RATE
    codec.layout = "stereo"
    codec.format = sample_format
    codec.bit_rate = bitrate
    codec.time_base = Fraction(1, SAMPLE_RATE)
    if options:
        codec.options = options
    codec.open()
    return codec


class _PyAVLame:
    def __init__(self, bitrate: int) -> None:
        self._codec = stream_codec("libmp3lame", bitrate, "fltp")
        # FFmpeg's libmp3lame counts the decoder delay into its padding too.
        self.delay = 576 + _DECODER_DELAY
        self._pending = np.zeros((0, CHANNELS), np.float32)
        self._pts = 0

    def encode(self, pcm: Pcm) -> bytes:
        pending = np.concatenate([self._pending, pcm.astype(np.float32, copy=False)])
        whole = len(pending) - len(pending) % FRAME_SAMPLES
        self._pending = pending[whole:]
        return self._send(pending[:whole]) if whole else b""

    def flush(self) -> bytes:
        tail = self._send(self._pending) if len(self._pending) else b""
        self._pending = self._pending[:0]
        return tail + b"".join(bytes(p) for p in self._codec.encode(None))

    def lametag(self) -> bytes:
        return b""

    def _send(self, pcm: Pcm) -> bytes:
        out: list[bytes] = []
        for start in range(0, len(pcm), FRAME_SAMPLES):
            block = np.ascontiguousarray(pcm[start : start + FRAME_SAMPLES].T)
            frame = av.AudioFrame.from_ndarray(block, format="fltp", layout="stereo")
            frame.sample_rate = SAMPLE_RATE
            frame.pts = self._pts
            self._pts += block.shape[1]
            out.extend(bytes(p) for p in self._codec.encode(frame))
        return b"".join(out)


def open_lame(bitrate: int, *, info_tag: bool = False, system: bool | None = None) -> LameEncoder:
    """A LAME encoder at ``bitrate`` CBR; ``info_tag`` reserves the gapless Info frame.

    ``system`` forces (True) or refuses (False) the system library; None picks it when present.
    """
    lib = _library() if system is not False else None
    if system and lib is None:
        raise RuntimeError("the system libmp3lame is not installed")
    if lib is not None:
        return _SystemLame(lib, bitrate, info_tag)
    return _PyAVLame(bitrate)
