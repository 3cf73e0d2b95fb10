"""Days, hours and instants an operator types, read on the station's clock.

A time without a UTC offset is station-local. Days are kept within the years
1971 to 9998: before 1970 no instant can be an id, and near year 9999 a day's
end or a week of hours would run past the calendar.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from onair.domain.errors import DomainError

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "StationTimeError",
    "on_calendar",
    "station_day",
    "station_hour",
    "station_instant",
]

FIRST_DAY = date(1971, 1, 1)
LAST_DAY = date(9998, 12, 31)


class StationTimeError(DomainError):
    """A day or time that cannot be read, or one outside the calendar onair keeps."""


def on_calendar(day: date, what: str) -> date:
    """``day`` itself, or one line naming ``what`` if it lies outside the calendar kept."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise StationTimeError(
            f"{what} {day.isoformat()} is outside the calendar onair keeps:"
            f" give a day from {FIRST_DAY} to {LAST_DAY}"
        )
    return day


def station_day(text: str, option: str) -> date:
    """A station day written ``YYYY-MM-DD``."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise StationTimeError(
            f"{option} {text!r} is not a date: write YYYY-MM-DD, e.g. 2026-12-01"
        ) from None
    return on_calendar(day, option)


def station_instant(text: str, option: str, zone: ZoneInfo) -> datetime:
    """An ISO date-time, station-local unless it carries an offset, as UTC."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise StationTimeError(
            f"{option} {text!r} is not a date-time: write e.g. 2027-02-01T14:00"
        ) from None
    return _utc(parsed, option, zone)


def station_hour(text: str, option: str, zone: ZoneInfo) -> datetime:
    """The top of an hour, ``2027-02-01T14`` or ``2027-02-01T14:00``, as UTC."""
    try:
        parsed = datetime.fromisoformat(text if ":" in text else f"{text}:00")
    except ValueError:
        raise StationTimeError(
            f"{option} {text!r} is not an hour: write e.g. 2027-02-01T14"
        ) from None
    if parsed.minute or parsed.second or parsed.microsecond:
        raise StationTimeError(
            f"{option} {text!r} is not the top of an hour: write e.g. 2027-02-01T14"
        )
    return _utc(parsed, option, zone)


def _utc(parsed: datetime, option: str, zone: ZoneInfo) -> datetime:
    on_calendar(parsed.date(), option)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(UTC)
