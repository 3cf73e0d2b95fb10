"""The stations this database serves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from onair.storage.db import StorageError
from onair.storage.repositories.dialect_insert import insert_for
from onair.storage.tables import Station

__all__ = ["StationNotFound", "StationRecord", "Stations", "require_station"]


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


def _not_found(station_id: str) -> StationNotFound:
    return StationNotFound(f"no station {station_id!r}: run 'onair db upgrade' first")


def require_station(session: Session, station_id: str) -> None:
    """Raise :class:`StationNotFound` unless the station is registered."""
    if session.get(Station, station_id) is None:
        raise _not_found(station_id)


class Stations:
    """Each call is its own transaction on ``engine``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def ensure(
        self, station_id: str, *, name: str, timezone: str, call_letters: str | None = None
    ) -> StationRecord:
        """Register the station, or update its name, timezone and call letters."""
        details = {"name": name, "timezone": timezone, "call_letters": call_letters}
        with Session(self.engine) as session, session.begin():
            statement = insert_for(session, Station).values(id=station_id, **details)
            session.execute(
                statement.on_conflict_do_update(index_elements=[Station.id], set_=details)
            )
            row = session.get(Station, station_id)
            assert row is not None  # just written in this transaction
            return _record(row)

    def get(self, station_id: str) -> StationRecord:
        """The station, or :class:`StationNotFound`."""
        with Session(self.engine) as session:
            row = session.get(Station, station_id)
            if row is None:
                raise _not_found(station_id)
            return _record(row)

    def all(self) -> list[StationRecord]:
        """Every station, by id."""
        with Session(self.engine) as session:
            return [_record(r) for r in session.scalars(sa.select(Station).order_by(Station.id))]
