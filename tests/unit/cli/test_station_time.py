"""Days, hours and instants as an operator types them, on the station's clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from onair.cli.station_time import StationTimeError, station_day, station_hour, station_instant

CHICAGO = ZoneInfo("America/Chicago")


def test_a_time_without_an_offset_is_station_local_and_one_with_an_offset_is_kept() -> None:
    assert station_instant("2027-02-01T14:00", "--from", CHICAGO) == datetime(
        2027, 2, 1, 20, tzinfo=UTC
    )
    assert station_instant("2027-02-01T14:00+00:00", "--from", CHICAGO) == datetime(
        2027, 2, 1, 14, tzinfo=UTC
    )
    assert station_hour("2027-02-01T14", "--hour", CHICAGO) == datetime(2027, 2, 1, 20, tzinfo=UTC)
    assert station_day("2027-02-01", "--from") == date(2027, 2, 1)


@pytest.mark.parametrize(
    ("read", "message"),
    [
        (lambda: station_day("9999-12-31", "--from"), "--from 9999-12-31 is outside the calendar"),
        (lambda: station_day("0001-01-01", "--from"), "--from 0001-01-01 is outside the calendar"),
        (lambda: station_day("1970-12-31", "--from"), "--from 1970-12-31 is outside the calendar"),
        (lambda: station_instant("9999-12-31T23:59", "--to", CHICAGO), "--to 9999-12-31 is out"),
        (lambda: station_hour("0001-01-01T00", "--hour", CHICAGO), "--hour 0001-01-01 is outside"),
        (lambda: station_day("2027-02-30", "--from"), "--from '2027-02-30' is not a date"),
        (lambda: station_instant("tomorrow", "--from", CHICAGO), "'tomorrow' is not a date-time"),
        (lambda: station_hour("2027-02-01T14:30", "--hour", CHICAGO), "not the top of an hour"),
    ],
)
def test_what_cannot_be_read_or_lies_past_the_calendar_is_one_line(
    read: Callable[[], object], message: str
) -> None:
    with pytest.raises(StationTimeError, match=message):
        read()


def test_the_first_and_last_days_kept_are_read() -> None:
    assert station_day("1971-01-01", "--from") == date(1971, 1, 1)
    assert station_hour("9998-12-31T23", "--hour", CHICAGO).year == 9999
