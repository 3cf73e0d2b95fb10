"""The music licensing report: plays per work with its composer, publisher and performances."""

from __future__ import annotations

from onair.compliance.reports import Report, days_period, licensing_report
from onair.domain.playout import EndedBy
from onair.domain.programming import ItemKind

from .ledger import CHICAGO, NOW, STATION, Ledger, local

FEVER = {"isrc": "USAT20001234", "composer": "Eddie Cooley; Otis Blackwell",
         "publisher": "Fort Knox Music"}  # fmt: skip


def _week(ledger: Ledger) -> Report:
    period = days_period("2026-03-02", "2026-03-08", CHICAGO, NOW)
    return licensing_report(ledger.entries, period, station=STATION)


def test_each_work_is_a_row_with_its_plays_seconds_and_performances() -> None:
    ledger = Ledger()
    ledger.aired(local("2026-03-02 08:00"), "Fever", "Peggy Lee", duration_s=190.5, listeners=20,
                 tags=FEVER)  # fmt: skip
    ledger.aired(local("2026-03-05 17:00"), "Fever", "Peggy Lee", duration_s=150.25,
                 listeners=35, ended_by=EndedBy.FADE_EARLY, tags=FEVER)  # fmt: skip
    ledger.aired(local("2026-03-06 09:00"), "Autumn Leaves", "Cannonball Adderley",
                 duration_s=600, listeners=4, tags={"composer": "Joseph Kosma"})  # fmt: skip
    ledger.aired(local("2026-03-06 09:10"), "Spot", "Acme", kind=ItemKind.SPOT)
    report = _week(ledger)
    assert [(r["title"], r["plays"]) for r in report.rows] == [("Autumn Leaves", 1), ("Fever", 2)]
    leaves, fever = report.rows
    assert fever["composer"] == "Eddie Cooley; Otis Blackwell"
    assert fever["publisher"] == "Fort Knox Music"
    assert fever["isrc"] == "USAT20001234"
    assert fever["seconds_aired"] == 340.75  # as aired, the early fade included
    assert fever["performances"] == 55
    assert fever["first_aired_local"] == "2026-03-02T08:00:00.000-06:00"
    assert fever["last_aired_local"] == "2026-03-05T17:00:00.000-06:00"
    assert leaves["publisher"] is None
    assert report.totals == {
        "works": 2, "plays": 3, "seconds_aired": 940.75, "performances": 59,
        "works_without_composer": 0, "works_without_publisher": 1,
    }  # fmt: skip
    assert report.notes == [
        "1 of 2 works lack a composer or a publisher in the library's tags as they aired"
    ]


def test_without_an_isrc_a_radio_edit_is_the_same_work_and_unknown_listeners_warn() -> None:
    ledger = Ledger()
    ledger.aired(local("2026-03-03 10:00"), "Song (Radio Edit)", "Nina", listeners=None)
    ledger.aired(local("2026-03-04 10:00"), "Song", "NINA", listeners=3)
    report = _week(ledger)
    assert len(report.rows) == 1
    assert report.rows[0]["plays"] == 2
    assert report.rows[0]["performances"] == 3
    assert report.warnings[0].startswith("1 of 2 plays have no listener count")


def test_a_week_without_music_says_so() -> None:
    report = _week(Ledger())
    assert report.notes == [
        "no music aired between 2026-03-02 00:00 CST and 2026-03-09 00:00 CDT (America/Chicago)"
    ]
