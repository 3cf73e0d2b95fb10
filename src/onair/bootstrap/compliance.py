"""The compliance role wired: the ledger over the database, archives in the object store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from onair.bootstrap.station import HttpFace, RunningRole, Station, Stops
from onair.bootstrap.stores import Stores, open_stores
from onair.compliance.desk import ComplianceDesk
from onair.compliance.records_desk import RecordsDesk
from onair.compliance.upkeep import LedgerUpkeep
from onair.config import Settings
from onair.domain.programming import StationProgram
from onair.storage.object_store import ObjectStore
from onair.storage.repositories.ledger import SqlLedger
from onair.storage.repositories.library import SqlLibrary

__all__ = ["Compliance", "open_compliance", "records_desk", "start_compliance"]


@dataclass
class Compliance:
    """The ledger and what it needs, for commands that run outside ``serve``."""

    stores: Stores
    zone: ZoneInfo
    program: StationProgram | None  # the station file in force (identity, rules), if any

    @property
    def station(self) -> str:
        return self.stores.station

    @property
    def settings(self) -> Settings:
        return self.stores.settings

    @property
    def ledger(self) -> SqlLedger:
        return self.stores.ledger

    @property
    def archive(self) -> ObjectStore:
        return self.stores.objects

    @property
    def library(self) -> SqlLibrary:
        return self.stores.library

    def upkeep(self) -> LedgerUpkeep:
        """Catch-up and sealing rounds, as ``onair serve`` runs them, for one command."""
        return _upkeep(self.stores, lambda: self.zone)


@contextmanager
def open_compliance(settings: Settings) -> Iterator[Compliance]:
    """The station's ledger in the settings' database and object store."""
    with open_stores(settings, objects=True) as stores:
        program = stores.program()
        yield Compliance(stores, stores.zone(), program)


def records_desk(stores: Stores) -> RecordsDesk:
    """The records the API reads: the ledger with the zone and station file in force at each
    call (a station apply may change either while the process serves)."""
    return RecordsDesk(lambda: Compliance(stores, stores.zone(), stores.program()),
                       stores.ledger, stores.now)  # fmt: skip


async def start_compliance(station: Station, face: HttpFace) -> RunningRole:
    """The compliance role of ``onair serve``: every airing, action and segment into the ledger."""
    # The zone is read each round: a new station file may move the station's zone.
    upkeep = _upkeep(station.stores, station.stores.zone)
    desk = ComplianceDesk(upkeep, station.bus, interval_s=station.settings.compliance_interval_s)
    await desk.start()
    return Stops(desk.stop)


def _upkeep(stores: Stores, zone: Callable[[], ZoneInfo]) -> LedgerUpkeep:
    settings = stores.settings
    return LedgerUpkeep(settings.station, stores.ledger, stores.objects, stores.library, zone,
                        stores.now, aired=stores.as_run, actions=stores.operator_log,
                        retain_days=settings.compliance_retain_days)  # fmt: skip
