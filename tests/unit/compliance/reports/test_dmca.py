"""The DMCA performance complement (17 U.S.C. 114(j)(13)) of what aired: every breach, by play."""

from __future__ import annotations

from datetime import datetime, timedelta

from onair.compliance.reports import Report, days_period, dmca_report, dmca_span
from onair.domain.programming import ItemKind
from onair.domain.rules import DmcaComplement

from .ledger import CHICAGO, NOW, STATION, Ledger, local

T0 = local("2026-03-09 12:00")


def _at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _check(ledger: Ledger, rule: DmcaComplement | None = None, day: str = "2026-03-09") -> Report:
    period = days_period(day, day, CHICAGO, NOW)
    return dmca_report(ledger.entries, period, station=STATION, rule=rule)


def test_a_fifth_song_by_one_artist_within_three_hours_is_named() -> None:
    ledger = Ledger()
    for n, artist in enumerate(["Nina Simone", "Nina Simone", "Otis Redding"] * 2):
        ledger.aired(_at(n * 20), f"Song {n}", artist)
    ledger.aired(_at(100), "Song 5", "Nina Simone")
    report = _check(ledger)
    assert [(r["title"], r["limit"], r["count"], r["allowed"]) for r in report.rows] == [
        ("Song 5", "artist_total", 5, 4)
    ]
    row = report.rows[0]
    assert row["breach"] == "5th by Nina Simone within 3 h (at most 4)"
    assert row["seq"] == 7
    assert row["actual_local"] == "2026-03-09T13:40:00.000-05:00"
    assert report.totals["music_plays"] == 7
    assert report.totals["plays_in_breach"] == 1


def test_rows_of_one_album_and_one_artist_are_named_once_per_limit() -> None:
    ledger = Ledger()
    blues, by = {"album": "Pastel Blues"}, {"album_artist": "Nina Simone"}
    ledger.aired(_at(0), "Be My Husband", "Nina Simone", tags=blues, body=by)
    ledger.aired(_at(4), "Nobody", "Nina Simone", tags={"album": "Pastel Blues (Remastered)"},
                 body=by)  # fmt: skip
    ledger.aired(_at(8), "Sinnerman", "Nina Simone", tags=blues, body=by)
    ledger.aired(_at(12), "Trouble", "Nina Simone", tags={"album": "Other"})
    report = _check(ledger)
    assert [(r["title"], r["breach"]) for r in report.rows] == [
        ("Sinnerman", "3rd from Pastel Blues in a row (at most 2)"),
        ("Trouble", "4th by Nina Simone in a row (at most 3)"),
    ]
    assert report.totals["by_limit"] == {"album_in_row": 1, "artist_in_row": 1}


def test_the_window_before_the_period_counts_against_its_first_songs() -> None:
    ledger = Ledger()
    for n in range(4):
        ledger.aired(local("2026-03-08 22:00") + timedelta(minutes=n * 30), f"S{n}", "Nina")
        ledger.aired(local("2026-03-08 22:10") + timedelta(minutes=n * 30), f"O{n}", "Otis")
    ledger.aired(local("2026-03-09 00:20"), "After midnight", "Nina")
    period = days_period("2026-03-09", "2026-03-09", CHICAGO, NOW)
    assert dmca_span(period)[0] == period.start - timedelta(hours=3)
    report = _check(ledger)
    assert [r["title"] for r in report.rows] == ["After midnight"]
    assert report.totals["music_plays"] == 1


def test_a_featured_artist_counts_and_other_kinds_neither_count_nor_break_a_row() -> None:
    ledger = Ledger()
    ledger.aired(_at(0), "Duet", "Nina Simone & Otis Redding",
                 tags={"artists": ("Nina Simone", "Otis Redding")})  # fmt: skip
    ledger.aired(_at(4), "ID", kind=ItemKind.ID)
    ledger.aired(_at(5), "Solo", "Otis Redding")
    ledger.aired(_at(9), "Spot", "Acme", kind=ItemKind.SPOT)
    ledger.aired(_at(10), "Again", "OTIS REDDING")
    report = _check(ledger, DmcaComplement(artist_in_row=2))
    # Named as the play that broke the row credits him.
    assert [r["breach"] for r in report.rows] == ["3rd by OTIS REDDING in a row (at most 2)"]
    assert report.rows[0]["title"] == "Again"


def test_the_stations_own_limits_apply() -> None:
    ledger = Ledger()
    ledger.aired(_at(0), "One", "Nina")
    ledger.aired(_at(5), "Two", "Otis")
    ledger.aired(_at(10), "Three", "Nina")
    assert _check(ledger).rows == []
    report = _check(ledger, DmcaComplement(window_hours=1, artist_max=1, artist_in_row=1))
    assert [r["breach"] for r in report.rows] == ["2nd by Nina within 1 h (at most 1)"]


def test_an_album_is_told_apart_by_its_album_artist() -> None:
    ledger = Ledger()
    for n, artist in enumerate(["Nina", "Otis", "Ray"]):
        ledger.aired(_at(n * 4), f"Hit {n}", artist, tags={"album": "Greatest Hits"},
                     body={"album_artist": artist})  # fmt: skip
    assert _check(ledger).rows == []


def test_without_an_album_artist_a_track_counts_with_every_album_of_its_title() -> None:
    ledger = Ledger()
    for n, artist in enumerate(["Nina", "Otis", "Ray"]):
        ledger.aired(_at(n * 4), f"Hit {n}", artist, tags={"album": "Greatest Hits"},
                     body={"album_artist": artist if n != 1 else None})  # fmt: skip
    # Otis's may be Nina's album and Ray's: the cautious reading counts it with both.
    assert [r["breach"] for r in _check(ledger).rows] == []
    ledger.aired(_at(12), "Hit 3", "Ray", tags={"album": "Greatest Hits"},
                 body={"album_artist": "Ray"})  # fmt: skip
    assert [r["breach"] for r in _check(ledger).rows] == [
        "3rd from Greatest Hits in a row (at most 2); counted as one album: same album title,"
        " album artist missing on one"
    ]


def test_a_compilation_is_one_album_when_the_ledger_holds_its_album_artist() -> None:
    ledger = Ledger()
    for n, artist in enumerate(["Nina", "Otis", "Ray", "Sam"]):
        ledger.aired(_at(n * 10), f"Hit {n}", artist, tags={"album": "Soul Gold"},
                     body={"album_artist": "Various Artists"})  # fmt: skip
    assert [r["breach"] for r in _check(ledger).rows] == [
        "3rd from Soul Gold in a row (at most 2)",
        "4th from Soul Gold within 3 h (at most 3)",
        "4th from Soul Gold in a row (at most 2)",
    ]


def test_a_day_that_kept_the_complement_says_so_and_an_empty_one_too() -> None:
    ledger = Ledger()
    ledger.aired(_at(0), "One", "Nina")
    assert _check(ledger).notes == [
        "no breach of the complement by the music that aired between 2026-03-09 00:00 CDT and "
        "2026-03-10 00:00 CDT (America/Chicago)"
    ]
    assert _check(ledger, day="2026-03-10").notes[0].startswith("no music aired between")
