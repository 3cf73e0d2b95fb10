"""Reading a file's tags (mutagen) into normalized :class:`TrackTags`.

ID3v1/v2.3/v2.4 (MP3, AIFF, WAV), Vorbis comments (FLAC, Ogg Vorbis, Opus),
MP4 atoms (M4A) and RIFF INFO (WAV) are mapped onto one set of fields. Every
tag as found is kept in ``original``; a value that cannot be used (a bad ISRC,
a year of 20O4) is left out and named in ``problems``, never fatal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import mutagen
from mutagen._riff import RiffFile  # mutagen has no public RIFF INFO reader
from mutagen._vorbis import VCommentDict

from onair.domain.errors import DomainError
from onair.domain.tags import TrackTags
from onair.ingest.credits import featured_in_title, split_credit
from onair.ingest.isrc import InvalidIsrc, normalize_isrc
from onair.ingest.text import clean_text

__all__ = ["UnreadableTags", "read_tags"]

# Our field -> the keys each tag system uses for it, most specific first.
_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("TIT2", "TITLE", "\xa9nam", "INAM"),
    "artist": ("TPE1", "ARTIST", "\xa9ART", "IART"),
    "album": ("TALB", "ALBUM", "\xa9alb", "IPRD"),
    "album_artist": ("TPE2", "ALBUMARTIST", "ALBUM ARTIST", "aART"),
    "isrc": ("TSRC", "ISRC", "----:com.apple.iTunes:ISRC"),
    "label": ("TXXX:LABEL", "LABEL", "ORGANIZATION", "----:com.apple.iTunes:LABEL", "TPUB"),
    "year": ("TDRC", "TYER", "DATE", "YEAR", "ORIGINALDATE", "\xa9day", "ICRD"),
    "genre": ("TCON", "GENRE", "\xa9gen", "IGNR"),
    "language": ("TLAN", "LANGUAGE", "----:com.apple.iTunes:LANGUAGE", "ILNG"),
    "explicit": ("TXXX:EXPLICIT", "TXXX:ITUNESADVISORY", "EXPLICIT", "ITUNESADVISORY", "rtng"),
    "composer": ("TCOM", "COMPOSER", "\xa9wrt"),
    "publisher": ("TXXX:PUBLISHER", "PUBLISHER", "----:com.apple.iTunes:PUBLISHER"),
    "bpm": ("TBPM", "BPM", "tmpo"),
}
_YES = {"1", "yes", "true", "explicit", "e"}
_NO = {"0", "2", "no", "false", "clean", "c", "none"}
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d|2100)\b")


class UnreadableTags(DomainError):
    """The file is not audio mutagen knows, or cannot be read."""


def read_tags(path: Path, whole_names: Iterable[str] = ()) -> TrackTags:
    """The normalized tags of ``path``; ``whole_names`` are credits never split."""
    original = _original_tags(path)
    values = {field: _first(original, keys) for field, keys in _FIELDS.items()}
    return normalize(values, original, whole_names)


def _original_tags(path: Path) -> dict[str, list[str]]:
    try:
        audio = mutagen.File(path)
    except (mutagen.MutagenError, OSError) as exc:
        raise UnreadableTags(f"{path.name}: cannot read tags ({exc})") from None
    if audio is None:
        raise UnreadableTags(f"{path.name}: not an audio file mutagen recognises")
    found = _as_lists(audio.tags or {}, vorbis=isinstance(audio.tags, VCommentDict))
    if path.suffix.lower() == ".wav":
        found = {**_riff_info(path), **found}
    return found


def _as_lists(tags: Mapping[str, Any], *, vorbis: bool) -> dict[str, list[str]]:
    """Every tag as a list of strings, keyed as its tag system names it.

    Vorbis comment names are case-insensitive, so they are upper-cased; so is
    the description of an ID3 TXXX frame ("TXXX:Label" and "TXXX:LABEL").
    """
    found: dict[str, list[str]] = {}
    for key, value in tags.items():
        items = getattr(value, "text", value)
        texts = [_as_text(v) for v in (items if isinstance(items, list) else [items])]
        if vorbis:
            key = key.upper()
        elif key.startswith("TXXX:"):
            key = "TXXX:" + key[5:].upper()
        found[key] = [t for t in texts if t]
    return found


def _as_text(value: Any) -> str:
    if isinstance(value, bytes):  # MP4 freeform atoms
        return value.decode("utf-8", errors="replace")
    if isinstance(value, tuple):  # MP4 track/disc numbers
        return str(value[0])
    return str(value)


def _riff_info(path: Path) -> dict[str, list[str]]:
    """The RIFF LIST/INFO chunk of a WAV file (INAM, IART, ...)."""
    found: dict[str, list[str]] = {}
    try:
        with path.open("rb") as fh:
            for chunk in RiffFile(fh).root.subchunks():
                if chunk.id == "LIST" and getattr(chunk, "name", None) == "INFO":
                    for sub in chunk.subchunks():
                        text = sub.read().rstrip(b"\x00").decode("utf-8", errors="replace")
                        found[sub.id] = [text]
    except (mutagen.MutagenError, OSError, ValueError):
        return {}
    return found


def _first(original: Mapping[str, list[str]], keys: tuple[str, ...]) -> list[str]:
    for key in keys:
        if original.get(key):
            return original[key]
    return []


def normalize(
    values: Mapping[str, list[str]],
    original: dict[str, list[str]],
    whole_names: Iterable[str] = (),
) -> TrackTags:
    """Clean and type raw tag values into :class:`TrackTags`."""
    problems: list[str] = []
    text = {k: clean_text(" ".join(v[:1])) if v else None for k, v in values.items()}
    title, featured = featured_in_title(text["title"]) if text["title"] else (None, [])
    names = list(whole_names)
    artists: list[str] = []
    for credit in [clean_text(c) for c in values["artist"]] + featured:
        for name in split_credit(credit or "", names):
            if name.casefold() not in (a.casefold() for a in artists):
                artists.append(name)
    artist = " / ".join(c for c in (clean_text(v) for v in values["artist"]) if c) or None
    return TrackTags(
        title=title or None,
        artist=artist,
        artists=tuple(artists),
        album=text["album"],
        album_artist=text["album_artist"],
        isrc=_isrc(text["isrc"], problems),
        label=text["label"],
        year=_year(text["year"], problems),
        genre=text["genre"],
        language=text["language"].lower() if text["language"] else None,
        explicit=_explicit(text["explicit"], problems),
        composer=text["composer"],
        publisher=text["publisher"],
        bpm=_bpm(text["bpm"], problems),
        problems=tuple(problems),
        original=original,
    )


def _isrc(value: str | None, problems: list[str]) -> str | None:
    if not value:
        return None
    try:
        return normalize_isrc(value)
    except InvalidIsrc as exc:
        problems.append(str(exc))
        return None


def _year(value: str | None, problems: list[str]) -> int | None:
    if not value:
        return None
    match = _YEAR.search(value)
    if match is None:
        problems.append(f"year {value!r} is not a year between 1800 and 2100")
        return None
    return int(match.group(1))


def _explicit(value: str | None, problems: list[str]) -> bool | None:
    if value is None:
        return None
    word = value.strip().lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    problems.append(f"explicit flag {value!r} is neither yes nor no")
    return None


def _bpm(value: str | None, problems: list[str]) -> float | None:
    if not value:
        return None
    try:
        bpm = float(value.replace(",", "."))
    except ValueError:
        bpm = 0.0
    if not 20 <= bpm <= 400:
        problems.append(f"bpm {value!r} is not a tempo between 20 and 400")
        return None
    return bpm
