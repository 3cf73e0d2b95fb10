"""The affidavit of aired spots: what each advertiser's spots did on air, and when.

One row per spot that aired (an as-run item of kind ``spot``), grouped by
advertiser in air order: its scheduled and actual time, how long it aired, and
whether it ran whole (it ended naturally or crossfaded at its end) or was cut
(skipped, faded early for a hard item, or dropped by a failover), which an
advertiser may be owed a make-good for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from onair.compliance.records import AiredPlay
from onair.compliance.reports.period import Period, utc_clock
from onair.compliance.reports.report import Report, aired_plays
from onair.domain.ledger import LedgerEntry

__all__ = ["AD_AFFIDAVIT_COLUMNS", "ad_affidavit"]

AD_AFFIDAVIT_COLUMNS = [
    "advertiser", "title", "asset_id", "scheduled_local", "actual_local", "actual_utc",
    "difference_s", "aired_s", "ran", "ended_by", "substitution_reason", "seq",
]  # fmt: skip

UNKNOWN = "unknown"
_WHOLE = frozenset({"natural", "crossfade"})


def ad_affidavit(
    entries: Iterable[LedgerEntry], period: Period, *, station: str, warnings: Sequence[str] = ()
) -> Report:
    """The spots that aired in ``period``, by advertiser then air time.

    The advertiser is the spot asset's artist tag, else its label, else ``unknown``.
    """
    spots = [p for p in aired_plays(entries, period) if p.kind == "spot"]
    rows = sorted((_row(period, spot) for spot in spots),
                  key=lambda r: (r["advertiser"].casefold(), r["actual_utc"]))  # fmt: skip
    ran = Counter(r["ran"] for r in rows)
    totals = {
        "spots": len(rows),
        "ran_whole": ran["whole"],
        "cut": ran["cut"],
        "seconds_aired": round(sum(s.duration_s for s in spots), 3),
        "by_advertiser": dict(sorted(Counter(r["advertiser"] for r in rows).items())),
    }
    report = Report.of("ad_affidavit", station, period, AD_AFFIDAVIT_COLUMNS, rows, totals=totals,
                       warnings=warnings, nothing="no spot aired")  # fmt: skip
    unknown = sum(r["advertiser"] == UNKNOWN for r in rows)
    if unknown:
        report.notes.append(f"{unknown} spots have no advertiser: tag the spot's artist or "
                            "label in the library")  # fmt: skip
    return report


def _row(period: Period, spot: AiredPlay) -> dict[str, Any]:
    scheduled = spot.scheduled_start
    difference = (spot.actual_start - scheduled).total_seconds() if scheduled else None
    return {
        "advertiser": spot.artist or spot.label or UNKNOWN,
        "title": spot.title,
        "asset_id": spot.asset_id,
        "scheduled_local": period.local(scheduled) if scheduled else None,
        "actual_local": period.local(spot.actual_start),
        "actual_utc": utc_clock(spot.actual_start),
        "difference_s": round(difference, 3) if difference is not None else None,
        "aired_s": round(spot.duration_s, 3),
        "ran": "whole" if spot.ended_by in _WHOLE else "cut",
        "ended_by": spot.ended_by,
        "substitution_reason": spot.substitution_reason,
        "seq": spot.seq,
    }
