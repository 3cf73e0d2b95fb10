"""A compliance report as the reports build it, and its CSV and JSON writings.

A warning (a report built on a ledger that did not verify, plays without a
listener count, a recording a royalty collector cannot identify) is part of
the report, never only a log line: a file handed to a regulator or a royalty
collector must carry it. JSON has a ``warnings`` field ahead of the rows; CSV
has no place for it, so the file starts with one ``# WARNING: ...`` line per
warning, then ``# NOTE: ...`` lines, then the header and the rows. A CSV
without warnings or notes is exactly a header and rows, ready to import. Totals
are written in JSON only (the CSV rows add up to them).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from onair.compliance.records import AiredPlay
from onair.compliance.reports.period import Period, utc_clock
from onair.domain.csv_cells import safe_cell
from onair.domain.ledger import EntryKind, LedgerEntry

__all__ = ["Report", "aired_plays", "listeners_warning", "to_csv", "to_json"]


@dataclass
class Report:
    """One report: its rows in order, what they add up to, and what the reader must know.

    ``period_start`` and ``period_end`` are UTC instants (``[start, end)``);
    ``period_description`` names the period on the station's clock. Row values
    are plain JSON values (text, numbers, booleans, None, lists of text).
    """

    name: str
    station: str
    period_start: datetime
    period_end: datetime
    period_description: str
    generated_at: datetime
    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    totals: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # A file a royalty collector takes as it is carries every cell exactly as recorded.
    exact_cells: bool = False

    @classmethod
    def of(
        cls, name: str, station: str, period: Period, columns: Sequence[str],
        rows: list[dict[str, Any]], *, totals: dict[str, Any], warnings: Iterable[str],
        nothing: str = "nothing aired", exact_cells: bool = False,
    ) -> Report:  # fmt: skip
        """A report over ``period``; its notes say when it has no rows or the period is open.

        ``nothing`` is what an empty report says ("no music aired"), followed by
        the period on the station's clock.
        """
        notes = []
        if not rows:
            notes.append(f"{nothing} between {period.local_short(period.start)} and "
                         f"{period.local_short(period.end)} ({period.zone.key})")  # fmt: skip
        if not period.ended:
            notes.append("the period has not ended: this covers what aired up to "
                         f"{period.local_short(period.asked_at)}")  # fmt: skip
        return cls(name, station, period.start, period.end, period.description, period.asked_at,
                   list(columns), rows, totals, list(dict.fromkeys(warnings)), notes,
                   exact_cells)  # fmt: skip


def aired_plays(entries: Iterable[LedgerEntry], period: Period) -> list[AiredPlay]:
    """The aired entries that started in ``period``, in air order (start, then seq)."""
    plays = [AiredPlay.from_entry(e) for e in entries if e.kind is EntryKind.AIRED]
    return sorted((p for p in plays if p.actual_start in period),
                  key=lambda p: (p.actual_start, p.seq))  # fmt: skip


def listeners_warning(plays: Sequence[AiredPlay], period: Period) -> list[str]:
    """The warning for plays without a listener count (each counted as 0 performances)."""
    unknown = [p for p in plays if p.listeners is None]
    if not unknown:
        return []
    first = unknown[0]
    return [
        f"{len(unknown)} of {len(plays)} plays have no listener count and count 0 "
        f"performances (the first: {first.artist or 'unknown artist'} - {first.title} at "
        f"{period.local_short(first.actual_start)}, ledger entry {first.seq})"
    ]


def to_json(report: Report) -> str:
    """The report as one JSON document (UTF-8 text, two-space indent, warnings near the top)."""
    document = {
        "report": report.name,
        "station": report.station,
        "period": {
            "start": utc_clock(report.period_start),
            "end": utc_clock(report.period_end),
            "description": report.period_description,
        },
        "generated_at": utc_clock(report.generated_at),
        "warnings": report.warnings,
        "notes": report.notes,
        "columns": report.columns,
        "rows": [{c: row.get(c) for c in report.columns} for row in report.rows],
        "totals": report.totals,
    }
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def to_csv(report: Report) -> str:
    """The report as CSV: ``# WARNING:`` and ``# NOTE:`` lines, then the header and rows.

    Empty cells are unknown values; booleans are ``yes``/``no``; lists are
    joined with ``; ``. Text a spreadsheet would run as a formula starts with a
    single quote (:mod:`onair.domain.csv_cells`), except in a report with
    ``exact_cells``, which a royalty collector takes as it is.
    """
    out = io.StringIO()
    for warning in report.warnings:
        out.write(f"# WARNING: {_one_line(warning)}\r\n")
    for note in report.notes:
        out.write(f"# NOTE: {_one_line(note)}\r\n")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(report.columns)
    for row in report.rows:
        cells = [_cell(row.get(c)) for c in report.columns]
        writer.writerow(cells if report.exact_cells else [safe_cell(c) for c in cells])
    return out.getvalue()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return "; ".join(_cell(v) for v in value)
    return str(value)
