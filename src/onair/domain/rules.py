"""The scheduling rules a station sets: each one's parameters, whether it may break.

Rules are held in a priority order (the station file lists them highest first).
When no candidate passes every rule, the scheduler relaxes breakable rules
from the lowest priority up; an unbreakable rule is never relaxed and leaves
the position unscheduled with its reason instead.
"""

from __future__ import annotations

from datetime import time
from typing import Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_serializer,
    field_validator,
    model_validator,
)

__all__ = [
    "RULE_TYPES",
    "AlbumSeparation",
    "ArtistSeparation",
    "DaypartLimit",
    "DaypartLimits",
    "DisallowedPatterns",
    "DmcaComplement",
    "EnergyFlow",
    "EnergyJump",
    "GenderFlow",
    "HardTiming",
    "HorizontalRotation",
    "LegalId",
    "MaxPlaysPerDay",
    "Rest",
    "Rule",
    "SafeHarbor",
    "TempoFlow",
    "TempoJump",
    "TitleSeparation",
    "TurnoverBalance",
    "UsageRightsRule",
    "parse_clock_time",
]


def parse_clock_time(value: object) -> time:
    """``"22:00"`` as a time of day; YAML may hand an ``HH:MM`` over as text only."""
    if isinstance(value, time):
        return value
    if not isinstance(value, str):
        raise ValueError(f'{value!r} is not a time of day: write it as "HH:MM" in quotes')
    try:
        hours, minutes = (int(part) for part in value.split(":"))
    except ValueError:
        raise ValueError(f'{value!r} is not a time of day: write it as "HH:MM"') from None
    if not (0 <= hours <= 24 and 0 <= minutes < 60) or (hours == 24 and minutes):
        raise ValueError(f"{value!r} is not a time of day between 00:00 and 24:00")
    return time(0, 0) if hours == 24 else time(hours, minutes)


def _hh_mm(value: time) -> str:
    # Written back as the station file spells it, so an export applies again.
    return value.strftime("%H:%M")


class Rule(BaseModel):
    """What every rule has: on or off, breakable or not."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: ClassVar[str]
    # A rule the law or the clock makes binding can be switched off where allowed,
    # never made breakable.
    always_unbreakable: ClassVar[bool] = False

    enabled: bool = True
    breakable: bool = True

    @model_validator(mode="after")
    def _binding(self) -> Rule:
        if self.always_unbreakable and self.breakable:
            raise ValueError(f"{self.name} cannot be breakable: remove 'breakable: true'")
        return self

    def params(self) -> dict[str, Any]:
        """The rule's own parameters, without ``enabled`` and ``breakable``."""
        return self.model_dump(mode="json", exclude={"enabled", "breakable"})


class UsageRightsRule(Rule):
    """Never an asset outside its rights window, territory or allowed use."""

    name = "usage_rights"
    always_unbreakable = True
    breakable: bool = False


class HardTiming(Rule):
    """Hard items start exactly on their post (the clock's nominal time)."""

    name = "hard_timing"
    always_unbreakable = True
    breakable: bool = False


class LegalId(Rule):
    """47 CFR 73.1201: the legal ID each hour, as close to the top of the hour as a break allows."""

    name = "legal_id"
    always_unbreakable = True
    breakable: bool = False
    window_minutes: float = Field(5.0, ge=0, le=30)


class DmcaComplement(Rule):
    """The sound recording performance complement, 17 U.S.C. 114(j)(13).

    In any 3-hour window no more than 3 tracks from one album (no more than 2
    in a row) and no more than 4 by one featured artist (no more than 3 in a row).
    """

    name = "dmca_complement"
    always_unbreakable = True
    breakable: bool = False
    window_hours: float = Field(3.0, gt=0, le=24)
    album_max: int = Field(3, ge=1)
    album_in_row: int = Field(2, ge=1)
    artist_max: int = Field(4, ge=1)
    artist_in_row: int = Field(3, ge=1)

    @model_validator(mode="after")
    def _rows_within_totals(self) -> DmcaComplement:
        if self.album_in_row > self.album_max or self.artist_in_row > self.artist_max:
            raise ValueError("an 'in_row' limit is above its window total: lower it")
        return self


class SafeHarbor(Rule):
    """Explicit tracks only between ``start`` and ``end`` station time (22:00-06:00)."""

    name = "safe_harbor"
    breakable: bool = False
    start: time = time(22, 0)
    end: time = time(6, 0)

    _clock = field_validator("start", "end", mode="before")(parse_clock_time)
    _written = field_serializer("start", "end", when_used="json")(_hh_mm)

    @model_validator(mode="after")
    def _nonempty(self) -> SafeHarbor:
        if self.start == self.end:
            raise ValueError("start and end are the same: the safe harbor would be empty")
        return self


