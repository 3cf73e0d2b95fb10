"""The compliance records as an operator reads them from afar: whether the ledger verifies,
the reports a station files, and who did what (the operator actions), newest first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Protocol

from onair.compliance.audit import Audit, verify
from onair.compliance.report_desk import ReportAsk, ReportSource, build_report
from onair.compliance.reports import Report, ReportPeriodError
from onair.domain.ledger import EntryKind, LedgerEntry

__all__ = ["ActionLedger", "RecordsDesk"]


class ActionLedger(Protocol):
    def latest(
        self, station: str, kind: EntryKind, before_seq: int | None, limit: int
    ) -> list[LedgerEntry]: ...


class RecordsDesk:
    """``source`` gives the ledger with the station's zone and station file as they are now."""

    def __init__(self, source: Callable[[], ReportSource], actions: ActionLedger,
                 now: Callable[[], datetime]) -> None:  # fmt: skip
        self.source = source
        self.actions_ledger = actions
        self.now = now

    def audit(self, first_day: date | None, last_day: date | None) -> Audit:
        """The ledger's chain and seals recomputed over those station days (all if None)."""
        at = self.source()
        try:
            return verify(at.ledger, at.archive, at.station, at.zone, first_day=first_day,
                          last_day=last_day)  # fmt: skip
        except (OverflowError, ValueError):  # a day whose midnight the calendar cannot hold
            days = " to ".join(str(d) for d in (first_day, last_day) if d)
            raise ReportPeriodError(
                f"{days} runs past the calendar: ask for days that have aired"
            ) from None

    def report(self, ask: ReportAsk, *, allow_unverified: bool = False) -> Report:
        return build_report(self.source(), ask, self.now(), allow_unverified=allow_unverified)

    def actions(self, before_seq: int | None, limit: int) -> tuple[list[LedgerEntry], int | None]:
        """Up to ``limit`` operator actions newest first, and the cursor of the next page."""
        station = self.source().station
        found = self.actions_ledger.latest(station, EntryKind.OPERATOR_ACTION, before_seq,
                                           limit + 1)  # fmt: skip
        return found[:limit], found[limit - 1].seq if len(found) > limit else None
