"""A station's programming: categories, clocks, the day grid, shows and rules.

A program director keeps this in a station file (YAML) under version control;
``onair station apply`` validates the whole file against this model before
anything is stored. Clock times are station-local; an hour's slots are laid
out from its top (``at`` is minutes:seconds past the hour).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from onair.domain.errors import DomainError
from onair.domain.library import AssetKind
from onair.domain.rights import Use
from onair.domain.rules import RULE_TYPES, Rule
from onair.domain.segments import SegmentKind, StationVoice
from onair.domain.traffic_settings import TrafficSettings
from onair.domain.webhooks import Webhook

__all__ = [
    "ASSET_ITEM_KINDS",
    "HOUR_S",
    "WEEKDAYS",
    "AppliedProgram",
    "Category",
    "CategoryMatch",
    "Clock",
    "InvalidProgram",
    "ItemKind",
    "NoProgram",
    "ProgramChanged",
    "ProgramProblem",
    "RuleBook",
    "Show",
    "ShowTime",
    "Slot",
    "StationProgram",
    "Timing",
    "hour_ranges",
    "weekdays_of",
]

HOUR_S = 3600
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ItemKind(StrEnum):
    """What a scheduled item is, as the export names it."""

    MUSIC = "music"
    ID = "id"
    JINGLE = "jingle"
    PROMO = "promo"
    VOICE = "voice"
    SPOT = "spot"
    NEWS = "news"
    FILL = "fill"
    # A category only: its slot airs a playlist's items, each as the kind of its asset.
    PLAYLIST = "playlist"


# Which library assets an event category draws from when its match names no kinds.
DEFAULT_KINDS: dict[ItemKind, frozenset[AssetKind]] = {
    ItemKind.MUSIC: frozenset({AssetKind.MUSIC}),
    ItemKind.ID: frozenset({AssetKind.STATION_ID}),
    ItemKind.JINGLE: frozenset({AssetKind.JINGLE, AssetKind.SWEEPER}),
    ItemKind.PROMO: frozenset({AssetKind.PROMO}),
    ItemKind.VOICE: frozenset(),  # written and voiced by the agents ahead of air
    ItemKind.SPOT: frozenset({AssetKind.SPOT}),
    ItemKind.NEWS: frozenset(),
    ItemKind.FILL: frozenset({AssetKind.LINER, AssetKind.SWEEPER, AssetKind.BED}),
    ItemKind.PLAYLIST: frozenset(),  # the playlist names its assets
}

# The kind a playlist's item airs as, by its asset's kind.
ASSET_ITEM_KINDS: dict[AssetKind, ItemKind] = {
    AssetKind.MUSIC: ItemKind.MUSIC,
    AssetKind.STATION_ID: ItemKind.ID,
    AssetKind.JINGLE: ItemKind.JINGLE,
    AssetKind.SWEEPER: ItemKind.JINGLE,
    AssetKind.PROMO: ItemKind.PROMO,
    AssetKind.VOICE: ItemKind.VOICE,
    AssetKind.SPOT: ItemKind.SPOT,
    AssetKind.LINER: ItemKind.FILL,
    AssetKind.BED: ItemKind.FILL,
}

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")


class CategoryMatch(BaseModel):
    """Which library assets fall in a category; every given condition must hold.

    An asset whose own category (from the catalog) names a category of the
    station goes there whatever the matches say.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kinds: frozenset[AssetKind] = frozenset()
    years: tuple[int, int] | None = None
    genres: frozenset[str] = frozenset()
    isrcs: frozenset[str] = frozenset()

    @field_validator("years")
    @classmethod
    def _span(cls, value: tuple[int, int] | None) -> tuple[int, int] | None:
        if value is not None and value[0] > value[1]:
            raise ValueError(f"years {list(value)}: the first year is after the second")
        return value


