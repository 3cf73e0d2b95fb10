"""The as-run log of a station day: air order, times on both clocks, DST days, an empty day."""

from __future__ import annotations

from datetime import timedelta

from onair.compliance.reports import as_run_log, day_period
from onair.domain.playout import EndedBy
from onair.domain.programming import ItemKind

from .ledger import CHICAGO, NOW, STATION, Ledger, local


def test_each_airing_is_a_row_in_air_order_with_scheduled_and_actual_times() -> None:
    ledger = Ledger()
    top = local("2026-03-09 10:00")
    second = top + timedelta(seconds=200)
    ledger.aired(second, "Second", "Nina", scheduled=second - timedelta(seconds=0.5),
                 listeners=12, tags={"isrc": "USRC17607839"})  # fmt: skip
    ledger.aired(top + timedelta(seconds=0.25), "Legal ID", kind=ItemKind.ID, duration_s=8,
                 scheduled=top, ended_by=EndedBy.NATURAL, listeners=None)  # fmt: skip
    ledger.aired(top + timedelta(seconds=400), "Inserted", "Otis", ended_by=EndedBy.SKIP,
                 substitution_reason="operator insert",
                 adjustments=("faded 3.0 s early",))  # fmt: skip
    report = as_run_log(ledger.entries, day_period("2026-03-09", CHICAGO, NOW), station=STATION)

    assert [r["title"] for r in report.rows] == ["Legal ID", "Second", "Inserted"]
    first, second, third = report.rows
    assert first["actual_local"] == "2026-03-09T10:00:00.250-05:00"
    assert first["actual_utc"] == "2026-03-09T15:00:00.250Z"
    assert first["scheduled_local"] == "2026-03-09T10:00:00.000-05:00"
    assert first["difference_s"] == 0.25
    assert first["kind"] == "id"
    assert first["ended_by"] == "natural"
    assert first["listeners"] is None
    assert second["difference_s"] == 0.5
    assert second["isrc"] == "USRC17607839"
    assert second["listeners"] == 12
    assert third["scheduled_utc"] is None
    assert third["difference_s"] is None
    assert third["substitution_reason"] == "operator insert"
    assert third["adjustments"] == ["faded 3.0 s early"]
    assert report.totals["airings"] == 3
    assert report.totals["seconds_aired"] == 408.0
    assert report.totals["by_kind"] == {"id": 1, "music": 2}
    assert report.totals["unscheduled"] == 1
    assert report.totals["substitutions"] == 1
    assert report.notes == []
    assert report.warnings == []


def test_a_23_hour_day_holds_what_aired_from_midnight_to_midnight_and_no_more() -> None:
    ledger = Ledger()
    ledger.aired(local("2026-03-07 23:59"), "Before")
    ledger.aired(local("2026-03-08 00:00"), "First")
    ledger.aired(local("2026-03-08 01:59:59"), "Before the change")
    ledger.aired(local("2026-03-08 03:00"), "After the change")
    ledger.aired(local("2026-03-08 23:59:59"), "Last")
    ledger.aired(local("2026-03-09 00:00"), "After")
    report = as_run_log(ledger.entries, day_period("2026-03-08", CHICAGO, NOW), station=STATION)
    assert [r["title"] for r in report.rows] == ["First", "Before the change", "After the change",
                                                 "Last"]  # fmt: skip
    assert report.rows[1]["actual_utc"] == "2026-03-08T07:59:59.000Z"
    assert report.rows[2]["actual_utc"] == "2026-03-08T08:00:00.000Z"
    assert report.rows[2]["actual_local"].endswith("-05:00")  # CDT


def test_a_25_hour_day_shows_both_one_oclocks_by_their_offsets() -> None:
    ledger = Ledger()
    ledger.aired(local("2026-11-01 01:30"), "First one-thirty")
    ledger.aired(local("2026-11-01 01:30").replace(fold=1), "Second one-thirty")
    ledger.aired(local("2026-11-01 23:30"), "Late")
    report = as_run_log(ledger.entries, day_period("2026-11-01", CHICAGO, NOW), station=STATION)
    assert [r["actual_local"] for r in report.rows] == [
        "2026-11-01T01:30:00.000-05:00",
        "2026-11-01T01:30:00.000-06:00",
        "2026-11-01T23:30:00.000-06:00",
    ]
    assert report.period_end - report.period_start == timedelta(hours=25)


def test_a_day_with_nothing_aired_says_so() -> None:
    ledger = Ledger()
    ledger.aired(local("2026-03-10 12:00"), "Another day")
    report = as_run_log(ledger.entries, day_period("2026-03-09", CHICAGO, NOW), station=STATION)
    assert report.rows == []
    assert report.notes == [
        "nothing aired between 2026-03-09 00:00 CDT and 2026-03-10 00:00 CDT (America/Chicago)"
    ]
    assert report.totals["airings"] == 0


def test_other_kinds_of_entries_are_not_airings() -> None:
    ledger = Ledger()
    ledger.segment(local("2026-03-09 09:58"), "seg-1", "KXYZ, Springfield.")
    ledger.aired(local("2026-03-09 10:00"), "Song")
    report = as_run_log(ledger.entries, day_period("2026-03-09", CHICAGO, NOW), station=STATION)
    assert [r["seq"] for r in report.rows] == [2]
