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

from onair.bus.port import EventBus
from onair.compliance.intake import RECORDED, draft_of
from onair.compliance.upkeep import LedgerUpkeep
from onair.domain.events import Correlation, Envelope, new_envelope
from onair.domain.ledger import DaySeal, LedgerEntry
from onair.observability import get_logger

__all__ = ["ComplianceDesk"]

log = get_logger("onair.compliance")


class ComplianceDesk:
    def __init__(self, upkeep: LedgerUpkeep, bus: EventBus, *, interval_s: float = 60.0) -> None:
        self.upkeep, self.bus, self.interval_s = upkeep, bus, interval_s
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
        draft = await asyncio.to_thread(draft_of, event, self.upkeep.catalog)
        entry = await asyncio.to_thread(self.upkeep.ledger.append, draft)
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
        for entry in await asyncio.to_thread(self.upkeep.catch_up):
            await self._appended(entry)
        seals = await asyncio.to_thread(self.upkeep.seal)
        for seal in seals:
            await self.bus.publish(new_envelope("compliance.day_sealed", seal.station,
                                                seal.manifest()))  # fmt: skip
        return seals
