"""Rendering test audio with ffmpeg in every format the station takes."""

from __future__ import annotations

import subprocess
from pathlib import Path

__all__ = ["CODECS", "render"]

CODECS = {
    "mp3": ["-c:a", "libmp3lame", "-b:a", "192k"],
    "flac": ["-c:a", "flac"],
    "ogg": ["-c:a", "libvorbis"],
    "opus": ["-c:a", "libopus", "-b:a", "128k", "-ar", "48000"],  # Opus runs at 48 kHz
    "m4a": ["-c:a", "aac", "-b:a", "192k"],
    "wav": ["-c:a", "pcm_s16le"],
    "aiff": ["-c:a", "pcm_s16be"],
}


def render(path: Path, source: list[str], extra: list[str] | None = None) -> Path:
    """Write ``source`` (ffmpeg input or filter arguments) to ``path`` in its suffix's codec."""
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", *source, "-map_metadata", "-1",
         *CODECS[path.suffix[1:]], *(extra or []), str(path)],
        check=True,
    )  # fmt: skip
    return path
