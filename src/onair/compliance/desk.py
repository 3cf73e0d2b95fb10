"""The compliance service in ``onair serve``: every airing, action and segment into the ledger.

Events arrive on the bus (durable consumers on NATS, so none is lost while the
service is down); each is appended on a worker thread and acknowledged only
once its entry is committed. A failed append raises, so the bus delivers the
event again. Every ``interval_s`` the desk also catches up from playout's own
as-run and operator tables (an event lost to a bus outage is still recorded),
then seals each station day that is over and verifies it, recording the check.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ulid import ULID

from onair.bus.port import EventBus
from onair.compliance.audit import verify
from onair.compliance.intake import RECORDED, action_from_log, aired_with_tags, draft_of
from onair.compliance.ports import ActionLog, AiredLog, Archive, AssetCatalog, LedgerStore
from onair.compliance.records import check_draft
from onair.compliance.sealing import seal_due
from onair.domain.events import Correlation, Envelope, new_envelope
from onair.domain.ledger import DaySeal, EntryDraft, LedgerEntry
from onair.observability import get_logger

__all__ = ["CATCH_UP", "GRACE", "ComplianceDesk", "LedgerKeeper"]

log = get_logger("onair.compliance")

CATCH_UP = timedelta(hours=48)  # how far back playout's tables are read again
GRACE = timedelta(minutes=5)  # events get this long to arrive before the tables are used


@dataclass
class LedgerKeeper:
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


class ComplianceDesk:
    def __init__(self, keeper: LedgerKeeper, bus: EventBus, *, interval_s: float = 60.0) -> None:
        self.keeper, self.bus, self.interval_s = keeper, bus, interval_s
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        for event_type in RECORDED:
            durable = "compliance-" + event_type.replace(".", "-")
            await self.bus.subscribe(event_type, self._record, durable=durable)
        self._task = asyncio.create_task(self._rounds(), name="compliance-rounds")

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def _record(self, event: Envelope) -> None:
        draft = await asyncio.to_thread(draft_of, event, self.keeper.catalog)
        entry = await asyncio.to_thread(self.keeper.ledger.append, draft)
        if entry is not None:
            await self._appended(entry)

    async def _appended(self, entry: LedgerEntry) -> None:
        payload = {"seq": entry.seq, "kind": entry.kind.value, "source_id": entry.source_id,
                   "hash": entry.hash}  # fmt: skip
        correlation = Correlation(**dict(entry.correlation))
        log.info("ledger_appended", seq=entry.seq, kind=entry.kind.value,
                 **correlation.as_log_fields())  # fmt: skip
        await self.bus.publish(new_envelope("compliance.entry_appended", entry.station, payload,
                                            correlation=correlation))  # fmt: skip

    async def _rounds(self) -> None:
        while True:
            try:
                await self.round()
            except Exception as exc:  # the database or store away: try again next round
                log.error("compliance_round_failed", error=str(exc))
            await asyncio.sleep(self.interval_s)

    async def round(self) -> list[DaySeal]:
        """Catch up from playout's tables, then seal and verify each finished day."""
        for entry in await asyncio.to_thread(self.keeper.catch_up):
            await self._appended(entry)
        seals = await asyncio.to_thread(self.keeper.seal)
        for seal in seals:
            await self.bus.publish(new_envelope("compliance.day_sealed", seal.station,
                                                seal.manifest()))  # fmt: skip
        return seals
