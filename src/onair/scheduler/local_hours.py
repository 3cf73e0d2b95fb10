"""The hours of a station's days, in its own timezone, across daylight-saving changes.

A day runs from local midnight to the next local midnight: 24 hours, or 23
when the clocks spring forward (the skipped hour never exists) and 25 when they
fall back (the repeated hour airs twice, each from the same clock, each its
own UTC hour). Hours are stepped in UTC so nothing is missing or doubled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = ["LocalHour", "day_hours", "hours_between"]

_HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class LocalHour:
    start: datetime  # UTC
    local_start: datetime  # in the station's zone, with its offset

    @property
    def day(self) -> date:
        return self.local_start.date()

    @property
    def hour(self) -> int:
        return self.local_start.hour

    @property
    def end(self) -> datetime:
        return self.start + _HOUR

    @property
    def label(self) -> str:
        """``2026-11-01T01:00-05:00``: unambiguous even on a doubled hour."""
        return self.local_start.isoformat(timespec="minutes")


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    # Some zones skip midnight itself (e.g. America/Santiago): the day starts at the
    # first instant that exists, which fold=0 and a round trip through UTC give.
    local = datetime.combine(day, time(0), tzinfo=zone)
    return local.astimezone(UTC).astimezone(zone)


def day_hours(day: date, zone: ZoneInfo) -> list[LocalHour]:
    """The local hours of ``day`` in air order: 23, 24 or 25 of them."""
    start = _midnight(day, zone).astimezone(UTC)
    end = _midnight(day + timedelta(days=1), zone).astimezone(UTC)
    hours = []
    at = start
    while at < end:
        hours.append(LocalHour(at, at.astimezone(zone)))
        at += _HOUR
    return hours


def hours_between(first_day: date, days: int, zone: ZoneInfo) -> list[LocalHour]:
    """Every local hour of ``days`` days from ``first_day``."""
    return [h for n in range(days) for h in day_hours(first_day + timedelta(days=n), zone)]
