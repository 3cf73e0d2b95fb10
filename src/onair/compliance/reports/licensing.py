"""The music licensing report: each work that aired, how often, for how long, to how many.

For the performing rights organizations a station licenses musical works from:
one row per recording (its ISRC, or without one its title, artist and
composer), with the composer and publisher the library had when it aired.
Only music counts; performances are summed from each play's listeners, as in
the SoundExchange report (a play without a count adds 0, and the report warns).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from onair.compliance.records import AiredPlay
from onair.compliance.reports.period import Period
from onair.compliance.reports.report import Report, aired_plays, listeners_warning
from onair.domain.ledger import LedgerEntry
from onair.domain.library import artist_key, title_key

__all__ = ["LICENSING_COLUMNS", "licensing_report"]

LICENSING_COLUMNS = [
    "title", "artist", "composer", "publisher", "isrc", "plays", "seconds_aired",
    "performances", "first_aired_local", "last_aired_local",
]  # fmt: skip


def licensing_report(
    entries: Iterable[LedgerEntry], period: Period, *, station: str, warnings: Sequence[str] = ()
) -> Report:
    """Plays per work of the music that aired in ``period``, by title then artist."""
    plays = [p for p in aired_plays(entries, period) if p.kind == "music"]
    works: dict[tuple[str, ...], list[AiredPlay]] = {}
    for play in plays:
        works.setdefault(_work(play), []).append(play)
    rows = sorted((_row(period, group) for group in works.values()), key=_by_title)
    totals = {
        "works": len(rows),
        "plays": len(plays),
        "seconds_aired": round(sum(p.duration_s for p in plays), 3),
        "performances": sum(r["performances"] for r in rows),
        "works_without_composer": sum(not r["composer"] for r in rows),
        "works_without_publisher": sum(not r["publisher"] for r in rows),
    }
    report = Report.of("licensing", station, period, LICENSING_COLUMNS, rows, totals=totals,
                       warnings=[*warnings, *listeners_warning(plays, period)],
                       nothing="no music aired", exact_cells=True)  # fmt: skip
    unknown = max(totals["works_without_composer"], totals["works_without_publisher"])
    if unknown:
        report.notes.append(f"{unknown} of {len(rows)} works lack a composer or a publisher in "
                            "the library's tags as they aired")  # fmt: skip
    return report


def _by_title(row: dict[str, Any]) -> tuple[str, str]:
    return (row["title"].casefold(), (row["artist"] or "").casefold())


def _work(play: AiredPlay) -> tuple[str, ...]:
    if play.isrc:
        return ("isrc", play.isrc.replace("-", "").replace(" ", "").upper())
    composer = " ".join((play.composer or "").casefold().split())
    return ("tags", title_key(play.title), artist_key(play.artist or ""), composer)


def _row(period: Period, plays: list[AiredPlay]) -> dict[str, Any]:
    first, last = plays[0], plays[-1]
    return {
        "title": first.title,
        "artist": first.artist,
        "composer": next((p.composer for p in plays if p.composer), None),
        "publisher": next((p.publisher for p in plays if p.publisher), None),
        "isrc": first.isrc,
        "plays": len(plays),
        "seconds_aired": round(sum(p.duration_s for p in plays), 3),
        "performances": sum(p.listeners or 0 for p in plays),
        "first_aired_local": period.local(first.actual_start),
        "last_aired_local": period.local(last.actual_start),
    }
