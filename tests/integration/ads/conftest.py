"""A migrated database with the traffic test station, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from onair.storage.db import create_engine_for
from onair.storage.migrate import upgrade
from onair.storage.repositories import Stations

from .traffic_station import STATION


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    upgrade(database_url)
    engine = create_engine_for(database_url)
    Stations(engine).ensure(STATION, name="KADS", timezone="America/Chicago")
    yield engine
    engine.dispose()
