from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from onair.storage import create_engine_for
from onair.storage.migrate import upgrade
from onair.storage.repositories import DatabaseSeenEvents, StationNotFound, Stations
from onair.storage.tables import Station


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    upgrade(database_url)
    engine = create_engine_for(database_url)
    yield engine
    engine.dispose()


async def test_processed_events_survive_a_new_process(engine: Engine, database_url: str) -> None:
    seen = DatabaseSeenEvents(engine)
    assert not await seen.seen("compliance", "01JD0000000000000000000000")
    await seen.remember("compliance", "01JD0000000000000000000000")
    await seen.remember("compliance", "01JD0000000000000000000000")  # a redelivery
    other = create_engine_for(database_url)
    try:
        again = DatabaseSeenEvents(other)
        assert await again.seen("compliance", "01JD0000000000000000000000")
        assert not await again.seen("playout", "01JD0000000000000000000000")
    finally:
        other.dispose()


def test_instants_come_back_in_utc_with_microseconds(engine: Engine) -> None:
    aired = datetime(2026, 3, 29, 1, 59, 59, 999_999, tzinfo=UTC)
    with sa.orm.Session(engine) as session:
        session.add(Station(id="kxyz", name="KXYZ", timezone="Europe/Berlin", created_at=aired))
        session.commit()
    with sa.orm.Session(engine) as session:
        station = session.get(Station, "kxyz")
        assert station is not None
        assert station.created_at == aired
        assert station.created_at.tzinfo is not None


def test_naive_instants_are_refused(engine: Engine) -> None:
    with sa.orm.Session(engine) as session:
        session.add(Station(id="k", name="K", timezone="UTC", created_at=datetime(2026, 1, 1)))
        with pytest.raises(sa.exc.StatementError, match="naive datetime"):
            session.commit()


def test_stations_are_registered_and_updated(engine: Engine) -> None:
    stations = Stations(engine)
    with pytest.raises(StationNotFound, match="kxyz"):
        stations.get("kxyz")
    first = stations.ensure("kxyz", name="KXYZ 101.1", timezone="America/Chicago")
    again = stations.ensure("kxyz", name="KXYZ", timezone="America/Chicago", call_letters="KXYZ")
    assert again.created_at == first.created_at
    assert stations.get("kxyz").call_letters == "KXYZ"
    assert [s.id for s in stations.all()] == ["kxyz"]
