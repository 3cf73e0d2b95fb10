"""The legal ID report of a station day: each hour's station ID, its time and its wording.

47 CFR 73.1201(a) asks for a station identification hourly, as close to the top
of the hour as feasible, at a natural break; (b)(1) says what it must say: the
call letters immediately followed by the community of license. onair reads
"as close as feasible" as within a window either side of the top of the hour
(the station's ``legal_id`` rule, 5 minutes unless set), as the scheduler and
``onair station apply`` do.

An ID an agent voiced has its script in the ledger (the agent's output entry,
whose source id is the aired asset id), and its wording is checked again here.
A recorded ID is audio only: its wording is reported as not checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from onair.compliance.records import AiredPlay
from onair.compliance.reports.period import Period, utc_clock
from onair.compliance.reports.report import Report
from onair.domain.ledger import EntryKind, LedgerEntry
from onair.domain.legal_id import legal_id_problem

__all__ = ["LEGAL_ID_COLUMNS", "StationIdentity", "legal_id_report", "legal_id_span"]

LEGAL_ID_COLUMNS = [
    "hour_local", "hour_utc", "result", "aired_local", "aired_utc", "past_hour",
    "within_window", "wording", "script", "title", "seq", "also_aired", "problem",
]  # fmt: skip

_HOUR = timedelta(hours=1)
RECORDED = "recorded: wording not checked"
# Agents write a segment ahead of air; a day back is well before any of them.
_SCRIPTS_AHEAD = timedelta(days=1)


@dataclass(frozen=True)
class StationIdentity:
    """What a legal ID must say: the call letters, then the community of license."""

    call_letters: str
    community: str
    station_name: str  # may stand between them, as may the frequency


@dataclass(frozen=True)
class _Id:
    play: AiredPlay
    offset: timedelta  # from the top of its hour
    within: bool
    wording: str  # "pass", "fail", or why it was not checked
    script: str | None
    problem: str | None  # the wording's

    @property
    def rank(self) -> tuple[bool, bool, bool, timedelta]:
        """Best first: in the window, then a wording that passed, then nearest the top."""
        return (not self.within, self.wording == "fail", self.wording != "pass", abs(self.offset))


def legal_id_span(period: Period) -> tuple[datetime, datetime]:
    """The ``at`` span of the entries the report needs (aired and agent output entries).

    An ID up to half an hour before the first top (or after the last) counts for
    it; an agent's script is written ahead of air, up to a day back is read.
    """
    return period.start - _SCRIPTS_AHEAD, period.end + _HOUR / 2


def legal_id_report(
    entries: Iterable[LedgerEntry], period: Period, *, station: str, identity: StationIdentity,
    window: timedelta = timedelta(minutes=5), warnings: Sequence[str] = (),
) -> Report:  # fmt: skip
    """One row per hour of ``period`` (23 or 25 on a change day) with its station ID.

    Each aired ID counts for the nearest top of the hour. An hour passes when
    an ID aired within ``window`` of its top and said the call letters then the
    community; it is ``unchecked`` when the one in time was recorded audio; it
    fails when no ID aired near it, the nearest was outside the window, or the
    script's wording is wrong. ``entries`` should cover :func:`legal_id_span`.
    """
    entries = list(entries)
    scripts = {e.source_id: e.body for e in entries if e.kind is EntryKind.AGENT_OUTPUT}
    by_item = {b["schedule_item_id"]: b for b in scripts.values() if b.get("schedule_item_id")}
    tops = [t for t in period.hours() if t + window <= period.asked_at]
    heard: dict[datetime, list[_Id]] = {top: [] for top in tops}
    for entry in entries:
        if entry.kind is not EntryKind.AIRED or entry.body.get("kind") != "id":
            continue
        play = AiredPlay.from_entry(entry)
        top = period.start + _HOUR * ((play.actual_start - period.start + _HOUR / 2) // _HOUR)
        if top in heard:
            item = entry.body.get("schedule_item_id")
            segment = scripts.get(play.asset_id or "") or (by_item.get(item) if item else None)
            heard[top].append(_heard(play, top, window, identity, segment))
    rows = [_row(period, top, sorted(heard[top], key=lambda i: i.rank), window) for top in tops]
    results = [r["result"] for r in rows]
    totals = {
        "hours": len(rows), "passed": results.count("pass"), "failed": results.count("fail"),
        "unchecked": results.count("unchecked"), "ids_aired": sum(map(len, heard.values())),
        "window_minutes": window / timedelta(minutes=1),
    }  # fmt: skip
    report = Report.of("legal_id", station, period, LEGAL_ID_COLUMNS, rows, totals=totals,
                       warnings=warnings, nothing="no hour is due")  # fmt: skip
    if rows and not totals["ids_aired"]:
        report.notes.append(f"no station ID aired between {period.local_short(period.start)} "
                            f"and {period.local_short(period.end)}")  # fmt: skip
    if rows and len(tops) < len(period.hours()):
        report.notes.append(f"hours from {period.local_short(tops[-1] + _HOUR)} on are not "
                            "reported: their window has not closed")  # fmt: skip
    return report


def _heard(
    play: AiredPlay, top: datetime, window: timedelta, identity: StationIdentity,
    segment: Mapping[str, Any] | None,
) -> _Id:  # fmt: skip
    offset = play.actual_start - top
    within = abs(offset) <= window
    if segment is None:
        return _Id(play, offset, within, RECORDED, None, None)
    if segment.get("status") != "ready" or segment.get("asset_id") != play.asset_id:
        why = segment.get("reason") or "the agent's ID did not air"
        return _Id(play, offset, within, f"{RECORDED} (stood in for the agent's ID: {why})",
                   None, None)  # fmt: skip
    script = str(segment.get("script") or "")
    problem = legal_id_problem(script, identity.call_letters, identity.community,
                               identity.station_name)  # fmt: skip
    return _Id(play, offset, within, "fail" if problem else "pass", script, problem)


def _row(period: Period, top: datetime, ids: list[_Id], window: timedelta) -> dict[str, Any]:
    row: dict[str, Any] = {"hour_local": period.local(top), "hour_utc": utc_clock(top)}
    if not ids:
        return row | {"result": "fail", "also_aired": [],
                      "problem": "no station ID aired near this hour"}  # fmt: skip
    best = ids[0]
    problems = [] if best.within else [
        f"aired {_past(best.offset)} from the top of the hour, outside the "
        f"{window / timedelta(minutes=1):g}-minute window"
    ]  # fmt: skip
    problems += [best.problem] if best.problem else []
    result = "fail" if problems else ("pass" if best.wording == "pass" else "unchecked")
    return row | {
        "result": result,
        "aired_local": period.local(best.play.actual_start),
        "aired_utc": utc_clock(best.play.actual_start),
        "past_hour": _past(best.offset),
        "within_window": best.within,
        "wording": best.wording,
        "script": best.script,
        "title": best.play.title,
        "seq": best.play.seq,
        "also_aired": [period.local(other.play.actual_start) for other in ids[1:]],
        "problem": "; ".join(problems) or None,
    }


def _past(offset: timedelta) -> str:
    """``+02:05`` after the top of the hour, ``-00:30`` before it (minutes and seconds)."""
    seconds = round(offset.total_seconds())
    minutes, rest = divmod(abs(seconds), 60)
    return f"{'-' if seconds < 0 else '+'}{minutes:02d}:{rest:02d}"
