"""Traffic: the station's own sales, as orders, and the spot breaks they are placed in.

An advertiser buys an order: a flight of days, the dayparts it may air in, so
many spots a day or a week of one length (:15, :30, :60), and the copy that
rotates through them, each copy an asset of the library with its ISCI or Ad-ID
code. Orders that compete (two car dealers) share a conflict code and are kept
apart by their separation. The traffic log is what placing orders into the
schedule's spot breaks gives: per break, its items in air order, filled to the
break's planned length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from enum import StrEnum
from functools import cached_property
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from onair.domain.errors import DomainError
from onair.domain.programming import WEEKDAYS, hour_ranges, weekdays_of
from onair.domain.traffic_settings import TrafficSettings

__all__ = [
    "SPOT_LENGTHS",
    "Advertiser",
    "BreakLog",
    "Bump",
    "Copy",
    "DayLog",
    "Daypart",
    "LogLocked",
    "LoggedItem",
    "Order",
    "OrderRefused",
    "Role",
    "Separation",
    "SpotBreak",
    "TrafficSettings",
    "UnknownOrder",
]

SPOT_LENGTHS = (15, 30, 60)  # the lengths a station sells, in seconds

# ISCI (the 8-character code: a 4-letter prefix, 4 digits) and Ad-ID (the 11-character
# code that replaced it: a 4-character prefix and 7 characters, an H for HD).
_ISCI = re.compile(r"^[A-Z]{4}[0-9]{4}$")
_AD_ID = re.compile(r"^[A-Z0-9]{4}[A-Z0-9]{7}H?$")
_ORDER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
_CODE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


class OrderRefused(DomainError):
    """An order file with problems; ``lines`` holds one ``FILE:LINE: message`` each."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class UnknownOrder(DomainError):
    """No order of that number is booked for the station."""


class LogLocked(DomainError):
    """A traffic log that is locked was asked to change."""


class Separation(BaseModel):
    """How far apart two spots of one conflict code air: not at all, never in one break,
    or at least ``minutes`` apart (which also keeps them out of one break)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["none", "break", "minutes"] = "none"
    minutes: int = Field(0, ge=0, le=24 * 60)

    @model_validator(mode="before")
    @classmethod
    def _written(cls, value: Any) -> Any:
        if value in ("none", "break"):
            return {"kind": value}
        if isinstance(value, dict) and set(value) == {"minutes"}:
            return {"kind": "minutes", "minutes": value["minutes"]}
        if isinstance(value, dict) and "kind" in value:
            return value
        raise ValueError("separation: write none, break, or {minutes: N}")

    def gap_ms(self) -> int | None:
        """The least time between two such spots; None when they may share a break."""
        if self.kind == "none":
            return None
        return self.minutes * 60_000 if self.kind == "minutes" else 0

    def stricter(self, other: Separation) -> Separation:
        mine, theirs = self.gap_ms(), other.gap_ms()
        if theirs is None:
            return self
        if mine is None or theirs > mine:
            return other
        return self

    def text(self) -> str:
        if self.kind == "minutes":
            return f"{self.minutes} min"
        return "not in one break" if self.kind == "break" else "none"


class Daypart(BaseModel):
    """Weekdays and station-local hours ``[start, end)`` an order may air in."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    days: str = "all"
    hours: str = "00-24"

    @field_validator("days")
    @classmethod
    def _days(cls, value: str) -> str:
        weekdays_of(value)
        return value

    @field_validator("hours")
    @classmethod
    def _hours_span(cls, value: str) -> str:
        hour_ranges({value: "x"})
        return value

    def air_hours(self) -> frozenset[tuple[str, int]]:
        """Every (weekday, local hour) of the daypart."""
        hours = hour_ranges({self.hours: "x"})
        return frozenset((day, hour) for day in weekdays_of(self.days) for hour in hours)


class Copy(BaseModel):
    """One piece of copy: a spot asset, its industry code, its share of the rotation."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    asset: str = Field(min_length=1, max_length=26)
    isci: str | None = None
    ad_id: str | None = None
    weight: int = Field(1, ge=1, le=100)
    kill: date | None = None  # the last day it may air

    @field_validator("isci")
    @classmethod
    def _isci(cls, value: str | None) -> str | None:
        if value is not None and not _ISCI.match(value):
            raise ValueError(f"isci {value!r}: an ISCI code is 4 letters and 4 digits")
        return value

    @field_validator("ad_id")
    @classmethod
    def _ad_id(cls, value: str | None) -> str | None:
        if value is not None and not _AD_ID.match(value):
            raise ValueError(f"ad_id {value!r}: an Ad-ID is 11 letters and digits (12 with H)")
        return value

    @model_validator(mode="after")
    def _coded(self) -> Copy:
        if self.isci is None and self.ad_id is None:
            raise ValueError(f"copy {self.asset}: give its isci or ad_id code")
        return self

    @property
    def code(self) -> str:
        return self.ad_id or self.isci or ""

    def alive(self, day: date) -> bool:
        return self.kill is None or day <= self.kill


def _conflict_code(value: str | None) -> str | None:
    if value is not None and not _CODE.match(value):
        raise ValueError(f"conflict {value!r}: use a-z, 0-9, '-' or '_' (e.g. auto)")
    return value


class Advertiser(BaseModel):
    """Who buys; ``conflict`` is the product code competing advertisers share."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    conflict: str | None = None

    @field_validator("conflict")
    @classmethod
    def _code(cls, value: str | None) -> str | None:
        return _conflict_code(value)


