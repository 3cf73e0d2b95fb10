"""The compliance role wired: the ledger over the database, archives in the object store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from onair.bootstrap.adapters import Station, _engine, _object_store, _schema_ready
from onair.compliance.desk import ComplianceDesk
from onair.compliance.upkeep import LedgerUpkeep
from onair.config import Settings
from onair.domain.programming import NoProgram, StationProgram
from onair.storage.object_store import ObjectStore
from onair.storage.repositories.as_run import SqlAsRun
from onair.storage.repositories.ledger import SqlLedger
from onair.storage.repositories.library import SqlLibrary
from onair.storage.repositories.playout_state import SqlOperatorLog
from onair.storage.repositories.programs import SqlPrograms

__all__ = ["Compliance", "open_compliance", "start_compliance"]


@dataclass
class Compliance:
    """The ledger and what it needs, for commands that run outside ``serve``."""

    settings: Settings
    engine: Engine
    ledger: SqlLedger
    archive: ObjectStore
    library: SqlLibrary
    zone: ZoneInfo
    program: StationProgram | None  # the station file in force (identity, rules), if any

    @property
    def station(self) -> str:
        return self.settings.station

    def keeper(self) -> LedgerUpkeep:
        """Catch-up and sealing rounds, as ``onair serve`` runs them, for one command."""
        return _keeper(self.settings, self.engine, self.archive, lambda: self.zone)


def _program(engine: Engine, settings: Settings) -> tuple[ZoneInfo, StationProgram | None]:
    try:
        program = SqlPrograms(engine).current(settings.station).program
    except NoProgram:
        return ZoneInfo(settings.timezone), None
    return program.zone, program


@contextmanager
def open_compliance(settings: Settings) -> Iterator[Compliance]:
    """The station's ledger in the settings' database and object store."""
    engine = _engine(settings)
    try:
        _schema_ready(settings)
        objects = _object_store(settings)
        zone, program = _program(engine, settings)
        yield Compliance(settings, engine, SqlLedger(engine), objects, SqlLibrary(engine), zone,
                         program)  # fmt: skip
    finally:
        engine.dispose()


async def start_compliance(station: Station) -> ComplianceDesk:
    """The compliance role of ``onair serve``: every airing, action and segment into the ledger."""
    settings, engine = station.settings, station.engine

    def zone() -> ZoneInfo:  # read each round: a new station file may move the station's zone
        return _program(engine, settings)[0]

    keeper = _keeper(settings, engine, station.objects, zone)
    desk = ComplianceDesk(keeper, station.bus, interval_s=settings.compliance_interval_s)
    await desk.start()
    return desk


def _keeper(
    settings: Settings, engine: Engine, archive: ObjectStore, zone: Callable[[], ZoneInfo]
) -> LedgerUpkeep:
    return LedgerUpkeep(settings.station, SqlLedger(engine), archive, SqlLibrary(engine), zone,
                        lambda: datetime.now(UTC), aired=SqlAsRun(engine),
                        actions=SqlOperatorLog(engine),
                        retain_days=settings.compliance_retain_days)  # fmt: skip
