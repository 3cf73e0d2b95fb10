"""Report periods: station days of 23, 24 and 25 hours, months, and periods refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from onair.compliance.reports import (
    ReportPeriodError,
    day_period,
    days_period,
    month_period,
    parse_month,
)

from .ledger import CHICAGO, NOW


@pytest.mark.parametrize(
    ("day", "hours", "start_utc"),
    [
        ("2026-03-08", 23, datetime(2026, 3, 8, 6, tzinfo=UTC)),
        ("2026-03-09", 24, datetime(2026, 3, 9, 5, tzinfo=UTC)),
        ("2026-11-01", 25, datetime(2026, 11, 1, 5, tzinfo=UTC)),
    ],
)
def test_a_station_day_runs_from_local_midnight_to_local_midnight(
    day: str, hours: int, start_utc: datetime
) -> None:
    period = day_period(day, CHICAGO, NOW)
    assert period.start == start_utc
    assert period.end - period.start == timedelta(hours=hours)
    assert len(period.hours()) == hours
    assert period.description == f"{day} in America/Chicago ({hours} hours)"


def test_a_spring_forward_day_has_no_two_oclock_and_a_fall_back_day_two_ones() -> None:
    spring = [period_hour.hour for period_hour in _local_hours("2026-03-08")]
    assert spring == [0, 1, *range(3, 24)]
    fall = [period_hour.hour for period_hour in _local_hours("2026-11-01")]
    assert fall == [0, 1, 1, *range(2, 24)]


def _local_hours(day: str) -> list[datetime]:
    return [top.astimezone(CHICAGO) for top in day_period(day, CHICAGO, NOW).hours()]


def test_a_month_is_its_calendar_days_on_the_station_clock() -> None:
    period = month_period("2026-03", CHICAGO, NOW)
    assert period.start == datetime(2026, 3, 1, 6, tzinfo=UTC)
    assert period.end == datetime(2026, 4, 1, 5, tzinfo=UTC)  # CDT by then
    december = month_period(date(2025, 12, 17), CHICAGO, NOW)
    assert december.end == datetime(2026, 1, 1, 6, tzinfo=UTC)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-3", "March", "2026-03-01"])
def test_a_month_that_is_not_one_is_refused_naming_it(text: str) -> None:
    with pytest.raises(ReportPeriodError, match=f"'{text}' is not a month: write it as YYYY-MM"):
        parse_month(text)


@pytest.mark.parametrize("text", ["2026-02-30", "2026-3-8", "yesterday"])
def test_a_day_that_is_not_one_is_refused_naming_it(text: str) -> None:
    with pytest.raises(ReportPeriodError, match=f"'{text}' is not a day"):
        day_period(text, CHICAGO, NOW)


def test_a_future_month_is_refused() -> None:
    with pytest.raises(ReportPeriodError, match="2027-01 has not begun in America/Chicago"):
        month_period("2027-01", CHICAGO, NOW)


def test_a_day_that_begins_exactly_now_is_refused_and_one_under_way_is_allowed() -> None:
    midnight = datetime(2026, 12, 1, 6, tzinfo=UTC)  # local midnight in Chicago
    with pytest.raises(ReportPeriodError, match="has not begun"):
        day_period("2026-12-01", CHICAGO, midnight)
    period = day_period("2026-12-01", CHICAGO, midnight + timedelta(seconds=1))
    assert not period.ended


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ReportPeriodError, match="ends before it starts"):
        days_period("2026-03-09", "2026-03-08", CHICAGO, NOW)


def test_a_run_of_days_spans_both_ends_and_a_zone_of_its_own() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    period = days_period("2026-03-01", "2026-03-07", tokyo, NOW)
    assert period.start == datetime(2026, 2, 28, 15, tzinfo=UTC)
    assert period.end - period.start == timedelta(days=7)
    assert period.description == "2026-03-01 to 2026-03-07 in Asia/Tokyo"


def test_the_end_of_the_calendar_is_refused_not_crashed_on() -> None:
    with pytest.raises(ReportPeriodError):
        month_period("9999-12", CHICAGO, NOW)
