"""A station day's hours in its own timezone, across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from onair.scheduler.local_hours import LocalHour, day_hours, hours_between

CHICAGO = ZoneInfo("America/Chicago")
BERLIN = ZoneInfo("Europe/Berlin")


def _local(hours: list[LocalHour]) -> list[str]:
    return [f"{h.local_start:%H:%M%z}" for h in hours]


def test_a_normal_day_has_24_hours_from_local_midnight() -> None:
    hours = day_hours(date(2026, 6, 3), CHICAGO)
    assert len(hours) == 24
    assert hours[0].start == datetime(2026, 6, 3, 5, tzinfo=UTC)
    assert [h.hour for h in hours] == list(range(24))
    assert {h.day for h in hours} == {date(2026, 6, 3)}


@pytest.mark.parametrize(
    ("zone", "day", "skipped", "first_utc"),
    [
        (CHICAGO, date(2026, 3, 8), 2, datetime(2026, 3, 8, 6, tzinfo=UTC)),
        (BERLIN, date(2026, 3, 29), 2, datetime(2026, 3, 28, 23, tzinfo=UTC)),
    ],
)
def test_spring_forward_has_23_hours_and_no_skipped_hour(
    zone: ZoneInfo, day: date, skipped: int, first_utc: datetime
) -> None:
    hours = day_hours(day, zone)
    assert len(hours) == 23
    assert hours[0].start == first_utc
    assert [h.hour for h in hours] == [h for h in range(24) if h != skipped]
    assert hours[-1].end == day_hours(day + timedelta(days=1), zone)[0].start


@pytest.mark.parametrize(
    ("zone", "day", "doubled", "labels"),
    [
        (CHICAGO, date(2026, 11, 1), 1, ["2026-11-01T01:00-05:00", "2026-11-01T01:00-06:00"]),
        (BERLIN, date(2026, 10, 25), 2, ["2026-10-25T02:00+02:00", "2026-10-25T02:00+01:00"]),
    ],
)
def test_fall_back_has_25_hours_and_the_repeated_hour_twice(
    zone: ZoneInfo, day: date, doubled: int, labels: list[str]
) -> None:
    hours = day_hours(day, zone)
    assert len(hours) == 25
    twice = [h for h in hours if h.hour == doubled]
    assert [h.label for h in twice] == labels
    assert twice[1].start - twice[0].start == timedelta(hours=1)
    assert sorted(h.hour for h in hours) == sorted([*range(24), doubled])
    assert hours[-1].end == day_hours(day + timedelta(days=1), zone)[0].start


@pytest.mark.parametrize(
    ("zone", "first", "days", "count"),
    [
        (CHICAGO, date(2026, 3, 7), 3, 24 + 23 + 24),
        (CHICAGO, date(2026, 10, 31), 3, 24 + 25 + 24),
        (BERLIN, date(2026, 3, 28), 3, 24 + 23 + 24),
        (BERLIN, date(2026, 10, 24), 3, 24 + 25 + 24),
    ],
)
def test_hours_across_a_change_are_one_utc_hour_apart_each_labelled_once(
    zone: ZoneInfo, first: date, days: int, count: int
) -> None:
    hours = hours_between(first, days, zone)
    assert len(hours) == count
    assert all(b.start - a.start == timedelta(hours=1) for a, b in pairwise(hours))
    assert len({h.start for h in hours}) == count
    assert len({h.label for h in hours}) == count
    assert all(h.start.utcoffset() == timedelta(0) for h in hours)
    assert all(h.local_start == h.start.astimezone(zone) for h in hours)
    assert all(h.local_start.minute == 0 for h in hours)


def test_chicago_spring_forward_hours_in_local_time() -> None:
    hours = day_hours(date(2026, 3, 8), CHICAGO)
    assert _local(hours)[:4] == ["00:00-0600", "01:00-0600", "03:00-0500", "04:00-0500"]
