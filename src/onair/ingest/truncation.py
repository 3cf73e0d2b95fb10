"""A file cut short: its header, or its Ogg stream, promises more audio than decodes.

A decoder plays a truncated file up to where it stops, without an error, so
the file would air and end mid-phrase. Only what the container says tells:

- A length counted in samples or frames (an MP3's Xing/Info or VBRI header, a
  FLAC's STREAMINFO, the data size of a WAV or AIFF, an MP4's movie header),
  read with mutagen. A complete file decodes to within the encoder's delay and
  padding of it, hundredths of a second; more than :data:`SHORT_BY_S` short is
  a file cut off or damaged (a song's last second is its final chord).
- An Ogg stream (Vorbis, Opus, FLAC in Ogg) has no length in its header, and a
  cut one reads as a shorter whole. Its last page must carry the end-of-stream
  flag; a file cut off in the middle ends on a page without it.

An MP3 without a Xing/Info or VBRI header has only an estimate, from its size
and its first frames' bitrate, which can be far off for VBR (a quiet opening
in small frames makes a long estimate), so it is not judged; nor a WAV whose
data size is the 4 GiB placeholder that a writer to a pipe leaves.
"""

from __future__ import annotations

from pathlib import Path

import mutagen
from mutagen.mp3 import BitrateMode
from mutagen.ogg import OggFileType, OggPage
from mutagen.wave import WaveStreamInfo

from onair.ingest.ffmpeg.analysis import UnreadableAudio

__all__ = ["SHORT_BY_S", "check_complete"]

SHORT_BY_S = 1.0
_PLACEHOLDER_BYTES = 0xFFFF_0000  # a WAV data size this large means "length unknown"


def check_complete(file: Path, decoded_s: float) -> None:
    """Raise :class:`UnreadableAudio` for a file that decodes short of what it promises."""
    try:
        found = mutagen.File(file)
    except (mutagen.MutagenError, OSError):
        return  # the tags are judged elsewhere; the audio decoded
    if found is None or found.info is None:
        return
    if isinstance(found, OggFileType):
        if not _ogg_ends(file, found.info.serial):
            raise UnreadableAudio(
                f"{file.name}: truncated, its Ogg stream breaks off at {decoded_s:.1f} s"
                " without its end"
            )
        return
    declared = _declared_length(found.info)
    if declared is not None and declared - decoded_s > SHORT_BY_S:
        raise UnreadableAudio(
            f"{file.name}: truncated, its header says {declared:.1f} s"
            f" but {decoded_s:.1f} s decodes"
        )


def _declared_length(info: object) -> float | None:
    """The length the header counts, or None where it is an estimate or a placeholder."""
    if getattr(info, "bitrate_mode", None) == BitrateMode.UNKNOWN:
        return None  # an MP3 without a Xing/Info or VBRI header
    length = float(getattr(info, "length", 0.0) or 0.0)
    if isinstance(info, WaveStreamInfo) and length * info.bitrate / 8 >= _PLACEHOLDER_BYTES:
        return None
    return length or None


def _ogg_ends(file: Path, serial: int) -> bool:
    """Whether the last page of the stream ``serial`` says the stream ends there."""
    with file.open("rb") as stream:
        try:
            last = OggPage.find_last(stream, serial)
        except (mutagen.MutagenError, OSError, ValueError):
            return True  # unreadable pages: the decode has already judged the audio
    return last is None or last.last
