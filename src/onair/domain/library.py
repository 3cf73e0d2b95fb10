"""The library as the scheduler and playout see it: assets, their sound, their rights.

Times are seconds from the start of the file. An asset from a catalog feed may
have no audio yet (``audio`` is None) until a file with its ISRC or file name
is ingested.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from onair.domain.errors import DomainError
from onair.domain.rights import UsageRights
from onair.domain.tags import TrackTags

__all__ = [
    "SOUND_DIMENSIONS",
    "TIMBRE_BANDS",
    "AlreadyInLibrary",
    "AssetKind",
    "AssetQuery",
    "AudioFacts",
    "Ending",
    "FileRecord",
    "FileStamp",
    "LibraryAsset",
    "Reject",
    "RejectKind",
    "artist_key",
    "master_key",
    "title_key",
    "waveform_key",
]


TIMBRE_BANDS = 24  # mel-spaced bands from 40 Hz to 16 kHz
SOUND_DIMENSIONS = TIMBRE_BANDS + 4  # the timbre, tempo, energy, dynamics and brightness


class AssetKind(StrEnum):
    MUSIC = "music"
    JINGLE = "jingle"
    VOICE = "voice"
    SPOT = "spot"
    PROMO = "promo"
    SWEEPER = "sweeper"
    BED = "bed"
    STATION_ID = "station_id"
    LINER = "liner"


class Ending(StrEnum):
    COLD = "cold"
    FADE = "fade"


class RejectKind(StrEnum):
    REJECTED = "rejected"  # unreadable, corrupt, implausible: never aired
    DUPLICATE = "duplicate"  # the same recording is already in the library


@dataclass(frozen=True)
class AudioFacts:
    """What one decode of the file measured (EBU R128 loudness, cue points, identity)."""

    duration_s: float
    codec: str
    sample_rate: int
    channels: int
    bitrate: int | None
    loudness_lufs: float | None  # None: too short or silent to gate (EBU R128)
    loudness_range_lu: float
    true_peak_dbtp: float | None
    gain_db: float  # to the station target as aired; the program limiter takes the peaks
    cue_in_s: float
    cue_out_s: float
    intro_end_s: float
    segue_s: float
    ending: Ending
    bpm: float | None
    energy: float
    fingerprint: str = field(repr=False)
    version: int = 1
    # Average level per band, dB (TIMBRE_BANDS values); empty for analyses before version 2.
    timbre: tuple[float, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class LibraryAsset:
    """One asset with everything ingest knows about it."""

    id: str
    station: str
    kind: AssetKind
    tags: TrackTags
    rights: tuple[UsageRights, ...] = (UsageRights(),)
    sha256: str | None = None
    master_key: str | None = None
    waveform_key: str | None = None
    source_name: str | None = None  # the file name catalog rows link by
    audio: AudioFacts | None = None
    semantic_tags: tuple[str, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None  # as last saved; the search index compares it

    @property
    def title(self) -> str:
        return self.tags.title or self.source_name or self.id

    @property
    def title_is_file_name(self) -> bool:
        """Whether the title shown is a file name (or an id): never to be spoken."""
        return self.tags.title_is_file_name or not self.tags.title


@dataclass(frozen=True)
class AssetQuery:
    """Which assets an operator looks for; None leaves that side open."""

    kind: AssetKind | None = None
    category: str | None = None  # the station's rotation category, from the catalog
    artist: str | None = None  # any credited artist, however spelled (see artist_key)
    text: str | None = None  # a part of the title, artist or album


@dataclass(frozen=True)
class Reject:
    """A file or catalog row the library refused, with its one-line reason."""

    source: str
    reason: str
    kind: RejectKind = RejectKind.REJECTED
    duplicate_of: str | None = None
    at: datetime | None = None


@dataclass(frozen=True)
class FileStamp:
    """A file as examined: a rerun skips it while its size and mtime are unchanged."""

    path: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class FileRecord:
    """What an earlier run made of a file."""

    stamp: FileStamp
    outcome: str
    asset_id: str | None


class AlreadyInLibrary(DomainError):
    """Another asset of the station has the same audio (SHA-256)."""

    def __init__(self, message: str, existing_id: str) -> None:
        super().__init__(message)
        self.existing_id = existing_id


_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def master_key(sha256: str) -> str:
    """The content address of an audio master: ``masters/ab/cd/<sha256>``."""
    if not _SHA256.match(sha256):
        raise ValueError(f"{sha256!r} is not a lowercase hex SHA-256")
    return f"masters/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def waveform_key(sha256: str) -> str:
    """Where the studio finds an audio master's waveform peaks."""
    return master_key(sha256).replace("masters/", "waveforms/", 1) + ".json"


_THE = re.compile(r"^the\s+")
_SPACES = re.compile(r"\s+")


def artist_key(name: str) -> str:
    """One key per artist however a label spells it ("Beyoncé", "BEYONCE", "The X" = "X").

    Separation rules compare these keys, so every credit of an artist counts.
    """
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode() or name
    folded = _SPACES.sub(" ", folded.casefold().replace("&", " and ")).strip()
    return _THE.sub("", folded)


# "Song (Radio Edit)", "Song [Remastered 2011]", "Song - Single Version": all "song".
_VERSION_SUFFIX = re.compile(r"\s*(\([^)]*\)|\[[^\]]*\]|\s-\s.*)\s*$")
_PUNCTUATION = re.compile(r"[^\w\s]")


def title_key(title: str) -> str:
    """One key per song title, whatever version or edit a file carries.

    Title separation compares these keys, so "Song (Radio Edit)" and "Song"
    count as one title.
    """
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode() or title
    folded = folded.casefold()
    while True:
        shorter = _VERSION_SUFFIX.sub("", folded)
        if shorter == folded or not shorter.strip():
            break
        folded = shorter
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", folded)).strip()
