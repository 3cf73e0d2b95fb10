"""The legal ID report (47 CFR 73.1201): each hour's ID, its time past the hour, its wording."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from onair.compliance.reports import (
    Report,
    StationIdentity,
    day_period,
    legal_id_report,
    legal_id_span,
)
from onair.domain.playout import EndedBy
from onair.domain.programming import ItemKind

from .ledger import CHICAGO, NOW, STATION, Ledger, local

KXYZ = StationIdentity("KXYZ", "Springfield, Illinois", "Sunny 101")
GOOD = "You're tuned to KXYZ Springfield, Sunny 101."
WRONG = "Sunny 101, the best music in Springfield. This is KXYZ."


def _voiced(ledger: Ledger, at: datetime, script: str, name: str | None = None) -> None:
    """An ID an agent wrote and voiced, then aired at ``at``."""
    segment_id = name or f"seg-{at:%H%M%S}"
    ledger.segment(at - timedelta(minutes=20), segment_id, script)
    ledger.aired(at, "Station ID (en)", kind=ItemKind.ID, duration_s=6, asset_id=segment_id,
                 ended_by=EndedBy.NATURAL)  # fmt: skip


def _every_hour(ledger: Ledger, day: str, hours: int) -> None:
    for top in day_period(day, CHICAGO, NOW).hours()[:hours]:
        # In UTC: wall-clock arithmetic would put the second 01:00 of a fall-back day on the first.
        _voiced(ledger, top + timedelta(seconds=3), GOOD, name=f"seg-{top:%d%H}")


def _report(ledger: Ledger, day: str, *, now: datetime = NOW, minutes: float = 5) -> Report:
    return legal_id_report(ledger.entries, day_period(day, CHICAGO, now), station=STATION,
                           identity=KXYZ, window=timedelta(minutes=minutes))  # fmt: skip


def test_a_day_with_a_good_id_at_every_top_passes_every_hour() -> None:
    ledger = Ledger()
    _every_hour(ledger, "2026-03-09", 24)
    report = _report(ledger, "2026-03-09")
    assert len(report.rows) == 24
    assert {r["result"] for r in report.rows} == {"pass"}
    ten = report.rows[10]
    assert ten["hour_local"] == "2026-03-09T10:00:00.000-05:00"
    assert ten["past_hour"] == "+00:03"
    assert ten["wording"] == "pass"
    assert ten["script"] == GOOD
    assert ten["within_window"] is True
    assert report.totals["passed"] == 24
    assert report.totals["failed"] == 0


def test_the_spring_forward_day_has_23_hours_and_the_fall_back_day_25() -> None:
    spring, fall = Ledger(), Ledger()
    _every_hour(spring, "2026-03-08", 23)
    _every_hour(fall, "2026-11-01", 25)
    spring_report, fall_report = _report(spring, "2026-03-08"), _report(fall, "2026-11-01")
    assert [r["hour_local"][11:13] for r in spring_report.rows][:4] == ["00", "01", "03", "04"]
    assert len(spring_report.rows) == 23
    assert [r["hour_local"][11:] for r in fall_report.rows][1:3] == [
        "01:00:00.000-05:00", "01:00:00.000-06:00",
    ]  # fmt: skip
    assert len(fall_report.rows) == 25
    assert {r["result"] for r in spring_report.rows + fall_report.rows} == {"pass"}


def test_a_script_without_the_call_letters_before_the_community_fails_its_hour() -> None:
    ledger = Ledger()
    _voiced(ledger, local("2026-03-09 10:00:02"), WRONG)
    row = _report(ledger, "2026-03-09").rows[10]
    assert row["result"] == "fail"
    assert row["wording"] == "fail"
    assert row["within_window"] is True
    assert row["problem"] == (
        "a station ID must say the call letters KXYZ immediately followed by the community "
        "of license Springfield, Illinois (47 CFR 73.1201(b)(1))"
    )


def test_hours_without_an_id_fail_and_a_day_without_any_says_so() -> None:
    report = _report(Ledger(), "2026-03-09")
    assert len(report.rows) == 24
    assert {r["problem"] for r in report.rows} == {"no station ID aired near this hour"}
    assert report.totals["failed"] == 24
    assert report.notes == [
        "no station ID aired between 2026-03-09 00:00 CDT and 2026-03-10 00:00 CDT"
    ]


def test_an_id_just_before_the_top_counts_for_the_coming_hour() -> None:
    ledger = Ledger()
    _voiced(ledger, local("2026-03-09 10:58"), GOOD)
    report = _report(ledger, "2026-03-09")
    assert report.rows[10]["result"] == "fail"
    eleven = report.rows[11]
    assert eleven["result"] == "pass"
    assert eleven["past_hour"] == "-02:00"


def test_an_id_outside_the_window_fails_with_its_time_and_a_wider_window_admits_it() -> None:
    ledger = Ledger()
    _voiced(ledger, local("2026-03-09 10:07:30"), GOOD)
    row = _report(ledger, "2026-03-09").rows[10]
    assert row["result"] == "fail"
    assert row["within_window"] is False
    assert row["problem"] == ("aired +07:30 from the top of the hour, outside the 5-minute window")
    assert _report(ledger, "2026-03-09", minutes=10).rows[10]["result"] == "pass"


def test_a_recorded_id_is_on_time_but_its_wording_is_not_checked() -> None:
    ledger = Ledger()
    ledger.aired(local("2026-03-09 10:00:01"), "KXYZ legal ID 3", kind=ItemKind.ID,
                 asset_id="library-id-3")  # fmt: skip
    ledger.segment(local("2026-03-09 10:40"), "seg-11", "", status="fallback",
                   reason="missed its deadline", stand_in="library-id-4")  # fmt: skip
    ledger.aired(local("2026-03-09 11:00:01"), "KXYZ legal ID 4", kind=ItemKind.ID,
                 asset_id="library-id-4", scheduled=local("2026-03-09 11:00"),
                 item_id="item-seg-11")  # fmt: skip
    rows = _report(ledger, "2026-03-09").rows
    assert rows[10]["result"] == "unchecked"
    assert rows[10]["wording"] == "recorded: wording not checked"
    assert rows[10]["script"] is None
    assert rows[11]["result"] == "unchecked"
    assert rows[11]["wording"] == (
        "recorded: wording not checked (stood in for the agent's ID: missed its deadline)"
    )
    assert rows[11]["problem"] is None
    assert _report(ledger, "2026-03-09").totals["unchecked"] == 2


def test_the_best_of_several_ids_near_an_hour_is_reported_with_the_others_listed() -> None:
    ledger = Ledger()
    _voiced(ledger, local("2026-03-09 09:59:40"), WRONG)
    _voiced(ledger, local("2026-03-09 10:01:00"), GOOD)
    _voiced(ledger, local("2026-03-09 10:20:00"), GOOD)
    row = _report(ledger, "2026-03-09").rows[10]
    assert row["result"] == "pass"
    assert row["past_hour"] == "+01:00"
    assert row["also_aired"] == ["2026-03-09T09:59:40.000-05:00", "2026-03-09T10:20:00.000-05:00"]


def test_a_day_under_way_reports_only_hours_whose_window_has_closed() -> None:
    ledger = Ledger()
    _every_hour(ledger, "2026-03-09", 24)
    now = local("2026-03-09 14:03").astimezone(UTC)
    report = _report(ledger, "2026-03-09", now=now)
    assert len(report.rows) == 14  # 14:00's window closes at 14:05
    assert report.notes[-1] == (
        "hours from 2026-03-09 14:00 CDT on are not reported: their window has not closed"
    )


def test_the_entries_to_read_reach_back_to_scripts_written_ahead_and_past_the_last_top() -> None:
    period = day_period("2026-03-09", CHICAGO, NOW)
    start, end = legal_id_span(period)
    assert start == period.start - timedelta(days=1)
    assert end == period.end + timedelta(minutes=30)