class Flight(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    start: date
    end: date


class Order(BaseModel):
    """A booked order; ``spots_per_day`` or ``spots_per_week``, never both."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    id: str
    advertiser: str = Field(min_length=1, max_length=200)
    flight: Flight
    length: int
    spots_per_day: int | None = Field(None, ge=1, le=200)
    spots_per_week: int | None = Field(None, ge=1, le=1000)
    dayparts: tuple[Daypart, ...] = (Daypart(),)
    priority: int = Field(5, ge=1, le=9)  # 1 is placed first
    conflict: str | None = None  # None: the advertiser's
    separation: Separation | None = None  # None: not in one break when it has a conflict code
    copy_: tuple[Copy, ...] = Field((), alias="copy")

    @field_validator("id")
    @classmethod
    def _number(cls, value: str) -> str:
        if not _ORDER_ID.match(value):
            raise ValueError(f"order id {value!r}: use letters, digits, '.', '_' or '-'")
        return value

    @field_validator("length")
    @classmethod
    def _sold(cls, value: int) -> int:
        if value not in SPOT_LENGTHS:
            raise ValueError(f"length {value}: sell 15, 30 or 60 s")
        return value

    @field_validator("conflict")
    @classmethod
    def _code(cls, value: str | None) -> str | None:
        return _conflict_code(value)

    @model_validator(mode="after")
    def _whole(self) -> Order:
        if self.flight.end < self.flight.start:
            raise ValueError(
                f"the flight ends {self.flight.end}, before it starts {self.flight.start}"
            )
        if (self.spots_per_day is None) == (self.spots_per_week is None):
            raise ValueError("give spots_per_day or spots_per_week (one of them)")
        if not self.copy_:
            raise ValueError("no copy: give at least one copy asset")
        return self

    def airs_on(self, day: date) -> bool:
        return self.flight.start <= day <= self.flight.end

    @cached_property
    def air_hours(self) -> frozenset[tuple[str, int]]:
        """Every (weekday, local hour) the order may air in, of all its dayparts."""
        return frozenset().union(*(part.air_hours() for part in self.dayparts))

    def in_daypart(self, weekday: str, hour: int) -> bool:
        return (weekday, hour) in self.air_hours

    def document(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class Role(StrEnum):
    """What an item of a break is there for."""

    SPOT = "spot"
    OPEN = "open"
    CLOSE = "close"
    PROMO = "promo"
    FILL = "fill"


@dataclass(frozen=True)
class SpotBreak:
    """A planned spot break of the stored schedule, as traffic sees it."""

    item_id: str
    start: datetime  # UTC
    length_ms: int
    category: str
    locked: bool = False  # its hour of the schedule is locked

    def local(self, zone: tzinfo) -> tuple[date, str, int]:
        """The station-local day, weekday and hour it airs in."""
        at = self.start.astimezone(zone)
        return at.date(), WEEKDAYS[at.weekday()], at.hour


@dataclass(frozen=True)
class LoggedItem:
    """One item of a break in the traffic log, ``offset_ms`` from the break's start."""

    id: str
    role: Role
    asset_id: str
    offset_ms: int
    length_ms: int
    category: str
    title: str = ""
    order_id: str | None = None
    advertiser: str | None = None
    code: str | None = None  # the copy's ISCI or Ad-ID
    conflict: str | None = None


@dataclass(frozen=True)
class BreakLog:
    """A spot break with what airs in it, in air order."""

    brk: SpotBreak
    items: tuple[LoggedItem, ...]

    @property
    def filled_ms(self) -> int:
        return sum(i.length_ms for i in self.items)

    @property
    def fill_error_ms(self) -> int:
        """How far the break's items miss its planned length (+ over, - under)."""
        return self.filled_ms - self.brk.length_ms

    @property
    def spots(self) -> tuple[LoggedItem, ...]:
        return tuple(i for i in self.items if i.role is Role.SPOT)


@dataclass(frozen=True)
class Bump:
    """A spot an order wanted on a day that no break could take, and why."""

    order_id: str
    day: date
    reason: str


@dataclass(frozen=True)
class DayLog:
    """A station-local day's traffic log."""

    station: str
    day: date
    seed: int
    breaks: tuple[BreakLog, ...]
    bumps: tuple[Bump, ...] = ()
    locked: bool = False
    placed_at: datetime | None = None
    notes: tuple[str, ...] = field(default=())