class DaypartLimit(BaseModel):
    """Assets (by ISRC or artist) allowed to air only between ``start`` and ``end``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    isrcs: frozenset[str] = frozenset()
    artists: frozenset[str] = frozenset()
    start: time
    end: time

    _clock = field_validator("start", "end", mode="before")(parse_clock_time)
    _written = field_serializer("start", "end", when_used="json")(_hh_mm)

    @model_validator(mode="after")
    def _selects(self) -> DaypartLimit:
        if not self.isrcs and not self.artists:
            raise ValueError("a daypart limit names at least one ISRC or artist")
        if self.start == self.end:
            raise ValueError("start and end are the same: the daypart would be empty")
        return self


class DaypartLimits(Rule):
    name = "daypart_limits"
    breakable: bool = False
    limits: tuple[DaypartLimit, ...] = ()


class ArtistSeparation(Rule):
    """Minutes between two plays of an artist; every credited artist counts."""

    name = "artist_separation"
    minutes: float = Field(60.0, ge=0, le=7 * 24 * 60)


class TitleSeparation(Rule):
    """Hours between two plays of a title ("Song (Radio Edit)" is "Song")."""

    name = "title_separation"
    hours: float = Field(3.0, ge=0, le=7 * 24)


class AlbumSeparation(Rule):
    name = "album_separation"
    minutes: float = Field(120.0, ge=0, le=7 * 24 * 60)


class Rest(Rule):
    """Least-recently-played rotation: a song rests this long before it plays again."""

    name = "rest"
    hours: float = Field(4.0, ge=0, le=30 * 24)


class HorizontalRotation(Rule):
    """Not in the same quarter-hour of the day as the day before."""

    name = "horizontal_rotation"


class MaxPlaysPerDay(Rule):
    name = "max_plays_per_day"
    plays: int = Field(8, ge=1, le=200)


class TurnoverBalance(Rule):
    """Within a category, weekly spins stay within ``ratio`` of each other (max/min)."""

    name = "turnover_balance"
    ratio: float = Field(1.5, ge=1.0)
    days: int = Field(7, ge=1, le=28)


class GenderFlow(Rule):
    name = "gender_flow"
    max_in_row: int = Field(3, ge=1)


class TempoFlow(Rule):
    """At most ``max_in_row`` songs of one tempo band (slow, medium, fast) in a row."""

    name = "tempo_flow"
    max_in_row: int = Field(3, ge=1)
    slow_below_bpm: float = Field(90.0, gt=0)
    fast_from_bpm: float = Field(125.0, gt=0)

    @model_validator(mode="after")
    def _bands(self) -> TempoFlow:
        if self.slow_below_bpm >= self.fast_from_bpm:
            raise ValueError("slow_below_bpm must be below fast_from_bpm")
        return self


class EnergyFlow(Rule):
    name = "energy_flow"
    max_in_row: int = Field(3, ge=1)
    low_below: float = Field(0.35, gt=0, lt=1)
    high_from: float = Field(0.65, gt=0, lt=1)

    @model_validator(mode="after")
    def _bands(self) -> EnergyFlow:
        if self.low_below >= self.high_from:
            raise ValueError("low_below must be below high_from")
        return self


class TempoJump(Rule):
    name = "tempo_jump"
    max_bpm: float = Field(40.0, gt=0)


class EnergyJump(Rule):
    name = "energy_jump"
    max_step: float = Field(0.5, gt=0, le=1)


_PATTERN_ATTRIBUTES = ("gender", "tempo", "energy", "category")


class DisallowedPatterns(Rule):
    """Sequences that may not air, e.g. ``[tempo:slow, tempo:slow, tempo:slow]``."""

    name = "disallowed_patterns"
    patterns: tuple[tuple[str, ...], ...] = ()

    @field_validator("patterns")
    @classmethod
    def _terms(cls, value: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
        for pattern in value:
            if len(pattern) < 2:
                raise ValueError(f"pattern {list(pattern)} needs at least two terms")
            for term in pattern:
                attribute, _, wanted = term.partition(":")
                if attribute not in _PATTERN_ATTRIBUTES or not wanted:
                    raise ValueError(
                        f"pattern term {term!r} must be one of "
                        f"{', '.join(a + ':VALUE' for a in _PATTERN_ATTRIBUTES)}"
                    )
        return value


# The default priority order, highest first: law and the clock, then the listener's ear.
RULE_TYPES: tuple[type[Rule], ...] = (
    UsageRightsRule,
    HardTiming,
    LegalId,
    DmcaComplement,
    SafeHarbor,
    DaypartLimits,
    ArtistSeparation,
    TitleSeparation,
    Rest,
    AlbumSeparation,
    MaxPlaysPerDay,
    HorizontalRotation,
    TurnoverBalance,
    GenderFlow,
    TempoFlow,
    EnergyFlow,
    TempoJump,
    EnergyJump,
    DisallowedPatterns,
)

RuleName = Literal[
    "usage_rights", "hard_timing", "legal_id", "dmca_complement", "safe_harbor",
    "daypart_limits", "artist_separation", "title_separation", "rest", "album_separation",
    "max_plays_per_day", "horizontal_rotation", "turnover_balance", "gender_flow",
    "tempo_flow", "energy_flow", "tempo_jump", "energy_jump", "disallowed_patterns",
]  # fmt: skip
