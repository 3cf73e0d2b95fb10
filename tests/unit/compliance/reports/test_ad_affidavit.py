"""The affidavit of aired spots: by advertiser, each spot whole or cut, on both clocks."""

from __future__ import annotations

import json
from datetime import timedelta

from onair.compliance.reports import Report, ad_affidavit, days_period, to_json
from onair.domain.playout import EndedBy
from onair.domain.programming import ItemKind

from .ledger import CHICAGO, NOW, STATION, Ledger, local

SPOT = ItemKind.SPOT


def _day(ledger: Ledger) -> Report:
    period = days_period("2026-11-01", "2026-11-01", CHICAGO, NOW)
    return ad_affidavit(ledger.entries, period, station=STATION)


def test_each_spot_is_listed_by_advertiser_whole_or_cut() -> None:
    ledger = Ledger()
    first = local("2026-11-01 01:20")
    ledger.aired(first, "Acme 30", "Acme Hardware", kind=SPOT, duration_s=30,
                 scheduled=first - timedelta(seconds=2), asset_id="spot-acme",
                 ended_by=EndedBy.NATURAL, tags={"label": "Acme Corp"})  # fmt: skip
    ledger.aired(first.replace(fold=1), "Zed 60", None, kind=SPOT, duration_s=41.5,
                 ended_by=EndedBy.SKIP, tags={"label": "Zed Motors"})  # fmt: skip
    ledger.aired(local("2026-11-01 18:00"), "Acme 30", "Acme Hardware", kind=SPOT,
                 duration_s=22, ended_by=EndedBy.FADE_EARLY, asset_id="spot-acme")  # fmt: skip
    ledger.aired(local("2026-11-01 18:01"), "Mystery", kind=SPOT, duration_s=15,
                 ended_by=EndedBy.CROSSFADE)  # fmt: skip
    ledger.aired(local("2026-11-01 18:02"), "A song", "Nina")
    report = _day(ledger)
    assert [(r["advertiser"], r["ran"]) for r in report.rows] == [
        ("Acme Hardware", "whole"), ("Acme Hardware", "cut"), ("unknown", "whole"),
        ("Zed Motors", "cut"),
    ]  # fmt: skip
    acme = report.rows[0]
    assert acme["asset_id"] == "spot-acme"
    assert acme["scheduled_local"] == "2026-11-01T01:19:58.000-05:00"
    assert acme["difference_s"] == 2.0
    assert acme["aired_s"] == 30.0
    zed = report.rows[3]
    assert zed["actual_local"] == "2026-11-01T01:20:00.000-06:00"  # the second 01:20
    assert zed["ended_by"] == "skip"
    assert report.totals == {
        "spots": 4, "ran_whole": 2, "cut": 2, "seconds_aired": 108.5,
        "by_advertiser": {"Acme Hardware": 2, "Zed Motors": 1, "unknown": 1},
    }  # fmt: skip
    assert report.notes == ["1 spots have no advertiser: tag the spot's artist or label in the "
                            "library"]  # fmt: skip


def test_a_day_without_spots_says_so_in_its_json() -> None:
    document = json.loads(to_json(_day(Ledger())))
    assert document["rows"] == []
    assert document["notes"] == [
        "no spot aired between 2026-11-01 00:00 CDT and 2026-11-02 00:00 CST (America/Chicago)"
    ]
