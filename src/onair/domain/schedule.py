"""A built schedule: hours of exactly timed items, what could not be placed, what was relaxed.

Instants are UTC. Lengths are whole milliseconds so that the chain
``start[i+1] = start[i] + duration[i] - overlap_next[i]`` holds exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from onair.domain.errors import DomainError
from onair.domain.library import AssetKind, Ending
from onair.domain.programming import ItemKind
from onair.domain.rights import UsageRights
from onair.domain.tags import VocalGender

__all__ = [
    "HourLocked",
    "HourPlan",
    "Playable",
    "Relaxation",
    "ScheduledItem",
    "Unscheduled",
    "at_epoch_ms",
    "epoch_ms",
    "ms",
]


class HourLocked(DomainError):
    """An hour that is locked or already aired was asked to change."""


def ms(milliseconds: int) -> timedelta:
    return timedelta(milliseconds=milliseconds)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_ms(at: datetime) -> int:
    """An instant as whole milliseconds since 1970 (UTC), as planning counts time."""
    return round(at.timestamp() * 1000)


def at_epoch_ms(milliseconds: int) -> datetime:
    """The UTC instant of ``epoch_ms`` milliseconds, exact to the millisecond."""
    return _EPOCH + timedelta(milliseconds=milliseconds)


# Not frozen: a week's build makes one for each of 100,000 songs, and a frozen
# dataclass sets each field through object.__setattr__ (five times slower). Nothing
# assigns to one after it is made; it still hashes by its fields.
@dataclass(slots=True, unsafe_hash=True)
class Playable:
    """An asset as the scheduler sees it: identity, rule facts and air timing.

    ``length_ms`` runs from cue-in to cue-out; ``intro_ms`` and ``segue_ms`` are
    measured from cue-in (the post where the vocal starts; where the next item
    may start). An asset from a catalog feed without audio yet is timed from
    the catalog's duration. Made once per read and never changed.
    """

    id: str
    kind: AssetKind
    title: str
    artist: str | None
    artists: tuple[str, ...]
    artist_keys: tuple[str, ...]
    title_key: str
    album: str | None
    album_key: str | None
    isrc: str | None
    length_ms: int
    intro_ms: int
    segue_ms: int
    category: str | None = None  # the station's category from the catalog, if given
    year: int | None = None
    genre: str | None = None
    explicit: bool = False
    gender: VocalGender | None = None
    bpm: float | None = None
    energy: float | None = None
    ending: Ending | None = None
    rights: tuple[UsageRights, ...] = (UsageRights(),)
    has_audio: bool = True
    title_is_file_name: bool = False  # shown, never spoken (see domain.placeholder_tags)


@dataclass(frozen=True)
class ScheduledItem:
    """One item of the playlist, in air order within its hour."""

    id: str
    hour: datetime
    position: int
    start: datetime
    duration_ms: int
    overlap_next_ms: int
    kind: ItemKind
    category: str
    hard: bool = False
    nominal_start: datetime | None = None
    slot: int | None = None  # the clock position; None for a song added to fill the hour
    asset_id: str | None = None  # None: planned, filled later (voice, spots, news)
    why: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def end(self) -> datetime:
        return self.start + ms(self.duration_ms)

    @property
    def next_start(self) -> datetime:
        return self.start + ms(self.duration_ms - self.overlap_next_ms)


@dataclass(frozen=True)
class Unscheduled:
    """A clock position left empty, and the rule or shortage that emptied it."""

    hour: datetime
    slot: int | None  # None: a song added to fill the hour
    category: str
    reason: str
    nominal_start: datetime | None = None


@dataclass(frozen=True)
class Relaxation:
    """A breakable rule given up for one position, and how many candidates were tried."""

    hour: datetime
    slot: int | None
    item_id: str
    rule: str
    candidates: int
    rejected: int


@dataclass(frozen=True)
class HourPlan:
    """One local hour of one station (a DST day has 23 or 25 of them)."""

    station: str
    start: datetime
    local_label: str  # e.g. "2026-11-01T01:00-05:00", unambiguous on a doubled hour
    clock: str
    items: tuple[ScheduledItem, ...]
    unscheduled: tuple[Unscheduled, ...] = ()
    relaxations: tuple[Relaxation, ...] = ()
    under_over_ms: int = 0  # the content's end against the hour's end: + over, - under
    seed: int = 0
    locked: bool = False
    built_at: datetime | None = None
    # How the hour was made to fit: songs added or dropped, fades, fills, gaps.
    notes: tuple[str, ...] = ()

    @property
    def end(self) -> datetime:
        return self.start + timedelta(hours=1)
