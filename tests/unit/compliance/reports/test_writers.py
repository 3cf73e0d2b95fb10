"""CSV and JSON writings of a report: warnings and notes inside the file, values as recorded."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from onair.compliance.reports import (
    Report,
    as_run_log,
    day_period,
    month_period,
    soundexchange_report,
    to_csv,
    to_json,
)
from onair.domain.programming import ItemKind

from .ledger import CHICAGO, STATION, Ledger, local

UNVERIFIED = "built on an unverified ledger: ledger kxyz entry 7: its contents do not match"


def _day_report(now: datetime = datetime(2026, 12, 1, tzinfo=UTC)) -> Report:
    ledger = Ledger()
    ledger.aired(local("2026-03-09 10:00"), 'Say "Hello", Goodbye', "Nina", listeners=None,
                 adjustments=("faded 2.0 s early", "held 0.5 s"))  # fmt: skip
    ledger.aired(local("2026-03-09 10:03:20"), "ID", kind=ItemKind.ID, duration_s=8)
    period = day_period("2026-03-09", CHICAGO, now)
    return as_run_log(ledger.entries, period, station=STATION, warnings=[UNVERIFIED])


def test_csv_starts_with_its_warnings_then_a_header_and_a_row_per_airing() -> None:
    text = to_csv(_day_report())
    lines = text.split("\r\n")
    assert lines[0] == f"# WARNING: {UNVERIFIED}"
    assert lines[1].startswith("seq,play_id,scheduled_local,")
    rows = list(csv.DictReader(io.StringIO("\r\n".join(lines[1:]))))
    assert [r["title"] for r in rows] == ['Say "Hello", Goodbye', "ID"]
    assert rows[0]["listeners"] == ""
    assert rows[1]["listeners"] == "10"
    assert rows[0]["adjustments"] == "faded 2.0 s early; held 0.5 s"
    assert rows[0]["scheduled_utc"] == ""


def test_json_carries_warnings_notes_rows_and_totals() -> None:
    document = json.loads(to_json(_day_report()))
    assert document["report"] == "as_run"
    assert document["station"] == STATION
    assert document["warnings"] == [UNVERIFIED]
    assert document["period"] == {
        "start": "2026-03-09T05:00:00.000Z",
        "end": "2026-03-10T05:00:00.000Z",
        "description": "2026-03-09 in America/Chicago (24 hours)",
    }
    assert document["rows"][0]["listeners"] is None
    assert document["rows"][0]["adjustments"] == ["faded 2.0 s early", "held 0.5 s"]
    assert document["totals"]["airings"] == 2
    assert list(document["rows"][0]) == document["columns"]


def test_an_empty_report_says_so_in_csv_and_json() -> None:
    report = as_run_log([], day_period("2026-03-09", CHICAGO, datetime(2026, 12, 1, tzinfo=UTC)),
                        station=STATION)  # fmt: skip
    lines = to_csv(report).split("\r\n")
    assert lines[0].startswith("# NOTE: nothing aired between 2026-03-09 00:00 CDT")
    assert lines[1].startswith("seq,")
    assert lines[2:] == [""]
    assert json.loads(to_json(report))["notes"][0].startswith("nothing aired between")


def test_a_day_still_under_way_says_it_covers_what_aired_so_far() -> None:
    report = _day_report(now=local("2026-03-09 15:30").astimezone(UTC))
    assert report.notes == [
        "the period has not ended: this covers what aired up to 2026-03-09 15:30 CDT"
    ]
    assert "# NOTE: the period has not ended" in to_csv(report)


FORMULA = '=HYPERLINK("http://x", "play")'


def _formula_ledger() -> Ledger:
    ledger = Ledger()
    ledger.aired(local("2026-03-09 10:00"), FORMULA, "@Nina", listeners=3)
    ledger.aired(local("2026-03-09 10:04"), "-12", "+Plus", listeners=4)
    return ledger


def test_the_as_run_csv_writes_formula_text_as_text_and_the_json_as_recorded() -> None:
    period = day_period("2026-03-09", CHICAGO, datetime(2026, 12, 1, tzinfo=UTC))
    report = as_run_log(_formula_ledger().entries, period, station=STATION)
    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    assert [(r["title"], r["artist"]) for r in rows] == [
        ("'" + FORMULA, "'@Nina"),
        ("-12", "'+Plus"),  # a title that is only a number stays a number
    ]
    assert rows[0]["listeners"] == "3"
    assert [r["title"] for r in json.loads(to_json(report))["rows"]] == [FORMULA, "-12"]


def test_the_soundexchange_csv_carries_titles_exactly_as_recorded() -> None:
    period = month_period("2026-03", CHICAGO, datetime(2026, 12, 1, tzinfo=UTC))
    report = soundexchange_report(_formula_ledger().entries, period, station=STATION,
                                  service_name="KXYZ")  # fmt: skip
    table = [line for line in to_csv(report).splitlines() if not line.startswith("# ")]
    assert FORMULA in {r["SOUND_RECORDING_TITLE"] for r in csv.DictReader(table)}
