"""The period a report covers: station-local days and months as UTC instants, checked.

A station day runs from local midnight to the next local midnight, so it is 23
or 25 hours long on a daylight-saving change. A period that has not begun is
refused (nothing can have aired in it); one that has begun but not ended is
reported up to the moment it was asked for, and the report says so.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from onair.compliance.sealing import day_bounds as sealed_day_bounds
from onair.domain.errors import DomainError

__all__ = [
    "Period",
    "ReportPeriodError",
    "day_bounds",
    "day_period",
    "days_period",
    "month_period",
    "parse_day",
    "parse_month",
    "utc_clock",
]

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class ReportPeriodError(DomainError):
    """A report period that cannot be reported: malformed, backwards or not begun yet."""


@dataclass(frozen=True)
class Period:
    """``[start, end)`` in UTC, the station's zone, and how an operator names it."""

    start: datetime
    end: datetime
    zone: ZoneInfo
    description: str  # station-local: "2026-03-08 in America/Chicago (23 hours)"
    asked_at: datetime  # UTC: when the report was asked for (its generated_at)

    def __contains__(self, at: datetime) -> bool:
        return self.start <= at < self.end

    @property
    def ended(self) -> bool:
        return self.asked_at >= self.end

    def local(self, at: datetime) -> str:
        """``at`` on the station's clock, with its UTC offset (unambiguous on a 25-hour day)."""
        return at.astimezone(self.zone).isoformat(timespec="milliseconds")

    def local_short(self, at: datetime) -> str:
        """``at`` on the station's clock for a sentence: ``2026-03-08 03:00 CDT``."""
        return at.astimezone(self.zone).strftime("%Y-%m-%d %H:%M %Z")

    def hours(self) -> list[datetime]:
        """The tops of the hours in the period (UTC), 23 or 25 of them on a change day."""
        tops, top = [], self.start
        while top < self.end:
            tops.append(top)
            top += timedelta(hours=1)
        return tops


def utc_clock(at: datetime) -> str:
    """``at`` in UTC to the millisecond: ``2026-03-08T08:00:00.000Z``."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parse_day(text: str) -> date:
    """``YYYY-MM-DD`` as a date; raises :class:`ReportPeriodError` naming the input."""
    try:
        if not _DAY.match(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise ReportPeriodError(
            f"{text!r} is not a day: write it as YYYY-MM-DD, e.g. 2026-03-08"
        ) from None


def parse_month(text: str) -> date:
    """``YYYY-MM`` as the first day of that month; 2026-13 is refused."""
    match = _MONTH.match(text)
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1:
        raise ReportPeriodError(f"{text!r} is not a month: write it as YYYY-MM, e.g. 2026-03")
    return date(int(match[1]), int(match[2]), 1)


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants of ``day``'s local midnight and the next day's, as the ledger seals
    days; a day past the calendar's ends is one clear error."""
    try:
        return sealed_day_bounds(day, zone)
    except (OverflowError, ValueError):
        raise ReportPeriodError(
            f"{day} is outside the calendar: ask for a day that has aired"
        ) from None


def day_period(day: date | str, zone: ZoneInfo, now: datetime) -> Period:
    """One station-local day; refused if it has not begun by ``now``."""
    day = parse_day(day) if isinstance(day, str) else day
    start, end = day_bounds(day, zone)
    hours = (end - start) / timedelta(hours=1)
    description = f"{day.isoformat()} in {zone.key} ({hours:g} hours)"
    return _checked(day.isoformat(), start, end, zone, description, now)


def month_period(month: date | str, zone: ZoneInfo, now: datetime) -> Period:
    """One calendar month on the station's clock (``2026-03`` or any day in it)."""
    first = parse_month(month) if isinstance(month, str) else month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    start, end = day_bounds(first, zone)[0], day_bounds(last, zone)[1]
    label = f"{first:%Y-%m}"
    return _checked(label, start, end, zone, f"{label} in {zone.key}", now)


def days_period(first: date | str, last: date | str, zone: ZoneInfo, now: datetime) -> Period:
    """Station-local days ``first`` to ``last``, both included."""
    first = parse_day(first) if isinstance(first, str) else first
    last = parse_day(last) if isinstance(last, str) else last
    if last < first:
        raise ReportPeriodError(
            f"the period {first} to {last} ends before it starts: give the earlier day first"
        )
    if first == last:
        return day_period(first, zone, now)
    start, end = day_bounds(first, zone)[0], day_bounds(last, zone)[1]
    label = f"{first.isoformat()} to {last.isoformat()}"
    return _checked(label, start, end, zone, f"{label} in {zone.key}", now)


def _checked(
    label: str, start: datetime, end: datetime, zone: ZoneInfo, description: str, now: datetime
) -> Period:
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    now = now.astimezone(UTC)
    period = Period(start, end, zone, description, now)
    if start >= now:
        raise ReportPeriodError(
            f"{label} has not begun in {zone.key} (it starts {period.local_short(start)}): "
            "a report covers only what has aired, ask for a period up to today"
        )
    return period
