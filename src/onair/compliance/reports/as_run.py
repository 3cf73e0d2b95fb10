"""The as-run log: every airing of a station day, in air order, as the ledger holds it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from onair.compliance.records import AiredPlay
from onair.compliance.reports.period import Period, utc_clock
from onair.compliance.reports.report import Report, aired_plays
from onair.domain.ledger import LedgerEntry

__all__ = ["AS_RUN_COLUMNS", "as_run_log"]

AS_RUN_COLUMNS = [
    "seq", "play_id", "scheduled_local", "scheduled_utc", "actual_local", "actual_utc",
    "difference_s", "duration_s", "kind", "category", "artist", "title", "isrc", "ended_by",
    "substitution_reason", "adjustments", "listeners",
]  # fmt: skip


def as_run_log(
    entries: Iterable[LedgerEntry], period: Period, *, station: str, warnings: Sequence[str] = ()
) -> Report:
    """The as-run log of ``period`` (a station day from ``day_period``): one row per airing.

    An airing belongs to the period its actual start falls in. ``difference_s``
    is actual minus scheduled start (positive: late), empty for an airing the
    schedule did not plan (an insert, fill, a fallback). ``listeners`` is the
    most listeners at once during the airing, empty when it was not counted.
    ``warnings`` (e.g. the ledger did not verify) are carried into the report.
    """
    plays = aired_plays(entries, period)
    rows = [_row(play, period) for play in plays]
    differences = [abs(r["difference_s"]) for r in rows if r["difference_s"] is not None]
    totals = {
        "airings": len(rows),
        "seconds_aired": round(sum(p.duration_s for p in plays), 3),
        "by_kind": dict(sorted(Counter(p.kind for p in plays).items())),
        "unscheduled": sum(p.scheduled_start is None for p in plays),
        "substitutions": sum(bool(p.substitution_reason) for p in plays),
        "largest_difference_s": max(differences, default=None),
    }
    return Report.of("as_run", station, period, AS_RUN_COLUMNS, rows, totals=totals,
                     warnings=warnings)  # fmt: skip


def _row(play: AiredPlay, period: Period) -> dict[str, Any]:
    scheduled = play.scheduled_start
    difference = (play.actual_start - scheduled).total_seconds() if scheduled else None
    return {
        "seq": play.seq,
        "play_id": play.play_id,
        "scheduled_local": period.local(scheduled) if scheduled else None,
        "scheduled_utc": utc_clock(scheduled) if scheduled else None,
        "actual_local": period.local(play.actual_start),
        "actual_utc": utc_clock(play.actual_start),
        "difference_s": round(difference, 3) if difference is not None else None,
        "duration_s": round(play.duration_s, 3),
        "kind": play.kind,
        "category": play.category,
        "artist": play.artist,
        "title": play.title,
        "isrc": play.isrc,
        "ended_by": play.ended_by,
        "substitution_reason": play.substitution_reason,
        "adjustments": list(play.adjustments),
        "listeners": play.listeners,
    }
