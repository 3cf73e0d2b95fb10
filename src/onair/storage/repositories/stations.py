"""The stations this database serves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from onair.storage.db import StorageError
from onair.storage.tables import Station

__all__ = ["StationNotFound", "StationRecord", "Stations"]


class StationNotFound(StorageError, LookupError):
    """No station with that id."""


@dataclass(frozen=True)
class StationRecord:
    id: str
    name: str
    timezone: str
    call_letters: str | None
    created_at: datetime


def _record(row: Station) -> StationRecord:
    return StationRecord(row.id, row.name, row.timezone, row.call_letters, row.created_at)


class Stations:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def ensure(
        self, station_id: str, *, name: str, timezone: str, call_letters: str | None = None
    ) -> StationRecord:
        """Register the station, or update its name, timezone and call letters."""
        with sa.orm.Session(self.engine) as session, session.begin():
            row = session.get(Station, station_id)
            if row is None:
                row = Station(id=station_id, name=name, timezone=timezone)
                session.add(row)
            row.name, row.timezone, row.call_letters = name, timezone, call_letters
            session.flush()
            return _record(row)

    def get(self, station_id: str) -> StationRecord:
        with sa.orm.Session(self.engine) as session:
            row = session.get(Station, station_id)
            if row is None:
                raise StationNotFound(f"no station {station_id!r}: run 'onair db upgrade' first")
            return _record(row)

    def all(self) -> list[StationRecord]:
        with sa.orm.Session(self.engine) as session:
            return [_record(r) for r in session.scalars(sa.select(Station).order_by(Station.id))]
