"""SoundExchange's report of use: music only, performances from each play's listeners."""

from __future__ import annotations

import csv
import io

from onair.compliance.reports import Report, month_period, soundexchange_report, to_csv
from onair.domain.programming import ItemKind

from .ledger import CHICAGO, NOW, STATION, Ledger, local

SERVICE = "KXYZ Springfield"
TRUTH = {"isrc": "US-RC1-76-07839", "album": "Pastel Blues", "label": "Philips"}
HEAT = {"album": "Heat", "label": "Indie"}


def _month(
    ledger: Ledger, *, per_play: bool = False, category: str = "A", warnings: tuple[str, ...] = ()
) -> Report:
    period = month_period("2026-03", CHICAGO, NOW)
    return soundexchange_report(ledger.entries, period, station=STATION, service_name=SERVICE,
                                transmission_category=category, per_play=per_play,
                                warnings=warnings)  # fmt: skip


def _march() -> Ledger:
    ledger = Ledger()
    ledger.aired(local("2026-02-28 23:58"), "Sinnerman", "Nina Simone", listeners=99, tags=TRUTH)
    ledger.aired(local("2026-03-01 00:01"), "Sinnerman", "Nina Simone", listeners=12, tags=TRUTH)
    ledger.aired(local("2026-03-01 00:05"), "Legal ID", kind=ItemKind.ID, listeners=12)
    ledger.aired(local("2026-03-08 03:10"), "Fever", "Ray Charles", listeners=7, tags=HEAT)
    ledger.aired(local("2026-03-15 10:00"), "Sinnerman", "Nina Simone", listeners=30,
                 tags={**TRUTH, "isrc": "USRC17607839"})  # fmt: skip
    ledger.aired(local("2026-03-31 23:59"), "Fever", "Ray Charles", listeners=None, tags=HEAT)
    ledger.aired(local("2026-04-01 00:00"), "Fever", "Ray Charles", listeners=50, tags=HEAT)
    return ledger


def test_each_recording_is_one_row_with_its_plays_and_listeners_summed() -> None:
    report = _month(_march())
    assert [(r["FEATURED_ARTIST"], r["SOUND_RECORDING_TITLE"]) for r in report.rows] == [
        ("Nina Simone", "Sinnerman"),
        ("Ray Charles", "Fever"),
    ]
    nina, ray = report.rows
    assert nina["ISRC"] == "USRC17607839"  # both spellings of the code are one recording
    assert nina["ACTUAL_TOTAL_PERFORMANCES"] == 42
    assert nina["PLAY_FREQUENCY"] == 2
    assert nina["NAME_OF_SERVICE"] == SERVICE
    assert nina["TRANSMISSION_CATEGORY"] == "A"
    assert (nina["ALBUM_TITLE"], nina["MARKETING_LABEL"]) == ("Pastel Blues", "Philips")
    assert ray["ISRC"] is None
    assert ray["ACTUAL_TOTAL_PERFORMANCES"] == 7  # the play without a count adds 0
    assert ray["PLAY_FREQUENCY"] == 2
    assert report.totals == {
        "plays": 4, "recordings": 2, "actual_total_performances": 49,
        "plays_without_listeners": 1,
    }  # fmt: skip


def test_a_play_without_a_listener_count_is_flagged_in_the_report() -> None:
    report = _month(_march())
    assert report.warnings == [
        "1 of 4 plays have no listener count and count 0 performances (the first: "
        "Ray Charles - Fever at 2026-03-31 23:59 CDT, ledger entry 6)"
    ]
    assert to_csv(report).startswith("# WARNING: 1 of 4 plays have no listener count")


def test_per_play_rows_follow_air_order_each_with_its_own_performances() -> None:
    report = _month(_march(), per_play=True, category="B")
    assert [r["ACTUAL_TOTAL_PERFORMANCES"] for r in report.rows] == [12, 7, 30, 0]
    assert {r["PLAY_FREQUENCY"] for r in report.rows} == {1}
    assert {r["TRANSMISSION_CATEGORY"] for r in report.rows} == {"B"}


def test_a_recording_without_isrc_album_or_label_is_flagged() -> None:
    ledger = Ledger()
    ledger.aired(local("2026-03-02 12:00"), "Demo", None, tags={"album": "Tape"})
    report = _month(ledger)
    assert report.rows[0]["FEATURED_ARTIST"] is None
    assert report.warnings == [
        "1 plays have no featured artist (the first: unknown artist - Demo at "
        "2026-03-02 12:00 CST, ledger entry 1)",
        "1 plays have neither an ISRC nor an album title with a marketing label, which a "
        "report of use needs (37 CFR 370.4) (the first: unknown artist - Demo at "
        "2026-03-02 12:00 CST, ledger entry 1)",
    ]


def test_a_month_without_music_says_so_and_keeps_the_template_header() -> None:
    ledger = Ledger()
    ledger.aired(local("2026-03-02 12:00"), "Legal ID", kind=ItemKind.ID)
    report = _month(ledger, warnings=("built on an unverified ledger: entry 3 is missing",))
    assert report.rows == []
    assert report.notes == [
        "no music aired between 2026-03-01 00:00 CST and 2026-04-01 00:00 CDT (America/Chicago)"
    ]
    lines = to_csv(report).splitlines()
    assert lines[0] == "# WARNING: built on an unverified ledger: entry 3 is missing"
    assert lines[1].startswith("# NOTE: no music aired")
    header = next(csv.reader(io.StringIO(lines[2])))
    assert header[:4] == [
        "NAME_OF_SERVICE", "TRANSMISSION_CATEGORY", "FEATURED_ARTIST", "SOUND_RECORDING_TITLE",
    ]  # fmt: skip
    assert "ACTUAL_TOTAL_PERFORMANCES" in header