class Category(BaseModel):
    """A rotation category (Power, Gold...) or an event type (ID, spots, news...)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: ItemKind
    match: CategoryMatch = CategoryMatch()
    # The length planned for an item nothing in the library fills yet (voice, spots, news).
    planned_s: float | None = Field(None, gt=0, le=HOUR_S)
    # Per-category rule parameters over the station's, e.g. {"rest": {"hours": 2}}.
    rules: dict[str, dict[str, Any]] = Field(default_factory=dict)
    # The agent that voices a planned item of this category, over the kind's default.
    agent: SegmentKind | None = None
    # A playlist category's playlist, by name (``onair playlist create NAME``).
    playlist: str | None = Field(None, min_length=1, max_length=63)

    @property
    def draws_from_library(self) -> bool:
        return bool(self.match.kinds or DEFAULT_KINDS[self.type])

    @property
    def asset_kinds(self) -> frozenset[AssetKind]:
        return self.match.kinds or DEFAULT_KINDS[self.type]


_MMSS = re.compile(r"^(\d{1,2}):(\d{2})(?:\.(\d{1,3}))?$")


class Slot(BaseModel):
    """One position in a clock: a category, optionally at a nominal time, hard or soft."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    category: str
    at_s: float | None = Field(None, alias="at", ge=0, lt=HOUR_S)
    hard: bool = False

    @field_validator("at_s", mode="before")
    @classmethod
    def _minutes_seconds(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        found = _MMSS.match(value)
        if not found:
            raise ValueError(f'at {value!r} must be minutes:seconds past the hour, e.g. "29:30"')
        minutes, seconds, millis = found.groups()
        if int(seconds) >= 60:
            raise ValueError(f"at {value!r}: seconds must be below 60")
        return int(minutes) * 60 + int(seconds) + int((millis or "0").ljust(3, "0")) / 1000

    @model_validator(mode="after")
    def _hard_needs_time(self) -> Slot:
        if self.hard and self.at_s is None:
            raise ValueError(f"hard slot {self.category!r} needs 'at', its time past the hour")
        return self


class Clock(BaseModel):
    """An hour's ordered slots."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    slots: tuple[Slot, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _posts_in_order(self) -> Clock:
        posts = [s.at_s for s in self.slots if s.at_s is not None]
        if posts != sorted(posts):
            raise ValueError("slot times are out of order: list the slots in air order")
        return self


class Timing(BaseModel):
    """How far the scheduler may bend item lengths to land each hard post exactly."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # A song may be faded this much before its segue point to make a post.
    early_fade_s: float = Field(15.0, ge=0, le=60)
    # A voice link talks up a song's intro only when the intro is at least this long...
    talkup_min_intro_s: float = Field(4.0, ge=1, le=60)
    # ...and ends this long before the post (where the vocal comes in).
    talkup_margin_s: float = Field(0.5, ge=0, le=5)


class ShowTime(BaseModel):
    """When a show airs: weekdays and station-local hours ``[start, end)``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    days: tuple[str, ...] = Field(min_length=1)
    hours: tuple[int, int]

    @field_validator("days")
    @classmethod
    def _weekdays(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [d for d in value if d not in WEEKDAYS]
        if unknown:
            raise ValueError(f"days {unknown} are not weekdays: use {', '.join(WEEKDAYS)}")
        return value

    @field_validator("hours")
    @classmethod
    def _span(cls, value: tuple[int, int]) -> tuple[int, int]:
        if not 0 <= value[0] < value[1] <= 24:
            raise ValueError(f"hours {list(value)} must lie within 0-24, start before end")
        return value


class Show(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    hosts: tuple[str, ...] = ()
    times: tuple[ShowTime, ...] = ()

    def airs(self, weekday: str, hour: int) -> bool:
        return any(weekday in t.days and t.hours[0] <= hour < t.hours[1] for t in self.times)


def weekdays_of(spec: str) -> list[str]:
    """``"mon-fri"``, ``"sat"``, ``"all"`` as weekday names."""
    if spec == "all":
        return list(WEEKDAYS)
    first, _, last = spec.partition("-")
    if first not in WEEKDAYS or (last and last not in WEEKDAYS):
        raise ValueError(f"days {spec!r}: use mon..sun, a range like 'mon-fri', or 'all'")
    start, end = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
    if end < start:
        raise ValueError(f"days {spec!r}: the range runs backwards")
    return list(WEEKDAYS[start : end + 1])


def hour_ranges(spec: dict[str, str]) -> dict[int, str]:
    """``{"06-10": "morning"}`` as ``{6: "morning", ..., 9: "morning"}`` (end exclusive)."""
    hours: dict[int, str] = {}
    for span, clock in spec.items():
        first, _, last = str(span).partition("-")
        try:
            start, end = int(first), int(last) if last else int(first) + 1
        except ValueError:
            raise ValueError(f'hours {span!r}: write a range like "06-10" or one hour') from None
        if not 0 <= start < end <= 24:
            raise ValueError(f"hours {span!r} must lie within 00-24, start before end")
        for hour in range(start, end):
            if hour in hours:
                raise ValueError(f"hour {hour:02d} is given two clocks")
            hours[hour] = clock
    return hours


Path = tuple[str | int, ...]


class ProgramProblem(BaseModel):
    """One thing wrong in a station file: where (a path into it) and what to do."""

    model_config = ConfigDict(frozen=True)

    path: Path
    message: str


class InvalidProgram(DomainError):
    """A station file with problems; nothing of it was applied."""

    def __init__(self, problems: list[ProgramProblem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


class RuleBook(BaseModel):
    """Every rule, in priority order (highest first)."""

    model_config = ConfigDict(frozen=True)

    rules: tuple[Rule, ...]

    def get(self, name: str) -> Rule:
        return next(r for r in self.rules if r.name == name)

    def for_category(self, name: str, category: Category) -> Rule:
        """The rule with the category's own parameters laid over the station's."""
        rule = self.get(name)
        override = category.rules.get(name)
        if not override:
            return rule
        return type(rule).model_validate({**rule.model_dump(), **override})

    def listed(self) -> list[dict[str, Any]]:
        """The rules as a station file lists them."""
        return [{"rule": r.name, **r.model_dump(mode="json")} for r in self.rules]


class StationProgram(BaseModel):
    """What ``onair station apply`` stores for one station (validated by ``program_from``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    name: str = Field(min_length=1)
    timezone: str
    call_letters: str = Field(pattern=r"^[A-Z0-9-]{3,10}$")
    community: str = Field(min_length=1, description="community of license, 47 CFR 73.1201")
    territory: str = Field("US", pattern=r"^[A-Z]{2}$")
    use: Use = Use.NON_INTERACTIVE_WEBCAST
    song_estimate_s: float = Field(210.0, gt=30, le=1200)
    timing: Timing = Timing()
    categories: dict[str, Category] = Field(min_length=1)
    clocks: dict[str, Clock] = Field(min_length=1)
    # As written: days ("mon-fri") -> hours ("06-10") -> clock; see clock_for.
    grid: dict[str, dict[str, str]]
    overrides: dict[date, dict[str, str]] = Field(default_factory=dict)
    shows: tuple[Show, ...] = ()
    rules: RuleBook = Field(default_factory=lambda: RuleBook(rules=tuple(t() for t in RULE_TYPES)))
    voice: StationVoice = StationVoice()
    webhooks: tuple[Webhook, ...] = ()
    traffic: TrafficSettings = TrafficSettings()

    _week: dict[str, dict[int, str]] = PrivateAttr(default_factory=dict)
    _specials: dict[date, dict[int, str]] = PrivateAttr(default_factory=dict)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown timezone {value!r}: use an IANA name like 'America/Chicago'"
            ) from None
        return value

    def model_post_init(self, context: Any) -> None:
        for days, hours in self.grid.items():
            for day in weekdays_of(days):
                self._week.setdefault(day, {}).update(hour_ranges(hours))
        for special, hours in self.overrides.items():
            self._specials[special] = hour_ranges(hours)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def has_clock(self, weekday: str, hour: int) -> bool:
        return hour in self._week.get(weekday, {})

    def clock_for(self, day: date, hour: int) -> str:
        """The clock of local ``hour`` on ``day`` (a date override wins)."""
        special = self._specials.get(day, {})
        if hour in special:
            return special[hour]
        return self._week[WEEKDAYS[day.weekday()]][hour]

    def show_at(self, day: date, hour: int) -> Show | None:
        """The show on air at local ``hour`` of ``day``, if any."""
        weekday = WEEKDAYS[day.weekday()]
        return next((show for show in self.shows if show.airs(weekday, hour)), None)

    def estimated_length_s(self, clock: Clock) -> float:
        """The clock's length with songs at the station's estimate and events at their plan."""
        total = 0.0
        for slot in clock.slots:
            category = self.categories[slot.category]
            total += (
                self.song_estimate_s
                if category.type is ItemKind.MUSIC
                else category.planned_s or 0.0
            )
        return total

    def export(self) -> dict[str, Any]:
        """The program as a station file holds it (applying it again changes nothing)."""
        data = self.model_dump(
            mode="json", by_alias=True, exclude_defaults=False, exclude={"rules"}
        )
        data["rules"] = self.rules.listed()
        return data


class NoProgram(DomainError):
    """The station has no programming yet: apply a station file first."""


class ProgramChanged(DomainError):
    """Another station file was applied since the version an edit started from."""


@dataclass(frozen=True)
class AppliedProgram:
    """A station program as stored: its version (the highest is in force) and origin."""

    version: int
    program: StationProgram
    source: str
    applied_at: datetime
