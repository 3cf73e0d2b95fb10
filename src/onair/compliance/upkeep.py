"""The ledger's upkeep without a bus: catch up from playout's tables, seal finished days.

The compliance desk runs it every round; ``onair audit`` runs it once by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ulid import ULID

from onair.compliance.audit import verify
from onair.compliance.intake import action_from_log, aired_with_tags
from onair.compliance.ports import ActionLog, AiredLog, Archive, AssetCatalog, LedgerStore
from onair.compliance.records import check_draft
from onair.compliance.sealing import seal_due
from onair.domain.ledger import DaySeal, EntryDraft, LedgerEntry
from onair.observability import get_logger

__all__ = ["CATCH_UP", "GRACE", "LedgerUpkeep"]

log = get_logger("onair.compliance")

CATCH_UP = timedelta(hours=48)  # how far back playout's tables are read again
GRACE = timedelta(minutes=5)  # events get this long to arrive before the tables are used


@dataclass
class LedgerUpkeep:
    """The ledger's rounds, without a bus: catch up from playout's tables, seal finished days."""

    station: str
    ledger: LedgerStore
    archive: Archive
    catalog: AssetCatalog
    zone: Callable[[], ZoneInfo]
    now: Callable[[], datetime]
    aired: AiredLog | None = None
    actions: ActionLog | None = None
    retain_days: int = 2557

    def catch_up(self) -> list[LedgerEntry]:
        """Append what playout recorded but the ledger has not (older than :data:`GRACE`)."""
        until = self.now() - GRACE
        since = until - CATCH_UP
        drafts: list[EntryDraft] = []
        if self.aired is not None:
            drafts += [aired_with_tags(e, self.catalog)
                       for e in self.aired.between(self.station, since, until)]  # fmt: skip
        if self.actions is not None:
            drafts += [action_from_log(a) for a in self.actions.between(self.station, since, until)]
        made = self.ledger.append_many(drafts) if drafts else []
        if made:
            log.warning("ledger_caught_up", entries=len(made), why="events not received in time")
        return made

    def seal(self) -> list[DaySeal]:
        """Seal every finished day, verify each and record the check in the ledger."""
        zone = self.zone()
        seals = seal_due(self.ledger, self.archive, self.station, zone, now=self.now(),
                         retain_days=self.retain_days)  # fmt: skip
        for seal in seals:
            audit = verify(self.ledger, self.archive, self.station, zone, first_day=seal.day,
                           last_day=seal.day)  # fmt: skip
            detail = {**audit.summary(), "day": seal.day}
            self.ledger.append(check_draft(self.station, str(ULID()), "day_sealed", self.now(),
                                           audit.ok, detail))  # fmt: skip
            log.info("ledger_day_sealed", day=seal.day.isoformat(), entries=seal.count,
                     verified=audit.ok, problem=audit.problem)  # fmt: skip
        return seals
