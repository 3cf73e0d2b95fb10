"""Catalog rows from labels and producers as CSV (columns in docs/catalog-csv.md).

Each row becomes a :class:`CatalogEntry` or a :class:`CatalogReject` with a
one-line reason; a bad row never stops the batch. A missing required column
or an unreadable file stops it at once, before anything is loaded.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath

from pydantic import ValidationError

from onair.domain.errors import DomainError
from onair.domain.rights import UsageRights, Use
from onair.domain.tags import TrackTags, VocalGender
from onair.ingest.credits import split_credit
from onair.ingest.isrc import InvalidIsrc, normalize_isrc
from onair.ingest.text import clean_text

__all__ = [
    "COLUMNS",
    "CatalogEntry",
    "CatalogReject",
    "InvalidCatalog",
    "read_catalog_csv",
    "safe_file",
]

REQUIRED = ("isrc", "title", "artist")
COLUMNS = (
    *REQUIRED, "album", "album_artist", "label", "year", "genre", "language", "explicit",
    "composer", "publisher", "file", "territories", "valid_from", "valid_until", "uses",
    "vocal_gender", "duration", "bpm", "energy", "category",
)  # fmt: skip
# A station program's category names, so a row's category can name one of them.
_CATEGORY = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
_MINUTES = re.compile(r"^(\d+):([0-5]\d(?:\.\d+)?)$")
_MAX_DURATION_S = 24 * 3600


class InvalidCatalog(DomainError):
    """The file as a whole cannot be read as a catalog."""


@dataclass(frozen=True)
class CatalogEntry:
    line: int
    tags: TrackTags
    rights: UsageRights
    file: str | None  # relative to the catalog's folder; None for metadata only
    # For scheduling before the audio arrives (the bpm goes in the tags):
    duration_s: float | None = None  # the recording's length; analysis wins once ingested
    energy: float | None = None  # 0-1
    category: str | None = None  # the station's rotation category


@dataclass(frozen=True)
class CatalogReject:
    line: int
    reason: str


def read_catalog_csv(path: Path) -> Iterator[CatalogEntry | CatalogReject]:
    """Every row of ``path``, accepted or rejected, in file order."""
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise InvalidCatalog(f"catalog {path}: cannot be read ({exc.strerror})") from None
    with handle:
        try:
            yield from _rows(csv.DictReader(handle), path)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InvalidCatalog(f"catalog {path.name}: not UTF-8 CSV ({exc})") from None


def _rows(reader: csv.DictReader[str], path: Path) -> Iterator[CatalogEntry | CatalogReject]:
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InvalidCatalog(f"catalog {path.name}: missing column(s) {', '.join(missing)}")
    unknown = sorted(set(header) - set(COLUMNS))
    if unknown:
        raise InvalidCatalog(f"catalog {path.name}: unknown column(s) {', '.join(unknown)}")
    reader.fieldnames = header
    for row in reader:
        yield _row(reader.line_num, row)


def _row(line: int, row: dict[str, str | None]) -> CatalogEntry | CatalogReject:
    cell = {k: (v or "").strip() for k, v in row.items() if k is not None}
    try:
        return CatalogEntry(
            line,
            _tags(cell),
            _rights(cell),
            safe_file(cell.get("file", "")),
            duration_s=_duration(cell.get("duration", "")),
            energy=_number(cell, "energy", 0.0, 1.0),
            category=_category(cell.get("category", "")),
        )
    except (InvalidIsrc, ValueError) as exc:
        reason = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
        return CatalogReject(line, reason.removeprefix("Value error, "))


def _tags(cell: dict[str, str]) -> TrackTags:
    title, artist = clean_text(cell["title"]), clean_text(cell["artist"])
    if not title or not artist:
        raise ValueError("title and artist are required")
    year = _year(cell.get("year", ""))
    explicit = cell.get("explicit", "").lower()
    if explicit not in ("", "yes", "no", "true", "false", "1", "0"):
        raise ValueError(f"explicit {cell['explicit']!r} is not yes or no")
    gender = cell.get("vocal_gender", "").strip().lower()
    if gender and gender not in set(VocalGender):
        choices = ", ".join(VocalGender)
        raise ValueError(f"vocal_gender {cell['vocal_gender']!r} is not one of {choices}")
    return TrackTags(
        title=title,
        artist=artist,
        artists=tuple(split_credit(artist)),
        album=clean_text(cell.get("album")),
        album_artist=clean_text(cell.get("album_artist")),
        isrc=normalize_isrc(cell["isrc"]),
        label=clean_text(cell.get("label")),
        year=year,
        genre=clean_text(cell.get("genre")),
        language=(cell.get("language") or "").lower() or None,
        explicit=explicit in ("yes", "true", "1") if explicit else None,
        composer=clean_text(cell.get("composer")),
        publisher=clean_text(cell.get("publisher")),
        vocal_gender=VocalGender(gender) if gender else None,
        bpm=_number(cell, "bpm", 20.0, 300.0),
    )


def _year(value: str) -> int | None:
    if not value:
        return None
    if not value.isdigit() or not 1800 <= int(value) <= 2100:
        raise ValueError(f"year {value!r} is not a year between 1800 and 2100")
    return int(value)


def _duration(value: str) -> float | None:
    """Seconds (``215.4``) or minutes and seconds (``3:35``)."""
    if not value:
        return None
    minutes = _MINUTES.match(value)
    try:
        seconds = 60 * int(minutes[1]) + float(minutes[2]) if minutes else float(value)
    except ValueError:
        seconds = math.nan
    if not 0 < seconds <= _MAX_DURATION_S:  # also refuses nan
        raise ValueError(
            f"duration {value!r} is not a length in seconds (215.4) or m:ss (3:35) up to 24 h"
        )
    return seconds


def _number(cell: dict[str, str], column: str, low: float, high: float) -> float | None:
    value = cell.get(column, "")
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not low <= number <= high:  # also refuses nan
        raise ValueError(f"{column} {value!r} is not a number from {low:g} to {high:g}")
    return number


def _category(value: str) -> str | None:
    name = value.lower()
    if name and not _CATEGORY.match(name):
        raise ValueError(
            f"category {value!r} is not a name of lowercase letters, digits, - and _ "
            "starting with a letter"
        )
    return name or None


def _rights(cell: dict[str, str]) -> UsageRights:
    fields: dict[str, object] = {}
    if cell.get("territories"):
        fields["territories"] = frozenset(t.strip().upper() for t in cell["territories"].split(";"))
    for key in ("valid_from", "valid_until"):
        if cell.get(key):
            try:
                fields[key] = date.fromisoformat(cell[key])
            except ValueError:
                raise ValueError(f"{key} {cell[key]!r} is not a date (YYYY-MM-DD)") from None
    if cell.get("uses"):
        names = [u.strip().lower() for u in cell["uses"].split(";")]
        bad = [n for n in names if n not in Use.__members__.values()]
        if bad:
            raise ValueError(f"uses {bad} are not among {[u.value for u in Use]}")
        fields["uses"] = frozenset(Use(n) for n in names)
    return UsageRights.model_validate(fields)


def safe_file(value: str) -> str | None:
    """A relative path inside the catalog's folder; never absolute, never ``..``."""
    if not value:
        return None
    path = PurePosixPath(value.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or ":" in path.parts[0]:
        raise ValueError(f"file {value!r} must be a relative path inside the catalog's folder")
    return str(path)
